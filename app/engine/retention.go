package engine

import (
	"context"
	"time"
)

// purgeLoop purges personal data whose retention ended, every PurgeEvery,
// until ctx ends.
func (e *Engine) purgeLoop(ctx context.Context) {
	t := time.NewTicker(e.opt.PurgeEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		e.purgePersonalData()
	}
}

// purgePersonalData removes from the store the buyers' personal data of
// every order whose retention ended (personal_data_days): that many days
// after the end (extended, on the order's channel) of the sale the order
// was placed in, or after it was placed when it counts for no sale, as on
// a channel no longer configured. The orders stay, with their figures. A
// failure is logged and tried again at the next pass: it must not stop
// the dashboard.
func (e *Engine) purgePersonalData() {
	keep := e.cfg.PersonalDataRetention()
	now := e.now()
	channels, err := e.store.Channels()
	if err != nil {
		e.log.Warn("personal data not purged", "error", err)
		return
	}
	for _, id := range channels {
		var windows [][2]int64 // the sales' opening and end on this channel
		e.mu.Lock()
		if ch := e.chByID[id]; ch != nil {
			for _, s := range e.sales {
				if s.onChan[ch.idx] {
					windows = append(windows, [2]int64{s.start, max(s.end, s.endOn[ch.idx])})
				}
			}
		}
		e.mu.Unlock()
		until := func(created time.Time) time.Time {
			at, end := created.UnixMilli(), created.UnixMilli()
			for _, w := range windows {
				if at >= w[0] && at < w[1] {
					end = max(end, w[1])
				}
			}
			return time.UnixMilli(end).Add(keep)
		}
		n, err := e.store.PurgePersonalData(id, now, until)
		if n > 0 {
			e.log.Info("buyers' personal data purged after its retention; the orders and their figures stay",
				"channel", id, "orders", n, "personal_data_days", int(keep/(24*time.Hour)))
		}
		if err != nil {
			e.log.Warn("personal data not purged; tried again at the next pass", "channel", id, "error", err)
		}
	}
}
