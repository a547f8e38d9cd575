package ui

import (
	"fmt"
	"image/png"
	"io"
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
	if !d.wallOn {
		d.SelectTab("overview")
	}
	img := d.window.Canvas().Capture()
	saveFile(d.window, "flashdeck-overview", ".png", func(w io.Writer) error { return png.Encode(w, img) })
}

// saveFile asks where to save an export (named prefix-date-time.ext) and
// writes it there; a failed write is shown with the file's path.
func saveFile(win fyne.Window, prefix, ext string, write func(io.Writer) error) {
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if err := write(w); err != nil {
			dialog.ShowError(fmt.Errorf("export to %s: %w", w.URI().Path(), err), win)
		}
	}, win)
	dlg.SetFileName(prefix + "-" + time.Now().Format("20060102-150405") + ext)
	dlg.Show()
}
