package ui

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources"
)

// stockCase is one SKU on one channel with its stock as the engine
// judged it.
type stockCase struct {
	sku, channel string
	remaining    int
	stock        *int
	// readAgo is how long before the figures' AsOf the stock was read.
	readAgo time.Duration
	status  string
}

func ptr(n int) *int { return &n }

// stockCases cover every status: Lazada and mi.com have a stock API,
// Akulaku has none.
var stockCases = []stockCase{
	{"OVER", "lazada-id", 50, ptr(250), 0, engine.StockOversell},
	{"NOTSELL", "lazada-id", 50, ptr(0), 0, engine.StockNotSelling},
	{"FLIGHT", "micom-id", 40, ptr(37), 0, engine.StockInFlight},
	{"MATCH", "micom-id", 80, ptr(80), 0, engine.StockMatches},
	{"SHORT", "lazada-id", 60, ptr(40), 0, engine.StockShort},
	{"STALE", "micom-id", 300, ptr(310), 5 * time.Minute, engine.StockStale},
	{"OLD", "lazada-id", 1300, ptr(1250), 2 * time.Minute, engine.StockInFlight},
	{"PAUSED", "micom-id", 50, ptr(0), 0, engine.StockPaused},
	{"UNREAD", "lazada-id", 70, nil, 0, engine.StockUnread},
	{"NOAPI", "akulaku-id", 90, nil, 0, engine.StockNoAPI},
}

// stockSnapshot is a live sale on Lazada ID, mi.com ID and Akulaku ID,
// one SKU a case.
func stockSnapshot() *engine.Snapshot {
	s := snapshot(false)
	s.Channels[0].Capabilities.Stock = true
	s.Channels[1].Capabilities.Stock = true
	ak := engine.ChannelSnap{ID: "akulaku-id", Name: "Akulaku ID", Kind: "akulaku", State: engine.StateOK,
		LastSuccess: s.Wall.Add(-time.Second), PollInterval: 15 * time.Second}
	s.Channels = append(s.Channels, ak)
	sale := &s.Sales[0]
	sale.SKUs = nil
	for _, c := range stockCases {
		ch, _ := s.Channel(c.channel)
		f := engine.Figures{Allocated: c.remaining + 10, Sold: 10, Remaining: c.remaining, SellThrough: 0.1, AsOf: ch.LastSuccess}
		cell := engine.CellSnap{Channel: c.channel, Figures: f, Stock: c.stock, StockStatus: c.status, SaleState: datasources.SaleActive}
		if c.stock != nil {
			cell.StockAsOf = f.AsOf.Add(-c.readAgo)
			cell.StockDifference = ptr(*c.stock - c.remaining)
		}
		sale.SKUs = append(sale.SKUs, engine.SKUSnap{SKU: c.sku, Name: "POCO " + c.sku, FlashPrice: 199900000, Channels: []engine.CellSnap{cell}})
	}
	return s
}

// cellOf renders one cell of the table the way the table does, and
// returns its label.
func cellOf(t *testing.T, v *SKUs, sku string, col int) *widget.Label {
	t.Helper()
	for i, ri := range v.view {
		if v.rows[ri].SKU == sku {
			o := v.table.createCell()
			v.table.updateCell(widget.TableCellID{Row: i, Col: col}, o)
			return o.(*fyne.Container).Objects[0].(*widget.Label)
		}
	}
	t.Fatalf("no row for %s", sku)
	return nil
}

