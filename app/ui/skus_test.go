package ui

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources"
)

// withSKUs adds n SKUs on every channel of the snapshot's sale.
func withSKUs(s *engine.Snapshot, n int) *engine.Snapshot {
	sale := &s.Sales[0]
	sale.SKUs = nil
	for i := range n {
		k := engine.SKUSnap{SKU: fmt.Sprintf("POCO-%04d", i), Name: fmt.Sprintf("POCO phone %d", i), FlashPrice: datasources.Money(199900000 + i*100)}
		for j, c := range s.Channels {
			f := engine.Figures{Allocated: 100, Sold: (i*7 + j*13) % 101, AsOf: c.LastSuccess, Rate1m: float64(i % 17)}
			f.Remaining = f.Allocated - f.Sold
			f.SellThrough = float64(f.Sold) / float64(f.Allocated)
			f.Stale = c.State != engine.StateOK
			k.Channels = append(k.Channels, engine.CellSnap{Channel: c.ID, Figures: f, SaleState: datasources.SaleActive})
		}
		sale.SKUs = append(sale.SKUs, k)
	}
	return s
}

func TestSKUTableSortsFiltersAndExports(t *testing.T) {
	test.NewTempApp(t)
	v := NewSKUs()
	w := test.NewTempWindow(t, v.Content())
	w.Resize(fyne.NewSize(1400, 700))
	v.Apply(withSKUs(snapshot(true), 30))

	rows := v.Rows()
	if len(rows) != 60 {
		t.Fatalf("%d rows, want 30 SKUs × 2 channels", len(rows))
	}
	// Default order: highest sell-through first.
	for i := 1; i < len(rows); i++ {
		if rows[i-1].Fig.SellThrough < rows[i].Fig.SellThrough {
			t.Fatalf("not sorted by sell-through, descending: %v before %v", rows[i-1].Fig.SellThrough, rows[i].Fig.SellThrough)
		}
	}
	v.SortBy(0) // SKU ascending
	rows = v.Rows()
	if rows[0].SKU != "POCO-0000" || rows[len(rows)-1].SKU != "POCO-0029" {
		t.Fatalf("sorted by SKU: first %s last %s", rows[0].SKU, rows[len(rows)-1].SKU)
	}
	v.SortBy(0) // and descending
	if r := v.Rows(); r[0].SKU != "POCO-0029" {
		t.Fatalf("second click on SKU: first %s", r[0].SKU)
	}

	v.SetFilter("poco-0012 mi.com")
	rows = v.Rows()
	if len(rows) != 1 || rows[0].Channel != "micom-id" || rows[0].SKU != "POCO-0012" {
		t.Fatalf("filter gave %+v", rows)
	}
	if v.count.Text != "1 rows" && v.count.Text != "1 row" {
		t.Fatalf("count label %q", v.count.Text)
	}
	v.SetFilter("")
	v.channel.SetSelected("Lazada ID")
	if rows = v.Rows(); len(rows) != 30 || rows[0].Channel != "lazada-id" {
		t.Fatalf("channel filter: %d rows", len(rows))
	}
	// The down channel's rows are marked stale and say so in their state.
	if !rows[0].Fig.Stale || skuColumns[colState].text(&rows[0], time.Time{}) != "DOWN" {
		t.Fatalf("down channel row: stale %v state %q", rows[0].Fig.Stale, skuColumns[colState].text(&rows[0], time.Time{}))
	}

	var buf bytes.Buffer
	if err := v.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 31 || recs[0][1] != "sku" || recs[1][3] != "lazada-id" {
		t.Fatalf("csv: %d records, header %v, first %v", len(recs), recs[0], recs[1])
	}
	if got := recs[1][11]; !strings.HasPrefix(got, "19990") || !strings.Contains(got, ".") {
		t.Fatalf("flash price in CSV %q: want a plain amount", got)
	}
	if recs[1][16] != "true" {
		t.Fatalf("stale flag in CSV %q", recs[1][16])
	}
}

