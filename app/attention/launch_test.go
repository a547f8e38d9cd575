package attention

import (
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// launchSnapshot is the simulator's truth of the launch scenario as a
// snapshot: every SKU on every channel, allocated, sold and remaining.
func launchSnapshot(sc *simulator.Scenario, srv *simulator.Server, at time.Time) *engine.Snapshot {
	sold := map[string]map[string]int{}
	s := &engine.Snapshot{At: at, Wall: at}
	for _, ch := range sc.Channels {
		sold[ch.ID] = srv.Book(ch.ID).Sold()
		s.Channels = append(s.Channels, engine.ChannelSnap{ID: ch.ID, Name: ch.Name, State: engine.StateOK, LastSuccess: at})
	}
	sale := engine.SaleSnap{ID: sc.Sale.ID, Name: sc.Sale.Name, State: engine.SaleLive}
	for _, ch := range sc.Channels {
		sale.Channels = append(sale.Channels, engine.SaleChannelSnap{Channel: ch.ID})
	}
	for _, k := range sc.SKUs {
		sk := engine.SKUSnap{SKU: k.SKU, Name: k.Name}
		for _, ch := range sc.Channels {
			a, n := ch.Allocated[k.SKU], sold[ch.ID][k.SKU]
			sk.Channels = append(sk.Channels, engine.CellSnap{Channel: ch.ID, Figures: engine.Figures{Allocated: a, Sold: n, Remaining: a - n}})
			sk.Allocated += a
			sk.Sold += n
		}
		sk.Remaining = sk.Allocated - sk.Sold
		sale.SKUs = append(sale.SKUs, sk)
	}
	s.Sales = []engine.SaleSnap{sale}
	return s
}

// TestLaunchRaisesNoStalledListing: the first 40 minutes of the 1,400-SKU
// launch on four channels (at a tenth of its peak rate, to keep the test
// short), observed every 20 s of sale time, list no stalled listing: the
// rule's threshold holds against 5,600 healthy listings, popular and not,
// through the surge and its sell-outs.
func TestLaunchRaisesNoStalledListing(t *testing.T) {
	if testing.Short() {
		t.Skip("launch scale")
	}
	start := time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)
	sc := simulator.LaunchScenario(start, 2*time.Hour, time.Hour, simulator.LaunchPeakPerMinute/10, 1)
	clock := simulator.NewManualClock(start)
	srv, err := simulator.New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTracker(Options{})
	for clock.Now().Sub(start) < 40*time.Minute {
		clock.Advance(20 * time.Second)
		l := tr.Observe(launchSnapshot(&sc, srv, clock.Now()), nil)
		if n := l.Counts[KindStalled]; n > 0 {
			for _, it := range l.Items {
				if it.Kind == KindStalled {
					t.Errorf("%s into a healthy launch: %s", clock.Now().Sub(start), it.Why)
				}
			}
			t.FailNow()
		}
	}
}

// BenchmarkObserveLaunch: one snapshot of the launch (5,600 listings)
// through the tracker, as the collector and the desktop do a few times a
// second; selling-out: every listing with units left sells out within the
// next 15 minutes, as in the surge (thousands found, a few listed).
func BenchmarkObserveLaunch(b *testing.B) {
	start := time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)
	sc := simulator.LaunchScenario(start, 2*time.Hour, time.Hour, simulator.LaunchPeakPerMinute/10, 1)
	clock := simulator.NewManualClock(start.Add(5 * time.Minute))
	srv, err := simulator.New(sc, clock)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("quiet", func(b *testing.B) {
		s := launchSnapshot(&sc, srv, clock.Now())
		tr := NewTracker(Options{})
		for b.Loop() {
			tr.Observe(s, nil)
		}
	})
	b.Run("selling-out", func(b *testing.B) {
		s := launchSnapshot(&sc, srv, clock.Now())
		n := 0
		for i := range s.Sales[0].SKUs {
			for j := range s.Sales[0].SKUs[i].Channels {
				if c := &s.Sales[0].SKUs[i].Channels[j]; c.Remaining > 0 {
					eta := s.At.Add(time.Duration(n%900) * time.Second)
					c.ETASellout = &eta
					n++
				}
			}
		}
		tr := NewTracker(Options{})
		if l := tr.Observe(s, nil); l.Counts[KindSellout] < 1000 {
			b.Fatalf("%d listings selling out, want thousands", l.Counts[KindSellout])
		}
		for b.Loop() {
			tr.Observe(s, nil)
		}
	})
}
