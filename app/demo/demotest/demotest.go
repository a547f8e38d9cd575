// Package demotest is the rig of tests that need the whole collector: the
// demo's simulated channels (the POCO M3 sale on Lazada ID, Akulaku ID and
// mi.com ID), a collector polling them, and the collector's API. It is for
// tests only; it lives in its own package so that the engine's, the API's,
// the remote client's and the screens' tests share one rig.
package demotest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/remote"
	"github.com/flashdeck/flashdeck/app/serve"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// Opened is when the demo sale opened, in the simulator's WIB.
var Opened = time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)

// Options shape the rig; the zero value is a manual clock 3 minutes into
// the sale, channels polled every second, no users.
type Options struct {
	// Into is how far into the sale the clock starts (default 3 minutes).
	Into time.Duration
	// Live runs the sale clock in real time instead of a manual clock,
	// Speed times as fast (1 when zero).
	Live  bool
	Speed float64
	// Poll is every channel's poll interval (default 1 s).
	Poll time.Duration
	// StockInterval is every channel's stock_interval (the config's
	// default when zero).
	StockInterval time.Duration
	// Users, with their tokens by environment variable in Env.
	Users           []config.User
	Env             map[string]string
	MetricsTokenEnv string
	// ActionTimeout bounds a channel's answer to an action (default the
	// collector's).
	ActionTimeout time.Duration
	Logger        *slog.Logger
	// Configure, when set, changes the configuration before the collector
	// starts (a second sale, say).
	Configure func(*config.Config)
}

// Rig is a running simulator and a collector on it.
type Rig struct {
	Sim       *demo.Sim
	Collector *collector.Collector
	Clock     *simulator.Clock
	opt       Options
}

// Start runs the simulator and a collector; both stop when the test ends.
func Start(t testing.TB, o Options) *Rig {
	t.Helper()
	if o.Into == 0 {
		o.Into = 3 * time.Minute
	}
	if o.Poll == 0 {
		o.Poll = time.Second
	}
	clock := simulator.NewManualClock(Opened.Add(o.Into))
	if o.Live {
		clock = simulator.NewClock(Opened.Add(o.Into), max(o.Speed, 1))
	}
	sc := simulator.DemoScenario(Opened, 0, 42)
	sim, err := demo.Start(demo.Options{Clock: clock, Scenario: &sc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	for i := range sim.Config.Channels {
		sim.Config.Channels[i].PollInterval = config.Duration(o.Poll)
		sim.Config.Channels[i].MaxCallsPerSecond = 200
		if o.StockInterval > 0 {
			sim.Config.Channels[i].StockInterval = config.Duration(o.StockInterval)
		}
	}
	sim.Config.StateDir = t.TempDir()
	// The data key of the test's database, outside its state_dir, and
	// never the user's own (~/.config/flashdeck/data.key).
	sim.Config.DataKeyFile = filepath.Join(t.TempDir(), "data.key")
	sim.Config.Users = o.Users
	sim.Config.MetricsTokenEnv = o.MetricsTokenEnv
	for k, v := range o.Env {
		sim.Env[k] = v
	}
	if o.Configure != nil {
		o.Configure(sim.Config)
	}
	r := &Rig{Sim: sim, Clock: clock, opt: o}
	r.Collector = r.StartCollector(t)
	return r
}

// StartCollector starts a collector on the rig's simulator and state (a
// second one after the first was closed is a restarted collector). It
// stops when the test ends.
func (r *Rig) StartCollector(t testing.TB) *collector.Collector {
	t.Helper()
	c, err := collector.Start(collector.Options{Config: r.Sim.Config, Lookup: r.Sim.Lookup(), Now: r.Clock.Now,
		Logger: r.opt.Logger, ActionTimeout: r.opt.ActionTimeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// API builds the collector's API for c.
func (r *Rig) API(t testing.TB, c *collector.Collector) *serve.Server {
	t.Helper()
	api, err := serve.New(serve.Options{Config: r.Sim.Config, Lookup: r.Sim.Lookup(), Engine: c.Engine, Metrics: c.Metrics, Actions: c.Actions, Logger: r.opt.Logger, Attention: c.Attention.List})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// Serve serves the rig's collector's API on loopback until the test ends.
func (r *Rig) Serve(t testing.TB) (*httptest.Server, *serve.Server) {
	t.Helper()
	api := r.API(t, r.Collector)
	// With the production server's timeouts, so that a test sees what a
	// room would (a stream must outlive them).
	srv := httptest.NewUnstartedServer(api.Handler())
	srv.Config = serve.HTTPServer("", api.Handler())
	srv.Config.RegisterOnShutdown(api.CloseStreams)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, api
}

// Remote connects a remote client (a --remote desktop's) to a collector's
// API with token, running until the test ends.
func Remote(t testing.TB, url, token string) *remote.Client {
	t.Helper()
	c, err := remote.New(remote.Options{URL: url, Token: token, IdleTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return c
}
