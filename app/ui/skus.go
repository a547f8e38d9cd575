package ui

import (
	"fmt"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/widgets"
)

// SKUs is the table of every SKU × channel. It is one widget.Table, whose
// cells are created once per visible row and reused: a new snapshot only
// rebuilds the plain rows slice and refreshes what is on screen, so 1,400
// SKUs on 4 channels scroll as smoothly as ten.
type SKUs struct {
	table   *table[*skuRow]
	filter  *widget.Entry
	channel *widget.Select
	// sales picks one sale's rows, or every sale's (shown with more than one).
	sales  *salePicker
	count  *widget.Label
	export *widget.Button
	root   fyne.CanvasObject

	rows     []skuRow
	view     []int
	q        skuQuery
	now      time.Time
	chIDs    map[string]string // channel name → id, for the channel filter
	chNames  []string
	lastSeen *engine.Snapshot
	// window is where the export dialog opens; nil in tests.
	window fyne.Window

	// selected is the row picked (by what it is, since rows move at
	// every snapshot), shown in bold and described in selLine, where
	// capStock acts on it.
	selected skuKey
	selLine  *widget.Label
	capStock *widgets.TipButton
	// act asks for an action through sale control's confirmation, with a
	// suggested reason; nil (or a viewer) leaves Cap at allocation disabled.
	act    func(req actions.Request, reason string)
	canAct bool
}

// skuKey names a row: a SKU of a sale on a channel.
type skuKey struct{ sale, sku, channel string }

func (k skuKey) of(r *skuRow) bool {
	return k.sku == r.SKU && k.channel == r.Channel && k.sale == r.Sale
}

// Words of the Cap at allocation button.
var (
	capTip     = key("Lowers this SKU's sellable stock on this channel to what remains of its allocation (never raises it), after a confirmation and a reason; the result and who asked go in the audit trail (Actions tab).")
	capOnlyTip = key("Only for a row at oversell risk: its channel offers more than remains of the allocation.")
	selectHint = key("Select a row to act on it: a channel offering more than remains of the allocation can be capped at it.")
)

var allChannels = key("All channels")

// NewSKUs builds the empty table.
func NewSKUs() *SKUs {
	v := &SKUs{q: skuQuery{SortCol: colSellThrough, Desc: true}, chIDs: map[string]string{}}
	v.table = newTable(v.columns(), func() int { return len(v.view) }, func(i int) *skuRow { return &v.rows[v.view[i]] })
	v.table.sortable(func() (int, bool) { return v.q.SortCol, v.q.Desc }, v.SortBy)
	// A failing channel's figures are its last known ones: greyed, with
	// their age in the last column.
	v.table.rowImportance = func(r *skuRow) widget.Importance {
		if r.Fig.Stale {
			return widget.LowImportance
		}
		return widget.MediumImportance
	}
	v.table.bold = func(r *skuRow) bool { return v.selected.of(r) }
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder(lang.L("Filter: SKU, product, channel or stock status (oversell, not selling…)"))
	v.filter.OnChanged = func(s string) { v.q.Text = s; v.reselect() }
	v.count = widget.NewLabel("")
	v.channel = widget.NewSelect([]string{lang.L(allChannels)}, func(s string) { v.q.Channel = v.chIDs[s]; v.reselect() })
	v.channel.SetSelected(lang.L(allChannels))
	v.sales = newSalePicker(true, func(id string) { v.q.Sale = id; v.reselect() })
	v.export = widget.NewButtonWithIcon(lang.L("Export CSV…"), theme.DocumentSaveIcon(), v.exportDialog)
	bar := container.NewBorder(nil, nil, v.sales.Content(), container.NewHBox(v.channel, v.count, v.export), v.filter)
	// The table's own selection is a cell that stays where it was when the
	// rows are sorted again: the row picked is tracked here instead, in
	// bold wherever it moves.
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(v.view) {
			r := &v.rows[v.view[id.Row]]
			v.selected = skuKey{r.Sale, r.SKU, r.Channel}
		}
		v.table.UnselectAll()
		v.table.Refresh()
		v.refreshSelection()
	}
	v.selLine = widget.NewLabel(lang.L(selectHint))
	v.selLine.Truncation = fyne.TextTruncateEllipsis
	v.capStock = widgets.NewTipButton(lang.L("Cap at allocation"), v.capSelected, lang.L(capOnlyTip))
	v.capStock.SetIcon(theme.ContentRemoveIcon())
	v.capStock.Importance = widget.DangerImportance
	v.capStock.Disable()
	sel := container.NewBorder(widget.NewSeparator(), nil, nil, v.capStock, v.selLine)
	v.root = container.NewBorder(bar, sel, nil, nil, v.table.box)
	return v
}

// selectedRow is the row picked, if it is still in the snapshot (shown
// or filtered out).
func (v *SKUs) selectedRow() *skuRow {
	if v.selected.sku == "" {
		return nil
	}
	for i := range v.rows {
		if v.selected.of(&v.rows[i]) {
			return &v.rows[i]
		}
	}
	return nil
}

