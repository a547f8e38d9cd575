package widgets

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// visibleSegments returns the segments the sparkline draws.
func visibleSegments(r *sparklineRenderer) []*canvas.Line {
	var out []*canvas.Line
	for _, s := range r.segments {
		if s.Visible() {
			out = append(out, s)
		}
	}
	return out
}

func TestSparklineRisingSeriesRises(t *testing.T) {
	test.NewTempApp(t)
	s := NewSparkline()
	s.SetData([]float64{0, 1, 2, 3, 4, 5})
	showUnpadded(t, s, fyne.NewSize(100, 40))
	r := test.WidgetRenderer(s).(*sparklineRenderer)

	segs := visibleSegments(r)
	if len(segs) != 5 {
		t.Fatalf("%d segments for 6 points, want 5", len(segs))
	}
	first, last := segs[0].Position1, segs[len(segs)-1].Position2
	if !(last.Y < first.Y) {
		t.Errorf("last point %v is not above the first %v", last, first)
	}
	if !(last.X > first.X) {
		t.Errorf("last point %v is not right of the first %v", last, first)
	}
	// Auto-scaled: zero on the bottom edge, the peak at the top (within the
	// half stroke kept inside the box).
	if first.Y < 38 || first.Y > 40 {
		t.Errorf("zero drawn at y=%v, want the bottom of a 40 high box", first.Y)
	}
	if last.Y > 2 || last.Y < 0 {
		t.Errorf("peak drawn at y=%v, want the top", last.Y)
	}
	// Segments are joined end to end.
	for i := 1; i < len(segs); i++ {
		if segs[i].Position1 != segs[i-1].Position2 {
			t.Errorf("segment %d starts at %v, previous ends at %v", i, segs[i].Position1, segs[i-1].Position2)
		}
	}
}

func TestSparklineDegenerateSeries(t *testing.T) {
	test.NewTempApp(t)
	nan := math.NaN()
	for _, tc := range []struct {
		name     string
		data     []float64
		segments int
		baseline bool
	}{
		{"nil", nil, 0, true},
		{"empty", []float64{}, 0, true},
		{"all zero", []float64{0, 0, 0, 0}, 3, true},
		{"one point", []float64{7}, 1, true},
		{"one zero", []float64{0}, 1, true},
		{"NaN and infinities", []float64{nan, math.Inf(1), math.Inf(-1), -4}, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSparkline()
			s.SetData(tc.data)
			for _, size := range []fyne.Size{{Width: 100, Height: 40}, {}} {
				s.Resize(size)
				r := test.WidgetRenderer(s).(*sparklineRenderer)
				segs := visibleSegments(r)
				if len(segs) != tc.segments {
					t.Errorf("size %v: %d segments, want %d", size, len(segs), tc.segments)
				}
				if r.baseline.Visible() != tc.baseline {
					t.Errorf("size %v: baseline visible = %v", size, r.baseline.Visible())
				}
				lines := append(segs, &r.baseline)
				for _, l := range lines {
					for _, p := range []fyne.Position{l.Position1, l.Position2} {
						if isBad(p.X) || isBad(p.Y) {
							t.Fatalf("size %v: position %v", size, p)
						}
					}
				}
				for _, l := range segs {
					if l.Position1.Y != l.Position2.Y {
						t.Errorf("size %v: segment %v-%v is not flat", size, l.Position1, l.Position2)
					}
				}
			}
		})
	}
}

