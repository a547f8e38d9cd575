// Package widgets holds flashdeck's custom Fyne widgets: a KPI tile, a
// sell-through bar, a sparkline, a health badge, a countdown and a sale's
// timeline.
//
// The widgets hold no business logic. They take plain values (strings,
// fractions, durations, colours, slices) that the UI layer has already
// computed and formatted, and they only decide how to draw them.
//
// Every widget follows the pattern of Fyne's own widgets: a type that embeds
// widget.BaseWidget and keeps the state, and an unexported renderer that owns
// the canvas objects. The canvas objects are created once, in CreateRenderer,
// and setters change them in place: a dashboard that ticks every second must
// not churn through allocations or texture uploads. Setters refresh only when
// the visible state changed.
//
// Like the rest of Fyne, setters must be called on the UI goroutine (from a
// goroutine, wrap the call in fyne.Do).
package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// refreshAll asks the canvas to redraw each object (a renderer's Refresh must
// tell the driver which objects changed; the widget Refresh alone does not).
func refreshAll(objects ...fyne.CanvasObject) {
	for _, o := range objects {
		canvas.Refresh(o)
	}
}

// sameColor compares colours by value: two distinct *color.NRGBA holding the
// same channels are the same colour, and comparing interfaces with == could
// panic on a non-comparable color.Color implementation.
func sameColor(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

// bigTextSize is the default size of headline figures (KPI values, the
// countdown): twice the theme's body text, so it follows theme scaling.
func bigTextSize(w fyne.Widget, override float32) float32 {
	if override > 0 {
		return override
	}
	return 2 * theme.SizeForWidget(theme.SizeNameText, w)
}
