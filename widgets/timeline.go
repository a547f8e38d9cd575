package widgets

import (
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/internal/plot"
)

// TimelineData is what a Timeline draws, minute by minute. Every value is
// already computed and every text formatted by the caller.
type TimelineData struct {
	// Minutes is the length of the axis; Now the minutes reached so far
	// (the series stop there; a faint line marks it while Now < Minutes).
	Minutes, Now int
	// Series are units per minute, one per channel, drawn on one shared
	// scale. Their names make the legend.
	Series []TimelineSeries
	// Cumulative is sold by the end of each minute, drawn against
	// CumulativeMax (the allocation) on a scale of its own, with a line
	// at the top labelled CumulativeLabel ("8,800 allocated").
	Cumulative      []float64
	CumulativeMax   float64
	CumulativeLabel string
	// Flags is the flagged orders by the end of each minute, drawn against
	// its own maximum, with FlagsLabel in the legend.
	Flags      []float64
	FlagsLabel string
	// Bands shade the minutes [From, To) a series' channel (Lane, an index
	// in Series) was StateDown or StateDegraded.
	Bands []TimelineBand
	// Markers are actions; their Label shows on hover or tap.
	Markers []TimelineMarker
	// Ticks label the time axis.
	Ticks []TimelineTick
}

// TimelineSeries is one line of the chart.
type TimelineSeries struct {
	Name   string
	Values []float64
}

// TimelineBand is a run of minutes a channel was not healthy.
type TimelineBand struct {
	Lane     int
	From, To int
	State    string // StateDown or StateDegraded
}

// Marker kinds a Timeline colours: a pause orange, a resume green, an
// extension blue, anything else in the foreground colour.
const (
	MarkerPause  = "pause"
	MarkerResume = "resume"
	MarkerExtend = "extend"
)

// TimelineMarker is an action at a minute.
type TimelineMarker struct {
	Minute int
	Kind   string
	Label  string
}

// TimelineTick is a label on the time axis.
type TimelineTick struct {
	Minute int
	Label  string
}

// SeriesColor is the colour of the i-th series (the report uses the same).
func SeriesColor(i int) color.NRGBA { return plot.SeriesColor(i) }

// Sizes of a Timeline, in Fyne units.
const (
	tlPad        = 4
	tlLaneHeight = 6
	tlLaneGap    = 2
	tlLine       = 1.5
	tlCumLine    = 2.5
	tlHoverReach = 8 // how close the pointer must be to a marker
	// tlPointGap is the least distance between two points of a series: a
	// long sale is averaged into columns rather than drawn minute by minute.
	tlPointGap = 2
)

// Timeline draws a whole sale: units per minute per channel, sold against
// allocated, the minutes a channel was down or degraded, the actions and the
// flags' rise. The curves are drawn into one raster image (a 12-hour sale
// on four channels would otherwise take thousands of line objects); the
// bands, markers and texts are canvas objects, pooled and reused across
// updates.
type Timeline struct {
	widget.BaseWidget

	data  TimelineData
	hover int // index of the marker whose label shows; -1: none
}

var (
	_ desktop.Hoverable = (*Timeline)(nil)
	_ fyne.Tappable     = (*Timeline)(nil)
)

// NewTimeline returns an empty timeline.
func NewTimeline() *Timeline {
	t := &Timeline{hover: -1}
	t.ExtendBaseWidget(t)
	return t
}

// SetData replaces what the timeline draws. The caller must not change the
// slices afterwards.
func (t *Timeline) SetData(d TimelineData) {
	t.data = d
	if t.hover >= len(d.Markers) {
		t.hover = -1
	}
	t.Refresh()
}

// Data returns what the timeline draws.
func (t *Timeline) Data() TimelineData { return t.data }

// Hovered returns the label of the marker shown, "" if none.
func (t *Timeline) Hovered() string {
	if t.hover < 0 || t.hover >= len(t.data.Markers) {
		return ""
	}
	return t.data.Markers[t.hover].Label
}

// MouseIn shows the label of the marker under the pointer.
func (t *Timeline) MouseIn(e *desktop.MouseEvent) { t.pointAt(e.Position, false) }

