package plot

import (
	"image"
	"image/color"
	"math"
	"testing"
)

var red = color.NRGBA{R: 0xff, A: 0xff}

// inked counts the pixels a stroke touched, and finds the box around them.
func inked(img *image.RGBA) (n int, box image.Rectangle) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.RGBAAt(x, y).A > 0 {
				n++
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return n, box
}

func TestStroke(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name  string
		pts   []Point
		width float32
		box   image.Rectangle // the inked pixels' box; empty: none
	}{
		{"horizontal", []Point{{10, 20.5}, {90, 20.5}}, 2, image.Rect(9, 19, 91, 22)},
		{"vertical", []Point{{50.5, 10}, {50.5, 60}}, 2, image.Rect(49, 9, 52, 61)},
		{"a corner", []Point{{10, 10.5}, {40, 10.5}, {40.5, 40}}, 1, image.Rect(9, 9, 42, 41)},
		{"clipped at the edges", []Point{{-50, 50.5}, {150, 50.5}}, 3, image.Rect(0, 48, 100, 53)},
		{"one point", []Point{{10, 10}}, 2, image.Rectangle{}},
		{"NaN skipped", []Point{{nan, 10}, {20, 10}}, 2, image.Rectangle{}},
		{"no width", []Point{{10, 10}, {20, 10}}, 0, image.Rectangle{}},
		{"same point twice", []Point{{10, 10}, {10, 10}}, 2, image.Rect(9, 9, 11, 11)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, 100, 100))
			Stroke(img, tc.pts, tc.width, red)
			n, box := inked(img)
			if tc.box.Empty() {
				if n != 0 {
					t.Errorf("%d pixels inked in %v, want none", n, box)
				}
				return
			}
			if !box.In(tc.box) || box.Dx() < tc.box.Dx()-2 || box.Dy() < tc.box.Dy()-2 {
				t.Errorf("inked %v, want about %v", box, tc.box)
			}
		})
	}
}

func TestStrokeIsOpaqueOnItsAxis(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 100, 40))
	Stroke(img, []Point{{0, 20}, {100, 20}}, 2, red)
	for x := 2; x < 98; x++ {
		if c := img.RGBAAt(x, 19); c.R != 0xff || c.A != 0xff {
			t.Fatalf("pixel (%d, 19) is %v: a 2-pixel line on y=20 covers rows 19 and 20 whole", x, c)
		}
		if c := img.RGBAAt(x, 22); c.A != 0 {
			t.Fatalf("pixel (%d, 22) is %v, outside the line", x, c)
		}
	}
}

func TestSeriesColorWraps(t *testing.T) {
	if SeriesColor(0) != SeriesColor(len(palette)) || SeriesColor(-1) != SeriesColor(len(palette)-1) {
		t.Error("the palette does not wrap around")
	}
}
