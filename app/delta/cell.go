package delta

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources"
)

// applyCell is applyFields for a cell, the part a delta at the peak is
// mostly made of (thousands a second on a desktop): the flat JSON
// objects the collector sends are read by hand, field by field, which
// costs a fraction of encoding/json's reflection. Anything else (an
// escaped or odd string, a key in other case, a value of the wrong
// kind) goes to applyFields, which decodes it as encoding/json does and
// says what is wrong.
func applyCell(c engine.CellSnap, ch Change) (engine.CellSnap, error) {
	if out, ok := fastCell(c, ch); ok {
		return out, nil
	}
	return applyFields(c, ch, nil)
}

// fastCell applies ch to c when every field it names is one it reads
// the way encoding/json would; ok is false otherwise (and out unusable).
// Fields set get fresh memory: the *int and *time.Time of c are shared
// with the snapshot it came from, and are never written.
func fastCell(c engine.CellSnap, ch Change) (out engine.CellSnap, ok bool) {
	return c, fastApply(ch, func(k []byte) bool { return unsetCell(&c, k) },
		func(k, v []byte) bool { return setCell(&c, k, v) })
}

// applySKUHead is applyFields for a SKU's own fields (its cells left
// alone), which change with its cells: the same quick path.
func applySKUHead(k engine.SKUSnap, ch Change) (engine.SKUSnap, error) {
	out := k
	if fastApply(ch, func(n []byte) bool { return unsetSKU(&out, n) },
		func(n, v []byte) bool { return setSKU(&out, n, v) }) {
		return out, nil
	}
	return applyFields(k, ch, skuParts)
}

// fastApply reads ch's unset names and set fields through unset and
// set, which say whether they know them; false when one does not, or
// when the set is not a flat JSON object.
func fastApply(ch Change, unset func(k []byte) bool, set func(k, v []byte) bool) bool {
	for _, k := range ch.Unset {
		if !unset([]byte(k)) {
			return false
		}
	}
	if len(ch.Set) == 0 {
		return true
	}
	p := flatParser{b: ch.Set}
	if !p.open() {
		return false
	}
	for {
		key, val, more, good := p.next()
		if !good {
			return false
		}
		if !more {
			return true
		}
		if !set(key, val) {
			return false
		}
	}
}

// unsetFigures clears the Figures field with JSON name k; false for a
// name it does not know as written.
func unsetFigures(f *engine.Figures, k []byte) bool {
	switch string(k) {
	case "allocated":
		f.Allocated = 0
	case "sold":
		f.Sold = 0
	case "remaining":
		f.Remaining = 0
	case "sell_through":
		f.SellThrough = 0
	case "rate_1m":
		f.Rate1m = 0
	case "rate_5m":
		f.Rate5m = 0
	case "eta_sellout":
		f.ETASellout = nil
	case "as_of":
		f.AsOf = time.Time{}
	case "stale":
		f.Stale = false
	case "old":
		f.Old = false
	default:
		return false
	}
	return true
}

// setFigures sets the Figures field with JSON name key to the JSON value
// val (a string with its quotes, a number, true, false or null).
func setFigures(f *engine.Figures, key, val []byte) bool {
	var good bool
	switch string(key) {
	case "allocated":
		f.Allocated, good = integer(val)
	case "sold":
		f.Sold, good = integer(val)
	case "remaining":
		f.Remaining, good = integer(val)
	case "sell_through":
		f.SellThrough, good = float(val)
	case "rate_1m":
		f.Rate1m, good = float(val)
	case "rate_5m":
		f.Rate5m, good = float(val)
	case "stale":
		f.Stale, good = boolean(val)
	case "old":
		f.Old, good = boolean(val)
	case "as_of":
		f.AsOf, good = instant(val)
	case "eta_sellout":
		if string(val) == "null" {
			f.ETASellout, good = nil, true
		} else if t, ok := instant(val); ok {
			f.ETASellout, good = &t, true
		}
	}
	return good
}

// unsetCell clears the cell field with JSON name k.
func unsetCell(c *engine.CellSnap, k []byte) bool {
	switch string(k) {
	case "channel":
		c.Channel = ""
	case "stock":
		c.Stock = nil
	case "stock_as_of":
		c.StockAsOf = time.Time{}
	case "stock_difference":
		c.StockDifference = nil
	case "stock_status":
		c.StockStatus = ""
	case "sale_state":
		c.SaleState = ""
	default:
		return unsetFigures(&c.Figures, k)
	}
	return true
}

// setCell sets the cell field with JSON name key to the JSON value val.
func setCell(c *engine.CellSnap, key, val []byte) bool {
	var good bool
	switch string(key) {
	case "channel":
		c.Channel, good = str(val)
	case "stock_status":
		c.StockStatus, good = str(val)
	case "sale_state":
		var s string
		s, good = str(val)
		c.SaleState = datasources.SaleState(s)
	case "stock_as_of":
		c.StockAsOf, good = instant(val)
	case "stock":
		c.Stock, good = intPtr(val)
	case "stock_difference":
		c.StockDifference, good = intPtr(val)
	default:
		good = setFigures(&c.Figures, key, val)
	}
	return good
}