// MouseMoved shows the label of the marker under the pointer.
func (t *Timeline) MouseMoved(e *desktop.MouseEvent) { t.pointAt(e.Position, false) }

// MouseOut hides the marker's label.
func (t *Timeline) MouseOut() { t.setHover(-1) }

// Tapped shows the label of the marker tapped (touch screens have no
// hover), or hides it when tapped again.
func (t *Timeline) Tapped(e *fyne.PointEvent) { t.pointAt(e.Position, true) }

func (t *Timeline) pointAt(p fyne.Position, toggle bool) {
	i := t.markerNear(p.X)
	if toggle && i == t.hover {
		i = -1
	}
	t.setHover(i)
}

func (t *Timeline) setHover(i int) {
	if i == t.hover {
		return
	}
	t.hover = i
	t.Refresh()
}

// markerNear is the marker nearest x within reach, -1 if none.
func (t *Timeline) markerNear(x float32) int {
	g := t.geometry(t.Size())
	best, bestD := -1, float32(tlHoverReach)
	for i, m := range t.data.Markers {
		if d := float32(math.Abs(float64(g.x(float64(m.Minute)+0.5) - x))); d <= bestD {
			best, bestD = i, d
		}
	}
	return best
}

// MinSize returns the size this timeline must not shrink below.
func (t *Timeline) MinSize() fyne.Size {
	t.ExtendBaseWidget(t)
	return t.BaseWidget.MinSize()
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (t *Timeline) CreateRenderer() fyne.WidgetRenderer {
	t.ExtendBaseWidget(t)
	r := &timelineRenderer{tl: t}
	r.raster = canvas.NewRaster(r.draw)
	r.tipBack.CornerRadius = 3
	r.apply()
	return r
}

// tlGeometry places minutes and values in a laid-out timeline.
type tlGeometry struct {
	left, right, top, bottom float32 // the plot
	lanesTop                 float32
	minutes                  int
}

func (g tlGeometry) x(minute float64) float32 {
	if g.minutes <= 0 {
		return g.left
	}
	return g.left + float32(minute/float64(g.minutes))*(g.right-g.left)
}

// y maps v in [0, peak] to the plot, 0 on the bottom.
func (g tlGeometry) y(v, peak float64) float32 {
	if peak <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return g.bottom
	}
	return g.bottom - float32(min(max(v/peak, 0), 1))*(g.bottom-g.top)
}

func (t *Timeline) textSize() float32 { return theme.SizeForWidget(theme.SizeNameCaptionText, t) }

func (t *Timeline) geometry(size fyne.Size) tlGeometry {
	ts := t.textSize()
	lanes := float32(len(t.data.Series)) * (tlLaneHeight + tlLaneGap)
	g := tlGeometry{left: tlPad, right: max(size.Width-tlPad, tlPad), top: tlPad + ts*1.6, minutes: t.data.Minutes}
	g.bottom = max(size.Height-tlPad-ts*1.6-lanes, g.top)
	g.lanesTop = g.bottom + tlLaneGap
	return g
}

// linePool is a grow-only pool of lines; take shows the first n.
type linePool struct{ lines []*canvas.Line }

func (p *linePool) take(n int, width float32, c color.Color) []*canvas.Line {
	for len(p.lines) < n {
		p.lines = append(p.lines, &canvas.Line{})
	}
	for i, l := range p.lines {
		l.Hidden = i >= n
		l.StrokeWidth, l.StrokeColor = width, c
	}
	return p.lines[:n]
}

type rectPool struct{ rects []*canvas.Rectangle }

func (p *rectPool) take(n int) []*canvas.Rectangle {
	for len(p.rects) < n {
		p.rects = append(p.rects, &canvas.Rectangle{})
	}
	for i, r := range p.rects {
		r.Hidden = i >= n
	}
	return p.rects[:n]
}

type textPool struct{ texts []*canvas.Text }

func (p *textPool) take(n int, size float32, c color.Color) []*canvas.Text {
	for len(p.texts) < n {
		p.texts = append(p.texts, &canvas.Text{})
	}
	for i, t := range p.texts {
		t.Hidden = i >= n
		t.TextSize, t.Color = size, c
	}
	return p.texts[:n]
}

