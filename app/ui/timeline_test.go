package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/app/timeline"
	"github.com/flashdeck/flashdeck/internal/testwait"
	"github.com/flashdeck/flashdeck/widgets"
)

// fakeHistory is an engine that kept a sale's history: Lazada down from
// minute 5 to minute 8, 30 minutes in.
type fakeHistory struct{ snap *engine.Snapshot }

func (f fakeHistory) Snapshot() *engine.Snapshot { return f.snap }
func (f fakeHistory) History(id string) (engine.SaleHistory, bool) {
	s := f.snap.Sales[0]
	if id != s.ID {
		return engine.SaleHistory{}, false
	}
	per := make([]int32, 30)
	for i := range per {
		per[i] = int32(40 - i)
	}
	return engine.SaleHistory{ID: s.ID, Name: s.Name, Start: s.Start, End: s.End, Channels: []engine.ChannelHistory{
		{ID: "lazada-id", Name: "Lazada ID", Allocated: 500, PerMinute: per, Health: []store.HealthChange{
			{Channel: "lazada-id", At: s.Start, State: engine.StateOK},
			{Channel: "lazada-id", At: s.Start.Add(5 * time.Minute), State: engine.StateDown, Error: "HTTP 503"},
			{Channel: "lazada-id", At: s.Start.Add(8 * time.Minute), State: engine.StateOK},
		}},
		{ID: "micom-id", Name: "mi.com ID", Allocated: 3000, PerMinute: per},
	}}, true
}
func (f fakeHistory) Flags(string) []rules.Flag       { return nil }
func (f fakeHistory) SellOuts(string) engine.SellOuts { return engine.SellOuts{} }
func (f fakeHistory) List(actions.Filter) ([]actions.Action, error) {
	at := f.snap.Sales[0].Start.Add(12*time.Minute + 20*time.Second)
	return []actions.Action{{Kind: actions.Pause, Sale: "poco", User: "ayu", Reason: "bots", Summary: "Pause POCO M3 flash sale", SaleAt: at, CreatedAt: at}}, nil
}

func TestTimelineOnTheOverviewAndTheWall(t *testing.T) {
	test.NewTempApp(t)
	snap := snapshot(false)
	d := NewDashboard(snap)
	d.wall.Apply(snap)
	f := fakeHistory{snap}
	tl := newTimelines(d, f, f, func() time.Time { return snap.At })

	card := tl.bySale["poco"]
	if card == nil || !holds(d.overview.Card("poco").root.Content, card) {
		t.Fatal("the sale's card holds no timeline")
	}
	if !holds(d.wall.Content(), tl.wall) {
		t.Fatal("the wall holds no timeline")
	}
	got := card.Data()
	if got.Minutes != 120 || got.Now != 31 || len(got.Series) != 2 {
		t.Errorf("timeline of %d minutes, now %d, %d series; want 120, 31, 2", got.Minutes, got.Now, len(got.Series))
	}
	if len(got.Bands) != 1 || got.Bands[0] != (widgets.TimelineBand{Lane: 0, From: 5, To: 8, State: widgets.StateDown}) {
		t.Errorf("bands %+v, want Lazada down over minutes [5, 8)", got.Bands)
	}
	if len(got.Markers) != 1 || got.Markers[0].Minute != 12 || got.Markers[0].Kind != widgets.MarkerPause ||
		!strings.Contains(got.Markers[0].Label, "ayu") || !strings.Contains(got.Markers[0].Label, "bots") || !strings.Contains(got.Markers[0].Label, "14:12") {
		t.Errorf("markers %+v, want ayu's pause at 14:12 (minute 12) with the reason", got.Markers)
	}
	if w := tl.wall.Data(); w.Minutes != 120 || len(w.Bands) != 1 {
		t.Errorf("the wall's timeline: %d minutes, %d bands", w.Minutes, len(w.Bands))
	}
	if d.report != tl {
		t.Error("File → Sale report… has no timelines to report from")
	}
	if b, err := tl.reportHTML(context.Background(), "poco"); err != nil || !strings.Contains(string(b), "POCO M3 flash sale") || !strings.Contains(string(b), "bots") {
		t.Errorf("the sale's report: %v, %d bytes without the sale or the pause", err, len(b))
	}
	if got.Ticks[0].Label != "14:00" || got.Ticks[len(got.Ticks)-1].Label != "16:00" {
		t.Errorf("ticks %+v, want 14:00 to 16:00 in the sale's zone", got.Ticks)
	}
}

