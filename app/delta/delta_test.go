package delta

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources"
)

// gen makes random snapshots of one shape and random next ones.
type gen struct {
	r     *rand.Rand
	times []time.Time // a small pool, so that moves happen and clash
}

func newGen(seed uint64) *gen {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x5eed))}
	base := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	for i := range 6 {
		g.times = append(g.times, base.Add(time.Duration(i)*time.Second+time.Duration(g.r.IntN(1e9))))
	}
	return g
}

func (g *gen) time() time.Time {
	if g.r.IntN(8) == 0 {
		return time.Time{}
	}
	return g.times[g.r.IntN(len(g.times))]
}

func (g *gen) intPtr() *int {
	if g.r.IntN(3) == 0 {
		return nil
	}
	n := g.r.IntN(100) - 20
	return &n
}

func (g *gen) figures(at time.Time) engine.Figures {
	f := engine.Figures{Allocated: g.r.IntN(500), Sold: g.r.IntN(500), Remaining: g.r.IntN(500),
		SellThrough: float64(g.r.IntN(100)) / 100, Rate1m: float64(g.r.IntN(400)) / 4, Rate5m: float64(g.r.IntN(400)) / 8,
		AsOf: g.time(), Stale: g.r.IntN(5) == 0}
	if g.r.IntN(3) > 0 {
		eta := at.Add(time.Duration(g.r.IntN(1e6)) * time.Millisecond)
		f.ETASellout = &eta
	}
	return f
}

func (g *gen) cell(ch string, at time.Time) engine.CellSnap {
	c := engine.CellSnap{Channel: ch, Figures: g.figures(at), Stock: g.intPtr(), StockAsOf: g.time(), StockDifference: g.intPtr()}
	c.StockStatus = []string{"", engine.StockMatches, engine.StockOversell}[g.r.IntN(3)]
	c.SaleState = []datasources.SaleState{"", datasources.SaleActive}[g.r.IntN(2)]
	return c
}

func (g *gen) snapshot() *engine.Snapshot {
	at := g.times[0]
	s := &engine.Snapshot{At: at, Wall: at.Add(time.Hour), Seq: uint64(g.r.IntN(1000))}
	chans := []string{"lazada-id", "akulaku-id", "mi-store"}[:1+g.r.IntN(3)]
	for _, id := range chans {
		s.Channels = append(s.Channels, engine.ChannelSnap{ID: id, Name: "Channel " + id, State: engine.StateOK,
			LastSuccess: g.time(), Orders: g.r.IntN(1000), Spark: []float64{float64(g.r.IntN(9)), 1}})
	}
	for i := range 1 + g.r.IntN(2) {
		sl := engine.SaleSnap{ID: fmt.Sprintf("sale-%d", i), Name: "Sale", State: engine.SaleLive, Currency: "IDR",
			Figures: g.figures(at), Flags: engine.FlagSummary{Version: uint64(g.r.IntN(3))}}
		for _, ch := range chans {
			sl.Channels = append(sl.Channels, engine.SaleChannelSnap{Channel: ch, Figures: g.figures(at), Stock: g.intPtr()})
		}
		for k := range 1 + g.r.IntN(12) {
			sku := engine.SKUSnap{SKU: fmt.Sprintf("SKU-%d", k), Name: "Product", FlashPrice: datasources.Money(g.r.IntN(1e6)), Figures: g.figures(at)}
			for _, ch := range chans {
				sku.Channels = append(sku.Channels, g.cell(ch, at))
			}
			sl.SKUs = append(sl.SKUs, sku)
		}
		s.Sales = append(s.Sales, sl)
	}
	return s
}

