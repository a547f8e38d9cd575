package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/alerts"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources"
)

// launchSnapshot is the launch at its scale: 1,400 SKUs on Lazada ID,
// Akulaku ID (no stock API), mi.com ID and Lazada MY (not read yet), with
// SKUs at oversell risk on Lazada ID and not selling on mi.com ID.
func launchSnapshot() *engine.Snapshot {
	s := snapshot(false)
	s.Channels[0].Capabilities.Stock = true
	s.Channels[1].Capabilities.Stock = true
	s.Channels = append(s.Channels,
		engine.ChannelSnap{ID: "akulaku-id", Name: "Akulaku ID", Kind: "akulaku", State: engine.StateOK, LastSuccess: s.Wall, PollInterval: 15 * time.Second},
		engine.ChannelSnap{ID: "lazada-my", Name: "Lazada MY", Kind: "lazada", State: engine.StateOK, LastSuccess: s.Wall, PollInterval: 15 * time.Second,
			Capabilities: datasources.Capabilities{Stock: true}})
	withSKUs(s, 1400)
	sale := &s.Sales[0]
	lz, mi := &sale.Channels[0], &sale.Channels[1]
	lz.Figures = engine.Figures{Allocated: 144000, Sold: 142750, Remaining: 1250, SellThrough: 0.99, Rate1m: 1200, AsOf: s.Channels[0].LastSuccess}
	lz.Stock, lz.StockAsOf = ptr(1210), lz.AsOf
	lz.StockIssues = engine.StockIssues{OversellRisk: 3, Short: 2}
	mi.Stock, mi.StockAsOf = ptr(13200), mi.AsOf.Add(-2*time.Minute)
	mi.StockIssues = engine.StockIssues{NotSelling: 1}
	ak := engine.SaleChannelSnap{Channel: "akulaku-id", Figures: engine.Figures{Allocated: 28000, Sold: 9000, Remaining: 19000, AsOf: s.Wall}}
	my := engine.SaleChannelSnap{Channel: "lazada-my", Figures: engine.Figures{Allocated: 56000, Sold: 6000, Remaining: 50000, AsOf: s.Wall}}
	sale.Channels = append(sale.Channels, ak, my)
	return s
}

func TestOverviewShowsWhatEachChannelOffers(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(launchSnapshot())
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1366, 768))
	c := d.overview.Card("poco")
	want := map[string]struct{ stock, oversell, notSelling string }{
		"lazada-id": {"offers 1.210 · 1.250 remain", "3 SKUs at oversell risk", ""},
		// mi.com's oldest reading is 2 min older than its figures.
		"micom-id":   {"offers 13.200 · 1.500 remain · read 2 min ago", "", "1 SKU not selling"},
		"akulaku-id": {"no stock API", "", ""},
		"lazada-my":  {"stock not read yet · 50.000 remain", "", ""},
	}
	shown := func(l *widget.Label) string {
		if !l.Visible() {
			return ""
		}
		return l.Text
	}
	for id, want := range want {
		r := c.chRows[id]
		if got := (struct{ stock, oversell, notSelling string }{shown(r.stock), shown(r.oversell), shown(r.notSelling)}); got != want {
			t.Errorf("%s: %+v, want %+v", id, got, want)
		}
	}
	r := c.chRows["lazada-id"]
	if r.oversell.Importance != widget.DangerImportance || c.chRows["micom-id"].notSelling.Importance != widget.WarningImportance {
		t.Error("the counts are not highlighted")
	}
	if c.chRows["akulaku-id"].stock.Importance != widget.LowImportance {
		t.Error("no stock API is not greyed")
	}

	// The launch fits a 1366×768 screen, with the alert strip full: no
	// wider than it, and the last channel's stock line above its bottom
	// edge (30 px kept for the menu bar the test window lacks).
	d.Apply(launchSnapshot())
	for range alertShown {
		d.alerts.Add(d.last.Wall, alerts.Alert{Kind: alerts.OversellRisk, At: d.last.Wall, Title: "Lazada ID offers more POCO phone 7 than remain", Body: "…"})
	}
	w.Resize(fyne.NewSize(1366, 768))
	if min := d.Content().MinSize(); min.Width > 1366 {
		t.Errorf("the window needs %v wide", min)
	}
	last := c.chRows["lazada-my"].stock
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(last)
	if bottom := pos.Y + last.Size().Height; bottom > 768-30 {
		t.Errorf("the last channel's stock line ends at %v px: below a 768-px screen", bottom)
	}
}

func TestWallShowsWhatEachChannelOffers(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(launchSnapshot())
	test.NewTempWindow(t, d.Content())
	d.ToggleWall()
	w := d.wall
	type line struct{ badge, stock, oversell, notSelling string }
	shown := func(l *widget.Label) string {
		if !l.Visible() {
			return ""
		}
		return l.Text
	}
	want := []line{
		{"Lazada ID · 99% · OK", "offers 1.210 · 1.250 remain", "3 SKUs at oversell risk", ""},
		{"mi.com ID · 50% · OK", "offers 13.200 · 1.500 remain\nread 2 min ago", "", "1 SKU not selling"},
		{"Akulaku ID · 0% · OK", "no stock API", "", ""},
		{"Lazada MY · 0% · OK", "stock not read yet · 50.000 remain", "", ""},
	}
	for i, want := range want {
		c := w.chans[i]
		if got := (line{c.badge.Text(), shown(c.stock), shown(c.oversell), shown(c.notSelling)}); !c.box.Visible() || got != want {
			t.Errorf("channel %d: %+v (shown %v), want %+v", i, got, c.box.Visible(), want)
		}
	}
	if w.chans[0].oversell.Importance != widget.DangerImportance || w.chans[1].notSelling.Importance != widget.WarningImportance {
		t.Error("the counts are not highlighted")
	}
	if w.chans[4].box.Visible() {
		t.Error("a fifth channel shown for a sale on four")
	}
	// Four channels side by side fit a 1366×768 wall, strip included.
	d.alerts.Add(d.last.Wall, alerts.Alert{Kind: alerts.OversellRisk, At: d.last.Wall, Title: "Lazada ID offers more POCO phone 7 than remain"})
	wall := container.NewBorder(container.NewVBox(d.banner.Content(), d.alerts.Content()), nil, nil, nil, container.NewPadded(w.Content()))
	if min := wall.MinSize(); min.Width > 1366 || min.Height > 768-30 {
		t.Errorf("the wall needs %v", min)
	}

	// The issues are gone: so are their lines.
	s := launchSnapshot()
	s.Sales[0].Channels[0].StockIssues = engine.StockIssues{}
	d.Apply(s)
	if w.chans[0].oversell.Visible() {
		t.Errorf("oversell line still shown: %q", w.chans[0].oversell.Text)
	}
}