// holds reports whether o is, or contains, want.
func holds(o, want fyne.CanvasObject) bool {
	if o == want {
		return true
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, k := range c.Objects {
			if holds(k, want) {
				return true
			}
		}
	}
	return false
}

// TestTimelinesOnlyWhileInView: the timelines are on the Overview's cards
// and on the wall. While neither shows they are not built, fetched or
// drawn (each would redraw the window for nothing, and a remote desktop
// would ask its collector); coming into view they are read at once.
func TestTimelinesOnlyWhileInView(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	var built atomic.Int32
	tl := placeTimelines(d, func() *engine.Snapshot { return d.last }, func(context.Context, string) (timeline.Model, bool) {
		built.Add(1)
		return timeline.Model{}, true
	})
	d.report = tl
	tl.every = 5 * time.Millisecond

	d.tabs.SelectIndex(1) // SKUs
	if !tl.hidden.Load() {
		t.Fatal("the SKUs tab shows, and the timelines are not hidden")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); tl.run(ctx) }()
	// Time itself must pass: twenty of the timelines' ticks while hidden.
	time.Sleep(20 * tl.every)
	cancel()
	<-done // (the test's Fyne driver runs fyne.Do at once: no screen work meanwhile)
	if n := built.Load(); n != 0 {
		t.Errorf("the timelines were built %d times while no view showed them", n)
	}

	d.tabs.SelectIndex(0)
	if tl.hidden.Load() {
		t.Error("the Overview shows, and the timelines are hidden")
	}
	select {
	case <-tl.shown:
	default:
		t.Error("the Overview opened, and its timelines were not asked for at once")
	}

	d.tabs.SelectIndex(2)
	d.ToggleWall()
	if tl.hidden.Load() {
		t.Error("the wall shows, and the timelines are hidden")
	}
}

// TestTimelinesShownWithTheSnapshot: timelines read between two snapshots
// are shown by the next snapshot's update (the window drawn once for
// both), or by themselves after timelineRide when no snapshot comes.
func TestTimelinesShownWithTheSnapshot(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	test.NewTempWindow(t, d.Content())
	var minutes atomic.Int32
	tl := placeTimelines(d, func() *engine.Snapshot { return d.last }, func(context.Context, string) (timeline.Model, bool) {
		return timeline.Model{Minutes: int(minutes.Load())}, true
	})
	d.report = tl
	tl.every = time.Hour // read when asked (shown) only
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go tl.run(ctx)
	card := tl.bySale["poco"]

	minutes.Store(30)
	tl.shown <- struct{}{}
	testwait.For(t, 5*time.Second, "the timelines were not read", func() bool { return tl.pending.Load() != nil })
	if got := card.Data().Minutes; got == 30 {
		t.Fatal("the timelines were shown before a snapshot came")
	}
	d.Apply(snapshot(false))
	if got := card.Data().Minutes; got != 30 {
		t.Errorf("after the next snapshot the card's timeline is %d minutes, want 30", got)
	}

	// No snapshot comes: they show by themselves (flush takes them; the
	// test driver runs fyne.Do on the timer's goroutine, so the card is
	// not read here).
	minutes.Store(45)
	tl.shown <- struct{}{}
	testwait.For(t, 5*time.Second, "the timelines were not read again", func() bool { return tl.pending.Load() != nil })
	testwait.For(t, 2*timelineRide, "the timelines read never showed without a snapshot", func() bool { return tl.pending.Load() == nil })
}