// Select picks the row of a SKU on a channel, as a click on it does; a
// row of another sale than the one shown brings its sale into view.
func (v *SKUs) Select(sale, sku, channel string) {
	if v.q.Sale != "" && sale != "" && sale != v.q.Sale {
		v.sales.choose(sale)
	}
	v.selected = skuKey{sale, sku, channel}
	v.table.Refresh()
	v.refreshSelection()
}

// refreshSelection describes the row picked and says whether it can be
// capped.
func (v *SKUs) refreshSelection() {
	r := v.selectedRow()
	text := lang.L(selectHint)
	if r != nil {
		text = fmt.Sprintf(lang.L("%s on %s"), r.SKU, r.ChName)
		if v.sales.Multi() {
			text += " (" + r.SaleName + ")" // the same SKU may be in two sales
		}
		text += fmt.Sprintf(lang.L(": channel stock %s, remaining %s, difference %s"), stockText(r, v.now), format.Count(r.Fig.Remaining, r.Currency), differenceText(r, v.now))
	}
	if v.selLine.Text != text {
		v.selLine.SetText(text)
	}
	switch {
	case !v.canAct:
		v.capStock.SetTip(lang.L(viewerTip))
		v.capStock.Disable()
	case r != nil && r.StockStatus == engine.StockOversell && v.act != nil:
		v.capStock.SetTip(lang.L(capTip))
		v.capStock.Enable()
	default:
		v.capStock.SetTip(lang.L(capOnlyTip))
		v.capStock.Disable()
	}
}

// capSelected asks for cap_stock on the row picked: the channel's stock of
// the SKU lowered to what remains of its allocation there.
func (v *SKUs) capSelected() {
	r := v.selectedRow()
	if r == nil || r.StockStatus != engine.StockOversell || v.act == nil || r.Stock == nil {
		return
	}
	v.act(actions.Request{Kind: actions.CapStock, Sale: r.Sale, Channels: []string{r.Channel}, SKU: r.SKU},
		fmt.Sprintf(lang.L("Oversell risk: %s offers %s of %s, %s remain of the allocation"),
			r.ChName, format.Count(*r.Stock, r.Currency), r.SKU, format.Count(r.Fig.Remaining, r.Currency)))
}

// Content is the screen's canvas object.
func (v *SKUs) Content() fyne.CanvasObject { return v.root }

// Apply shows a snapshot. Call on the UI goroutine.
func (v *SKUs) Apply(s *engine.Snapshot) {
	v.lastSeen = s
	v.now = s.Wall
	v.rows = buildSKURows(v.rows, s)
	v.sales.apply(s)
	defer v.refreshSelection()
	if len(v.chNames) != len(s.Channels) {
		v.chNames = v.chNames[:0]
		opts := []string{lang.L(allChannels)}
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
	v.count.SetText(fmt.Sprintf(lang.L("%s rows"), format.Count(len(v.view), "")))
	v.table.refresh()
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

func (v *SKUs) exportDialog() {
	if v.window == nil {
		return
	}
	saveFile(v.window, "flashdeck-skus", ".csv", v.WriteCSV)
}

// skuMinWidths are how narrow the SKUs table's columns may get on a
// 1366-pixel screen, where all fourteen must show: room for the launch's
// longest SKU code (REDMI-N-139-BLK), its largest counts, prices and rates;
// the product's name and the stock's words end in an ellipsis first.
var skuMinWidths = [...]float32{
	colSKU: 142, colProduct: 110, colChannel: 84, colAllocated: 72, colSold: 64, colRemaining: 72,
	colStock: 90, colDifference: 90, colSellThrough: 90, colRate: 84, colETA: 80, colPrice: 96,
	colState: 64, colAge: 84,
}

// columns are the SKUs table's columns (skuColumns) as the table draws
// them: the sell-through as a bar, the channel's stock judged in colour.
func (v *SKUs) columns() []column[*skuRow] {
	cols := make([]column[*skuRow], len(skuColumns))
	for i, c := range skuColumns {
		text := c.text
		cols[i] = column[*skuRow]{Title: lang.L(c.Title), Width: c.Width, MinWidth: skuMinWidths[i], Text: func(r *skuRow) string { return text(r, v.now) }}
	}
	cols[colSellThrough].Bar = func(r *skuRow) (float64, bool) { return r.Fig.SellThrough, r.Fig.Stale }
	// The channel's stock is judged on its own reading, whose age the
	// engine weighs: an oversell risk stays red while the channel's orders
	// are late (degraded), which is when it matters most.
	stock := func(r *skuRow) widget.Importance {
		if r.StockDiff == nil {
			return widget.LowImportance // "no stock API", "—"
		}
		return stockImportance(r.StockStatus)
	}
	cols[colStock].Importance, cols[colDifference].Importance = stock, stock
	cols[colState].Importance = func(r *skuRow) widget.Importance {
		switch {
		case r.Fig.Stale:
			return widget.LowImportance
		case r.ChannelState != engine.StateOK:
			return widget.DangerImportance
		}
		return widget.MediumImportance
	}
	// Figures older than three polls: their age in red.
	cols[colAge].Importance = func(r *skuRow) widget.Importance {
		switch {
		case r.Fig.Old:
			return widget.DangerImportance
		case r.Fig.Stale:
			return widget.LowImportance
		}
		return widget.MediumImportance
	}
	return cols
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
