package actions

import (
	"slices"
	"time"

	"github.com/flashdeck/flashdeck/app/text"
	"github.com/flashdeck/flashdeck/datasources"
)

// finding is what a read-back says of a change on one channel: done when
// the channel shows the new state everywhere, partial when it shows it for
// some SKUs only, and in words what it shows.
type finding struct {
	done, partial bool
	words         text.Text
}

// step is what one channel's request needs and its read-back is judged
// against: the readings taken before it was sent (a pause's stock, a
// resume's), and what a resume sent back.
type step struct {
	target datasources.SaleTarget
	meta   datasources.ActionMeta
	// before is the channel read just before the request.
	before *datasources.SaleControl
	// owed is what a resume gives back per SKU (and warehouse).
	owed *datasources.SaleControl
}

// judgePause: a channel that pauses by state is paused when it says so; one
// that pauses by stock (Lazada) when every SKU the pause took stock from
// shows 0 sellable.
func judgePause(before *datasources.SaleControl, after datasources.SaleControl) finding {
	if !after.ByStock {
		if after.Paused {
			return finding{done: true, words: text.New("the sale is paused there")}
		}
		return finding{words: text.New("the sale is still selling there")}
	}
	was := readings(before)
	now := readings(&after)
	var still []text.Text
	paused := 0
	for _, sku := range skuOrder(before, &after) {
		a, ok := now[sku]
		switch {
		case !ok:
			still = append(still, text.New("%s is missing from the read-back", sku))
		case a.Sellable == 0:
			paused++
		default:
			still = append(still, stillSelling(sku, was[sku], a))
		}
	}
	switch {
	case len(still) == 0 && paused > 0:
		return finding{done: true, words: text.New("%s at 0 sellable", skus(paused))}
	case len(still) == 0:
		return finding{words: text.New("no SKU of the sale was read back")}
	}
	f := finding{partial: paused > 0, words: listOf(still)}
	if f.partial {
		f.words = text.New("%s of %s SKUs at 0 sellable; %s", paused, paused+len(still), f.words)
	}
	return f
}

// stillSelling says what a SKU shows after a pause. When the channel
// reports its reserve and that fell by at least what is sellable again,
// those units most likely came back from orders cancelled (or left
// unpaid) since: a pause by stock cannot hold them back, and the words
// say so.
func stillSelling(sku string, b, a datasources.StockReading) text.Text {
	back := a.HasReserved && b.HasReserved && b.Reserved-a.Reserved >= a.Sellable
	switch {
	case b.SKU != "" && back:
		return text.New("%s still has %s sellable (%s before the pause), which came back from cancelled or unpaid orders since", sku, a.Sellable, b.Sellable)
	case b.SKU != "":
		return text.New("%s still has %s sellable (%s before the pause)", sku, a.Sellable, b.Sellable)
	case back:
		return text.New("%s still has %s sellable, which came back from cancelled or unpaid orders since", sku, a.Sellable)
	}
	return text.New("%s still has %s sellable", sku, a.Sellable)
}

