package ui

import (
	"context"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/timeline"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
	"github.com/flashdeck/flashdeck/widgets"
)

// timelineDocs writes the demo's timeline to docs/timeline.png.
var timelineDocs = flag.Bool("timeline-docs", false, "write the demo's timeline to docs/timeline.png")

// On the demo, Lazada ID is down from minute 3 to minute 7 and the sale
// is paused at 9:30: the widget draws the band over those minutes, on
// Lazada's lane, and the pause's marker at minute 9 with who and why.
func TestDemoTimelineWidget(t *testing.T) {
	r := demotest.Start(t, demotest.Options{Into: 3 * time.Minute})
	eng := r.Collector.Engine
	state := func(id, want string) {
		testwait.Until(t, 30*time.Second, func() string {
			if c, _ := eng.Snapshot().Channel(id); c.State != want {
				return fmt.Sprintf("%s is %s, want %s", id, c.State, want)
			}
			return ""
		})
	}
	caughtUp := func() {
		testwait.Until(t, 30*time.Second, func() string {
			truth := r.Sim.Server.Truth()
			for _, c := range eng.Snapshot().Sales[0].Channels {
				want := 0
				for _, n := range truth.Sold[c.Channel] {
					want += n
				}
				if c.Sold != want {
					return fmt.Sprintf("%s: %d sold counted, %d taken", c.Channel, c.Sold, want)
				}
			}
			return ""
		})
	}
	state("lazada-id", engine.StateOK)
	book := r.Sim.Server.Book("lazada-id")
	book.SetFaults(simulator.Faults{Down: true})
	state("lazada-id", engine.StateDown)
	r.Clock.Advance(4 * time.Minute)
	book.SetFaults(simulator.Faults{})
	state("lazada-id", engine.StateOK)
	caughtUp()
	r.Clock.Advance(2*time.Minute + 30*time.Second) // 9:30
	caughtUp()
	ayu := actions.User{Name: "ayu", Role: config.RoleOperator}
	if _, err := r.Collector.Actions.Submit(context.Background(), ayu, actions.Request{
		Kind: actions.Pause, Sale: "poco-m3-launch", Reason: "bots on the checkout", IdempotencyKey: "timeline-widget"}); err != nil {
		t.Fatal(err)
	}
	for range 5 { // to 14:00
		r.Clock.Advance(time.Minute)
		caughtUp()
	}

	h, _ := eng.History("poco-m3-launch")
	acts, _ := r.Collector.Actions.List(actions.Filter{Sale: "poco-m3-launch"})
	m := timeline.Build(timeline.Input{History: h, Now: r.Clock.Now(), Actions: acts, Flags: eng.Flags("poco-m3-launch")})
	// The screenshot shows the first 20 minutes of the two hours.
	m.Minutes = 20
	d := TimelineData(m, simulator.WIB, "IDR")

	test.NewTempApp(t)
	tl := widgets.NewTimeline()
	tl.SetData(d)
	w := test.NewTempWindow(t, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(900, 260))

	var down []widgets.TimelineBand
	for _, b := range tl.Data().Bands {
		if b.State == widgets.StateDown {
			down = append(down, b)
		}
	}
	if len(down) != 1 || down[0] != (widgets.TimelineBand{Lane: 0, From: 3, To: 7, State: widgets.StateDown}) {
		t.Errorf("down bands %+v, want Lazada's lane over minutes [3, 7)", down)
	}
	mk := tl.Data().Markers
	if len(mk) != 1 || mk[0].Minute != 9 || mk[0].Kind != widgets.MarkerPause {
		t.Fatalf("markers %+v, want the pause at minute 9", mk)
	}
	// Hovering the marker names who paused and why.
	g := tl.Size()
	x := 4 + (g.Width-8)*(float32(mk[0].Minute)+0.5)/float32(d.Minutes)
	tl.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, g.Height/2)}})
	if got := tl.Hovered(); got == "" || !strings.Contains(got, "ayu") || !strings.Contains(got, "bots on the checkout") || !strings.Contains(got, "14:09") {
		t.Errorf("hovering the marker shows %q, want ayu's pause at 14:09 and why", got)
	}
	// A --remote desktop reads the same timeline from the collector's
	// API, and draws it on the card of a sale that came with the stream.
	srv, _ := r.Serve(t)
	rc := demotest.Remote(t, srv.URL, "")
	testwait.For(t, 30*time.Second, "the remote's first snapshot", func() bool {
		s := rc.Snapshot()
		return s != nil && len(s.Sales) > 0
	})
	rm, err := rc.Timeline(context.Background(), "poco-m3-launch")
	if err != nil {
		t.Fatal(err)
	}
	full := timeline.Build(timeline.Input{History: h, Now: r.Clock.Now(), Actions: acts, Flags: eng.Flags("poco-m3-launch")})
	if rm.Minutes != full.Minutes || rm.Now != full.Now || rm.Sold[len(rm.Sold)-1] != full.Sold[len(full.Sold)-1] ||
		len(rm.Bands) != len(full.Bands) || len(rm.Markers) != 1 || rm.Markers[0].Minute != 9 || rm.Markers[0].Who != "ayu" {
		t.Errorf("the API's timeline: %d minutes, now %d, %d sold, %d bands, markers %+v; the engine's: %d, %d, %d, %d",
			rm.Minutes, rm.Now, rm.Sold[len(rm.Sold)-1], len(rm.Bands), rm.Markers, full.Minutes, full.Now, full.Sold[len(full.Sold)-1], len(full.Bands))
	}
	rd := NewDashboard(&engine.Snapshot{}) // not connected yet: no sale, no card
	rt := placeTimelines(rd, rc.Snapshot, func(ctx context.Context, sale string) (timeline.Model, bool) {
		m, err := rc.Timeline(ctx, sale)
		return m, err == nil
	})
	rd.overview.Apply(rc.Snapshot())
	rt.show(rt.models(context.Background()))
	if got := rt.bySale["poco-m3-launch"]; got == nil || len(got.Data().Markers) != 1 {
		t.Error("the remote desktop's card shows no timeline with the pause")
	}
	if b, err := rc.Report(context.Background(), "poco-m3-launch"); err != nil || !strings.Contains(string(b), "bots on the checkout") {
		t.Errorf("the report from the remote collector: %v, %d bytes without the pause", err, len(b))
	}

	if *timelineDocs {
		f, err := os.Create(filepath.Join("..", "..", "docs", "timeline.png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
}
