package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
		p := c.Name + " is DOWN"
		if !since.IsZero() {
			p += " since " + format.ClockSec(since, time.Local) + " (" + format.Age(since, s.Wall) + ")"
		}
		p += "; last data " + format.Age(c.LastSuccess, s.Wall)
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
	countdown *widget.Label
	sold      *widget.Label
	through   *widgets.SellThroughBar
	rate      *widget.Label
	eta       *widget.Label
	rows      *fyne.Container
	chRows    map[string]*channelRow
}

type channelRow struct {
	name, state, sold, through, rate, eta, age *widget.Label
	spark                                      *widgets.Sparkline
	// stock is what the channel itself still offers against what remains
	// of the allocation; oversell and notSelling count the SKUs in those
	// states, shown only when there are some.
	stock, oversell, notSelling *widget.Label
}

func newSaleCard() *saleCard {
	c := &saleCard{
		countdown: widget.NewLabel(""), sold: widget.NewLabel(""), through: widgets.NewSellThroughBar(),
		rate: widget.NewLabel(""), eta: widget.NewLabel(""), chRows: map[string]*channelRow{},
	}
	for _, l := range []*widget.Label{c.countdown, c.sold, c.rate, c.eta} {
		l.TextStyle.Bold = true
		l.SizeName = theme.SizeNameHeadingText
	}
	head := container.NewGridWithColumns(4,
		labelled("Ends in", c.countdown), labelled("Sold", c.sold),
		labelled("Units / min", c.rate), labelled("Sell-out ETA", c.eta))
	hdr := container.NewGridWithColumns(8, bold("Channel"), bold("Health"), bold("Sold / allocated"),
		bold("Sell-through"), bold("Rate"), bold("Units/min, 30 min"), bold("Sell-out ETA"), bold("Data age"))
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
	return l
}

