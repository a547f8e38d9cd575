package lazada_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/lazada"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/datasources/sourcetest"
)

const channel = "lazada-id"

var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)

// calls records what the client asked of the gateway.
type calls struct {
	mu    sync.Mutex
	paths []string
	query []map[string]string
}

func (c *calls) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		q := map[string]string{}
		for k, v := range r.Form {
			q[k] = v[0]
		}
		c.mu.Lock()
		c.paths = append(c.paths, r.URL.Path)
		c.query = append(c.query, q)
		c.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (c *calls) of(suffix string) []map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []map[string]string
	for i, p := range c.paths {
		if strings.HasSuffix(p, suffix) {
			out = append(out, c.query[i])
		}
	}
	return out
}

// start serves a scenario's Lazada channel through a recording httptest
// server.
func start(t *testing.T, sc simulator.Scenario, clock *simulator.Clock) (*simulator.Server, *httptest.Server, *calls) {
	t.Helper()
	sc.Channels = slices.DeleteFunc(sc.Channels, func(c simulator.ChannelSpec) bool { return c.ID != channel })
	sim, err := simulator.New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	rec := &calls{}
	hs := httptest.NewServer(rec.wrap(sim.Handler()))
	t.Cleanup(hs.Close)
	return sim, hs, rec
}

