package engine

import (
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
)

func TestJudgeStock(t *testing.T) {
	now := time.Date(2026, 11, 23, 7, 10, 0, 0, time.UTC)
	n := func(v int) *int { return &v }
	base := stockCase{hasAPI: true, readAt: now.Add(-10 * time.Second), countAt: now.Add(-10 * time.Second), now: now,
		pollEvery: 15 * time.Second, staleAfter: 2 * time.Minute}
	cases := []struct {
		name     string
		edit     func(c *stockCase)
		want     string
		wantDiff *int
	}{
		{"no stock API", func(c *stockCase) { c.hasAPI = false; c.stock = n(5) }, StockNoAPI, nil},
		{"never read", func(c *stockCase) { c.remaining = 5 }, StockUnread, nil},
		{"matches", func(c *stockCase) { c.stock, c.remaining = n(50), 50 }, StockMatches, n(0)},
		{"allocation spent, channel still sells", func(c *stockCase) { c.stock, c.remaining = n(200), 0 }, StockOversell, n(200)},
		{"one over with no rate", func(c *stockCase) { c.stock, c.remaining = n(51), 50 }, StockOversell, n(1)},
		{"one over within the margin", func(c *stockCase) { c.stock, c.remaining, c.check.OversellMargin = n(51), 50, 1 }, StockInFlight, n(1)},
		{"channel at 0, units remain", func(c *stockCase) { c.stock, c.remaining = n(0), 50 }, StockNotSelling, n(-50)},
		{"channel ahead of our count at the peak", func(c *stockCase) { c.stock, c.remaining, c.rate = n(40), 50, 60 }, StockInFlight, n(-10)},
		{"readings a minute apart at 60/min", func(c *stockCase) {
			c.stock, c.remaining, c.rate, c.countAt = n(130), 50, 60, c.readAt.Add(-time.Minute)
		}, StockOversell, n(80)},
		{"the slack covers it", func(c *stockCase) { c.stock, c.remaining, c.check.InFlightSlack = n(45), 50, 5 }, StockInFlight, n(-5)},
		{"fewer, not none", func(c *stockCase) { c.stock, c.remaining = n(20), 50 }, StockShort, n(-30)},
		{"at 0 while paused", func(c *stockCase) { c.stock, c.remaining, c.paused = n(0), 50, true }, StockPaused, n(-50)},
		{"too old to judge", func(c *stockCase) { c.stock, c.remaining, c.readAt = n(200), 0, now.Add(-3*time.Minute) }, StockStale, n(200)},
	}
	for _, tc := range cases {
		c := base
		tc.edit(&c)
		got, diff := judgeStock(c)
		if got != tc.want || (diff == nil) != (tc.wantDiff == nil) || (diff != nil && *diff != *tc.wantDiff) {
			t.Errorf("%s: %s %v, want %s %v", tc.name, got, deref(diff), tc.want, deref(tc.wantDiff))
		}
		if StockWords[got] == "" {
			t.Errorf("%s: no words for %s", tc.name, got)
		}
	}
	ch := &config.Channel{StockInterval: config.Duration(40 * time.Second)}
	if got := staleAfter(config.StockCheck{}, ch); got != 2*time.Minute {
		t.Errorf("default stale_after = %v", got)
	}
	if got := staleAfter(config.StockCheck{StaleAfter: config.Duration(time.Minute)}, ch); got != time.Minute {
		t.Errorf("stale_after = %v", got)
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
