package ui

import (
	"fmt"
	"image/png"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// exportPNG saves what the window shows (the overview, or the wall) as a
// PNG, for the chat channel and the post-mortem.
func (d *Dashboard) exportPNG() {
	if d.window == nil {
		return
	}
	for _, it := range d.tabs.Items {
		if it.Text == "Overview" && !d.wallOn {
			d.tabs.Select(it)
		}
	}
	img := d.window.Canvas().Capture()
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if err := png.Encode(w, img); err != nil {
			dialog.ShowError(fmt.Errorf("export to %s: %w", w.URI().Path(), err), d.window)
		}
	}, d.window)
	dlg.SetFileName("flashdeck-overview-" + time.Now().Format("20060102-150405") + ".png")
	dlg.Show()
}