type timelineRenderer struct {
	tl *Timeline

	bands, lanes rectPool
	// curves are the polylines the raster draws, in Fyne units.
	curves               []curve
	raster               *canvas.Raster
	markLine             linePool
	axis, allocLine, now canvas.Line
	marks                []*canvas.Circle
	legend, ticks        textPool
	swatches             rectPool
	tipBack              canvas.Rectangle
	tip                  canvas.Text

	objects []fyne.CanvasObject
}

// curve is one polyline of the raster.
type curve struct {
	pts   []plot.Point
	width float32
	color color.Color
}

// draw is the raster's generator: the curves at w×h pixels.
func (r *timelineRenderer) draw(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	size := r.tl.Size()
	if size.Width <= 0 || size.Height <= 0 {
		return img
	}
	sx, sy := float32(w)/size.Width, float32(h)/size.Height
	var px []plot.Point
	for _, c := range r.curves {
		px = px[:0]
		for _, p := range c.pts {
			px = append(px, plot.Point{X: p.X * sx, Y: p.Y * sy})
		}
		plot.Stroke(img, px, c.width*sx, c.color)
	}
	return img
}

// points averages a series into at most cols columns: (minute, value) pairs,
// the minute being the middle of the column.
func points(values []float64, upTo, cols int, out [][2]float64) [][2]float64 {
	out = out[:0]
	n := min(len(values), upTo)
	if n <= 0 {
		return out
	}
	step := max(1, (n+cols-1)/max(cols, 1))
	for i := 0; i < n; i += step {
		end := min(i+step, n)
		sum := 0.0
		for _, v := range values[i:end] {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				sum += v
			}
		}
		out = append(out, [2]float64{float64(i+end) / 2, sum / float64(end-i)})
	}
	return out
}

func (r *timelineRenderer) apply() {
	t := r.tl
	d := &t.data
	fg := theme.ColorForWidget(theme.ColorNameForeground, t)
	muted := theme.ColorForWidget(theme.ColorNameDisabled, t)
	ts := t.textSize()

	for len(r.marks) < len(d.Markers) {
		r.marks = append(r.marks, &canvas.Circle{})
	}
	for i, c := range r.marks {
		c.Hidden = i >= len(d.Markers)
		if i < len(d.Markers) {
			c.FillColor = markerColor(t, d.Markers[i].Kind)
		}
	}
	r.axis.StrokeWidth, r.axis.StrokeColor = 1, muted
	r.allocLine.StrokeWidth, r.allocLine.StrokeColor = 1, muted
	r.allocLine.Hidden = d.CumulativeMax <= 0
	r.now.StrokeWidth, r.now.StrokeColor = 1, muted
	r.now.Hidden = d.Now >= d.Minutes || d.Now <= 0

	bands := r.bands.take(len(d.Bands))
	lanes := r.lanes.take(len(d.Bands))
	for i, b := range d.Bands {
		c := bandColor(t, b.State)
		lanes[i].FillColor = c
		faint := color.NRGBAModel.Convert(c).(color.NRGBA)
		faint.A = 0x30
		bands[i].FillColor = faint
	}

	legendN := len(d.Series) + 2
	legend := r.legend.take(legendN, ts, fg)
	swatches := r.swatches.take(legendN)
	for i, s := range d.Series {
		legend[i].Text = s.Name
		swatches[i].FillColor = SeriesColor(i)
	}
	legend[len(d.Series)].Text = d.CumulativeLabel
	swatches[len(d.Series)].FillColor = fg
	legend[len(d.Series)+1].Text = d.FlagsLabel
	swatches[len(d.Series)+1].FillColor = theme.ColorForWidget(theme.ColorNameError, t)
	swatches[len(d.Series)].Hidden = d.CumulativeLabel == ""
	swatches[len(d.Series)+1].Hidden = d.FlagsLabel == ""
	ticks := r.ticks.take(len(d.Ticks), ts, fg)
	for i, k := range d.Ticks {
		ticks[i].Text = k.Label
	}

	label := t.Hovered()
	r.tip.Text, r.tip.TextSize, r.tip.Color = label, ts, theme.ColorForWidget(theme.ColorNameForeground, t)
	r.tipBack.FillColor = theme.ColorForWidget(theme.ColorNameOverlayBackground, t)
	r.tipBack.StrokeColor, r.tipBack.StrokeWidth = muted, 1
	r.tip.Hidden, r.tipBack.Hidden = label == "", label == ""
}

