// Package collector assembles a running flashdeck from a configuration:
// the store, the channel clients, the engine and its metrics. The desktop,
// `flashdeck serve` and the tests all start it the same way.
package collector

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/attention"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/metrics"
	"github.com/flashdeck/flashdeck/app/sources"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

// Collector is a running engine with its store and metrics.
type Collector struct {
	Config  *config.Config
	Engine  *engine.Engine
	Store   *store.Store
	Metrics *metrics.Metrics
	// Actions pause, resume and extend sales and cancel orders, with the
	// audit trail.
	Actions *actions.Service
	Now     func() time.Time
	// Sources are the channel clients the engine polls, by channel id:
	// the desktop's pre-sale check reads through them, so its calls share
	// each channel's call budget with the polling.
	Sources map[string]datasources.Source
	// Attention is what needs someone now (GET /api/v1/attention and
	// flashdeck_attention_items), kept over every snapshot.
	Attention *attention.Tracker

	cancel      context.CancelFunc
	attnDone    chan struct{}
	done        chan error
	actionsDone chan struct{}
	closeOnce   sync.Once
	closeErr    error
}

// Options start a collector.
type Options struct {
	Config *config.Config
	Lookup config.Lookup // credentials; the environment when nil
	// Now is the sale clock; from Config.Clock, else time.Now, when nil.
	Now    func() time.Time
	Logger *slog.Logger
	// ActionTimeout bounds one channel's part of an action for a sale of
	// up to 50 SKUs (30 s when zero; larger sales get more, see
	// actions.Options.PerBatch).
	ActionTimeout time.Duration
	// ReconcileEvery is how often unknown action results are read back
	// (15 s when zero).
	ReconcileEvery time.Duration
}

// Start opens the state, builds the clients and starts polling.
func Start(o Options) (*Collector, error) {
	if o.Lookup == nil {
		o.Lookup = o.Config.DefaultLookup()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
		if o.Config.Clock != nil {
			o.Now = o.Config.Clock.Now
		}
	}
	srcs, err := sources.Build(o.Config, o.Lookup, o.Now, o.Logger)
	if err != nil {
		return nil, err
	}
	// The data key: the config's data_key_file, else $FLASHDECK_DATA_KEY_FILE,
	// else the user's configuration directory (store.DefaultKeyFile).
	st, err := store.OpenWith(o.Config.StateDir, store.Options{
		KeyFile: o.Config.DataKeyFile, LostKey: os.Getenv(store.LostKeyEnv), Logger: o.Logger,
	})
	if err != nil {
		return nil, err
	}
	c := &Collector{Config: o.Config, Store: st, Now: o.Now, Sources: srcs, done: make(chan error, 1)}
	var snap func() *engine.Snapshot
	c.Metrics = metrics.New(func() *engine.Snapshot { return snap() })
	speed := 1.0
	if o.Config.Clock != nil {
		speed = o.Config.Clock.Speed
	}
	eng, err := engine.New(engine.Options{
		Config: o.Config, Sources: srcs, Store: st, Now: o.Now, Logger: o.Logger, ClockSpeed: speed,
		Hooks: engine.Hooks{OnPoll: c.Metrics.OnPoll, OnFresh: c.Metrics.OnFresh},
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	snap = eng.Snapshot
	c.Engine = eng
	c.Actions, err = actions.New(actions.Options{
		Store: st, Engine: eng, Now: o.Now, Logger: o.Logger,
		Timeout: o.ActionTimeout, ReconcileEvery: o.ReconcileEvery,
		OnResult: func(k actions.Kind, channel string, r actions.Result) {
			c.Metrics.Actions.WithLabelValues(string(k), channel, string(r)).Inc()
		},
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() { c.done <- eng.Run(ctx) }()
	select {
	case <-eng.Loaded():
	case err := <-c.done:
		cancel()
		st.Close()
		return nil, fmt.Errorf("starting the engine: %w", err)
	}
	// Actions a stop left in flight are marked unknown before any new
	// request is taken, and read back in the background (a channel may be
	// down).
	if err := c.Actions.Recover(); err != nil {
		cancel()
		<-c.done
		st.Close()
		return nil, fmt.Errorf("recovering actions: %w", err)
	}
	c.actionsDone = make(chan struct{})
	go func() {
		defer close(c.actionsDone)
		c.Actions.Run(ctx)
	}()
	c.attnDone = make(chan struct{})
	c.startAttention(ctx, c.attnDone)
	return c, nil
}

// Close stops polling, waits for the pollers and closes the store.
func (c *Collector) Close() error {
	// Once: a test (or a restart) may close it before its cleanup does.
	c.closeOnce.Do(func() {
		c.cancel()
		err := <-c.done
		<-c.actionsDone
		<-c.attnDone
		if cerr := c.Store.Close(); err == nil {
			err = cerr
		}
		c.closeErr = err
	})
	return c.closeErr
}
