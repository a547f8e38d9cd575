// Package delta computes what changed from one snapshot to the next, and
// applies such a change to the earlier snapshot to get the later one back.
//
// The collector's stream sends a launch-scale snapshot (1,400 SKUs on 4
// channels, megabytes of JSON) whole only on connect; after that it sends
// deltas, computed once per snapshot however many desktops read them.
//
// A delta names the snapshot it applies on (Base) and the one it makes
// (Seq). Its parts, applied in this order to a copy of the base:
//
//  1. at, wall and seq are set;
//  2. every sell-out ETA keeps its distance from at: it moves by the
//     difference of the two snapshots' at (an ETA is "now + remaining /
//     rate", so it moves with the clock although nothing was sold);
//  3. moves: a cell's as_of or stock_as_of, or a SKU's as_of, equal to a
//     move's "from" becomes its "to" (one poll of a channel makes every
//     cell of the channel one poll younger);
//  4. patches: for each changed channel, sale, sale channel, SKU or cell
//     (by index), the JSON fields that differ from the result of 1–3
//     (set), and the names of those that are gone (unset).
//
// A delta never changes the shape of a snapshot: when a sale, SKU or
// channel comes or goes, or moves, Diff says so and the whole snapshot is
// sent instead.
package delta

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
)

// Delta is what changed from snapshot Base to snapshot Seq.
type Delta struct {
	Base     uint64      `json:"base"`
	Seq      uint64      `json:"seq"`
	At       time.Time   `json:"at"`
	Wall     time.Time   `json:"wall"`
	Moves    Moves       `json:"moves,omitzero"`
	Channels []Patch     `json:"channels,omitempty"`
	Sales    []SalePatch `json:"sales,omitempty"`
}

// Set is the JSON fields of one part that changed, as one JSON object
// (kept raw: a desktop decodes it straight into the part).
type Set = json.RawMessage

// Change is what changed in one part: the fields in Set take their
// values, and the fields named in Unset become absent (their zero value:
// the encoder leaves them out).
type Change struct {
	Set   Set      `json:"set,omitempty"`
	Unset []string `json:"unset,omitempty"`
}

func (c Change) empty() bool { return len(c.Set) == 0 && len(c.Unset) == 0 }

// Patch changes the I-th element of a list.
type Patch struct {
	I int `json:"i"`
	Change
}

// SalePatch changes the I-th sale: its own fields (not channels or skus),
// and those of its channels and SKUs.
type SalePatch struct {
	I int `json:"i"`
	Change
	Channels []Patch    `json:"channels,omitempty"`
	SKUs     []SKUPatch `json:"skus,omitempty"`
}

// SKUPatch changes the I-th SKU of a sale: its own fields (not channels),
// and those of its cells (the SKU on each channel).
type SKUPatch struct {
	I int `json:"i"`
	Change
	Cells []Patch `json:"cells,omitempty"`
}

// Move replaces a time equal to From by To.
type Move struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Moves are the time moves of a delta, by the field they apply to.
type Moves struct {
	CellAsOf      []Move `json:"cell_as_of,omitempty"`
	CellStockAsOf []Move `json:"cell_stock_as_of,omitempty"`
	SKUAsOf       []Move `json:"sku_as_of,omitempty"`
}

// ErrShape is returned by Diff when the two snapshots differ in shape:
// only the whole snapshot can say what changed.
var ErrShape = errors.New("the snapshots differ in shape")

// tkey is a time as a map key: the instant, whatever its location.
type tkey struct {
	sec  int64
	nsec int
}

func keyOf(t time.Time) tkey { return tkey{t.Unix(), t.Nanosecond()} }

// moveSet collects, for each time of the earlier snapshot, the one it
// became; a time that became two different ones (or stayed in one place
// and moved in another) cannot move as a whole.
type moveSet map[tkey]*moveTo

type moveTo struct {
	from, to time.Time
	mixed    bool
}

func (m moveSet) see(from, to time.Time) {
	k := keyOf(from)
	if e, ok := m[k]; ok {
		if !e.to.Equal(to) {
			e.mixed = true
		}
		return
	}
	m[k] = &moveTo{from: from, to: to}
}