// next is a later snapshot of a: mostly the same, with some parts
// changed the ways a collector changes them (and now and then its shape).
func (g *gen) next(a *engine.Snapshot) *engine.Snapshot {
	var b engine.Snapshot
	raw, _ := json.Marshal(a)
	if err := json.Unmarshal(raw, &b); err != nil {
		panic(err)
	}
	b.Seq = a.Seq + 1 + uint64(g.r.IntN(3))
	step := time.Duration(g.r.IntN(2e9))
	b.At, b.Wall = a.At.Add(step), a.Wall.Add(step)
	move := map[time.Time]time.Time{g.times[g.r.IntN(len(g.times))]: g.time()}
	for _, f := range figuresOf(&b) {
		if f.ETASellout != nil {
			t := f.ETASellout.Add(step) // the clock moved, nothing sold
			f.ETASellout = &t
		}
		if to, ok := move[f.AsOf]; ok && g.r.IntN(10) > 0 {
			f.AsOf = to
		}
		if g.r.IntN(6) == 0 {
			*f = g.figures(b.At)
		}
	}
	for i := range b.Channels {
		if g.r.IntN(3) == 0 {
			b.Channels[i].Orders++
			b.Channels[i].Spark = append(b.Channels[i].Spark, 2)
		}
	}
	for i := range b.Sales {
		if g.r.IntN(4) == 0 {
			b.Sales[i].Flags.Open++
		}
		for j := range b.Sales[i].SKUs {
			for c := range b.Sales[i].SKUs[j].Channels {
				if g.r.IntN(8) == 0 {
					b.Sales[i].SKUs[j].Channels[c] = g.cell(b.Sales[i].SKUs[j].Channels[c].Channel, b.At)
				}
			}
		}
	}
	switch g.r.IntN(20) {
	case 0:
		b.Sales = b.Sales[:len(b.Sales)-1]
	case 1:
		b.Channels[0].ID = "renamed"
	}
	return &b
}

// figuresOf lists every Figures of a snapshot, to change in place.
func figuresOf(s *engine.Snapshot) []*engine.Figures {
	var out []*engine.Figures
	for i := range s.Sales {
		sl := &s.Sales[i]
		out = append(out, &sl.Figures)
		for j := range sl.Channels {
			out = append(out, &sl.Channels[j].Figures)
		}
		for j := range sl.SKUs {
			out = append(out, &sl.SKUs[j].Figures)
			for c := range sl.SKUs[j].Channels {
				out = append(out, &sl.SKUs[j].Channels[c].Figures)
			}
		}
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestApplyDiffIsTheNextSnapshot: for random snapshots a → b, applying
// Diff(a, b) to a gives b, byte for byte as JSON, and leaves a as it was;
// the delta survives its own JSON.
func TestApplyDiffIsTheNextSnapshot(t *testing.T) {
	shapes := 0
	for seed := range uint64(200) {
		g := newGen(seed)
		a := g.snapshot()
		for step := range 4 {
			b := g.next(a)
			before := mustJSON(t, a)
			d, err := Diff(a, b)
			if errors.Is(err, ErrShape) {
				shapes++
				break
			}
			if err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
			wire := mustJSON(t, d)
			d2, err := Decode(wire)
			if err != nil {
				t.Fatalf("seed %d step %d: own delta not read back: %v", seed, step, err)
			}
			got, err := Apply(a, d2)
			if err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
			if g, w := mustJSON(t, got), mustJSON(t, b); !bytes.Equal(g, w) {
				t.Fatalf("seed %d step %d: apply(a, diff(a, b)) differs from b\n got %s\nwant %s\ndelta %s", seed, step, g, w, wire)
			}
			if !bytes.Equal(before, mustJSON(t, a)) {
				t.Fatalf("seed %d step %d: Apply changed the snapshot it applied on", seed, step)
			}
			a = got
		}
	}
	if shapes == 0 {
		t.Error("no change of shape was tried")
	}
}

// TestDiffOfUnchangedIsEmpty: a snapshot that only aged (the clock moved,
// a poll made every cell younger) is a delta of moves alone.
func TestDiffOfUnchangedIsEmpty(t *testing.T) {
	g := newGen(7)
	a := g.snapshot()
	b := g.next(a)
	raw, _ := json.Marshal(a)
	var c engine.Snapshot
	_ = json.Unmarshal(raw, &c)
	c.Seq++
	c.At = c.At.Add(time.Second)
	for _, f := range figuresOf(&c) {
		if f.ETASellout != nil {
			t2 := f.ETASellout.Add(time.Second)
			f.ETASellout = &t2
		}
	}
	d, err := Diff(a, &c)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sales) != 0 || len(d.Channels) != 0 {
		t.Errorf("a snapshot that only aged gave patches: %s", mustJSON(t, d))
	}
	_ = b
}

func TestApplyRefuses(t *testing.T) {
	g := newGen(3)
	a := g.snapshot()
	a.Seq = 10
	ok := func(d *Delta) *Delta { d.Base, d.Seq, d.At, d.Wall = 10, 11, a.At, a.Wall; return d }
	cases := []struct {
		name string
		d    *Delta
		want string
	}{
		{"other base", &Delta{Base: 9, Seq: 11, At: a.At, Wall: a.Wall}, "snapshot 10 is held"},
		{"no times", &Delta{Base: 10, Seq: 11}, "no at or wall"},
		{"channel out of range", ok(&Delta{Channels: []Patch{{I: 9, Change: Change{Set: Set(`{"orders":1}`)}}}}), "channel 9 of"},
		{"sale out of range", ok(&Delta{Sales: []SalePatch{{I: -1}}}), "sale -1 of"},
		{"sku out of range", ok(&Delta{Sales: []SalePatch{{I: 0, SKUs: []SKUPatch{{I: 1000}}}}}), "SKU 1000 of"},
		{"cell out of range", ok(&Delta{Sales: []SalePatch{{I: 0, SKUs: []SKUPatch{{I: 0, Cells: []Patch{{I: 7}}}}}}}), "channel 7 of"},
		{"a list set whole", ok(&Delta{Sales: []SalePatch{{I: 0, Change: Change{Set: Set(`{"skus":[]}`)}}}}), `field "skus"`},
		{"a SKU's cells set whole", ok(&Delta{Sales: []SalePatch{{I: 0, SKUs: []SKUPatch{{I: 0, Change: Change{Set: Set(`{"channels":[{}]}`)}}}}}}), `field "channels"`},
		{"a list unset", ok(&Delta{Sales: []SalePatch{{I: 0, Change: Change{Unset: []string{"channels"}}}}}), `field "channels"`},
		{"a wrong type", ok(&Delta{Sales: []SalePatch{{I: 0, SKUs: []SKUPatch{{I: 0, Cells: []Patch{{I: 0, Change: Change{Set: Set(`{"sold":"many"}`)}}}}}}}}), "sold"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Apply(a, c.d)
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(c.want)) {
				t.Errorf("Apply = %v, want an error saying %q", err, c.want)
			}
		})
	}
}

