package widgets

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestSellThroughBarFillIsProportional(t *testing.T) {
	test.NewTempApp(t)
	b := NewSellThroughBar()
	b.Set(0.5, "50%")
	showUnpadded(t, b, fyne.NewSize(200, 24))
	r := test.WidgetRenderer(b).(*sellThroughRenderer)

	for _, tc := range []struct {
		fraction float64
		width    float32
		visible  bool
	}{
		{0.5, 100, true},
		{0.25, 50, true},
		{1, 200, true},
		{0, 0, false},
	} {
		b.Set(tc.fraction, "x")
		if got := r.fill.Size(); got.Width != tc.width || got.Height != 24 {
			t.Errorf("fraction %v: fill %v, want %vx24", tc.fraction, got, tc.width)
		}
		if r.fill.Visible() != tc.visible {
			t.Errorf("fraction %v: fill visible = %v", tc.fraction, r.fill.Visible())
		}
		if r.track.Size() != fyne.NewSize(200, 24) {
			t.Errorf("track %v, want the whole bar", r.track.Size())
		}
	}
}

func TestSellThroughBarClamps(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct {
		in, want float64
	}{
		{math.NaN(), 0},
		{-0.2, 0},
		{math.Inf(-1), 0},
		{0.3, 0.3},
		{1.7, 1},
		{math.Inf(1), 1},
	} {
		b := NewSellThroughBar()
		b.Set(tc.in, "")
		b.Resize(fyne.NewSize(100, 20))
		r := test.WidgetRenderer(b).(*sellThroughRenderer)
		if b.Fraction() != tc.want {
			t.Errorf("Set(%v): Fraction() = %v, want %v", tc.in, b.Fraction(), tc.want)
		}
		if w := r.fill.Size().Width; isBad(w) || w < 0 || w > 100 {
			t.Errorf("Set(%v): fill width %v outside the 100 wide track", tc.in, w)
		}
	}
}

func TestSellThroughBarColours(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct {
		fraction float64
		stale    bool
		fill     fyne.ThemeColorName
		text     fyne.ThemeColorName
	}{
		{0.2, false, theme.ColorNamePrimary, theme.ColorNameForeground},
		{0.5, false, theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary},
		{0.899, false, theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary},
		{0.9, false, theme.ColorNameWarning, theme.ColorNameForegroundOnWarning},
		{0.999, false, theme.ColorNameWarning, theme.ColorNameForegroundOnWarning},
		{1, false, theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess},
		{3, false, theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess},
		{0.95, true, theme.ColorNameDisabled, theme.ColorNameForeground},
		{1, true, theme.ColorNameDisabled, theme.ColorNameForeground},
	} {
		b := NewSellThroughBar()
		b.Set(tc.fraction, "73%")
		b.SetStale(tc.stale)
		r := test.WidgetRenderer(b).(*sellThroughRenderer)
		assertColor(t, "fill", r.fill.FillColor, tc.fill)
		assertColor(t, "label", r.label.Color, tc.text)
	}
}

func TestSellThroughBarStaleIsGrey(t *testing.T) {
	test.NewTempApp(t)
	b := NewSellThroughBar()
	b.Set(0.6, "60%")
	r := test.WidgetRenderer(b).(*sellThroughRenderer)
	fresh := r.fill.FillColor

	b.SetStale(true)
	if sameColor(fresh, r.fill.FillColor) {
		t.Errorf("stale fill has the fresh colour %v", fresh)
	}
	b.SetStale(false)
	if !sameColor(fresh, r.fill.FillColor) {
		t.Errorf("fill %v after SetStale(false), want %v again", r.fill.FillColor, fresh)
	}
}

func TestSellThroughBarLabel(t *testing.T) {
	test.NewTempApp(t)
	b := NewSellThroughBar()
	b.Set(0.73, "73%")
	showUnpadded(t, b, fyne.NewSize(120, 20))
	r := test.WidgetRenderer(b).(*sellThroughRenderer)

	if r.label.Text != "73%" || b.Label() != "73%" || r.label.Alignment != fyne.TextAlignCenter {
		t.Errorf("label %q (Label() %q) aligned %v, want 73%% centred", r.label.Text, b.Label(), r.label.Alignment)
	}
	if r.label.Position() != (fyne.Position{}) || r.label.Size() != fyne.NewSize(120, 20) {
		t.Errorf("label box %v+%v, want the whole bar so that it centres on it", r.label.Position(), r.label.Size())
	}
	b.Set(0.73, "")
	if r.label.Visible() {
		t.Error("an empty label is drawn")
	}
}

func TestSellThroughBarFitsInATableCell(t *testing.T) {
	test.NewTempApp(t)
	b := NewSellThroughBar()
	b.Set(1, "100%")
	if got := b.MinSize(); got != fyne.NewSize(sellThroughMinWidth, sellThroughMinHeight) {
		t.Errorf("MinSize %v with a 100%% label, want %vx%v", got, sellThroughMinWidth, sellThroughMinHeight)
	}
}

func TestSellThroughBarUpdatesInPlace(t *testing.T) {
	test.NewTempApp(t)
	b := NewSellThroughBar()
	b.Set(0.4, "40%")
	r := test.WidgetRenderer(b).(*sellThroughRenderer)
	before := append([]fyne.CanvasObject(nil), r.Objects()...)

	r.label.Text = "sentinel" // survives only if the next calls do not refresh
	b.Set(0.4, "40%")
	b.SetStale(false)
	if r.label.Text != "sentinel" {
		t.Error("setting unchanged values refreshed the bar")
	}
	b.Set(-1, "0%")
	b.Set(math.NaN(), "0%") // clamps to the same 0: no change
	b.Set(0.95, "95%")
	b.SetStale(true)
	if r.label.Text != "95%" {
		t.Errorf("label %q after Set(0.95, 95%%)", r.label.Text)
	}
	if !sameObjects(before, r.Objects()) {
		t.Error("updating the bar replaced its canvas objects")
	}
}
