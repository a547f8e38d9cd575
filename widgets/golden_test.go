package widgets

import (
	"fmt"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// The golden images in testdata/ are drawn with Fyne's software painter and
// test theme; a failing run writes the new image to testdata/failed/.

func TestGoldenKPITile(t *testing.T) {
	test.NewTempApp(t)
	fresh := NewKPITile("Sold / allocated")
	fresh.SetValue("1.294 / 8.800", "2 s ago")
	stale := NewKPITile("Sold / allocated")
	stale.SetValue("1.294 / 8.800", "75 s ago")
	stale.SetStale(true)
	wall := NewKPITile("Units / min")
	wall.SetValue("112", "")
	wall.SetValueSize(64)

	test.AssertObjectRendersToImage(t, "kpitile.png", container.NewHBox(fresh, stale, wall))
}

func TestGoldenSellThroughBar(t *testing.T) {
	test.NewTempApp(t)
	var bars []fyne.CanvasObject
	for _, f := range []float64{0, 0.3, 0.73, 0.95, 1} {
		b := NewSellThroughBar()
		b.Set(f, fmt.Sprintf("%.0f%%", f*100))
		bars = append(bars, b)
	}
	stale := NewSellThroughBar()
	stale.Set(0.6, "60%")
	stale.SetStale(true)
	bars = append(bars, stale)

	box := container.NewVBox(bars...)
	box.Resize(fyne.NewSize(160, box.MinSize().Height))
	test.AssertObjectRendersToImage(t, "sellthrough.png", box)
}

func TestGoldenSparkline(t *testing.T) {
	test.NewTempApp(t)
	wave := make([]float64, 30)
	for i := range wave {
		wave[i] = 10 + 8*math.Sin(float64(i)/4) + float64(i)/2
	}
	rising := NewSparkline()
	rising.SetData(wave)
	stale := NewSparkline()
	stale.SetData(wave)
	stale.SetStale(true)
	empty := NewSparkline()
	empty.SetData(nil)

	box := container.NewVBox(rising, stale, empty)
	box.Resize(fyne.NewSize(160, box.MinSize().Height))
	test.AssertObjectRendersToImage(t, "sparkline.png", box)
}

func TestGoldenHealthBadge(t *testing.T) {
	test.NewTempApp(t)
	var badges []fyne.CanvasObject
	for _, s := range []string{StateOK, StateDegraded, StateDown, StateDisabled, "unknown"} {
		b := NewHealthBadge()
		b.SetState(s, "")
		badges = append(badges, b)
	}
	test.AssertObjectRendersToImage(t, "healthbadge.png", container.NewHBox(badges...))
}

func TestGoldenCountdown(t *testing.T) {
	test.NewTempApp(t)
	running := NewCountdown()
	running.SetRemaining(time.Hour + 57*time.Minute + 55*time.Second)
	done := NewCountdown()
	done.SetFinal("SOLD OUT")

	box := container.NewVBox(running, done)
	box.Resize(fyne.NewSize(200, box.MinSize().Height))
	test.AssertObjectRendersToImage(t, "countdown.png", box)
}
