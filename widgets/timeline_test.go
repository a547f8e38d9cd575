package widgets

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/flashdeck/flashdeck/internal/testwait"
)

// saleData is a sale of minutes minutes on channels channels, with an
// outage, a degraded spell and markers actions spread over it.
func saleData(minutes, channels, markers int) TimelineData {
	d := TimelineData{Minutes: minutes, Now: minutes, CumulativeMax: 0, CumulativeLabel: "sold / 9,000 allocated", FlagsLabel: "flagged"}
	names := []string{"Lazada ID", "Akulaku ID", "mi.com ID", "Shopee ID"}
	sold := 0.0
	for c := range channels {
		s := TimelineSeries{Name: names[c%len(names)], Values: make([]float64, minutes)}
		for i := range s.Values {
			// An opening surge that decays, with a wobble per channel.
			s.Values[i] = float64(120/(c+1))*math.Exp(-float64(i)/float64(minutes/4+1)) + 10 + 6*math.Sin(float64(i+c*7)/5)
		}
		d.Series = append(d.Series, s)
	}
	for i := range minutes {
		for _, s := range d.Series {
			sold += s.Values[i]
		}
		d.Cumulative = append(d.Cumulative, sold)
		d.Flags = append(d.Flags, math.Floor(float64(i*i)/float64(minutes*4)))
	}
	d.CumulativeMax = sold * 1.2
	d.Bands = []TimelineBand{
		{Lane: 0, From: minutes / 5, To: minutes / 5 * 2, State: StateDown},
		{Lane: channels - 1, From: minutes / 2, To: minutes/2 + minutes/10 + 1, State: StateDegraded},
	}
	kinds := []string{MarkerPause, MarkerResume, MarkerExtend, "cancel_order"}
	for i := range markers {
		m := (i*minutes)/markers + minutes/(2*markers)
		d.Markers = append(d.Markers, TimelineMarker{Minute: m, Kind: kinds[i%len(kinds)], Label: fmt.Sprintf("%s by ayu: reason %d", kinds[i%len(kinds)], i)})
	}
	start := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	for m := 0; m <= minutes; m += max(minutes/4, 1) {
		d.Ticks = append(d.Ticks, TimelineTick{Minute: m, Label: start.Add(time.Duration(m) * time.Minute).Format("15:04")})
	}
	return d
}

func TestGoldenTimeline(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline()
	d := saleData(60, 3, 3)
	d.Now = 50 // the sale is still running
	tl.SetData(d)
	w := showUnpadded(t, tl, fyne.NewSize(480, 200))
	test.AssertRendersToImage(t, "timeline.png", w.Canvas())

	// Hovering a marker shows who did what and why.
	tl.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(tlX(tl, d.Markers[0].Minute), 100)}})
	test.AssertRendersToImage(t, "timeline_hover.png", w.Canvas())
}

// tlX is where a minute's marker sits in a laid-out timeline.
func tlX(tl *Timeline, minute int) float32 {
	return tl.geometry(tl.Size()).x(float64(minute) + 0.5)
}

func TestTimelineMarkerLabels(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline()
	d := saleData(120, 2, 4)
	tl.SetData(d)
	showUnpadded(t, tl, fyne.NewSize(600, 200))
	r := test.WidgetRenderer(tl).(*timelineRenderer)

	at := func(m int) *desktop.MouseEvent {
		return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(tlX(tl, m), 80)}}
	}
	tl.MouseIn(at(d.Markers[1].Minute))
	if got := tl.Hovered(); got != d.Markers[1].Label || r.tip.Text != got || r.tip.Hidden {
		t.Errorf("hovering marker 1: label %q, tip %q hidden %v; want %q shown", got, r.tip.Text, r.tip.Hidden, d.Markers[1].Label)
	}
	tl.MouseMoved(at(d.Markers[1].Minute + 10)) // 50 px away: nothing
	if got := tl.Hovered(); got != "" || !r.tip.Hidden {
		t.Errorf("away from every marker the label is %q", got)
	}
	tl.MouseMoved(at(d.Markers[2].Minute))
	tl.MouseOut()
	if tl.Hovered() != "" {
		t.Error("the label stays after the pointer left")
	}
	// A tap shows it, a second tap on the same marker hides it.
	tap := &fyne.PointEvent{Position: at(d.Markers[3].Minute).Position}
	tl.Tapped(tap)
	if tl.Hovered() != d.Markers[3].Label {
		t.Errorf("tapped marker 3, label %q", tl.Hovered())
	}
	tl.Tapped(tap)
	if tl.Hovered() != "" {
		t.Error("a second tap did not hide the label")
	}
}

