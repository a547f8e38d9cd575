package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/engine"
)

var wib = time.FixedZone("WIB", 7*3600)

// snapshot is a sale on two channels; lazada-id is down when down is true.
func snapshot(down bool) *engine.Snapshot {
	start := time.Date(2026, 11, 23, 14, 0, 0, 0, wib)
	now := start.Add(30 * time.Minute)
	wall := time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)
	lz := engine.ChannelSnap{ID: "lazada-id", Name: "Lazada ID", Kind: "lazada", State: engine.StateOK, LastSuccess: wall.Add(-2 * time.Second), PollInterval: 15 * time.Second}
	mi := engine.ChannelSnap{ID: "micom-id", Name: "mi.com ID", Kind: "brandstore", State: engine.StateOK, LastSuccess: wall.Add(-time.Second), PollInterval: 15 * time.Second}
	lzFig := engine.Figures{Allocated: 500, Sold: 1234 - 1000, Remaining: 266, SellThrough: 0.468, Rate1m: 12, AsOf: lz.LastSuccess}
	if down {
		lz.State, lz.ConsecutiveFailures = engine.StateDown, 4
		lz.LastSuccess = wall.Add(-75 * time.Second)
		lz.DownSince = wall.Add(-40 * time.Second)
		lz.LastError = "lazada-id: /orders/get: unavailable (HTTP 503)"
		lzFig.AsOf, lzFig.Stale = lz.LastSuccess, true
		// More than three polls old: the engine says so in the snapshot.
		lz.Old, lzFig.Old = true, true
	}
	miFig := engine.Figures{Allocated: 3000, Sold: 1500, Remaining: 1500, SellThrough: 0.5, Rate1m: 100, AsOf: mi.LastSuccess}
	eta := now.Add(15 * time.Minute)
	total := engine.Figures{Allocated: 3500, Sold: 1734, Remaining: 1766, SellThrough: 1734.0 / 3500, Rate1m: 112, ETASellout: &eta, Stale: down}
	return &engine.Snapshot{
		At: now, Wall: wall,
		Sales: []engine.SaleSnap{{
			ID: "poco", Name: "POCO M3 flash sale", Start: start, End: start.Add(2 * time.Hour), TimeZone: "WIB", Currency: "IDR",
			State: engine.SaleLive, Figures: total,
			Channels: []engine.SaleChannelSnap{{Channel: "lazada-id", Figures: lzFig}, {Channel: "micom-id", Figures: miFig}},
		}},
		Channels: []engine.ChannelSnap{lz, mi},
	}
}