// judgeResume: a channel that pauses by state sells again when it says so;
// one that pauses by stock has its units back when every SKU it owed shows
// them. With the reserve reported, a SKU got its units back when its
// total (sellable + reserved) rose since the read before the resume:
// buyers moving units from sellable to reserved cannot hide that, however
// fast the SKU sells again. Without it, when its sellable stock rose.
func judgeResume(pre, owed *datasources.SaleControl, after datasources.SaleControl) (finding, []string) {
	if !after.ByStock {
		if !after.Paused {
			return finding{done: true, words: text.New("the sale is selling there")}, nil
		}
		return finding{words: text.New("the sale is still paused there")}, nil
	}
	if owed == nil || owedUnits(*owed) == 0 {
		return finding{done: true, words: text.New("nothing was owed: no pause by flashdeck had taken stock there")}, nil
	}
	was := readings(pre)
	now := readings(&after)
	var given []string
	var still []text.Text
	gave := 0
	for _, r := range owed.SKUs {
		if r.Sellable <= 0 {
			continue
		}
		p, a := was[r.SKU], now[r.SKU]
		up := a.Sellable > p.Sellable
		if a.HasReserved && p.HasReserved {
			up = a.Total() > p.Total()
		}
		if up {
			given = append(given, r.SKU)
			gave += r.Sellable
			continue
		}
		still = append(still, text.New("%s is owed %s and shows %s sellable", r.SKU, r.Sellable, a.Sellable))
	}
	switch {
	case len(still) == 0:
		return finding{done: true, words: text.New("%s given back to %s", units(gave), skus(len(given)))}, given
	case len(given) > 0:
		return finding{partial: true, words: text.New("%s of %s SKUs have their units back; %s",
			len(given), len(given)+len(still), listOf(still))}, given
	}
	return finding{words: listOf(still)}, nil
}

// judgeExtend compares the sale's end there with until to the minute (the
// precision Lazada keeps).
func judgeExtend(until time.Time, after datasources.SaleControl, loc *time.Location) finding {
	until = until.Truncate(time.Minute)
	end := after.End.Truncate(time.Minute)
	words := text.New("the sale ends at %s there", text.Time(after.End, loc, "2006-01-02 15:04"))
	if after.End.IsZero() {
		words = text.New("the sale shows no end there")
	}
	if !after.End.IsZero() && !end.Before(until) {
		return finding{done: true, words: words}
	}
	n := 0
	for _, r := range after.SKUs {
		if !r.SaleEnd.IsZero() && !r.SaleEnd.Truncate(time.Minute).Before(until) {
			n++
		}
	}
	if n > 0 {
		return finding{partial: true, words: text.New("%s of %s SKUs end at the new time, the others at %s",
			n, len(after.SKUs), text.Time(after.End, loc, "2006-01-02 15:04"))}
	}
	return finding{words: words}
}

func judgeCancel(o datasources.Order) finding {
	if o.IsCancelled() {
		return finding{done: true, words: text.New("the order is %s", o.Status)}
	}
	return finding{words: text.New("the order is still %s", o.Status)}
}

// takenBy works out what a pause took from each SKU and warehouse: the
// sellable stock read before it, but no more than the stock the channel's
// total fell by (sellable + reserved moves only when the seller changes the
// stock or a parcel ships), so units sold between the read and the pause
// landing are not given back twice. SKUs still selling after the pause
// took nothing.
func takenBy(before *datasources.SaleControl, after datasources.SaleControl) []datasources.StockReading {
	if before == nil {
		return nil
	}
	now := readings(&after)
	var out []datasources.StockReading
	for _, b := range before.SKUs {
		a, ok := now[b.SKU]
		if !ok || a.Sellable != 0 || b.Sellable <= 0 {
			continue
		}
		t := datasources.StockReading{SKU: b.SKU}
		if len(b.Warehouses) == 0 {
			t.Sellable = takenFrom(b.Sellable, b.Total(), a.Total(), b.HasReserved && a.HasReserved)
		}
		aw := map[string]datasources.WarehouseStock{}
		for _, w := range a.Warehouses {
			aw[w.Code] = w
		}
		for _, w := range b.Warehouses {
			x, ok := aw[w.Code]
			n := w.Sellable
			if ok {
				n = takenFrom(w.Sellable, w.Sellable+w.Reserved, x.Sellable+x.Reserved, b.HasReserved && a.HasReserved)
			}
			if n > 0 {
				t.Warehouses = append(t.Warehouses, datasources.WarehouseStock{Code: w.Code, Sellable: n})
				t.Sellable += n
			}
		}
		if t.Sellable > 0 {
			out = append(out, t)
		}
	}
	return out
}

