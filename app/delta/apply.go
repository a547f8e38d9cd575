package delta

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
)

// BaseError is a delta that does not apply on the snapshot held: one or
// more deltas were missed, and only a whole snapshot can catch up.
type BaseError struct {
	Held, Base uint64
}

func (e *BaseError) Error() string {
	return fmt.Sprintf("a delta on snapshot %d, but snapshot %d is held", e.Base, e.Held)
}

// Apply returns the snapshot d makes of a. Neither a nor anything it
// points to is changed: a screen may still hold it. A delta for another
// base is a *BaseError; a delta that names parts a does not have, or sets
// fields to values they cannot take, is an error naming where.
func Apply(a *engine.Snapshot, d *Delta) (*engine.Snapshot, error) {
	if d.Base != a.Seq {
		return nil, &BaseError{Held: a.Seq, Base: d.Base}
	}
	if d.At.IsZero() || d.Wall.IsZero() {
		return nil, fmt.Errorf("delta %d: no at or wall time", d.Seq)
	}
	b := &engine.Snapshot{At: d.At, Wall: d.Wall, Seq: d.Seq}
	mCell, mStock, mSKU := mapOf(d.Moves.CellAsOf), mapOf(d.Moves.CellStockAsOf), mapOf(d.Moves.SKUAsOf)

	b.Channels = slices.Clone(a.Channels)
	for _, p := range d.Channels {
		if p.I < 0 || p.I >= len(b.Channels) {
			return nil, fmt.Errorf("delta %d: channel %d of %d", d.Seq, p.I, len(b.Channels))
		}
		ch, err := applyFields(b.Channels[p.I], p.Change, nil)
		if err != nil {
			return nil, fmt.Errorf("delta %d: channel %s: %w", d.Seq, b.Channels[p.I].ID, err)
		}
		b.Channels[p.I] = ch
	}

	// A launch-scale snapshot has thousands of cells, and every ETA moves:
	// they are copied into one block each (cells, ETAs) rather than
	// thousands of small ones, which a desktop would collect again at
	// every delta.
	nCells, nETAs := 0, 0
	for i := range a.Sales {
		nETAs += countETAs(&a.Sales[i])
		for j := range a.Sales[i].SKUs {
			nCells += len(a.Sales[i].SKUs[j].Channels)
		}
	}
	cells := make([]engine.CellSnap, 0, nCells)
	etas := make([]time.Time, 0, nETAs)
	move := func(f *engine.Figures) {
		if f.ETASellout != nil {
			etas = append(etas, b.At.Add(f.ETASellout.Sub(a.At)))
			f.ETASellout = &etas[len(etas)-1]
		}
	}
	b.Sales = make([]engine.SaleSnap, len(a.Sales))
	for i := range a.Sales {
		s := a.Sales[i]
		move(&s.Figures)
		s.Channels = slices.Clone(s.Channels)
		for j := range s.Channels {
			move(&s.Channels[j].Figures)
		}
		skus := make([]engine.SKUSnap, len(s.SKUs))
		for j := range s.SKUs {
			k := s.SKUs[j]
			move(&k.Figures)
			k.AsOf = mSKU.apply(k.AsOf)
			start := len(cells)
			cells = append(cells, k.Channels...)
			k.Channels = cells[start:len(cells):len(cells)]
			for c := range k.Channels {
				cell := &k.Channels[c]
				move(&cell.Figures)
				cell.AsOf = mCell.apply(cell.AsOf)
				cell.StockAsOf = mStock.apply(cell.StockAsOf)
			}
			skus[j] = k
		}
		s.SKUs = skus
		b.Sales[i] = s
	}
	for _, sp := range d.Sales {
		if err := applySale(b, sp); err != nil {
			return nil, fmt.Errorf("delta %d: %w", d.Seq, err)
		}
	}
	return b, nil
}

// countETAs counts the ETAs of a sale, its channels, SKUs and cells.
func countETAs(s *engine.SaleSnap) int {
	n := 0
	if s.ETASellout != nil {
		n++
	}
	for j := range s.Channels {
		if s.Channels[j].ETASellout != nil {
			n++
		}
	}
	for j := range s.SKUs {
		if s.SKUs[j].ETASellout != nil {
			n++
		}
		for _, c := range s.SKUs[j].Channels {
			if c.ETASellout != nil {
				n++
			}
		}
	}
	return n
}

// applySale applies one sale's patches to b, which Apply has copied.
func applySale(b *engine.Snapshot, sp SalePatch) error {
	if sp.I < 0 || sp.I >= len(b.Sales) {
		return fmt.Errorf("sale %d of %d", sp.I, len(b.Sales))
	}
	s := &b.Sales[sp.I]
	if !sp.Change.empty() {
		h, err := applyFields(saleHead(*s), sp.Change, saleParts)
		if err != nil {
			return fmt.Errorf("sale %s: %w", s.ID, err)
		}
		h.Channels, h.SKUs = s.Channels, s.SKUs
		*s = h
	}
	for _, p := range sp.Channels {
		if p.I < 0 || p.I >= len(s.Channels) {
			return fmt.Errorf("sale %s: channel %d of %d", s.ID, p.I, len(s.Channels))
		}
		c, err := applyFields(s.Channels[p.I], p.Change, nil)
		if err != nil {
			return fmt.Errorf("sale %s channel %s: %w", s.ID, s.Channels[p.I].Channel, err)
		}
		s.Channels[p.I] = c
	}
	for _, kp := range sp.SKUs {
		if kp.I < 0 || kp.I >= len(s.SKUs) {
			return fmt.Errorf("sale %s: SKU %d of %d", s.ID, kp.I, len(s.SKUs))
		}
		k := &s.SKUs[kp.I]
		if !kp.Change.empty() {
			h, err := applySKUHead(skuHead(*k), kp.Change)
			if err != nil {
				return fmt.Errorf("sale %s SKU %s: %w", s.ID, k.SKU, err)
			}
			h.Channels = k.Channels
			*k = h
		}
		for _, p := range kp.Cells {
			if p.I < 0 || p.I >= len(k.Channels) {
				return fmt.Errorf("sale %s SKU %s: channel %d of %d", s.ID, k.SKU, p.I, len(k.Channels))
			}
			c, err := applyCell(k.Channels[p.I], p.Change)
			if err != nil {
				return fmt.Errorf("sale %s SKU %s channel %s: %w", s.ID, k.SKU, k.Channels[p.I].Channel, err)
			}
			k.Channels[p.I] = c
		}
	}
	return nil
}

// Decode reads a delta sent by a collector (outside data: any error is
// returned, nothing panics).
func Decode(data []byte) (*Delta, error) {
	d, ok := decodeFast(data)
	if !ok {
		d = &Delta{}
		if err := json.Unmarshal(data, d); err != nil {
			return nil, fmt.Errorf("not a delta: %w", err)
		}
	}
	if d.Seq <= d.Base {
		return nil, fmt.Errorf("delta %d on snapshot %d: a delta goes forward", d.Seq, d.Base)
	}
	return d, nil
}
