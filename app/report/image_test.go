package report

import (
	"bytes"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/timeline"
	"github.com/flashdeck/flashdeck/internal/plot"
)

// The report's image puts the outage band and the action marker at their
// minutes, in their colours, and each channel's curve in its colour.
func TestTimelinePNGPlacesBandsAndMarkers(t *testing.T) {
	start := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	per := func(v float64) []float64 {
		out := make([]float64, 60)
		for i := range out {
			out[i] = v + float64(i%5)
		}
		return out
	}
	m := timeline.Model{Start: start, End: start.Add(time.Hour), Minutes: 60, Now: 60, Allocated: 1000,
		Channels: []timeline.Series{{ID: "a", PerMinute: per(40)}, {ID: "b", PerMinute: per(10)}},
		Sold:     make([]int, 60), Flags: make([]int, 60),
		Bands:   []timeline.Band{{Channel: 1, From: 10, To: 20, State: timeline.BandDown}},
		Markers: []timeline.Marker{{Minute: 30, Kind: "pause"}},
	}
	b, err := TimelinePNG(m)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, imageWidth, imageHeight) {
		t.Fatalf("image of %v", img.Bounds())
	}
	x := func(minute float64) int { return int(8 + minute/60*(imageWidth-16)) }
	bottom := imageHeight - 8 - 2*(laneHeight+laneGap)
	rgb := func(px, py int) (uint32, uint32, uint32) {
		r, g, b, _ := img.At(px, py).RGBA()
		return r >> 8, g >> 8, b >> 8
	}
	// Inside the band, high above the curves: white shaded red.
	if r, g, b := rgb(x(15), 40); !(r > 0xe0 && g < 0xe0 && b < 0xe0) {
		t.Errorf("inside the outage band: %02x%02x%02x, want a red shade", r, g, b)
	}
	if r, g, b := rgb(x(25), 40); r != 0xff || g != 0xff || b != 0xff {
		t.Errorf("after the band: %02x%02x%02x, want white", r, g, b)
	}
	// Channel b's lane is the second one under the chart.
	lane := bottom + laneGap + (laneHeight + laneGap) + laneHeight/2
	if r, g, b := rgb(x(15), lane); r != uint32(inkDown.R) || g != uint32(inkDown.G) || b != uint32(inkDown.B) {
		t.Errorf("channel b's lane at minute 15: %02x%02x%02x, want the outage's red", r, g, b)
	}
	if _, g, _ := rgb(x(15), lane-(laneHeight+laneGap)); g != 0xff {
		t.Error("channel a's lane is marked: the outage was b's")
	}
	// The pause marker at minute 30.
	p := markerInk("pause")
	if r, g, b := rgb(x(30.5), 200); r != uint32(p.R) || g != uint32(p.G) || b != uint32(p.B) {
		t.Errorf("at minute 30: %02x%02x%02x, want the pause's orange", r, g, b)
	}
	// Each channel's curve shows in its colour somewhere.
	for i := range m.Channels {
		want := plot.SeriesColor(i)
		found := false
		for py := 0; py < bottom && !found; py++ {
			for px := x(40); px < x(50) && !found; px++ {
				r, g, b := rgb(px, py)
				found = r == uint32(want.R) && g == uint32(want.G) && b == uint32(want.B)
			}
		}
		if !found {
			t.Errorf("no pixel of channel %d's colour", i)
		}
	}
}
