package chaos_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// pollInterval is every channel's poll interval in the suite: the fastest
// a configuration allows, and what "recovers within one poll interval" is
// measured against.
const pollInterval = time.Second

// recoverySlack is allowed on top of the poll interval for the recovering
// poll itself (all the pages the fault held back) and the next snapshot's
// publication (every 250 ms).
const recoverySlack = time.Second

var full = os.Getenv("FLASHDECK_CHAOS") == "full"

// faultFor is how long a scenario's fault lasts: the figure in
// `make chaos`, a few polls (or short, when longer) in `make test`.
func (s scenario) faultFor() time.Duration {
	if full {
		return s.long
	}
	return max(4*time.Second, s.short)
}

var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)

// rig is a simulator on a manual clock with a collector reading it. While
// the sale plays, a goroutine moves the sale clock one second every 100 ms:
// orders keep coming while the fault lasts. The clock stops before every
// comparison with the truth, so the truth holds still.
type rig struct {
	t       *testing.T
	sim     *demo.Sim
	clock   *simulator.Clock
	c       *collector.Collector
	skew    atomic.Int64 // added to the collector's clock (ns)
	stopped chan struct{}
	done    chan struct{}
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, clock: simulator.NewManualClock(t0.Add(30 * time.Second))}
	sc := simulator.DemoScenario(t0, 0, 42)
	sim, err := demo.Start(demo.Options{Clock: r.clock, Scenario: &sc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	for i := range sim.Config.Channels {
		sim.Config.Channels[i].PollInterval = config.Duration(pollInterval)
		sim.Config.Channels[i].StockInterval = config.Duration(pollInterval)
		sim.Config.Channels[i].MaxCallsPerSecond = 200
	}
	sim.Config.StateDir = t.TempDir()
	r.sim = sim
	now := func() time.Time { return r.clock.Now().Add(time.Duration(r.skew.Load())) }
	r.c, err = collector.Start(collector.Options{Config: sim.Config, Lookup: sim.Lookup(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.pause()
		if err := r.c.Close(); err != nil {
			t.Errorf("closing the collector: %v", err)
		}
	})
	return r
}

// play moves the sale clock until pause.
func (r *rig) play() {
	r.stopped, r.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(r.done)
		tk := time.NewTicker(100 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-r.stopped:
				return
			case <-tk.C:
				r.clock.Advance(time.Second)
			}
		}
	}()
}

func (r *rig) pause() {
	if r.stopped == nil {
		return
	}
	close(r.stopped)
	<-r.done
	r.stopped = nil
}

// agree says how the collector differs from the truth: a channel not ok,
// an order count, or a SKU's units ("" when it agrees).
func agree(s *engine.Snapshot, tr simulator.Truth) string {
	for _, ch := range s.Channels {
		if ch.State != engine.StateOK {
			return fmt.Sprintf("%s is %s: %s", ch.ID, ch.State, ch.LastError)
		}
		if ch.Orders != tr.Orders[ch.ID] {
			return fmt.Sprintf("%s holds %d orders, the channel took %d", ch.ID, ch.Orders, tr.Orders[ch.ID])
		}
	}
	for _, sale := range s.Sales {
		for _, k := range sale.SKUs {
			for _, cell := range k.Channels {
				if want := tr.Sold[cell.Channel][k.SKU]; cell.Sold != want {
					return fmt.Sprintf("%s %s: %d sold, truth %d", cell.Channel, k.SKU, cell.Sold, want)
				}
			}
		}
	}
	return ""
}

// settle stops the sale clock and waits until the collector agrees with the
// truth, returning how long that took (known to within testwait's poll gap,
// at most 200 ms).
func (r *rig) settle(within time.Duration) time.Duration {
	r.t.Helper()
	r.pause()
	tr := r.sim.Server.Truth()
	began := time.Now()
	testwait.Until(r.t, within, func() string {
		if last := agree(r.c.Engine.Snapshot(), tr); last != "" {
			return "not back to the truth: " + last
		}
		return ""
	})
	return time.Since(began)
}

// channelSold is a channel's units sold in the sale, as the snapshot shows.
func channelSold(s *engine.Snapshot, id string) (int, bool) {
	for _, sc := range s.Sales[0].Channels {
		if sc.Channel == id {
			return sc.Sold, sc.Stale
		}
	}
	return -1, false
}

