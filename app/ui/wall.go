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

	"github.com/flashdeck/flashdeck/app/attention"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/widgets"
)

// wallCycle is how long the wall shows one sale before the next.
const wallCycle = 12 * time.Second

// wallChannels is how many channel badges the wall has room for.
const wallChannels = 6

// Wall is the war-room screen: one sale at a time in numbers readable from
// across the room, cycling through the sales. It is built once; snapshots
// only change texts.
type Wall struct {
	title     *widget.Label
	countdown *widgets.Countdown
	sold      *widgets.KPITile
	rate      *widgets.KPITile
	eta       *widgets.KPITile
	bar       *widgets.SellThroughBar
	badges    []*widgets.HealthBadge
	// chans holds, per channel, its badge over what it still offers and
	// its SKUs at oversell risk or not selling.
	chans []*wallChannel
	// needs shows the first lines of "What needs me now", the same list
	// as the Overview's, readable from across the room.
	needs *widget.Label
	root  fyne.CanvasObject

	index   int
	shownAt time.Time
	// Sale is the id of the sale on screen.
	Sale string
}

// NewWall builds the wall screen.
func NewWall() *Wall {
	w := &Wall{
		title:     widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		countdown: widgets.NewCountdown(),
		sold:      widgets.NewKPITile(lang.L("Sold")),
		rate:      widgets.NewKPITile(lang.L("Units / min")),
		eta:       widgets.NewKPITile(lang.L("Sell-out")),
		bar:       widgets.NewSellThroughBar(),
	}
	w.title.SizeName = "headingText"
	w.countdown.SetTextSize(120)
	for _, k := range []*widgets.KPITile{w.sold, w.rate, w.eta} {
		k.SetValueSize(64)
	}
	chans := container.NewHBox()
	for range wallChannels {
		c := newWallChannel()
		w.badges = append(w.badges, c.badge)
		w.chans = append(w.chans, c)
		chans.Add(c.box)
	}
	kpis := container.NewGridWithColumns(3, w.sold, w.rate, w.eta)
	w.needs = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.needs.SizeName = theme.SizeNameSubHeadingText
	w.needs.Truncation = fyne.TextTruncateEllipsis
	w.needs.Importance = widget.DangerImportance
	w.needs.Hide()
	w.root = container.NewVBox(w.title, container.NewCenter(w.countdown), kpis,
		container.New(&minHeight{h: 48}, w.bar), container.NewCenter(chans), w.needs)
	return w
}

// wallChannel is one channel on the wall: its health badge, and under it
// what it still offers against what remains, and its SKUs in trouble.
type wallChannel struct {
	badge                       *widgets.HealthBadge
	stock, oversell, notSelling *widget.Label
	box                         *fyne.Container
}

func newWallChannel() *wallChannel {
	c := &wallChannel{badge: widgets.NewHealthBadge()}
	for _, l := range []**widget.Label{&c.stock, &c.oversell, &c.notSelling} {
		*l = widget.NewLabel("")
		(*l).Alignment = fyne.TextAlignCenter
		(*l).SizeName = theme.SizeNameSubHeadingText
	}
	c.oversell.Importance, c.notSelling.Importance = widget.DangerImportance, widget.WarningImportance
	c.oversell.TextStyle.Bold, c.notSelling.TextStyle.Bold = true, true
	c.box = container.NewVBox(container.NewCenter(c.badge), c.stock, c.oversell, c.notSelling)
	c.box.Hide()
	return c
}

// set shows a channel of the sale; the reading's age, when shown, goes on
// a line of its own so that four channels fit side by side.
func (c *wallChannel) set(sale engine.SaleSnap, sc engine.SaleChannelSnap, ch engine.ChannelSnap, wall time.Time) {
	c.badge.SetState(ch.State, ch.Name+" · "+format.Percent(sc.SellThrough, sale.Currency)+" · "+stateWord(ch.State))
	text, age, imp := channelStockText(sale, sc, ch, wall)
	if age != "" {
		text += "\n" + age
	}
	if c.stock.Text != text || c.stock.Importance != imp {
		c.stock.Text, c.stock.Importance = text, imp
		c.stock.Refresh()
	}
	setCount(c.oversell, sc.StockIssues.OversellRisk, sale.Currency, lang.L("SKU at oversell risk"), lang.L("SKUs at oversell risk"))
	setCount(c.notSelling, sc.StockIssues.NotSelling, sale.Currency, lang.L("SKU not selling"), lang.L("SKUs not selling"))
	c.box.Show()
}

