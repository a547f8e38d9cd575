package lazada_test

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/lazada"
)

// The contract tests are a second oracle, beside the simulator: they
// replay the requests and answers Lazada's public documentation shows, as
// fixtures in testdata/contract (each names its sources; SOURCES.md lists
// them), through a fake gateway that checks every request's signature.
// They assert what the client sends — path, method, parameters, the XML
// payload's element names and values — and what it makes of the answers.
// The simulator is written by us from the same documents; these fixtures
// are the documents' own samples, rewritten with our values, so a
// misreading shared by the client and the simulator shows here.

// contractDir holds the fixtures.
const contractDir = "testdata/contract"

// source is where a fixture's facts come from.
type source struct {
	URL     string `json:"url"`
	Capture string `json:"capture"`
	Taken   string `json:"taken"`
}

// exchange is one documented request and its answer.
type exchange struct {
	Request struct {
		Method string            `json:"method"`
		Path   string            `json:"path"`
		Params map[string]string `json:"params"`
	} `json:"request"`
	Answer json.RawMessage `json:"answer"`
}

// fixture is what every contract fixture has; each test reads the rest of
// its file into its own type.
type fixture struct {
	API       string     `json:"api"`
	Source    []source   `json:"source"`
	Note      string     `json:"note"`
	Market    string     `json:"market"`
	Now       string     `json:"now"`
	Exchanges []exchange `json:"exchanges"`
}

