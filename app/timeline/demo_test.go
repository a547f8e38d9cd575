package timeline_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/timeline"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

const sale = "poco-m3-launch"

// caughtUp waits until the engine counts what every simulated channel sold.
func caughtUp(t *testing.T, r *demotest.Rig) {
	t.Helper()
	testwait.Until(t, 30*time.Second, func() string {
		truth := r.Sim.Server.Truth()
		snap := r.Collector.Engine.Snapshot()
		for _, s := range snap.Sales {
			for _, c := range s.Channels {
				want := 0
				for _, n := range truth.Sold[c.Channel] {
					want += n
				}
				if c.Sold != want {
					return fmt.Sprintf("%s: engine counts %d sold, the channel %d", c.Channel, c.Sold, want)
				}
			}
		}
		return ""
	})
}

func channelState(t *testing.T, r *demotest.Rig, id, want string) {
	t.Helper()
	testwait.Until(t, 30*time.Second, func() string {
		c, _ := r.Collector.Engine.Snapshot().Channel(id)
		if c.State != want {
			return fmt.Sprintf("%s is %s, want %s", id, c.State, want)
		}
		return ""
	})
}

// On the demo, Lazada ID falls over at minute 3 and comes back at minute 7;
// at minute 9 the sale is paused. The timeline shows the outage band over
// minutes 3–6 on Lazada alone, the pause's marker at minute 9 with who
// and why, and every unit the engine counted.
func TestDemoOutageAndPause(t *testing.T) {
	r := demotest.Start(t, demotest.Options{Into: 3 * time.Minute})
	caughtUp(t, r)

	book := r.Sim.Server.Book("lazada-id")
	book.SetFaults(simulator.Faults{Down: true})
	channelState(t, r, "lazada-id", engine.StateDown)
	r.Clock.Advance(4 * time.Minute) // minute 7
	book.SetFaults(simulator.Faults{})
	channelState(t, r, "lazada-id", engine.StateOK)
	caughtUp(t, r)

	r.Clock.Advance(2*time.Minute + 30*time.Second) // 9:30
	ayu := actions.User{Name: "ayu", Role: config.RoleOperator}
	a, err := r.Collector.Actions.Submit(context.Background(), ayu, actions.Request{
		Kind: actions.Pause, Sale: sale, Reason: "bots on the checkout", IdempotencyKey: "timeline-pause",
	})
	if err != nil {
		t.Fatal(err)
	}
	caughtUp(t, r)

	eng := r.Collector.Engine
	h, ok := eng.History(sale)
	if !ok {
		t.Fatalf("no history of %s", sale)
	}
	acts, err := r.Collector.Actions.List(actions.Filter{Sale: sale})
	if err != nil {
		t.Fatal(err)
	}
	m := timeline.Build(timeline.Input{History: h, Now: r.Clock.Now(), Actions: acts, Flags: eng.Flags(sale)})

	if m.Now != 10 {
		t.Errorf("the timeline has reached minute %d, want 10 (9:30 into the sale)", m.Now)
	}
	var outages []timeline.Band
	for _, b := range m.Bands {
		if b.State == timeline.BandDown {
			outages = append(outages, b)
		}
	}
	if len(outages) != 1 {
		t.Fatalf("outage bands %+v, want one", outages)
	}
	if b := outages[0]; m.Channels[b.Channel].ID != "lazada-id" || b.From != 3 || b.To != 7 || b.Why == "" {
		t.Errorf("outage band on %s over minutes [%d, %d) why %q; want lazada-id over [3, 7) with the error",
			m.Channels[b.Channel].ID, b.From, b.To, b.Why)
	}
	if len(m.Markers) != 1 {
		t.Fatalf("markers %+v, want the pause alone", m.Markers)
	}
	if k := m.Markers[0]; k.Minute != 9 || k.Kind != string(actions.Pause) || k.Who != "ayu" || k.Why != "bots on the checkout" {
		t.Errorf("marker %+v, want ayu's pause at minute 9 with the reason", k)
	}
	if k := m.Markers[0]; !k.At.Equal(a.SaleAt) {
		t.Errorf("marker at %v, the action was taken at %v", k.At, a.SaleAt)
	}

	snap := eng.Snapshot()
	s := snap.Sales[0]
	if got := m.Sold[len(m.Sold)-1]; got != s.Sold {
		t.Errorf("the timeline ends at %d sold, the snapshot says %d", got, s.Sold)
	}
	if m.Allocated != s.Allocated {
		t.Errorf("allocated %d, the snapshot says %d", m.Allocated, s.Allocated)
	}
	for i, c := range m.Channels {
		sum := 0.0
		for _, u := range c.PerMinute {
			sum += u
		}
		if int(sum) != s.Channels[i].Sold {
			t.Errorf("%s: %v units over its minutes, the snapshot says %d", c.ID, sum, s.Channels[i].Sold)
		}
	}
	// Lazada sold nothing the engine could see while it was down, and
	// the orders taken then were read back after: they sit in the
	// minutes they were created, not the minute they were read.
	lz := m.Channels[outages[0].Channel]
	if lz.PerMinute[4] == 0 || lz.PerMinute[5] == 0 {
		t.Errorf("Lazada's minutes 4 and 5 are empty (%v): orders taken during the outage are missing", lz.PerMinute[:8])
	}
}
