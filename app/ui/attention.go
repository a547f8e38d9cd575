package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/attention"
	"github.com/flashdeck/flashdeck/app/engine"
)

// AttentionPanel is the Overview's "What needs me now": the ranked list
// of app/attention, one line an item; a tap opens the item's row in its
// tab. The desktop keeps its own tracker, fed the snapshots it shows (a
// remote desktop's too), so the list needs no round trip; the collector's
// GET /api/v1/attention computes the same list for the wall and Grafana.
type AttentionPanel struct {
	tracker *attention.Tracker
	items   []attention.Item
	title   *widget.Label
	list    *widget.List
	root    fyne.CanvasObject
	// open shows an item's row (the Dashboard's openTarget).
	open func(attention.Target)
	// hidden is set while the Overview (where the panel is) does not
	// show; stale, when the list changed meanwhile: it is drawn again
	// when it shows (setVisible). The tracker still takes every snapshot.
	hidden, stale bool
}

// NewAttentionPanel makes the empty panel.
func NewAttentionPanel(open func(attention.Target)) *AttentionPanel {
	p := &AttentionPanel{tracker: attention.NewTracker(attention.Options{}), open: open}
	p.title = widget.NewLabelWithStyle(lang.L("What needs me now"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.list = widget.NewList(func() int { return max(len(p.items), 1) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, l)
		},
		p.updateRow)
	p.list.OnSelected = func(id widget.ListItemID) {
		p.list.UnselectAll()
		if id < len(p.items) && p.open != nil {
			p.open(p.items[id].Target)
		}
	}
	p.root = container.NewBorder(container.NewVBox(widget.NewSeparator(), p.title), nil, nil, nil, p.list)
	return p
}

// Content is the panel.
func (p *AttentionPanel) Content() fyne.CanvasObject { return p.root }

// Items are the items shown, ranked.
func (p *AttentionPanel) Items() []attention.Item { return p.items }

func (p *AttentionPanel) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	row := o.(*fyne.Container)
	var label *widget.Label
	var icon *widget.Icon
	for _, c := range row.Objects {
		switch c := c.(type) {
		case *widget.Label:
			label = c
		case *widget.Icon:
			icon = c
		}
	}
	if id >= len(p.items) {
		label.SetText(lang.L("Nothing: every channel, listing and action is as it should be."))
		icon.SetResource(theme.ConfirmIcon())
		return
	}
	it := p.items[id]
	label.SetText(it.Why)
	icon.SetResource(kindIcon(it.Kind))
}

func kindIcon(kind string) fyne.Resource {
	switch kind {
	case attention.KindChannel, attention.KindStalled:
		return theme.ErrorIcon()
	case attention.KindManual:
		return theme.AccountIcon()
	case attention.KindFlags:
		return theme.WarningIcon()
	}
	return theme.InfoIcon()
}

// Apply feeds a snapshot (and the actions in the audit list, for those
// waiting for a manual step) and shows the list when it changed.
func (p *AttentionPanel) Apply(s *engine.Snapshot, acts []actions.Action) {
	var manual []actions.Action
	for _, a := range acts {
		if a.Status() == actions.Manual {
			manual = append(manual, a)
		}
	}
	l := p.tracker.Observe(s, manual)
	title := lang.L("What needs me now")
	if n := l.Counts[attention.KindSellout]; n > 0 {
		title += fmt.Sprintf(lang.L(" — %s selling out within 15 minutes"), plural(n, lang.L("listing"), lang.L("listings")))
	}
	if p.title.Text != title {
		p.title.SetText(title)
	}
	if slices.EqualFunc(l.Items, p.items, func(a, b attention.Item) bool { return a.Why == b.Why && a.Target == b.Target }) {
		return
	}
	p.items = l.Items
	if p.hidden {
		p.stale = true
		return
	}
	p.list.Refresh()
}

// setVisible says whether the panel shows; a list that changed while it
// did not is drawn when it does.
func (p *AttentionPanel) setVisible(visible bool) {
	p.hidden = !visible
	if visible && p.stale {
		p.stale = false
		p.list.Refresh()
	}
}

// placeAttention puts the panel under the Overview's sale cards; the
// divider can be dragged.
func placeAttention(overview fyne.CanvasObject, p *AttentionPanel) fyne.CanvasObject {
	split := container.NewVSplit(overview, p.Content())
	// The cards keep most of the height: their channel rows and timeline
	// are what the room reads; the list needs a handful of lines.
	split.Offset = 0.7
	return split
}

// openTarget opens an item's row: a listing or SKU in the SKUs table
// (filtered to the SKU, its row picked), a channel in Channels, a sale's
// flags in Flagged, an action in Actions.
func (d *Dashboard) openTarget(t attention.Target) {
	// The tab first, so that it has caught up with the figures (catchUp)
	// before its row is looked for.
	d.SelectTab(t.Tab)
	switch t.Tab {
	case attention.TabSKUs:
		if t.Sale != "" && d.skus.q.Sale != "" {
			d.skus.sales.choose(t.Sale) // the item's sale, not the one shown
		}
		d.skus.SetFilter(t.SKU)
		if t.Channel != "" {
			d.skus.Select(t.Sale, t.SKU, t.Channel)
		}
	case attention.TabFlagged:
		if t.Sale != "" && d.flagged.sales.Multi() {
			d.flagged.sales.choose(t.Sale) // the flags of the item's sale
		}
	case attention.TabActions:
		if t.Sale != "" {
			d.actions.picker.choose(t.Sale)
		}
		for _, a := range d.actions.Rows() {
			if a.ID == t.Action {
				d.actions.show(a)
			}
		}
	}
}