// newClient is a client of the simulator's Lazada channel served by hs,
// with the simulator's credentials and sale clock, changed by change when
// it is not nil.
//
// Its calls time out after 5 s, or 30 s in the race run: a 30,000-order
// surge read under the race detector on a busy 2-core machine can take
// longer than a real channel is given, for the machine's sake, not the
// client's.
func newClient(t *testing.T, sim *simulator.Server, hs *httptest.Server, change func(*lazada.Config)) *lazada.Client {
	t.Helper()
	cfg := lazada.Config{
		ID: channel, Market: "ID",
		BaseURL: hs.URL + "/" + channel + "/rest", AuthURL: hs.URL + "/" + channel + "/auth/rest",
		AppKey: sim.Creds.LazadaAppKey, AppSecret: sim.Creds.LazadaAppSecret,
		AccessToken: sim.Creds.LazadaAccessToken, RefreshToken: sim.Creds.LazadaRefreshToken,
		Timeout: callTimeout(), Now: sim.Clock.Now, CallsPerSecond: fastCalls,
	}
	if change != nil {
		change(&cfg)
	}
	c, err := lazada.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOrdersMatchTheSimulatorsTruth(t *testing.T) {
	clock := simulator.NewManualClock(t0)
	sc := simulator.DemoScenario(t0, 0, 7)
	sim, hs, rec := start(t, sc, clock)
	c := newClient(t, sim, hs, nil)
	l := sourcetest.Ledger{}
	cur := datasources.Cursor{UpdatedAfter: sc.Sale.Start.Add(-time.Minute)}
	// Poll through the surge, a minute at a time, as the engine would.
	for range 15 {
		clock.Advance(time.Minute)
		cur = l.Poll(t, c, cur)
		want := sim.Book(channel).Sold()
		got := l.Sold()
		for sku, n := range want {
			if got[sku] != n {
				t.Fatalf("at %s: %s sold %d, simulator says %d", clock.Now().Format(time.TimeOnly), sku, got[sku], n)
			}
		}
	}
	if len(l) != sim.Book(channel).OrderCount() {
		t.Fatalf("read %d orders, the channel took %d", len(l), sim.Book(channel).OrderCount())
	}
	var some datasources.Order
	for _, o := range l {
		some = o
		break
	}
	if some.BuyerID == "" || len(some.Items) == 0 || some.Items[0].Price == 0 || !strings.Contains(some.Phone, "****") {
		t.Fatalf("order decoded incompletely: %+v", some)
	}
	for _, q := range rec.of("/orders/get") {
		if n, _ := strconv.Atoi(q["limit"]); n > lazada.PageLimit {
			t.Fatalf("limit %d asked", n)
		}
	}
	for _, q := range rec.of("/orders/items/get") {
		if n := strings.Count(q["order_ids"], ",") + 1; n > lazada.ItemsBatch {
			t.Fatalf("%d order ids in one items call", n)
		}
	}
}

// surge is one POCO F1 selling on Lazada ID at peak orders a minute, with
// stock that never runs out.
func surge(seed int64, peak float64) simulator.Scenario {
	return simulator.Scenario{
		Seed: seed,
		Sale: simulator.SaleSpec{ID: "surge", Name: "surge", Start: t0, End: t0.Add(time.Hour), PerBuyerLimit: 5},
		SKUs: []simulator.SKUSpec{{SKU: "POCO-F1", Name: "POCO F1", ListPrice: 300000000, FlashPrice: 250000000, Popularity: 1}},
		Channels: []simulator.ChannelSpec{{
			ID: channel, Kind: datasources.KindLazada, Market: "ID", Name: "Lazada ID",
			Allocated: map[string]int{"POCO-F1": 10_000_000}, PeakPerMinute: peak, BuyerPool: 500_000,
		}},
	}
}

// A surge of thousands of orders a second: windows far beyond offset 5000,
// and whole pages sharing one update second.
func TestOrdersSurgeBeyondTheOffsetLimit(t *testing.T) {
	clock := simulator.NewManualClock(t0)
	sc := surge(3, 90_000)
	sim, hs, rec := start(t, sc, clock)
	c := newClient(t, sim, hs, nil)
	clock.Advance(12 * time.Second)
	l := sourcetest.Ledger{}
	l.Poll(t, c, datasources.Cursor{UpdatedAfter: t0.Add(-time.Second)})
	taken := sim.Book(channel).OrderCount()
	if taken < 6000 {
		t.Fatalf("scenario too small to test the offset limit: %d orders", taken)
	}
	if len(l) != taken {
		t.Fatalf("read %d of %d orders", len(l), taken)
	}
	if got, want := l.Sold()["POCO-F1"], sim.Book(channel).Sold()["POCO-F1"]; got != want {
		t.Fatalf("sold %d, simulator says %d", got, want)
	}
	sameSecond := false
	for _, q := range rec.of("/orders/get") {
		n, _ := strconv.Atoi(q["offset"])
		if n > lazada.MaxOffset {
			t.Fatalf("offset %d asked", n)
		}
		sameSecond = sameSecond || n > 0
	}
	if !sameSecond {
		t.Fatal("no page was read by offset within one second: the test does not cover it")
	}
}

// Orders paid or cancelled while a busy second is being paged must not be
// skipped: paging upwards, an order leaving the second slides the next one
// onto a page already read, and its own later update (a cancellation) is
// never seen. The sale moves 200 ms between calls, so the reader falls
// behind into seconds whose orders are still changing.
func TestBusySecondsWhileOrdersMove(t *testing.T) {
	clock := simulator.NewManualClock(t0)
	sc := surge(9, 30_000)
	sim, hs, rec := start(t, sc, clock)
	c := newClient(t, sim, hs, nil)
	clock.Advance(3 * time.Second)
	l := sourcetest.Ledger{}
	cur := datasources.Cursor{UpdatedAfter: t0.Add(-time.Second)}
	for range 300 {
		cur = l.Step(t, c, cur).Next
		clock.Advance(200 * time.Millisecond)
	}
	// The sale stops moving; the reader catches up.
	l.Drain(t, c, cur)
	if len(l) != sim.Book(channel).OrderCount() {
		t.Errorf("read %d orders, the channel took %d", len(l), sim.Book(channel).OrderCount())
	}
	if got, want := l.Sold()["POCO-F1"], sim.Book(channel).Sold()["POCO-F1"]; got != want {
		t.Errorf("sold %d, simulator says %d: an update was skipped", got, want)
	}
	bounded := 0
	for _, q := range rec.of("/orders/get") {
		if q["update_before"] != "" {
			bounded++
		}
	}
	if bounded == 0 {
		t.Error("no busy second was read on its own: the test does not cover it")
	}
}

// TestStockMatchesTheSimulator: every SKU's stock as the simulator holds
// it — sellable and reserved per warehouse, the configured one only when
// one is configured — its prices, sale window and state, read by
// catalogue and by name.
func TestStockMatchesTheSimulator(t *testing.T) {
	for _, tc := range []struct {
		name       string
		warehouses []string
		configured string
	}{
		{name: "one warehouse"},
		{name: "two warehouses", warehouses: []string{simulator.DefaultWarehouse, "W2"}},
		{name: "the second configured", warehouses: []string{simulator.DefaultWarehouse, "W2"}, configured: "W2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := simulator.NewManualClock(t0)
			sc := simulator.DemoScenario(t0, 10*time.Minute, 7)
			for i := range sc.Channels {
				sc.Channels[i].Warehouses = tc.warehouses
			}
			sim, hs, rec := start(t, sc, clock)
			c := newClient(t, sim, hs, func(cfg *lazada.Config) { cfg.WarehouseCode = tc.configured })
			want := map[string]simulator.StockView{}
			for _, s := range sim.Book(channel).Stock() {
				want[s.SKU] = s
			}
			all, err := c.Stock(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			some, err := c.Stock(context.Background(), []string{"POCO-M3-464-BLK", "MI-BAND-5-BLK", "NOT-A-SKU"})
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != len(want) || len(some) != 2 {
				t.Fatalf("got %d readings (and %d of 2 asked), want %d", len(all), len(some), len(want))
			}
			for _, r := range append(all, some...) {
				w := want[r.SKU]
				var whs []datasources.WarehouseStock
				sellable, reserved := 0, 0
				for _, x := range w.Warehouses {
					if tc.configured == "" || x.Code == tc.configured {
						whs = append(whs, datasources.WarehouseStock{Code: x.Code, Sellable: x.Sellable, Reserved: x.Reserved})
						sellable += x.Sellable
						reserved += x.Reserved
					}
				}
				if r.Sellable != sellable || r.Reserved != reserved || !r.HasReserved || fmt.Sprint(r.Warehouses) != fmt.Sprint(whs) ||
					r.SalePrice != w.SalePrice || r.Price != w.Price || !r.SaleEnd.Equal(w.SaleEnd) || !r.SaleStart.Equal(w.SaleStart) ||
					r.ItemID == "" || r.SkuID == "" {
					t.Errorf("%s: got %+v, simulator has %+v", r.SKU, r, w)
				}
				// The state is the sale's as read from the window and the
				// stock read: with a warehouse configured, that stock.
				if tc.configured == "" && r.State != w.State {
					t.Errorf("%s: state %s, simulator says %s", r.SKU, r.State, w.State)
				}
			}
			for _, q := range rec.of("/products/get") {
				if n, _ := strconv.Atoi(q["limit"]); n > lazada.ProductsLimit {
					t.Fatalf("products limit %d", n)
				}
			}
			if err := c.Health(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestStockPaging: the catalogue is walked 50 products a call up to
// Lazada's largest offset, 10,000, and no further; SKUs named go by
// sku_seller_list, 50 a call, with no offset to run out of.
func TestStockPaging(t *testing.T) {
	var page strings.Builder
	page.WriteString(`{"code":"0","request_id":"0b1","data":{"total_products":"20000","products":[`)
	for i := range lazada.ProductsLimit {
		if i > 0 {
			page.WriteByte(',')
		}
		fmt.Fprintf(&page, `{"item_id":%d,"skus":[{"SellerSku":"SKU-%03d","SkuId":%d,"quantity":1}]}`, 3000000000+i, i, 11000000000+i)
	}
	page.WriteString(`]}}`)
	g, c := newGateway(t, map[string][]string{lazada.PathProducts: {page.String()}}, nil)
	if _, err := c.Stock(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	walk := g.of(lazada.PathProducts)
	if len(walk) != lazada.MaxProductsOffset/lazada.ProductsLimit+1 {
		t.Fatalf("%d calls for the catalogue", len(walk))
	}
	for i, r := range walk {
		if r.query["offset"] != strconv.Itoa(i*lazada.ProductsLimit) || r.query["limit"] != "50" || r.query["filter"] != "all" || r.query["sku_seller_list"] != "" {
			t.Fatalf("call %d asked %v", i, r.query)
		}
	}

	skus := skuList(120)
	g, c = newGateway(t, map[string][]string{lazada.PathProducts: {page.String()}}, nil)
	rs, err := c.Stock(context.Background(), skus)
	if err != nil {
		t.Fatal(err)
	}
	// Every answer lists SKU-000…SKU-049; a reading counts only for a SKU
	// asked for, so the first call's 50 are all there is.
	if len(rs) != lazada.ProductsLimit {
		t.Fatalf("%d readings, want the 50 the first call asked for", len(rs))
	}
	named := g.of(lazada.PathProducts)
	if len(named) != 3 {
		t.Fatalf("%d calls for 120 SKUs", len(named))
	}
	for i, r := range named {
		var list []string
		if err := json.Unmarshal([]byte(r.query["sku_seller_list"]), &list); err != nil {
			t.Fatalf("sku_seller_list %q: %v", r.query["sku_seller_list"], err)
		}
		if want := skus[i*50 : min(i*50+50, 120)]; fmt.Sprint(list) != fmt.Sprint(want) || r.query["offset"] != "0" {
			t.Fatalf("call %d asked %v at offset %s", i, list, r.query["offset"])
		}
	}
}

func TestExpiredTokenIsRefreshedOnce(t *testing.T) {
	clock := simulator.NewManualClock(t0)
	sim, hs, rec := start(t, simulator.DemoScenario(t0, time.Minute, 7), clock)
	var mu sync.Mutex
	var renewed []string
	c := newClient(t, sim, hs, func(cfg *lazada.Config) {
		cfg.OnTokenRefresh = func(access, refresh string, exp time.Time) {
			mu.Lock()
			defer mu.Unlock()
			renewed = append(renewed, access)
			if time.Until(exp) < 29*24*time.Hour {
				t.Errorf("access token said to expire at %v", exp)
			}
		}
	})
	if err := c.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	sim.Book(channel).SetFaults(simulator.Faults{TokenExpired: true})
	if _, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: t0.Add(-time.Hour)}); err != nil {
		t.Fatalf("after the token expired: %v", err)
	}
	if err := c.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(renewed) != 1 || renewed[0] == sim.Creds.LazadaAccessToken {
		t.Fatalf("refreshed %v", renewed)
	}
	if n := len(rec.of("/auth/token/refresh")); n != 1 {
		t.Fatalf("%d refresh calls", n)
	}

	// Without a usable refresh token the channel is an auth failure that
	// names what to do.
	bad := newClient(t, sim, hs, func(cfg *lazada.Config) { cfg.AccessToken = "stale"; cfg.RefreshToken = "revoked" })
	err := bad.Health(context.Background())
	var de *datasources.Error
	if !errors.As(err, &de) || de.Kind != datasources.ErrAuth || de.Code != lazada.CodeIllegalRefreshToken {
		t.Fatalf("revoked refresh token: %v", err)
	}
}

func TestFailuresAreNamed(t *testing.T) {
	clock := simulator.NewManualClock(t0)
	sim, hs, _ := start(t, simulator.DemoScenario(t0, time.Minute, 7), clock)
	cur := datasources.Cursor{UpdatedAfter: t0.Add(-time.Hour)}
	for _, tc := range []struct {
		name   string
		faults simulator.Faults
		change func(*lazada.Config)
		kind   datasources.ErrorKind
		code   string
	}{
		{name: "rate limited", faults: simulator.Faults{RateLimited: true}, kind: datasources.ErrRateLimited, code: lazada.CodeAPICallLimit},
		{name: "wrong secret", change: func(c *lazada.Config) { c.AppSecret = "wrong" }, kind: datasources.ErrSignature, code: lazada.CodeIncompleteSignature},
		{name: "down", faults: simulator.Faults{Down: true}, kind: datasources.ErrUnavailable, code: "HTTP 503"},
		{name: "truncated", faults: simulator.Faults{Malformed: true}, kind: datasources.ErrMalformed},
		{name: "slow", faults: simulator.Faults{Latency: 2 * time.Second}, change: func(c *lazada.Config) { c.Timeout = 200 * time.Millisecond }, kind: datasources.ErrTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim.Book(channel).SetFaults(tc.faults)
			defer sim.Book(channel).SetFaults(simulator.Faults{})
			c := newClient(t, sim, hs, tc.change)
			_, err := c.Orders(context.Background(), cur)
			var de *datasources.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a datasources.Error", err)
			}
			if de.Kind != tc.kind || (tc.code != "" && de.Code != tc.code) || de.Channel != channel || de.Op != lazada.PathOrders {
				t.Fatalf("got %s kind %v code %q op %q", de, de.Kind, de.Code, de.Op)
			}
			if tc.kind == datasources.ErrRateLimited && de.RetryAfter != time.Second {
				t.Fatalf("retry after %v", de.RetryAfter)
			}
			if strings.Contains(err.Error(), sim.Creds.LazadaAccessToken) {
				t.Fatalf("the error shows the access token: %v", err)
			}
		})
	}
}

func TestNewNamesTheWrongSetting(t *testing.T) {
	for _, tc := range []struct {
		cfg  lazada.Config
		want string
	}{
		{lazada.Config{ID: "x", AppKey: "k", AppSecret: "s"}, "AccessToken or RefreshToken"},
		{lazada.Config{ID: "x", AppSecret: "s", AccessToken: "t", Market: "ID"}, "AppKey"},
		{lazada.Config{ID: "x", AppKey: "k", AppSecret: "s", AccessToken: "t", Market: "FR"}, `Market "FR"`},
		{lazada.Config{ID: "x", AppKey: "k", AppSecret: "s", AccessToken: "t", BaseURL: "ftp://x"}, "BaseURL"},
	} {
		_, err := lazada.New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want a message naming %s", tc.cfg, err, tc.want)
		}
	}
	if got := lazada.GatewayURL("id"); got != "https://api.lazada.co.id/rest" {
		t.Fatalf("GatewayURL(id) = %s", got)
	}
}

// TestStockReadsEachSKUOnce: /products/get answers whole products, so a
// product whose variants fall into two batches is listed by both, and a
// catalogue that shifts during the walk lists a product on two pages. Each
// SKU is read once all the same: a caller summing readings (what a pause
// owes back) must not count one twice.
func TestStockReadsEachSKUOnce(t *testing.T) {
	product := func(item int, skus ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, `{"item_id":%d,"skus":[`, item)
		for i, s := range skus {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"SellerSku":%q,"quantity":%d}`, s, 10+i)
		}
		b.WriteString(`]}`)
		return b.String()
	}
	answer := func(products ...string) string {
		return `{"code":"0","request_id":"0b1","data":{"products":[` + strings.Join(products, ",") + `]}}`
	}
	skus := skuList(60)
	var first []string
	for i := range 49 {
		first = append(first, product(i, skus[i]))
	}
	// SKU-049 and SKU-050 are variants of one product: the first batch
	// asks for SKU-049, the second for SKU-050, and both get the product.
	variants := product(49, "SKU-049", "SKU-050")
	var second []string
	for i := 51; i < 60; i++ {
		second = append(second, product(i, skus[i]))
	}
	_, c := newGateway(t, map[string][]string{lazada.PathProducts: {answer(append(first, variants)...), answer(append(second, variants)...)}}, nil)
	rs, err := c.Stock(context.Background(), skus)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range rs {
		count[r.SKU]++
	}
	if len(rs) != 60 || count["SKU-049"] != 1 || count["SKU-050"] != 1 {
		t.Fatalf("%d readings for 60 SKUs: %v", len(rs), count)
	}

	// The catalogue walk: the second page starts with the last product of
	// the first again (a product was added before it meanwhile).
	page := append(append([]string{}, first...), product(49, "SKU-049"))
	_, c = newGateway(t, map[string][]string{lazada.PathProducts: {answer(page...), answer(product(49, "SKU-049"), product(50, "SKU-050"))}}, nil)
	rs, err = c.Stock(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	count = map[string]int{}
	for _, r := range rs {
		count[r.SKU]++
	}
	if len(rs) != 51 || count["SKU-049"] != 1 {
		t.Fatalf("%d readings of a catalogue of 51 SKUs: %v", len(rs), count)
	}
}

// callTimeout is the test clients' timeout per call (see newClient).
func callTimeout() time.Duration {
	if testwait.Timed() {
		return 5 * time.Second
	}
	return 30 * time.Second
}
