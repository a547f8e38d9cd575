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

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/widgets"
)

// Banner says which channels are down and since when. Hidden when all is well.
type Banner struct {
	label *widget.Label
	box   *fyne.Container
}

// NewBanner makes an empty banner.
func NewBanner() *Banner {
	b := &Banner{label: widget.NewLabel("")}
	b.label.Importance = widget.DangerImportance
	b.label.Wrapping = fyne.TextWrapWord
	b.box = container.NewVBox(b.label, widget.NewSeparator())
	b.box.Hide()
	return b
}

// Content is the banner's canvas object.
func (b *Banner) Content() fyne.CanvasObject { return b.box }

// Text is what the banner says ("" when hidden).
func (b *Banner) Text() string {
	if !b.box.Visible() {
		return ""
	}
	return b.label.Text
}

// Apply shows the down channels of a snapshot.
func (b *Banner) Apply(s *engine.Snapshot) {
	var parts []string
	for _, c := range s.Channels {
		if c.State != engine.StateDown {
			continue
		}
		since := c.DownSince
		if since.IsZero() {
			since = c.LastErrorAt
		}
		p := fmt.Sprintf(lang.L("%s is DOWN"), c.Name)
		if !since.IsZero() {
			p += fmt.Sprintf(lang.L(" since %s (%s)"), format.ClockSec(since, time.Local), format.Age(since, s.Wall))
		}
		p += fmt.Sprintf(lang.L("; last data %s"), format.Age(c.LastSuccess, s.Wall))
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		b.box.Hide()
		return
	}
	b.label.SetText("⚠ " + strings.Join(parts, " · "))
	b.box.Show()
}

// Overview shows one card per sale.
type Overview struct {
	box   *fyne.Container
	cards map[string]*saleCard
}

// NewOverview makes an empty overview.
func NewOverview() *Overview {
	return &Overview{box: container.NewVBox(), cards: map[string]*saleCard{}}
}

// Content is the overview's canvas object.
func (o *Overview) Content() fyne.CanvasObject { return container.NewVScroll(o.box) }

// Apply shows a snapshot; cards are made once and then only updated.
func (o *Overview) Apply(s *engine.Snapshot) {
	for _, sale := range s.Sales {
		c, ok := o.cards[sale.ID]
		if !ok {
			c = newSaleCard()
			o.cards[sale.ID] = c
			o.box.Add(c.root)
		}
		c.apply(s, sale)
	}
}

// Card returns the card of a sale (tests read its figures).
func (o *Overview) Card(sale string) *saleCard { return o.cards[sale] }

type saleCard struct {
	root      *widget.Card
	countdown *widgets.Countdown
	sold      *widget.Label
	through   *widgets.SellThroughBar
	rate      *widget.Label
	eta       *widget.Label
	rows      *fyne.Container
	chRows    map[string]*channelRow
}

type channelRow struct {
	name, sold, rate, eta, age *widget.Label
	state                      *widgets.HealthBadge
	through                    *widgets.SellThroughBar
	spark                      *widgets.Sparkline
	// stock is what the channel itself still offers against what remains
	// of the allocation; oversell and notSelling count the SKUs in those
	// states, shown only when there are some.
	stock, oversell, notSelling *widget.Label
}

// The sale's headline figures and a channel's row, in columns whose widths
// keep these proportions at any window width: the widest texts (counts,
// the ETA, the first load) get the widest columns.
var (
	headCols    = &weightedCols{weights: []float32{1, 1.7, 1, 1.5}}
	channelCols = &weightedCols{weights: []float32{1.0, 0.6, 1.4, 1.0, 0.9, 1.2, 1.5, 1.8}}
	healthCols  = &weightedCols{weights: []float32{1.6, 0.8, 1, 0.8, 1, 0.9, 1.8}}
)

