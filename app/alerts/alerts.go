// Package alerts turns the difference between two engine snapshots into the
// events a launch manager must not miss: a channel going down or coming
// back, a SKU about to sell out, a SKU selling out. It holds no Fyne code:
// the desktop shows the events as notifications and a banner, and tests
// check them without a display.
package alerts

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
)

// Kind is what happened.
type Kind string

// Alert kinds.
const (
	ChannelDown      Kind = "channel_down"
	ChannelRecovered Kind = "channel_recovered"
	SellOutImminent  Kind = "sellout_imminent"
	SoldOut          Kind = "sold_out"
	// OversellRisk: a channel offers more units than remain of the
	// allocation; NotSelling: it offers none while units remain.
	OversellRisk Kind = "oversell_risk"
	NotSelling   Kind = "not_selling"
)

// Alert is one event, worded for a person.
type Alert struct {
	Kind  Kind
	At    time.Time // wall time of the snapshot that showed it
	Key   string    // what it is about: a channel id, or sale/sku/channel
	Title string
	Body  string
}

// Imminent is how close a sell-out must be to be announced.
const Imminent = 5 * time.Minute

// Detector remembers what was already announced, so each event is
// announced once: a SKU whose ETA hovers around five minutes does not
// flap, and a channel that stays down is not announced on every snapshot.
type Detector struct {
	primed bool
	down   map[string]bool
	// cells is what was announced per sale, SKU and channel: one lookup
	// per listing and snapshot, with no key built (5,600 listings at
	// launch scale, every snapshot).
	cells map[cellKey]*cellState
}

type cellKey struct{ sale, sku, channel string }

// cellState is what was last announced about one listing.
type cellState struct {
	imminent, soldOut bool
	// stock is the stock status last announced.
	stock string
}

// NewDetector returns a detector that stays silent about the state it first
// sees (a dashboard opened mid-sale does not replay every sell-out).
func NewDetector() *Detector {
	return &Detector{down: map[string]bool{}, cells: map[cellKey]*cellState{}}
}

// Next returns the events between the previous snapshot and s.
func (d *Detector) Next(s *engine.Snapshot) []Alert {
	if s == nil {
		return nil
	}
	var out []Alert
	emit := func(a Alert) {
		if d.primed {
			a.At = s.Wall
			out = append(out, a)
		}
	}
	names := make(map[string]string, len(s.Channels))
	for _, c := range s.Channels {
		names[c.ID] = c.Name
		isDown := c.State == engine.StateDown
		switch {
		case isDown && !d.down[c.ID]:
			body := fmt.Sprintf(lang.L("last data %s"), format.Age(c.LastSuccess, s.Wall))
			if c.LastError != "" {
				body += ": " + c.LastError
			}
			emit(Alert{Kind: ChannelDown, Key: c.ID, Title: fmt.Sprintf(lang.L("%s is DOWN"), c.Name), Body: body})
		case !isDown && d.down[c.ID] && c.State != engine.StateDisabled:
			emit(Alert{Kind: ChannelRecovered, Key: c.ID, Title: fmt.Sprintf(lang.L("%s is back"), c.Name), Body: lang.L("figures are live again")})
		}
		d.down[c.ID] = isDown
	}
	for i := range s.Sales {
		sale := &s.Sales[i]
		if sale.State != engine.SaleLive && sale.State != engine.SaleSoldOut {
			continue
		}
		for j := range sale.SKUs {
			k := &sale.SKUs[j]
			for m := range k.Channels {
				c := &k.Channels[m]
				ck := cellKey{sale.ID, k.SKU, c.Channel}
				st := d.cells[ck]
				if st == nil {
					st = &cellState{}
					d.cells[ck] = st
				}
				key := func() string { return sale.ID + "/" + k.SKU + "/" + c.Channel }
				ch := names[c.Channel]
				if ch == "" {
					ch = c.Channel
				}
				d.stockAlert(emit, key, st, sale, k, c, ch)
				if sale.State != engine.SaleLive {
					continue
				}
				if c.Allocated > 0 && c.Remaining <= 0 {
					if !st.soldOut {
						emit(Alert{Kind: SoldOut, Key: key(), Title: fmt.Sprintf(lang.L("%s SOLD OUT on %s"), k.Name, ch),
							Body: fmt.Sprintf(lang.L("%s units sold (%s)"), format.Count(c.Sold, sale.Currency), sale.Name)})
					}
					st.soldOut = true
					continue
				}
				st.soldOut = false
				// Stale figures predict nothing: no sell-out warning from a
				// channel that is not answering.
				soon := !c.Stale && c.ETASellout != nil && c.ETASellout.Sub(s.At) < Imminent
				if soon && !st.imminent {
					emit(Alert{Kind: SellOutImminent, Key: key(), Title: fmt.Sprintf(lang.L("%s sells out on %s in %s"), k.Name, ch, format.Countdown(c.ETASellout.Sub(s.At))),
						Body: fmt.Sprintf(lang.L("%s left at %s"), format.Count(c.Remaining, sale.Currency), format.Rate(c.Rate1m, sale.Currency))})
				}
				// Re-arm only when the ETA moves well away, so a rate that
				// wobbles around the threshold does not flap.
				if soon {
					st.imminent = true
				} else if c.ETASellout == nil || c.ETASellout.Sub(s.At) > 2*Imminent {
					st.imminent = false
				}
			}
		}
	}
	d.primed = true
	return out
}

// stockAlert announces a SKU's channel stock turning oversell risk or not
// selling, once until it turns something else. Stale or in-flight
// readings neither raise nor clear it: they judge nothing.
func (d *Detector) stockAlert(emit func(Alert), key func() string, cs *cellState, sale *engine.SaleSnap, k *engine.SKUSnap, c *engine.CellSnap, ch string) {
	st := c.StockStatus
	if st == engine.StockStale || st == engine.StockInFlight || st == engine.StockUnread {
		return
	}
	if st == cs.stock {
		return
	}
	cs.stock = st
	stock := 0
	if c.Stock != nil {
		stock = *c.Stock
	}
	switch st {
	case engine.StockOversell:
		emit(Alert{Kind: OversellRisk, Key: key(), Title: fmt.Sprintf(lang.L("%s offers more %s than remain"), ch, k.Name),
			Body: fmt.Sprintf(lang.L("%s sellable on %s, %s left of the allocation (%s): cap it at the allocation or pause"), format.Count(stock, sale.Currency), ch, format.Count(c.Remaining, sale.Currency), sale.Name)})
	case engine.StockNotSelling:
		emit(Alert{Kind: NotSelling, Key: key(), Title: fmt.Sprintf(lang.L("%s is not selling on %s"), k.Name, ch),
			Body: fmt.Sprintf(lang.L("%s offers 0 while %s remain of the allocation (%s)"), ch, format.Count(c.Remaining, sale.Currency), sale.Name)})
	}
}