func TestSKUTableShowsChannelStockAndDifference(t *testing.T) {
	test.NewTempApp(t)
	v := NewSKUs()
	w := test.NewTempWindow(t, v.Content())
	w.Resize(fyne.NewSize(1600, 900))
	v.Apply(stockSnapshot())

	want := []struct {
		sku, stock, diff string
		imp              widget.Importance
	}{
		{"OVER", "250", "+200 oversell risk", widget.DangerImportance},
		{"NOTSELL", "0", "−50 not selling", widget.WarningImportance},
		{"FLIGHT", "37", "−3 in flight", widget.MediumImportance},
		{"MATCH", "80", "0", widget.MediumImportance},
		{"SHORT", "40", "−20 channel offers fewer", widget.MediumImportance},
		// Read 5 min before the figures: too old to judge, and it says how old.
		{"STALE", "310 · 5 min old", "+10 stock read too old to judge", widget.LowImportance},
		// Thousands in the sale's style; an older reading shows its age.
		{"OLD", "1.250 · 2 min old", "−50 in flight", widget.MediumImportance},
		{"PAUSED", "0", "−50 paused by flashdeck", widget.MediumImportance},
		{"UNREAD", "—", "—", widget.LowImportance},
		{"NOAPI", "no stock API", "—", widget.LowImportance},
	}
	for _, c := range want {
		st, diff := cellOf(t, v, c.sku, colStock), cellOf(t, v, c.sku, colDifference)
		if st.Text != c.stock || diff.Text != c.diff {
			t.Errorf("%s: channel stock %q, difference %q; want %q, %q", c.sku, st.Text, diff.Text, c.stock, c.diff)
		}
		if st.Importance != c.imp || diff.Importance != c.imp {
			t.Errorf("%s: importance %v / %v, want %v", c.sku, st.Importance, diff.Importance, c.imp)
		}
	}
	if got := skuColumns[colStock].Title + "|" + skuColumns[colDifference].Title; got != "Channel stock|Difference" {
		t.Errorf("column titles %q", got)
	}
	// The other columns of an oversell row keep their colours.
	if l := cellOf(t, v, "OVER", colRemaining); l.Text != "50" || l.Importance != widget.MediumImportance {
		t.Errorf("remaining of the oversell row %q %v", l.Text, l.Importance)
	}

	// Once the sale has ended there is no judgement, only the numbers.
	s := stockSnapshot()
	s.Sales[0].State = engine.SaleEnded
	for i := range s.Sales[0].SKUs {
		s.Sales[0].SKUs[i].Channels[0].StockStatus = ""
	}
	v.Apply(s)
	if a, b := cellOf(t, v, "OVER", colDifference).Text, cellOf(t, v, "NOAPI", colStock).Text; a != "+200" || b != "no stock API" {
		t.Errorf("after the sale: difference %q, Akulaku's stock %q", a, b)
	}
}

func TestSKUTableSortsByDifferenceAndFiltersByStatus(t *testing.T) {
	test.NewTempApp(t)
	v := NewSKUs()
	test.NewTempWindow(t, v.Content())
	v.Apply(stockSnapshot())

	skus := func() []string {
		var out []string
		for _, r := range v.Rows() {
			out = append(out, r.SKU)
		}
		return out
	}
	// Numerically, not as text ("+200" after "+10", "−50" before "−3"),
	// and the rows without a reading last both ways.
	v.SortBy(colDifference)
	asc := []string{"NOTSELL", "OLD", "PAUSED", "SHORT", "FLIGHT", "MATCH", "STALE", "OVER", "NOAPI", "UNREAD"}
	if got := skus(); !slices.Equal(got, asc) {
		t.Errorf("difference ascending:\n got %v\nwant %v", got, asc)
	}
	v.SortBy(colDifference)
	desc := []string{"OVER", "STALE", "MATCH", "FLIGHT", "SHORT", "NOTSELL", "OLD", "PAUSED", "NOAPI", "UNREAD"}
	if got := skus(); !slices.Equal(got, desc) {
		t.Errorf("difference descending:\n got %v\nwant %v", got, desc)
	}
	v.SortBy(colStock)
	if got := skus(); got[0] != "NOTSELL" || got[len(got)-1] != "UNREAD" || got[len(got)-3] != "OLD" {
		t.Errorf("channel stock ascending: %v", got)
	}

	for _, c := range []struct {
		text string
		want []string
	}{
		{"oversell", []string{"OVER"}},
		{"OVERSELL lazada", []string{"OVER"}},
		{"oversell mi.com", nil},
		{"not selling", []string{"NOTSELL"}},
		{"in flight", []string{"FLIGHT", "OLD"}},
		{"no stock api", []string{"NOAPI"}},
		{"notsell", []string{"NOTSELL"}}, // the SKU still filters as before
		{"poco match", []string{"MATCH"}},
	} {
		v.SetFilter(c.text)
		got := skus()
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("filter %q: %v, want %v", c.text, got, c.want)
		}
	}
}

