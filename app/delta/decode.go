package delta

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// decodeFast reads a delta as the collector writes it, by hand: a
// launch-scale delta at the peak is hundreds of kilobytes, and
// encoding/json's reflection spent more time on it than applying it
// took. It reads only JSON (strictly), and returns ok false for anything
// it is not sure to read as encoding/json would (a key it does not know
// or twice, a null, an escaped key, a too deep value): Decode then hands
// it to encoding/json, which reads it or says what is wrong. The sets
// are slices of one copy of data.
func decodeFast(data []byte) (d *Delta, ok bool) {
	r := &reader{b: append([]byte(nil), data...)}
	d = &Delta{}
	if !r.object(func(k []byte) bool {
		switch string(k) {
		case "base":
			return r.uint(&d.Base)
		case "seq":
			return r.uint(&d.Seq)
		case "at":
			return r.time(&d.At)
		case "wall":
			return r.time(&d.Wall)
		case "moves":
			return r.moves(&d.Moves)
		case "channels":
			return r.patches(&d.Channels)
		case "sales":
			return r.array(func() bool {
				var sp SalePatch
				ok := r.object(func(k []byte) bool {
					switch string(k) {
					case "channels":
						return r.patches(&sp.Channels)
					case "skus":
						return r.array(func() bool {
							var kp SKUPatch
							ok := r.object(func(k []byte) bool {
								if string(k) == "cells" {
									return r.patches(&kp.Cells)
								}
								return r.change(k, &kp.I, &kp.Change)
							})
							sp.SKUs = append(sp.SKUs, kp)
							return ok
						}, func() { sp.SKUs = []SKUPatch{} })
					}
					return r.change(k, &sp.I, &sp.Change)
				})
				d.Sales = append(d.Sales, sp)
				return ok
			}, func() { d.Sales = []SalePatch{} })
		}
		return false
	}) {
		return nil, false
	}
	r.ws()
	return d, r.i == len(r.b)
}

// reader reads JSON from b at i.
type reader struct {
	b     []byte
	i     int
	depth int
}

func (r *reader) ws() {
	for r.i < len(r.b) && (r.b[r.i] == ' ' || r.b[r.i] == '\t' || r.b[r.i] == '\n' || r.b[r.i] == '\r') {
		r.i++
	}
}

