package simulator_test

import (
	"slices"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/datasources/sourcetest"
)

// The Akulaku client reads a busy sale while its orders move (paid,
// accepted, cancelled) between calls: every order and unit must be read.
func TestAkulakuClientWhileOrdersMove(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)
	clock := simulator.NewManualClock(t0.Add(30 * time.Second))
	sc := simulator.DemoScenario(t0, 0, 42)
	sc.Plants = nil
	sc.Channels = slices.DeleteFunc(sc.Channels, func(c simulator.ChannelSpec) bool { return c.ID != akuChannel })
	for i := range sc.Channels {
		sc.Channels[i].PeakPerMinute = 20000
		sc.Channels[i].BuyerPool = 400000
		for k := range sc.Channels[i].Allocated {
			sc.Channels[i].Allocated[k] = 100000
		}
	}
	srv, err := simulator.New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c := akuClient(t, srv, nil)
	l := sourcetest.Ledger{}
	cur := datasources.Cursor{UpdatedAfter: t0.Add(-time.Minute)}
	// The reader starts behind (as a collector started late, or slowed at
	// the peak): reading a window from its last page down then takes over
	// a minute of sale time, and orders updated meanwhile join the window
	// after the pages it counted.
	clock.Advance(3 * time.Minute)
	for clock.Now().Before(t0.Add(8 * time.Minute)) {
		p := l.Step(t, c, cur)
		cur = p.Next
		clock.Advance(300 * time.Millisecond)
		if !p.More {
			// The engine waits a poll interval (0.5 s at 20x) before the next.
			clock.Advance(10 * time.Second)
		}
	}
	// The sale stops; poll as the engine does, until a poll brings nothing new.
	cur = l.Drain(t, c, cur)
	b := srv.Book(akuChannel)
	if len(l) != b.OrderCount() {
		all, _ := b.Updates(simulator.Query{})
		missing := 0
		for _, o := range all {
			if _, ok := l[o.ID]; !ok {
				if missing < 5 {
					t.Logf("missing %s: created %s, updated %s, status %s", o.ID, o.CreatedAt.Format("15:04:05.000"), o.UpdatedAt.Format("15:04:05.000"), o.Status)
				}
				missing++
			}
		}
		t.Errorf("read %d orders, the channel took %d (%d missing); last cursor %+v", len(l), b.OrderCount(), missing, cur)
	}
	akuSameSold(t, l.Sold(), b.Sold())
}
