package ui

import (
	"context"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"github.com/flashdeck/flashdeck/app/check"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/rules"
)

// bridge is the one place where engine goroutines meet Fyne: it takes
// snapshots from the engine and applies them on the UI goroutine. It uses
// fyne.DoAndWait, so at most one update is ever queued: however fast orders
// arrive, the screens refresh at the engine's publish rate (≤ 4/s) or
// slower, never once per order.
//
// Flags are not in the snapshot, only their versions: when one changes,
// the bridge asks its flags goroutine for the new list. That read may wait
// on the network (up to 30 s on a remote collector), so the snapshots
// never wait for it: the figures go on, and the list follows when it
// arrives. Requests are latest-wins: a change while a read is under way
// asks for one more read, not one per change.
type bridge struct {
	sub      <-chan *engine.Snapshot
	cancel   func()
	apply    func(*engine.Snapshot)
	flags    func(sale string) ([]rules.Flag, error)
	setFlags func([]rules.Flag)
	// versions are the flag versions of the last snapshot (run's own).
	versions []uint64
	// wantFlags holds at most one request for the flag list.
	wantFlags chan struct{}
	// retry is set by the flags goroutine when a read failed: the next
	// snapshot asks again instead of showing an empty list.
	retry atomic.Bool
	// every, when set, is the least time between two updates of the
	// screens (a desktop on a remote collector: refreshPacer); the newest
	// snapshot of the wait is the one shown.
	every time.Duration
	last  time.Time
}

// refreshPacer is a Source that says how often the screens need its
// snapshots: a desktop on a collector shows figures a second old at best
// (the collector publishes about once a second), and redrawing a
// launch-scale table four times a second would be most of its CPU.
type refreshPacer interface {
	RefreshEvery() time.Duration
}

// flagFetcher is a Source whose flag list can fail to arrive (a collector
// over the network): the bridge then asks again with the next snapshot
// instead of showing an empty list.
type flagFetcher interface {
	FetchFlags(sale string) ([]rules.Flag, error)
}

func newBridge(src Source, apply func(*engine.Snapshot), setFlags func([]rules.Flag)) *bridge {
	sub, cancel := src.Subscribe()
	flags := func(sale string) ([]rules.Flag, error) { return src.Flags(sale), nil }
	if f, ok := src.(flagFetcher); ok {
		flags = f.FetchFlags
	}
	b := &bridge{sub: sub, cancel: cancel, apply: apply, flags: flags, setFlags: setFlags, wantFlags: make(chan struct{}, 1)}
	if p, ok := src.(refreshPacer); ok {
		b.every = p.RefreshEvery()
	}
	return b
}

// flagsChanged reports whether a sale's flags changed since the last
// snapshot delivered, or the last read of the list failed.
func (b *bridge) flagsChanged(s *engine.Snapshot) bool {
	changed := len(b.versions) != len(s.Sales)
	if changed {
		b.versions = make([]uint64, len(s.Sales))
	}
	for i, sl := range s.Sales {
		if b.versions[i] != sl.Flags.Version {
			b.versions[i], changed = sl.Flags.Version, true
		}
	}
	return b.retry.Swap(false) || changed
}

// run delivers snapshots until ctx ends.
func (b *bridge) run(ctx context.Context) {
	defer b.cancel()
	go b.runFlags(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-b.sub:
			if s = b.pace(ctx, s); s == nil {
				return
			}
			if b.flagsChanged(s) {
				select {
				case b.wantFlags <- struct{}{}:
				default: // a read is already asked for: it reads the latest
				}
			}
			fyne.DoAndWait(func() { b.apply(s) })
		}
	}
}

// pace waits until the screens may be updated again (every), taking the
// newest snapshot that arrives meanwhile; nil when ctx ends first.
func (b *bridge) pace(ctx context.Context, s *engine.Snapshot) *engine.Snapshot {
	if b.every <= 0 {
		return s
	}
	if wait := b.every - time.Since(b.last); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				return nil
			case s = <-b.sub:
			case <-t.C:
				waiting = false
			}
		}
	}
	b.last = time.Now()
	return s
}

// runFlags reads the flag list when asked, off the snapshots' path, and
// hands it to the screens, until ctx ends.
func (b *bridge) runFlags(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.wantFlags:
		}
		fl, err := b.flags("")
		if ctx.Err() != nil {
			return // the window is closing: nobody to show it to
		}
		if err != nil {
			// Not read: keep what is shown, and ask again next time.
			b.retry.Store(true)
			continue
		}
		fyne.DoAndWait(func() { b.setFlags(fl) })
	}
}

// watchActions reloads the audit trail when actions change, coalescing a
// burst of changes (every channel of an action answering) into one reload.
func watchActions(ctx context.Context, sub <-chan string, unsub func(), reload func()) {
	defer unsub()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub:
		}
		for drained := false; !drained; {
			select {
			case <-sub:
			default:
				drained = true
			}
		}
		fyne.DoAndWait(reload)
	}
}

// checker runs the pre-sale check (app/check) off the UI goroutine, one at
// a time, and hands each report to the Channels tab on the UI goroutine.
// The check waits on the channels for up to its timeout: it must never
// hold the window.
type checker struct {
	ctx  context.Context
	run  func(context.Context) check.Report
	view *checkView
	// shown, when set, is called after a report is on screen (tests wait
	// on it instead of sleeping).
	shown func()
}

// start begins a check unless one is under way. Call on the UI goroutine
// (the "Run check again" button, or the desktop's start).
func (c *checker) start() {
	if c.view.running {
		return
	}
	c.view.setRunning()
	go func() {
		rep := c.run(c.ctx)
		if c.ctx.Err() != nil {
			return // the window is closing: nobody to show it to
		}
		fyne.DoAndWait(func() { c.view.setReport(rep) })
		if c.shown != nil {
			c.shown()
		}
	}()
}
