package ui

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/flashdeck/flashdeck/app/engine"
)

// bridge is the one place where engine goroutines meet Fyne: it takes
// snapshots from the engine and applies them on the UI goroutine. It uses
// fyne.DoAndWait, so at most one update is ever queued: however fast orders
// arrive, the screens refresh at the engine's publish rate (≤ 4/s) or
// slower, never once per order.
type bridge struct {
	sub    <-chan *engine.Snapshot
	cancel func()
	apply  func(*engine.Snapshot)
}

func newBridge(e *engine.Engine, apply func(*engine.Snapshot)) *bridge {
	sub, cancel := e.Subscribe()
	return &bridge{sub: sub, cancel: cancel, apply: apply}
}

// run delivers snapshots until ctx ends.
func (b *bridge) run(ctx context.Context) {
	defer b.cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-b.sub:
			fyne.DoAndWait(func() { b.apply(s) })
		}
	}
}
