package collector_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"

	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)

// startDemo runs the demo simulator on a manual clock, with fast polling.
func startDemo(t *testing.T) (*demo.Sim, *simulator.Clock) {
	t.Helper()
	clock := simulator.NewManualClock(t0.Add(5 * time.Minute))
	sc := simulator.DemoScenario(t0, 0, 42)
	sim, err := demo.Start(demo.Options{Clock: clock, Scenario: &sc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	for i := range sim.Config.Channels {
		sim.Config.Channels[i].PollInterval = config.Duration(time.Second) // the fastest a config allows
		sim.Config.Channels[i].StockInterval = config.Duration(time.Second)
		sim.Config.Channels[i].MaxCallsPerSecond = 200
	}
	sim.Config.StateDir = t.TempDir()
	return sim, clock
}

func start(t *testing.T, sim *demo.Sim, clock *simulator.Clock) *collector.Collector {
	t.Helper()
	c, err := collector.Start(collector.Options{Config: sim.Config, Lookup: sim.Lookup(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// diff compares the engine's sold figures with the simulator's truth.
func diff(s *engine.Snapshot, truth simulator.Truth) string {
	for _, sale := range s.Sales {
		for _, k := range sale.SKUs {
			for _, cell := range k.Channels {
				if want := truth.Sold[cell.Channel][k.SKU]; cell.Sold != want {
					return fmt.Sprintf("%s %s: engine %d, truth %d", cell.Channel, k.SKU, cell.Sold, want)
				}
			}
		}
	}
	return ""
}

// converge waits until the engine agrees with the truth and every channel is ok.
func converge(t *testing.T, c *collector.Collector, sim *demo.Sim) *engine.Snapshot {
	t.Helper()
	return convergeWithin(t, c, sim, 30*time.Second)
}

// convergeWithin is converge with a deadline of its own: a catch-up at a
// real channel's call rate takes longer than the demo's.
func convergeWithin(t *testing.T, c *collector.Collector, sim *demo.Sim, d time.Duration) *engine.Snapshot {
	t.Helper()
	truth := sim.Server.Truth()
	var s *engine.Snapshot
	testwait.Until(t, d, func() string {
		s = c.Engine.Snapshot()
		last := diff(s, truth)
		for _, ch := range s.Channels {
			if ch.State != engine.StateOK && last == "" {
				last = ch.ID + " is " + ch.State + ": " + ch.LastError
			}
		}
		if last != "" {
			return "engine never matched the simulator: " + last
		}
		return ""
	})
	return s
}

func TestEngineMatchesSimulatorTruth(t *testing.T) {
	sim, clock := startDemo(t)
	c := start(t, sim, clock)
	defer c.Close()
	s := converge(t, c, sim)
	if s.Sales[0].Sold == 0 {
		t.Fatal("five minutes into the demo nothing sold")
	}
	// The sale goes on: new orders and cancellations are picked up.
	clock.Advance(20 * time.Minute)
	s2 := converge(t, c, sim)
	if s2.Sales[0].Sold <= s.Sales[0].Sold {
		t.Fatalf("sold did not grow: %d then %d", s.Sales[0].Sold, s2.Sales[0].Sold)
	}
	for _, ch := range s2.Channels {
		if ch.Backfill.Active {
			t.Errorf("%s still backfilling", ch.ID)
		}
	}
}

func TestRestartDoesNotDoubleCount(t *testing.T) {
	sim, clock := startDemo(t)
	c := start(t, sim, clock)
	before := converge(t, c, sim)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// Restarted on the same state_dir: the figures are back before any
	// poll, and polling again from the saved cursor adds nothing twice.
	c = start(t, sim, clock)
	defer c.Close()
	if d := diff(c.Engine.Snapshot(), sim.Server.Truth()); d != "" {
		t.Fatalf("after reload: %s", d)
	}
	if got, want := c.Engine.Snapshot().Sales[0].Sold, before.Sales[0].Sold; got != want {
		t.Fatalf("reloaded %d sold, had %d", got, want)
	}
	clock.Advance(10 * time.Minute)
	converge(t, c, sim)
}

func TestFailingChannelKeepsLastValuesMarkedStale(t *testing.T) {
	sim, clock := startDemo(t)
	c := start(t, sim, clock)
	defer c.Close()
	good := converge(t, c, sim)
	soldBefore := channelSold(good, "lazada-id")
	if soldBefore == 0 {
		t.Fatal("nothing sold on lazada-id")
	}
	sim.Server.Book("lazada-id").SetFaults(simulator.Faults{Down: true})
	clock.Advance(5 * time.Minute) // orders keep coming at the channel meanwhile
	var s *engine.Snapshot
	testwait.For(t, 30*time.Second, "lazada-id was not shown down", func() bool {
		s = c.Engine.Snapshot()
		ch, _ := s.Channel("lazada-id")
		return ch.State == engine.StateDown
	})
	ch, _ := s.Channel("lazada-id")
	if ch.State != engine.StateDown || ch.ConsecutiveFailures < 3 || ch.LastError == "" {
		t.Fatalf("lazada-id = %+v", ch)
	}
	if got := channelSold(s, "lazada-id"); got != soldBefore {
		t.Fatalf("a down channel must keep its last values: %d, had %d", got, soldBefore)
	}
	for _, sc := range s.Sales[0].Channels {
		if sc.Channel == "lazada-id" && (!sc.Stale || sc.AsOf.IsZero()) {
			t.Fatalf("lazada-id figures not marked stale: %+v", sc.Figures)
		}
		if sc.Channel == "micom-id" && sc.Stale {
			t.Fatalf("a healthy channel marked stale")
		}
	}
	if !s.Sales[0].Stale {
		t.Error("the sale total includes a down channel: it must say stale")
	}
	// The channel comes back by itself and catches up.
	sim.Server.Book("lazada-id").SetFaults(simulator.Faults{})
	converge(t, c, sim)
}

func channelSold(s *engine.Snapshot, id string) int {
	for _, sc := range s.Sales[0].Channels {
		if sc.Channel == id {
			return sc.Sold
		}
	}
	return -1
}

// Orders seen while a channel is polled live are timed from their creation
// to the snapshot that first shows them; the backfill's are not.
func TestFreshnessCountsLiveOrdersOnly(t *testing.T) {
	sim, clock := startDemo(t)
	c := start(t, sim, clock)
	defer c.Close()
	converge(t, c, sim)
	count := func() (n uint64, sum float64) {
		mfs, err := c.Metrics.Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "flashdeck_order_freshness_seconds" {
				for _, m := range mf.GetMetric() {
					n += m.GetHistogram().GetSampleCount()
					sum += m.GetHistogram().GetSampleSum()
				}
			}
		}
		return n, sum
	}
	if n, _ := count(); n != 0 {
		t.Fatalf("%d backfilled orders were timed as live", n)
	}
	before := sim.Server.Truth()
	clock.Advance(20 * time.Second)
	converge(t, c, sim)
	after := sim.Server.Truth()
	taken := 0
	for id, n := range after.Orders {
		taken += n - before.Orders[id]
	}
	// The next publication reports them.
	testwait.For(t, 15*time.Second, "the orders taken live were not timed", func() bool {
		n, _ := count()
		return taken > 0 && int(n) >= taken
	})
	n, sum := count()
	if taken == 0 || int(n) != taken {
		t.Fatalf("%d orders timed, %d taken live", n, taken)
	}
	// The clock jumped 20 s at once: every new order is between 0 and 20 s
	// old (plus the wait for the poll) when first shown.
	if mean := sum / float64(n); mean <= 0 || mean > 25 {
		t.Errorf("mean freshness %.2f s, want within the 20 s the clock jumped", mean)
	}
}