func TestOverviewShowsTheSnapshot(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	w := test.NewTempWindow(t, d.Content())
	_ = w
	c := d.overview.Card("poco")
	if c == nil {
		t.Fatal("no card for the sale")
	}
	checks := map[string]string{
		c.countdown.Text(): "1:30:00",
		c.sold.Text:        "1.734 / 3.500 (49%)",
		c.rate.Text:        "112/min",
		c.eta.Text:         "14:45 WIB (in 15:00)",
	}
	for got, want := range checks {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if c.root.Title != "POCO M3 flash sale" || !strings.Contains(c.root.Subtitle, "14:00 WIB – 16:00 WIB") {
		t.Errorf("card title %q / %q", c.root.Title, c.root.Subtitle)
	}
	r := c.chRows["micom-id"]
	if r.sold.Text != "1.500 / 3.000" || r.through.Label() != "50%" || r.state.Text() != "OK" || r.age.Text != "1 s ago" {
		t.Errorf("micom row: %q %q %q %q", r.sold.Text, r.through.Label(), r.state.Text(), r.age.Text)
	}
	if d.banner.Text() != "" {
		t.Errorf("banner shown with every channel ok: %q", d.banner.Text())
	}
}

func TestDownChannelIsGreyedWithItsAge(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	test.NewTempWindow(t, d.Content())
	d.Apply(snapshot(true))
	r := d.overview.Card("poco").chRows["lazada-id"]
	// Last known values, greyed, with their age — never zeros.
	if r.sold.Text != "234 / 500" || r.sold.Importance != widget.LowImportance {
		t.Errorf("stale sold %q importance %v", r.sold.Text, r.sold.Importance)
	}
	if r.age.Text != "1 min ago" || r.state.Text() != "DOWN" || r.state.State() != engine.StateDown || r.age.Importance != widget.DangerImportance {
		t.Errorf("stale row: age %q (importance %v) state %q", r.age.Text, r.age.Importance, r.state.Text())
	}
	if ok := d.overview.Card("poco").chRows["micom-id"]; ok.sold.Importance == widget.LowImportance {
		t.Error("a healthy channel greyed")
	}
	b := d.banner.Text()
	if !strings.Contains(b, "Lazada ID is DOWN since") || !strings.Contains(b, "(40 s ago)") || !strings.Contains(b, "last data 1 min ago") {
		t.Errorf("banner %q", b)
	}
	d.SelectTab("channels") // hidden tabs catch up when opened
	h := d.channels.rows["lazada-id"]
	if h.lastErr.Text == "" || !strings.Contains(h.lastErr.Text, "HTTP 503") || h.age.Importance != widget.DangerImportance {
		t.Errorf("channels view: error %q, age importance %v", h.lastErr.Text, h.age.Importance)
	}
	// Recovery clears the banner and the red ages.
	d.Apply(snapshot(false))
	d.SelectTab("overview")
	if h.age.Importance != widget.MediumImportance || r.age.Importance != widget.MediumImportance {
		t.Errorf("ages still red after recovery: %v / %v", h.age.Importance, r.age.Importance)
	}
	if d.banner.Text() != "" {
		t.Errorf("banner after recovery: %q", d.banner.Text())
	}
}

func TestAlertsNotifyAndShowInTheStrip(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	test.NewTempWindow(t, d.Content())
	var sent []string
	d.notify = func(title, body string) { sent = append(sent, title+": "+body) }
	d.Apply(snapshot(false))
	if len(sent) != 0 || len(d.alerts.Lines()) != 0 {
		t.Fatalf("alerts with nothing happening: %v %v", sent, d.alerts.Lines())
	}
	d.Apply(snapshot(true))
	if len(sent) != 1 || !strings.HasPrefix(sent[0], "Lazada ID is DOWN: last data 1 min ago") {
		t.Fatalf("notifications %q", sent)
	}
	d.Apply(snapshot(false))
	lines := d.alerts.Lines()
	if len(sent) != 2 || len(lines) != 2 || !strings.Contains(lines[0], "Lazada ID is back") || !strings.Contains(lines[1], "Lazada ID is DOWN") {
		t.Fatalf("after recovery: sent %q, strip %q", sent, lines)
	}
}

func TestWallShowsTheSaleInBigNumbers(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	test.NewTempWindow(t, d.Content())
	d.ToggleWall()
	w := d.wall
	if w.Sale != "poco" || w.countdown.Text() != "1:30:00" {
		t.Fatalf("wall shows sale %q countdown %q", w.Sale, w.countdown.Text())
	}
	if v, _ := w.sold.Value(); v != "1.734 / 3.500" || w.sold.Stale() {
		t.Fatalf("sold tile %q stale %v", v, w.sold.Stale())
	}
	if v, sub := w.eta.Value(); v != "14:45 WIB" || sub != "in 15:00" {
		t.Fatalf("eta tile %q %q", v, sub)
	}
	d.Apply(snapshot(true))
	if _, sub := w.sold.Value(); !w.sold.Stale() || !strings.HasPrefix(sub, "stale: data") {
		t.Fatalf("a down channel does not grey the wall: stale %v sub %q", w.sold.Stale(), sub)
	}
	if w.badges[0].State() != engine.StateDown || !strings.Contains(w.badges[0].Text(), "DOWN") {
		t.Fatalf("badge %q %q", w.badges[0].State(), w.badges[0].Text())
	}
	d.ToggleWall()
	if d.wallOn {
		t.Fatal("wall still on")
	}
}

func TestFirstLoadShowsCounts(t *testing.T) {
	test.NewTempApp(t)
	s := snapshot(false)
	s.Channels[0].Backfill = engine.Backfill{Active: true, Read: 1200, Total: 4800}
	d := NewDashboard(s)
	test.NewTempWindow(t, d.Content())
	r := d.channels.rows["lazada-id"]
	if got := r.progress.Label(); got != "1.200 / 4.800 orders" || r.progress.Fraction() != 0.25 {
		t.Fatalf("progress %q %v", got, r.progress.Fraction())
	}
	if got := d.overview.Card("poco").chRows["lazada-id"].age.Text; got != "loading 1.200 / 4.800 orders" {
		t.Fatalf("overview row says %q", got)
	}
}

// A tab that is not showing skips the snapshots (at launch scale the SKUs
// tab alone is 5,600 rows rebuilt and sorted every second) and catches up
// when it is opened, from the wall too.
func TestHiddenTabsCatchUpWhenOpened(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(withSKUs(snapshot(false), 3))
	test.NewTempWindow(t, d.Content())
	before := len(d.skus.Rows())
	d.Apply(twoSaleSnapshot())
	if got := len(d.skus.Rows()); got != before {
		t.Fatalf("the hidden SKUs tab rebuilt its rows (%d, was %d)", got, before)
	}
	d.SelectTab("skus")
	after := len(d.skus.Rows())
	if after <= before {
		t.Fatalf("the SKUs tab opened with %d rows, the snapshot has more than %d", after, before)
	}
	d.ToggleWall()
	d.Apply(withSKUs(snapshot(false), 3))
	if got := len(d.skus.Rows()); got != after {
		t.Errorf("the SKUs tab behind the wall rebuilt its rows (%d)", got)
	}
	d.ToggleWall()
	if got := len(d.skus.Rows()); got != before {
		t.Errorf("back from the wall, the SKUs tab shows %d rows, want %d", got, before)
	}
}
