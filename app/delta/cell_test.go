package delta

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
)

// cellBase is a cell with every field set, to patch.
func cellBase() engine.CellSnap {
	g := newGen(11)
	c := g.cell("lazada-id", g.times[0])
	stock, diff := 7, -2
	eta := g.times[1]
	c.Stock, c.StockDifference, c.ETASellout = &stock, &diff, &eta
	return c
}

// sameCell reports whether the quick path read a change as applyFields
// does: both fail, or both give cells that encode alike and the quick
// one took the change.
func sameCell(t *testing.T, ch Change) {
	t.Helper()
	base := cellBase()
	before, _ := json.Marshal(base)
	fast, ok := fastCell(base, ch)
	slow, err := applyFields(base, ch, nil)
	if after, _ := json.Marshal(base); string(after) != string(before) {
		t.Fatalf("%s: the cell patched was changed", ch.Set)
	}
	if !ok {
		return // the slow path decides
	}
	if err != nil {
		t.Fatalf("set %s unset %v: read quickly as %+v, but encoding/json says %v", ch.Set, ch.Unset, fast, err)
	}
	fj, _ := json.Marshal(fast)
	sj, _ := json.Marshal(slow)
	if string(fj) != string(sj) {
		t.Fatalf("set %s unset %v:\nquick %s\n slow %s", ch.Set, ch.Unset, fj, sj)
	}
	if !reflect.DeepEqual(fast.AsOf.UnixNano(), slow.AsOf.UnixNano()) {
		t.Fatalf("set %s: as_of differs", ch.Set)
	}
}

