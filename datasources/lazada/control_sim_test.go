package lazada_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/lazada"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// The Controller against the simulator: every change is checked against
// the simulator's book (its truth), not only against what the client
// reads back.

var controlSKUs = []string{"POCO-F1", "POCO-X3", "REDMI-9A"}

var controlTarget = datasources.SaleTarget{SaleID: "control", SKUs: controlSKUs}

var meta = datasources.ActionMeta{Reason: "test"}

// controlScenario is a half-hour sale with stock that lasts, so that
// whether it sells is up to the actions, on a channel with the warehouses
// given (none: the seller's own only).
func controlScenario(warehouses ...string) simulator.Scenario {
	alloc := map[string]int{}
	var skus []simulator.SKUSpec
	for i, s := range controlSKUs {
		alloc[s] = 100_000
		skus = append(skus, simulator.SKUSpec{SKU: s, Name: s, ListPrice: datasources.Money(300000000 + i), FlashPrice: datasources.Money(250000000 + i*100), Popularity: 1})
	}
	return simulator.Scenario{
		Seed: 11,
		Sale: simulator.SaleSpec{ID: "control", Name: "control", Start: t0, End: t0.Add(30 * time.Minute)},
		SKUs: skus,
		Channels: []simulator.ChannelSpec{{ID: channel, Kind: datasources.KindLazada, Market: "ID", Name: "Lazada ID",
			Allocated: alloc, PeakPerMinute: 300, Warehouses: warehouses}},
	}
}

// controlSim serves sc and returns it with its clock, a client changed by
// change, and the record of the client's calls.
func controlSim(t *testing.T, sc simulator.Scenario, change func(*lazada.Config)) (*simulator.Book, *simulator.Clock, *lazada.Client, *calls) {
	t.Helper()
	clock := simulator.NewManualClock(t0)
	sim, hs, rec := start(t, sc, clock)
	return sim.Book(channel), clock, newClient(t, sim, hs, change), rec
}

// readSale reads the sale and checks every SKU was read.
func readSale(t *testing.T, c *lazada.Client) datasources.SaleControl {
	t.Helper()
	sc, err := c.ReadSale(context.Background(), controlTarget)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.SKUs) != len(controlSKUs) {
		t.Fatalf("read %d SKUs", len(sc.SKUs))
	}
	return sc
}

// truth is the simulator's stock of each SKU, by warehouse code ("" for
// the SKU's total).
func truth(b *simulator.Book) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, s := range b.Stock() {
		m := map[string]int{"": s.Sellable}
		for _, w := range s.Warehouses {
			m[w.Code] = w.Sellable
		}
		out[s.SKU] = m
	}
	return out
}

// stockOf is the simulator's view of one SKU.
func stockOf(t *testing.T, b *simulator.Book, sku string) simulator.StockView {
	t.Helper()
	for _, s := range b.Stock() {
		if s.SKU == sku {
			return s
		}
	}
	t.Fatalf("the simulator has no %s", sku)
	return simulator.StockView{}
}

// matchesTruth checks a reading against the simulator's book: sellable
// stock and reserve of every warehouse read (only code when it is set),
// and the ids Lazada reports.
func matchesTruth(t *testing.T, sc datasources.SaleControl, b *simulator.Book, code string) {
	t.Helper()
	for _, r := range sc.SKUs {
		s := stockOf(t, b, r.SKU)
		var want []datasources.WarehouseStock
		sellable, reserved := 0, 0
		for _, w := range s.Warehouses {
			if code != "" && w.Code != code {
				continue
			}
			want = append(want, datasources.WarehouseStock{Code: w.Code, Sellable: w.Sellable, Reserved: w.Reserved})
			sellable += w.Sellable
			reserved += w.Reserved
		}
		if r.Sellable != sellable || r.Reserved != reserved || !r.HasReserved || fmt.Sprint(r.Warehouses) != fmt.Sprint(want) {
			t.Errorf("%s read as sellable %d, reserved %d, warehouses %v; the simulator has %d, %d, %v",
				r.SKU, r.Sellable, r.Reserved, r.Warehouses, sellable, reserved, want)
		}
		if r.ItemID == "" || r.SkuID == "" {
			t.Errorf("%s read without its ids: %+v", r.SKU, r)
		}
	}
}

