package ui

import (
	"slices"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/engine"
)

// allSales is the picker's choice of every sale at once.
var allSales = key("All sales")

// maxPickerRunes bounds how wide the picker grows for a long sale name: it
// shares its row with a filter or the sale's end.
const maxPickerRunes = 32

// salePicker chooses the sale a tab shows or acts on, among the sales of
// the snapshot (the configuration's, or a remote collector's). With one
// sale there is nothing to choose and it stays hidden; with more it shows
// and names the sale chosen, so that nothing applies silently to the
// first. A picker made withAll also offers every sale at once.
type salePicker struct {
	sel     *widget.Select
	box     *fyne.Container
	withAll bool
	ids     []string // sale ids, in the options' order after allSales
	labels  []string
	chosen  string // sale id; "" is every sale (withAll)
	// onChange runs after the choice changed, by hand or by choose.
	onChange func(id string)
}

// newSalePicker makes a hidden picker; onChange may be nil.
func newSalePicker(withAll bool, onChange func(id string)) *salePicker {
	p := &salePicker{withAll: withAll, onChange: onChange}
	p.sel = widget.NewSelect(nil, p.picked)
	p.sel.PlaceHolder = lang.L("Choose a sale")
	p.box = container.NewHBox(widget.NewLabel(lang.L("Sale:")), p.sel)
	p.box.Hide()
	return p
}

// Content is the label and the select, hidden while there is one sale.
func (p *salePicker) Content() fyne.CanvasObject { return p.box }

// Chosen is the id of the sale chosen, "" for every sale.
func (p *salePicker) Chosen() string { return p.chosen }

// Multi says whether the snapshot has more than one sale (the picker shows).
func (p *salePicker) Multi() bool { return len(p.ids) > 1 }

// apply takes the sales of a snapshot. A choice that is gone falls back to
// every sale (withAll) or the first. Call on the UI goroutine.
func (p *salePicker) apply(s *engine.Snapshot) {
	ids := make([]string, 0, len(s.Sales))
	labels := make([]string, 0, len(s.Sales)+1)
	if p.withAll {
		labels = append(labels, lang.L(allSales))
	}
	names := map[string]int{}
	for _, sl := range s.Sales {
		names[sl.Name]++
	}
	for _, sl := range s.Sales {
		ids = append(ids, sl.ID)
		l := sl.Name
		if l == "" || names[sl.Name] > 1 {
			// Two sales of the same name are told apart by their ids.
			l += " (" + sl.ID + ")"
		}
		labels = append(labels, l)
	}
	if slices.Equal(ids, p.ids) && slices.Equal(labels, p.labels) {
		return
	}
	p.ids, p.labels = ids, labels
	// A select is as wide as its placeholder, whatever it shows: the
	// longest name (within reason) keeps the sale chosen readable.
	longest := ""
	for _, l := range labels {
		if utf8.RuneCountInString(l) > utf8.RuneCountInString(longest) {
			longest = l
		}
	}
	if r := []rune(longest); len(r) > maxPickerRunes {
		longest = string(r[:maxPickerRunes])
	}
	p.sel.PlaceHolder = longest
	p.sel.SetOptions(labels)
	if len(ids) > 1 {
		p.box.Show()
	} else {
		p.box.Hide()
	}
	want := p.chosen
	if want != "" && !slices.Contains(ids, want) || want == "" && !p.withAll {
		want = ""
		if !p.withAll && len(ids) > 0 {
			want = ids[0]
		}
	}
	p.setSelected(want)
	if want != p.chosen {
		p.chosen = want
		if p.onChange != nil {
			p.onChange(want)
		}
	}
}

// choose picks a sale by id ("" for every sale, when offered), as the
// select does; an unknown id is ignored.
func (p *salePicker) choose(id string) {
	if id == p.chosen || id == "" && !p.withAll || id != "" && !slices.Contains(p.ids, id) {
		return
	}
	p.setSelected(id)
	p.picked(p.sel.Selected)
}

// setSelected shows a choice in the select without calling back.
func (p *salePicker) setSelected(id string) {
	label := ""
	switch i := slices.Index(p.ids, id); {
	case i >= 0 && p.withAll:
		label = p.labels[i+1]
	case i >= 0:
		label = p.labels[i]
	case p.withAll:
		label = lang.L(allSales)
	}
	p.sel.Selected = label
	p.sel.Refresh()
}

// picked follows the select's choice.
func (p *salePicker) picked(label string) {
	i := slices.Index(p.labels, label)
	if i < 0 {
		return
	}
	id := ""
	if p.withAll {
		i--
	}
	if i >= 0 {
		id = p.ids[i]
	}
	if id == p.chosen {
		return
	}
	p.chosen = id
	if p.onChange != nil {
		p.onChange(id)
	}
}

// sale returns the chosen sale of a snapshot (the first when every sale
// is chosen, or the choice is not in it).
func (p *salePicker) sale(s *engine.Snapshot) (engine.SaleSnap, bool) {
	for _, sl := range s.Sales {
		if sl.ID == p.chosen {
			return sl, true
		}
	}
	if len(s.Sales) > 0 {
		return s.Sales[0], true
	}
	return engine.SaleSnap{}, false
}
