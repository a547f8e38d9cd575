// Package pace spaces one channel's API calls and holds them through a ban.
//
// A channel's call budget belongs to the app, not to one caller: the poller,
// the reader of pushed orders, an action and a health check all spend it.
// So each channel client owns one Pacer and every request it makes, whatever
// asked for it, waits for its turn there. A rate-limit answer (HTTP 429 with
// Retry-After, Lazada's ApiCallLimit "this ban will last N seconds") holds
// the Pacer: no request of that client starts before the ban is over.
package pace

import (
	"context"
	"sync"
	"time"
)

// MaxHold bounds a ban: a channel asking for longer is mistaken, and a hold
// of days would silence the channel without anyone noticing.
const MaxHold = time.Hour

// Pacer lets calls through at most PerSecond a second and none during a
// hold. The zero value and a nil *Pacer let every call through at once.
// Safe for concurrent use.
type Pacer struct {
	gap time.Duration
	// turn is held by the one call whose answer the client is reading:
	// see Begin.
	turn chan struct{}

	mu sync.Mutex
	// next is the earliest start of the next call; until is the end of
	// the current hold.
	next  time.Time
	until time.Time
	// now is the wall clock (tests may replace it).
	now func() time.Time
}

// New returns a Pacer for perSecond calls a second; 0 or less is no spacing
// (holds still apply).
func New(perSecond float64) *Pacer {
	p := &Pacer{now: time.Now, turn: make(chan struct{}, 1)}
	if perSecond > 0 {
		p.gap = time.Duration(float64(time.Second) / perSecond)
	}
	return p
}

// Gap is the least time between two calls.
func (p *Pacer) Gap() time.Duration {
	if p == nil {
		return 0
	}
	return p.gap
}

func (p *Pacer) clock() time.Time {
	if p.now == nil {
		return time.Now()
	}
	return p.now()
}

// Wait blocks until a call may start, then takes that turn. It returns
// ctx's error if ctx ends first, and the turn is not taken. A hold that
// begins while a caller waits is honoured: the caller waits again.
func (p *Pacer) Wait(ctx context.Context) error {
	if p == nil {
		return ctx.Err()
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		p.mu.Lock()
		now := p.clock()
		at := now
		for _, t := range []time.Time{p.next, p.until} {
			if t.After(at) {
				at = t
			}
		}
		if !at.After(now) {
			p.next = now.Add(p.gap)
			p.mu.Unlock()
			return nil
		}
		p.mu.Unlock()
		t := time.NewTimer(at.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Begin waits until no other call of the client is still waiting for its
// answer, and returns the function that ends this one. The client calls it
// after it has read the answer — and held the Pacer if the answer was a
// ban. So no call starts between a ban's first refusal and the client
// knowing of it: with calls overlapping, one sent while the refusal was on
// its way back would arrive during the ban (and may lengthen it). The
// spacing (Wait) still applies to every attempt inside.
func (p *Pacer) Begin(ctx context.Context) (end func(), err error) {
	if p == nil || p.turn == nil {
		return func() {}, ctx.Err()
	}
	select {
	case p.turn <- struct{}{}:
		return func() { <-p.turn }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Hold keeps every call from starting for d from now (at most MaxHold). A
// shorter hold never shortens a longer one already in force.
func (p *Pacer) Hold(d time.Duration) {
	if p == nil || d <= 0 {
		return
	}
	d = min(d, MaxHold)
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := p.clock().Add(d); until.After(p.until) {
		p.until = until
	}
}

// HeldUntil is the end of the hold in force, or the zero time.
func (p *Pacer) HeldUntil() time.Time {
	if p == nil {
		return time.Time{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.until.After(p.clock()) {
		return p.until
	}
	return time.Time{}
}