// unitsSince sums the units of orders created after `after` and of orders
// cancelled after it.
func unitsSince(b *simulator.Book, after time.Time) (created, cancelled int) {
	all, _ := b.Updates(simulator.Query{})
	for _, o := range all {
		n := 0
		for _, it := range o.Items {
			n += it.Qty
		}
		if o.CreatedAt.After(after) {
			created += n
		}
		if o.Status == simulator.StatusCanceled && o.UpdatedAt.After(after) {
			cancelled += n
		}
	}
	return created, cancelled
}

// pendingOrder finds an order still pending, and its units per SKU.
func pendingOrder(t *testing.T, b *simulator.Book) (string, map[string]int) {
	t.Helper()
	all, _ := b.Updates(simulator.Query{})
	for _, o := range all {
		if o.Status == simulator.StatusPending {
			units := map[string]int{}
			for _, it := range o.Items {
				units[it.SKU] += it.Qty
			}
			return o.ID, units
		}
	}
	t.Fatal("no pending order")
	return "", nil
}

// sentElements lists the element paths of the update payloads sent, below
// Sku ("SellableQuantity", "MultiWarehouseInventories/…/WarehouseCode").
func sentElements(t *testing.T, reqs []map[string]string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, q := range reqs {
		for _, p := range elementPaths(t, q["payload"]) {
			if rest, ok := strings.CutPrefix(p, "Request/Product/Skus/Sku/"); ok {
				out[rest] = true
			}
		}
	}
	return out
}

// TestPauseAndResumeOnTheSimulator: a pause takes every warehouse's
// sellable stock to 0 and nothing more sells; units of an order cancelled
// meanwhile come back, as on Lazada; a resume adds back what the pause
// took, on top of them.
func TestPauseAndResumeOnTheSimulator(t *testing.T) {
	for _, tc := range []struct {
		name       string
		warehouses []string
		// elements are the payload elements a pause and a resume send.
		elements []string
	}{
		{name: "one warehouse", elements: []string{"ItemId", "SkuId", "SellerSku", "SellableQuantity"}},
		{name: "two warehouses", warehouses: []string{simulator.DefaultWarehouse, "W2"},
			elements: []string{"ItemId", "SkuId", "SellerSku", "MultiWarehouseInventories", "MultiWarehouseInventories/MultiWarehouseInventory",
				"MultiWarehouseInventories/MultiWarehouseInventory/WarehouseCode", "MultiWarehouseInventories/MultiWarehouseInventory/SellableQuantity"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, clock, c, rec := controlSim(t, controlScenario(tc.warehouses...), nil)
			ctx := context.Background()
			clock.Advance(5 * time.Minute)
			before := readSale(t, c)
			matchesTruth(t, before, b, "")
			if before.Paused || !before.End.Equal(t0.Add(30*time.Minute)) {
				t.Fatalf("before the pause: %+v", before)
			}
			soldBefore, _ := unitsSince(b, t0.Add(-time.Second))
			if err := c.PauseSale(ctx, controlTarget, before, meta); err != nil {
				t.Fatal(err)
			}
			for sku, m := range truth(b) {
				for code, n := range m {
					if n != 0 {
						t.Fatalf("after the pause %s has %d sellable in %q", sku, n, code)
					}
				}
			}
			if n := b.ActionCount(simulator.OpPause); n != 1 {
				t.Fatalf("%d pauses applied", n)
			}
			pauses := rec.of(lazada.PathSellableUpdate)
			if got := sentElements(t, pauses); len(pauses) != 1 || fmt.Sprint(keys(got)) != fmt.Sprint(sorted(tc.elements)) {
				t.Fatalf("%d pause calls sending %v, want %v", len(pauses), keys(got), sorted(tc.elements))
			}
			if paused := readSale(t, c); !paused.Paused {
				t.Fatalf("read back after the pause: %+v", paused)
			}

			// An order cancelled during the pause gives its units back, and
			// only those can be bought again: the sold count may only fall.
			atPause, pausedAt := b.Sold(), clock.Now()
			id, units := pendingOrder(t, b)
			if _, err := b.CancelOrder(id); err != nil {
				t.Fatal(err)
			}
			clock.Advance(5 * time.Minute)
			for sku, n := range b.Sold() {
				if n > atPause[sku] {
					t.Fatalf("%s sold %d while paused, %d at the pause", sku, n, atPause[sku])
				}
			}
			created, cancelled := unitsSince(b, pausedAt)
			t.Logf("%d units sold before the pause; while paused %d ordered, %d cancelled", soldBefore, created, cancelled)
			if created > cancelled+sum(units) {
				t.Fatalf("while paused: %d units ordered, %d cancelled", created, cancelled)
			}

			// The resume gives back what the pause took (the reading it
			// was given), warehouse by warehouse, on top of what came back.
			mid := truth(b)
			if err := c.ResumeSale(ctx, controlTarget, before, meta); err != nil {
				t.Fatal(err)
			}
			after := truth(b)
			for _, r := range before.SKUs {
				if got, want := after[r.SKU][""], mid[r.SKU][""]+r.Sellable; got != want {
					t.Errorf("%s has %d sellable after the resume, want %d (%d back during the pause + %d taken)", r.SKU, got, want, mid[r.SKU][""], r.Sellable)
				}
				for _, w := range r.Warehouses {
					if got, want := after[r.SKU][w.Code], mid[r.SKU][w.Code]+w.Sellable; got != want {
						t.Errorf("%s has %d sellable in %s after the resume, want %d", r.SKU, got, w.Code, want)
					}
				}
			}
			if n := b.ActionCount(simulator.OpResume); n != 1 {
				t.Fatalf("%d resumes applied", n)
			}
			if got := sentElements(t, rec.of(lazada.PathSellableAdjust)); fmt.Sprint(keys(got)) != fmt.Sprint(sorted(tc.elements)) {
				t.Fatalf("the resume sent %v", keys(got))
			}
			resumed := readSale(t, c)
			matchesTruth(t, resumed, b, "")
			resumedAt := clock.Now()
			clock.Advance(time.Minute)
			if created, _ := unitsSince(b, resumedAt); created == 0 {
				t.Fatal("nothing sold after the resume")
			}
		})
	}
}

