package engine

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/flashdeck/flashdeck/app/rules"
)

// FlagSummary counts a sale's flagged orders for the snapshot.
type FlagSummary struct {
	Open      int `json:"open"`
	Reviewed  int `json:"reviewed"`
	Cancelled int `json:"cancelled"`
	// Version changes when any flag of the sale changes: screens reload
	// the list (Engine.Flags) only then.
	Version uint64 `json:"version"`
	// ByRule counts flagged orders per channel and rule (an order with two
	// rules counts under each), in any state.
	ByRule []FlagCount `json:"by_rule,omitempty"`
}

// FlagCount is the number of flagged orders of one rule on one channel.
type FlagCount struct {
	Channel string `json:"channel"`
	Rule    string `json:"rule"`
	Count   int    `json:"count"`
}

// flagCache is a sale's flag list as of a rules version: built at most
// once per change, shared read-only by every reader.
type flagCache struct {
	version uint64
	built   bool
	list    []rules.Flag
	summary FlagSummary
}

// flagsLocked returns the sale's current flags. Callers hold e.mu.
func (e *Engine) flagsLocked(s *sale) *flagCache {
	v := s.rules.Version()
	if s.flags.built && s.flags.version == v {
		return &s.flags
	}
	list := s.rules.Flags()
	sum := FlagSummary{Version: v}
	counts := map[[2]string]int{}
	for _, f := range list {
		switch f.State {
		case rules.StateReviewed:
			sum.Reviewed++
		case rules.StateCancelled:
			sum.Cancelled++
		default:
			sum.Open++
		}
		for _, h := range f.Rules {
			counts[[2]string{f.Channel, h.ID}]++
		}
	}
	for k, n := range counts {
		sum.ByRule = append(sum.ByRule, FlagCount{Channel: k[0], Rule: k[1], Count: n})
	}
	slices.SortFunc(sum.ByRule, func(a, b FlagCount) int {
		return cmp.Or(cmp.Compare(a.Channel, b.Channel), slices.Index(rules.IDs, a.Rule)-slices.Index(rules.IDs, b.Rule))
	})
	s.flags = flagCache{version: v, built: true, list: list, summary: sum}
	return &s.flags
}

// Flags returns the flagged orders of a sale (of every sale when saleID is
// empty), the highest score first. The slice is shared: do not modify it.
func (e *Engine) Flags(saleID string) []rules.Flag {
	e.mu.Lock()
	defer e.mu.Unlock()
	if saleID != "" {
		for _, s := range e.sales {
			if s.cfg.ID == saleID {
				return e.flagsLocked(s).list
			}
		}
		return nil
	}
	if len(e.sales) == 1 {
		return e.flagsLocked(e.sales[0]).list
	}
	var all []rules.Flag
	for _, s := range e.sales {
		all = append(all, e.flagsLocked(s).list...)
	}
	rules.SortFlags(all)
	return all
}

// ErrNoSale is returned for a sale id the configuration does not have.
var ErrNoSale = errors.New("no such sale")

// ReviewFlag marks a flagged order reviewed by a user, saves it (synced
// to disk before it returns) and returns the flag as it now stands.
func (e *Engine) ReviewFlag(saleID, channel, orderID, by, note string) (rules.Flag, error) {
	e.mu.Lock()
	var rs *rules.Sale
	for _, s := range e.sales {
		if s.cfg.ID == saleID {
			rs = s.rules
		}
	}
	if rs == nil {
		e.mu.Unlock()
		return rules.Flag{}, fmt.Errorf("sale %q: %w", saleID, ErrNoSale)
	}
	f, err := rs.Review(channel, orderID, rules.Review{By: by, At: time.Now(), Note: note})
	e.mu.Unlock()
	if err != nil {
		return rules.Flag{}, err
	}
	if err := e.store.SaveFlags([]rules.Flag{f}); err != nil {
		return rules.Flag{}, err
	}
	e.dirty.Store(true)
	return f, nil
}