// unsetSKU clears the SKU head field with JSON name k (never its cells:
// they have patches of their own).
func unsetSKU(k *engine.SKUSnap, n []byte) bool {
	switch string(n) {
	case "sku":
		k.SKU = ""
	case "name":
		k.Name = ""
	case "flash_price":
		k.FlashPrice = 0
	default:
		return unsetFigures(&k.Figures, n)
	}
	return true
}

// setSKU sets the SKU head field with JSON name n to the JSON value val.
func setSKU(k *engine.SKUSnap, n, val []byte) bool {
	var good bool
	switch string(n) {
	case "sku":
		k.SKU, good = str(val)
	case "name":
		k.Name, good = str(val)
	case "flash_price":
		var p int64
		if good = jsonNumber(val); good {
			var err error
			p, err = strconv.ParseInt(string(val), 10, 64)
			good = err == nil
		}
		k.FlashPrice = datasources.Money(p)
	default:
		good = setFigures(&k.Figures, n, val)
	}
	return good
}

// str is a JSON string without escapes, control characters or invalid
// UTF-8 (encoding/json would change those; the slow path decodes them).
func str(v []byte) (string, bool) {
	if !validStr(v) {
		return "", false
	}
	return string(v[1 : len(v)-1]), true
}

// validStr reports whether v is a quoted JSON string that reads as its
// bytes.
func validStr(v []byte) bool {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return false
	}
	s := v[1 : len(v)-1]
	for _, b := range s {
		if b < 0x20 || b == '\\' || b == '"' {
			return false
		}
	}
	return utf8.Valid(s)
}

func integer(v []byte) (int, bool) {
	if !jsonNumber(v) {
		return 0, false
	}
	n, err := strconv.ParseInt(string(v), 10, strconv.IntSize)
	return int(n), err == nil
}

func intPtr(v []byte) (*int, bool) {
	if string(v) == "null" {
		return nil, true
	}
	n, ok := integer(v)
	if !ok {
		return nil, false
	}
	return &n, true
}

func float(v []byte) (float64, bool) {
	if !jsonNumber(v) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(v), 64)
	return f, err == nil
}

func boolean(v []byte) (bool, bool) {
	switch string(v) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// instant is a JSON string time as encoding/json reads one (through
// time.Time's own UnmarshalJSON); null is left to the slow path.
func instant(v []byte) (time.Time, bool) {
	if len(v) == 0 || v[0] != '"' {
		return time.Time{}, false
	}
	if !validStr(v) {
		return time.Time{}, false
	}
	var t time.Time
	if err := t.UnmarshalJSON(v); err != nil {
		return time.Time{}, false
	}
	return t, true
}

// jsonNumber reports whether v is a number as JSON writes one (no sign
// +, no leading zeros, digits on both sides of a point).
func jsonNumber(v []byte) bool {
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	switch {
	case i < len(v) && v[i] == '0':
		i++
	case i < len(v) && v[i] >= '1' && v[i] <= '9':
		for i < len(v) && isDigit(v[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(v) && v[i] == '.' {
		i++
		if i >= len(v) || !isDigit(v[i]) {
			return false
		}
		for i < len(v) && isDigit(v[i]) {
			i++
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if i >= len(v) || !isDigit(v[i]) {
			return false
		}
		for i < len(v) && isDigit(v[i]) {
			i++
		}
	}
	return i == len(v)
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// flatParser reads a JSON object whose values are all scalars.
type flatParser struct {
	b     []byte
	i     int
	first bool
}

func (p *flatParser) ws() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *flatParser) open() bool {
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		return false
	}
	p.i++
	p.first = true
	return true
}

// next is the next key and value; more is false at the object's end
// (and good false if anything follows it), good false on anything it
// does not read.
func (p *flatParser) next() (key, val []byte, more, good bool) {
	p.ws()
	if p.i >= len(p.b) {
		return nil, nil, false, false
	}
	if p.b[p.i] == '}' {
		p.i++
		p.ws()
		return nil, nil, false, p.i == len(p.b)
	}
	if !p.first {
		if p.b[p.i] != ',' {
			return nil, nil, false, false
		}
		p.i++
		p.ws()
	}
	p.first = false
	key, ok := p.scalar()
	if !ok || !validStr(key) {
		return nil, nil, false, false
	}
	key = key[1 : len(key)-1]
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != ':' {
		return nil, nil, false, false
	}
	p.i++
	p.ws()
	if val, ok = p.scalar(); !ok {
		return nil, nil, false, false
	}
	return key, val, true, true
}

// scalar is the raw bytes of a string (without escapes), number, true,
// false or null at the parser's place.
func (p *flatParser) scalar() ([]byte, bool) {
	start := p.i
	if p.i >= len(p.b) {
		return nil, false
	}
	if p.b[p.i] == '"' {
		p.i++
		for p.i < len(p.b) && p.b[p.i] != '"' {
			if p.b[p.i] == '\\' {
				return nil, false
			}
			p.i++
		}
		if p.i >= len(p.b) {
			return nil, false
		}
		p.i++
		return p.b[start:p.i], true
	}
	for p.i < len(p.b) && scalarByte(p.b[p.i]) {
		p.i++
	}
	return p.b[start:p.i], p.i > start
}

// scalarByte reports whether b is a byte of a number, true, false or null.
func scalarByte(b byte) bool {
	switch {
	case isDigit(b), b >= 'a' && b <= 'z':
		return true
	}
	return b == '+' || b == '-' || b == '.' || b == 'E'
}