// Content is the wall's canvas object.
func (w *Wall) Content() fyne.CanvasObject { return w.root }

// Apply shows the current sale of the cycle.
func (w *Wall) Apply(s *engine.Snapshot) {
	if len(s.Sales) == 0 {
		w.title.SetText(lang.L("No sale configured"))
		return
	}
	if w.shownAt.IsZero() {
		w.shownAt = s.Wall
	}
	if s.Wall.Sub(w.shownAt) >= wallCycle {
		w.index++
		w.shownAt = s.Wall
	}
	sale := s.Sales[w.index%len(s.Sales)]
	w.Sale = sale.ID
	loc := saleLocation(sale)
	w.title.SetText(sale.Name)
	switch sale.State {
	case engine.SaleSoldOut:
		w.countdown.SetFinal(lang.L("SOLD OUT"))
	case engine.SaleEnded:
		w.countdown.SetFinal(lang.L("ENDED"))
	case engine.SaleScheduled:
		w.countdown.SetRemaining(sale.Start.Sub(s.At))
	default:
		w.countdown.SetRemaining(sale.End.Sub(s.At))
	}
	age := ""
	if sale.Stale {
		age = fmt.Sprintf(lang.L("stale: data %s"), format.Age(sale.AsOf, s.Wall))
	}
	w.sold.SetValue(format.Count(sale.Sold, sale.Currency)+" / "+format.Count(sale.Allocated, sale.Currency), age)
	w.rate.SetValue(format.Rate(sale.Rate1m, sale.Currency), fmt.Sprintf(lang.L("5 min: %s"), format.Rate(sale.Rate5m, sale.Currency)))
	// The wall has room for the clock time only; the countdown to it is
	// the sub-line.
	etaSub := ""
	etaVal := eta(sale.Figures, s.At, loc)
	if sale.ETASellout != nil && sale.Remaining > 0 {
		etaVal = format.Clock(*sale.ETASellout, loc)
		etaSub = fmt.Sprintf(lang.L("in %s"), format.Countdown(sale.ETASellout.Sub(s.At)))
	}
	w.eta.SetValue(etaVal, etaSub)
	for _, k := range []*widgets.KPITile{w.sold, w.rate, w.eta} {
		k.SetStale(sale.Stale)
	}
	w.bar.Set(sale.SellThrough, format.Percent(sale.SellThrough, sale.Currency))
	w.bar.SetStale(sale.Stale)
	names := map[string]engine.ChannelSnap{}
	for _, c := range s.Channels {
		names[c.ID] = c
	}
	for i, c := range w.chans {
		if i >= len(sale.Channels) {
			c.box.Hide()
			continue
		}
		c.set(sale, sale.Channels[i], names[sale.Channels[i].Channel], s.Wall)
	}
}

// wallNeeds is how many lines of the attention list the wall shows.
const wallNeeds = 3

// SetAttention shows the first items of the ranked attention list (the
// Overview's), one line each; nothing when the list is empty.
func (w *Wall) SetAttention(items []attention.Item) {
	lines := make([]string, 0, wallNeeds)
	for i := 0; i < len(items) && i < wallNeeds; i++ {
		lines = append(lines, "• "+items[i].Why)
	}
	if len(items) > wallNeeds {
		lines = append(lines, fmt.Sprintf(lang.L("and %d more on the Overview"), len(items)-wallNeeds))
	}
	text := strings.Join(lines, "\n")
	if text == w.needs.Text && w.needs.Visible() == (text != "") {
		return
	}
	w.needs.SetText(text)
	if text == "" {
		w.needs.Hide()
	} else {
		w.needs.Show()
	}
}

func stateWord(s string) string {
	switch s {
	case engine.StateOK:
		return lang.L("OK")
	case engine.StateDegraded:
		return lang.L("DEGRADED")
	case engine.StateDown:
		return lang.L("DOWN")
	case engine.StateDisabled:
		return lang.L("CLOSED")
	}
	return s
}

// minHeight lays out one object at full width and at least h tall.
type minHeight struct{ h float32 }

func (m *minHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(0, m.h)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (m *minHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}