func markerColor(w fyne.Widget, kind string) color.Color {
	switch kind {
	case MarkerPause:
		return theme.ColorForWidget(theme.ColorNameWarning, w)
	case MarkerResume:
		return theme.ColorForWidget(theme.ColorNameSuccess, w)
	case MarkerExtend:
		return theme.ColorForWidget(theme.ColorNamePrimary, w)
	}
	return theme.ColorForWidget(theme.ColorNameForeground, w)
}

func bandColor(w fyne.Widget, state string) color.Color {
	if state == StateDown {
		return theme.ColorForWidget(theme.ColorNameError, w)
	}
	return theme.ColorForWidget(theme.ColorNameWarning, w)
}

func (r *timelineRenderer) Layout(size fyne.Size) {
	t := r.tl
	d := &t.data
	g := t.geometry(size)
	ts := t.textSize()

	for i, b := range d.Bands {
		x0, x1 := g.x(float64(b.From)), g.x(float64(b.To))
		r.bands.rects[i].Move(fyne.NewPos(x0, g.top))
		r.bands.rects[i].Resize(fyne.NewSize(max(x1-x0, 1), g.bottom-g.top))
		ly := g.lanesTop + float32(b.Lane)*(tlLaneHeight+tlLaneGap)
		r.lanes.rects[i].Move(fyne.NewPos(x0, ly))
		r.lanes.rects[i].Resize(fyne.NewSize(max(x1-x0, 1), tlLaneHeight))
	}
	r.axis.Position1, r.axis.Position2 = fyne.NewPos(g.left, g.bottom), fyne.NewPos(g.right, g.bottom)

	cols := max(int((g.right-g.left)/tlPointGap), 1)
	peak := 0.0
	var buf [][2]float64
	for _, s := range d.Series {
		buf = points(s.Values, d.Now, cols, buf)
		for _, p := range buf {
			peak = max(peak, p[1])
		}
	}
	n := 0
	for i, s := range d.Series {
		buf = points(s.Values, d.Now, cols, buf)
		r.polyline(&n, buf, g, peak, tlLine, SeriesColor(i))
	}
	buf = buf[:0]
	flagPeak := 0.0
	for i, v := range d.Flags[:min(len(d.Flags), d.Now)] {
		buf = append(buf, [2]float64{float64(i + 1), v})
		flagPeak = max(flagPeak, v)
	}
	if len(buf) > cols {
		buf = thin(buf, cols)
	}
	// The flags keep to the lower third: a rise to watch, not to read off.
	r.polyline(&n, buf, g, 3*flagPeak, tlLine, theme.ColorForWidget(theme.ColorNameError, t))
	buf = buf[:0]
	for i, v := range d.Cumulative[:min(len(d.Cumulative), d.Now)] {
		buf = append(buf, [2]float64{float64(i + 1), v})
	}
	cumPeak := d.CumulativeMax
	for _, p := range buf {
		cumPeak = max(cumPeak, p[1])
	}
	if len(buf) > cols { // one point per column is as fine as the eye sees
		buf = thin(buf, cols)
	}
	r.polyline(&n, buf, g, cumPeak, tlCumLine, theme.ColorForWidget(theme.ColorNameForeground, t))
	r.curves = r.curves[:n]
	r.raster.Resize(size)
	if d.CumulativeMax > 0 {
		y := g.y(d.CumulativeMax, cumPeak)
		r.allocLine.Position1, r.allocLine.Position2 = fyne.NewPos(g.left, y), fyne.NewPos(g.right, y)
	}

	nx := g.x(float64(d.Now))
	r.now.Position1, r.now.Position2 = fyne.NewPos(nx, g.top), fyne.NewPos(nx, g.bottom)

	marks := r.markLine.take(len(d.Markers), 1.5, nil)
	const dot = 8
	for i, m := range d.Markers {
		x := g.x(float64(m.Minute) + 0.5)
		marks[i].StrokeColor = r.marks[i].FillColor
		marks[i].Position1, marks[i].Position2 = fyne.NewPos(x, g.top+dot/2), fyne.NewPos(x, g.bottom)
		r.marks[i].Move(fyne.NewPos(x-dot/2, g.top-dot/2))
		r.marks[i].Resize(fyne.NewSize(dot, dot))
	}

	// The legend along the top: a swatch and a name per entry.
	x := g.left
	for i, l := range r.legend.texts {
		if l.Hidden {
			continue
		}
		sw := r.swatches.rects[i]
		sw.Move(fyne.NewPos(x, tlPad+ts*0.35))
		sw.Resize(fyne.NewSize(ts*0.8, ts*0.8))
		x += ts
		l.Move(fyne.NewPos(x, tlPad))
		x += l.MinSize().Width + ts
	}
	for i, k := range d.Ticks {
		tx := r.ticks.texts[i]
		w := tx.MinSize().Width
		tx.Move(fyne.NewPos(min(max(g.x(float64(k.Minute))-w/2, g.left), g.right-w), size.Height-tlPad-ts*1.4))
	}

	if t.hover >= 0 && t.hover < len(d.Markers) {
		ms := r.tip.MinSize()
		w, h := ms.Width+2*tlPad, ms.Height+tlPad
		x := min(max(g.x(float64(d.Markers[t.hover].Minute)+0.5)-w/2, 0), max(size.Width-w, 0))
		r.tipBack.Move(fyne.NewPos(x, g.top+tlPad))
		r.tipBack.Resize(fyne.NewSize(w, h))
		r.tip.Move(fyne.NewPos(x+tlPad, g.top+tlPad*1.5))
	}
	r.collect()
}

