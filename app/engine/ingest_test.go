package engine

import (
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

var saleStart = time.Date(2026, 11, 23, 14, 0, 0, 0, time.FixedZone("WIB", 7*3600))

// testEngine builds an engine on one disabled channel (no client needed)
// to exercise ingest and the figures directly.
func testEngine(t *testing.T, now time.Time) (*Engine, *channel) {
	t.Helper()
	off := false
	cfg := &config.Config{
		Channels: []config.Channel{{ID: "lazada-id", Kind: "lazada", Enabled: &off, PollInterval: config.Duration(15 * time.Second)}},
		Sales: []config.Sale{{ID: "s", Name: "S", Start: saleStart, End: saleStart.Add(2 * time.Hour), Currency: "IDR",
			SKUs: []config.SKU{{SKU: "A", Allocated: map[string]int{"lazada-id": 10}}, {SKU: "B", Allocated: map[string]int{"lazada-id": 5}}}}},
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := New(Options{Config: cfg, Store: st, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return e, e.chByID["lazada-id"]
}

func order(id string, created, updated time.Duration, status string, items ...datasources.Item) *datasources.Order {
	return &datasources.Order{ID: id, CreatedAt: saleStart.Add(created), UpdatedAt: saleStart.Add(updated), Status: status, Items: items}
}

func TestIngest(t *testing.T) {
	a2 := datasources.Item{SKU: "A", Quantity: 2}
	b1 := datasources.Item{SKU: "B", Quantity: 1}
	cases := []struct {
		name   string
		orders []*datasources.Order
		soldA  int
		soldB  int
	}{
		{"one order", []*datasources.Order{order("1", time.Minute, time.Minute, "pending", a2, b1)}, 2, 1},
		{"delivered twice counts once", []*datasources.Order{order("1", time.Minute, time.Minute, "pending", a2), order("1", time.Minute, time.Minute, "pending", a2)}, 2, 0},
		{"cancellation takes the units back", []*datasources.Order{order("1", time.Minute, time.Minute, "pending", a2), order("1", time.Minute, 3*time.Minute, "canceled", a2)}, 0, 0},
		{"an older version after a newer one is ignored", []*datasources.Order{order("1", time.Minute, 3*time.Minute, "canceled", a2), order("1", time.Minute, time.Minute, "pending", a2)}, 0, 0},
		{"same second, new status still applies", []*datasources.Order{order("1", time.Minute, time.Minute, "pending", a2), order("1", time.Minute, time.Minute, "canceled", a2)}, 0, 0},
		{"a cancelled item does not count", []*datasources.Order{order("1", time.Minute, time.Minute, "pending", a2, datasources.Item{SKU: "B", Quantity: 1, Cancelled: true})}, 2, 0},
		{"before the sale opened does not count", []*datasources.Order{order("1", -time.Second, time.Minute, "pending", a2)}, 0, 0},
		{"after the sale ended does not count", []*datasources.Order{order("1", 2*time.Hour, 2*time.Hour, "pending", a2)}, 0, 0},
		{"unknown SKU is ignored", []*datasources.Order{order("1", time.Minute, time.Minute, "pending", datasources.Item{SKU: "Z", Quantity: 9})}, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, ch := testEngine(t, saleStart.Add(5*time.Minute))
			for _, o := range tc.orders {
				e.ingest(ch, o)
			}
			s := e.build()
			k := s.Sales[0].SKUs
			if k[0].Sold != tc.soldA || k[1].Sold != tc.soldB {
				t.Fatalf("sold A=%d B=%d, want %d %d", k[0].Sold, k[1].Sold, tc.soldA, tc.soldB)
			}
			if got := s.Sales[0].Sold; got != tc.soldA+tc.soldB {
				t.Errorf("sale sold %d", got)
			}
		})
	}
}

func TestFiguresRatesAndETA(t *testing.T) {
	now := saleStart.Add(10 * time.Minute)
	e, ch := testEngine(t, now)
	// 4 units of A in the last minute, 2 more four minutes ago.
	e.ingest(ch, order("1", 9*time.Minute+30*time.Second, 9*time.Minute+30*time.Second, "pending", datasources.Item{SKU: "A", Quantity: 2}))
	e.ingest(ch, order("2", 9*time.Minute+40*time.Second, 9*time.Minute+40*time.Second, "pending", datasources.Item{SKU: "A", Quantity: 2}))
	e.ingest(ch, order("3", 6*time.Minute, 6*time.Minute, "pending", datasources.Item{SKU: "A", Quantity: 2}))
	// B sells out.
	e.ingest(ch, order("4", time.Minute, time.Minute, "pending", datasources.Item{SKU: "B", Quantity: 5}))
	s := e.build()
	a := s.Sales[0].SKUs[0]
	if a.Sold != 6 || a.Remaining != 4 || a.SellThrough != 0.6 {
		t.Fatalf("A = %+v", a.Figures)
	}
	if a.Rate1m != 4 || a.Rate5m != 6.0/5 {
		t.Fatalf("A rates 1m=%v 5m=%v", a.Rate1m, a.Rate5m)
	}
	if a.ETASellout == nil || !a.ETASellout.Equal(now.Add(time.Minute)) {
		t.Fatalf("A ETA = %v, want %v (4 left at 4/min)", a.ETASellout, now.Add(time.Minute))
	}
	b := s.Sales[0].SKUs[1]
	if b.Remaining != 0 || b.ETASellout != nil || b.SellThrough != 1 {
		t.Fatalf("B = %+v", b.Figures)
	}
	if sp := s.Channels[0].Spark; len(sp) != 30 || sp[28] != 4 || sp[25] != 2 || sp[20] != 5 {
		t.Fatalf("spark = %v", sp)
	}
}

func TestRing(t *testing.T) {
	r := newRing(5*time.Second, 60)
	base := int64(1_800_000_000_000)
	r.add(base, 1)
	r.add(base+4_999, 1)
	r.add(base+5_000, 3)
	if got := r.sum(base+5_000, 10*time.Second); got != 5 {
		t.Fatalf("sum = %v", got)
	}
	if got := r.sum(base+5_000, 5*time.Second); got != 3 {
		t.Fatalf("last bucket = %v", got)
	}
	// Five minutes later the old buckets have left the window.
	if got := r.sum(base+5*60_000+5_000, 5*time.Minute); got != 0 {
		t.Fatalf("after the window = %v", got)
	}
	// A value older than the window does not overwrite a newer bucket.
	r.add(base+6*60_000, 2)
	r.add(base, 100)
	if got := r.sum(base+6*60_000, time.Minute); got != 2 {
		t.Fatalf("stale add leaked: %v", got)
	}
}
