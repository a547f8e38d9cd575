package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/widgets"
)

// Filters of the Flagged view.
var (
	flagsOpen      = key("Open")
	flagsReviewed  = key("Reviewed")
	flagsCancelled = key("Cancelled")
	flagsAll       = key("All")
)

// cancelTip says what Cancel order does.
var cancelTip = key("Cancels the whole order on its channel, after a confirmation and a reason; the result and who asked go in the audit trail (Actions tab).")

// Flagged lists the orders the rules flagged, the highest score first, and
// shows one in detail: why, and the related orders on every channel.
type Flagged struct {
	table  *table[*rules.Flag]
	filter *widget.Select
	// sales shows one sale's flags, or every sale's (with more than one).
	sales *salePicker
	last  *engine.Snapshot
	count *widget.Label

	title    *widget.Label
	meta     *widget.Label
	reasons  *fyne.Container
	evidence *table[*rules.Ref]
	more     *widget.Label
	review   *widget.Button
	cancel   *widgets.TipButton
	detail   fyne.CanvasObject
	empty    *widget.Label
	root     fyne.CanvasObject

	all      []rules.Flag
	view     []int
	selected string // Key of the flag shown in detail
	// picked is true once the user chose a flag; until then the view
	// follows the highest score. selecting marks the view's own Select calls.
	picked, selecting bool
	related           *widget.Label
	chNames           map[string]string
	loc               *time.Location
	// currency is the sale's, whose way counts are written.
	currency string

	// act asks for an action (review_order, cancel_order) through sale
	// control's confirmation, with a suggested reason; nil (or a viewer)
	// leaves the buttons disabled.
	act func(req actions.Request, reason string)
	// canAct is false for a viewer.
	canAct bool
	// window shows errors; nil in tests.
	window fyne.Window
}

// columns are the flags table's: the score coloured by how bad it is. The
// rules, buyers and orders may end in an ellipsis on a small screen (the
// detail beside says them whole); SKU codes keep room to show whole.
func (v *Flagged) columns() []column[*rules.Flag] {
	return []column[*rules.Flag]{
		{Title: lang.L("Score"), Width: 58, Text: func(f *rules.Flag) string { return fmt.Sprint(f.Score) }, Importance: scoreImportance},
		{Title: lang.L("Rules"), Width: 190, MinWidth: 120, Text: ruleIDs},
		{Title: lang.L("Channel"), Width: 96, Text: func(f *rules.Flag) string { return v.channelName(f.Channel) }},
		{Title: lang.L("SKU"), Width: 150, MinWidth: 130, Text: func(f *rules.Flag) string { return f.SKU }},
		{Title: lang.L("Units"), Width: 52, Text: func(f *rules.Flag) string { return format.Count(f.Units, v.currency) }},
		{Title: lang.L("Buyer"), Width: 112, MinWidth: 90, Text: func(f *rules.Flag) string { return i18n.Text(f.BuyerText, f.Buyer) }},
		{Title: lang.L("State"), Width: 78, Text: func(f *rules.Flag) string { return lang.L(f.State) }},
		{Title: lang.L("Placed"), Width: 78, Text: func(f *rules.Flag) string { return f.CreatedAt.In(v.loc).Format("15:04:05") }},
	}
}

// evidenceColumns are the related orders' columns.
func (v *Flagged) evidenceColumns() []column[*rules.Ref] {
	return []column[*rules.Ref]{
		{Title: lang.L("Channel"), Width: 90, Text: func(r *rules.Ref) string { return v.channelName(r.Channel) }},
		{Title: lang.L("Order"), Width: 140, MinWidth: 100, Text: func(r *rules.Ref) string { return r.OrderID }},
		{Title: lang.L("SKU"), Width: 140, MinWidth: 120, Text: func(r *rules.Ref) string { return r.SKU }},
		{Title: lang.L("Units"), Width: 48, Text: func(r *rules.Ref) string { return format.Count(r.Units, v.currency) }},
		{Title: lang.L("Buyer"), Width: 104, MinWidth: 80, Text: func(r *rules.Ref) string { return i18n.Text(r.BuyerText, r.Buyer) }},
		{Title: lang.L("Placed"), Width: 72, Text: func(r *rules.Ref) string { return r.CreatedAt.In(v.loc).Format("15:04:05") }},
	}
}