// thin keeps about n of pts, evenly, always the last.
func thin(pts [][2]float64, n int) [][2]float64 {
	step := (len(pts) + n - 1) / n
	out := pts[:0]
	last := pts[len(pts)-1]
	for i := 0; i < len(pts); i += step {
		out = append(out, pts[i])
	}
	if out[len(out)-1] != last {
		out = append(out, last)
	}
	return out
}

// polyline sets the n-th curve to pts (minute, value) and counts it,
// reusing the curves' point slices.
func (r *timelineRenderer) polyline(n *int, pts [][2]float64, g tlGeometry, peak float64, width float32, c color.Color) {
	if *n == len(r.curves) {
		r.curves = append(r.curves, curve{})
	}
	cv := &r.curves[*n]
	*n++
	cv.width, cv.color = width, c
	cv.pts = cv.pts[:0]
	for _, p := range pts {
		cv.pts = append(cv.pts, plot.Point{X: g.x(p[0]), Y: g.y(p[1], peak)})
	}
}

// collect lists the canvas objects, back to front.
func (r *timelineRenderer) collect() {
	o := r.objects[:0]
	for _, b := range r.bands.rects {
		o = append(o, b)
	}
	o = append(o, &r.axis, &r.now, r.raster, &r.allocLine)
	for _, l := range r.markLine.lines {
		o = append(o, l)
	}
	for _, c := range r.marks {
		o = append(o, c)
	}
	for _, l := range r.lanes.rects {
		o = append(o, l)
	}
	for _, s := range r.swatches.rects {
		o = append(o, s)
	}
	for _, t := range r.legend.texts {
		o = append(o, t)
	}
	for _, t := range r.ticks.texts {
		o = append(o, t)
	}
	r.objects = append(o, &r.tipBack, &r.tip)
}

func (r *timelineRenderer) MinSize() fyne.Size {
	ts := r.tl.textSize()
	lanes := float32(len(r.tl.data.Series)) * (tlLaneHeight + tlLaneGap)
	return fyne.NewSize(20*ts, 8*ts+lanes)
}

func (r *timelineRenderer) Refresh() {
	r.apply()
	r.Layout(r.tl.Size())
	refreshAll(r.objects...)
}

func (r *timelineRenderer) Objects() []fyne.CanvasObject {
	if r.objects == nil {
		r.collect()
	}
	return r.objects
}

func (r *timelineRenderer) Destroy() {}
