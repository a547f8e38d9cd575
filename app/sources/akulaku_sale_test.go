package sources_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/sources"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

const akuChannel = "akulaku-id"

// TestAkulakuSixHourSaleThroughTheEngine plays a six-hour Akulaku sale
// with one-minute tokens through everything a deployment runs: the
// configuration `flashdeck simulate` writes (client credentials and the
// shop, read back and validated as a file), the client sources.Build makes
// of it, and the engine polling it and saving to its database. Sale time
// moves 15 to 25 s after each poll (a manual clock, advanced by the
// engine's poll hook, so nothing moves while a call is on its way). No poll
// may fail, and the engine's figures must equal the simulator's truth
// exactly.
func TestAkulakuSixHourSaleThroughTheEngine(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)
	clock := simulator.NewManualClock(t0.Add(-time.Minute))
	sc := simulator.DemoScenario(t0, 0, 42)
	sc.Plants = nil
	sc.Sale.End = t0.Add(6 * time.Hour)
	sc.Channels = slices.DeleteFunc(sc.Channels, func(c simulator.ChannelSpec) bool { return c.ID != akuChannel })
	sc.Channels[0].PeakPerMinute = 60
	sc.Channels[0].BuyerPool = 200000
	for k := range sc.Channels[0].Allocated {
		sc.Channels[0].Allocated[k] = 100000
	}
	srv, err := simulator.New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	srv.Creds.AkulakuTokenLifetime = time.Minute
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	// The config as written to a file, read back and validated.
	written, env := demo.ConfigFor(srv)
	text, err := demo.YAML(written)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("simulate.yaml", text)
	if err != nil {
		t.Fatalf("the simulator's config does not validate: %v\n%s", err, text)
	}
	ch := cfg.Channel(akuChannel)
	if ch.ClientIDEnv == "" || ch.ClientSecretEnv == "" || ch.ShopID != srv.Creds.AkulakuShopID || ch.AccessTokenEnv != "" {
		t.Fatalf("the simulator's Akulaku channel: %+v", ch)
	}
	// Faster than a file may say: sale time is moved by the poll hook.
	ch.PollInterval = config.Duration(time.Millisecond)
	ch.MaxCallsPerSecond = 100000
	cfg.StateDir = t.TempDir()

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srcs, err := sources.Build(cfg, config.MapLookup(env), clock.Now, quiet)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(cfg.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })

	settled := sc.Sale.End.Add(25 * time.Minute) // the last change is 20 minutes after the last order
	rng := rand.New(rand.NewPCG(6, 15))
	var (
		mu       sync.Mutex
		polls    int
		failures []string
		after    int // polls since the sale settled
	)
	done := make(chan struct{})
	onPoll := func(channel string, _ time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		polls++
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s at %s: %v", channel, clock.Now().Format(time.TimeOnly), err))
		}
		if !clock.Now().Before(settled) {
			// Settled: a few more polls read what the last ones left.
			if after++; after == 5 {
				close(done)
			}
			return
		}
		clock.Advance(15*time.Second + time.Duration(rng.Int64N(int64(10*time.Second))))
	}
	e, err := engine.New(engine.Options{
		Config: cfg, Sources: srcs, Store: st, Now: clock.Now, Logger: quiet,
		Hooks: engine.Hooks{OnPoll: onPoll}, PublishEvery: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		if err := e.Run(ctx); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
	case <-time.After(50 * time.Second):
		t.Errorf("the sale did not play to its end in 50 s: at %s", clock.Now())
	}
	stop := sync.OnceFunc(func() { cancel(); <-stopped })
	defer stop()
	// The engine publishes within PublishEvery; wait for the last poll's.
	truth := srv.Truth()
	testwait.Until(t, 5*time.Second, func() string {
		if diff := soldDiff(e.Snapshot(), truth); diff != "" {
			return "the engine's figures differ from the simulator's truth: " + diff
		}
		return ""
	})
	stop()

	mu.Lock()
	defer mu.Unlock()
	tokens, _ := srv.AkulakuTokens(akuChannel)
	t.Logf("%d polls over %s of sale time; %d orders; tokens %+v", polls, clock.Now().Sub(t0).Round(time.Minute), truth.Orders[akuChannel], tokens)
	if len(failures) > 0 {
		t.Errorf("%d of %d polls failed; the first: %s", len(failures), polls, failures[0])
	}
	if n := st.OrderCount(akuChannel); n != truth.Orders[akuChannel] || n < 2000 {
		t.Errorf("the database holds %d orders; the simulator took %d", n, truth.Orders[akuChannel])
	}
	if tokens.Issued < 180 || tokens.Expired > 0 || tokens.Unknown > 0 {
		t.Errorf("tokens %+v: want one renewed about every minute, none refused", tokens)
	}
}

// soldDiff compares the engine's units sold per SKU with the truth.
func soldDiff(s *engine.Snapshot, truth simulator.Truth) string {
	if s == nil || len(s.Sales) == 0 {
		return "no snapshot"
	}
	for _, k := range s.Sales[0].SKUs {
		for _, cell := range k.Channels {
			if want := truth.Sold[cell.Channel][k.SKU]; cell.Sold != want {
				return fmt.Sprintf("%s %s: engine %d, truth %d", cell.Channel, k.SKU, cell.Sold, want)
			}
		}
	}
	if got, want := s.Sales[0].Sold, sum(truth.Sold[akuChannel]); got != want {
		return fmt.Sprintf("sale: engine %d, truth %d", got, want)
	}
	return ""
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
