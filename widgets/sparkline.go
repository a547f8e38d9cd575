package widgets

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Stroke widths of a Sparkline, in Fyne units.
const (
	sparkLineWidth     = 2
	sparkBaselineWidth = 1
)

// Sparkline is a small line chart of a series of non-negative values (e.g.
// units sold per minute over the last 30 minutes), scaled so that the largest
// value touches the top and zero sits on the bottom edge. It is drawn with a
// pool of canvas.Line segments that is reused across updates and grows only
// when the series gets longer than it has ever been.
//
// An empty series shows just the baseline; an all-zero series is a flat line
// along the bottom.
type Sparkline struct {
	widget.BaseWidget

	data       []float64 // sanitised copy, see sanitiseSample
	color      color.Color
	stale      bool
	noBaseline bool // inverted so that the zero value shows the baseline
}

// NewSparkline returns an empty sparkline drawn in the theme's primary colour,
// with a baseline.
func NewSparkline() *Sparkline {
	s := &Sparkline{}
	s.ExtendBaseWidget(s)
	return s
}

// SetData replaces the series. The slice is copied, so the caller may reuse
// it. NaN, infinite and negative values are drawn as 0.
func (s *Sparkline) SetData(values []float64) {
	if sameSeries(s.data, values) {
		return
	}
	s.data = s.data[:0]
	for _, v := range values {
		s.data = append(s.data, sanitiseSample(v))
	}
	s.Refresh()
}

// Data returns a copy of the series shown (after sanitising).
func (s *Sparkline) Data() []float64 {
	return append([]float64(nil), s.data...)
}

// SetColor sets the colour of the line; nil returns to the theme's primary
// colour.
func (s *Sparkline) SetColor(c color.Color) {
	if sameColor(s.color, c) {
		return
	}
	s.color = c
	s.Refresh()
}

// SetStale draws the line grey (theme.ColorNameDisabled) when stale is true.
func (s *Sparkline) SetStale(stale bool) {
	if s.stale == stale {
		return
	}
	s.stale = stale
	s.Refresh()
}

// SetBaseline shows or hides the thin line along the bottom edge. It is
// always drawn while the series is empty, so that the widget never looks
// missing.
func (s *Sparkline) SetBaseline(show bool) {
	if s.noBaseline == !show {
		return
	}
	s.noBaseline = !show
	s.Refresh()
}

// MinSize returns the size this sparkline must not shrink below.
func (s *Sparkline) MinSize() fyne.Size {
	s.ExtendBaseWidget(s)
	return s.BaseWidget.MinSize()
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (s *Sparkline) CreateRenderer() fyne.WidgetRenderer {
	s.ExtendBaseWidget(s)
	r := &sparklineRenderer{spark: s}
	r.objects = []fyne.CanvasObject{&r.baseline}
	r.apply()
	return r
}

// sanitiseSample maps values that cannot be drawn to 0, so that scaling never
// sees NaN or infinity.
func sanitiseSample(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// sameSeries reports whether values, once sanitised, equal the stored series.
func sameSeries(stored, values []float64) bool {
	if len(stored) != len(values) {
		return false
	}
	for i, v := range values {
		if stored[i] != sanitiseSample(v) {
			return false
		}
	}
	return true
}

type sparklineRenderer struct {
	spark    *Sparkline
	baseline canvas.Line
	segments []*canvas.Line // pool; only the first segmentCount() are shown
	objects  []fyne.CanvasObject
}

// segmentCount is how many segments the series needs: one per pair of
// neighbours, and one flat segment for a single point.
func (r *sparklineRenderer) segmentCount() int {
	n := len(r.spark.data)
	if n == 1 {
		return 1
	}
	return max(n-1, 0)
}

func (r *sparklineRenderer) apply() {
	s := r.spark
	// Grow the pool only when the series is longer than ever before; the
	// objects slice is rebuilt then, and only then.
	for len(r.segments) < r.segmentCount() {
		seg := &canvas.Line{StrokeWidth: sparkLineWidth}
		r.segments = append(r.segments, seg)
		r.objects = append(r.objects, seg)
	}

	lineColor := s.color
	switch {
	case s.stale:
		lineColor = theme.ColorForWidget(theme.ColorNameDisabled, s)
	case lineColor == nil:
		lineColor = theme.ColorForWidget(theme.ColorNamePrimary, s)
	}
	shown := r.segmentCount()
	for i, seg := range r.segments {
		seg.StrokeColor = lineColor
		seg.Hidden = i >= shown
	}

	r.baseline.StrokeWidth = sparkBaselineWidth
	r.baseline.StrokeColor = theme.ColorForWidget(theme.ColorNameDisabled, s)
	r.baseline.Hidden = s.noBaseline && len(s.data) > 0
}

func (r *sparklineRenderer) Layout(size fyne.Size) {
	data := r.spark.data

	baseY := size.Height - sparkBaselineWidth/2.0
	r.baseline.Position1 = fyne.NewPos(0, baseY)
	r.baseline.Position2 = fyne.NewPos(size.Width, baseY)

	// Keep half a stroke inside every edge so that the peak and the ends are
	// not clipped.
	const inset = sparkLineWidth / 2.0
	left, right := float32(inset), max(size.Width-inset, inset)
	top, bottom := float32(inset), max(size.Height-inset, inset)

	peak := 0.0
	for _, v := range data {
		peak = max(peak, v)
	}
	y := func(v float64) float32 {
		if peak <= 0 { // empty or all-zero: flat along the bottom
			return bottom
		}
		return bottom - float32(v/peak)*(bottom-top)
	}

	switch shown := min(r.segmentCount(), len(r.segments)); {
	case shown == 0:
	case len(data) == 1:
		r.segments[0].Position1 = fyne.NewPos(left, y(data[0]))
		r.segments[0].Position2 = fyne.NewPos(right, y(data[0]))
	default:
		step := (right - left) / float32(len(data)-1)
		for i := range shown {
			r.segments[i].Position1 = fyne.NewPos(left+float32(i)*step, y(data[i]))
			r.segments[i].Position2 = fyne.NewPos(left+float32(i+1)*step, y(data[i+1]))
		}
	}
}

func (r *sparklineRenderer) MinSize() fyne.Size {
	unit := theme.SizeForWidget(theme.SizeNameInlineIcon, r.spark)
	return fyne.NewSize(3*unit, unit)
}

func (r *sparklineRenderer) Refresh() {
	r.apply()
	r.Layout(r.spark.Size())
	refreshAll(r.objects...)
}

func (r *sparklineRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *sparklineRenderer) Destroy() {}
