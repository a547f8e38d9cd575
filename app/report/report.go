// Package report writes a sale's post-mortem: one self-contained HTML file
// (no network, prints cleanly to PDF) with the sale's timeline as an
// image, sell-through and sell-out per channel and per SKU, every outage
// and what it cost, the flagged orders by rule and what was done about
// them, and the audit of actions. It reads a running engine, or the
// embedded database after the sale (Open). It never imports Fyne.
package report

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/timeline"
	"github.com/flashdeck/flashdeck/datasources"
)

// Report is a sale's post-mortem, every figure worked out.
type Report struct {
	Sale      engine.SaleSnap
	Generated time.Time // sale clock
	Timeline  timeline.Model
	Channels  []Row
	SKUs      []Row // by sell-through, highest first
	Outages   []Outage
	Rules     []RuleRow
	Flagged   int
	Actions   []actions.Action // oldest first
	// Revenue is the flash price times the units sold, every SKU.
	Revenue datasources.Money
}

// Row is the figures of a channel or a SKU.
type Row struct {
	ID, Name    string
	Allocated   int
	Sold        int
	SellThrough float64
	// SoldOut is when the allocation ran out (zero: it did not).
	SoldOut time.Time
	Revenue datasources.Money
}

// Outage is a run of minutes a channel was down.
type Outage struct {
	Channel, ChannelName string
	Start                time.Time
	Length               time.Duration
	Ongoing              bool
	Why                  string
	// Before and During are units per minute on the channel in the
	// minutes before the outage (up to RateWindow) and during it; Lost is
	// (Before − During) × its length in minutes, at least 0, and LostMoney
	// that at the sale's average price.
	Before, During float64
	Lost           int
	LostMoney      datasources.Money
}

// RateWindow is how far back the sales rate before an outage is measured.
const RateWindow = 15 * time.Minute

// RuleRow is the flagged orders one rule caught, by what became of them.
type RuleRow struct {
	Rule                      string
	Orders, Units             int
	Open, Reviewed, Cancelled int
}

// Engine is what a report reads of the engine (*engine.Engine).
type Engine interface {
	Snapshot() *engine.Snapshot
	History(sale string) (engine.SaleHistory, bool)
	Flags(sale string) []rules.Flag
	SellOuts(sale string) engine.SellOuts
}

// Audit is the audit trail of actions (*actions.Service).
type Audit interface {
	List(f actions.Filter) ([]actions.Action, error)
}

// Source is what a report reads.
type Source struct {
	Engine Engine
	// Actions may be nil: the report then lists no action.
	Actions Audit
	// Now is the sale clock (the engine's snapshot time when nil).
	Now func() time.Time
}

// ErrNoSale is a sale id the configuration does not have.
var ErrNoSale = errors.New("no such sale")