// cell is a label for a figure: it ends in an ellipsis rather than widen
// the window when a text is longer than its column.
func cell() *widget.Label {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func newSaleCard() *saleCard {
	c := &saleCard{
		countdown: widgets.NewCountdown(), sold: cell(), through: widgets.NewSellThroughBar(),
		rate: cell(), eta: cell(), chRows: map[string]*channelRow{},
	}
	for _, l := range []*widget.Label{c.sold, c.rate, c.eta} {
		l.TextStyle.Bold = true
		l.SizeName = theme.SizeNameHeadingText
	}
	head := container.New(headCols,
		labelled(lang.L("Ends in"), c.countdown), labelled(lang.L("Sold"), c.sold),
		labelled(lang.L("Units / min"), c.rate), labelled(lang.L("Sell-out ETA"), c.eta))
	hdr := container.New(channelCols, bold(lang.L("Channel")), bold(lang.L("Health")), bold(lang.L("Sold / allocated")),
		bold(lang.L("Sell-through")), bold(lang.L("Rate")), bold(lang.L("Units/min, 30 min")), bold(lang.L("Sell-out ETA")), bold(lang.L("Data age")))
	c.rows = container.NewVBox(hdr)
	c.root = widget.NewCard("", "", container.NewVBox(head, c.through, widget.NewSeparator(), c.rows))
	return c
}

func labelled(title string, v fyne.CanvasObject) fyne.CanvasObject {
	t := widget.NewLabel(title)
	t.Importance = widget.LowImportance
	return container.NewVBox(t, v)
}

func bold(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle.Bold = true
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (c *saleCard) apply(s *engine.Snapshot, sale engine.SaleSnap) {
	loc := saleLocation(sale)
	setCardTitles(c.root, sale.Name, c.root.Subtitle)
	if sale.State == engine.SaleUnpublishable {
		// The collector could not publish this sale's figures: say so
		// rather than show zeros as if nothing sold.
		setCardTitles(c.root, sale.Name, sale.Error)
		c.countdown.SetFinal(lang.L("NO FIGURES"))
		c.sold.SetText(lang.L("figures missing: the collector's /healthz says why"))
		c.through.SetStale(true)
		return
	}
	setCardTitles(c.root, sale.Name, format.Clock(sale.Start, loc)+" – "+format.Clock(sale.End, loc)+" · "+strings.ToUpper(lang.L(strings.ReplaceAll(sale.State, "_", " "))))
	switch sale.State {
	case engine.SaleSoldOut:
		c.countdown.SetFinal(lang.L("SOLD OUT"))
	case engine.SaleEnded:
		c.countdown.SetFinal(lang.L("ENDED"))
	case engine.SaleScheduled:
		c.countdown.SetFinal(fmt.Sprintf(lang.L("opens in %s"), widgets.FormatCountdown(sale.Start.Sub(s.At))))
	default:
		c.countdown.SetRemaining(sale.End.Sub(s.At))
	}
	setText(c.sold, format.Count(sale.Sold, sale.Currency)+" / "+format.Count(sale.Allocated, sale.Currency)+" ("+format.Percent(sale.SellThrough, sale.Currency)+")")
	c.through.Set(sale.SellThrough, format.Percent(sale.SellThrough, sale.Currency))
	c.through.SetStale(sale.Stale)
	setText(c.rate, format.Rate(sale.Rate1m, sale.Currency))
	setText(c.eta, eta(sale.Figures, s.At, loc))
	for _, sc := range sale.Channels {
		r, ok := c.chRows[sc.Channel]
		if !ok {
			r = &channelRow{name: cell(), sold: cell(), rate: cell(), eta: cell(), age: cell(),
				state: widgets.NewHealthBadge(), through: widgets.NewSellThroughBar(), spark: widgets.NewSparkline()}
			r.stock, r.oversell, r.notSelling = cell(), widget.NewLabel(""), widget.NewLabel("")
			r.oversell.Importance, r.notSelling.Importance = widget.DangerImportance, widget.WarningImportance
			r.oversell.TextStyle.Bold, r.notSelling.TextStyle.Bold = true, true
			c.chRows[sc.Channel] = r
			// The channel's stock goes on a line of its own under the
			// figures it is compared with (from "Sold / allocated" on):
			// a ninth column would not fit a 1366-pixel screen.
			stock := container.New(&indentCols{cols: channelCols, skip: 2},
				container.NewBorder(nil, nil, nil, container.NewHBox(r.oversell, r.notSelling), r.stock))
			c.rows.Add(container.New(&tightRows{}, container.New(channelCols, r.name, r.state, r.sold, r.through, r.rate, r.spark, r.eta, r.age), stock))
		}
		ch, _ := s.Channel(sc.Channel)
		setText(r.name, ch.Name)
		r.state.SetState(ch.State, lang.L(strings.ToUpper(ch.State)))
		setText(r.sold, format.Count(sc.Sold, sale.Currency)+" / "+format.Count(sc.Allocated, sale.Currency))
		r.through.Set(sc.SellThrough, format.Percent(sc.SellThrough, sale.Currency))
		r.through.SetStale(sc.Stale)
		setText(r.rate, format.Rate(sc.Rate1m, sale.Currency))
		setText(r.eta, eta(sc.Figures, s.At, loc))
		age := format.Age(sc.AsOf, s.Wall)
		if ch.Backfill.Active {
			// The first load of a channel: figures fill in as pages arrive.
			age = lang.L("loading") + " " + format.Count(ch.Backfill.Read, sale.Currency)
			if ch.Backfill.Total > 0 {
				age += " / " + format.Count(ch.Backfill.Total, sale.Currency)
			}
			age += " " + lang.L("orders")
		}
		r.spark.SetData(ch.Spark)
		r.spark.SetStale(sc.Stale)
		// Stale figures are greyed: last known values, never zeros; their
		// age is red once the snapshot says they are old.
		imp := widget.MediumImportance
		if sc.Stale {
			imp = widget.LowImportance
		}
		for _, l := range []*widget.Label{r.sold, r.rate, r.eta} {
			setImportance(l, imp)
		}
		if sc.Old {
			imp = widget.DangerImportance
		}
		setText(r.age, age)
		setImportance(r.age, imp)
		setChannelStock(r, sale, sc, ch, s.Wall)
	}
}

// setText changes a label's text only when it changed: most figures stay
// the same from one snapshot to the next.
func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// setCardTitles sets a card's title and subtitle only when they changed:
// setting either refreshes the whole card, every label inside it measured
// again (at launch scale most of the Overview's cost every second).
func setCardTitles(c *widget.Card, title, subtitle string) {
	if c.Title != title {
		c.SetTitle(title)
	}
	if c.Subtitle != subtitle {
		c.SetSubTitle(subtitle)
	}
}

// setImportance colours a label, redrawing it only when the colour changed.
func setImportance(l *widget.Label, imp widget.Importance) {
	if l.Importance != imp {
		l.Importance = imp
		l.Refresh()
	}
}

// setChannelStock shows what a channel still offers of a sale against
// what remains of its allocation, and the SKUs whose stock needs a look.
func setChannelStock(r *channelRow, sale engine.SaleSnap, sc engine.SaleChannelSnap, ch engine.ChannelSnap, wall time.Time) {
	text, age, imp := channelStockText(sale, sc, ch, wall)
	if age != "" {
		text += " · " + age
	}
	if r.stock.Text != text || r.stock.Importance != imp {
		r.stock.Text, r.stock.Importance = text, imp
		r.stock.Refresh()
	}
	setCount(r.oversell, sc.StockIssues.OversellRisk, sale.Currency, lang.L("SKU at oversell risk"), lang.L("SKUs at oversell risk"))
	setCount(r.notSelling, sc.StockIssues.NotSelling, sale.Currency, lang.L("SKU not selling"), lang.L("SKUs not selling"))
}

// channelStockText is "offers 1.210 · 1.250 remain", or why there is no
// number; age is "read 2 min ago" when the oldest reading behind it is
// older than the figures by more than a poll or two.
func channelStockText(sale engine.SaleSnap, sc engine.SaleChannelSnap, ch engine.ChannelSnap, wall time.Time) (text, age string, imp widget.Importance) {
	remain := fmt.Sprintf(lang.L("%s remain"), format.Count(sc.Remaining, sale.Currency))
	switch {
	case !ch.Capabilities.Stock && sc.Stock == nil:
		return lang.L(engine.StockWords[engine.StockNoAPI]), "", widget.LowImportance
	case sc.Stock == nil:
		return lang.L("stock not read yet") + " · " + remain, "", widget.LowImportance
	}
	text = fmt.Sprintf(lang.L("offers %s"), format.Count(*sc.Stock, sale.Currency)) + " · " + remain
	if !sc.AsOf.IsZero() && sc.AsOf.Sub(sc.StockAsOf) > stockOldAfter(ch.PollInterval) {
		age = fmt.Sprintf(lang.L("read %s ago"), ageWords(wall.Sub(sc.StockAsOf)))
	}
	if sc.Stale {
		return text, age, widget.LowImportance
	}
	return text, age, widget.MediumImportance
}

// setCount shows "3 SKUs not selling" (the count grouped the sale's way:
// "1.400 SKUs"), or hides the label at zero.
func setCount(l *widget.Label, n int, currency, one, many string) {
	if n == 0 {
		l.Hide()
		return
	}
	t := format.Count(n, currency) + " " + many
	if n == 1 {
		t = "1 " + one
	}
	setText(l, t)
	l.Show()
}

// weightedCols lays objects out side by side, in columns whose widths keep
// the proportions of weights (one per object) at any width. Its minimum
// width is the least at which every object gets its own minimum.
type weightedCols struct{ weights []float32 }

func (l *weightedCols) total() float32 {
	var t float32
	for _, w := range l.weights {
		t += w
	}
	return t
}

// widths are the columns' widths in width, padding between them.
func (l *weightedCols) widths(width float32) []float32 {
	pad := theme.Padding()
	avail := width - pad*float32(len(l.weights)-1)
	out := make([]float32, len(l.weights))
	for i, w := range l.weights {
		out[i] = avail * w / l.total()
	}
	return out
}

func (l *weightedCols) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var unit, h float32
	for i, o := range objs {
		if i >= len(l.weights) || !o.Visible() {
			continue
		}
		m := o.MinSize()
		unit = max(unit, m.Width/l.weights[i])
		h = max(h, m.Height)
	}
	return fyne.NewSize(unit*l.total()+theme.Padding()*float32(len(l.weights)-1), h)
}

func (l *weightedCols) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x, pad := float32(0), theme.Padding()
	for i, w := range l.widths(size.Width) {
		if i < len(objs) {
			objs[i].Move(fyne.NewPos(x, 0))
			objs[i].Resize(fyne.NewSize(w, size.Height))
		}
		x += w + pad
	}
}