func takenFrom(sellable, totalBefore, totalAfter int, totals bool) int {
	if !totals {
		return sellable
	}
	return max(0, min(sellable, totalBefore-totalAfter))
}

// owedUnits is the units a ledger owes in all.
func owedUnits(c datasources.SaleControl) int {
	n := 0
	for _, r := range c.SKUs {
		n += max(r.Sellable, 0)
	}
	return n
}

// addOwed returns the ledger with delta added (sign 1) or taken off (sign
// -1), SKU by SKU and warehouse by warehouse; what reaches 0 is dropped.
func addOwed(ledger datasources.SaleControl, delta []datasources.StockReading, sign int) datasources.SaleControl {
	type key struct{ sku, code string }
	units := map[key]int{}
	var skus []string
	seen := map[string]bool{}
	add := func(rs []datasources.StockReading, sign int) {
		for _, r := range rs {
			if !seen[r.SKU] {
				seen[r.SKU] = true
				skus = append(skus, r.SKU)
			}
			if len(r.Warehouses) == 0 {
				units[key{r.SKU, ""}] += sign * r.Sellable
				continue
			}
			for _, w := range r.Warehouses {
				units[key{r.SKU, w.Code}] += sign * w.Sellable
			}
		}
	}
	add(ledger.SKUs, 1)
	add(delta, sign)
	out := datasources.SaleControl{Paused: ledger.Paused, ByStock: true}
	codes := map[string][]string{}
	for k := range units {
		if k.code != "" {
			codes[k.sku] = append(codes[k.sku], k.code)
		}
	}
	for _, sku := range skus {
		r := datasources.StockReading{SKU: sku}
		if n := units[key{sku, ""}]; n > 0 {
			r.Sellable += n
		}
		cs := codes[sku]
		slices.Sort(cs)
		for _, c := range cs {
			if n := units[key{sku, c}]; n > 0 {
				r.Warehouses = append(r.Warehouses, datasources.WarehouseStock{Code: c, Sellable: n})
				r.Sellable += n
			}
		}
		if r.Sellable > 0 {
			out.SKUs = append(out.SKUs, r)
		}
	}
	return out
}

// only keeps the ledger's entries for the given SKUs.
func only(ledger datasources.SaleControl, skus []string) []datasources.StockReading {
	want := map[string]bool{}
	for _, s := range skus {
		want[s] = true
	}
	var out []datasources.StockReading
	for _, r := range ledger.SKUs {
		if want[r.SKU] {
			out = append(out, r)
		}
	}
	return out
}

func readings(c *datasources.SaleControl) map[string]datasources.StockReading {
	out := map[string]datasources.StockReading{}
	if c == nil {
		return out
	}
	for _, r := range c.SKUs {
		out[r.SKU] = r
	}
	return out
}

// skuOrder is the SKUs of before (those the channel knew before the
// pause), else of after, in their order.
func skuOrder(before, after *datasources.SaleControl) []string {
	src := after
	if before != nil && len(before.SKUs) > 0 {
		src = before
	}
	out := make([]string, 0, len(src.SKUs))
	for _, r := range src.SKUs {
		out = append(out, r.SKU)
	}
	return out
}

// listOf joins findings, the first five, then how many more.
func listOf(items []text.Text) text.Text {
	const shown = 5
	if len(items) <= shown {
		return text.Join(items, "; ")
	}
	return text.New("%s; … and %s more", text.Join(items[:shown], "; "), len(items)-shown)
}

// judgeCap: a cap took when the SKU's sellable stock read back is at most
// the units it was capped at (orders only lower it further).
func judgeCap(sku string, units int, after datasources.SaleControl) finding {
	for _, r := range after.SKUs {
		if r.SKU == sku {
			words := text.New("%s has %s sellable (capped at %s)", sku, r.Sellable, units)
			return finding{done: r.Sellable <= units, words: words}
		}
	}
	return finding{words: text.New("%s is missing from the read-back", sku)}
}
