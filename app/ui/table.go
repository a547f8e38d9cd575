package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/widgets"
)

// column is one column of a table, described once: its header, its width
// and what a cell shows. (How rows sort is the model's: skuColumns.)
type column[T any] struct {
	Title string
	Width float32
	// Text is a cell's text (the label on its bar when Bar is set).
	Text func(row T) string
	// Importance colours a cell; nil leaves it to the table's rowImportance.
	Importance func(row T) widget.Importance
	// Bar, when set, draws the cell as a sell-through bar of the fraction.
	Bar func(row T) (fraction float64, stale bool)
}

// table is a widget.Table over rows of T, one line per row, with a header.
// Its cells are made once per visible cell and reused; an update rewrites a
// cell only when what it shows changed, so a table of 5,600 rows refreshed
// at every snapshot stays smooth. Long texts end in an ellipsis: a column
// keeps the width it was given, whatever the data.
type table[T any] struct {
	*widget.Table
	cols []column[T]
	// rows counts the rows; row returns one (0 ≤ i < rows()).
	rows func() int
	row  func(i int) T
	// rowImportance colours the cells of a row whose column has no
	// Importance of its own (nil: medium).
	rowImportance func(row T) widget.Importance
	// bold, when set, shows a row in bold (the row picked).
	bold func(row T) bool
	// sortedBy, when set, makes the headers buttons that sort: it says by
	// which column and which way the rows are sorted; onSort is a click.
	sortedBy func() (col int, desc bool)
	onSort   func(col int)
	// cellsMade counts the cells made: the table must reuse them.
	cellsMade int
}

// newTable makes a table of the columns over rows. Set the optional fields
// (rowImportance, bold, sortable) before the table is shown.
func newTable[T any](cols []column[T], rows func() int, row func(i int) T) *table[T] {
	t := &table[T]{cols: cols, rows: rows, row: row}
	t.Table = widget.NewTableWithHeaders(func() (int, int) { return t.rows(), len(t.cols) }, t.createCell, t.updateCell)
	t.ShowHeaderColumn = false
	t.UpdateHeader = t.updateHeader
	for i, c := range cols {
		t.SetColumnWidth(i, c.Width)
	}
	return t
}

// sortable makes the headers buttons that sort the rows, with an arrow on
// the column they are sorted by.
func (t *table[T]) sortable(sortedBy func() (col int, desc bool), onSort func(col int)) {
	t.sortedBy, t.onSort = sortedBy, onSort
	t.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		return b
	}
}

// createCell makes one reusable cell: a label, and a bar shown only in a
// column that has one.
func (t *table[T]) createCell() fyne.CanvasObject {
	t.cellsMade++
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	bar := widgets.NewSellThroughBar()
	bar.Hide()
	return container.NewStack(l, bar)
}

func (t *table[T]) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	box := o.(*fyne.Container)
	l, bar := box.Objects[0].(*widget.Label), box.Objects[1].(*widgets.SellThroughBar)
	if id.Row < 0 || id.Row >= t.rows() || id.Col < 0 || id.Col >= len(t.cols) {
		l.SetText("")
		bar.Hide()
		return
	}
	c, r := &t.cols[id.Col], t.row(id.Row)
	text := c.Text(r)
	if c.Bar != nil {
		f, stale := c.Bar(r)
		l.Hide()
		bar.Set(f, text)
		bar.SetStale(stale)
		bar.Show()
		return
	}
	bar.Hide()
	l.Show()
	imp := widget.MediumImportance
	switch {
	case c.Importance != nil:
		imp = c.Importance(r)
	case t.rowImportance != nil:
		imp = t.rowImportance(r)
	}
	bold := t.bold != nil && t.bold(r)
	if l.Text != text || l.Importance != imp || l.TextStyle.Bold != bold {
		l.Text, l.Importance, l.TextStyle.Bold = text, imp, bold
		l.Refresh()
	}
}

func (t *table[T]) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	title := ""
	if id.Col >= 0 && id.Col < len(t.cols) {
		title = t.cols[id.Col].Title
	}
	if t.sortedBy == nil {
		l := o.(*widget.Label)
		l.TextStyle.Bold = true
		l.SetText(title)
		return
	}
	b := o.(*widget.Button)
	if title == "" {
		b.SetText("")
		b.OnTapped = nil
		return
	}
	if col, desc := t.sortedBy(); col == id.Col {
		if desc {
			title += " ▼"
		} else {
			title += " ▲"
		}
	}
	b.SetText(title)
	col := id.Col
	b.OnTapped = func() { t.onSort(col) }
}