// list is the moves worth sending: whole and not in place.
func (m moveSet) list() []Move {
	var out []Move
	for _, e := range m {
		if !e.mixed && !e.from.Equal(e.to) {
			out = append(out, Move{From: e.from, To: e.to})
		}
	}
	return out
}

// moveMap is the moves of a delta to apply. A delta has a few moves (one
// a channel polled), asked of every cell: a list scanned beats a map
// hashed, up to a dozen.
type moveMap struct {
	list []keyedMove
	m    map[tkey]time.Time
}

type keyedMove struct {
	from tkey
	to   time.Time
}

func mapOf(ms []Move) moveMap {
	var m moveMap
	if len(ms) > 12 {
		m.m = make(map[tkey]time.Time, len(ms))
		for _, mv := range ms {
			m.m[keyOf(mv.From)] = mv.To
		}
		return m
	}
	// A time moved twice takes its last move, as in the map: the list is
	// scanned from the last.
	for i := len(ms) - 1; i >= 0; i-- {
		m.list = append(m.list, keyedMove{keyOf(ms[i].From), ms[i].To})
	}
	return m
}

func (m moveMap) apply(t time.Time) time.Time {
	if m.m != nil {
		if to, ok := m.m[keyOf(t)]; ok {
			return to
		}
		return t
	}
	if len(m.list) == 0 {
		return t
	}
	k := keyOf(t)
	for _, mv := range m.list {
		if mv.from == k {
			return mv.to
		}
	}
	return t
}

// shift moves an ETA with the clock (step 2).
func shift(eta *time.Time, fromAt, toAt time.Time) *time.Time {
	if eta == nil {
		return nil
	}
	t := toAt.Add(eta.Sub(fromAt))
	return &t
}

func shiftFigures(f *engine.Figures, fromAt, toAt time.Time) {
	f.ETASellout = shift(f.ETASellout, fromAt, toAt)
}