// loadFixture reads testdata/contract/name into v, and checks the fixture
// names its sources: a URL and what was taken from it, for each.
func loadFixture(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(contractDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if f.API == "" || len(f.Source) == 0 {
		t.Fatalf("%s names no API or no source", name)
	}
	for _, s := range f.Source {
		if !strings.HasPrefix(s.URL, "https://") || s.Capture == "" || s.Taken == "" {
			t.Fatalf("%s: source %+v says not where from or what", name, s)
		}
	}
}

// at reads a fixture's RFC 3339 time.
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// contractClient serves answers (per API path, in turn) from a fake
// gateway and returns it with a client for the fixture's market, its sale
// clock at now (when given), changed by change.
func contractClient(t *testing.T, market, now string, answers map[string][]string, change func(*lazada.Config)) (*gateway, *lazada.Client) {
	t.Helper()
	return newGateway(t, answers, func(cfg *lazada.Config) {
		cfg.Market = market
		if now != "" {
			n := at(t, now)
			cfg.Now = func() time.Time { return n }
		}
		if change != nil {
			change(cfg)
		}
	})
}

// answersOf is the exchanges' answers by path, in order.
func answersOf(xs []exchange) map[string][]string {
	out := map[string][]string{}
	for _, x := range xs {
		out[x.Request.Path] = append(out[x.Request.Path], string(x.Answer))
	}
	return out
}

// systemParams are the parameters Lazada wants on every call.
var systemParams = []string{"app_key", "timestamp", "access_token", "sign_method", "sign"}

var upperHex64 = regexp.MustCompile(`^[0-9A-F]{64}$`)

// checkSystem checks the system parameters of a request: in the query,
// the app's key, a timestamp in epoch milliseconds within Lazada's 7200 s
// of now, sign_method sha256, the access token, and a signature in upper-
// case hex (the gateway checked its value).
func checkSystem(t *testing.T, r request) {
	t.Helper()
	q := r.query
	ms, err := strconv.ParseInt(q["timestamp"], 10, 64)
	if err != nil || time.Since(time.UnixMilli(ms)).Abs() > 7200*time.Second {
		t.Errorf("%s: timestamp %q is not epoch ms of now", r.path, q["timestamp"])
	}
	if q["app_key"] != appKey || q["sign_method"] != "sha256" || q["access_token"] != "tok" || !upperHex64.MatchString(q["sign"]) {
		t.Errorf("%s: system parameters %v", r.path, q)
	}
}

// apiParams are a request's parameters other than the system ones.
func apiParams(r request) map[string]string {
	p := r.params()
	for _, k := range systemParams {
		delete(p, k)
	}
	return p
}

// checkRequest checks a request against the documented one: method, path,
// and exactly its parameters. A POST carries them in the form body and
// only the system parameters in the query, as the official SDKs send it.
func checkRequest(t *testing.T, got request, want exchange) {
	t.Helper()
	w := want.Request
	if got.method != w.Method || got.path != w.Path {
		t.Fatalf("sent %s %s, want %s %s", got.method, got.path, w.Method, w.Path)
	}
	checkSystem(t, got)
	if p := apiParams(got); !maps.Equal(p, w.Params) {
		t.Errorf("%s parameters %v, want %v", w.Path, p, w.Params)
	}
	if got.method == http.MethodPost {
		for k := range got.query {
			if !slices.Contains(systemParams, k) {
				t.Errorf("%s: %s travelled in the query", w.Path, k)
			}
		}
	}
}

// checkExchanges checks the requests a gateway received against the
// documented exchanges, in order.
func checkExchanges(t *testing.T, g *gateway, xs []exchange) {
	t.Helper()
	got := g.all()
	if len(got) != len(xs) {
		t.Fatalf("%d requests, want %d", len(got), len(xs))
	}
	for i, x := range xs {
		checkRequest(t, got[i], x)
	}
}

// TestContractSigning: the signer the fake gateways check every request
// with is Lazada's: it reproduces the example of Lazada's signing guide.
func TestContractSigning(t *testing.T) {
	got := lazada.Sign("/order/get", map[string]string{
		"access_token": "test", "app_key": "123456", "order_id": "1234",
		"sign_method": "sha256", "timestamp": "1517820392000",
	}, "helloworld")
	if want := "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"; got != want {
		t.Fatalf("Sign = %s, want Lazada's %s", got, want)
	}
}

// normOrder puts an order's times in UTC, so orders compare by instant.
func normOrder(o datasources.Order) datasources.Order {
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o
}

// TestContractGetOrders: GetOrders' answer (numbers as strings, the
// statuses array) and GetMultipleOrderItems' (millisecond-epoch strings,
// reverse_order_id) become orders with their units, buyers and statuses.
func TestContractGetOrders(t *testing.T) {
	var f struct {
		fixture
		Cursor string `json:"cursor"`
		Expect struct {
			Total            int                 `json:"total"`
			More             bool                `json:"more"`
			NextUpdatedAfter string              `json:"next_updated_after"`
			Orders           []datasources.Order `json:"orders"`
			Units            map[string]int      `json:"units"`
		} `json:"expect"`
	}
	loadFixture(t, "get_orders.json", &f)
	g, c := contractClient(t, f.Market, "", answersOf(f.Exchanges), nil)
	page, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: at(t, f.Cursor)})
	if err != nil {
		t.Fatal(err)
	}
	checkExchanges(t, g, f.Exchanges)
	if page.Total != f.Expect.Total || page.More != f.Expect.More || !page.Next.UpdatedAfter.Equal(at(t, f.Expect.NextUpdatedAfter)) || page.Next.Offset != 0 {
		t.Errorf("page total %d, more %v, next %+v", page.Total, page.More, page.Next)
	}
	if len(page.Orders) != len(f.Expect.Orders) {
		t.Fatalf("%d orders, want %d", len(page.Orders), len(f.Expect.Orders))
	}
	units := map[string]int{}
	for i, o := range page.Orders {
		if got, want := normOrder(o), normOrder(f.Expect.Orders[i]); !reflect.DeepEqual(got, want) {
			t.Errorf("order %d\n got %+v\nwant %+v", i, got, want)
		}
		for sku := range f.Expect.Units {
			units[sku] += o.Units(sku)
		}
	}
	if !maps.Equal(units, f.Expect.Units) {
		t.Errorf("units %v, want %v", units, f.Expect.Units)
	}
}

