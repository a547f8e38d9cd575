package simulator

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// A Plant is a scripted order: a buyer identity chosen by the scenario,
// placed on one channel at a fixed time after the sale opened. Plants are
// how a scenario carries the abuse a rules engine should find (and the
// look-alike clean orders it should not flag), with the ground truth to
// score it against: Book.Planted and Truth.Planted list the orders that
// were planted.
//
// A plant becomes an ordinary order of its channel: it takes stock, gets
// the next order id, and is accepted (ready to ship) two to ten minutes
// later. It is never cancelled, and it does not count towards the
// ordinary buyers' per-buyer limit (its buyer is not one of them). A plant whose SKU cannot be sold at its time (sold
// out, paused, not allocated to the channel, or the sale over) is skipped
// and not listed. Plants for a channel the scenario does not have are
// ignored, so a test may keep only some of a scenario's channels.
type Plant struct {
	Channel string        // channel id, e.g. "lazada-id"
	At      time.Duration // creation time, after the sale opened
	Buyer   Buyer         // the whole identity; ID must be digits
	SKU     string
	Qty     int
	// Kind labels the abuse planted (one of the Plant* constants, or any
	// label a test likes). Listed with the order id in the truth.
	Kind string
	// Decoy marks a scripted order that looks suspicious but is legitimate
	// (a family of two at one address, a ring's neighbour). It is not
	// planted abuse: it is listed in Truth.Decoys, not in Truth.Planted.
	Decoy bool
}

// Kinds of the demo scenario's plants.
const (
	// PlantResellerRing: several accounts on several channels shipping to
	// one address spelled many ways, some sharing a payment method.
	PlantResellerRing = "reseller_ring"
	// PlantBotOpening: checkouts faster than a human can, in the first
	// seconds after the sale opened.
	PlantBotOpening = "bot_opening"
	// PlantAddressJig: accounts shipping to one address "jigged" into
	// different spellings to slip past exact-match checks.
	PlantAddressJig = "address_jig"
	// PlantOverLimit: one account buying more than the per-buyer limit, in
	// one order or over several.
	PlantOverLimit = "over_limit"
	// PlantSharedPhone: two accounts on two channels behind one phone.
	PlantSharedPhone = "shared_phone"
	// DecoyFamily: two accounts at one address, each within the limit.
	DecoyFamily = "family"
	// DecoyNeighbour: a clean order at a look-alike of a ring's address:
	// the next house, a sibling street, a namesake in another city.
	DecoyNeighbour = "neighbour"
)

// PlantedOrder is an order a plant created: its order id on the channel
// (as the dialects serve it) and the plant's kind.
type PlantedOrder struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
}

// plant is a Plant bound to one book.
type plant struct {
	at    int64 // sale time, unix ms
	sku   int32
	qty   int
	buyer int32 // negative: an index into Book.plantBuyers
	kind  string
	decoy bool
}

// addPlants binds the scenario's plants for this book's channel, in time
// order (scenario order among plants at the same time).
func (b *Book) addPlants(sc *Scenario) {
	for _, p := range sc.Plants {
		sku, ok := b.skuIdx[p.SKU]
		if p.Channel != b.spec.ID || !ok {
			continue
		}
		b.plantBuyers = append(b.plantBuyers, p.Buyer)
		b.plants = append(b.plants, plant{
			at:  b.sale.Start.Add(p.At).UnixMilli(),
			sku: sku, qty: p.Qty, buyer: -int32(len(b.plantBuyers)),
			kind: p.Kind, decoy: p.Decoy,
		})
	}
	slices.SortStableFunc(b.plants, func(x, y plant) int { return cmp.Compare(x.at, y.at) })
}

// plantsBefore places the plants due before sale time `until`, appending
// their log entries to out. Callers hold mu.
func (b *Book) plantsBefore(until int64, out []logEntry) []logEntry {
	for b.nextPlant < len(b.plants) && b.plants[b.nextPlant].at < until {
		p := b.plants[b.nextPlant]
		b.nextPlant++
		st := &b.state[p.sku]
		if st.paused || st.available() < p.qty || p.at < b.sale.Start.UnixMilli() || p.at >= st.end.UnixMilli() {
			continue // cannot be sold now: skipped, and not listed
		}
		st.take(p.qty)
		idx := b.newOrder(p.buyer, p.at, p.sku, p.qty)
		id := b.orders[idx].id
		// Accepted two to ten minutes later, like most orders. The delay
		// comes from the order id, not from b.rng: plants must not shift
		// the ordinary buyers' random draws.
		b.schedule(event{at: p.at + 120_000 + int64(fnv64(fmt.Sprint(id))%(8*60_000)), idx: idx, kind: stReady})
		po := PlantedOrder{ID: fmt.Sprint(id), Kind: p.kind}
		if p.decoy {
			b.decoys = append(b.decoys, po)
		} else {
			b.planted = append(b.planted, po)
		}
		out = append(out, logEntry{at: p.at, idx: idx})
	}
	return out
}

// Planted lists the orders planted on this channel so far, in order id
// order: the abuse a rules engine should flag.
func (b *Book) Planted() []PlantedOrder {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	return append([]PlantedOrder{}, b.planted...)
}

// Decoys lists the scripted clean orders placed on this channel so far:
// look-alikes a rules engine should not flag.
func (b *Book) Decoys() []PlantedOrder {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	return append([]PlantedOrder{}, b.decoys...)
}
