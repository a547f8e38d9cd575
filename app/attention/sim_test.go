package attention_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/attention"
	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)

// healthySale runs the demo sale without its planted abuse and with
// stock for hours, on a manual clock five minutes after it opened, read
// by a collector: a sale where nothing needs anyone.
func healthySale(t *testing.T) (*demo.Sim, *simulator.Clock, *collector.Collector) {
	t.Helper()
	clock := simulator.NewManualClock(t0.Add(5 * time.Minute))
	sc := simulator.DemoScenario(t0, 0, 42)
	sc.Plants = nil
	for _, ch := range sc.Channels {
		for k := range ch.Allocated {
			ch.Allocated[k] *= 20
		}
	}
	sim, err := demo.Start(demo.Options{Clock: clock, Scenario: &sc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	for i := range sim.Config.Channels {
		sim.Config.Channels[i].PollInterval = config.Duration(time.Second)
		sim.Config.Channels[i].StockInterval = config.Duration(time.Second)
		sim.Config.Channels[i].MaxCallsPerSecond = 200
	}
	sim.Config.StateDir = t.TempDir()
	c, err := collector.Start(collector.Options{Config: sim.Config, Lookup: sim.Lookup(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return sim, clock, c
}

// caughtUp waits until the engine shows what the simulator sold by now,
// every channel ok, and returns that snapshot.
func caughtUp(t *testing.T, sim *demo.Sim, c *collector.Collector, now time.Time) *engine.Snapshot {
	t.Helper()
	truth := sim.Server.Truth()
	var s *engine.Snapshot
	testwait.Until(t, 30*time.Second, func() string {
		s = c.Engine.Snapshot()
		if s.At.Before(now) {
			return "no snapshot of " + now.String()
		}
		for _, ch := range s.Channels {
			if ch.State != engine.StateOK {
				return ch.ID + " is " + ch.State
			}
		}
		for _, k := range s.Sales[0].SKUs {
			for _, cell := range k.Channels {
				if want := truth.Sold[cell.Channel][k.SKU]; cell.Sold != want {
					return fmt.Sprintf("%s %s: engine %d, simulator %d", cell.Channel, k.SKU, cell.Sold, want)
				}
			}
		}
		return ""
	})
	return s
}

// TestStalledListingOnTheSimulator: Lazada ID's listing of the demo's
// best seller stops selling (a simulator fault); within 5 minutes of sale
// time it is on the attention list, and it is the only thing there.
func TestStalledListingOnTheSimulator(t *testing.T) {
	sim, clock, c := healthySale(t)
	tr := attention.NewTracker(attention.Options{})
	tr.Observe(caughtUp(t, sim, c, clock.Now()), nil)
	const sku = "POCO-M3-464-BLK"
	f := sim.Server.Book("lazada-id").Faults()
	f.Unlisted = []string{sku}
	sim.Server.Book("lazada-id").SetFaults(f)
	faultAt := clock.Now()
	var found *attention.Item
	for clock.Now().Sub(faultAt) < 5*time.Minute && found == nil {
		clock.Advance(20 * time.Second)
		l := tr.Observe(caughtUp(t, sim, c, clock.Now()), nil)
		for i, it := range l.Items {
			if it.Kind != attention.KindStalled || it.Target.Channel != "lazada-id" || it.Target.SKU != sku {
				t.Fatalf("%s after the fault, an item that should not be there: %+v", clock.Now().Sub(faultAt), it)
			}
			found = &l.Items[i]
		}
	}
	if found == nil {
		t.Fatal("5 minutes after the listing stopped selling, it is not on the attention list")
	}
	t.Logf("listed %s after the fault: %s", clock.Now().Sub(faultAt), found.Why)
	if found.Target != (attention.Target{Tab: attention.TabSKUs, Sale: "poco-m3-launch", SKU: sku, Channel: "lazada-id"}) || found.Rank != 1 {
		t.Errorf("item: %+v", found)
	}
}

// TestHealthySaleNeedsNobody: ten minutes of a healthy sale (five with
// -short) put nothing on the attention list.
func TestHealthySaleNeedsNobody(t *testing.T) {
	sim, clock, c := healthySale(t)
	tr := attention.NewTracker(attention.Options{})
	start := clock.Now()
	dur := 10 * time.Minute
	if testing.Short() {
		dur = 5 * time.Minute
	}
	for clock.Now().Sub(start) < dur {
		l := tr.Observe(caughtUp(t, sim, c, clock.Now()), nil)
		if len(l.Items) > 0 {
			t.Fatalf("%s into a healthy sale: %+v", clock.Now().Sub(t0), l.Items)
		}
		clock.Advance(20 * time.Second)
	}
}
