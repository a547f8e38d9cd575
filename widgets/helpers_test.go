package widgets

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// named returns a colour of the current (test) theme.
func named(name fyne.ThemeColorName) color.Color {
	return theme.Color(name)
}

// assertColor fails when got is not the theme colour want.
func assertColor(t *testing.T, what string, got color.Color, want fyne.ThemeColorName) {
	t.Helper()
	if !sameColor(got, named(want)) {
		t.Errorf("%s colour = %v, want %s (%v)", what, got, want, named(want))
	}
}

// sameObjects reports whether two object lists hold the very same objects.
func sameObjects(a, b []fyne.CanvasObject) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// showUnpadded puts o alone in a test window whose canvas is exactly size, so
// that o is laid out at that size.
func showUnpadded(t *testing.T, o fyne.CanvasObject, size fyne.Size) fyne.Window {
	t.Helper()
	w := test.NewTempWindow(t, o)
	w.SetPadded(false)
	w.Resize(size)
	if got := o.Size(); got != size {
		t.Fatalf("widget laid out at %v, want %v", got, size)
	}
	return w
}

func isBad(f float32) bool {
	return math.IsNaN(float64(f)) || math.IsInf(float64(f), 0)
}