// TestPauseOfTheConfiguredWarehouse: with a warehouse configured, only its
// stock is read, taken and given back; the seller's own warehouse keeps
// selling.
func TestPauseOfTheConfiguredWarehouse(t *testing.T) {
	b, clock, c, _ := controlSim(t, controlScenario(simulator.DefaultWarehouse, "W2"), func(cfg *lazada.Config) { cfg.WarehouseCode = "W2" })
	ctx := context.Background()
	clock.Advance(2 * time.Minute)
	before := readSale(t, c)
	matchesTruth(t, before, b, "W2")
	was := truth(b)
	if err := c.PauseSale(ctx, controlTarget, before, meta); err != nil {
		t.Fatal(err)
	}
	now := truth(b)
	for _, sku := range controlSKUs {
		if now[sku]["W2"] != 0 || now[sku][simulator.DefaultWarehouse] != was[sku][simulator.DefaultWarehouse] {
			t.Fatalf("%s after the pause of W2: %v, was %v", sku, now[sku], was[sku])
		}
	}
	if sc := readSale(t, c); !sc.Paused {
		t.Fatalf("W2 read back as not paused: %+v", sc)
	}
	pausedAt := clock.Now()
	clock.Advance(time.Minute)
	if created, _ := unitsSince(b, pausedAt); created == 0 {
		t.Fatal("the seller's own warehouse stopped selling too")
	}
	if err := c.ResumeSale(ctx, controlTarget, before, meta); err != nil {
		t.Fatal(err)
	}
	for _, r := range before.SKUs {
		if got := truth(b)[r.SKU]["W2"]; got != r.Sellable {
			t.Errorf("%s has %d in W2 after the resume, want %d", r.SKU, got, r.Sellable)
		}
	}
}