// Build works out the report of a sale.
func Build(src Source, saleID string) (*Report, error) {
	snap := src.Engine.Snapshot()
	var sale *engine.SaleSnap
	for i := range snap.Sales {
		if snap.Sales[i].ID == saleID {
			sale = &snap.Sales[i]
		}
	}
	if sale == nil {
		return nil, fmt.Errorf("report: %w: %q", ErrNoSale, saleID)
	}
	now := snap.At
	if src.Now != nil {
		now = src.Now()
	}
	hist, _ := src.Engine.History(saleID)
	var acts []actions.Action
	if src.Actions != nil {
		var err error
		if acts, err = src.Actions.List(actions.Filter{Sale: saleID}); err != nil {
			return nil, fmt.Errorf("report: the audit of actions: %w", err)
		}
	}
	slices.Reverse(acts) // oldest first
	flags := src.Engine.Flags(saleID)
	r := &Report{Sale: *sale, Generated: now, Actions: acts, Flagged: len(flags)}
	r.Timeline = timeline.Build(timeline.Input{History: hist, Now: now, Actions: acts, Flags: flags})
	outs := src.Engine.SellOuts(saleID)

	price := map[string]datasources.Money{}
	for _, k := range sale.SKUs {
		price[k.SKU] = k.FlashPrice
		rev := k.FlashPrice * datasources.Money(k.Sold)
		r.Revenue += rev
		r.SKUs = append(r.SKUs, Row{ID: k.SKU, Name: k.Name, Allocated: k.Allocated, Sold: k.Sold, SellThrough: k.SellThrough, SoldOut: outs.SKU[k.SKU], Revenue: rev})
	}
	slices.SortStableFunc(r.SKUs, func(a, b Row) int { return cmp.Compare(b.SellThrough, a.SellThrough) })
	names := map[string]string{}
	for _, c := range snap.Channels {
		names[c.ID] = c.Name
	}
	for _, c := range sale.Channels {
		row := Row{ID: c.Channel, Name: names[c.Channel], Allocated: c.Allocated, Sold: c.Sold, SellThrough: c.SellThrough, SoldOut: outs.Channel[c.Channel]}
		for _, k := range sale.SKUs {
			for _, kc := range k.Channels {
				if kc.Channel == c.Channel {
					row.Revenue += k.FlashPrice * datasources.Money(kc.Sold)
				}
			}
		}
		r.Channels = append(r.Channels, row)
	}
	r.Outages = outages(r.Timeline, r.Revenue, sale.Sold)
	r.Rules = byRule(flags)
	return r, nil
}

// outages costs every down band of the timeline: the sales rate on its
// channel before it against during it.
func outages(m timeline.Model, revenue datasources.Money, sold int) []Outage {
	var out []Outage
	window := int(RateWindow / time.Minute)
	for _, b := range m.Bands {
		if b.State != timeline.BandDown {
			continue
		}
		s := m.Channels[b.Channel]
		o := Outage{Channel: s.ID, ChannelName: s.Name, Start: b.Since, Why: b.Why, Ongoing: b.Until.IsZero()}
		end := b.Until
		if o.Ongoing {
			end = m.Start.Add(time.Duration(m.Now) * time.Minute)
		}
		o.Length = max(end.Sub(b.Since), 0)
		o.Before = mean(s.PerMinute, b.From-window, b.From)
		during := min(b.To, m.Now)
		o.During = mean(s.PerMinute, b.From, during)
		if o.Before > o.During {
			o.Lost = int((o.Before-o.During)*o.Length.Minutes() + 0.5)
		}
		if sold > 0 {
			o.LostMoney = revenue * datasources.Money(o.Lost) / datasources.Money(sold)
		}
		out = append(out, o)
	}
	slices.SortStableFunc(out, func(a, b Outage) int { return a.Start.Compare(b.Start) })
	return out
}

// mean is the average of v over [from, to), clipped to v.
func mean(v []float64, from, to int) float64 {
	from, to = max(from, 0), min(to, len(v))
	if to <= from {
		return 0
	}
	sum := 0.0
	for _, x := range v[from:to] {
		sum += x
	}
	return sum / float64(to-from)
}

// byRule counts the flagged orders each rule caught, and their fate. An
// order two rules caught counts under both.
func byRule(flags []rules.Flag) []RuleRow {
	rows := map[string]*RuleRow{}
	for _, f := range flags {
		for _, h := range f.Rules {
			r := rows[h.ID]
			if r == nil {
				r = &RuleRow{Rule: h.ID}
				rows[h.ID] = r
			}
			r.Orders++
			r.Units += f.Units
			switch f.State {
			case rules.StateReviewed:
				r.Reviewed++
			case rules.StateCancelled:
				r.Cancelled++
			default:
				r.Open++
			}
		}
	}
	var out []RuleRow
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b RuleRow) int {
		return cmp.Or(cmp.Compare(b.Orders, a.Orders), cmp.Compare(a.Rule, b.Rule))
	})
	return out
}