// scenario is one fault.
type scenario struct {
	name string
	// long is how long the fault lasts in `make chaos`; short, when set,
	// in `make test` (4 s otherwise).
	long, short time.Duration
	// hit are the channels the fault makes fail; the others must stay ok.
	hit []string
	// heals lists channels that may get over the fault by themselves
	// (Lazada refreshes a revoked token): they need not show as failing.
	heals []string
	// failing is what the failing channels' last error must mention.
	failing string
	// on and off inject and remove the fault.
	on, off func(r *rig)
	// recovery, when set, replaces the poll interval as the bound on
	// recovery (slow answers already on the wire take their time).
	recovery time.Duration
}

func channelFault(ids []string, f simulator.Faults) (on, off func(*rig)) {
	on = func(r *rig) {
		for _, id := range ids {
			r.sim.Server.Book(id).SetFaults(f)
		}
	}
	off = func(r *rig) {
		for _, id := range ids {
			r.sim.Server.Book(id).SetFaults(simulator.Faults{})
		}
	}
	return on, off
}

var all = []string{"lazada-id", "akulaku-id", "micom-id"}

func scenarios() []scenario {
	var out []scenario
	add := func(s scenario, f simulator.Faults) {
		s.on, s.off = channelFault(s.hit, f)
		out = append(out, s)
	}
	add(scenario{name: "outage", long: 60 * time.Second, hit: []string{"lazada-id"}, failing: "503"},
		simulator.Faults{Down: true})
	add(scenario{name: "rate-limit-storm", long: 30 * time.Second, hit: all, failing: "rate"},
		simulator.Faults{RateLimited: true})
	// The demo's channels time out after 5 s: the first failure is seen 5 s
	// into the fault, and a request sent during the fault is given up up
	// to 5 s after it ends.
	add(scenario{name: "10s-responses", long: 30 * time.Second, short: 8 * time.Second, hit: []string{"micom-id"}, failing: "timeout",
		recovery: 5*time.Second + pollInterval},
		simulator.Faults{Latency: 10 * time.Second})
	add(scenario{name: "truncated-json", long: 30 * time.Second, hit: []string{"akulaku-id"}, failing: "malformed"},
		simulator.Faults{Malformed: true})
	add(scenario{name: "garbled-json", long: 30 * time.Second, hit: all, failing: "malformed"},
		simulator.Faults{Garbled: true})
	// Lazada's client refreshes a revoked token and Akulaku's obtains a
	// new one by its client credentials: only mi.com stays down.
	add(scenario{name: "revoked-token", long: 30 * time.Second, hit: all, heals: []string{"lazada-id", "akulaku-id"}, failing: "token"},
		simulator.Faults{TokenExpired: true})
	for _, skew := range []time.Duration{10 * time.Minute, -10 * time.Minute} {
		out = append(out, scenario{
			name: fmt.Sprintf("clock-skew%+.0fm", skew.Minutes()), long: 30 * time.Second,
			on:  func(r *rig) { r.skew.Store(int64(skew)) },
			off: func(r *rig) { r.skew.Store(0) },
		})
	}
	readOnly := fmt.Errorf("write %s: %w", "flashdeck.db", syscall.EROFS)
	out = append(out, scenario{
		name: "read-only-database", long: 30 * time.Second, hit: all, failing: "read-only file system",
		on:  func(r *rig) { r.c.Store.InjectWriteFault(readOnly) },
		off: func(r *rig) { r.c.Store.InjectWriteFault(nil) },
	})
	return out
}