// TestPauseInBatchesOnTheSimulator: a sale of 60 SKUs is paused in two
// calls, and every SKU is paused.
func TestPauseInBatchesOnTheSimulator(t *testing.T) {
	sc := controlScenario()
	skus := skuList(60)
	sc.SKUs, sc.Channels[0].Allocated = nil, map[string]int{}
	for _, s := range skus {
		sc.SKUs = append(sc.SKUs, simulator.SKUSpec{SKU: s, Name: s, ListPrice: 300000, FlashPrice: 250000, Popularity: 1})
		sc.Channels[0].Allocated[s] = 1000
	}
	b, clock, c, rec := controlSim(t, sc, nil)
	clock.Advance(time.Minute)
	target := datasources.SaleTarget{SaleID: "control", SKUs: skus}
	before, err := c.ReadSale(context.Background(), target)
	if err != nil || len(before.SKUs) != 60 {
		t.Fatalf("read %d SKUs: %v", len(before.SKUs), err)
	}
	if err := c.PauseSale(context.Background(), target, before, meta); err != nil {
		t.Fatal(err)
	}
	calls := rec.of(lazada.PathSellableUpdate)
	if len(calls) != 2 {
		t.Fatalf("%d calls", len(calls))
	}
	for sku, m := range truth(b) {
		if m[""] != 0 {
			t.Fatalf("%s still has %d sellable", sku, m[""])
		}
	}
}

func TestExtendOnTheSimulator(t *testing.T) {
	b, clock, c, rec := controlSim(t, controlScenario(), nil)
	oldEnd := t0.Add(30 * time.Minute)
	clock.Advance(25 * time.Minute)
	totals := map[string]int{}
	for _, s := range b.Stock() {
		totals[s.SKU] = s.Sellable + s.Reserved
	}
	until := t0.Add(90 * time.Minute)
	if err := c.ExtendSale(context.Background(), controlTarget, until, meta); err != nil {
		t.Fatal(err)
	}
	for _, s := range b.Stock() {
		if !s.SaleEnd.Equal(until) {
			t.Fatalf("%s ends at %v, want %v", s.SKU, s.SaleEnd, until)
		}
		// The extension never touched the stock: Quantity, the total,
		// was not sent.
		if s.Sellable+s.Reserved != totals[s.SKU] {
			t.Fatalf("%s holds %d after the extension, %d before", s.SKU, s.Sellable+s.Reserved, totals[s.SKU])
		}
	}
	want := []string{"ItemId", "SalePrice", "SaleEndDate", "SaleStartDate", "SellerSku", "SkuId"}
	if got := sentElements(t, rec.of(lazada.PathPriceQuantity)); fmt.Sprint(keys(got)) != fmt.Sprint(sorted(want)) {
		t.Fatalf("the extension sent %v, want %v", keys(got), want)
	}
	if sc := readSale(t, c); !sc.End.Equal(until) {
		t.Fatalf("read back ending at %v, want %v", sc.End, until)
	}
	if n := b.ActionCount(simulator.OpExtend); n != 1 {
		t.Fatalf("%d extensions applied", n)
	}
	clock.Advance(20 * time.Minute)
	if created, _ := unitsSince(b, oldEnd); created == 0 {
		t.Fatal("nothing sold past the old end")
	}
	// Lazada keeps sale times to the minute: a time between minutes is
	// rounded up, so the sale never ends before it.
	later := until.Add(10*time.Minute + 20*time.Second + 300*time.Millisecond)
	if err := c.ExtendSale(context.Background(), controlTarget, later, meta); err != nil {
		t.Fatal(err)
	}
	for _, s := range b.Stock() {
		if want := until.Add(11 * time.Minute); !s.SaleEnd.Equal(want) {
			t.Fatalf("%s ends at %v, asked %v, want %v", s.SKU, s.SaleEnd, later, want)
		}
	}
}

