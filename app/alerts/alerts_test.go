package alerts

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
)

var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, time.FixedZone("WIB", 7*3600))

// snap is a live sale with one SKU on one channel.
func snap(at time.Duration, state string, remaining int, eta time.Duration, stale bool) *engine.Snapshot {
	now := t0.Add(at)
	f := engine.Figures{Allocated: 100, Sold: 100 - remaining, Remaining: remaining, Stale: stale, Rate1m: 10}
	if eta > 0 {
		e := now.Add(eta)
		f.ETASellout = &e
	}
	return &engine.Snapshot{
		At: now, Wall: now,
		Channels: []engine.ChannelSnap{{ID: "lazada-id", Name: "Lazada ID", State: state, LastSuccess: now.Add(-time.Minute), LastError: "HTTP 503"}},
		Sales: []engine.SaleSnap{{ID: "poco", Name: "POCO M3 flash sale", State: engine.SaleLive, Currency: "IDR",
			SKUs: []engine.SKUSnap{{SKU: "POCO-M3", Name: "POCO M3", Channels: []engine.CellSnap{{Channel: "lazada-id", Figures: f}}}}}},
	}
}

// stock sets the SKU's channel stock and its judgement.
func stock(s *engine.Snapshot, units int, status string) *engine.Snapshot {
	c := &s.Sales[0].SKUs[0].Channels[0]
	c.Stock, c.StockStatus = &units, status
	return s
}

func kinds(as []Alert) []Kind {
	out := []Kind{}
	for _, a := range as {
		out = append(out, a.Kind)
	}
	return out
}

func TestDetector(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []*engine.Snapshot
		want  [][]Kind // per step after the first (the first primes)
	}{
		{"down then back, announced once each",
			[]*engine.Snapshot{snap(0, "ok", 50, time.Hour, false), snap(1, "down", 50, time.Hour, true), snap(2, "down", 50, time.Hour, true), snap(3, "ok", 50, time.Hour, false)},
			[][]Kind{{ChannelDown}, {}, {ChannelRecovered}}},
		{"degraded is not down",
			[]*engine.Snapshot{snap(0, "ok", 50, time.Hour, false), snap(1, "degraded", 50, time.Hour, false)},
			[][]Kind{{}}},
		{"sell-out imminent once, despite a wobbling rate",
			[]*engine.Snapshot{snap(0, "ok", 50, 10*time.Minute, false), snap(1, "ok", 20, 4*time.Minute, false), snap(2, "ok", 19, 6*time.Minute, false), snap(3, "ok", 18, 4*time.Minute, false)},
			[][]Kind{{SellOutImminent}, {}, {}}},
		{"stale figures predict nothing",
			[]*engine.Snapshot{snap(0, "ok", 50, 10*time.Minute, false), snap(1, "degraded", 20, time.Minute, true)},
			[][]Kind{{}}},
		{"sold out once",
			[]*engine.Snapshot{snap(0, "ok", 5, time.Minute, false), snap(1, "ok", 0, 0, false), snap(2, "ok", 0, 0, false)},
			[][]Kind{{SoldOut}, {}}},
		{"oversell risk once, not cleared by a stale or in-flight reading, raised again after it cleared",
			[]*engine.Snapshot{stock(snap(0, "ok", 50, time.Hour, false), 50, engine.StockMatches),
				stock(snap(1, "ok", 50, time.Hour, false), 200, engine.StockOversell),
				stock(snap(2, "ok", 50, time.Hour, false), 200, engine.StockStale),
				stock(snap(3, "ok", 50, time.Hour, false), 200, engine.StockOversell),
				stock(snap(4, "ok", 50, time.Hour, false), 50, engine.StockMatches),
				stock(snap(5, "ok", 50, time.Hour, false), 90, engine.StockOversell)},
			[][]Kind{{OversellRisk}, {}, {}, {}, {OversellRisk}}},
		{"not selling",
			[]*engine.Snapshot{stock(snap(0, "ok", 50, time.Hour, false), 48, engine.StockInFlight),
				stock(snap(1, "ok", 50, time.Hour, false), 0, engine.StockNotSelling)},
			[][]Kind{{NotSelling}}},
		{"a dashboard opened after the sell-out stays quiet",
			[]*engine.Snapshot{snap(0, "down", 0, 0, true), snap(1, "down", 0, 0, true)},
			[][]Kind{{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDetector()
			if got := d.Next(tc.steps[0]); len(got) != 0 {
				t.Fatalf("the first snapshot announced %v", kinds(got))
			}
			for i, s := range tc.steps[1:] {
				got := d.Next(s)
				if !slices.Equal(kinds(got), tc.want[i]) {
					t.Fatalf("step %d: got %v, want %v", i+1, kinds(got), tc.want[i])
				}
				for _, a := range got {
					if a.Title == "" || a.At.IsZero() || a.Key == "" {
						t.Fatalf("alert without words: %+v", a)
					}
				}
			}
		})
	}
}

func TestAlertWording(t *testing.T) {
	d := NewDetector()
	d.Next(snap(0, "ok", 50, time.Hour, false))
	got := d.Next(snap(1, "down", 3, 2*time.Minute, true))
	if len(got) != 1 || got[0].Title != "Lazada ID is DOWN" || got[0].Body != "last data 1 min ago: HTTP 503" {
		t.Fatalf("%+v", got)
	}
	d = NewDetector()
	d.Next(snap(0, "ok", 50, time.Hour, false))
	got = d.Next(snap(1, "ok", 30, 3*time.Minute, false))
	if len(got) != 1 || got[0].Title != "POCO M3 sells out on Lazada ID in 03:00" || got[0].Body != "30 left at 10/min" {
		t.Fatalf("%+v", got)
	}
}

// BenchmarkNextLaunch: one launch-scale snapshot (1,400 SKUs on 4
// channels, all selling, none about to sell out) through the detector, as
// every desktop and the collector do with each snapshot.
func BenchmarkNextLaunch(b *testing.B) {
	at := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	eta := at.Add(20 * time.Minute)
	s := &engine.Snapshot{At: at, Wall: at}
	chans := []string{"lazada-id", "lazada-my", "akulaku-id", "micom-id"}
	for _, id := range chans {
		s.Channels = append(s.Channels, engine.ChannelSnap{ID: id, Name: id, State: engine.StateOK})
	}
	sale := engine.SaleSnap{ID: "launch", Name: "Launch", State: engine.SaleLive}
	for i := range 1400 {
		k := engine.SKUSnap{SKU: fmt.Sprintf("SKU-%04d", i), Name: fmt.Sprintf("Product %d", i)}
		for _, id := range chans {
			k.Channels = append(k.Channels, engine.CellSnap{Channel: id, StockStatus: engine.StockMatches,
				Figures: engine.Figures{Allocated: 100, Sold: 40, Remaining: 60, ETASellout: &eta}})
		}
		sale.SKUs = append(sale.SKUs, k)
	}
	s.Sales = []engine.SaleSnap{sale}
	d := NewDetector()
	d.Next(s)
	b.ReportAllocs()
	for b.Loop() {
		if len(d.Next(s)) != 0 {
			b.Fatal("alerts from an unchanged snapshot")
		}
	}
}
