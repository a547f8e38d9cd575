package report

import (
	"bytes"
	"image"
	"image/color"
	"image/png"

	"github.com/flashdeck/flashdeck/app/timeline"
	"github.com/flashdeck/flashdeck/internal/plot"
)

// Size of the timeline's image, in pixels: twice what a printed page
// shows, so that it stays sharp on paper.
const (
	imageWidth  = 1800
	imageHeight = 520
	laneHeight  = 12
	laneGap     = 4
)

// Colours of the image, on white paper.
var (
	inkCumulative = color.NRGBA{R: 0x22, G: 0x22, B: 0x22, A: 0xff}
	inkAllocated  = color.NRGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
	inkFlags      = color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	inkDown       = color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	inkDegraded   = color.NRGBA{R: 0xf0, G: 0xa0, B: 0x00, A: 0xff}
	inkAxis       = color.NRGBA{R: 0xbb, G: 0xbb, B: 0xbb, A: 0xff}
	inkNow        = color.NRGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
)

// markerInk is the colour of an action's marker, as on the desktop.
func markerInk(kind string) color.NRGBA {
	switch kind {
	case "pause":
		return color.NRGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
	case "resume":
		return color.NRGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	case "extend":
		return color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	}
	return color.NRGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
}

func faint(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

// TimelinePNG draws a timeline model as a PNG, the way the desktop's
// widget draws it: curves, bands, lanes and markers (the texts are the
// HTML's, around it).
func TimelinePNG(m timeline.Model) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, imageWidth, imageHeight))
	plot.Fill(img, img.Bounds(), color.White)
	lanes := len(m.Channels) * (laneHeight + laneGap)
	left, right, top := float32(8), float32(imageWidth-8), float32(12)
	bottom := float32(imageHeight - 8 - lanes)
	minutes := max(m.Minutes, 1)
	x := func(minute float64) float32 { return left + float32(minute/float64(minutes))*(right-left) }
	y := func(v, peak float64) float32 {
		if peak <= 0 {
			return bottom
		}
		return bottom - float32(min(max(v/peak, 0), 1))*(bottom-top)
	}
	for _, b := range m.Bands {
		ink := inkDegraded
		if b.State == timeline.BandDown {
			ink = inkDown
		}
		x0, x1 := int(x(float64(b.From))), int(x(float64(b.To)))
		x1 = max(x1, x0+1)
		plot.Fill(img, image.Rect(x0, int(top), x1, int(bottom)), faint(ink, 0x38))
		ly := int(bottom) + laneGap + b.Channel*(laneHeight+laneGap)
		plot.Fill(img, image.Rect(x0, ly, x1, ly+laneHeight), ink)
	}
	plot.Stroke(img, []plot.Point{{X: left, Y: bottom}, {X: right, Y: bottom}}, 1.5, inkAxis)

	peak := 0.0
	for _, s := range m.Channels {
		for _, v := range s.PerMinute[:min(m.Now, len(s.PerMinute))] {
			peak = max(peak, v)
		}
	}
	// Averaged into columns 3 pixels apart, as the widget does.
	cols := int((right - left) / 3)
	for i, s := range m.Channels {
		plot.Stroke(img, columns(s.PerMinute, m.Now, cols, x, func(v float64) float32 { return y(v, peak) }), 2.5, plot.SeriesColor(i))
	}
	flagPeak := 0
	if n := min(m.Now, len(m.Flags)); n > 0 {
		flagPeak = m.Flags[n-1]
	}
	plot.Stroke(img, cumulative(m.Flags, m.Now, x, func(v float64) float32 { return y(v, 3*float64(flagPeak)) }), 2.5, inkFlags)
	cumPeak := float64(m.Allocated)
	for _, v := range m.Sold[:min(m.Now, len(m.Sold))] {
		cumPeak = max(cumPeak, float64(v))
	}
	if m.Allocated > 0 {
		ay := y(float64(m.Allocated), cumPeak)
		plot.Stroke(img, []plot.Point{{X: left, Y: ay}, {X: right, Y: ay}}, 1.5, inkAllocated)
	}
	plot.Stroke(img, cumulative(m.Sold, m.Now, x, func(v float64) float32 { return y(v, cumPeak) }), 4, inkCumulative)
	if m.Now < m.Minutes {
		nx := x(float64(m.Now))
		plot.Stroke(img, []plot.Point{{X: nx, Y: top}, {X: nx, Y: bottom}}, 1.5, inkNow)
	}
	for _, k := range m.Markers {
		mx := x(float64(k.Minute) + 0.5)
		ink := markerInk(k.Kind)
		plot.Stroke(img, []plot.Point{{X: mx, Y: top}, {X: mx, Y: bottom}}, 2.5, ink)
		plot.Fill(img, image.Rect(int(mx)-6, int(top)-6, int(mx)+7, int(top)+7), ink)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// columns averages a series up to minute upTo into at most cols points.
func columns(v []float64, upTo, cols int, x func(float64) float32, y func(float64) float32) []plot.Point {
	n := min(len(v), upTo)
	if n <= 0 {
		return nil
	}
	step := max(1, (n+cols-1)/max(cols, 1))
	var out []plot.Point
	for i := 0; i < n; i += step {
		end := min(i+step, n)
		out = append(out, plot.Point{X: x(float64(i+end) / 2), Y: y(mean(v, i, end))})
	}
	return out
}

// cumulative plots a running total up to minute upTo, one point a minute.
func cumulative(v []int, upTo int, x func(float64) float32, y func(float64) float32) []plot.Point {
	n := min(len(v), upTo)
	out := make([]plot.Point, 0, n+1)
	if n > 0 {
		out = append(out, plot.Point{X: x(0), Y: y(0)})
	}
	for i := range n {
		out = append(out, plot.Point{X: x(float64(i + 1)), Y: y(float64(v[i]))})
	}
	return out
}
