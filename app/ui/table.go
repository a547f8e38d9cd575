package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/widgets"
)

// column is one column of a table, described once: its header, its width
// and what a cell shows. (How rows sort is the model's: skuColumns.)
type column[T any] struct {
	Title string
	// Width is the column's width when the table has room; MinWidth, when
	// set, how narrow it may get when the table has not (its header always
	// fits): see fitColumns.
	Width, MinWidth float32
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
	// box holds the table on screen, fitting its columns to its width.
	box *fyne.Container
	// widths are the columns' widths now (fitColumns).
	widths []float32
	// advances are the widths of the runes the cells have shown, regular
	// and bold, at advanceSize (truncation).
	advances    [2]map[rune]float32
	advanceSize float32
}

// newTable makes a table of the columns over rows. Set the optional fields
// (rowImportance, bold, sortable) before the table is shown.
func newTable[T any](cols []column[T], rows func() int, row func(i int) T) *table[T] {
	t := &table[T]{cols: cols, rows: rows, row: row}
	t.Table = widget.NewTableWithHeaders(func() (int, int) { return t.rows(), len(t.cols) }, t.createCell, t.updateCell)
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle.Bold = true
		return container.New(denseLayout{}, l)
	}
	t.UpdateHeader = t.updateHeader
	t.widths = make([]float32, len(cols))
	for i, c := range cols {
		t.widths[i] = c.Width
		t.SetColumnWidth(i, c.Width)
	}
	t.box = container.New(fitColumns[T]{t}, t.Table)
	return t
}

// cellInset is the margin a table's cell keeps on each side of its text:
// half a label's, so that fourteen columns of the SKUs table fit a
// 1366-pixel screen and more rows show at once.
func cellInset() float32 { return theme.InnerPadding() / 2 }

// denseLayout lays out a table's cell or header with half the inner
// padding of the label or button that is its first object: that object is
// given the cell and the cellInset it gives up on each side (its text then
// sits cellInset from the cell's edges); any other object (a cell's bar)
// the cell exactly. Its minimum size is the first object's height less
// what it gives up, and no width: the columns have the widths the table
// gives them, never their texts'.
//
// A theme override with half the inner padding did the same until it was
// measured: Fyne gives the widgets under an override their own font cache
// and text measurements, and the table's fonts alone were 20 MB of a
// remote desktop's heap (make bench-remote: 257 -> 234 MiB without it).
// And a cell whose minimum size followed its text had Fyne lay out all the
// table's cells again at the next frame after an update, which refreshes
// the table's markers and drew the whole window a second time (two frames
// a second instead of one on a launch-scale desktop, counted with a probe
// on glXSwapBuffers).
type denseLayout struct{}

func (denseLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	// Hidden or not: a cell shows a label in one column and a bar in
	// another, and its height must not change with that either.
	var h float32
	for i, o := range objs {
		oh := o.MinSize().Height
		if i == 0 {
			oh -= 2 * cellInset()
		}
		h = max(h, oh)
	}
	return fyne.NewSize(0, h)
}