// is reads c (after spaces) if it is there.
func (r *reader) is(c byte) bool {
	r.ws()
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

// object reads an object, handing each key (unescaped) to field, which
// reads its value; a key twice is refused (encoding/json would merge).
func (r *reader) object(field func(k []byte) bool) bool {
	if !r.is('{') {
		return false
	}
	if r.is('}') {
		return true
	}
	var buf [8][]byte
	seen := buf[:0]
	for {
		r.ws()
		k, ok := r.plainString()
		if !ok || !r.is(':') {
			return false
		}
		for _, s := range seen {
			if string(s) == string(k) {
				return false
			}
		}
		seen = append(seen, k)
		r.ws()
		if !field(k) {
			return false
		}
		if r.is('}') {
			return true
		}
		if !r.is(',') {
			return false
		}
	}
}

// array reads an array, calling elem for each element; empty is called
// for an empty one (encoding/json makes it an empty, non-nil slice).
func (r *reader) array(elem func() bool, empty func()) bool {
	if !r.is('[') {
		return false
	}
	if r.is(']') {
		empty()
		return true
	}
	for {
		r.ws()
		if !elem() {
			return false
		}
		if r.is(']') {
			return true
		}
		if !r.is(',') {
			return false
		}
	}
}

// plainString is a string without escapes, without its quotes.
func (r *reader) plainString() ([]byte, bool) {
	start := r.i
	if r.i >= len(r.b) || r.b[r.i] != '"' {
		return nil, false
	}
	r.i++
	ascii := true
	for r.i < len(r.b) && r.b[r.i] != '"' {
		switch c := r.b[r.i]; {
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		r.i++
	}
	if r.i >= len(r.b) {
		return nil, false
	}
	r.i++
	s := r.b[start+1 : r.i-1]
	return s, ascii || utf8.Valid(s)
}

// number is the bytes of a JSON number.
func (r *reader) number() ([]byte, bool) {
	start := r.i
	for r.i < len(r.b) && (isDigit(r.b[r.i]) || r.b[r.i] == '-' || r.b[r.i] == '+' || r.b[r.i] == '.' || r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.i++
	}
	n := r.b[start:r.i]
	return n, jsonNumber(n)
}

func (r *reader) uint(v *uint64) bool {
	n, ok := r.number()
	if !ok {
		return false
	}
	u, err := strconv.ParseUint(string(n), 10, 64)
	*v = u
	return err == nil
}

func (r *reader) int(v *int) bool {
	n, ok := r.number()
	if !ok {
		return false
	}
	i, err := strconv.ParseInt(string(n), 10, strconv.IntSize)
	*v = int(i)
	return err == nil
}

func (r *reader) time(t *time.Time) bool {
	start := r.i
	if _, ok := r.plainString(); !ok {
		return false
	}
	return t.UnmarshalJSON(r.b[start:r.i]) == nil
}

func (r *reader) moves(m *Moves) bool {
	return r.object(func(k []byte) bool {
		var list *[]Move
		switch string(k) {
		case "cell_as_of":
			list = &m.CellAsOf
		case "cell_stock_as_of":
			list = &m.CellStockAsOf
		case "sku_as_of":
			list = &m.SKUAsOf
		default:
			return false
		}
		return r.array(func() bool {
			var mv Move
			ok := r.object(func(k []byte) bool {
				switch string(k) {
				case "from":
					return r.time(&mv.From)
				case "to":
					return r.time(&mv.To)
				}
				return false
			})
			*list = append(*list, mv)
			return ok
		}, func() { *list = []Move{} })
	})
}

func (r *reader) patches(ps *[]Patch) bool {
	return r.array(func() bool {
		var p Patch
		ok := r.object(func(k []byte) bool { return r.change(k, &p.I, &p.Change) })
		*ps = append(*ps, p)
		return ok
	}, func() { *ps = []Patch{} })
}

// change reads the fields a patch shares: i, set and unset.
func (r *reader) change(k []byte, i *int, ch *Change) bool {
	switch string(k) {
	case "i":
		return r.int(i)
	case "set":
		start := r.i
		if r.i >= len(r.b) || r.b[r.i] != '{' || !r.skip() {
			return false
		}
		ch.Set = r.b[start:r.i]
		return true
	case "unset":
		return r.array(func() bool {
			s, ok := r.plainString()
			ch.Unset = append(ch.Unset, string(s))
			return ok
		}, func() { ch.Unset = []string{} })
	}
	return false
}

// maxDepth bounds the nesting skip reads (a set is a flat object, or
// one with a list or an object in it).
const maxDepth = 64

// skip reads any JSON value, checking it as encoding/json would.
func (r *reader) skip() bool {
	r.ws()
	if r.i >= len(r.b) {
		return false
	}
	switch c := r.b[r.i]; {
	case c == '{':
		if r.depth++; r.depth > maxDepth {
			return false
		}
		ok := r.object(func([]byte) bool { return r.skip() })
		r.depth--
		return ok
	case c == '[':
		if r.depth++; r.depth > maxDepth {
			return false
		}
		ok := r.array(r.skip, func() {})
		r.depth--
		return ok
	case c == '"':
		return r.anyString()
	case c == '-' || isDigit(c):
		_, ok := r.number()
		return ok
	}
	for _, lit := range []string{"true", "false", "null"} {
		if len(r.b)-r.i >= len(lit) && string(r.b[r.i:r.i+len(lit)]) == lit {
			r.i += len(lit)
			return true
		}
	}
	return false
}

// anyString reads a string, escapes included, checking them.
func (r *reader) anyString() bool {
	r.i++
	for r.i < len(r.b) {
		switch c := r.b[r.i]; {
		case c == '"':
			// Invalid UTF-8 is kept as it is: a set keeps its bytes, and
			// encoding/json, decoding the set, reads it as U+FFFD then.
			r.i++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			r.i++
			if r.i >= len(r.b) {
				return false
			}
			switch r.b[r.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				r.i++
			case 'u':
				if len(r.b)-r.i < 5 {
					return false
				}
				for _, h := range r.b[r.i+1 : r.i+5] {
					if !isDigit(h) && (h|0x20 < 'a' || h|0x20 > 'f') {
						return false
					}
				}
				r.i += 5
			default:
				return false
			}
		default:
			r.i++
		}
	}
	return false
}