// Diff is the delta from a to b. It returns ErrShape when the snapshots
// differ in shape, and an error when a changed part cannot be encoded.
func Diff(a, b *engine.Snapshot) (*Delta, error) {
	if len(a.Sales) != len(b.Sales) || len(a.Channels) != len(b.Channels) {
		return nil, ErrShape
	}
	for i := range a.Channels {
		if a.Channels[i].ID != b.Channels[i].ID {
			return nil, ErrShape
		}
	}
	cellAsOf, cellStock, skuAsOf := moveSet{}, moveSet{}, moveSet{}
	for i := range a.Sales {
		sa, sb := &a.Sales[i], &b.Sales[i]
		if sa.ID != sb.ID || len(sa.SKUs) != len(sb.SKUs) || len(sa.Channels) != len(sb.Channels) {
			return nil, ErrShape
		}
		for j := range sa.Channels {
			if sa.Channels[j].Channel != sb.Channels[j].Channel {
				return nil, ErrShape
			}
		}
		for j := range sa.SKUs {
			ka, kb := &sa.SKUs[j], &sb.SKUs[j]
			if ka.SKU != kb.SKU || len(ka.Channels) != len(kb.Channels) {
				return nil, ErrShape
			}
			skuAsOf.see(ka.AsOf, kb.AsOf)
			for c := range ka.Channels {
				ca, cb := &ka.Channels[c], &kb.Channels[c]
				if ca.Channel != cb.Channel {
					return nil, ErrShape
				}
				cellAsOf.see(ca.AsOf, cb.AsOf)
				cellStock.see(ca.StockAsOf, cb.StockAsOf)
			}
		}
	}
	d := &Delta{Base: a.Seq, Seq: b.Seq, At: b.At, Wall: b.Wall,
		Moves: Moves{CellAsOf: cellAsOf.list(), CellStockAsOf: cellStock.list(), SKUAsOf: skuAsOf.list()}}
	mCell, mStock, mSKU := mapOf(d.Moves.CellAsOf), mapOf(d.Moves.CellStockAsOf), mapOf(d.Moves.SKUAsOf)

	for i := range a.Channels {
		ch, err := fieldsDiff(&a.Channels[i], &b.Channels[i], nil)
		if err != nil {
			return nil, fmt.Errorf("channel %s: %w", b.Channels[i].ID, err)
		}
		if !ch.empty() {
			d.Channels = append(d.Channels, Patch{I: i, Change: ch})
		}
	}
	for i := range a.Sales {
		sa, sb := &a.Sales[i], &b.Sales[i]
		sp := SalePatch{I: i}
		var err error
		pa, pb := saleHead(*sa), saleHead(*sb)
		shiftFigures(&pa.Figures, a.At, b.At)
		if sp.Change, err = fieldsDiff(&pa, &pb, saleParts); err != nil {
			return nil, fmt.Errorf("sale %s: %w", sb.ID, err)
		}
		for j := range sa.Channels {
			p := sa.Channels[j]
			shiftFigures(&p.Figures, a.At, b.At)
			ch, err := fieldsDiff(&p, &sb.Channels[j], nil)
			if err != nil {
				return nil, fmt.Errorf("sale %s channel %s: %w", sb.ID, p.Channel, err)
			}
			if !ch.empty() {
				sp.Channels = append(sp.Channels, Patch{I: j, Change: ch})
			}
		}
		for j := range sa.SKUs {
			ka, kb := &sa.SKUs[j], &sb.SKUs[j]
			kp := SKUPatch{I: j}
			ha := skuHead(*ka)
			shiftFigures(&ha.Figures, a.At, b.At)
			ha.AsOf = mSKU.apply(ha.AsOf)
			hb := skuHead(*kb)
			if !figuresEqual(&ha.Figures, &hb.Figures) || ha.SKU != hb.SKU || ha.Name != hb.Name || ha.FlashPrice != hb.FlashPrice {
				if kp.Change, err = fieldsDiff(&ha, &hb, skuParts); err != nil {
					return nil, fmt.Errorf("sale %s SKU %s: %w", sb.ID, kb.SKU, err)
				}
			}
			for c := range ka.Channels {
				p := ka.Channels[c]
				shiftFigures(&p.Figures, a.At, b.At)
				p.AsOf = mCell.apply(p.AsOf)
				p.StockAsOf = mStock.apply(p.StockAsOf)
				if cellEqual(&p, &kb.Channels[c]) {
					continue
				}
				ch, err := fieldsDiff(&p, &kb.Channels[c], nil)
				if err != nil {
					return nil, fmt.Errorf("sale %s SKU %s channel %s: %w", sb.ID, kb.SKU, p.Channel, err)
				}
				if !ch.empty() {
					kp.Cells = append(kp.Cells, Patch{I: c, Change: ch})
				}
			}
			if !kp.Change.empty() || kp.Cells != nil {
				sp.SKUs = append(sp.SKUs, kp)
			}
		}
		if !sp.Change.empty() || sp.Channels != nil || sp.SKUs != nil {
			d.Sales = append(d.Sales, sp)
		}
	}
	return d, nil
}

// The lists inside a sale and a SKU, which their own patches leave alone.
var (
	saleParts = []string{"channels", "skus"}
	skuParts  = []string{"channels"}
)

func saleHead(s engine.SaleSnap) engine.SaleSnap {
	s.Channels, s.SKUs = nil, nil
	return s
}

func skuHead(k engine.SKUSnap) engine.SKUSnap {
	k.Channels = nil
	return k
}

// figuresEqual compares two figures field by field (cheaper than their
// JSON, for the thousands of cells of a snapshot).
func figuresEqual(a, b *engine.Figures) bool {
	return a.Allocated == b.Allocated && a.Sold == b.Sold && a.Remaining == b.Remaining &&
		a.SellThrough == b.SellThrough && a.Rate1m == b.Rate1m && a.Rate5m == b.Rate5m &&
		timePtrEqual(a.ETASellout, b.ETASellout) && a.AsOf.Equal(b.AsOf) && a.Stale == b.Stale && a.Old == b.Old
}

func cellEqual(a, b *engine.CellSnap) bool {
	return a.Channel == b.Channel && figuresEqual(&a.Figures, &b.Figures) &&
		intPtrEqual(a.Stock, b.Stock) && a.StockAsOf.Equal(b.StockAsOf) &&
		intPtrEqual(a.StockDifference, b.StockDifference) && a.StockStatus == b.StockStatus && a.SaleState == b.SaleState
}

func timePtrEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func intPtrEqual(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
