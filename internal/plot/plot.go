// Package plot draws anti-aliased polylines and rectangles into an image.
// The timeline widget draws its curves with it (one image instead of
// thousands of line objects), and the post-sale report draws the whole
// timeline with it, so both show the same curves. It never imports Fyne.
//
// Lines are drawn span by span along their major axis, so a curve costs
// its length times its width, not the image's area: a 12-hour sale's six
// curves across a wide window take well under a millisecond.
package plot

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// palette colours series in order; it reads on light and dark backgrounds.
var palette = []color.NRGBA{
	{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	{R: 0x17, G: 0xbe, B: 0xcf, A: 0xff},
	{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
	{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff},
}

// SeriesColor is the colour of the i-th series: the timeline widget and the
// report draw each channel in the same colour.
func SeriesColor(i int) color.NRGBA { return palette[((i%len(palette))+len(palette))%len(palette)] }

// Point is a position in pixels.
type Point struct{ X, Y float32 }

// Stroke draws the polyline through pts, width pixels wide, in c over dst.
// Segments with a NaN or infinite end are skipped.
func Stroke(dst *image.RGBA, pts []Point, width float32, c color.Color) {
	if len(pts) < 2 || dst.Bounds().Empty() || width <= 0 {
		return
	}
	r, g, b, a := c.RGBA()
	if a == 0 {
		return
	}
	src := [4]float32{float32(r) / 0xffff, float32(g) / 0xffff, float32(b) / 0xffff, float32(a) / 0xffff}
	for i := 1; i < len(pts); i++ {
		p, q := pts[i-1], pts[i]
		if bad(p) || bad(q) {
			continue
		}
		segment(dst, p, q, width, src)
	}
}

// segment draws one thick segment: for each pixel column (or row, when
// steep) a span across the line, with fractional coverage at its edges.
func segment(dst *image.RGBA, p, q Point, width float32, src [4]float32) {
	dx, dy := q.X-p.X, q.Y-p.Y
	steep := abs(dy) > abs(dx)
	if steep { // walk y; swap the axes
		p.X, p.Y, q.X, q.Y = p.Y, p.X, q.Y, q.X
		dx, dy = dy, dx
	}
	if p.X > q.X {
		p, q = q, p
		dx, dy = -dx, -dy
	}
	slope := float32(0)
	if dx != 0 {
		slope = dy / dx
	}
	// The span across is the width measured along the minor axis.
	half := width / 2 * float32(math.Sqrt(float64(1+slope*slope)))
	x0, x1 := int(math.Floor(float64(p.X-width/2))), int(math.Ceil(float64(q.X+width/2)))
	for x := x0; x < x1; x++ {
		cx := float32(x) + 0.5
		// Coverage along the major axis, for the segment's rounded ends.
		along := min(cx-(p.X-width/2), q.X+width/2-cx, 1)
		if along <= 0 {
			continue
		}
		t := min(max(cx, p.X), q.X)
		yc := p.Y + (t-p.X)*slope
		lo, hi := yc-half, yc+half
		for y := int(math.Floor(float64(lo))); y < int(math.Ceil(float64(hi))); y++ {
			cov := min(float32(y+1), hi) - max(float32(y), lo)
			if cov <= 0 {
				continue
			}
			if steep {
				blend(dst, y, x, cov*along, src)
			} else {
				blend(dst, x, y, cov*along, src)
			}
		}
	}
}

// blend puts src over the pixel (x, y) with coverage cov; the strongest
// coverage of a pixel by one line is not known here, so overlapping spans
// of a curve darken its joints a little, as a pen would.
func blend(dst *image.RGBA, x, y int, cov float32, src [4]float32) {
	if !(image.Point{X: x, Y: y}.In(dst.Rect)) {
		return
	}
	i := dst.PixOffset(x, y)
	px := dst.Pix[i : i+4 : i+4]
	a := src[3] * min(cov, 1)
	for k := range 3 {
		px[k] = uint8(float32(px[k])*(1-a) + src[k]/src[3]*a*255 + 0.5)
	}
	px[3] = uint8(float32(px[3])*(1-a) + a*255 + 0.5)
}

// Fill paints the rectangle r (pixels, clipped to dst) with c over dst.
func Fill(dst draw.Image, r image.Rectangle, c color.Color) {
	draw.Draw(dst, r.Intersect(dst.Bounds()), image.NewUniform(c), image.Point{}, draw.Over)
}

func abs(f float32) float32 { return float32(math.Abs(float64(f))) }

func bad(p Point) bool {
	return math.IsNaN(float64(p.X)) || math.IsNaN(float64(p.Y)) || math.IsInf(float64(p.X), 0) || math.IsInf(float64(p.Y), 0)
}