func (c *saleCard) apply(s *engine.Snapshot, sale engine.SaleSnap) {
	loc := saleLocation(sale)
	c.root.SetTitle(sale.Name)
	if sale.State == engine.SaleUnpublishable {
		// The collector could not publish this sale's figures: say so
		// rather than show zeros as if nothing sold.
		c.root.SetSubTitle(sale.Error)
		c.countdown.SetText("NO FIGURES")
		c.sold.SetText("figures missing: the collector's /healthz says why")
		c.through.SetStale(true)
		return
	}
	c.root.SetSubTitle(format.Clock(sale.Start, loc) + " – " + format.Clock(sale.End, loc) + " · " + strings.ToUpper(strings.ReplaceAll(sale.State, "_", " ")))
	switch sale.State {
	case engine.SaleSoldOut:
		c.countdown.SetText("SOLD OUT")
	case engine.SaleEnded:
		c.countdown.SetText("ENDED")
	case engine.SaleScheduled:
		c.countdown.SetText("opens in " + format.Countdown(sale.Start.Sub(s.At)))
	default:
		c.countdown.SetText(format.Countdown(sale.End.Sub(s.At)))
	}
	c.sold.SetText(format.Count(sale.Sold, sale.Currency) + " / " + format.Count(sale.Allocated, sale.Currency) + " (" + format.Percent(sale.SellThrough) + ")")
	c.through.Set(sale.SellThrough, format.Percent(sale.SellThrough))
	c.through.SetStale(sale.Stale)
	c.rate.SetText(format.Rate(sale.Rate1m, sale.Currency))
	c.eta.SetText(eta(sale.Figures, s.At, loc))
	for _, sc := range sale.Channels {
		r, ok := c.chRows[sc.Channel]
		if !ok {
			r = &channelRow{}
			for _, l := range []**widget.Label{&r.name, &r.state, &r.sold, &r.through, &r.rate, &r.eta, &r.age} {
				*l = widget.NewLabel("")
			}
			r.spark = widgets.NewSparkline()
			r.stock, r.oversell, r.notSelling = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
			r.oversell.Importance, r.notSelling.Importance = widget.DangerImportance, widget.WarningImportance
			r.oversell.TextStyle.Bold, r.notSelling.TextStyle.Bold = true, true
			c.chRows[sc.Channel] = r
			// The channel's stock goes on a line of its own under the
			// figures it is compared with (from "Sold / allocated" on):
			// an eighth column would not fit a 1366-pixel screen.
			stock := container.New(&indentCols{cols: 8, skip: 2}, container.NewHBox(r.stock, r.oversell, r.notSelling))
			c.rows.Add(container.New(&tightRows{}, container.NewGridWithColumns(8, r.name, r.state, r.sold, r.through, r.rate, r.spark, r.eta, r.age), stock))
		}
		ch, _ := s.Channel(sc.Channel)
		r.name.SetText(ch.Name)
		r.state.SetText(strings.ToUpper(ch.State))
		r.state.Importance = stateImportance(ch.State)
		r.state.Refresh()
		r.sold.SetText(format.Count(sc.Sold, sale.Currency) + " / " + format.Count(sc.Allocated, sale.Currency))
		r.through.SetText(format.Percent(sc.SellThrough))
		r.rate.SetText(format.Rate(sc.Rate1m, sale.Currency))
		r.eta.SetText(eta(sc.Figures, s.At, loc))
		r.age.SetText(format.Age(sc.AsOf, s.Wall))
		if ch.Backfill.Active {
			// The first load of a channel: figures fill in as pages arrive.
			txt := "loading " + format.Count(ch.Backfill.Read, sale.Currency)
			if ch.Backfill.Total > 0 {
				txt += " / " + format.Count(ch.Backfill.Total, sale.Currency)
			}
			r.age.SetText(txt + " orders")
		}
		r.spark.SetData(ch.Spark)
		r.spark.SetStale(sc.Stale)
		setChannelStock(r, sale, sc, ch, s.Wall)
		// Stale figures are greyed: last known values, never zeros.
		imp := widget.MediumImportance
		if sc.Stale {
			imp = widget.LowImportance
		}
		for _, l := range []*widget.Label{r.sold, r.through, r.rate, r.eta, r.age} {
			if l.Importance != imp {
				l.Importance = imp
				l.Refresh()
			}
		}
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
	setCount(r.oversell, sc.StockIssues.OversellRisk, "SKU at oversell risk", "SKUs at oversell risk")
	setCount(r.notSelling, sc.StockIssues.NotSelling, "SKU not selling", "SKUs not selling")
}

// channelStockText is "offers 1.210 · 1.250 remain", or why there is no
// number; age is "read 2 min ago" when the oldest reading behind it is
// older than the figures by more than a poll or two.
func channelStockText(sale engine.SaleSnap, sc engine.SaleChannelSnap, ch engine.ChannelSnap, wall time.Time) (text, age string, imp widget.Importance) {
	remain := format.Count(sc.Remaining, sale.Currency) + " remain"
	switch {
	case !ch.Capabilities.Stock && sc.Stock == nil:
		return engine.StockWords[engine.StockNoAPI], "", widget.LowImportance
	case sc.Stock == nil:
		return "stock not read yet · " + remain, "", widget.LowImportance
	}
	text = "offers " + format.Count(*sc.Stock, sale.Currency) + " · " + remain
	if !sc.AsOf.IsZero() && sc.AsOf.Sub(sc.StockAsOf) > stockOldAfter(ch.PollInterval) {
		age = "read " + ageWords(wall.Sub(sc.StockAsOf)) + " ago"
	}
	if sc.Stale {
		return text, age, widget.LowImportance
	}
	return text, age, widget.MediumImportance
}

// setCount shows "3 SKUs not selling", or hides the label at zero.
func setCount(l *widget.Label, n int, one, many string) {
	if n == 0 {
		l.Hide()
		return
	}
	if t := plural(n, one, many); l.Text != t {
		l.SetText(t)
	}
	l.Show()
}

// indentCols lays out one object from column skip of cols equal columns
// (as a GridWithColumns of the same width lays them out) to the end.
type indentCols struct{ cols, skip int }

func (l *indentCols) offset(width float32) float32 {
	pad := theme.Padding()
	cell := (width - pad*float32(l.cols-1)) / float32(l.cols)
	return float32(l.skip) * (cell + pad)
}

func (l *indentCols) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	// The object needs its width in the columns it is given.
	s.Width = s.Width * float32(l.cols) / float32(l.cols-l.skip)
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
		return "sold out"
	case f.ETASellout == nil:
		return "—"
	}
	return format.Clock(*f.ETASellout, loc) + " (in " + format.Countdown(f.ETASellout.Sub(now)) + ")"
}