func TestSparklineReusesItsSegments(t *testing.T) {
	test.NewTempApp(t)
	s := NewSparkline()
	series := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = float64(i % 7)
		}
		return out
	}
	s.SetData(series(30))
	r := test.WidgetRenderer(s).(*sparklineRenderer)
	pool := append([]fyne.CanvasObject(nil), r.Objects()...)
	if len(r.segments) != 29 {
		t.Fatalf("%d segments for 30 points, want 29", len(r.segments))
	}

	s.SetData(series(10)) // shorter: hide the spare segments, keep them
	if !sameObjects(pool, r.Objects()) {
		t.Error("a shorter series replaced the canvas objects")
	}
	if n := len(visibleSegments(r)); n != 9 {
		t.Errorf("%d visible segments for 10 points, want 9", n)
	}

	s.SetData(series(30)) // back to the old length: nothing new
	if !sameObjects(pool, r.Objects()) {
		t.Error("a series as long as before replaced the canvas objects")
	}

	s.SetData(series(40)) // longer than ever: the pool grows, the old lines stay
	if len(r.segments) != 39 {
		t.Fatalf("%d segments for 40 points, want 39", len(r.segments))
	}
	if !sameObjects(pool, r.Objects()[:len(pool)]) {
		t.Error("growing the pool replaced the existing canvas objects")
	}
}

func TestSparklineSetDataCopiesAndSkipsUnchanged(t *testing.T) {
	test.NewTempApp(t)
	s := NewSparkline()
	data := []float64{1, 2, 3}
	s.SetData(data)
	data[0] = 100 // the caller reuses its buffer
	if got := s.Data(); got[0] != 1 {
		t.Errorf("Data()[0] = %v after the caller changed its slice, want 1", got[0])
	}

	r := test.WidgetRenderer(s).(*sparklineRenderer)
	sentinel := fyne.NewPos(-99, -99)
	r.segments[0].Position1 = sentinel // survives only if SetData does not refresh
	s.SetData([]float64{1, 2, 3})
	if r.segments[0].Position1 != sentinel {
		t.Error("setting the same series refreshed the sparkline")
	}
	s.SetData([]float64{1, 2, 4})
	if r.segments[0].Position1 == sentinel {
		t.Error("a changed series did not refresh the sparkline")
	}
}

func TestSparklineColours(t *testing.T) {
	test.NewTempApp(t)
	s := NewSparkline()
	s.SetData([]float64{1, 3, 2})
	r := test.WidgetRenderer(s).(*sparklineRenderer)
	line := func() color.Color { return r.segments[0].StrokeColor }

	assertColor(t, "default line", line(), theme.ColorNamePrimary)

	custom := color.NRGBA{R: 0x12, G: 0x34, B: 0x56, A: 0xff}
	s.SetColor(custom)
	if !sameColor(line(), custom) {
		t.Errorf("line %v after SetColor(%v)", line(), custom)
	}

	s.SetStale(true)
	assertColor(t, "stale line", line(), theme.ColorNameDisabled)
	s.SetStale(false)
	if !sameColor(line(), custom) {
		t.Errorf("line %v after SetStale(false), want %v again", line(), custom)
	}

	s.SetColor(nil)
	assertColor(t, "line after SetColor(nil)", line(), theme.ColorNamePrimary)
}

func TestSparklineBaselineOption(t *testing.T) {
	test.NewTempApp(t)
	s := NewSparkline()
	s.SetData([]float64{1, 2})
	s.Resize(fyne.NewSize(80, 20))
	r := test.WidgetRenderer(s).(*sparklineRenderer)

	if !r.baseline.Visible() {
		t.Fatal("no baseline by default")
	}
	if r.baseline.Position1.Y != r.baseline.Position2.Y || r.baseline.Position1.Y < 19 ||
		r.baseline.Position2.X-r.baseline.Position1.X != 80 {
		t.Errorf("baseline %v-%v, want flat along the bottom of an 80x20 box", r.baseline.Position1, r.baseline.Position2)
	}
	if r.baseline.StrokeWidth >= r.segments[0].StrokeWidth {
		t.Errorf("baseline stroke %v is not thinner than the line's %v", r.baseline.StrokeWidth, r.segments[0].StrokeWidth)
	}

	s.SetBaseline(false)
	if r.baseline.Visible() {
		t.Error("baseline drawn after SetBaseline(false)")
	}
	s.SetData(nil)
	if !r.baseline.Visible() {
		t.Error("an empty sparkline without a baseline draws nothing at all")
	}
}
