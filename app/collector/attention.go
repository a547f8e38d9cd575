package collector

import (
	"context"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/attention"
)

// maxManualRead is how many of the latest actions with a manual step are
// read to find those still waiting: far more than a sale has.
const maxManualRead = 200

// startAttention keeps c.Attention up to date: every snapshot the engine
// publishes goes through it, with the actions waiting for a manual step,
// read again whenever an action changes (not on every snapshot: that is a
// read of the audit trail). It stops when ctx is done, closing done.
func (c *Collector) startAttention(ctx context.Context, done chan<- struct{}) {
	c.Attention = attention.NewTracker(attention.Options{})
	c.Metrics.SetAttention(func() map[string]int { return c.Attention.List().Counts })
	snaps, stopSnaps := c.Engine.Subscribe()
	changed, stopActs := c.Actions.Subscribe()
	go func() {
		defer close(done)
		defer stopSnaps()
		defer stopActs()
		manual := c.waitingActions()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-changed:
				if !ok {
					return
				}
				manual = c.waitingActions()
			case s, ok := <-snaps:
				if !ok {
					return
				}
				c.Attention.Observe(s, manual)
			}
		}
	}()
}

// waitingActions are the actions a person must still finish on a channel.
func (c *Collector) waitingActions() []actions.Action {
	list, err := c.Actions.List(actions.Filter{Result: actions.Manual, Limit: maxManualRead})
	if err != nil {
		return nil
	}
	var out []actions.Action
	for _, a := range list {
		if a.Status() == actions.Manual {
			out = append(out, a)
		}
	}
	return out
}
