package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

// A channel that pushes order events (Lazada's push mechanism) names the
// order that changed; the engine reads that one order at once instead of
// waiting for the next poll. Polling is unchanged and stays the safety
// net: a push that is lost, dropped or fails to read is picked up by the
// next poll, and an order read both ways counts once (ingest is idempotent).

// PushQueueSize bounds each channel's queue of pushed orders waiting to be
// read. Reads share the channel's call rate with its poller, so a longer
// queue would only hold orders the next poll brings sooner.
const PushQueueSize = 128

// PushResult says what became of a pushed order.
type PushResult int

// Push results.
const (
	// PushQueued: the order will be read shortly.
	PushQueued PushResult = iota
	// PushPending: the order is in the queue already (a repeated push).
	PushPending
	// PushKnown: the engine has a newer version of the order already.
	PushKnown
	// PushDropped: the queue is full; the next poll brings the order.
	PushDropped
)

func (r PushResult) String() string {
	switch r {
	case PushQueued:
		return "queued"
	case PushPending:
		return "pending"
	case PushKnown:
		return "known"
	case PushDropped:
		return "dropped"
	}
	return fmt.Sprintf("PushResult(%d)", int(r))
}

// ErrNoPush is returned for a channel that cannot take pushed orders:
// unknown, disabled, or with a client that cannot read one order.
var ErrNoPush = errors.New("channel takes no pushed orders")

// pushQueue holds the orders pushed for one channel until they are read.
type pushQueue struct {
	c chan pushedOrder

	mu      sync.Mutex
	pending map[string]bool // queued and not yet taken
	dropped int             // since the last drop was logged
	logged  time.Time       // when a drop was last logged
}

type pushedOrder struct {
	id      string
	updated time.Time
}

// dropLogEvery is how often dropped pushes are logged (with their count):
// a surge must not turn into one log line per order.
const dropLogEvery = 10 * time.Second

// pushReader is a client that can read one order (datasources.Controller
// has ReadOrder; it is all the engine needs of it here).
type pushReader interface {
	ReadOrder(ctx context.Context, orderID string) (datasources.Order, error)
}

// newPushQueue gives a channel a queue when its client says it pushes and
// can read one order.
func newPushQueue(ch *channel) *pushQueue {
	if ch.src == nil || !ch.caps.Push {
		return nil
	}
	if _, ok := ch.src.(pushReader); !ok {
		return nil
	}
	return &pushQueue{c: make(chan pushedOrder, PushQueueSize), pending: map[string]bool{}}
}

// QueueOrder asks for one order of a channel to be read out of turn,
// because the channel said it changed at updated (zero when it did not
// say). It never blocks: the read happens in the background, and when the
// channel's queue is full the order is dropped (logged) and left to the
// next poll. It returns ErrNoPush for a channel that takes no pushes.
func (e *Engine) QueueOrder(channel, orderID string, updated time.Time) (PushResult, error) {
	ch := e.chByID[channel]
	if ch == nil {
		return 0, fmt.Errorf("engine: channel %q: %w", channel, ErrNoPush)
	}
	q := ch.push
	if q == nil {
		return 0, fmt.Errorf("engine: channel %s: %w", channel, ErrNoPush)
	}
	if orderID == "" {
		return 0, fmt.Errorf("engine: channel %s: a pushed order without an id", channel)
	}
	if e.knownNewer(ch, orderID, updated) {
		return PushKnown, nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending[orderID] {
		return PushPending, nil
	}
	select {
	case q.c <- pushedOrder{id: orderID, updated: updated}:
		q.pending[orderID] = true
		return PushQueued, nil
	default:
	}
	q.dropped++
	if now := time.Now(); now.Sub(q.logged) >= dropLogEvery {
		e.log.Warn("pushed orders dropped: the queue is full; the next poll brings them",
			"channel", channel, "dropped", q.dropped, "queue", PushQueueSize, "order", orderID)
		q.dropped, q.logged = 0, now
	}
	return PushDropped, nil
}

// knownNewer reports whether the engine holds a version of the order
// updated after updated: reading it again would change nothing. One
// updated in the same second may carry a new status, so it is read.
func (e *Engine) knownNewer(ch *channel, orderID string, updated time.Time) bool {
	if updated.IsZero() {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, seen := ch.orders.get(orderID)
	return seen && rec.updated > updated.UnixMilli()
}

// pushLoop reads a channel's pushed orders until ctx ends.
func (e *Engine) pushLoop(ctx context.Context, ch *channel) {
	q := ch.push
	for {
		var p pushedOrder
		select {
		case <-ctx.Done():
			return
		case p = <-q.c:
		}
		// Taken off the list first: a push arriving during the read is
		// queued again, and read after it.
		q.mu.Lock()
		delete(q.pending, p.id)
		q.mu.Unlock()
		if e.knownNewer(ch, p.id, p.updated) {
			continue // the poller got there first
		}
		rctx, cancel := context.WithTimeout(ctx, pushReadTimeout(ch))
		start := time.Now()
		err := e.FetchOrder(rctx, ch.cfg.ID, p.id)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			e.log.Warn("pushed order not read; the next poll brings it", "channel", ch.cfg.ID, "order", p.id, "error", err)
		default:
			e.log.Debug("pushed order read", "channel", ch.cfg.ID, "order", p.id, "duration", time.Since(start))
		}
	}
}

// pushReadTimeout bounds one pushed order's read: the client's own timeout
// bounds each of its requests, an order read takes two.
func pushReadTimeout(ch *channel) time.Duration {
	t := ch.cfg.Timeout.D()
	if t <= 0 {
		t = 10 * time.Second
	}
	return 3 * t
}

// FetchOrder reads one order of a channel through its client now and
// ingests it the way the poller does: saved to the store before it is
// applied, and counted once however often it arrives (an order known with
// the same state changes nothing). The client spaces the read with the
// poller's calls (max_calls_per_second); the channel's cursor is left alone. It
// waits for the saved state to be loaded first.
func (e *Engine) FetchOrder(ctx context.Context, channel, orderID string) error {
	ch := e.chByID[channel]
	if ch == nil || ch.src == nil {
		return fmt.Errorf("engine: channel %q is not polled here", channel)
	}
	rd, ok := ch.src.(pushReader)
	if !ok {
		return fmt.Errorf("engine: channel %s cannot read one order", channel)
	}
	select {
	case <-e.loadDone:
	case <-ctx.Done():
		return fmt.Errorf("engine: order %s of %s: %w", orderID, channel, ctx.Err())
	}
	o, err := rd.ReadOrder(ctx, orderID)
	if err != nil {
		return fmt.Errorf("engine: order %s of %s: %w", orderID, channel, err)
	}
	if o.ID != orderID {
		return fmt.Errorf("engine: order %s of %s: the channel answered order %q", orderID, channel, o.ID)
	}
	if err := e.store.SavePage(ch.cfg.ID, store.Page{Orders: []datasources.Order{o}}); err != nil {
		return saveError(ch, err)
	}
	e.mu.Lock()
	if !ch.orders.has(o.ID) && e.opt.Hooks.OnFresh != nil && !ch.backfill.Active {
		ch.fresh = append(ch.fresh, o.CreatedAt.UnixMilli())
	}
	e.ingest(ch, &o)
	e.mu.Unlock()
	if err := e.saveFlags(); err != nil {
		return saveError(ch, err)
	}
	e.dirty.Store(true)
	return nil
}
