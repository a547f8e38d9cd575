package widgets

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Countdown shows a remaining duration in large bold text ("1:57:55",
// "12:05", "0:09"), or a final word such as "SOLD OUT" or "ENDED". It has no
// timer of its own: the app calls SetRemaining on each tick, and the widget
// redraws only when the text it shows changes (at most once a second).
//
// The text is centred in the space the widget is given.
type Countdown struct {
	widget.BaseWidget

	text     string  // what is on screen: a formatted duration or a final word
	textSize float32 // 0: derived from the theme, see bigTextSize
}

// NewCountdown returns a countdown that shows nothing until SetRemaining or
// SetFinal is called.
func NewCountdown() *Countdown {
	c := &Countdown{}
	c.ExtendBaseWidget(c)
	return c
}

// SetRemaining shows d formatted by FormatCountdown, replacing any final word.
func (c *Countdown) SetRemaining(d time.Duration) {
	c.setText(FormatCountdown(d))
}

// SetFinal shows word (e.g. "SOLD OUT", "ENDED") instead of a duration until
// the next SetRemaining.
func (c *Countdown) SetFinal(word string) {
	c.setText(word)
}

// Text returns the text shown.
func (c *Countdown) Text() string {
	return c.text
}

func (c *Countdown) setText(text string) {
	if c.text == text {
		return
	}
	c.text = text
	c.Refresh()
}

// SetTextSize sets the size of the text, e.g. huge for wall mode. Zero (or any
// size ≤ 0) returns to the default of twice the theme's text size.
func (c *Countdown) SetTextSize(size float32) {
	if !(size > 0) { // also catches NaN
		size = 0
	}
	if c.textSize == size {
		return
	}
	c.textSize = size
	c.Refresh()
}

// MinSize returns the size this countdown must not shrink below.
func (c *Countdown) MinSize() fyne.Size {
	c.ExtendBaseWidget(c)
	return c.BaseWidget.MinSize()
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (c *Countdown) CreateRenderer() fyne.WidgetRenderer {
	c.ExtendBaseWidget(c)
	r := &countdownRenderer{countdown: c}
	r.text.Alignment = fyne.TextAlignCenter
	r.text.TextStyle = fyne.TextStyle{Bold: true}
	r.objects = []fyne.CanvasObject{&r.text}
	r.apply()
	return r
}

// FormatCountdown writes a remaining duration as "H:MM:SS" from one hour up
// and as "M:SS" below ("1:57:55", "12:05", "0:09"). It rounds to the nearest
// second, so a tick that fires a few milliseconds early or late still shows
// the intended second. Zero and negative durations give "0:00".
func FormatCountdown(d time.Duration) string {
	if d <= 0 {
		return "0:00"
	}
	s := int64(d.Round(time.Second) / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}

type countdownRenderer struct {
	countdown *Countdown
	text      canvas.Text
	objects   []fyne.CanvasObject
}

func (r *countdownRenderer) apply() {
	c := r.countdown
	r.text.Text = c.text
	r.text.Color = theme.ColorForWidget(theme.ColorNameForeground, c)
	r.text.TextSize = bigTextSize(c, c.textSize)
}

func (r *countdownRenderer) Layout(size fyne.Size) {
	r.text.Move(fyne.NewPos(0, 0))
	r.text.Resize(size)
}

func (r *countdownRenderer) MinSize() fyne.Size {
	return r.text.MinSize()
}

func (r *countdownRenderer) Refresh() {
	r.apply()
	r.Layout(r.countdown.Size())
	refreshAll(r.objects...)
}

func (r *countdownRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *countdownRenderer) Destroy() {}
