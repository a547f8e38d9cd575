package engine

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
)

// Stock statuses: how a channel's own sellable stock of a SKU stands
// against what remains of its allocation (CellSnap.StockStatus).
const (
	// StockNoAPI: the channel has no stock API; nothing to compare.
	StockNoAPI = "no_stock_api"
	// StockUnread: the channel has one, and has not been read yet.
	StockUnread = "unread"
	// StockStale: the reading is too old to judge (stock_check.stale_after).
	StockStale = "stale"
	// StockPaused: flashdeck has the sale paused there; 0 is expected.
	StockPaused = "paused"
	// StockMatches: the channel offers exactly what remains.
	StockMatches = "ok"
	// StockInFlight: a difference the orders not yet read explain.
	StockInFlight = "in_flight"
	// StockOversell: the channel offers more than remains; it will
	// sell units the allocation does not have.
	StockOversell = "oversell_risk"
	// StockNotSelling: the channel offers nothing while units remain.
	StockNotSelling = "not_selling"
	// StockShort: the channel offers fewer than remain, not none.
	StockShort = "short"
)

// StockWords are the statuses in words, for screens, alerts and exports.
var StockWords = map[string]string{
	StockNoAPI:      "no stock API",
	StockUnread:     "not read yet",
	StockStale:      "stock read too old to judge",
	StockPaused:     "paused by flashdeck",
	StockMatches:    "matches",
	StockInFlight:   "in flight (orders not read yet)",
	StockOversell:   "oversell risk",
	StockNotSelling: "not selling",
	StockShort:      "channel offers fewer",
}

// StockIssues counts a sale channel's SKUs by the statuses that need a
// person (SaleChannelSnap.StockIssues).
type StockIssues struct {
	OversellRisk int `json:"oversell_risk"`
	NotSelling   int `json:"not_selling"`
	Short        int `json:"short"`
	Stale        int `json:"stale"`
}

// add counts one SKU's status.
func (s *StockIssues) add(status string) {
	switch status {
	case StockOversell:
		s.OversellRisk++
	case StockNotSelling:
		s.NotSelling++
	case StockShort:
		s.Short++
	case StockStale:
		s.Stale++
	}
}

// stockCase is what judging one SKU on one channel needs.
type stockCase struct {
	hasAPI bool
	// stock is the channel's sellable stock (nil: never read); readAt
	// the wall time it was read, countAt the wall time of the order
	// count behind remaining.
	stock           *int
	readAt, countAt time.Time
	now             time.Time
	remaining       int
	// rate is units per minute now; pollEvery how long an order may wait
	// to be read.
	rate       float64
	pollEvery  time.Duration
	staleAfter time.Duration
	paused     bool
	check      config.StockCheck
}

// judgeStock classifies a channel's stock of a SKU against what remains
// of its allocation, and returns the difference (stock − remaining) when
// there is a reading.
func judgeStock(c stockCase) (status string, diff *int) {
	if !c.hasAPI {
		return StockNoAPI, nil
	}
	if c.stock == nil {
		return StockUnread, nil
	}
	d := *c.stock - c.remaining
	diff = &d
	switch {
	case c.now.Sub(c.readAt) > c.staleAfter:
		return StockStale, diff
	case c.paused:
		return StockPaused, diff
	case d == 0:
		return StockMatches, diff
	}
	// The two figures are taken at different moments: orders created
	// between them, and those still waiting for the next poll, move one
	// and not yet the other. That many units of difference are normal.
	lag := c.readAt.Sub(c.countAt).Abs() + c.pollEvery
	inFlight := int(math.Ceil(max(c.rate, 0)*lag.Minutes())) + c.check.InFlightSlack
	switch {
	case d > 0 && d > inFlight+c.check.OversellMargin:
		return StockOversell, diff
	case d > 0 || -d <= inFlight:
		return StockInFlight, diff
	case *c.stock <= 0:
		return StockNotSelling, diff
	}
	return StockShort, diff
}

// staleAfter is how old a channel's stock reading may be for a sale.
func staleAfter(sc config.StockCheck, ch *config.Channel) time.Duration {
	if d := sc.StaleAfter.D(); d > 0 {
		return d
	}
	return 3 * ch.StockInterval.D()
}

// maxHotSKUs bounds a read of the selling SKUs alone: four of Lazada's
// 50-SKU stock calls.
const maxHotSKUs = 200

// stockDue says which SKUs' stock a poll reads, if any: every SKU of the
// sales once per stock_interval (full), and in between, at most every
// quarter of it (never more often than the poll), the SKUs selling now,
// the fastest first. At the peak those are the figures that go old
// fastest, and the channel's call budget is shared with the orders.
func (e *Engine) stockDue(ch *channel) (skus []string, full bool) {
	if !ch.caps.Stock {
		return nil, false
	}
	interval := ch.cfg.StockInterval.D()
	if time.Since(ch.lastStock) >= interval {
		return ch.saleSKUs, true
	}
	if time.Since(ch.lastHotStock) < max(interval/4, ch.cfg.PollInterval.D()) {
		return nil, false
	}
	return e.hotSKUs(ch), false
}

// hotSKUs are a channel's sale SKUs selling in the last minute, fastest
// first, at most maxHotSKUs.
func (e *Engine) hotSKUs(ch *channel) []string {
	type hot struct {
		sku  string
		rate float64
	}
	nowMs := e.now().UnixMilli()
	e.mu.Lock()
	var all []hot
	for _, sku := range ch.saleSKUs {
		r := 0.0
		for _, ci := range ch.skus[sku] {
			r += e.cells[ci].rate.sum(nowMs, time.Minute)
		}
		if r > 0 {
			all = append(all, hot{sku, r})
		}
	}
	e.mu.Unlock()
	slices.SortStableFunc(all, func(a, b hot) int { return cmp.Compare(b.rate, a.rate) })
	out := make([]string, 0, min(len(all), maxHotSKUs))
	for _, h := range all[:min(len(all), maxHotSKUs)] {
		out = append(out, h.sku)
	}
	return out
}