// TestContractGetOrder: GetOrder's answer (times written with a space and
// an offset) and the order's items, read back as after a cancel.
func TestContractGetOrder(t *testing.T) {
	var f struct {
		fixture
		OrderID string `json:"order_id"`
		Expect  struct {
			Order     datasources.Order `json:"order"`
			Cancelled bool              `json:"cancelled"`
		} `json:"expect"`
	}
	loadFixture(t, "get_order.json", &f)
	g, c := contractClient(t, f.Market, "", answersOf(f.Exchanges), nil)
	o, err := c.ReadOrder(context.Background(), f.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	checkExchanges(t, g, f.Exchanges)
	if got, want := normOrder(o), normOrder(f.Expect.Order); !reflect.DeepEqual(got, want) {
		t.Errorf("order\n got %+v\nwant %+v", got, want)
	}
	if o.IsCancelled() != f.Expect.Cancelled {
		t.Errorf("IsCancelled = %v", o.IsCancelled())
	}
}

// productsFixture is a GetProducts fixture: the SKUs asked for, the
// exchange, and the readings expected with each warehouse configuration.
type productsFixture struct {
	fixture
	SKUs  []string `json:"skus"`
	Cases []struct {
		WarehouseCode string                     `json:"warehouse_code"`
		Expect        []datasources.StockReading `json:"expect"`
	} `json:"cases"`
}

// normReading puts a reading's times in UTC.
func normReading(r datasources.StockReading) datasources.StockReading {
	r.SaleStart, r.SaleEnd = r.SaleStart.UTC(), r.SaleEnd.UTC()
	return r
}

// TestContractGetProducts: SKU objects as GetProducts and GetProductItem
// document them — stock per warehouse in multiWarehouseInventories (one
// and two warehouses, the configured one only), campaign stock in
// channelInventories, sale times as special_time_format says, or without
// a warehouse the SKU's quantity — become readings with their reserve.
func TestContractGetProducts(t *testing.T) {
	for _, name := range []string{"get_products_one_warehouse.json", "get_products_two_warehouses.json", "get_products_legacy_sample.json"} {
		var f productsFixture
		loadFixture(t, name, &f)
		for _, tc := range f.Cases {
			t.Run(strings.TrimSuffix(name, ".json")+"/"+cmp.Or(tc.WarehouseCode, "all warehouses"), func(t *testing.T) {
				g, c := contractClient(t, f.Market, f.Now, answersOf(f.Exchanges), func(cfg *lazada.Config) { cfg.WarehouseCode = tc.WarehouseCode })
				rs, err := c.Stock(context.Background(), f.SKUs)
				if err != nil {
					t.Fatal(err)
				}
				checkExchanges(t, g, f.Exchanges)
				if len(rs) != len(tc.Expect) {
					t.Fatalf("%d readings, want %d: %+v", len(rs), len(tc.Expect), rs)
				}
				for i, r := range rs {
					if got, want := normReading(r), normReading(tc.Expect[i]); !reflect.DeepEqual(got, want) {
						t.Errorf("reading %d\n got %+v\nwant %+v", i, got, want)
					}
				}
			})
		}
	}
}

// updateFixture is a fixture of one of the three update endpoints.
type updateFixture struct {
	fixture
	// DocumentedPayload is the documented demo, with our values: every
	// element the client sends must be one of its elements.
	DocumentedPayload string   `json:"documented_payload"`
	ForbiddenElements []string `json:"forbidden_elements"`
	Until             string   `json:"until"`
	Requests          []struct {
		Name            string                     `json:"name"`
		ProductsFixture string                     `json:"products_fixture"`
		SKUs            []string                   `json:"skus"`
		WarehouseCode   string                     `json:"warehouse_code"`
		Owed            []datasources.StockReading `json:"owed"`
		Cap             map[string]int             `json:"cap"`
		ExpectSKUs      json.RawMessage            `json:"expect_skus"`
	} `json:"requests"`
	Answers []struct {
		Name   string            `json:"name"`
		Bodies []json.RawMessage `json:"bodies"`
		Expect struct {
			Calls      int      `json:"calls"`
			BanSeconds int      `json:"ban_seconds"`
			Kind       string   `json:"kind"`
			Code       string   `json:"code"`
			Unknown    bool     `json:"unknown"`
			Words      []string `json:"words"`
		} `json:"expect"`
	} `json:"answers"`
}

// xmlNode is an XML element, read generically.
type xmlNode struct {
	XMLName xml.Name
	Text    string    `xml:",chardata"`
	Nodes   []xmlNode `xml:",any"`
}

// leaves reads an element's children: a leaf's text by its name, and an
// element with children as the list of its children so read.
func (n xmlNode) leaves() map[string]any {
	out := map[string]any{}
	for _, c := range n.Nodes {
		if len(c.Nodes) == 0 {
			out[c.XMLName.Local] = strings.TrimSpace(c.Text)
			continue
		}
		var list []any
		for _, cc := range c.Nodes {
			list = append(list, cc.leaves())
		}
		out[c.XMLName.Local] = list
	}
	return out
}

// payloadSKUMaps reads each Request/Product/Skus/Sku of a payload with
// leaves, as JSON would decode it.
func payloadSKUMaps(t *testing.T, payload string) []any {
	t.Helper()
	var root xmlNode
	if err := xml.Unmarshal([]byte(payload), &root); err != nil || root.XMLName.Local != "Request" {
		t.Fatalf("payload %q: %v", payload, err)
	}
	var skus []any
	for _, p := range root.Nodes {
		for _, ss := range p.Nodes {
			for _, s := range ss.Nodes {
				if p.XMLName.Local != "Product" || ss.XMLName.Local != "Skus" || s.XMLName.Local != "Sku" {
					t.Fatalf("payload element %s/%s/%s", p.XMLName.Local, ss.XMLName.Local, s.XMLName.Local)
				}
				skus = append(skus, s.leaves())
			}
		}
	}
	return asJSON(t, skus)
}

// asJSON is v as encoding/json decodes its encoding: comparable with what
// a fixture holds.
func asJSON(t *testing.T, v any) []any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// updateAction is how a test drives one update endpoint: the call the
// fixture documents, made through the Controller method that sends it.
type updateAction struct {
	file, path string
	act        func(t *testing.T, c *lazada.Client, f *updateFixture, i int) error
}

var updateActions = []updateAction{
	{"update_sellable_quantity.json", lazada.PathSellableUpdate, func(t *testing.T, c *lazada.Client, f *updateFixture, i int) error {
		target := datasources.SaleTarget{SKUs: f.Requests[i].SKUs}
		before, err := c.ReadSale(context.Background(), target)
		if err != nil {
			t.Fatal(err)
		}
		return c.PauseSale(context.Background(), target, before, datasources.ActionMeta{Reason: "contract"})
	}},
	{"cap_update_sellable_quantity.json", lazada.PathSellableUpdate, capStock},
	{"cap_adjust_sellable_quantity.json", lazada.PathSellableAdjust, capStock},
	{"adjust_sellable_quantity.json", lazada.PathSellableAdjust, func(t *testing.T, c *lazada.Client, f *updateFixture, i int) error {
		r := f.Requests[i]
		return c.ResumeSale(context.Background(), datasources.SaleTarget{SKUs: r.SKUs}, datasources.SaleControl{ByStock: true, SKUs: r.Owed}, datasources.ActionMeta{Reason: "contract"})
	}},
	{"update_price_quantity.json", lazada.PathPriceQuantity, func(t *testing.T, c *lazada.Client, f *updateFixture, i int) error {
		return c.ExtendSale(context.Background(), datasources.SaleTarget{SKUs: f.Requests[i].SKUs}, at(t, f.Until), datasources.ActionMeta{Reason: "contract"})
	}},
}

// capStock caps request i's SKUs at its caps, on a fresh read.
func capStock(t *testing.T, c *lazada.Client, f *updateFixture, i int) error {
	target := datasources.SaleTarget{SKUs: f.Requests[i].SKUs}
	before, err := c.ReadSale(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	return c.CapStock(context.Background(), target, before, f.Requests[i].Cap, datasources.ActionMeta{Reason: "contract"})
}

// updateAnswers are the answers a gateway gives for an update fixture's
// request i: the products fixture it reads from, and bodies on the update
// path.
func updateAnswers(t *testing.T, f *updateFixture, i int, path string, bodies []json.RawMessage) map[string][]string {
	t.Helper()
	answers := map[string][]string{}
	if pf := f.Requests[i].ProductsFixture; pf != "" {
		var p productsFixture
		loadFixture(t, pf, &p)
		maps.Copy(answers, answersOf(p.Exchanges))
	}
	for _, b := range bodies {
		answers[path] = append(answers[path], string(b))
	}
	return answers
}

// TestContractUpdateRequests: what the client sends to each update
// endpoint is the documented request — a POST with the XML in the form
// field payload and the system parameters in the query, signed; only
// element names the documentation's demo has (no Quantity where it would
// set the total stock), with the ids Lazada reported and the values the
// action means.
func TestContractUpdateRequests(t *testing.T) {
	for _, a := range updateActions {
		var f updateFixture
		loadFixture(t, a.file, &f)
		documented := map[string]bool{}
		for _, p := range elementPaths(t, f.DocumentedPayload) {
			documented[p] = true
		}
		ok := []json.RawMessage{json.RawMessage(`{"code":"0","data":{},"request_id":"0ba2887315178178017221014"}`)}
		for i, r := range f.Requests {
			t.Run(strings.TrimSuffix(a.file, ".json")+"/"+r.Name, func(t *testing.T) {
				g, c := contractClient(t, f.Market, f.Now, updateAnswers(t, &f, i, a.path, ok), func(cfg *lazada.Config) { cfg.WarehouseCode = r.WarehouseCode })
				if err := a.act(t, c, &f, i); err != nil {
					t.Fatal(err)
				}
				sent := g.of(a.path)
				if len(sent) != 1 {
					t.Fatalf("%d calls to %s", len(sent), a.path)
				}
				s := sent[0]
				if s.method != http.MethodPost {
					t.Fatalf("sent with %s", s.method)
				}
				checkSystem(t, s)
				if p := apiParams(s); len(p) != 1 || len(s.form) != 1 || s.form["payload"] == "" {
					t.Fatalf("parameters %v, form %v: want only payload, in the form", p, s.form)
				}
				payload := s.form["payload"]
				for _, p := range elementPaths(t, payload) {
					if !documented[p] {
						t.Errorf("element %s is not in the documented payload", p)
					}
					for _, bad := range f.ForbiddenElements {
						if p == "Request/Product/Skus/Sku/"+bad {
							t.Errorf("element %s sent", p)
						}
					}
				}
				var want []any
				if err := json.Unmarshal(r.ExpectSKUs, &want); err != nil {
					t.Fatal(err)
				}
				if got := payloadSKUMaps(t, payload); !reflect.DeepEqual(got, want) {
					t.Errorf("SKUs sent\n got %v\nwant %v\npayload %s", got, want, payload)
				}
			})
		}
	}
}

// TestContractUpdateAnswers: what the client makes of each documented
// answer of the update endpoints: success; 501 typed ISP with the reasons
// per SKU (a refusal, never an outage); 4170 in the operator's words; a
// rate limit (901, ApiCallLimit) waited out and the call sent again, with
// no call during the ban; code 0 with detail[] naming a refused SKU.
func TestContractUpdateAnswers(t *testing.T) {
	for _, a := range updateActions {
		var f updateFixture
		loadFixture(t, a.file, &f)
		for _, ans := range f.Answers {
			t.Run(strings.TrimSuffix(a.file, ".json")+"/"+ans.Name, func(t *testing.T) {
				if ans.Expect.BanSeconds > 0 {
					t.Parallel() // waits out a ban in real time
				}
				g, c := contractClient(t, f.Market, f.Now, updateAnswers(t, &f, 0, a.path, ans.Bodies), nil)
				err := a.act(t, c, &f, 0)
				sent := g.of(a.path)
				if len(sent) != ans.Expect.Calls {
					t.Fatalf("%d calls, want %d", len(sent), ans.Expect.Calls)
				}
				for _, s := range sent[1:] {
					if s.form["payload"] != sent[0].form["payload"] {
						t.Fatal("a call sent again is not the same call")
					}
				}
				if ans.Expect.BanSeconds > 0 {
					noCallDuring(t, g.all(), sent[0], time.Duration(ans.Expect.BanSeconds)*time.Second)
				}
				if ans.Expect.Kind == "" {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				kind := datasources.KindOf(err)
				if kind.Label() != ans.Expect.Kind {
					t.Fatalf("kind %v, want %s: %v", kind, ans.Expect.Kind, err)
				}
				wantError(t, err, a.path, kind, ans.Expect.Code, ans.Expect.Unknown, ans.Expect.Words...)
			})
		}
	}
}

// TestContractErrors: the common error envelope, answered to a poll, is an
// error of the call with a kind the poller acts on, Lazada's code and
// words, and the request id Lazada support asks for.
func TestContractErrors(t *testing.T) {
	var f struct {
		fixture
		Cases []struct {
			Name   string          `json:"name"`
			Answer json.RawMessage `json:"answer"`
			Expect struct {
				Kind         string   `json:"kind"`
				Code         string   `json:"code"`
				RetrySeconds int      `json:"retry_seconds"`
				Words        []string `json:"words"`
			} `json:"expect"`
		} `json:"cases"`
	}
	loadFixture(t, "errors.json", &f)
	for _, tc := range f.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			g, c := contractClient(t, f.Market, "", map[string][]string{lazada.PathOrders: {string(tc.Answer)}}, nil)
			_, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: time.Now().Add(-time.Hour)})
			if n := len(g.all()); n != 1 {
				t.Fatalf("%d calls for one answer", n)
			}
			kind := datasources.KindOf(err)
			if kind.Label() != tc.Expect.Kind || datasources.RetryAfterOf(err) != time.Duration(tc.Expect.RetrySeconds)*time.Second {
				t.Fatalf("kind %v, retry after %v: %v", kind, datasources.RetryAfterOf(err), err)
			}
			wantError(t, err, lazada.PathOrders, kind, tc.Expect.Code, datasources.OutcomeUnknown(err), tc.Expect.Words...)
		})
	}
}