// TestChaos plays every scenario: the sale runs, the fault starts, the
// failing channels must show as failing with their last values while the
// others stay live, and after the fault every channel must be back, within
// one poll interval (plus the recovering poll), to exactly the simulator's
// truth: no order lost, none counted twice.
func TestChaos(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			r := newRig(t)
			r.play()
			r.settle(30 * time.Second)
			before := r.c.Engine.Snapshot()
			r.play()
			sc.on(r)
			faultStart := time.Now()
			// Time itself must pass: the fault lasts its length while
			// the sale plays.
			time.Sleep(sc.faultFor())

			// While the fault lasts: failing channels show it and keep
			// their last figures; the others follow the sale.
			during := r.c.Engine.Snapshot()
			hit := map[string]bool{}
			for _, id := range sc.hit {
				hit[id] = true
			}
			for _, ch := range during.Channels {
				heals := slices.Contains(sc.heals, ch.ID)
				switch {
				case hit[ch.ID] && !heals:
					if ch.State == engine.StateOK {
						t.Errorf("%s shows ok %s into the fault", ch.ID, time.Since(faultStart).Round(time.Millisecond))
					}
					if !strings.Contains(strings.ToLower(ch.LastError), sc.failing) {
						t.Errorf("%s's error %q does not mention %q", ch.ID, ch.LastError, sc.failing)
					}
					was, _ := channelSold(before, ch.ID)
					now, stale := channelSold(during, ch.ID)
					if now < was || now == 0 {
						t.Errorf("%s shows %d sold during the fault, %d before: the last values must stay", ch.ID, now, was)
					}
					if !stale {
						t.Errorf("%s's figures are not marked stale during the fault", ch.ID)
					}
				case !hit[ch.ID]:
					if ch.State != engine.StateOK {
						t.Errorf("%s, not at fault, is %s: %s", ch.ID, ch.State, ch.LastError)
					}
				}
			}

			sc.off(r)
			bound := pollInterval + recoverySlack
			if sc.recovery > 0 {
				bound = sc.recovery + recoverySlack
			}
			took := r.settle(bound + 30*time.Second)
			t.Logf("%s: fault %s, back to the truth %s after it ended (bound %s)", sc.name, sc.faultFor(), took.Round(10*time.Millisecond), bound)
			// The bound is a timing target: `make chaos` runs alone and
			// holds it; `make test` shares the machine with every other
			// package's tests, so there it only has to recover.
			switch {
			case took > bound && full:
				t.Errorf("recovered in %s, over the bound of %s", took.Round(10*time.Millisecond), bound)
			case took > bound:
				t.Logf("recovered in %s, over the bound of %s on a busy machine (make chaos checks it)", took.Round(10*time.Millisecond), bound)
			}
			if during.Sales[0].Sold >= r.c.Engine.Snapshot().Sales[0].Sold && len(sc.hit) > 0 {
				t.Errorf("no sale was played during the fault: the scenario proves nothing")
			}
		})
	}
}

// TestChaosOrdersMovingWhilePaged plays a sale so dense that one second of
// Akulaku orders fills many pages (its timestamps have whole seconds, its
// pages 30 orders), while orders keep changing status under the pager: an
// order updated while its window is paged leaves its place. No order may
// be skipped.
func TestChaosOrdersMovingWhilePaged(t *testing.T) {
	clock := simulator.NewManualClock(t0.Add(30 * time.Second))
	sc := simulator.DemoScenario(t0, 0, 42)
	sc.Plants = nil
	for i := range sc.Channels {
		sc.Channels[i].PeakPerMinute = 20000
		sc.Channels[i].BuyerPool = 400000
		for k := range sc.Channels[i].Allocated {
			sc.Channels[i].Allocated[k] = 100000
		}
	}
	sim, err := demo.Start(demo.Options{Clock: clock, Scenario: &sc})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	for i := range sim.Config.Channels {
		sim.Config.Channels[i].PollInterval = config.Duration(pollInterval)
		sim.Config.Channels[i].MaxCallsPerSecond = 200
	}
	sim.Config.StateDir = t.TempDir()
	c, err := collector.Start(collector.Options{Config: sim.Config, Lookup: sim.Lookup(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Sale time runs 20x: acceptances (2 to 10 minutes after an order)
	// move orders while their windows are paged.
	// Short: a minute of sale time, about 15,000 orders a channel, which
	// a loaded CI machine still reads in time (Akulaku signs every call).
	playFor := 3 * time.Second
	if full {
		playFor = 60 * time.Second
	}
	for end := time.Now().Add(playFor); time.Now().Before(end); {
		// Time itself must pass: the sale clock moves a second every
		// 50 ms while the collector reads.
		time.Sleep(50 * time.Millisecond)
		clock.Advance(time.Second)
	}
	tr := sim.Server.Truth()
	nextLog := time.Now()
	testwait.Until(t, 3*time.Minute, func() string {
		if time.Now().After(nextLog) {
			// Progress tells reading slowly (the counts still move) from
			// skipping (they stop short of the truth).
			var held []string
			for _, ch := range c.Engine.Snapshot().Channels {
				held = append(held, fmt.Sprintf("%s %d/%d (%s)", ch.ID, ch.Orders, tr.Orders[ch.ID], ch.State))
			}
			t.Logf("reading: %s", strings.Join(held, ", "))
			nextLog = time.Now().Add(10 * time.Second)
		}
		if last := agree(c.Engine.Snapshot(), tr); last != "" {
			return "not back to the truth (orders skipped, or reading too slowly): " + last
		}
		return ""
	})
	t.Logf("%d orders on 3 channels, none skipped", tr.Orders["akulaku-id"]+tr.Orders["lazada-id"]+tr.Orders["micom-id"])
}
