package engine

import (
	"cmp"
	"slices"
	"time"

	"github.com/flashdeck/flashdeck/app/store"
)

// A sale's whole history is kept, unlike the rates' short windows: units per
// minute per channel from the sale's start to its end, and every change of
// each channel's health. The timeline and the post-sale report draw them.

// maxSaleMinutes bounds a sale's per-minute series: a sale longer than a
// leap year is not a flash sale, and its later minutes are not kept.
const maxSaleMinutes = 366 * 24 * 60

// maxHealthChanges bounds the health changes kept in memory per channel;
// the oldest go first (the store keeps them all).
const maxHealthChanges = 4096

// minuteSeries is units per minute since a sale's start, one int32 a
// minute, grown as minutes come: a 12-hour sale costs 2.9 kB a channel.
type minuteSeries []int32

// add puts units in the minute of at (unix ms) of a sale opened at start.
func (m *minuteSeries) add(start, at int64, units int32) {
	if at < start {
		return
	}
	i := (at - start) / int64(time.Minute/time.Millisecond)
	if i >= maxSaleMinutes {
		return
	}
	for int64(len(*m)) <= i {
		*m = append(*m, 0)
	}
	(*m)[i] += units
}

// noteHealth records a change of a channel's health (callers hold e.mu); it
// is saved by saveHealth outside the lock.
func (e *Engine) noteHealth(ch *channel, errText string) {
	if ch.state == ch.recorded {
		return
	}
	ch.recorded = ch.state
	h := store.HealthChange{Channel: ch.cfg.ID, At: e.now(), State: ch.state, Error: errText}
	ch.health = append(ch.health, h)
	if over := len(ch.health) - maxHealthChanges; over > 0 {
		ch.health = append(ch.health[:0], ch.health[over:]...)
	}
	ch.unsavedHealth = append(ch.unsavedHealth, h)
}

// saveHealth writes the channel's health changes not saved yet; a failed
// write keeps them for the next attempt.
func (e *Engine) saveHealth(ch *channel) {
	e.mu.Lock()
	hs := ch.unsavedHealth
	ch.unsavedHealth = nil
	e.mu.Unlock()
	if len(hs) == 0 {
		return
	}
	if err := e.store.SaveHealth(hs); err != nil {
		e.log.Warn("health changes not saved", "channel", ch.cfg.ID, "error", err)
		e.mu.Lock()
		ch.unsavedHealth = append(hs, ch.unsavedHealth...)
		e.mu.Unlock()
	}
}

// loadHealth reads a channel's saved health changes into memory.
func (e *Engine) loadHealth(ch *channel) error {
	hs, err := e.store.Health(ch.cfg.ID)
	if err != nil {
		return err
	}
	if over := len(hs) - maxHealthChanges; over > 0 {
		hs = hs[over:]
	}
	e.mu.Lock()
	ch.health = append(hs, ch.health...)
	e.mu.Unlock()
	return nil
}

// SaleHistory is what the engine keeps of a whole sale.
type SaleHistory struct {
	ID, Name   string
	Start, End time.Time // End: the latest end on any channel
	Location   *time.Location
	Channels   []ChannelHistory
}

// ChannelHistory is one channel's part of a sale's history.
type ChannelHistory struct {
	ID, Name  string
	Allocated int
	// PerMinute is units sold in each minute since the sale's start
	// (cancelled orders taken back); it ends at the last minute with an
	// order.
	PerMinute []int32
	// Health lists the channel's health changes, oldest first (over its
	// whole life, not only the sale's).
	Health []store.HealthChange
}

// History returns a copy of a sale's history; false if there is no such
// sale.
func (e *Engine) History(saleID string) (SaleHistory, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.saleLocked(saleID)
	if s == nil {
		return SaleHistory{}, false
	}
	h := SaleHistory{ID: s.cfg.ID, Name: s.cfg.Name, Start: s.cfg.Start, End: s.endTime(), Location: s.cfg.Location()}
	for _, ci := range s.chans {
		ch := e.channels[ci]
		c := ChannelHistory{ID: ch.cfg.ID, Name: ch.cfg.DisplayName(), Health: append([]store.HealthChange(nil), ch.health...)}
		if ci < len(s.perMin) {
			c.PerMinute = append([]int32(nil), s.perMin[ci]...)
		}
		for _, k := range s.skus {
			for _, cell := range k.cells {
				if e.cells[cell].ch == ci {
					c.Allocated += e.cells[cell].allocated
				}
			}
		}
		h.Channels = append(h.Channels, c)
	}
	return h, true
}

// SellOuts are when a sale's allocations ran out, by the creation time of
// the order that took the last unit; a channel or SKU missing from a map
// did not sell out.
type SellOuts struct {
	Channel map[string]time.Time // the channel's allocation over every SKU
	SKU     map[string]time.Time // the SKU's allocation over every channel
}

// SellOuts works out when a sale's channels and SKUs sold out, from the
// orders in memory (a walk of them: for a report, not for every frame).
func (e *Engine) SellOuts(saleID string) SellOuts {
	out := SellOuts{Channel: map[string]time.Time{}, SKU: map[string]time.Time{}}
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.saleLocked(saleID)
	if s == nil {
		return out
	}
	type line struct {
		cell  int32
		units int32
		at    int64
	}
	var lines []line
	for _, ci := range s.chans {
		x := &e.channels[ci].orders
		var one [1]orderLine
		x.each(func(r *orderRec) {
			for _, l := range x.lines(r, &one) {
				if e.sales[e.cells[l.cell].sale] == s {
					lines = append(lines, line{cell: l.cell, units: l.units, at: r.created})
				}
			}
		})
	}
	slices.SortStableFunc(lines, func(a, b line) int { return cmp.Compare(a.at, b.at) })
	chAlloc, skuAlloc := map[int]int{}, map[int]int{}
	for _, k := range s.skus {
		for _, c := range k.cells {
			chAlloc[e.cells[c].ch] += e.cells[c].allocated
			skuAlloc[e.cells[c].sku] += e.cells[c].allocated
		}
	}
	chSold, skuSold := map[int]int{}, map[int]int{}
	for _, l := range lines {
		c := &e.cells[l.cell]
		at := time.UnixMilli(l.at).In(s.cfg.Start.Location())
		chSold[c.ch] += int(l.units)
		skuSold[c.sku] += int(l.units)
		id := e.channels[c.ch].cfg.ID
		if _, done := out.Channel[id]; !done && chAlloc[c.ch] > 0 && chSold[c.ch] >= chAlloc[c.ch] {
			out.Channel[id] = at
		}
		sku := s.skus[c.sku].cfg.SKU
		if _, done := out.SKU[sku]; !done && skuAlloc[c.sku] > 0 && skuSold[c.sku] >= skuAlloc[c.sku] {
			out.SKU[sku] = at
		}
	}
	return out
}