func stateImportance(state string) widget.Importance {
	switch state {
	case engine.StateOK:
		return widget.SuccessImportance
	case engine.StateDegraded:
		return widget.WarningImportance
	case engine.StateDown:
		return widget.DangerImportance
	}
	return widget.LowImportance
}

// Channels lists every channel's health, and the pre-sale check's result.
type Channels struct {
	box   *fyne.Container
	rows  map[string]*healthRow
	check *checkView
}

type healthRow struct {
	name, state, age, lastErr, latency, failures, next *widget.Label
	progress                                           *widget.ProgressBar
	progressText                                       string
	// check is the pre-sale check's line for the channel.
	check *widget.Label
}

// NewChannels makes an empty channels view.
func NewChannels() *Channels {
	hdr := container.NewGridWithColumns(7, bold("Channel"), bold("Health"), bold("Last success"), bold("Latency"),
		bold("Failures"), bold("Next poll"), bold("First load"))
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
			r = &healthRow{progress: widget.NewProgressBar()}
			row := r
			r.progress.TextFormatter = func() string { return row.progressText }
			for _, l := range []**widget.Label{&r.name, &r.state, &r.age, &r.lastErr, &r.latency, &r.failures, &r.next} {
				*l = widget.NewLabel("")
			}
			r.lastErr.Wrapping = fyne.TextWrapWord
			r.lastErr.Importance = widget.DangerImportance
			r.check = c.check.line(ch.ID)
			c.rows[ch.ID] = r
			c.box.Add(container.NewVBox(
				container.NewGridWithColumns(7, r.name, r.state, r.age, r.latency, r.failures, r.next, r.progress),
				r.check, r.lastErr, widget.NewSeparator()))
		}
		r.name.SetText(ch.Name + " (" + ch.Kind + ")")
		r.state.SetText(strings.ToUpper(ch.State))
		r.state.Importance = stateImportance(ch.State)
		r.state.Refresh()
		r.age.SetText(format.Age(ch.LastSuccess, s.Wall))
		// Red past three poll intervals: the figures are old.
		old := !ch.LastSuccess.IsZero() && s.Wall.Sub(ch.LastSuccess) > 3*ch.PollInterval
		if old {
			r.age.Importance = widget.DangerImportance
		} else {
			r.age.Importance = widget.MediumImportance
		}
		r.age.Refresh()
		r.latency.SetText(format.Duration(ch.Latency))
		r.failures.SetText(plural(ch.ConsecutiveFailures, "in a row", "in a row"))
		if ch.State == engine.StateDisabled {
			r.next.SetText("not polled")
		} else if ch.NextPoll.IsZero() {
			r.next.SetText("now")
		} else {
			r.next.SetText("in " + format.Duration(max(ch.NextPoll.Sub(s.Wall), time.Millisecond)))
		}
		// The first load says how many orders of how many, not just a
		// percentage: thousands of calls can lie behind it.
		bf := ch.Backfill
		cur := ""
		if len(s.Sales) > 0 {
			cur = s.Sales[0].Currency // the room reads numbers the sale's way
		}
		r.progressText = fmt.Sprintf("%s orders, done", format.Count(ch.Orders, cur))
		switch {
		case bf.Active && bf.Total > 0:
			r.progressText = format.Count(bf.Read, cur) + " / " + format.Count(bf.Total, cur) + " orders"
			r.progress.SetValue(float64(bf.Read) / float64(bf.Total))
		case bf.Active:
			r.progressText = format.Count(bf.Read, cur) + " orders so far"
			r.progress.SetValue(0)
		default:
			r.progress.SetValue(1)
		}
		text := ""
		if ch.State != engine.StateOK && ch.LastError != "" {
			text = ch.LastError
			if !ch.LastErrorAt.IsZero() {
				text += " (" + format.Age(ch.LastErrorAt, s.Wall) + ")"
			}
		}
		if ch.ReplacedBy != "" {
			text = "closed storefront, replaced by " + ch.ReplacedBy + "; history kept"
		}
		r.lastErr.SetText(text)
		if text == "" {
			r.lastErr.Hide()
		} else {
			r.lastErr.Show()
		}
	}
}
