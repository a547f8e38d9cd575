package engine

import (
	"fmt"
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
