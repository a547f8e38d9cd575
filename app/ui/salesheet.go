package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/salesheet"
)

// File → Open sale sheet… checks a launch manager's sheet against the
// channels flashdeck runs and says what it would change. It does not
// change the running sale: flashdeck reads a sale's SKUs when it starts,
// and a sheet swapped under a live sale would move every figure at once.
// So the dialog says how to run the sale from it (the skus_file: line to
// put in flashdeck.yaml, copied with one button) and that a restart
// applies it.

// openSaleSheet asks for a sheet and checks it.
func (d *Dashboard) openSaleSheet() {
	if d.window == nil {
		return
	}
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		path := r.URI().Path()
		sh, err := salesheet.Parse(r.URI().Name(), r, sheetOptions(d.last))
		if err != nil {
			d.showSheetErrors(r.URI().Name(), err)
			return
		}
		d.showSheetSummary(sh, path)
	}, d.window)
	dlg.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".xlsx"}))
	dlg.Show()
}

// sheetOptions check a sheet against the channels of the snapshot (the
// configuration's, on a collector's desktop too).
func sheetOptions(s *engine.Snapshot) salesheet.Options {
	opt := salesheet.Options{MaxAllocation: config.MaxAllocation}
	if s != nil {
		for _, c := range s.Channels {
			opt.Channels = append(opt.Channels, c.ID)
		}
	}
	return opt
}

// showSheetErrors lists a sheet's problems, one a line, scrollable.
func (d *Dashboard) showSheetErrors(name string, err error) {
	lines := sheetErrorLines(err)
	list := widget.NewList(func() int { return len(lines) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(lines[i]) })
	sc := container.NewStack(list)
	title := fmt.Sprintf(lang.L("%s: %s — nothing was changed"), name, plural(len(lines), lang.L("problem"), lang.L("problems")))
	dlg := dialog.NewCustom(title, lang.L("Close"), sc, d.window)
	dlg.Resize(fyne.NewSize(820, 420))
	dlg.Show()
}

// sheetErrorLines are a sheet's problems as lines.
func sheetErrorLines(err error) []string {
	var es salesheet.Errors
	if errors.As(err, &es) {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = e.Error()
		}
		return out
	}
	return []string{err.Error()}
}

// showSheetSummary says what a valid sheet holds and how to run the sale
// from it.
func (d *Dashboard) showSheetSummary(sh *salesheet.Sheet, path string) {
	saleID, text := sheetSummary(sh, d.last)
	line := "skus_file: " + path
	body := widget.NewLabel(text + "\n\n" + fmt.Sprintf(lang.L("flashdeck reads a sale's SKUs when it starts. To run %s from this sheet, put this line under it in flashdeck.yaml (in place of its skus:) and restart flashdeck:"), saleNameFor(saleID)) + "\n\n    " + line)
	body.Wrapping = fyne.TextWrapWord
	copyLine := widget.NewButton(lang.L("Copy the skus_file: line"), func() {
		if a := fyne.CurrentApp(); a != nil {
			a.Clipboard().SetContent(line)
		}
	})
	dlg := dialog.NewCustom(fmt.Sprintf(lang.L("%s: ready"), sh.File), lang.L("Close"), container.NewBorder(nil, copyLine, nil, nil, body), d.window)
	dlg.Resize(fyne.NewSize(720, 360))
	dlg.Show()
}

func saleNameFor(id string) string {
	if id == "" {
		return lang.L("a sale")
	}
	return fmt.Sprintf(lang.L("sale %s"), id)
}

// sheetSummary describes a valid sheet: its SKUs and units per channel,
// and, against the configured sale that shares most SKUs with it, what it
// adds, removes and changes. saleID is that sale ("" when none shares any).
func sheetSummary(sh *salesheet.Sheet, s *engine.Snapshot) (saleID, text string) {
	units := map[string]int{}
	for _, r := range sh.Rows {
		for ch, n := range r.Allocated {
			units[ch] += n
		}
	}
	var parts []string
	for _, ch := range sh.Channels {
		parts = append(parts, ch+" "+format.Int(int64(units[ch]), ","))
	}
	var b strings.Builder
	fmt.Fprintf(&b, lang.L("%s: %s. Units: %s."), filepath.Base(sh.File), plural(len(sh.Rows), lang.L("SKU"), lang.L("SKUs")), strings.Join(parts, " · "))
	if s == nil {
		return "", b.String()
	}
	best, shared := -1, 0
	for i, sale := range s.Sales {
		n := 0
		in := make(map[string]bool, len(sale.SKUs))
		for _, k := range sale.SKUs {
			in[k.SKU] = true
		}
		for _, r := range sh.Rows {
			if in[r.SKU] {
				n++
			}
		}
		if n > shared {
			best, shared = i, n
		}
	}
	if best < 0 {
		b.WriteString("\n" + lang.L("No configured sale has any of these SKUs: it is a new sale."))
		return "", b.String()
	}
	sale := s.Sales[best]
	old := make(map[string]engine.SKUSnap, len(sale.SKUs))
	for _, k := range sale.SKUs {
		old[k.SKU] = k
	}
	added, allocs, prices := 0, 0, 0
	for _, r := range sh.Rows {
		k, ok := old[r.SKU]
		if !ok {
			added++
			continue
		}
		delete(old, r.SKU)
		if k.FlashPrice != r.FlashPrice {
			prices++
		}
		was := map[string]int{}
		for _, c := range k.Channels {
			if c.Allocated > 0 {
				was[c.Channel] = c.Allocated
			}
		}
		for ch, n := range r.Allocated {
			if was[ch] != n {
				allocs++
			}
			delete(was, ch)
		}
		allocs += len(was) // allocations the sheet drops
	}
	fmt.Fprintf(&b, lang.L("\nAgainst %s (%s, %s): %d added, %d removed, %s changed, %s changed."),
		sale.Name, sale.State, plural(len(sale.SKUs), lang.L("SKU"), lang.L("SKUs")), added, len(old),
		plural(allocs, lang.L("allocation"), lang.L("allocations")), plural(prices, lang.L("flash price"), lang.L("flash prices")))
	return sale.ID, b.String()
}