// TestLockedStockOnTheSimulator: stock a platform campaign holds cannot be
// lowered (4170), nor its SKU's sale window edited (501): the channel
// refuses the whole call, names the SKU, and nothing changes.
func TestLockedStockOnTheSimulator(t *testing.T) {
	b, clock, c, _ := controlSim(t, controlScenario(), nil)
	clock.Advance(time.Minute)
	if err := b.SetLocked("POCO-X3", 40); err != nil {
		t.Fatal(err)
	}
	before := readSale(t, c)
	for _, r := range before.SKUs {
		if want := map[bool]int{true: 40}[r.SKU == "POCO-X3"]; r.Locked != want {
			t.Fatalf("%s locked %d, want %d", r.SKU, r.Locked, want)
		}
	}
	was := truth(b)
	for _, tc := range []struct {
		op, path, code string
		act            func() error
		words          []string
	}{
		{simulator.OpPause, lazada.PathSellableUpdate, lazada.CodeStockLocked,
			func() error { return c.PauseSale(context.Background(), controlTarget, before, meta) },
			[]string{"inside a Lazada mega-campaign window stock may be raised but not lowered, so POCO-X3 cannot be lowered until the window ends", "no clear answer for POCO-F1, REDMI-9A"}},
		{simulator.OpExtend, lazada.PathPriceQuantity, lazada.CodeUpdateFailed,
			func() error { return c.ExtendSale(context.Background(), controlTarget, t0.Add(time.Hour), meta) },
			[]string{"refused: POCO-X3: ", "campaign"}},
	} {
		err := tc.act()
		// The SKUs not named may or may not have been applied, as far as
		// the answer tells: the kind says read it back.
		wantError(t, err, tc.path, datasources.ErrPartial, tc.code, true, tc.words...)
		if n := b.ActionCount(tc.op); n != 0 {
			t.Fatalf("%s applied %d times", tc.op, n)
		}
	}
	after := readSale(t, c)
	if fmt.Sprint(truth(b)) != fmt.Sprint(was) || !after.End.Equal(before.End) {
		t.Fatalf("changed: %v ending %v, was %v ending %v", truth(b), after.End, was, before.End)
	}
}

