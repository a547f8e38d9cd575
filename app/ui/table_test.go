package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestCellTruncation: a cell's text is left whole only when it surely fits
// its column (Fyne then skips shaping it for an ellipsis), and cut with an
// ellipsis otherwise, also after its column narrows.
func TestCellTruncation(t *testing.T) {
	test.NewTempApp(t)
	texts := []string{"", "0", "131", "12/min", "Rp 199,000", "1 · 3 s old", "+1 in flight", "sold out",
		"1,234,567", "AIRDOTS-000-BLK", "Redmi Buds 0 Pro Graphite Black Edition", "WWWWWWWW", "iiiiiiiiiiiiiiii",
		"habis terjual", "小米手机", "—", "ffi fl fj"}
	rows := []string{}
	tb := newTable([]column[string]{{Title: "Text", Width: 90, Text: func(s string) string { return s }}},
		func() int { return len(rows) }, func(i int) string { return rows[i] })
	for _, width := range []float32{200, 90, 40, 12} {
		tb.widths[0] = width
		room := width - 2*cellInset()
		for _, bold := range []bool{false, true} {
			for _, s := range texts {
				got := tb.truncation(s, 0, bold)
				real := fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{Bold: bold}).Width
				switch {
				case got == fyne.TextTruncateOff && real > room:
					t.Errorf("width %g, bold %v: %q is %.1f px wide in %.1f px of room, left uncut", width, bold, s, real, room)
				case got == fyne.TextTruncateEllipsis && latin(s) && real+2*fyne.MeasureText("W", theme.TextSize(), fyne.TextStyle{Bold: bold}).Width < room:
					// (Cut is always safe: Fyne then finds whether it fits. The
					// figures, in Latin script, must not pay for it.)
					t.Errorf("width %g, bold %v: %q (%.1f px) is cut in %.1f px of room", width, bold, s, real, room)
				}
			}
		}
	}

	// A cell follows its column: whole while it fits, cut once it does not.
	rows = []string{"1,234,567"}
	cell := tb.createCell()
	l := cell.(*fyne.Container).Objects[0].(*widget.Label)
	tb.widths[0] = 200
	tb.updateCell(widget.TableCellID{Row: 0, Col: 0}, cell)
	if l.Truncation != fyne.TextTruncateOff || l.Text != "1,234,567" {
		t.Errorf("in 200 px: %q truncation %v, want it whole", l.Text, l.Truncation)
	}
	tb.widths[0] = 30
	tb.updateCell(widget.TableCellID{Row: 0, Col: 0}, cell)
	if l.Truncation != fyne.TextTruncateEllipsis {
		t.Errorf("in 30 px: truncation %v, want an ellipsis", l.Truncation)
	}
	l.Resize(fyne.NewSize(30, l.MinSize().Height))
	if shown := test.WidgetRenderer(l).Objects(); len(shown) == 0 || !strings.Contains(richTextShown(l), "…") {
		t.Errorf("in 30 px the cell shows %q, want an ellipsis", richTextShown(l))
	}
}

// TestCellMinSizeFixed: a cell's minimum size does not follow what it
// shows. If it did, Fyne would lay all the table's cells out again at the
// next frame after an update, which refreshes the table's markers and
// draws the whole window a second time, for nothing.
func TestCellMinSizeFixed(t *testing.T) {
	test.NewTempApp(t)
	rows := []string{""}
	text := func(s string) string { return s }
	tb := newTable([]column[string]{
		{Title: "Text", Width: 300, Text: text},
		{Title: "Sold", Width: 100, Text: text, Bar: func(string) (float64, bool) { return 0.5, false }},
	}, func() int { return len(rows) }, func(i int) string { return rows[i] })
	cell := tb.createCell()
	want := cell.MinSize()
	if want.Height <= 0 {
		t.Fatalf("a cell's minimum size is %v: it needs a line's height", want)
	}
	for _, s := range []string{"1", "1,234,567", "Redmi Buds 0 Pro Graphite Black Edition", "", "小米手机"} {
		rows[0] = s
		for col := range tb.cols {
			tb.updateCell(widget.TableCellID{Row: 0, Col: col}, cell)
			if got := cell.MinSize(); got != want {
				t.Errorf("column %d showing %q: minimum size %v, was %v", col, s, got, want)
			}
		}
	}
	// The label's text sits cellInset from the cell's edges (half its own
	// padding), and the bar fills the cell.
	size := fyne.NewSize(120, want.Height)
	cell.Resize(size)
	objs := cell.(*fyne.Container).Objects
	in := cellInset()
	if l := objs[0]; l.Position() != fyne.NewPos(-in, -in) || l.Size() != fyne.NewSize(120+2*in, want.Height+2*in) {
		t.Errorf("label at %v sized %v in a cell of %v, want it %g px wider each side", l.Position(), l.Size(), size, in)
	}
	if bar := objs[1]; bar.Position() != (fyne.Position{}) || bar.Size() != size {
		t.Errorf("bar at %v sized %v in a cell of %v", bar.Position(), bar.Size(), size)
	}
	if l := objs[0].(*widget.Label); want.Height != l.MinSize().Height-2*in {
		t.Errorf("a cell is %g px high, its label %g: want the label's less its padding given up", want.Height, l.MinSize().Height)
	}
}

// richTextShown is the text a label draws, as its canvas texts hold it.
func richTextShown(l *widget.Label) string {
	var b strings.Builder
	walkRendered(l, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok {
			b.WriteString(t.Text)
		}
	})
	return b.String()
}

// walkRendered visits o and everything drawn under it: containers'
// objects and widgets' rendered objects, depth first.
func walkRendered(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	visit(o)
	switch v := o.(type) {
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walkRendered(c, visit)
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			walkRendered(c, visit)
		}
	}
}

func latin(s string) bool {
	for _, r := range s {
		if r >= 0x2000 && r != '·' && r != '—' {
			return false
		}
	}
	return true
}
