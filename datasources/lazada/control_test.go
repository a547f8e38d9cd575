package lazada_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/lazada"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

const secret = "helloworld"

// sent is one request a fake gateway received.
type sent struct {
	method, path string
	query, form  map[string]string // form: the POST body only
}

// gateway is a fake Lazada gateway: /products/get answers the readings
// given, /product/price_quantity/update answers each call in turn with
// updates[i] (the last one repeated), and every request is recorded.
type gateway struct {
	mu       sync.Mutex
	reqs     []sent
	products string
	updates  []string
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	_ = r.ParseForm()
	s := sent{method: r.Method, path: strings.TrimPrefix(r.URL.Path, "/rest"), query: map[string]string{}, form: map[string]string{}}
	for k, v := range r.URL.Query() {
		s.query[k] = v[0]
	}
	for k, v := range r.PostForm {
		s.form[k] = v[0]
	}
	g.mu.Lock()
	g.reqs = append(g.reqs, s)
	n := len(g.of(lazada.PathPriceQuantity))
	g.mu.Unlock()
	switch s.path {
	case lazada.PathProducts:
		_, _ = io.WriteString(w, g.products)
	case lazada.PathPriceQuantity:
		ans := `{"code":"0","request_id":"0b1"}`
		if len(g.updates) > 0 {
			ans = g.updates[min(n, len(g.updates))-1]
		}
		_, _ = io.WriteString(w, ans)
	default:
		_, _ = io.WriteString(w, `{"type":"ISV","code":"InvalidApiPath","message":"no such path"}`)
	}
}

// of lists the requests to path; callers hold mu or are done sending.
func (g *gateway) of(path string) []sent {
	var out []sent
	for _, s := range g.reqs {
		if s.path == path {
			out = append(out, s)
		}
	}
	return out
}