// TestActionFaults: an answer held back past the client's timeout leaves
// the outcome unknown and the truth shows the change made; a backend
// failure changes nothing; an OK that applied nothing is found out only by
// reading back; an OK naming failed SKUs in detail[] applied the rest.
// Nothing is sent twice.
func TestActionFaults(t *testing.T) {
	extendTo := t0.Add(time.Hour)
	type check func(t *testing.T, b *simulator.Book, c *lazada.Client, id string) // the truth after the action
	paused := func(want map[string]bool) check {
		return func(t *testing.T, b *simulator.Book, _ *lazada.Client, _ string) {
			for sku, m := range truth(b) {
				if (m[""] == 0) != want[sku] {
					t.Errorf("%s has %d sellable; paused wanted: %v", sku, m[""], want[sku])
				}
			}
		}
	}
	extended := func(want map[string]bool) check {
		return func(t *testing.T, b *simulator.Book, _ *lazada.Client, _ string) {
			for _, s := range b.Stock() {
				if s.SaleEnd.Equal(extendTo) != want[s.SKU] {
					t.Errorf("%s ends at %v; extended wanted: %v", s.SKU, s.SaleEnd, want[s.SKU])
				}
			}
		}
	}
	cancelled := func(want bool) check {
		return func(t *testing.T, b *simulator.Book, _ *lazada.Client, id string) {
			o, _ := b.Order(id)
			if (o.Status == simulator.StatusCanceled) != want {
				t.Errorf("order %s is %s; cancelled wanted: %v", id, o.Status, want)
			}
		}
	}
	all := map[string]bool{"POCO-F1": true, "POCO-X3": true, "REDMI-9A": true}
	none := map[string]bool{}
	notX3 := map[string]bool{"POCO-F1": true, "REDMI-9A": true}
	pause := func(c *lazada.Client, _ string, before datasources.SaleControl) error {
		return c.PauseSale(context.Background(), controlTarget, before, meta)
	}
	extend := func(c *lazada.Client, _ string, _ datasources.SaleControl) error {
		return c.ExtendSale(context.Background(), controlTarget, extendTo, meta)
	}
	cancel := func(c *lazada.Client, id string, _ datasources.SaleControl) error {
		return c.CancelOrder(context.Background(), id, meta)
	}
	for _, tc := range []struct {
		name, op, path string
		fault          simulator.ActionFault
		act            func(*lazada.Client, string, datasources.SaleControl) error
		kind           datasources.ErrorKind // 0: no error
		applied        check
		count          int
	}{
		{"pause timeout", simulator.OpPause, lazada.PathSellableUpdate, simulator.ActionFault{Mode: "timeout", Delay: 5 * time.Second}, pause, datasources.ErrTimeout, paused(all), 1},
		{"pause fail", simulator.OpPause, lazada.PathSellableUpdate, simulator.ActionFault{Mode: "fail"}, pause, datasources.ErrUnavailable, paused(none), 0},
		{"pause ignored", simulator.OpPause, lazada.PathSellableUpdate, simulator.ActionFault{Mode: "ignore"}, pause, 0, paused(none), 0},
		{"pause detail", simulator.OpPause, lazada.PathSellableUpdate, simulator.ActionFault{Mode: "detail", SKUs: []string{"POCO-X3"}}, pause, datasources.ErrPartial, paused(notX3), 1},
		{"extend timeout", simulator.OpExtend, lazada.PathPriceQuantity, simulator.ActionFault{Mode: "timeout", Delay: 5 * time.Second}, extend, datasources.ErrTimeout, extended(all), 1},
		{"extend fail", simulator.OpExtend, lazada.PathPriceQuantity, simulator.ActionFault{Mode: "fail"}, extend, datasources.ErrUnavailable, extended(none), 0},
		{"extend ignored", simulator.OpExtend, lazada.PathPriceQuantity, simulator.ActionFault{Mode: "ignore"}, extend, 0, extended(none), 0},
		{"extend detail", simulator.OpExtend, lazada.PathPriceQuantity, simulator.ActionFault{Mode: "detail", SKUs: []string{"POCO-X3"}}, extend, datasources.ErrPartial, extended(notX3), 1},
		{"cancel timeout", simulator.OpCancel, lazada.PathCancelCreate, simulator.ActionFault{Mode: "timeout", Delay: 5 * time.Second}, cancel, datasources.ErrTimeout, cancelled(true), 1},
		{"cancel fail", simulator.OpCancel, lazada.PathCancelCreate, simulator.ActionFault{Mode: "fail"}, cancel, datasources.ErrUnavailable, cancelled(false), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, clock, c, rec := controlSim(t, controlScenario(), func(cfg *lazada.Config) { cfg.Timeout = 400 * time.Millisecond })
			clock.Advance(90 * time.Second)
			id, _ := pendingOrder(t, b)
			before := readSale(t, c)
			b.SetActionFault(tc.op, tc.fault)
			err := tc.act(c, id, before)
			switch {
			case tc.kind == 0 && err != nil:
				t.Fatal(err)
			case tc.kind != 0 && (datasources.KindOf(err) != tc.kind || !datasources.OutcomeUnknown(err)):
				t.Fatalf("got %v (kind %v), want %v with the outcome unknown", err, datasources.KindOf(err), tc.kind)
			}
			if tc.kind == datasources.ErrPartial && !strings.Contains(err.Error(), "refused: POCO-X3: ") {
				t.Errorf("the failed SKU is not named: %v", err)
			}
			tc.applied(t, b, c, id)
			if n := b.ActionCount(tc.op); n != tc.count {
				t.Fatalf("applied %d times, want %d", n, tc.count)
			}
			if n := len(rec.of(tc.path)); n != 1 {
				t.Fatalf("sent %d times", n)
			}
		})
	}
}

