package engine

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

// launchEngine is the launch scale of DESIGN.md §9: 1,400 SKUs on 4 channels.
func launchEngine(b *testing.B) (*Engine, []*channel) {
	b.Helper()
	off := false
	var chans []config.Channel
	ids := []string{"lazada-id", "lazada-my", "akulaku-id", "micom-id"}
	for _, id := range ids {
		chans = append(chans, config.Channel{ID: id, Kind: "lazada", Enabled: &off, PollInterval: config.Duration(15 * time.Second)})
	}
	sale := config.Sale{ID: "launch", Start: saleStart, End: saleStart.Add(10 * time.Hour), Currency: "IDR"}
	for i := range 1400 {
		alloc := map[string]int{}
		for _, id := range ids {
			alloc[id] = 1000
		}
		sale.SKUs = append(sale.SKUs, config.SKU{SKU: fmt.Sprintf("SKU-%04d", i), Allocated: alloc})
	}
	st, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	e, err := New(Options{Config: &config.Config{Channels: chans, Sales: []config.Sale{sale}}, Store: st, Now: func() time.Time { return saleStart.Add(time.Hour) }})
	if err != nil {
		b.Fatal(err)
	}
	var cs []*channel
	for _, id := range ids {
		cs = append(cs, e.chByID[id])
	}
	return e, cs
}

// BenchmarkIngest measures applying one new order to the figures (memory only).
func BenchmarkIngest(b *testing.B) {
	e, cs := launchEngine(b)
	orders := make([]datasources.Order, 4096)
	for i := range orders {
		at := saleStart.Add(time.Duration(i) * 10 * time.Millisecond)
		orders[i] = datasources.Order{CreatedAt: at, UpdatedAt: at, Status: "pending",
			Items: []datasources.Item{{SKU: fmt.Sprintf("SKU-%04d", i%1400), Quantity: 1}}}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		o := &orders[i%len(orders)]
		o.ID = fmt.Sprint(i)
		e.ingest(cs[i%4], o)
	}
}

// BenchmarkSnapshot measures building one snapshot of 1,400 SKUs × 4 channels.
func BenchmarkSnapshot(b *testing.B) {
	e, _ := launchEngine(b)
	b.ReportAllocs()
	for b.Loop() {
		e.build()
	}
}

// BenchmarkOrdersHeld ingests 1,000,000 orders (Lazada-like numeric ids,
// a tenth of them with two lines) and reports the heap the engine holds
// per order: the heap in use after a GC, less the heap before.
// held-B/order is the engine's own order records, with the scalper rules
// kept out (they have their own figure, BenchmarkObserve in app/rules);
// held-B/order-all is the same ingest with the rules on the orders (which
// carry no personal data here: each order is an account of its own).
func BenchmarkOrdersHeld(b *testing.B) {
	const n = 1_000_000
	inuse := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse)
	}
	held := func(withRules bool) float64 {
		e, cs := launchEngine(b)
		if !withRules {
			for _, s := range e.sales {
				clear(s.onChan)
			}
		}
		o := datasources.Order{Status: "pending", Items: make([]datasources.Item, 0, 2)}
		before := inuse()
		for i := range n {
			at := saleStart.Add(time.Duration(i) * time.Millisecond)
			o.ID = strconv.Itoa(400_000_000_000 + i)
			o.CreatedAt, o.UpdatedAt = at, at
			o.Items = append(o.Items[:0], datasources.Item{SKU: fmt.Sprintf("SKU-%04d", i%1400), Quantity: 1})
			if i%10 == 0 {
				o.Items = append(o.Items, datasources.Item{SKU: fmt.Sprintf("SKU-%04d", (i+7)%1400), Quantity: 2})
			}
			e.ingest(cs[i%4], &o)
		}
		h := (inuse() - before) / n
		runtime.KeepAlive(e)
		return h
	}
	for b.Loop() {
		b.ReportMetric(held(false), "held-B/order")
		b.ReportMetric(held(true), "held-B/order-all")
	}
}