// TestEqualityKnowsEveryField: figuresEqual and cellEqual compare field
// by field; a field added to the engine's types must be added there too,
// or a change of it alone would never be sent.
func TestEqualityKnowsEveryField(t *testing.T) {
	for _, c := range []struct {
		typ  reflect.Type
		want int
	}{
		{reflect.TypeFor[engine.Figures](), 11}, // 10 compared, and merged (not in the JSON)
		{reflect.TypeFor[engine.CellSnap](), 7},
		{reflect.TypeFor[engine.SKUSnap](), 5},
	} {
		if n := c.typ.NumField(); n != c.want {
			t.Errorf("%s has %d fields, the delta's equality knows %d: update figuresEqual/cellEqual/Diff", c.typ, n, c.want)
		}
	}
}

func FuzzDecodeApply(f *testing.F) {
	g := newGen(1)
	a := g.snapshot()
	for range 3 {
		b := g.next(a)
		if d, err := Diff(a, b); err == nil {
			raw, _ := json.Marshal(d)
			f.Add(raw)
		}
	}
	f.Add([]byte(`{"base":0,"seq":1,"at":"2026-01-01T00:00:00Z","wall":"2026-01-01T00:00:00Z","sales":[{"i":0,"skus":[{"i":0,"cells":[{"i":0,"set":{"sold":null},"unset":["stock"]}]}]}]}`))
	f.Add([]byte(`{"base":1,"seq":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(data)
		if err != nil {
			return
		}
		d.Base = a.Seq
		got, err := Apply(a, d)
		if err != nil {
			return
		}
		if got.Seq != d.Seq || len(got.Sales) != len(a.Sales) {
			t.Fatalf("applied delta %d gave snapshot %d of %d sales", d.Seq, got.Seq, len(got.Sales))
		}
	})
}