// indentCols lays out one object from column skip of cols to the end, as
// cols lays out a row of the same width.
type indentCols struct {
	cols *weightedCols
	skip int
}

func (l *indentCols) offset(width float32) float32 {
	x := float32(0)
	for _, w := range l.cols.widths(width)[:l.skip] {
		x += w + theme.Padding()
	}
	return x
}

func (l *indentCols) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	// The object needs its width in the columns it is given.
	var skipped float32
	for _, w := range l.cols.weights[:l.skip] {
		skipped += w
	}
	s.Width = s.Width*l.cols.total()/(l.cols.total()-skipped) + theme.Padding()*float32(l.skip)
	return s
}

func (l *indentCols) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := l.offset(size.Width)
	for _, o := range objs {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(size.Width-x, size.Height))
	}
}

// tightRows stacks objects like a VBox without the padding between them:
// a channel's stock line belongs to its figures above.
type tightRows struct{}

func (tightRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			m := o.MinSize()
			s.Width = max(s.Width, m.Width)
			s.Height += m.Height
		}
	}
	return s
}

func (tightRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}

func eta(f engine.Figures, now time.Time, loc *time.Location) string {
	switch {
	case f.Allocated > 0 && f.Remaining == 0:
		return lang.L("sold out")
	case f.ETASellout == nil:
		return "—"
	}
	return fmt.Sprintf(lang.L("%s (in %s)"), format.Clock(*f.ETASellout, loc), format.Countdown(f.ETASellout.Sub(now)))
}