func TestTimelineGeometry(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline()
	d := saleData(720, 4, 100)
	d.Now = 360
	tl.SetData(d)
	showUnpadded(t, tl, fyne.NewSize(800, 300))
	r := test.WidgetRenderer(tl).(*timelineRenderer)
	g := tl.geometry(tl.Size())

	// A long sale is averaged into columns: no more segments than half
	// the plot's width in points, and none past now.
	if len(r.curves) != len(d.Series)+2 {
		t.Fatalf("%d curves, want one per series, the flags and the cumulative", len(r.curves))
	}
	for i, c := range r.curves[:len(d.Series)] {
		for _, p := range c.pts {
			if isBad(p.X) || isBad(p.Y) || p.X < g.left || p.X > g.x(float64(d.Now)) || p.Y < g.top || p.Y > g.bottom {
				t.Fatalf("series %d: a point at %v, outside the plot up to now", i, p)
			}
		}
		if limit := int((g.right-g.left)/tlPointGap) + 1; len(c.pts) < 2 || len(c.pts) > limit {
			t.Errorf("series %d: %d points, want 2..%d", i, len(c.pts), limit)
		}
	}
	// The outage band covers its minutes over the plot's height, its lane
	// under the plot.
	b := r.bands.rects[0]
	if want := g.x(float64(d.Bands[0].From)); math.Abs(float64(b.Position().X-want)) > 0.01 || b.Size().Height != g.bottom-g.top {
		t.Errorf("outage band at %v size %v; want x=%v over the plot", b.Position(), b.Size(), want)
	}
	if lane := r.lanes.rects[1]; lane.Position().Y <= g.bottom {
		t.Errorf("the degraded lane is at y=%v, inside the plot (bottom %v)", lane.Position().Y, g.bottom)
	}
	if r.now.Hidden || r.now.Position1.X != g.x(360) {
		t.Errorf("now line hidden %v at %v, want at %v", r.now.Hidden, r.now.Position1.X, g.x(360))
	}
	// Markers sit at their minutes.
	for i, m := range d.Markers {
		if x := r.markLine.lines[i].Position1.X; x != g.x(float64(m.Minute)+0.5) {
			t.Fatalf("marker %d at x=%v, want %v", i, x, g.x(float64(m.Minute)+0.5))
		}
	}

	// Degenerate data draws nothing out of bounds and does not panic.
	for _, dd := range []TimelineData{{}, {Minutes: 1, Now: 1, Series: []TimelineSeries{{Values: []float64{math.NaN()}}}},
		{Minutes: 10, Now: 99, Cumulative: []float64{1}, Flags: []float64{math.Inf(1)}, Markers: []TimelineMarker{{Minute: 50}}}} {
		tl.SetData(dd)
		for _, o := range r.Objects() {
			if p := o.Position(); isBad(p.X) || isBad(p.Y) {
				t.Fatalf("data %+v: an object at %v", dd, p)
			}
		}
	}
}

func TestTimelineReusesItsObjects(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline()
	tl.SetData(saleData(720, 4, 100))
	showUnpadded(t, tl, fyne.NewSize(800, 300))
	r := test.WidgetRenderer(tl).(*timelineRenderer)
	before := append([]fyne.CanvasObject(nil), r.Objects()...)
	tl.SetData(saleData(700, 4, 90)) // a little less of everything
	if !sameObjects(before, r.Objects()) {
		t.Error("a smaller model replaced the canvas objects")
	}
}

// launchScale is the timeline at launch scale: 4 channels, a 12-hour sale,
// about 100 actions.
func launchScale(b *testing.B) (*Timeline, fyne.Window, []TimelineData) {
	test.NewTempApp(b)
	tl := NewTimeline()
	models := []TimelineData{saleData(720, 4, 100), saleData(720, 4, 101)}
	tl.SetData(models[0])
	w := test.NewTempWindow(b, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1200, 320))
	return tl, w, models
}

// BenchmarkTimelineRedraw is one update of the timeline at launch scale,
// everything the widget does for it: the new data laid out, the curves
// drawn into the raster (at 1200×320 pixels) that the driver then shows.
func BenchmarkTimelineRedraw(b *testing.B) {
	tl, _, models := launchScale(b)
	r := test.WidgetRenderer(tl).(*timelineRenderer)
	i := 0
	for b.Loop() {
		i++
		tl.SetData(models[i%2])
		r.draw(1200, 320)
	}
}

// BenchmarkTimelineSoftwarePaint is one update painted whole by Fyne's
// software painter, the one the tests and the report's fallback use (the
// desktop's GL driver paints on the graphics card instead).
func BenchmarkTimelineSoftwarePaint(b *testing.B) {
	tl, w, models := launchScale(b)
	i := 0
	for b.Loop() {
		i++
		tl.SetData(models[i%2])
		w.Canvas().Capture()
	}
}

// One redraw at launch scale stays within a frame (16 ms at 60 Hz). Held
// only in the full-length run: under -short or -race the machine is slow
// for reasons of its own. Each of 40 redraws is timed and the fastest is
// held to the limit: what the code costs, not what a machine shared with
// other work lets it have at that moment (the median is logged).
func TestTimelineRedrawWithinAFrame(t *testing.T) {
	if !testwait.Timed() {
		t.Skip("time limits hold only in the full-length run without -race")
	}
	test.NewTempApp(t)
	tl := NewTimeline()
	models := []TimelineData{saleData(720, 4, 100), saleData(720, 4, 101)}
	tl.SetData(models[0])
	w := test.NewTempWindow(t, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1200, 320))
	r := test.WidgetRenderer(tl).(*timelineRenderer)
	var took []time.Duration
	for i := range 40 {
		start := time.Now()
		tl.SetData(models[i%2])
		r.draw(1200, 320)
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	t.Logf("one redraw at launch scale: fastest %v, median %v", took[0], took[len(took)/2])
	if took[0] > 16*time.Millisecond {
		t.Errorf("the fastest of 40 redraws at launch scale took %v, want under 16ms", took[0])
	}
}
