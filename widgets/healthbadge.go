package widgets

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Health states a HealthBadge knows how to colour. Any other state is drawn
// grey, like StateDisabled.
const (
	StateOK       = "ok"
	StateDegraded = "degraded"
	StateDown     = "down"
	StateDisabled = "disabled"
)

// HealthBadge is a small pill with a short text, coloured by a health state:
// "ok" is green (theme success), "degraded" orange (warning), "down" red
// (error), and "disabled" or anything else grey.
//
// The pill keeps its natural size: in a wider or taller cell it sits at the
// leading edge, centred vertically, rather than stretching.
type HealthBadge struct {
	widget.BaseWidget

	state, text string
}

// NewHealthBadge returns a badge with no state; it draws nothing until
// SetState is called.
func NewHealthBadge() *HealthBadge {
	b := &HealthBadge{}
	b.ExtendBaseWidget(b)
	return b
}

// SetState sets the state that picks the colour (matched case-insensitively)
// and the text in the pill. An empty text shows the state in upper case.
func (b *HealthBadge) SetState(state, text string) {
	if text == "" {
		text = strings.ToUpper(state)
	}
	if b.state == state && b.text == text {
		return
	}
	b.state, b.text = state, text
	b.Refresh()
}

// State returns the state last set.
func (b *HealthBadge) State() string {
	return b.state
}

// Text returns the text shown in the pill.
func (b *HealthBadge) Text() string {
	return b.text
}

// MinSize returns the size this badge must not shrink below.
func (b *HealthBadge) MinSize() fyne.Size {
	b.ExtendBaseWidget(b)
	return b.BaseWidget.MinSize()
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (b *HealthBadge) CreateRenderer() fyne.WidgetRenderer {
	b.ExtendBaseWidget(b)
	r := &healthBadgeRenderer{badge: b}
	r.label.Alignment = fyne.TextAlignCenter
	r.label.TextStyle = fyne.TextStyle{Bold: true}
	r.objects = []fyne.CanvasObject{&r.pill, &r.label}
	r.apply()
	return r
}

// badgeColorNames maps a health state to the pill colour and the colour of
// text on it.
func badgeColorNames(state string) (fill, onFill fyne.ThemeColorName) {
	switch strings.ToLower(strings.TrimSpace(state)) {
	case StateOK:
		return theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess
	case StateDegraded:
		return theme.ColorNameWarning, theme.ColorNameForegroundOnWarning
	case StateDown:
		return theme.ColorNameError, theme.ColorNameForegroundOnError
	}
	// The disabled grey is a foreground-strength grey in both variants, so
	// the normal foreground stays readable on it.
	return theme.ColorNameDisabled, theme.ColorNameForeground
}

type healthBadgeRenderer struct {
	badge   *HealthBadge
	pill    canvas.Rectangle
	label   canvas.Text
	objects []fyne.CanvasObject
}

func (r *healthBadgeRenderer) apply() {
	b := r.badge
	fill, onFill := badgeColorNames(b.state)
	r.pill.FillColor = theme.ColorForWidget(fill, b)
	r.label.Color = theme.ColorForWidget(onFill, b)
	r.label.Text = b.text
	r.label.TextSize = theme.SizeForWidget(theme.SizeNameCaptionText, b)

	empty := b.text == ""
	r.pill.Hidden, r.label.Hidden = empty, empty
}

func (r *healthBadgeRenderer) Layout(size fyne.Size) {
	pill := r.MinSize()
	pill = fyne.NewSize(min(pill.Width, size.Width), min(pill.Height, size.Height))
	pos := fyne.NewPos(0, (size.Height-pill.Height)/2)

	r.pill.Move(pos)
	r.pill.Resize(pill)
	r.pill.CornerRadius = min(pill.Width, pill.Height) / 2 // fully rounded ends
	r.label.Move(pos)
	r.label.Resize(pill)
}

func (r *healthBadgeRenderer) MinSize() fyne.Size {
	pad := theme.SizeForWidget(theme.SizeNamePadding, r.badge)
	text := r.label.MinSize()
	return fyne.NewSize(text.Width+4*pad, text.Height+pad)
}

func (r *healthBadgeRenderer) Refresh() {
	r.apply()
	r.Layout(r.badge.Size())
	refreshAll(r.objects...)
}

func (r *healthBadgeRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *healthBadgeRenderer) Destroy() {}