// sameSKU is sameCell for a SKU's head.
func sameSKU(t *testing.T, ch Change) {
	t.Helper()
	g := newGen(12)
	base := engine.SKUSnap{SKU: "POCO-1", Name: "POCO", FlashPrice: 1999000, Figures: g.figures(g.times[0])}
	fast := base
	ok := fastApply(ch, func(n []byte) bool { return unsetSKU(&fast, n) }, func(n, v []byte) bool { return setSKU(&fast, n, v) })
	slow, err := applyFields(base, ch, skuParts)
	if !ok {
		if _, err2 := applySKUHead(base, ch); (err2 == nil) != (err == nil) {
			t.Fatalf("set %s: applySKUHead says %v, applyFields %v", ch.Set, err2, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("set %s unset %v: read quickly as %+v, but encoding/json says %v", ch.Set, ch.Unset, fast, err)
	}
	fj, _ := json.Marshal(fast)
	sj, _ := json.Marshal(slow)
	if string(fj) != string(sj) {
		t.Fatalf("set %s unset %v:\nquick %s\n slow %s", ch.Set, ch.Unset, fj, sj)
	}
}

// TestFastCellReadsAsJSONDoes: the cells' quick path gives what
// encoding/json gives, for the changes a collector sends and for odd
// ones (which it leaves to the slow path or reads alike).
func TestFastCellReadsAsJSONDoes(t *testing.T) {
	at := time.Date(2026, 12, 7, 5, 0, 1, 250_000_000, time.UTC).Format(time.RFC3339Nano)
	cases := []Change{
		{Set: Set(`{"sold":12,"remaining":488,"rate_1m":3.5,"eta_sellout":"` + at + `"}`)},
		{Set: Set(`{"eta_sellout":null,"stock":null,"stock_difference":-3}`), Unset: []string{"stock_status"}},
		{Set: Set(`{"stale":true,"old":false,"as_of":"` + at + `","stock_as_of":"` + at + `"}`)},
		{Set: Set(`{"channel":"mi-store","sale_state":"active","stock_status":"oversell"}`)},
		{Set: Set(` { "sold" : 1 , "sell_through" : 1e-3 } `)},
		{Unset: []string{"stock", "stock_as_of", "stock_difference", "sale_state", "as_of", "eta_sellout"}},
		{Set: Set(`{"sold":null}`)},
		{Set: Set(`{"Sold":3}`)},
		{Set: Set(`{"sold":01}`)},
		{Set: Set(`{"sold":1.5}`)},
		{Set: Set(`{"sold":"1"}`)},
		{Set: Set(`{"channel":"a\u00e9"}`)},
		{Set: Set(`{"channel":"a\"b"}`)},
		{Set: Set(`{"sold":1}x`)},
		{Set: Set(`{"sold":1,}`)},
		{Set: Set(`{"unknown":1}`)},
		{Set: Set(`{"as_of":"yesterday"}`)},
		{Set: Set(`{"rate_1m":1e999}`)},
		{Set: Set(`{"sold":99999999999999999999}`)},
		{Set: Set(`{"stale":nul}`)},
		{Unset: []string{"Sold"}},
	}
	cases = append(cases,
		Change{Set: Set(`{"flash_price":1500000,"name":"POCO M3","sku":"P-1","sold":3}`)},
		Change{Set: Set(`{"channels":[]}`)},
		Change{Set: Set(`{"flash_price":1.5}`)},
		Change{Unset: []string{"channels"}},
		Change{Unset: []string{"flash_price", "name"}},
	)
	for _, ch := range cases {
		sameCell(t, ch)
		sameSKU(t, ch)
	}
	if _, ok := fastCell(cellBase(), cases[0]); !ok {
		t.Error("a collector's usual cell change went the slow way")
	}
}

// FuzzFastCell: whatever the change, the quick path reads it as
// encoding/json does or leaves it to it.
func FuzzFastCell(f *testing.F) {
	f.Add([]byte(`{"sold":12,"remaining":488,"rate_1m":3.5,"eta_sellout":"2026-12-07T05:00:01Z"}`), "stock")
	f.Add([]byte(`{"stock":null,"channel":"x","stale":true}`), "")
	f.Add([]byte(`{"sold":-0,"sell_through":0.25E+1}`), "as_of")
	f.Fuzz(func(t *testing.T, set []byte, unset string) {
		ch := Change{Set: set}
		if unset != "" {
			ch.Unset = []string{unset}
		}
		if len(set) > 0 && !json.Valid(set) {
			// applyFields is not asked invalid JSON here: Decode has
			// refused it before.
			return
		}
		sameCell(t, ch)
		sameSKU(t, ch)
	})
}

// deltaSeeds are deltas as Diff writes them, and odd ones.
func deltaSeeds() [][]byte {
	var out [][]byte
	g := newGen(5)
	a := g.snapshot()
	for range 6 {
		b := g.next(a)
		if d, err := Diff(a, b); err == nil {
			raw, _ := json.Marshal(d)
			out = append(out, raw)
			a = b
		}
	}
	return append(out,
		[]byte(`{"base":1,"seq":2,"at":"2026-12-07T05:00:00Z","wall":"2026-12-07T06:00:00Z","channels":[],"sales":[{"i":0,"set":{"flags":{"open":1},"x":[1,"a\n",{"b":null}]},"skus":[{"i":3,"unset":[],"cells":[{"i":1,"set":{"sold":1}}]}]}]}`),
		[]byte(` {"seq":2 , "base":1,"moves":{"cell_as_of":[{"from":"2026-12-07T05:00:00Z","to":"2026-12-07T05:00:01.5Z"}],"sku_as_of":[]}} `),
		[]byte(`{"base":1,"seq":2,"Seq":3}`),
		[]byte(`{"base":1,"seq":2,"seq":3}`),
		[]byte(`{"base":1,"seq":2,"sales":null}`),
		[]byte(`{"base":1,"seq":2,"sales":[{"i":0,"set":{"name":"caf\u00e9"}}]}`),
		[]byte(`{"base":-1,"seq":2}`),
		[]byte(`{"base":1,"seq":2,"at":"2026-13-07T05:00:00Z"}`),
	)
}

// TestDecodeReadsAsJSONDoes: the hand reader of deltas gives what
// encoding/json gives, or leaves the delta to it.
func TestDecodeReadsAsJSONDoes(t *testing.T) {
	for i, raw := range deltaSeeds() {
		sameDelta(t, raw)
		if _, ok := decodeFast(raw); !ok && i < 3 {
			t.Errorf("a delta Diff wrote went the slow way: %s", raw)
		}
	}
}

func sameDelta(t *testing.T, raw []byte) {
	t.Helper()
	fast, ok := decodeFast(raw)
	var slow Delta
	err := json.Unmarshal(raw, &slow)
	if !ok {
		return
	}
	if err != nil {
		t.Fatalf("%s: read by hand, but encoding/json says %v", raw, err)
	}
	if !reflect.DeepEqual(*fast, slow) {
		t.Fatalf("%s:\n by hand %+v\nencoding/json %+v", raw, *fast, slow)
	}
}

// FuzzDecodeFast: whatever the bytes, the hand reader reads them as
// encoding/json does or leaves them to it.
func FuzzDecodeFast(f *testing.F) {
	for _, raw := range deltaSeeds() {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) { sameDelta(t, raw) })
}
