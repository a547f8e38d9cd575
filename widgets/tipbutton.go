package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// TipButton is a button that explains itself when the pointer rests on it:
// a small pop-up under the button shows the tip. It is meant above all for
// a disabled button, to say why it cannot be pressed (Fyne has no tooltips
// of its own).
type TipButton struct {
	widget.Button

	tip string
	pop *widget.PopUp
}

var _ desktop.Hoverable = (*TipButton)(nil)

// NewTipButton returns a button with a tip.
func NewTipButton(label string, tapped func(), tip string) *TipButton {
	b := &TipButton{tip: tip}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

// SetTip changes the tip; an empty tip shows nothing.
func (b *TipButton) SetTip(tip string) {
	b.tip = tip
	if b.pop != nil && b.pop.Visible() {
		b.hideTip()
		b.showTip()
	}
}

// Tip returns the tip.
func (b *TipButton) Tip() string { return b.tip }

// TipShown reports whether the tip is on screen.
func (b *TipButton) TipShown() bool { return b.pop != nil && b.pop.Visible() }

// MouseIn shows the tip (and the button's own hover look).
func (b *TipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	b.showTip()
}

// MouseMoved keeps the button's own hover behaviour.
func (b *TipButton) MouseMoved(e *desktop.MouseEvent) { b.Button.MouseMoved(e) }

// MouseOut hides the tip.
func (b *TipButton) MouseOut() {
	b.Button.MouseOut()
	b.hideTip()
}

func (b *TipButton) showTip() {
	if b.tip == "" {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil {
		return
	}
	if b.pop == nil {
		b.pop = widget.NewPopUp(widget.NewLabel(b.tip), c)
	} else {
		b.pop.Content.(*widget.Label).SetText(b.tip)
	}
	size := b.pop.MinSize()
	b.pop.Resize(size)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).AddXY(0, b.Size().Height+2)
	// Keep the tip inside the window.
	if over := pos.X + size.Width - c.Size().Width; over > 0 {
		pos.X = max(pos.X-over, 0)
	}
	b.pop.ShowAtPosition(pos)
}

func (b *TipButton) hideTip() {
	if b.pop != nil {
		b.pop.Hide()
	}
}
