package engine

import (
	"math"
	"strings"
)

// orderIndex is what the engine remembers of a channel's orders: for each
// order, when it was last updated (to skip an older version and to
// de-duplicate a page read twice) and what it added to which cell (to undo
// it when an update, a cancellation, arrives). Nothing else: the figures
// are in the cells.
//
// It is built for a million orders per channel. Ids that are plain decimal
// numbers (Lazada's, Akulaku's, mi.com's) are keys of a map of integers
// whose 16-byte values hold no pointer: the garbage collector never scans
// it, and an order costs its 24-byte entry and the map's slack. The rare
// order that does not fit 16 bytes (updated 50 days after its creation, a
// line of over 255 units) keeps a full record in a map of its own, and ids
// that are not numbers a map of strings. An order's one line (most orders
// have one) is kept in its record; orders with several keep theirs in one
// shared slice, with no slice header or allocation of their own.
type orderIndex struct {
	num  map[uint64]packedRec
	wide map[uint64]orderRec
	str  map[string]orderRec
	// more holds the lines of orders with more than one, each run after a
	// header of its room and length (runHeader). A record that later needs
	// more room takes a new run at the end and leaves the old one unused:
	// that happens only when an update adds lines, which a cancellation
	// never does.
	more []orderLine
	// scratch collects an update's new lines before they are stored.
	scratch []orderLine
}

// orderRec is one order's record as the engine reads it.
type orderRec struct {
	updated int64 // unix ms
	created int64 // unix ms: every line counts at the order's creation
	// cell and units are the order's only line; cell is noLines for an
	// order that counts nowhere, and -2-i for one whose lines are the run
	// whose header is more[i] (units of them).
	cell  int32
	units int32
}

// packedRec is an orderRec in 16 bytes: the creation as an age before
// the update, and the line packed (packLine).
type packedRec struct {
	updated int64
	age     uint32 // ms from creation to update
	line    uint32
}

// A packed line is 0 for none, runBit|i for the run whose header is
// more[i], or the one line's cell+1 above its units (1–255).
const (
	runBit   = 1 << 31
	maxCell  = 1<<23 - 2
	maxUnits = 255
)

// pack puts a record in 16 bytes, when it fits.
func pack(r orderRec) (packedRec, bool) {
	p := packedRec{updated: r.updated}
	switch {
	case r.cell == noLines:
		// The creation time only ever dates lines.
		return p, true
	case r.cell >= 0:
		if r.cell > maxCell || r.units < 1 || r.units > maxUnits {
			return p, false
		}
		p.line = uint32(r.cell+1)<<8 | uint32(r.units)
	default:
		p.line = runBit | uint32(-2-r.cell)
	}
	age := r.updated - r.created
	if age < 0 || age > math.MaxUint32 {
		return p, false
	}
	p.age = uint32(age)
	return p, true
}

func (x *orderIndex) unpack(p packedRec) orderRec {
	r := orderRec{updated: p.updated, created: p.updated - int64(p.age), cell: noLines}
	switch {
	case p.line == 0:
	case p.line&runBit == 0:
		r.cell, r.units = int32(p.line>>8)-1, int32(p.line&0xff)
	default:
		i := int32(p.line &^ runBit)
		r.cell, r.units = -2-i, x.more[i].units
	}
	return r
}

// orderLine is what one line of an order added to one cell. A run's
// header uses it for the run's room (cell) and length (units).
type orderLine struct {
	cell  int32
	units int32
}

const noLines = -1

func newOrderIndex() orderIndex {
	return orderIndex{num: map[uint64]packedRec{}, wide: map[uint64]orderRec{}, str: map[string]orderRec{}}
}

// numericID reads an id made of decimal digits only, without a leading
// zero (so that the number gives the id back exactly) and short enough
// for 64 bits.
func numericID(id string) (uint64, bool) {
	if id == "" || len(id) > 19 || (id[0] == '0' && len(id) > 1) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(id); i++ {
		d := id[i] - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + uint64(d)
	}
	return n, true
}

// get returns the record of an order.
func (x *orderIndex) get(id string) (orderRec, bool) {
	if n, ok := numericID(id); ok {
		if p, seen := x.num[n]; seen {
			return x.unpack(p), true
		}
		r, seen := x.wide[n]
		return r, seen
	}
	r, seen := x.str[id]
	return r, seen
}

// has reports whether the order has been seen.
func (x *orderIndex) has(id string) bool {
	_, seen := x.get(id)
	return seen
}

// len is how many orders the index holds.
func (x *orderIndex) len() int { return len(x.num) + len(x.wide) + len(x.str) }

// lines returns a record's lines. The slice is only valid until the next
// put; one is the room for a single line.
func (x *orderIndex) lines(r *orderRec, one *[1]orderLine) []orderLine {
	switch {
	case r.cell >= 0:
		one[0] = orderLine{cell: r.cell, units: r.units}
		return one[:]
	case r.cell == noLines:
		return nil
	default:
		i := int(-2-r.cell) + 1
		return x.more[i : i+int(r.units)]
	}
}

// put stores an order's record with the lines collected in x.scratch,
// replacing prev (its record before, when seen).
func (x *orderIndex) put(id string, prev orderRec, seen bool, updated, created int64) {
	r := orderRec{updated: updated, created: created, cell: noLines}
	switch ls := x.scratch; {
	case len(ls) == 1:
		r.cell, r.units = ls[0].cell, ls[0].units
	case len(ls) > 1:
		n := int32(len(ls))
		var i int
		if h := -2 - prev.cell; seen && prev.cell < noLines && x.more[h].cell >= n {
			// The old run has room: reuse it.
			i = int(h)
			x.more[i].units = n
			copy(x.more[i+1:], ls)
		} else {
			i = len(x.more)
			x.more = append(x.more, orderLine{cell: n, units: n})
			x.more = append(x.more, ls...)
		}
		r.cell, r.units = int32(-2-i), n
	}
	if n, ok := numericID(id); ok {
		if p, fits := pack(r); fits {
			x.num[n] = p
			if len(x.wide) > 0 {
				delete(x.wide, n)
			}
			return
		}
		x.wide[n] = r
		delete(x.num, n)
		return
	}
	// A copy: the id may share the memory of a whole decoded page (and a
	// map assignment replaces even an existing key's string).
	x.str[strings.Clone(id)] = r
}

// each calls f with every order's record.
func (x *orderIndex) each(f func(r *orderRec)) {
	for _, p := range x.num {
		r := x.unpack(p)
		f(&r)
	}
	for _, r := range x.wide {
		f(&r)
	}
	for _, r := range x.str {
		f(&r)
	}
}