func (denseLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	in := cellInset()
	for i, o := range objs {
		if i == 0 {
			o.Move(fyne.NewPos(-in, -in))
			o.Resize(fyne.NewSize(size.Width+2*in, size.Height+2*in))
			continue
		}
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

// fitColumns lays out a table, narrowing the columns that may narrow
// (MinWidth) when the table is narrower than their widths, all in the same
// proportion between their Width and their floor: every column stays on
// screen at 1366 px, long texts ending in an ellipsis, rather than the last
// ones behind a horizontal scroll. Below the floors, the table scrolls.
type fitColumns[T any] struct{ t *table[T] }

func (l fitColumns[T]) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

func (l fitColumns[T]) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	t := l.t
	// The room the columns have: less the padding between them (the
	// scroll bar is drawn over the cells).
	avail := size.Width - theme.Padding()*float32(len(t.cols))
	widths := t.fit(avail)
	for i, w := range widths {
		if w != t.widths[i] {
			t.widths[i] = w
			t.SetColumnWidth(i, w)
		}
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}

// fit gives each column its width in avail pixels. A header always fits,
// with the arrow of the sort on the column sorted by.
func (t *table[T]) fit(avail float32) []float32 {
	sorted := -1
	if t.sortedBy != nil {
		sorted, _ = t.sortedBy()
	}
	floors, prefs := make([]float32, len(t.cols)), make([]float32, len(t.cols))
	var want, least float32
	for i, c := range t.cols {
		head := t.headerWidth(c.Title, i == sorted)
		prefs[i] = max(c.Width, head)
		floors[i] = prefs[i]
		if c.MinWidth > 0 {
			floors[i] = min(prefs[i], max(c.MinWidth, head))
		}
		want += prefs[i]
		least += floors[i]
	}
	k := float32(1) // the share of each column's give that it keeps
	if avail < want && want > least {
		k = max(avail-least, 0) / (want - least)
	}
	out := make([]float32, len(t.cols))
	for i := range t.cols {
		out[i] = floors[i] + (prefs[i]-floors[i])*k
	}
	return out
}

// headerWidth is what a header needs: its title in bold inside a button's
// padding, and the arrow of the sort when sorted is true.
func (t *table[T]) headerWidth(title string, sorted bool) float32 {
	if sorted {
		title += " ▼"
	}
	return fyne.MeasureText(title, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*cellInset()
}

// refresh redraws the rows shown, fitting the columns again first: the
// sort's arrow may have moved to another header.
func (t *table[T]) refresh() {
	if t.sortedBy == nil {
		t.Refresh()
		return
	}
	t.box.Layout.Layout(t.box.Objects, t.box.Size()) // the columns fitted again
	t.Table.Refresh()
}

// sortable makes the headers buttons that sort the rows, with an arrow on
// the column they are sorted by.
func (t *table[T]) sortable(sortedBy func() (col int, desc bool), onSort func(col int)) {
	t.sortedBy, t.onSort = sortedBy, onSort
	t.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		return container.New(denseLayout{}, b)
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
	return container.New(denseLayout{}, l, bar)
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
	trunc := t.truncation(text, id.Col, bold)
	if l.Text != text || l.Importance != imp || l.TextStyle.Bold != bold || l.Truncation != trunc {
		l.Text, l.Importance, l.TextStyle.Bold, l.Truncation = text, imp, bold, trunc
		l.Refresh()
	}
}

// maxAdvances bounds the runes whose widths a table remembers: beyond it
// (a column of many scripts), texts are left to Fyne to measure.
const maxAdvances = 1024

// truncation is how a cell's text is cut: not at all when it surely fits
// its column, with an ellipsis otherwise. A text surely fits when the
// widths of its runes, each measured once, add up with one rune to spare
// (for kerning) to no more than the column's room. Fyne shapes a text
// whose label may truncate at every change, to find where an ellipsis
// would go; on the SKUs tab at launch scale that was a fifth of a remote
// desktop's CPU, for figures that nearly always fit.
func (t *table[T]) truncation(text string, col int, bold bool) fyne.TextTruncation {
	if size := theme.TextSize(); size != t.advanceSize {
		t.advances, t.advanceSize = [2]map[rune]float32{}, size // the theme changed
	}
	style := 0
	if bold {
		style = 1
	}
	adv := t.advances[style]
	if adv == nil {
		adv = map[rune]float32{}
		t.advances[style] = adv
	}
	room := t.widths[col] - 2*cellInset()
	var w, widest float32
	for _, r := range text {
		a, ok := adv[r]
		if !ok {
			if len(adv) >= maxAdvances {
				return fyne.TextTruncateEllipsis
			}
			a = fyne.MeasureText(string(r), t.advanceSize, fyne.TextStyle{Bold: bold}).Width
			adv[r] = a
		}
		w += a
		widest = max(widest, a)
		if w+widest > room {
			return fyne.TextTruncateEllipsis
		}
	}
	return fyne.TextTruncateOff
}

func (t *table[T]) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	o = o.(*fyne.Container).Objects[0]
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
