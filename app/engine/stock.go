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
	// the wall time it was read.
	stock  *int
	readAt time.Time
	now    time.Time
	// remaining is what remained of the allocation by our count when the
	// stock was read (orders counted since then are not in the reading);
	// behind is how far (sale time) that count was behind the channel's
	// newest order then (a first load still catching up, a slow poll).
	remaining int
	behind    time.Duration
	// rate is units per minute of sale time now; speed how many sale
	// seconds pass in a wall second (1 but in a sped-up demo); pollEvery
	// how long an order may wait to be read.
	rate       float64
	speed      float64
	pollEvery  time.Duration
	staleAfter time.Duration
	paused     bool
	check      config.StockCheck
}

// judgeStock classifies a channel's stock of a SKU against what remained
// of its allocation when the stock was read. The difference shown beside
// it (stock − what remains now) is the caller's.
func judgeStock(c stockCase) string {
	if !c.hasAPI {
		return StockNoAPI
	}
	if c.stock == nil {
		return StockUnread
	}
	d := *c.stock - c.remaining
	switch {
	case c.now.Sub(c.readAt) > c.staleAfter:
		return StockStale
	case c.paused:
		return StockPaused
	case d == 0:
		return StockMatches
	}
	// Orders placed before the read but not yet counted then (they wait
	// for a poll, or a first load is still catching up), and
	// cancellations the channel has given back but we have not read yet,
	// make a difference of that many units either way: the rate over the
	// count's lag and one poll (in sale time).
	speed := c.speed
	if speed <= 0 {
		speed = 1
	}
	window := c.behind + time.Duration(float64(c.pollEvery)*speed)
	inFlight := int(math.Ceil(max(c.rate, 0)*window.Minutes())) + c.check.InFlightSlack
	switch {
	case d > 0 && d > inFlight+c.check.OversellMargin:
		return StockOversell
	case d > 0 || -d <= inFlight:
		return StockInFlight
	case *c.stock <= 0:
		return StockNotSelling
	}
	return StockShort
}

// inFlightSlack is the units a sale allows on top of what the rate
// explains: the config's in_flight_slack, by default the per-buyer limit
// (2 without one), since the last order not yet read may carry that many.
func inFlightSlack(s *config.Sale) int {
	if n := s.StockCheck.InFlightSlack; n > 0 {
		return n
	}
	return max(s.PerBuyerLimit, 2)
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

// markStockRead notes, for every cell of a SKU on a channel, how much it
// had sold when the channel's stock of the SKU was read, and how far the
// count was behind the channel's orders then. Callers hold mu.
func (e *Engine) markStockRead(ch *channel, sku string) {
	behind := time.Duration(0)
	if ch.latestOrder > 0 {
		behind = min(max(e.now().Sub(time.UnixMilli(ch.latestOrder)), 0), time.Hour)
	}
	for _, ci := range ch.skus[sku] {
		e.cells[ci].soldAtStock = e.cells[ci].sold
		e.cells[ci].behindAtStock = behind
	}
}
