package engine

import "strings"

// orderIndex is what the engine remembers of a channel's orders: for each
// order, when it was last updated (to skip an older version and to
// de-duplicate a page read twice) and what it added to which cell (to undo
// it when an update, a cancellation, arrives). Nothing else: the figures
// are in the cells.
//
// It is built for a million orders per channel. Ids that are plain decimal
// numbers (Lazada's, Akulaku's, mi.com's) are keys of a map of integers,
// so the map holds no string and no pointer at all: the garbage collector
// never scans it, and an order costs its 32-byte entry and the map's slack.
// Other ids go to a map of strings. An order's one line (most orders have
// one) is kept in its record; orders with several keep theirs in one
// shared slice, with no slice header or allocation of their own.
type orderIndex struct {
	num map[uint64]orderRec
	str map[string]orderRec
	// more holds the lines of orders with more than one. A record that
	// later needs more lines than it had takes a new run at the end and
	// leaves the old one unused: that happens only when an update adds
	// lines, which a cancellation never does.
	more []orderLine
	// scratch collects an update's new lines before they are stored.
	scratch []orderLine
}

// orderRec is one order's record: 24 bytes.
type orderRec struct {
	updated int64 // unix ms
	created int64 // unix ms: every line counts at the order's creation
	// cell and units are the order's only line; cell is noLines for an
	// order that counts nowhere, and -2-i for one whose units lines are
	// more[i:i+units].
	cell  int32
	units int32
}

// orderLine is what one line of an order added to one cell.
type orderLine struct {
	cell  int32
	units int32
}

const noLines = -1

func newOrderIndex() orderIndex {
	return orderIndex{num: map[uint64]orderRec{}, str: map[string]orderRec{}}
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
		r, seen := x.num[n]
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
func (x *orderIndex) len() int { return len(x.num) + len(x.str) }

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
		i := int(-2 - r.cell)
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
		i := len(x.more)
		if seen && prev.cell < noLines && int(prev.units) >= len(ls) {
			// The old run is long enough: reuse it.
			i = int(-2 - prev.cell)
			copy(x.more[i:], ls)
		} else {
			x.more = append(x.more, ls...)
		}
		r.cell, r.units = int32(-2-i), int32(len(ls))
	}
	if n, ok := numericID(id); ok {
		x.num[n] = r
		return
	}
	// A copy: the id may share the memory of a whole decoded page (and a
	// map assignment replaces even an existing key's string).
	x.str[strings.Clone(id)] = r
}

// each calls f with every order's record.
func (x *orderIndex) each(f func(r *orderRec)) {
	for _, r := range x.num {
		f(&r)
	}
	for _, r := range x.str {
		f(&r)
	}
}
