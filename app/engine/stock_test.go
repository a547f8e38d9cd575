package engine

import (
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
)

func TestJudgeStock(t *testing.T) {
	now := time.Date(2026, 11, 23, 7, 10, 0, 0, time.UTC)
	n := func(v int) *int { return &v }
	base := stockCase{hasAPI: true, readAt: now.Add(-10 * time.Second), now: now,
		pollEvery: 15 * time.Second, staleAfter: 2 * time.Minute}
	cases := []struct {
		name string
		edit func(c *stockCase)
		want string
	}{
		{"no stock API", func(c *stockCase) { c.hasAPI = false; c.stock = n(5) }, StockNoAPI},
		{"never read", func(c *stockCase) { c.remaining = 5 }, StockUnread},
		{"matches", func(c *stockCase) { c.stock, c.remaining = n(50), 50 }, StockMatches},
		{"allocation spent, channel still sells", func(c *stockCase) { c.stock, c.remaining = n(200), 0 }, StockOversell},
		{"one over with no rate", func(c *stockCase) { c.stock, c.remaining = n(51), 50 }, StockOversell},
		{"one over within the margin", func(c *stockCase) { c.stock, c.remaining, c.check.OversellMargin = n(51), 50, 1 }, StockInFlight},
		{"channel at 0, units remain", func(c *stockCase) { c.stock, c.remaining = n(0), 50 }, StockNotSelling},
		{"orders not yet read at 60/min, polled every 15 s", func(c *stockCase) { c.stock, c.remaining, c.rate = n(40), 50, 60 }, StockInFlight},
		{"more than a poll's orders behind", func(c *stockCase) { c.stock, c.remaining, c.rate = n(30), 50, 60 }, StockShort},
		{"a demo at 10x sells ten times as much per wall second", func(c *stockCase) {
			c.stock, c.remaining, c.rate, c.speed = n(58), 50, 6, 10
		}, StockInFlight},
		{"the same at 1x is an oversell risk", func(c *stockCase) { c.stock, c.remaining, c.rate, c.speed = n(58), 50, 6, 1 }, StockOversell},
		{"the slack covers it", func(c *stockCase) { c.stock, c.remaining, c.check.InFlightSlack = n(45), 50, 5 }, StockInFlight},
		{"fewer, not none", func(c *stockCase) { c.stock, c.remaining = n(20), 50 }, StockShort},
		{"at 0 while paused", func(c *stockCase) { c.stock, c.remaining, c.paused = n(0), 50, true }, StockPaused},
		{"too old to judge", func(c *stockCase) { c.stock, c.remaining, c.readAt = n(200), 0, now.Add(-3*time.Minute) }, StockStale},
	}
	for _, tc := range cases {
		c := base
		tc.edit(&c)
		if got := judgeStock(c); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		} else if StockWords[got] == "" {
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
	for _, tc := range []struct{ limit, slack, want int }{{0, 0, 2}, {5, 0, 5}, {5, 1, 1}} {
		if got := inFlightSlack(&config.Sale{PerBuyerLimit: tc.limit, StockCheck: config.StockCheck{InFlightSlack: tc.slack}}); got != tc.want {
			t.Errorf("per_buyer_limit %d, in_flight_slack %d: slack %d, want %d", tc.limit, tc.slack, got, tc.want)
		}
	}
}
