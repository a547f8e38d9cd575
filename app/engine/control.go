package engine

import (
	"fmt"
	"slices"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

// SaleInfo describes a sale to the actions: what they may change, through
// which client, and how it stands now.
type SaleInfo struct {
	ID       string
	Name     string
	Location *time.Location
	Start    time.Time
	// End is the configured end.
	End time.Time
	// MaxEnd is the latest end an extension may give the sale (config:
	// max_extension past End).
	MaxEnd   time.Time
	Channels []SaleChannelInfo
}

// SaleChannelInfo is one channel of a sale.
type SaleChannelInfo struct {
	ID   string
	Name string
	Kind string
	// Source is the channel's client (nil for a closed storefront).
	Source datasources.Source
	Caps   datasources.Capabilities
	// SKUs are the sale's seller SKUs allocated on this channel.
	SKUs []string
	// End is the sale's end on this channel, after any extension.
	End time.Time
	// Paused is true while flashdeck has the sale paused there.
	Paused bool
}

// Channel returns the sale's channel by id.
func (si *SaleInfo) Channel(id string) (SaleChannelInfo, bool) {
	for _, c := range si.Channels {
		if c.ID == id {
			return c, true
		}
	}
	return SaleChannelInfo{}, false
}

// saleLocked returns a sale by id, or nil. Callers hold e.mu.
func (e *Engine) saleLocked(id string) *sale {
	for _, s := range e.sales {
		if s.cfg.ID == id {
			return s
		}
	}
	return nil
}

// endTime is the latest end of the sale on any of its channels.
func (s *sale) endTime() time.Time {
	end := s.end
	for _, ci := range s.chans {
		end = max(end, s.endOn[ci])
	}
	return time.UnixMilli(end).In(s.cfg.End.Location())
}

// applyControl sets a channel's end and pause from a saved control state.
func (s *sale) applyControl(ci int, c store.Control) {
	s.endOn[ci] = s.end
	if !c.End.IsZero() {
		s.endOn[ci] = c.End.UnixMilli()
	}
	s.pausedOn[ci] = c.Paused
}

// SaleInfo returns what the actions need to know about a sale.
func (e *Engine) SaleInfo(id string) (SaleInfo, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.saleLocked(id)
	if s == nil {
		return SaleInfo{}, false
	}
	si := SaleInfo{ID: s.cfg.ID, Name: s.cfg.Name, Location: s.cfg.Location(), Start: s.cfg.Start, End: s.cfg.End, MaxEnd: s.cfg.MaxEnd()}
	for _, ci := range s.chans {
		ch := e.channels[ci]
		c := SaleChannelInfo{
			ID: ch.cfg.ID, Name: ch.cfg.DisplayName(), Kind: ch.cfg.Kind, Source: ch.src, Caps: ch.caps,
			End: time.UnixMilli(s.endOn[ci]).In(s.cfg.End.Location()), Paused: s.pausedOn[ci],
		}
		for _, k := range s.cfg.SKUs {
			if _, ok := k.Allocated[ch.cfg.ID]; ok {
				c.SKUs = append(c.SKUs, k.SKU)
			}
		}
		si.Channels = append(si.Channels, c)
	}
	return si, true
}

// saleChannel finds a sale and one of its channels.
func (e *Engine) saleChannel(saleID, channel string) (*sale, *channel, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ch := e.saleLocked(saleID), e.chByID[channel]
	if s == nil || ch == nil || !s.onChan[ch.idx] {
		return nil, nil, fmt.Errorf("engine: sale %q has no channel %q", saleID, channel)
	}
	return s, ch, nil
}

// saveControl saves a sale's whole control state on a channel: its end
// (left out when it is the configured one) and whether it is paused.
// Callers hold controlMu, so no other change saves an older half.
func (e *Engine) saveControl(s *sale, saleID, channel string, end int64, paused bool) error {
	c := store.Control{Sale: saleID, Channel: channel, Paused: paused}
	if end != s.end {
		c.End = time.UnixMilli(end)
	}
	if err := e.store.SaveControl(c); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	return nil
}

// endAllowed checks a sale's end on a channel lies between its start and
// the latest end its config allows. The engine holds to it whoever asks
// (an action, a replayed state): an end that cannot be shown or sent would
// take the snapshot of every sale down with it.
func endAllowed(s *config.Sale, end time.Time) error {
	if !end.After(s.Start) {
		return fmt.Errorf("the end %s is not after the sale's start %s", end.Format(time.RFC3339), s.Start.Format(time.RFC3339))
	}
	if max := s.MaxEnd(); end.After(max) {
		return fmt.Errorf("the end %s is later than the sale may be extended to (%s, max_extension past its configured end)", end.Format(time.RFC3339), max.Format(time.RFC3339))
	}
	return nil
}

// SetChannelEnd moves the end of a sale on one channel (an extension, or
// its undoing when the channel refused it), saves it, and recounts the
// orders created between the old end and the new one.
func (e *Engine) SetChannelEnd(saleID, channel string, end time.Time) error {
	e.controlMu.Lock()
	defer e.controlMu.Unlock()
	s, ch, err := e.saleChannel(saleID, channel)
	if err != nil {
		return err
	}
	if err := endAllowed(s.cfg, end); err != nil {
		return fmt.Errorf("engine: %s on %s: %w", saleID, channel, err)
	}
	e.mu.Lock()
	old, paused := s.endOn[ch.idx], s.pausedOn[ch.idx]
	e.mu.Unlock()
	if old == end.UnixMilli() {
		// Set already (an extension is set before it is sent and again
		// when applied): no save, and above all no scan of the orders.
		return nil
	}
	if err := e.saveControl(s, saleID, channel, end.UnixMilli(), paused); err != nil {
		return err
	}
	// The new window first: an order a poller brings from now on is
	// counted by it; the ones already saved are recounted below.
	e.mu.Lock()
	s.endOn[ch.idx] = end.UnixMilli()
	s.rules.ExtendEnd(s.endTime())
	e.mu.Unlock()
	lo, hi := min(old, end.UnixMilli()), max(old, end.UnixMilli())
	// Orders are read from the database outside the lock: a recount is
	// rare, and polling goes on meanwhile.
	var again []datasources.Order
	err = e.store.EachOrder(channel, func(o *datasources.Order) error {
		if at := o.CreatedAt.UnixMilli(); at >= lo && at < hi {
			again = append(again, *o)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	e.mu.Lock()
	for i := range again {
		e.ingest(ch, &again[i])
	}
	e.mu.Unlock()
	e.dirty.Store(true)
	return nil
}

// SetChannelPaused records that flashdeck paused (or resumed) a sale on
// one channel, and saves it.
func (e *Engine) SetChannelPaused(saleID, channel string, paused bool) error {
	e.controlMu.Lock()
	defer e.controlMu.Unlock()
	s, ch, err := e.saleChannel(saleID, channel)
	if err != nil {
		return err
	}
	e.mu.Lock()
	end := s.endOn[ch.idx]
	e.mu.Unlock()
	if err := e.saveControl(s, saleID, channel, end, paused); err != nil {
		return err
	}
	e.mu.Lock()
	s.pausedOn[ch.idx] = paused
	e.mu.Unlock()
	e.dirty.Store(true)
	return nil
}

// FlagChannels returns the channels on which a sale has a flagged order
// with this id (one, unless two channels use the same id).
func (e *Engine) FlagChannels(saleID, orderID string) []string {
	var out []string
	for _, f := range e.Flags(saleID) {
		if f.OrderID == orderID && !slices.Contains(out, f.Channel) {
			out = append(out, f.Channel)
		}
	}
	return out
}

// Remaining is what remains of a SKU's allocation on one channel of a
// sale (what cap_stock caps the channel's stock at).
func (e *Engine) Remaining(saleID, channel, sku string) (int, bool) {
	s, ch, err := e.saleChannel(saleID, channel)
	if err != nil {
		return 0, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, k := range s.skus {
		if k.cfg.SKU != sku {
			continue
		}
		for _, ci := range k.cells {
			if c := &e.cells[ci]; c.ch == ch.idx {
				return max(c.allocated-c.sold, 0), true
			}
		}
	}
	return 0, false
}

// NoteStock takes readings of a channel's stock made outside its polls
// (an action's read-back) as the latest: in memory only, the next stock
// poll saves its own.
func (e *Engine) NoteStock(channel string, readings []datasources.StockReading) {
	ch := e.chByID[channel]
	if ch == nil || len(readings) == 0 {
		return
	}
	wall := time.Now()
	e.mu.Lock()
	for _, r := range readings {
		if _, ok := ch.skus[r.SKU]; ok {
			ch.stock[r.SKU] = r
			ch.stockWall[r.SKU] = wall
		}
	}
	e.mu.Unlock()
	e.dirty.Store(true)
}
