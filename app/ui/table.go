package ui

import (
	"image/color"

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
	// headers are the header objects the table has shown, and unthemed
	// is set when one is new: the dense theme is not yet applied to it
	// (refresh). Fyne makes a throwaway header to measure at every
	// refresh, which never shows.
	headers  map[fyne.CanvasObject]bool
	unthemed bool
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
	t.UpdateHeader = t.updateHeader
	t.widths = make([]float32, len(cols))
	for i, c := range cols {
		t.widths[i] = c.Width
		t.SetColumnWidth(i, c.Width)
	}
	t.box = container.New(fitColumns[T]{t}, container.NewThemeOverride(t.Table, newDenseTheme()))
	return t
}

// denseTheme is the app's theme with half the inner padding: a table's
// cells keep their text but not its margins, so that fourteen columns of
// the SKUs table fit a 1366-pixel screen and more rows show at once.
type denseTheme struct{ base fyne.Theme }

// newDenseTheme wraps the app's theme as it is when the table is made (the
// default theme follows the light and dark variants by itself).
func newDenseTheme() denseTheme {
	if a := fyne.CurrentApp(); a != nil && a.Settings().Theme() != nil {
		return denseTheme{a.Settings().Theme()}
	}
	return denseTheme{theme.DefaultTheme()}
}

func (d denseTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return d.base.Color(n, v)
}

func (d denseTheme) Font(s fyne.TextStyle) fyne.Resource { return d.base.Font(s) }

func (d denseTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return d.base.Icon(n) }

func (d denseTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameInnerPadding {
		return d.base.Size(n) / 2
	}
	return d.base.Size(n)
}

// cellInset is the margin a table's cell keeps on each side of its text.
func cellInset() float32 { return theme.InnerPadding() / 2 }

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
//
// The dense theme's override is applied again only when a header shows
// that it has not been applied to: Fyne's ThemeOverride walks every widget under it on
// each refresh and empties the text measurement cache at every one, so
// refreshing it every second had every label of the window measured
// again (nearly half the SKUs tab's cost at launch scale). The table gives
// its new cells the override by itself, not its headers.
func (t *table[T]) refresh() {
	if t.sortedBy == nil {
		t.Refresh()
		return
	}
	t.box.Layout.Layout(t.box.Objects, t.box.Size()) // the columns fitted again
	t.Table.Refresh()
	if t.unthemed {
		t.unthemed = false
		t.box.Objects[0].Refresh() // the ThemeOverride, over the new headers too
	}
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
	return container.New(cellLayout{}, l, bar)
}

// cellLayout stacks a cell's label and bar over the whole cell, like
// container.NewStack, but its minimum width is always zero: the columns
// have the widths the table gives them, never their texts'. With a stack,
// a cell whose text changed width changed its minimum size, and at the
// next frame Fyne laid out the table's cells again, which refreshes the
// table's selection markers and so drew the whole window a second time
// after every update (two frames a second instead of one on a remote
// desktop at launch scale, measured with a probe on glXSwapBuffers).
type cellLayout struct{}

func (cellLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	// Hidden or not: a cell shows a label in one column and a bar in
	// another, and its height must not change with that either.
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(0, h)
}

func (cellLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
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
	if !t.headers[o] {
		if t.headers == nil || len(t.headers) > 4*len(t.cols) {
			t.headers = map[fyne.CanvasObject]bool{} // forget headers long gone
		}
		t.headers[o], t.unthemed = true, true
	}
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