func fakeClient(t *testing.T, g *gateway) *lazada.Client {
	t.Helper()
	hs := httptest.NewServer(g)
	t.Cleanup(hs.Close)
	c, err := lazada.New(lazada.Config{
		ID: channel, Market: "ID", BaseURL: hs.URL + "/rest", AuthURL: hs.URL + "/auth/rest",
		AppKey: "123456", AppSecret: secret, AccessToken: "tok", Timeout: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8"?>`

// TestUpdatePayloads pins the exact XML of a pause, a resume and an
// extension, that it travels as the POST form parameter "payload", and that
// the signature covers it with every other parameter.
func TestUpdatePayloads(t *testing.T) {
	target := datasources.SaleTarget{SaleID: "s", SKUs: []string{"POCO<&>1", "REDMI-9A", "POCO<&>1", ""}}
	products := `{"code":"0","data":{"products":[{"item_id":"1","skus":[
		{"SellerSku":"POCO<&>1","quantity":10,"sellableQuantity":"4","price":"2199000.00","special_price":"1999000.00","special_from_time":"2026-11-23 14:00:00","special_to_time":"2026-11-23 16:00:00"},
		{"SellerSku":"REDMI-9A","quantity":10,"sellableQuantity":"6","price":"1299000.00","special_price":"1099000.50","special_from_time":"2026-11-23 14:00","special_to_time":"2026-11-23 16:00:00"}]}]}}`
	prev := datasources.SaleControl{SKUs: []datasources.StockReading{{SKU: "REDMI-9A", Sellable: 6}, {SKU: "POCO<&>1", Sellable: 17}}}
	for _, tc := range []struct {
		name string
		act  func(*lazada.Client) error
		want string
	}{
		{"pause", func(c *lazada.Client) error {
			return c.PauseSale(context.Background(), target, datasources.ActionMeta{})
		},
			xmlHead + `<Request><Product><Skus>` +
				`<Sku><SellerSku>POCO&lt;&amp;&gt;1</SellerSku><SellableQuantity>0</SellableQuantity></Sku>` +
				`<Sku><SellerSku>REDMI-9A</SellerSku><SellableQuantity>0</SellableQuantity></Sku>` +
				`</Skus></Product></Request>`},
		{"resume", func(c *lazada.Client) error {
			return c.ResumeSale(context.Background(), target, prev, datasources.ActionMeta{})
		},
			xmlHead + `<Request><Product><Skus>` +
				`<Sku><SellerSku>POCO&lt;&amp;&gt;1</SellerSku><SellableQuantity>17</SellableQuantity></Sku>` +
				`<Sku><SellerSku>REDMI-9A</SellerSku><SellableQuantity>6</SellableQuantity></Sku>` +
				`</Skus></Product></Request>`},
		// until in UTC is written in the market's zone (WIB, UTC+7).
		{"extend", func(c *lazada.Client) error {
			return c.ExtendSale(context.Background(), target, time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC), datasources.ActionMeta{})
		},
			xmlHead + `<Request><Product><Skus>` +
				`<Sku><SellerSku>POCO&lt;&amp;&gt;1</SellerSku><SalePrice>1999000.00</SalePrice><SaleStartDate>2026-11-23 14:00:00</SaleStartDate><SaleEndDate>2026-11-23 17:30:00</SaleEndDate></Sku>` +
				`<Sku><SellerSku>REDMI-9A</SellerSku><SalePrice>1099000.50</SalePrice><SaleStartDate>2026-11-23 14:00:00</SaleStartDate><SaleEndDate>2026-11-23 17:30:00</SaleEndDate></Sku>` +
				`</Skus></Product></Request>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &gateway{products: products}
			if err := tc.act(fakeClient(t, g)); err != nil {
				t.Fatal(err)
			}
			calls := g.of(lazada.PathPriceQuantity)
			if len(calls) != 1 {
				t.Fatalf("%d update calls", len(calls))
			}
			s := calls[0]
			if s.method != http.MethodPost {
				t.Fatalf("sent with %s", s.method)
			}
			if got := s.form["payload"]; got != tc.want {
				t.Fatalf("payload\n got %s\nwant %s", got, tc.want)
			}
			if _, inQuery := s.query["payload"]; inQuery {
				t.Fatal("the payload travelled in the query")
			}
			params := map[string]string{}
			for _, m := range []map[string]string{s.query, s.form} {
				for k, v := range m {
					params[k] = v
				}
			}
			for _, k := range []string{"app_key", "timestamp", "sign_method", "access_token", "sign"} {
				if params[k] == "" {
					t.Fatalf("%s missing from %v", k, params)
				}
			}
			if want := lazada.Sign(lazada.PathPriceQuantity, params, secret); params["sign"] != want {
				t.Fatalf("sign %s, want %s over %v", params["sign"], want, params)
			}
			// The payload is what was signed: without it the signature differs.
			delete(params, "payload")
			if lazada.Sign(lazada.PathPriceQuantity, params, secret) == s.query["sign"] {
				t.Fatal("the signature does not cover the payload")
			}
		})
	}
}

// skuList is n seller SKUs: SKU-000, SKU-001, …
func skuList(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("SKU-%03d", i)
	}
	return out
}

// payloadSKUs reads the seller SKUs of an update payload.
func payloadSKUs(t *testing.T, payload string) []string {
	t.Helper()
	var r struct {
		Skus []string `xml:"Product>Skus>Sku>SellerSku"`
	}
	if err := xml.Unmarshal([]byte(payload), &r); err != nil {
		t.Fatalf("payload %q: %v", payload, err)
	}
	return r.Skus
}

// TestUpdateBatches: 120 SKUs are three calls of at most 50, in order; a
// failing call stops the rest, and its error says what was applied, keeps
// the failing call's kind, and never leads to a retry.
func TestUpdateBatches(t *testing.T) {
	target := datasources.SaleTarget{SKUs: skuList(120)}
	ok := `{"code":"0","request_id":"0b1"}`
	for _, tc := range []struct {
		name    string
		answers []string
		calls   int
		kind    datasources.ErrorKind
		unknown bool
		words   []string
	}{
		{name: "all applied", answers: []string{ok}, calls: 3},
		{name: "second refused", calls: 2, kind: datasources.ErrPartial, unknown: true,
			answers: []string{ok, `{"type":"ISV","code":"InvalidParameter","message":"bad sku","detail":[{"field":"SellerSku","seller_sku":"SKU-077","message":"SellerSku SKU-077 does not exist"}],"request_id":"0b2"}`},
			words:   []string{"call 2 of 3 failed", "applied: SKU-000, SKU-001", "not applied: SKU-050", "not sent: SKU-100", "SKU SKU-077: SellerSku: SellerSku SKU-077 does not exist", "… and 30 more"}},
		{name: "second lost in a backend failure", calls: 2, kind: datasources.ErrUnavailable, unknown: true,
			answers: []string{ok, `{"type":"ISP","code":"ServiceUnavailable","message":"Backend service is unavailable","request_id":"0b2"}`},
			words:   []string{"call 2 of 3 failed", "outcome unknown, read the sale back: SKU-050", "not sent: SKU-100"}},
		{name: "first locked", calls: 1, kind: datasources.ErrRejected,
			answers: []string{`{"type":"ISP","code":4170,"message":"stock locked","detail":[{"seller_sku":"SKU-003","message":"locked"}],"request_id":"0b3"}`},
			words:   []string{"the stock of SKU-003 is locked by a Lazada platform campaign", "applied: none", "not sent: SKU-050"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &gateway{updates: tc.answers}
			err := fakeClient(t, g).PauseSale(context.Background(), target, datasources.ActionMeta{})
			calls := g.of(lazada.PathPriceQuantity)
			if len(calls) != tc.calls {
				t.Fatalf("%d calls, want %d", len(calls), tc.calls)
			}
			var got []string
			for _, s := range calls {
				skus := payloadSKUs(t, s.form["payload"])
				if len(skus) > lazada.UpdateBatch {
					t.Fatalf("%d SKUs in one call", len(skus))
				}
				got = append(got, skus...)
			}
			if tc.calls == 3 && strings.Join(got, ",") != strings.Join(target.SKUs, ",") {
				t.Fatalf("sent %v", got)
			}
			if tc.kind == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var de *datasources.Error
			if !errors.As(err, &de) || de.Kind != tc.kind || de.Op != lazada.PathPriceQuantity || de.Channel != channel {
				t.Fatalf("error %v (kind %v)", err, datasources.KindOf(err))
			}
			if datasources.OutcomeUnknown(err) != tc.unknown {
				t.Fatalf("OutcomeUnknown = %v for %v", !tc.unknown, err)
			}
			for _, w := range tc.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q missing from %v", w, err)
				}
			}
		})
	}
}

// TestStockLockedIsRejected: Lazada's 4170 is a refusal in words naming the
// SKU, whatever type it comes with, and is never sent again.
func TestStockLockedIsRejected(t *testing.T) {
	for _, tc := range []struct{ name, answer, names string }{
		{"detail names the SKU", `{"type":"ISV","code":"4170","message":"The inventory is locked","detail":[{"field":"SellableQuantity","seller_sku":"B","message":"locked"}],"request_id":"0b4"}`, "the stock of B is locked"},
		{"no detail", `{"type":"ISP","code":"4170","message":"The inventory is locked","request_id":"0b4"}`, "the stock of one of A, B is locked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &gateway{updates: []string{tc.answer}}
			err := fakeClient(t, g).PauseSale(context.Background(), datasources.SaleTarget{SKUs: []string{"A", "B"}}, datasources.ActionMeta{})
			var de *datasources.Error
			if !errors.As(err, &de) || de.Kind != datasources.ErrRejected || de.Code != lazada.CodeStockLocked || datasources.OutcomeUnknown(err) {
				t.Fatalf("got %v", err)
			}
			if !strings.Contains(de.Message, tc.names) || !strings.Contains(de.Message, "The inventory is locked") {
				t.Fatalf("message %q", de.Message)
			}
			if n := len(g.of(lazada.PathPriceQuantity)); n != 1 {
				t.Fatalf("sent %d times", n)
			}
		})
	}
}

// TestActionsRefusedBeforeSending: what cannot be right is never sent.
func TestActionsRefusedBeforeSending(t *testing.T) {
	products := `{"code":"0","data":{"products":[{"skus":[{"SellerSku":"A","sellableQuantity":"3","price":"10.00"}]}]}}`
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		act   func(*lazada.Client) error
		words string
	}{
		{"pause without SKUs", func(c *lazada.Client) error {
			return c.PauseSale(ctx, datasources.SaleTarget{SKUs: []string{" "}}, datasources.ActionMeta{})
		}, "names no SKUs"},
		{"resume without a reading", func(c *lazada.Client) error {
			prev := datasources.SaleControl{SKUs: []datasources.StockReading{{SKU: "A", Sellable: 3}}}
			return c.ResumeSale(ctx, datasources.SaleTarget{SKUs: []string{"A", "B", "C"}}, prev, datasources.ActionMeta{})
		}, "no sellable stock was read before the pause for B, C"},
		{"extend a SKU without a sale price", func(c *lazada.Client) error {
			return c.ExtendSale(ctx, datasources.SaleTarget{SKUs: []string{"A", "Z"}}, time.Now(), datasources.ActionMeta{})
		}, "Lazada does not know Z; A has no sale price"},
		{"extend to no time", func(c *lazada.Client) error {
			return c.ExtendSale(ctx, datasources.SaleTarget{SKUs: []string{"A"}}, time.Time{}, datasources.ActionMeta{})
		}, "no new sale end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &gateway{products: products}
			err := tc.act(fakeClient(t, g))
			if datasources.KindOf(err) != datasources.ErrRejected || datasources.OutcomeUnknown(err) || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("got %v", err)
			}
			if n := len(g.of(lazada.PathPriceQuantity)); n != 0 {
				t.Fatalf("%d updates sent", n)
			}
		})
	}
}

// The rest runs against the simulator.

var controlSKUs = []string{"POCO-F1", "POCO-X3", "REDMI-9A"}

// controlScenario is a half-hour sale with stock that lasts, so that
// whether it sells is up to the actions.
func controlScenario() simulator.Scenario {
	alloc := map[string]int{}
	var skus []simulator.SKUSpec
	for i, s := range controlSKUs {
		alloc[s] = 100_000
		skus = append(skus, simulator.SKUSpec{SKU: s, Name: s, ListPrice: datasources.Money(300000000 + i), FlashPrice: datasources.Money(250000000 + i*100), Popularity: 1})
	}
	return simulator.Scenario{
		Seed:     11,
		Sale:     simulator.SaleSpec{ID: "control", Name: "control", Start: t0, End: t0.Add(30 * time.Minute)},
		SKUs:     skus,
		Channels: []simulator.ChannelSpec{{ID: channel, Kind: datasources.KindLazada, Market: "ID", Name: "Lazada ID", Allocated: alloc, PeakPerMinute: 300}},
	}
}

func controlSim(t *testing.T, change func(*lazada.Config)) (*simulator.Server, *simulator.Clock, *lazada.Client, *calls) {
	t.Helper()
	clock := simulator.NewManualClock(t0)
	sim, hs, rec := start(t, controlScenario(), clock)
	return sim, clock, newClient(t, sim, hs, change), rec
}

var controlTarget = datasources.SaleTarget{SaleID: "control", SKUs: controlSKUs}

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

func sellable(sc datasources.SaleControl) map[string]int {
	out := map[string]int{}
	for _, r := range sc.SKUs {
		out[r.SKU] = r.Sellable
	}
	return out
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

func TestPauseAndResumeOnTheSimulator(t *testing.T) {
	sim, clock, c, _ := controlSim(t, nil)
	b := sim.Book(channel)
	ctx := context.Background()
	clock.Advance(5 * time.Minute)
	prev := readSale(t, c)
	if prev.Paused || !prev.End.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("before the pause: %+v", prev)
	}
	soldBefore, _ := unitsSince(b, t0.Add(-time.Second))
	if err := c.PauseSale(ctx, controlTarget, datasources.ActionMeta{Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	paused := readSale(t, c)
	if !paused.Paused {
		t.Fatalf("after the pause: %+v", paused)
	}
	if n := b.ActionCount(simulator.OpPause); n != 1 {
		t.Fatalf("%d pauses applied", n)
	}

	// Nothing more is sold: only units of orders cancelled meanwhile come
	// back, as on Lazada, and only those can be bought again.
	atPause, pausedAt := b.Sold(), clock.Now()
	clock.Advance(5 * time.Minute)
	for sku, n := range b.Sold() {
		if n > atPause[sku] {
			t.Fatalf("%s sold %d while paused, %d at the pause", sku, n, atPause[sku])
		}
	}
	created, cancelled := unitsSince(b, pausedAt)
	t.Logf("%d units sold in the 5 minutes before the pause; while paused %d ordered, %d cancelled", soldBefore, created, cancelled)
	if created > cancelled || created > soldBefore/20 {
		t.Fatalf("while paused: %d units ordered, %d cancelled (%d in the 5 minutes before)", created, cancelled, soldBefore)
	}

	if err := c.ResumeSale(ctx, controlTarget, prev, datasources.ActionMeta{Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	resumed := readSale(t, c)
	if got, want := sellable(resumed), sellable(prev); fmt.Sprint(got) != fmt.Sprint(want) || resumed.Paused {
		t.Fatalf("resumed to %v, want %v", got, want)
	}
	if n := b.ActionCount(simulator.OpResume); n != 1 {
		t.Fatalf("%d resumes applied", n)
	}
	resumedAt := clock.Now()
	clock.Advance(time.Minute)
	if created, _ := unitsSince(b, resumedAt); created == 0 {
		t.Fatal("nothing sold after the resume")
	}
}

func TestExtendOnTheSimulator(t *testing.T) {
	sim, clock, c, _ := controlSim(t, nil)
	b := sim.Book(channel)
	oldEnd := t0.Add(30 * time.Minute)
	clock.Advance(25 * time.Minute)
	until := t0.Add(90 * time.Minute)
	if err := c.ExtendSale(context.Background(), controlTarget, until, datasources.ActionMeta{Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	if sc := readSale(t, c); !sc.End.Equal(until) {
		t.Fatalf("ends at %v, want %v", sc.End, until)
	}
	if n := b.ActionCount(simulator.OpExtend); n != 1 {
		t.Fatalf("%d extensions applied", n)
	}
	clock.Advance(20 * time.Minute)
	if created, _ := unitsSince(b, oldEnd); created == 0 {
		t.Fatal("nothing sold past the old end")
	}
	// A time between seconds is rounded up: the sale never ends before it.
	later := until.Add(10*time.Minute + 300*time.Millisecond)
	if err := c.ExtendSale(context.Background(), controlTarget, later, datasources.ActionMeta{}); err != nil {
		t.Fatal(err)
	}
	if sc := readSale(t, c); !sc.End.Equal(later.Truncate(time.Second).Add(time.Second)) {
		t.Fatalf("ends at %v, asked %v", sc.End, later)
	}
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

func TestCancelOrderOnTheSimulator(t *testing.T) {
	for _, tc := range []struct {
		name, configured, want string
	}{
		{"first harmless reason", "", "10000019"},
		// A reason that zeroes the stock is never used, configured or not.
		{"configured reason zeroes stock", "10000021", "10000019"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, clock, c, rec := controlSim(t, func(cfg *lazada.Config) { cfg.CancelReasonID = tc.configured })
			b := sim.Book(channel)
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
				if sellable(readSale(t, c))[sku] == 0 {
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
	_, _, c, _ := controlSim(t, nil)
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

func TestLockedStockOnTheSimulator(t *testing.T) {
	sim, clock, c, _ := controlSim(t, nil)
	b := sim.Book(channel)
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
	for _, tc := range []struct {
		op  string
		act func() error
	}{
		{simulator.OpPause, func() error { return c.PauseSale(context.Background(), controlTarget, datasources.ActionMeta{}) }},
		{simulator.OpExtend, func() error {
			return c.ExtendSale(context.Background(), controlTarget, t0.Add(time.Hour), datasources.ActionMeta{})
		}},
	} {
		err := tc.act()
		var de *datasources.Error
		if !errors.As(err, &de) || de.Kind != datasources.ErrRejected || de.Code != lazada.CodeStockLocked ||
			datasources.OutcomeUnknown(err) || !strings.Contains(de.Message, "the stock of POCO-X3 is locked") {
			t.Fatalf("%s: got %v", tc.op, err)
		}
		if n := b.ActionCount(tc.op); n != 0 {
			t.Fatalf("%s applied %d times", tc.op, n)
		}
	}
	after := readSale(t, c)
	if fmt.Sprint(sellable(after)) != fmt.Sprint(sellable(before)) || !after.End.Equal(before.End) {
		t.Fatalf("changed: %+v, was %+v", after, before)
	}
}

// TestActionFaults: an answer held back past the client's timeout leaves
// the outcome unknown and the read-back finds the change; a backend
// failure changes nothing. Neither is sent twice.
func TestActionFaults(t *testing.T) {
	extendTo := t0.Add(time.Hour)
	for _, tc := range []struct {
		name, op, mode string
		act            func(*lazada.Client, string) error
		applied        func(*lazada.Client, string) bool
	}{
		{name: "pause", op: simulator.OpPause,
			act: func(c *lazada.Client, _ string) error {
				return c.PauseSale(context.Background(), controlTarget, datasources.ActionMeta{})
			},
			applied: func(c *lazada.Client, _ string) bool { return readSaleOf(c).Paused }},
		{name: "extend", op: simulator.OpExtend,
			act: func(c *lazada.Client, _ string) error {
				return c.ExtendSale(context.Background(), controlTarget, extendTo, datasources.ActionMeta{})
			},
			applied: func(c *lazada.Client, _ string) bool { return readSaleOf(c).End.Equal(extendTo) }},
		{name: "cancel", op: simulator.OpCancel,
			act: func(c *lazada.Client, id string) error {
				return c.CancelOrder(context.Background(), id, datasources.ActionMeta{})
			},
			applied: func(c *lazada.Client, id string) bool {
				o, err := c.ReadOrder(context.Background(), id)
				return err == nil && o.IsCancelled()
			}},
	} {
		for _, mode := range []string{"timeout", "fail"} {
			t.Run(tc.name+" "+mode, func(t *testing.T) {
				sim, clock, c, rec := controlSim(t, func(cfg *lazada.Config) { cfg.Timeout = 400 * time.Millisecond })
				b := sim.Book(channel)
				clock.Advance(90 * time.Second)
				id, _ := pendingOrder(t, b)
				b.SetActionFault(tc.op, simulator.ActionFault{Mode: mode, Delay: 5 * time.Second})
				err := tc.act(c, id)
				if err == nil {
					t.Fatal("no error")
				}
				if mode == "timeout" {
					if datasources.KindOf(err) != datasources.ErrTimeout || !datasources.OutcomeUnknown(err) {
						t.Fatalf("got %v", err)
					}
				}
				if got, want := tc.applied(c, id), mode == "timeout"; got != want {
					t.Fatalf("applied = %v after %v", got, err)
				}
				if n, want := b.ActionCount(tc.op), map[bool]int{true: 1}[mode == "timeout"]; n != want {
					t.Fatalf("applied %d times", n)
				}
				path := lazada.PathPriceQuantity
				if tc.op == simulator.OpCancel {
					path = lazada.PathCancelCreate
				}
				if n := len(rec.of(path)); n != 1 {
					t.Fatalf("sent %d times", n)
				}
			})
		}
	}
}

func readSaleOf(c *lazada.Client) datasources.SaleControl {
	sc, _ := c.ReadSale(context.Background(), controlTarget)
	return sc
}

// TestActionAfterTheTokenExpired: a refused token is refreshed and the
// change sent once more — Lazada refused it without acting.
func TestActionAfterTheTokenExpired(t *testing.T) {
	sim, clock, c, rec := controlSim(t, nil)
	b := sim.Book(channel)
	clock.Advance(time.Minute)
	b.SetFaults(simulator.Faults{TokenExpired: true})
	if err := c.PauseSale(context.Background(), controlTarget, datasources.ActionMeta{}); err != nil {
		t.Fatal(err)
	}
	if n, r := b.ActionCount(simulator.OpPause), len(rec.of("/auth/token/refresh")); n != 1 || r != 1 {
		t.Fatalf("%d pauses applied, %d refreshes", n, r)
	}
}