// scoreImportance colours an open flag's score: red from 70, orange from 40.
func scoreImportance(f *rules.Flag) widget.Importance {
	switch {
	case f.State != rules.StateOpen:
		return widget.LowImportance
	case f.Score >= 70:
		return widget.DangerImportance
	case f.Score >= 40:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// flagImportance greys the flags already dealt with.
func flagImportance(f *rules.Flag) widget.Importance {
	if f.State != rules.StateOpen {
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// NewFlagged builds the empty view.
func NewFlagged() *Flagged {
	v := &Flagged{chNames: map[string]string{}, loc: time.Local}
	v.table = newTable(v.columns(), func() int { return len(v.view) }, func(i int) *rules.Flag { return &v.all[v.view[i]] })
	v.table.rowImportance = flagImportance
	v.table.OnSelected = func(id widget.TableCellID) {
		if !v.selecting {
			v.picked = true
		}
		if id.Row >= 0 && id.Row < len(v.view) {
			v.selected = v.all[v.view[id.Row]].Key()
			v.showDetail()
		}
	}
	v.filter = widget.NewSelect([]string{lang.L(flagsOpen), lang.L(flagsReviewed), lang.L(flagsCancelled), lang.L(flagsAll)}, nil)
	v.filter.Selected = lang.L(flagsOpen)
	v.count = widget.NewLabel("")

	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.meta = widget.NewLabel("")
	v.meta.Wrapping = fyne.TextWrapWord
	v.reasons = container.NewVBox()
	v.evidence = newTable(v.evidenceColumns(),
		func() int {
			if f := v.current(); f != nil {
				return len(f.Evidence)
			}
			return 0
		},
		func(i int) *rules.Ref { return &v.current().Evidence[i] })
	v.more = widget.NewLabel("")
	v.review = widget.NewButtonWithIcon(lang.L("Mark reviewed"), theme.ConfirmIcon(), v.markReviewed)
	v.cancel = widgets.NewTipButton(lang.L("Cancel order"), v.cancelOrder, lang.L(cancelTip))
	v.cancel.SetIcon(theme.CancelIcon())
	v.cancel.Disable()
	v.related = widget.NewLabelWithStyle(lang.L("Related orders on every channel"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head := container.NewVBox(v.title, v.meta, widget.NewSeparator(), v.reasons, widget.NewSeparator(), v.related)
	v.detail = container.NewBorder(head, container.NewVBox(v.more, container.NewHBox(v.review, v.cancel)), nil, nil, v.evidence.box)
	v.empty = widget.NewLabel(lang.L("Select a flagged order to see why it was flagged."))
	v.detail.Hide()

	v.sales = newSalePicker(true, func(sale string) {
		if f := v.current(); f != nil && sale != "" && f.Sale != sale {
			v.picked = false // the flag shown is not of the sale chosen
		}
		if v.last != nil {
			v.Apply(v.last)
		}
		v.showWorst()
		v.reselect()
	})
	bar := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(lang.L("Show")), v.filter, v.sales.Content()), nil, v.count)
	split := container.NewHSplit(v.table.box, container.NewStack(container.NewPadded(v.empty), container.NewPadded(v.detail)))
	split.Offset = 0.62
	v.root = container.NewBorder(bar, nil, nil, nil, split)
	v.filter.OnChanged = func(string) { v.reselect() }
	v.reselect()
	return v
}

// Content is the view's canvas object.
func (v *Flagged) Content() fyne.CanvasObject { return v.root }

// Apply takes what the view needs from a snapshot: channel names, the
// sales to choose from and the chosen sale's zone (the first's, for every
// sale). Call on the UI goroutine.
func (v *Flagged) Apply(s *engine.Snapshot) {
	v.last = s
	for _, c := range s.Channels {
		v.chNames[c.ID] = c.Name
	}
	v.sales.apply(s)
	if sl, ok := v.sales.sale(s); ok {
		v.loc, v.currency = saleLocation(sl), sl.Currency
	}
}

// SetFlags shows a new list of flags (the engine's, highest score first).
// Call on the UI goroutine.
func (v *Flagged) SetFlags(fs []rules.Flag) {
	v.all = fs
	v.showWorst()
	v.reselect()
}

// showWorst shows the highest score of the sale chosen until someone picks
// a flag: a room looking at this view wants the evidence, not an empty pane.
func (v *Flagged) showWorst() {
	if v.picked {
		return
	}
	sale := v.sales.Chosen()
	for i := range v.all {
		if sale == "" || v.all[i].Sale == sale {
			v.selected = v.all[i].Key()
			return
		}
	}
}

// Rows returns the flags shown, in order.
func (v *Flagged) Rows() []rules.Flag {
	out := make([]rules.Flag, len(v.view))
	for i, j := range v.view {
		out[i] = v.all[j]
	}
	return out
}

// Select shows the flag of an order in detail.
func (v *Flagged) Select(channel, orderID string) {
	for i, j := range v.view {
		if v.all[j].Channel == channel && v.all[j].OrderID == orderID {
			v.table.Select(widget.TableCellID{Row: i, Col: 0})
			return
		}
	}
}

func (v *Flagged) reselect() {
	v.view = v.view[:0]
	want := map[string]string{lang.L(flagsOpen): rules.StateOpen, lang.L(flagsReviewed): rules.StateReviewed, lang.L(flagsCancelled): rules.StateCancelled}[v.filter.Selected]
	sale := v.sales.Chosen()
	for i := range v.all {
		if (want == "" || v.all[i].State == want) && (sale == "" || v.all[i].Sale == sale) {
			v.view = append(v.view, i)
		}
	}
	open, reviewed, cancelled := 0, 0, 0
	for i := range v.all {
		if sale != "" && v.all[i].Sale != sale {
			continue
		}
		switch v.all[i].State {
		case rules.StateOpen:
			open++
		case rules.StateReviewed:
			reviewed++
		default:
			cancelled++
		}
	}
	v.count.SetText(fmt.Sprintf(lang.L("%s open · %s reviewed · %s cancelled"), format.Count(open, v.currency), format.Count(reviewed, v.currency),
		format.Count(cancelled, v.currency)))
	v.table.Refresh()
	// The table selects by row: keep its highlight on the flag shown, which
	// may have moved in the new list.
	row := -1
	for i, j := range v.view {
		if v.all[j].Key() == v.selected {
			row = i
		}
	}
	v.selecting = true
	if row >= 0 {
		v.table.Select(widget.TableCellID{Row: row, Col: 0})
	} else {
		v.table.UnselectAll()
	}
	v.selecting = false
	v.showDetail()
}

// current is the flag shown in detail, or nil.
func (v *Flagged) current() *rules.Flag {
	if v.selected == "" {
		return nil
	}
	for i := range v.all {
		if v.all[i].Key() == v.selected {
			return &v.all[i]
		}
	}
	return nil
}

func (v *Flagged) showDetail() {
	f := v.current()
	if f == nil {
		v.detail.Hide()
		v.empty.Show()
		v.refreshButtons()
		return
	}
	v.empty.Hide()
	v.detail.Show()
	v.title.SetText(fmt.Sprintf(lang.L("Order %s on %s — score %d"), f.OrderID, v.channelName(f.Channel), f.Score))
	meta := fmt.Sprintf(lang.L("%s × %s · %s · placed %s · %s"), f.SKU, format.Count(f.Units, v.currency), i18n.Text(f.BuyerText, f.Buyer), format.ClockSec(f.CreatedAt, v.loc), lang.L(f.State))
	if f.Review != nil {
		meta += fmt.Sprintf(lang.L(" Reviewed by %s at %s."), f.Review.By, format.Clock(f.Review.At, v.loc))
	}
	v.meta.SetText(meta)
	v.reasons.RemoveAll()
	for _, h := range f.Rules {
		l := widget.NewLabel("• " + ruleTitle(h.ID) + ": " + i18n.Text(h.Why, h.Reason))
		l.Wrapping = fyne.TextWrapWord
		v.reasons.Add(l)
	}
	switch extra := f.EvidenceTotal - len(f.Evidence); {
	case extra > 0:
		v.more.SetText(fmt.Sprintf(lang.L("and %s more related orders"), format.Count(extra, v.currency)))
		v.more.Show()
	case f.EvidenceTotal == 0:
		v.more.SetText(lang.L("No related orders: the rules concern this order alone."))
		v.more.Show()
	default:
		v.more.Hide()
	}
	if f.EvidenceTotal == 0 {
		v.related.Hide()
		v.evidence.Hide()
	} else {
		v.related.Show()
		v.evidence.Show()
	}
	v.evidence.Refresh()
	v.refreshButtons()
}

func (v *Flagged) refreshButtons() {
	f := v.current()
	able := v.act != nil && v.canAct
	if f != nil && f.State == rules.StateOpen && able {
		v.review.Enable()
	} else {
		v.review.Disable()
	}
	switch {
	case !v.canAct:
		v.cancel.SetTip(lang.L(viewerTip))
		v.cancel.Disable()
	case f != nil && f.State != rules.StateCancelled && able:
		v.cancel.SetTip(lang.L(cancelTip))
		v.cancel.Enable()
	default:
		v.cancel.Disable()
	}
}

// markReviewed asks for a review_order action: audited like any other.
func (v *Flagged) markReviewed() {
	if f := v.current(); f != nil && v.act != nil {
		v.act(actions.Request{Kind: actions.ReviewOrder, Sale: f.Sale, Channels: []string{f.Channel}, OrderID: f.OrderID},
			lang.L("Checked: not a scalper"))
	}
}

// cancelOrder asks for a cancel_order action, suggesting the rules that
// fired as the reason.
func (v *Flagged) cancelOrder() {
	if f := v.current(); f != nil && v.act != nil {
		v.act(actions.Request{Kind: actions.CancelOrder, Sale: f.Sale, Channels: []string{f.Channel}, OrderID: f.OrderID},
			fmt.Sprintf(lang.L("Flagged as abuse (%s)"), ruleIDs(f)))
	}
}

func (v *Flagged) channelName(id string) string {
	if n, ok := v.chNames[id]; ok && n != "" {
		return n
	}
	return id
}

// ruleIDs lists a flag's rules in words, short.
func ruleIDs(f *rules.Flag) string {
	names := make([]string, len(f.Rules))
	for i, h := range f.Rules {
		names[i] = ruleTitle(h.ID)
	}
	return strings.Join(names, ", ")
}

// ruleTitle names a rule for a manager.
func ruleTitle(id string) string {
	switch id {
	case rules.OverLimit:
		return lang.L("Over the limit")
	case rules.SharedPhone:
		return lang.L("Shared phone")
	case rules.SharedAddress:
		return lang.L("Shared address")
	case rules.SharedPayment:
		return lang.L("Shared payment")
	case rules.AddressJig:
		return lang.L("Jigged address")
	case rules.Velocity:
		return lang.L("Velocity")
	case rules.BotOpening:
		return lang.L("Bot at opening")
	}
	return id
}