// TestRateLimitBanOnTheSimulator: a ban met by any call of the client is
// waited out by all of them, polls and actions share one call budget. A
// pause refused for a ban is sent again after it and applied once; a poll
// refused for a ban reports it, and the pause after it waits; a read of
// the stock refused for a ban asks again after it. No call reaches the
// channel during the ban.
func TestRateLimitBanOnTheSimulator(t *testing.T) {
	for _, tc := range []struct {
		name string
		// first is what meets the ban before the pause, if anything.
		first func(t *testing.T, c *lazada.Client)
		// pauses and reads are the calls to /product/stock/sellable/update
		// and /products/get after the ban was armed.
		pauses, reads int
	}{
		{name: "the pause is banned and sent again", pauses: 2},
		{name: "a poll is banned, the pause waits", pauses: 1,
			first: func(t *testing.T, c *lazada.Client) {
				_, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: t0})
				var de *datasources.Error
				if !errors.As(err, &de) || de.Kind != datasources.ErrRateLimited || de.Code != lazada.CodeAPICallLimit || de.RetryAfter != time.Second {
					t.Fatalf("poll during the ban: %v", err)
				}
			}},
		{name: "a stock read is banned and asked again", pauses: 1, reads: 2,
			first: func(t *testing.T, c *lazada.Client) { readSale(t, c) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each waits out a ban of its own
			b, clock, c, rec := controlSim(t, controlScenario(), nil)
			clock.Advance(time.Minute)
			before := readSale(t, c)
			readsBefore := len(rec.of(lazada.PathProducts))
			b.SetFaults(simulator.Faults{Ban: time.Second})
			if tc.first != nil {
				tc.first(t, c)
			}
			if err := c.PauseSale(context.Background(), controlTarget, before, meta); err != nil {
				t.Fatal(err)
			}
			if n := b.BanViolations(); n != 0 {
				t.Fatalf("%d calls during the ban", n)
			}
			if n, sent := b.ActionCount(simulator.OpPause), len(rec.of(lazada.PathSellableUpdate)); n != 1 || sent != tc.pauses {
				t.Fatalf("%d pauses applied of %d sent, want 1 of %d", n, sent, tc.pauses)
			}
			if n := len(rec.of(lazada.PathProducts)) - readsBefore; n != tc.reads {
				t.Fatalf("%d stock reads, want %d", n, tc.reads)
			}
			for sku, m := range truth(b) {
				if m[""] != 0 {
					t.Fatalf("%s not paused", sku)
				}
			}
		})
	}
}

func TestCancelOrderOnTheSimulator(t *testing.T) {
	for _, tc := range []struct {
		name, configured, want string
	}{
		{"first harmless reason", "", "10000019"},
		// A reason that zeroes the stock is never used, configured or not.
		{"configured reason zeroes stock", "10000021", "10000019"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, clock, c, rec := controlSim(t, controlScenario(), func(cfg *lazada.Config) { cfg.CancelReasonID = tc.configured })
			clock.Advance(90 * time.Second)
			id, units := pendingOrder(t, b)
			soldBefore := b.Sold()
			if err := c.CancelOrder(context.Background(), id, datasources.ActionMeta{Reason: "scalper"}); err != nil {
				t.Fatal(err)
			}
			for sku, n := range units {
				if got := b.Sold()[sku]; got != soldBefore[sku]-n {
					t.Fatalf("%s sold %d, want %d", sku, got, soldBefore[sku]-n)
				}
			}
			o, err := c.ReadOrder(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if !o.IsCancelled() || len(o.Items) == 0 || o.ID != id {
				t.Fatalf("read back %+v", o)
			}
			for _, it := range o.Items {
				if !it.Cancelled {
					t.Fatalf("item %s not cancelled", it.ID)
				}
			}
			creates := rec.of(lazada.PathCancelCreate)
			if len(creates) != 1 || creates[0]["reason_id"] != tc.want {
				t.Fatalf("create calls %v", creates)
			}
			for sku := range units {
				if truth(b)[sku][""] == 0 {
					t.Fatalf("%s has no stock left after the cancel", sku)
				}
			}
			// Cancelled already: the state is reached, nothing is sent.
			if err := c.CancelOrder(context.Background(), id, datasources.ActionMeta{}); err != nil {
				t.Fatal(err)
			}
			if n := b.ActionCount(simulator.OpCancel); n != 1 || len(rec.of(lazada.PathCancelCreate)) != 1 {
				t.Fatalf("%d cancels applied", n)
			}
		})
	}
}

func TestReadOrderOfNoOrder(t *testing.T) {
	_, _, c, _ := controlSim(t, controlScenario(), nil)
	_, err := c.ReadOrder(context.Background(), "123")
	var de *datasources.Error
	if !errors.As(err, &de) || de.Kind != datasources.ErrRejected || de.Op != lazada.PathOrder || !strings.Contains(de.Message, "Invalid Order ID") {
		t.Fatalf("got %v", err)
	}
	err = c.CancelOrder(context.Background(), "123", datasources.ActionMeta{})
	if datasources.KindOf(err) != datasources.ErrRejected || !strings.Contains(err.Error(), "nothing was sent") {
		t.Fatalf("cancel: %v", err)
	}
}

