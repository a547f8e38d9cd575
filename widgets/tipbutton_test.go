package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

func TestTipButtonExplainsItselfWhenDisabled(t *testing.T) {
	test.NewTempApp(t)
	tapped := false
	b := NewTipButton("Cancel order", func() { tapped = true }, "Cancelling needs sale control")
	b.Disable()
	w := test.NewTempWindow(t, container.NewVBox(b))
	w.Resize(fyne.NewSize(400, 200))

	if b.TipShown() {
		t.Fatal("tip shown before the pointer came")
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(10, 10))
	if !b.TipShown() {
		t.Fatal("tip not shown while the pointer rests on the disabled button")
	}
	test.Tap(b)
	if tapped {
		t.Error("a disabled button was pressed")
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(300, 180))
	if b.TipShown() {
		t.Error("tip still shown after the pointer left")
	}
	b.SetTip("")
	test.MoveMouse(w.Canvas(), fyne.NewPos(10, 10))
	if b.TipShown() {
		t.Error("an empty tip was shown")
	}
}