func TestSKUCSVCarriesChannelStock(t *testing.T) {
	test.NewTempApp(t)
	v := NewSKUs()
	test.NewTempWindow(t, v.Content())
	s := stockSnapshot()
	v.Apply(s)
	v.SortBy(colSKU)
	var buf bytes.Buffer
	if err := v.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	if got := strings.Join(head[len(head)-4:], ","); got != "channel_stock,stock_as_of,stock_difference,stock_status" {
		t.Fatalf("header ends %q", got)
	}
	rec := map[string][]string{}
	for _, r := range recs[1:] {
		if len(r) != len(head) {
			t.Fatalf("record of %d fields, header of %d", len(r), len(head))
		}
		rec[r[1]] = r[len(r)-4:]
	}
	at := s.Wall.Add(-2 * time.Second).Add(-2 * time.Minute).UTC().Format(time.RFC3339)
	for sku, want := range map[string]string{
		"OVER":   "250," + s.Wall.Add(-2*time.Second).UTC().Format(time.RFC3339) + ",200,oversell_risk",
		"OLD":    "1250," + at + ",-50,in_flight",
		"UNREAD": ",,,unread",
		"NOAPI":  ",,,no_stock_api",
	} {
		if got := strings.Join(rec[sku], ","); got != want {
			t.Errorf("%s: %q, want %q", sku, got, want)
		}
	}
}

// TestSKURowsAllocateNothingPerRow: at launch scale, with every cell
// carrying a stock reading, a new snapshot rebuilds 5,600 rows without
// allocating per row.
func TestSKURowsAllocateNothingPerRow(t *testing.T) {
	s := snapshot(false)
	s.Channels[0].Capabilities.Stock = true
	s.Channels = append(s.Channels,
		engine.ChannelSnap{ID: "akulaku-id", Name: "Akulaku ID", State: engine.StateOK, LastSuccess: s.Wall},
		engine.ChannelSnap{ID: "lazada-my", Name: "Lazada MY", State: engine.StateOK, LastSuccess: s.Wall, Capabilities: datasources.Capabilities{Stock: true}})
	withSKUs(s, 1400)
	for i := range s.Sales[0].SKUs {
		for j := range s.Sales[0].SKUs[i].Channels {
			c := &s.Sales[0].SKUs[i].Channels[j]
			c.Stock, c.StockDifference, c.StockAsOf, c.StockStatus = ptr(c.Remaining+j), ptr(j), c.AsOf, engine.StockInFlight
		}
	}
	rows := buildSKURows(nil, s)
	if len(rows) != 5600 {
		t.Fatalf("%d rows", len(rows))
	}
	// The same rows again: their search texts and tie-break are kept, not
	// worked out again (a sort of 5,600 rows).
	allocs := testing.AllocsPerRun(5, func() { rows = buildSKURows(rows, s) })
	if allocs > 0 {
		t.Errorf("%v allocations to rebuild 5,600 rows", allocs)
	}
	var view []int
	allocs = testing.AllocsPerRun(5, func() {
		view = selectSKURows(view, rows, skuQuery{Text: "in flight", SortCol: colDifference, Desc: true})
	})
	if allocs > 10 || len(view) != 5600 {
		t.Errorf("%v allocations to filter and sort %d rows by difference", allocs, len(view))
	}
}