// TestActionAfterTheTokenExpired: a refused token is refreshed and the
// change sent once more — Lazada refused it without acting.
func TestActionAfterTheTokenExpired(t *testing.T) {
	b, clock, c, rec := controlSim(t, controlScenario(), nil)
	clock.Advance(time.Minute)
	before := readSale(t, c)
	b.SetFaults(simulator.Faults{TokenExpired: true})
	if err := c.PauseSale(context.Background(), controlTarget, before, meta); err != nil {
		t.Fatal(err)
	}
	if n, r := b.ActionCount(simulator.OpPause), len(rec.of(lazada.PathTokenRefresh)); n != 1 || r != 1 {
		t.Fatalf("%d pauses applied, %d refreshes", n, r)
	}
}

// elementPaths lists the element paths of an XML document, each once, in
// the order met ("Request/Product/Skus/Sku/SellerSku").
func elementPaths(t *testing.T, doc string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	var stack, out []string
	seen := map[string]bool{}
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out
			}
			t.Fatalf("payload %q: %v", doc, err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			stack = append(stack, e.Name.Local)
			if p := strings.Join(stack, "/"); !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

// keys is the set m, sorted.
func keys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }

// sorted is a sorted copy of s.
func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

// sum adds up the values of m.
func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestCapStockOnTheSimulator: a cap lowers each SKU to at most the units
// asked, keeping the warehouses' units in Lazada's order, and never raises
// a SKU that has fewer. The sale goes on between the read and the cap: a
// warehouse within the cap is left alone (not written back as read, which
// would make the units sold since sellable again), one that keeps part of
// its units is lowered by what it had over, one that keeps nothing is set
// to 0 — also when units sold in between, where lowering it by what was
// read would be refused (212).
func TestCapStockOnTheSimulator(t *testing.T) {
	b, clock, c, _ := controlSim(t, controlScenario(simulator.DefaultWarehouse, "W2"), nil)
	ctx := context.Background()
	clock.Advance(2 * time.Minute)
	before := readSale(t, c)
	read := truth(b)
	clock.Advance(time.Minute) // the sale goes on between the read and the cap
	was := truth(b)
	const own = simulator.DefaultWarehouse
	if read["POCO-F1"][own] == was["POCO-F1"][own] {
		t.Fatal("no POCO-F1 sold between the read and the cap: the test shows nothing")
	}
	// POCO-F1's own warehouse keeps all but 5 of what was read; W2, listed
	// after it, nothing.
	limit := read["POCO-F1"][own] - 5
	caps := map[string]int{"POCO-F1": limit, "POCO-X3": 1_000_000}
	if err := c.CapStock(ctx, controlTarget, before, caps, meta); err != nil {
		t.Fatal(err)
	}
	now := truth(b)
	if got := now["POCO-F1"]; got[own] != was["POCO-F1"][own]-5 || got["W2"] != 0 || got[""] > limit {
		t.Errorf("POCO-F1 capped at %d: %v; it was %v when read, %v when capped", limit, got, read["POCO-F1"], was["POCO-F1"])
	}
	if !maps.Equal(now["POCO-X3"], was["POCO-X3"]) {
		t.Errorf("POCO-X3, capped above its stock, changed: %v, was %v", now["POCO-X3"], was["POCO-X3"])
	}
	if !maps.Equal(now["REDMI-9A"], was["REDMI-9A"]) {
		t.Errorf("REDMI-9A, not capped, changed: %v, was %v", now["REDMI-9A"], was["REDMI-9A"])
	}

	// Capped at nothing, on a read older than the last sales.
	before = readSale(t, c)
	read = truth(b)
	clock.Advance(time.Minute)
	if truth(b)["POCO-X3"][own] == read["POCO-X3"][own] {
		t.Fatal("no POCO-X3 sold between the read and the cap: the test shows nothing")
	}
	if err := c.CapStock(ctx, controlTarget, before, map[string]int{"POCO-X3": 0}, meta); err != nil {
		t.Fatalf("capping POCO-X3 at 0: %v", err)
	}
	if got := truth(b)["POCO-X3"]; got[""] != 0 {
		t.Errorf("POCO-X3 capped at 0: %v", got)
	}

	if err := c.CapStock(ctx, controlTarget, before, map[string]int{"NOPE": 1}, meta); err == nil {
		t.Error("a cap of no SKU of the sale was sent")
	}
}