// TestContractPush: the documented push messages — a trade order's status
// (and its returned and canceled variants, which carry reverse_order_id)
// and a reverse order (ids as JSON numbers) — name the order to read
// again; the signature written out from the documented formula is
// accepted.
func TestContractPush(t *testing.T) {
	var f struct {
		fixture
		AppKey    string `json:"app_key"`
		AppSecret string `json:"app_secret"`
		Messages  []struct {
			Name   string          `json:"name"`
			Body   json.RawMessage `json:"body"`
			Expect struct {
				MessageType int64     `json:"message_type"`
				SellerID    string    `json:"seller_id"`
				Site        string    `json:"site"`
				Market      string    `json:"market"`
				Timestamp   time.Time `json:"timestamp"`
				NamesOrder  bool      `json:"names_order"`
				Order       struct {
					ID             string    `json:"id"`
					Status         string    `json:"status"`
					ReverseOrderID string    `json:"reverse_order_id"`
					UpdatedAt      time.Time `json:"updated_at"`
				} `json:"order"`
			} `json:"expect"`
		} `json:"messages"`
	}
	loadFixture(t, "push.json", &f)
	for _, m := range f.Messages {
		t.Run(m.Name, func(t *testing.T) {
			// Authorization = HEX(HMAC-SHA256(app_key + body, app_secret)).
			mac := hmac.New(sha256.New, []byte(f.AppSecret))
			mac.Write([]byte(f.AppKey))
			mac.Write(m.Body)
			if !lazada.VerifyPush(f.AppKey, f.AppSecret, m.Body, hex.EncodeToString(mac.Sum(nil))) {
				t.Fatal("the documented signature is refused")
			}
			p, err := lazada.ParsePush(m.Body)
			if err != nil {
				t.Fatal(err)
			}
			e := m.Expect
			if p.MessageType != e.MessageType || p.SellerID != e.SellerID || p.Site != e.Site || p.Market != e.Market || !p.Timestamp.Equal(e.Timestamp) || p.NamesOrder() != e.NamesOrder {
				t.Fatalf("read %+v, want %+v", p, e)
			}
			o := p.Order
			if o == nil || o.ID != e.Order.ID || o.Status != e.Order.Status || o.ReverseOrderID != e.Order.ReverseOrderID || !o.UpdatedAt.Equal(e.Order.UpdatedAt) {
				t.Fatalf("order %+v, want %+v", o, e.Order)
			}
		})
	}
}

// TestContractSourcesListed: every fixture is listed in SOURCES.md, and
// every file SOURCES.md lists exists.
func TestContractSourcesListed(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(contractDir, "SOURCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(contractDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		if !strings.Contains(string(b), "| `"+filepath.Base(f)+"` |") {
			t.Errorf("%s is not listed in SOURCES.md", filepath.Base(f))
		}
	}
	// The table's first column names the fixtures.
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+\\.json)`").FindAllStringSubmatch(string(b), -1) {
		if _, err := os.Stat(filepath.Join(contractDir, m[1])); err != nil {
			t.Errorf("SOURCES.md lists %s: %v", m[1], err)
		}
	}
}
