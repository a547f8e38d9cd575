package widgets

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Sell-through thresholds for the fill colour. They are presentation only:
// "nearly gone" turns the bar to the warning colour, "all gone" to success.
const (
	sellThroughWarn = 0.9
	sellThroughFull = 1.0
)

// Smallest size of a SellThroughBar, small enough for a table cell.
const (
	sellThroughMinWidth  = 60
	sellThroughMinHeight = 18
)

// SellThroughBar is a horizontal bar showing a fraction 0..1 with a label
// (e.g. "73%") centred on it. The filled part uses the theme's primary colour,
// the warning colour from 0.9 and the success colour at 1; a stale bar is
// grey whatever its fraction.
type SellThroughBar struct {
	widget.BaseWidget

	fraction float64 // always within 0..1, see clampFraction
	label    string
	stale    bool
}

// NewSellThroughBar returns an empty bar (fraction 0, no label).
func NewSellThroughBar() *SellThroughBar {
	b := &SellThroughBar{}
	b.ExtendBaseWidget(b)
	return b
}

// Set shows fraction (clamped to 0..1; NaN counts as 0) and the label text
// centred on the bar. The label is shown as given: formatting is the
// caller's business.
func (b *SellThroughBar) Set(fraction float64, label string) {
	fraction = clampFraction(fraction)
	if b.fraction == fraction && b.label == label {
		return
	}
	b.fraction, b.label = fraction, label
	b.Refresh()
}

// Fraction returns the fraction shown, after clamping.
func (b *SellThroughBar) Fraction() float64 {
	return b.fraction
}

// Label returns the label text shown on the bar.
func (b *SellThroughBar) Label() string {
	return b.label
}

// SetStale greys the filled part when stale is true.
func (b *SellThroughBar) SetStale(stale bool) {
	if b.stale == stale {
		return
	}
	b.stale = stale
	b.Refresh()
}

// MinSize returns the size this bar must not shrink below.
func (b *SellThroughBar) MinSize() fyne.Size {
	b.ExtendBaseWidget(b)
	return b.BaseWidget.MinSize()
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (b *SellThroughBar) CreateRenderer() fyne.WidgetRenderer {
	b.ExtendBaseWidget(b)
	r := &sellThroughRenderer{bar: b}
	r.label.Alignment = fyne.TextAlignCenter
	r.objects = []fyne.CanvasObject{&r.track, &r.fill, &r.label}
	r.apply()
	return r
}

// clampFraction keeps f within 0..1 so that the fill never leaves the track;
// NaN (e.g. 0/0 from an empty allocation) is treated as nothing sold.
func clampFraction(f float64) float64 {
	switch {
	case math.IsNaN(f), f < 0:
		return 0
	case f > 1:
		return 1
	}
	return f
}

// fillColorNames picks the fill colour for a fraction, and the text colour
// that is readable on top of that fill.
func fillColorNames(fraction float64, stale bool) (fill, onFill fyne.ThemeColorName) {
	switch {
	case stale:
		return theme.ColorNameDisabled, theme.ColorNameForeground
	case fraction >= sellThroughFull:
		return theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess
	case fraction >= sellThroughWarn:
		return theme.ColorNameWarning, theme.ColorNameForegroundOnWarning
	}
	return theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary
}

type sellThroughRenderer struct {
	bar         *SellThroughBar
	track, fill canvas.Rectangle
	label       canvas.Text
	objects     []fyne.CanvasObject
}

func (r *sellThroughRenderer) apply() {
	b := r.bar
	fill, onFill := fillColorNames(b.fraction, b.stale)
	radius := theme.SizeForWidget(theme.SizeNameInputRadius, b)

	r.track.FillColor = theme.ColorForWidget(theme.ColorNameInputBackground, b)
	r.track.CornerRadius = radius
	r.fill.FillColor = theme.ColorForWidget(fill, b)
	r.fill.CornerRadius = radius
	r.fill.Hidden = b.fraction == 0

	// The label is centred, so from half-way its middle sits on the fill:
	// switch to the colour made for text on that fill.
	textColor := theme.ColorNameForeground
	if b.fraction >= 0.5 {
		textColor = onFill
	}
	r.label.Text = b.label
	r.label.Color = theme.ColorForWidget(textColor, b)
	r.label.TextSize = theme.SizeForWidget(theme.SizeNameCaptionText, b)
	r.label.Hidden = b.label == ""
}

func (r *sellThroughRenderer) Layout(size fyne.Size) {
	r.track.Move(fyne.NewPos(0, 0))
	r.track.Resize(size)
	r.fill.Move(fyne.NewPos(0, 0))
	r.fill.Resize(fyne.NewSize(size.Width*float32(r.bar.fraction), size.Height))
	r.label.Move(fyne.NewPos(0, 0))
	r.label.Resize(size)
}

func (r *sellThroughRenderer) MinSize() fyne.Size {
	pad := theme.SizeForWidget(theme.SizeNamePadding, r.bar)
	text := r.label.MinSize()
	return fyne.NewSize(
		max(sellThroughMinWidth, text.Width+2*pad),
		max(sellThroughMinHeight, text.Height))
}

func (r *sellThroughRenderer) Refresh() {
	r.apply()
	r.Layout(r.bar.Size())
	refreshAll(r.objects...)
}

func (r *sellThroughRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *sellThroughRenderer) Destroy() {}