// Channels lists every channel's health, and the pre-sale check's result.
type Channels struct {
	box   *fyne.Container
	rows  map[string]*healthRow
	check *checkView
}

type healthRow struct {
	name, age, lastErr, latency, failures, next *widget.Label
	state                                       *widgets.HealthBadge
	// progress is the first load: orders read of how many, done when full.
	progress *widgets.SellThroughBar
	// check is the pre-sale check's line for the channel.
	check *widget.Label
}

// NewChannels makes an empty channels view.
func NewChannels() *Channels {
	hdr := container.New(healthCols, bold(lang.L("Channel")), bold(lang.L("Health")), bold(lang.L("Last success")), bold(lang.L("Latency")),
		bold(lang.L("Failures")), bold(lang.L("Next poll")), bold(lang.L("First load")))
	return &Channels{box: container.NewVBox(hdr), rows: map[string]*healthRow{}, check: newCheckView()}
}

// Content is the view's canvas object.
func (c *Channels) Content() fyne.CanvasObject {
	return container.NewBorder(c.check.bar, nil, nil, nil, container.NewVScroll(c.box))
}

// Apply shows a snapshot.
func (c *Channels) Apply(s *engine.Snapshot) {
	for _, ch := range s.Channels {
		r, ok := c.rows[ch.ID]
		if !ok {
			r = &healthRow{name: cell(), age: cell(), latency: cell(), failures: cell(), next: cell(),
				state: widgets.NewHealthBadge(), progress: widgets.NewSellThroughBar(), lastErr: widget.NewLabel("")}
			r.lastErr.Wrapping = fyne.TextWrapWord
			r.lastErr.Importance = widget.DangerImportance
			r.check = c.check.line(ch.ID)
			c.rows[ch.ID] = r
			c.box.Add(container.NewVBox(
				container.New(healthCols, r.name, r.state, r.age, r.latency, r.failures, r.next, r.progress),
				r.check, r.lastErr, widget.NewSeparator()))
		}
		cur := ""
		if len(s.Sales) > 0 {
			cur = s.Sales[0].Currency // the room reads numbers the sale's way
		}
		setText(r.name, ch.Name+" ("+ch.Kind+")")
		r.state.SetState(ch.State, lang.L(strings.ToUpper(ch.State)))
		setText(r.age, format.Age(ch.LastSuccess, s.Wall))
		// Red once the snapshot says the figures are old.
		if ch.Old {
			setImportance(r.age, widget.DangerImportance)
		} else {
			setImportance(r.age, widget.MediumImportance)
		}
		setText(r.latency, format.Duration(ch.Latency))
		if ch.ConsecutiveFailures == 1 {
			setText(r.failures, lang.L("1 in a row"))
		} else {
			setText(r.failures, fmt.Sprintf(lang.L("%s in a row"), format.Count(ch.ConsecutiveFailures, cur)))
		}
		switch {
		case ch.State == engine.StateDisabled:
			setText(r.next, lang.L("not polled"))
		case ch.NextPoll.IsZero():
			setText(r.next, lang.L("now"))
		default:
			setText(r.next, fmt.Sprintf(lang.L("in %s"), format.Duration(max(ch.NextPoll.Sub(s.Wall), time.Millisecond))))
		}
		// The first load says how many orders of how many, not just a
		// percentage: thousands of calls can lie behind it.
		switch bf := ch.Backfill; {
		case bf.Active && bf.Total > 0:
			r.progress.Set(float64(bf.Read)/float64(bf.Total), format.Count(bf.Read, cur)+" / "+format.Count(bf.Total, cur)+" "+lang.L("orders"))
		case bf.Active:
			r.progress.Set(0, fmt.Sprintf(lang.L("%s orders so far"), format.Count(bf.Read, cur)))
		default:
			r.progress.Set(1, fmt.Sprintf(lang.L("%s orders, done"), format.Count(ch.Orders, cur)))
		}
		text := ""
		if ch.State != engine.StateOK && ch.LastError != "" {
			text = ch.LastError
			if !ch.LastErrorAt.IsZero() {
				text += " (" + format.Age(ch.LastErrorAt, s.Wall) + ")"
			}
		}
		if ch.ReplacedBy != "" {
			text = fmt.Sprintf(lang.L("closed storefront, replaced by %s; history kept"), ch.ReplacedBy)
		}
		r.lastErr.SetText(text)
		if text == "" {
			r.lastErr.Hide()
		} else {
			r.lastErr.Show()
		}
	}
}
