package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestKPITileShowsCaptionValueAndSub(t *testing.T) {
	test.NewTempApp(t)
	k := NewKPITile("Sold / allocated")
	k.SetValue("1.294 / 8.800", "12 s ago")
	showUnpadded(t, k, fyne.NewSize(300, 120))
	r := test.WidgetRenderer(k).(*kpiTileRenderer)

	if r.caption.Text != "Sold / allocated" || r.value.Text != "1.294 / 8.800" || r.sub.Text != "12 s ago" {
		t.Fatalf("drawn %q / %q / %q", r.caption.Text, r.value.Text, r.sub.Text)
	}
	if v, s := k.Value(); v != "1.294 / 8.800" || s != "12 s ago" {
		t.Errorf("Value() = %q, %q", v, s)
	}
	// Caption small and dim, value big and bold.
	if r.caption.TextSize >= r.value.TextSize || !r.value.TextStyle.Bold {
		t.Errorf("caption size %v, value size %v bold %v: want a big bold value", r.caption.TextSize, r.value.TextSize, r.value.TextStyle.Bold)
	}
	assertColor(t, "caption", r.caption.Color, theme.ColorNamePlaceHolder)
	assertColor(t, "value", r.value.Color, theme.ColorNameForeground)
	// Stacked top to bottom without overlap.
	if !(r.caption.Position().Y+r.caption.Size().Height <= r.value.Position().Y &&
		r.value.Position().Y+r.value.Size().Height <= r.sub.Position().Y) {
		t.Errorf("lines overlap or are out of order: caption %v+%v, value %v+%v, sub %v",
			r.caption.Position(), r.caption.Size(), r.value.Position(), r.value.Size(), r.sub.Position())
	}
	if r.value.Size().Width != 300 {
		t.Errorf("value is %v wide in a 300 wide tile", r.value.Size().Width)
	}
}

func TestKPITileSubLineIsOptional(t *testing.T) {
	test.NewTempApp(t)
	k := NewKPITile("Units / min")
	k.SetValue("112", "12 s ago")
	with := k.MinSize()

	k.SetValue("112", "")
	r := test.WidgetRenderer(k).(*kpiTileRenderer)
	if r.sub.Visible() {
		t.Error("an empty sub-line is drawn")
	}
	if without := k.MinSize(); without.Height >= with.Height {
		t.Errorf("MinSize height %v without a sub-line, %v with one", without.Height, with.Height)
	}
}

func TestKPITileStaleGreysTheValue(t *testing.T) {
	test.NewTempApp(t)
	k := NewKPITile("Sold")
	k.SetValue("1.294", "")
	r := test.WidgetRenderer(k).(*kpiTileRenderer)
	fresh := r.value.Color

	k.SetStale(true)
	if !k.Stale() {
		t.Error("Stale() = false after SetStale(true)")
	}
	assertColor(t, "stale value", r.value.Color, theme.ColorNameDisabled)
	if sameColor(fresh, r.value.Color) {
		t.Errorf("stale value has the fresh colour %v", fresh)
	}

	k.SetStale(false)
	assertColor(t, "fresh value", r.value.Color, theme.ColorNameForeground)
}

func TestKPITileValueSize(t *testing.T) {
	test.NewTempApp(t)
	k := NewKPITile("Sold")
	k.SetValue("1.294", "")
	r := test.WidgetRenderer(k).(*kpiTileRenderer)
	normal := k.MinSize()

	k.SetValueSize(96)
	if r.value.TextSize != 96 {
		t.Errorf("value size %v after SetValueSize(96)", r.value.TextSize)
	}
	if huge := k.MinSize(); huge.Height <= normal.Height || huge.Width <= normal.Width {
		t.Errorf("MinSize %v with a huge value is not larger than %v", huge, normal)
	}
	k.SetValueSize(0)
	if want := 2 * theme.Size(theme.SizeNameText); r.value.TextSize != want {
		t.Errorf("value size %v after SetValueSize(0), want the default %v", r.value.TextSize, want)
	}
}

func TestKPITileUpdatesInPlace(t *testing.T) {
	test.NewTempApp(t)
	k := NewKPITile("Sold")
	k.SetValue("1", "now")
	r := test.WidgetRenderer(k).(*kpiTileRenderer)
	before := append([]fyne.CanvasObject(nil), r.Objects()...)

	r.value.Text = "sentinel" // survives only if the next calls do not refresh
	k.SetValue("1", "now")
	k.SetStale(false)
	k.SetCaption("Sold")
	k.SetValueSize(0)
	if r.value.Text != "sentinel" {
		t.Error("setting unchanged values refreshed the tile")
	}

	k.SetValue("2", "now")
	k.SetStale(true)
	k.SetCaption("Sold today")
	if r.value.Text != "2" || r.caption.Text != "Sold today" {
		t.Errorf("drawn %q / %q after changes", r.caption.Text, r.value.Text)
	}
	if !sameObjects(before, r.Objects()) {
		t.Error("updating the tile replaced its canvas objects")
	}
}

func TestKPITileFollowsThemeChanges(t *testing.T) {
	test.NewTempApp(t)
	k := NewKPITile("Sold")
	k.SetValue("1", "")
	k.SetStale(true)
	test.NewTempWindow(t, k)
	r := test.WidgetRenderer(k).(*kpiTileRenderer)

	test.ApplyTheme(t, test.NewTheme())
	if want := test.NewTheme().Color(theme.ColorNameDisabled, theme.VariantDark); !sameColor(r.value.Color, want) {
		t.Errorf("stale value colour %v after a theme change, want the new theme's %v", r.value.Color, want)
	}
}
