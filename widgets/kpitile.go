package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// KPITile shows one key figure: a small, dim caption over a large bold value
// (for example "1.294 / 8.800") and an optional sub-line under it (for
// example "12 s ago"). A stale tile greys its value so that an old figure
// cannot be mistaken for a live one.
//
// The contents are top-aligned and leading-aligned; extra height given by the
// parent layout stays empty at the bottom.
type KPITile struct {
	widget.BaseWidget

	caption, value, sub string
	stale               bool
	valueSize           float32 // 0: derived from the theme, see bigTextSize
}

// NewKPITile returns a tile with the given caption and no value yet.
func NewKPITile(caption string) *KPITile {
	t := &KPITile{caption: caption}
	t.ExtendBaseWidget(t)
	return t
}

// SetCaption changes the caption above the value.
func (t *KPITile) SetCaption(caption string) {
	if t.caption == caption {
		return
	}
	t.caption = caption
	t.Refresh()
}

// SetValue shows value in large text and sub under it; an empty sub hides
// the sub-line.
func (t *KPITile) SetValue(value, sub string) {
	if t.value == value && t.sub == sub {
		return
	}
	t.value, t.sub = value, sub
	t.Refresh()
}

// Value returns the value and sub-line last set.
func (t *KPITile) Value() (value, sub string) {
	return t.value, t.sub
}

// SetStale greys the value (theme.ColorNameDisabled) when stale is true.
func (t *KPITile) SetStale(stale bool) {
	if t.stale == stale {
		return
	}
	t.stale = stale
	t.Refresh()
}

// Stale reports whether the tile is showing its value as stale.
func (t *KPITile) Stale() bool {
	return t.stale
}

// SetValueSize sets the text size of the value, e.g. a huge number for wall
// mode. Zero (or any size ≤ 0) returns to the default of twice the theme's
// text size.
func (t *KPITile) SetValueSize(size float32) {
	if !(size > 0) { // also catches NaN
		size = 0
	}
	if t.valueSize == size {
		return
	}
	t.valueSize = size
	t.Refresh()
}

// MinSize returns the size this tile must not shrink below.
func (t *KPITile) MinSize() fyne.Size {
	t.ExtendBaseWidget(t) // tiles built as struct literals still work
	return t.BaseWidget.MinSize()
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (t *KPITile) CreateRenderer() fyne.WidgetRenderer {
	t.ExtendBaseWidget(t)
	r := &kpiTileRenderer{tile: t}
	r.value.TextStyle = fyne.TextStyle{Bold: true}
	r.objects = []fyne.CanvasObject{&r.caption, &r.value, &r.sub}
	r.apply()
	return r
}

type kpiTileRenderer struct {
	tile                *KPITile
	caption, value, sub canvas.Text
	objects             []fyne.CanvasObject
}

// apply copies the widget state and the current theme onto the canvas
// objects, without refreshing them.
func (r *kpiTileRenderer) apply() {
	t := r.tile
	dim := theme.ColorForWidget(theme.ColorNamePlaceHolder, t)
	small := theme.SizeForWidget(theme.SizeNameCaptionText, t)

	r.caption.Text, r.caption.Color, r.caption.TextSize = t.caption, dim, small
	r.sub.Text, r.sub.Color, r.sub.TextSize = t.sub, dim, small
	r.sub.Hidden = t.sub == ""

	valueColor := theme.ColorNameForeground
	if t.stale {
		valueColor = theme.ColorNameDisabled
	}
	r.value.Text = t.value
	r.value.Color = theme.ColorForWidget(valueColor, t)
	r.value.TextSize = bigTextSize(t, t.valueSize)
}

// gap is the space between the lines of the tile.
func (r *kpiTileRenderer) gap() float32 {
	return theme.SizeForWidget(theme.SizeNamePadding, r.tile) / 2
}

func (r *kpiTileRenderer) Layout(size fyne.Size) {
	y := float32(0)
	for _, txt := range []*canvas.Text{&r.caption, &r.value, &r.sub} {
		if txt.Hidden {
			continue
		}
		h := txt.MinSize().Height
		txt.Move(fyne.NewPos(0, y))
		txt.Resize(fyne.NewSize(size.Width, h))
		y += h + r.gap()
	}
}

func (r *kpiTileRenderer) MinSize() fyne.Size {
	var w, h float32
	lines := 0
	for _, txt := range []*canvas.Text{&r.caption, &r.value, &r.sub} {
		if txt.Hidden {
			continue
		}
		m := txt.MinSize()
		w = max(w, m.Width)
		h += m.Height
		lines++
	}
	if lines > 1 {
		h += float32(lines-1) * r.gap()
	}
	return fyne.NewSize(w, h)
}

func (r *kpiTileRenderer) Refresh() {
	r.apply()
	r.Layout(r.tile.Size())
	refreshAll(r.objects...)
}

func (r *kpiTileRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *kpiTileRenderer) Destroy() {}
