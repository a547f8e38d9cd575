package ui

import (
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/widgets"
)

// SKUs is the table of every SKU × channel. It is one widget.Table, whose
// cells are created once per visible row and reused: a new snapshot only
// rebuilds the plain rows slice and refreshes what is on screen, so 1,400
// SKUs on 4 channels scroll as smoothly as ten.
type SKUs struct {
	table   *widget.Table
	filter  *widget.Entry
	channel *widget.Select
	count   *widget.Label
	export  *widget.Button
	root    fyne.CanvasObject

	rows     []skuRow
	view     []int
	q        skuQuery
	now      time.Time
	chIDs    map[string]string // channel name → id, for the channel filter
	chNames  []string
	lastSeen *engine.Snapshot
	// window is where the export dialog opens; nil in tests.
	window fyne.Window
	// cellsMade counts createCell calls: the table must reuse its cells.
	cellsMade int
}

const allChannels = "All channels"

// NewSKUs builds the empty table.
func NewSKUs() *SKUs {
	v := &SKUs{q: skuQuery{SortCol: colSellThrough, Desc: true}, chIDs: map[string]string{}}
	v.table = widget.NewTableWithHeaders(v.size, v.createCell, v.updateCell)
	v.table.ShowHeaderColumn = false
	v.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		return b
	}
	v.table.UpdateHeader = v.updateHeader
	for i, c := range skuColumns {
		v.table.SetColumnWidth(i, c.Width)
	}
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder("Filter: SKU, product, channel or stock status (oversell, not selling…)")
	v.filter.OnChanged = func(s string) { v.q.Text = s; v.reselect() }
	v.count = widget.NewLabel("")
	v.channel = widget.NewSelect([]string{allChannels}, func(s string) { v.q.Channel = v.chIDs[s]; v.reselect() })
	v.channel.SetSelected(allChannels)
	v.export = widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), v.exportDialog)
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(v.channel, v.count, v.export), v.filter)
	v.root = container.NewBorder(bar, nil, nil, nil, v.table)
	return v
}

// Content is the screen's canvas object.
func (v *SKUs) Content() fyne.CanvasObject { return v.root }

// Apply shows a snapshot. Call on the UI goroutine.
func (v *SKUs) Apply(s *engine.Snapshot) {
	v.lastSeen = s
	v.now = s.Wall
	v.rows = buildSKURows(v.rows, s)
	if len(v.chNames) != len(s.Channels) {
		v.chNames = v.chNames[:0]
		opts := []string{allChannels}
		for _, c := range s.Channels {
			v.chIDs[c.Name] = c.ID
			opts = append(opts, c.Name)
		}
		v.chNames = opts[1:]
		v.channel.SetOptions(opts)
	}
	v.reselect()
}

// reselect filters and sorts again and refreshes the visible cells.
func (v *SKUs) reselect() {
	v.view = selectSKURows(v.view, v.rows, v.q)
	v.count.SetText(format.Count(len(v.view), "") + " rows")
	v.table.Refresh()
}

// Rows returns the rows in view, in order (for tests and export).
func (v *SKUs) Rows() []skuRow {
	out := make([]skuRow, len(v.view))
	for i, r := range v.view {
		out[i] = v.rows[r]
	}
	return out
}

// SortBy sorts by column col (toggling the direction when it is already
// the sort column), as a click on its header does.
func (v *SKUs) SortBy(col int) {
	if v.q.SortCol == col {
		v.q.Desc = !v.q.Desc
	} else {
		v.q.SortCol, v.q.Desc = col, false
	}
	v.reselect()
}

// SetFilter sets the filter text, as typing in the filter box does.
func (v *SKUs) SetFilter(s string) { v.filter.SetText(s) }

// WriteCSV writes the rows in view as CSV.
func (v *SKUs) WriteCSV(w io.Writer) error { return writeSKUCSV(w, v.rows, v.view) }

func (v *SKUs) size() (int, int) { return len(v.view), len(skuColumns) }

// createCell makes one reusable cell: a label, and a bar shown only in the
// sell-through column.
func (v *SKUs) createCell() fyne.CanvasObject {
	v.cellsMade++
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	bar := widgets.NewSellThroughBar()
	bar.Hide()
	return container.NewStack(l, bar)
}

func (v *SKUs) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	box := o.(*fyne.Container)
	l, bar := box.Objects[0].(*widget.Label), box.Objects[1].(*widgets.SellThroughBar)
	if id.Row < 0 || id.Row >= len(v.view) || id.Col < 0 || id.Col >= len(skuColumns) {
		l.SetText("")
		bar.Hide()
		return
	}
	r := &v.rows[v.view[id.Row]]
	text := skuColumns[id.Col].text(r, v.now)
	if id.Col == colSellThrough {
		l.Hide()
		bar.Set(r.Fig.SellThrough, text)
		bar.SetStale(r.Fig.Stale)
		bar.Show()
		return
	}
	bar.Hide()
	l.Show()
	imp := widget.MediumImportance
	switch {
	case id.Col == colStock || id.Col == colDifference:
		// The channel's stock is judged on its own reading, whose age the
		// engine weighs: an oversell risk stays red while the channel's
		// orders are late (degraded), which is when it matters most.
		imp = stockImportance(r.StockStatus)
		if r.StockDiff == nil {
			imp = widget.LowImportance // "no stock API", "—"
		}
	case r.Fig.Stale:
		// A failing channel's figures are its last known ones: greyed,
		// with their age in the last column.
		imp = widget.LowImportance
	case id.Col == colState && r.ChannelState != engine.StateOK:
		imp = widget.DangerImportance
	}
	if l.Text != text || l.Importance != imp {
		l.Text, l.Importance = text, imp
		l.Refresh()
	}
}

func (v *SKUs) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 || id.Col >= len(skuColumns) {
		b.SetText("")
		b.OnTapped = nil
		return
	}
	t := skuColumns[id.Col].Title
	if v.q.SortCol == id.Col {
		if v.q.Desc {
			t += " ▼"
		} else {
			t += " ▲"
		}
	}
	b.SetText(t)
	col := id.Col
	b.OnTapped = func() { v.SortBy(col) }
}

func (v *SKUs) exportDialog() {
	if v.window == nil {
		return
	}
	saveFile(v.window, "flashdeck-skus", ".csv", v.WriteCSV)
}

// stockImportance colours a row's stock cells: danger where the channel
// will sell units the allocation does not have, warning where it sells
// none of those it has.
func stockImportance(status string) widget.Importance {
	switch status {
	case engine.StockOversell:
		return widget.DangerImportance
	case engine.StockNotSelling:
		return widget.WarningImportance
	case engine.StockStale:
		return widget.LowImportance
	}
	return widget.MediumImportance
}