// TestSKUCSVDefusesText: the SKU export's text cells go through
// actions.CSVCell (a product named "=…" is not a formula, a NUL is
// dropped), its numbers are written as numbers, a negative one included.
func TestSKUCSVDefusesText(t *testing.T) {
	rows := []skuRow{{Sale: "poco", SKU: "+62-CASE", Name: "=HYPERLINK(\"http://x\")\x00", Channel: "\tlazada-id",
		Currency: "IDR", Loc: time.UTC, FlashPrice: -100, State: "@live", ChannelState: "\rok",
		Fig: engine.Figures{Allocated: 5, Sold: 7, Remaining: -2}}}
	var buf bytes.Buffer
	if err := writeSKUCSV(&buf, rows, []int{0}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	for col, want := range map[int]string{0: "poco", 1: "'+62-CASE", 2: "'=HYPERLINK(\"http://x\")", 3: "'\tlazada-id",
		6: "-2", 11: "-1.00", 12: "IDR", 13: "'@live", 14: "'\rok"} {
		if got := recs[1][col]; got != want {
			t.Errorf("%s: %q, want %q", recs[0][col], got, want)
		}
	}
}

// TestSKUTableReusesCells: 1,400 SKUs on 4 channels, updated again and
// again, never makes more cells than fit on screen once.
func TestSKUTableReusesCells(t *testing.T) {
	test.NewTempApp(t)
	v := NewSKUs()
	w := test.NewTempWindow(t, v.Content())
	w.Resize(fyne.NewSize(1400, 800))
	s := snapshot(false)
	s.Channels = append(s.Channels,
		engine.ChannelSnap{ID: "akulaku-id", Name: "Akulaku ID", State: engine.StateOK, LastSuccess: s.Wall},
		engine.ChannelSnap{ID: "lazada-my", Name: "Lazada MY", State: engine.StateOK, LastSuccess: s.Wall})
	v.Apply(withSKUs(s, 1400))
	if n := len(v.Rows()); n != 5600 {
		t.Fatalf("%d rows", n)
	}
	made := v.table.cellsMade
	if made == 0 || made > 40*len(skuColumns) {
		t.Fatalf("%d cells made for one screen", made)
	}
	for range 5 {
		v.Apply(withSKUs(s, 1400))
	}
	// Fyne's table measures a fresh template cell on every Refresh (one
	// throwaway object, table.go templateSize); anything beyond that would
	// be visible cells rebuilt per update.
	if extra := v.table.cellsMade - made; extra > 5 {
		t.Fatalf("5 updates made %d new cells", extra)
	}
}

// TestSKUSortTiesBySKUThenChannel: rows equal in the sorted column keep a
// readable order, SKU then channel name, also once the rows change (a SKU
// added in the middle, channels in another order): the tie-break is worked
// out again with them.
func TestSKUSortTiesBySKUThenChannel(t *testing.T) {
	snap := func(skus []string, chans []string) *engine.Snapshot {
		s := &engine.Snapshot{}
		for _, c := range chans {
			s.Channels = append(s.Channels, engine.ChannelSnap{ID: strings.ToLower(c), Name: c, State: engine.StateOK})
		}
		sale := engine.SaleSnap{ID: "s", Name: "Sale", State: engine.SaleLive}
		for _, k := range skus {
			ks := engine.SKUSnap{SKU: k, Name: k}
			for _, c := range chans {
				ks.Channels = append(ks.Channels, engine.CellSnap{Channel: strings.ToLower(c), Figures: engine.Figures{Allocated: 10, Sold: 5, SellThrough: 0.5}})
			}
			sale.SKUs = append(sale.SKUs, ks)
		}
		s.Sales = []engine.SaleSnap{sale}
		return s
	}
	order := func(rows []skuRow, view []int) string {
		var b strings.Builder
		for _, i := range view {
			fmt.Fprintf(&b, "%s/%s ", rows[i].SKU, rows[i].ChName)
		}
		return strings.TrimSpace(b.String())
	}
	var rows []skuRow
	var view []int
	for _, tc := range []struct {
		skus, chans []string
		want        string
	}{
		{[]string{"B", "A"}, []string{"Lazada", "Akulaku"}, "A/Akulaku A/Lazada B/Akulaku B/Lazada"},
		{[]string{"B", "A"}, []string{"Lazada", "Akulaku"}, "A/Akulaku A/Lazada B/Akulaku B/Lazada"},
		{[]string{"C", "AA", "A"}, []string{"mi.com", "Akulaku"}, "A/Akulaku A/mi.com AA/Akulaku AA/mi.com C/Akulaku C/mi.com"},
	} {
		rows = buildSKURows(rows, snap(tc.skus, tc.chans))
		for _, desc := range []bool{false, true} {
			view = selectSKURows(view, rows, skuQuery{SortCol: colSellThrough, Desc: desc})
			if got := order(rows, view); got != tc.want {
				t.Errorf("SKUs %v on %v, descending %v: %s, want %s", tc.skus, tc.chans, desc, got, tc.want)
			}
		}
	}
}
