package akulaku

import (
	"cmp"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

var t0 = time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC) // 14:00 WIB

// fakeOrder is one order the fake Akulaku serves.
type fakeOrder struct {
	id      string
	updated time.Time
	// extra fields merged into the order's JSON
	extra map[string]any
}

// fake is an Akulaku order list over real HTTP: it checks the headers and
// the signature as Akulaku's gateway does, filters by the update-time
// window and pages by number.
type fake struct {
	t     *testing.T
	pub   *rsa.PublicKey
	appID string
	token string

	mu     sync.Mutex
	orders []fakeOrder
	desc   bool // serve the newest update first (an API sorted another way)
	bodies []string
	// answer, when set, replaces the normal answer.
	answer func(w http.ResponseWriter, r *http.Request)
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	f.bodies = append(f.bodies, string(body))
	if f.answer != nil {
		f.answer(w, r)
		return
	}
	fail := func(code, msg string) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"success":false,"errCode":%q,"errMsg":%q,"data":null}`, code, msg)
	}
	if r.Method != http.MethodPost || r.URL.Path != PathOrderList {
		fail("404", "no such API "+r.Method+" "+r.URL.Path)
		return
	}
	if r.Header.Get("app-id") != f.appID || r.Header.Get("access-token") != f.token {
		fail(CodeTokenInvalid, "access token invalid")
		return
	}
	if err := Verify(f.pub, r.Header.Get("app-id"), r.Header.Get("timestamp"), body, r.Header.Get("sign")); err != nil {
		fail(CodeSignInvalid, "sign verification failed")
		return
	}
	var req struct {
		Start, End, PageNo, PageSize int64
	}
	var raw map[string]json.Number
	if err := json.Unmarshal(body, &raw); err != nil {
		fail(CodeBadRequest, "bad body")
		return
	}
	req.Start, _ = raw["startUpdateTime"].Int64()
	req.End, _ = raw["endUpdateTime"].Int64()
	req.PageNo, _ = raw["pageNo"].Int64()
	req.PageSize, _ = raw["pageSize"].Int64()
	var in []fakeOrder
	for _, o := range f.orders {
		if ms := o.updated.UnixMilli(); ms >= req.Start && ms <= req.End {
			in = append(in, o)
		}
	}
	slices.SortStableFunc(in, func(a, b fakeOrder) int {
		if f.desc {
			return b.updated.Compare(a.updated)
		}
		return a.updated.Compare(b.updated)
	})
	from := min(int((req.PageNo-1)*req.PageSize), len(in))
	to := min(from+int(req.PageSize), len(in))
	result := []map[string]any{}
	for _, o := range in[from:to] {
		m := map[string]any{
			"orderId":     json.Number(o.id),
			"orderStatus": 3,
			"createTime":  o.updated.Format("2006-01-02T15:04:05.000-0700"),
			"updateTime":  o.updated.Format("2006-01-02T15:04:05.000-0700"),
			"orderItemList": []map[string]any{{
				"id": json.Number(o.id + "01"), "apiSkuId": "POCO-M3", "skuName": "POCO M3",
				"skuPrice": 2199000, "skuSalePrice": 1999000, "qty": 1,
			}},
		}
		for k, v := range o.extra {
			m[k] = v
		}
		result = append(result, m)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"success": true, "errCode": nil, "errMsg": nil,
		"data": map[string]any{
			"pageNo": req.PageNo, "pageSize": req.PageSize, "totalCount": len(in),
			"totalPages": (len(in) + int(req.PageSize) - 1) / int(req.PageSize), "result": result,
		},
	})
}

// set changes the fake between requests.
func (f *fake) set(change func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change()
}

// body returns the i-th request body received.
func (f *fake) body(i int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bodies[i]
}

// setup starts a fake Akulaku and a client of it whose sale clock is *now.
func setup(t *testing.T, cfg Config) (*fake, *Client, *time.Time) {
	t.Helper()
	key, err := ParsePrivateKey(testKeyPEM(t))
	if err != nil {
		t.Fatal(err)
	}
	f := &fake{t: t, pub: &key.PublicKey, appID: "test-app", token: "test-token"}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	now := t0
	cfg.ID, cfg.Market, cfg.BaseURL = "akulaku-id", "ID", srv.URL
	cfg.AppID, cfg.AccessToken, cfg.PrivateKeyPEM = "test-app", "test-token", testKeyPEM(t)
	cfg.Now = func() time.Time { return now }
	// Spacing calls at the production rate would only make the tests wait.
	cfg.CallsPerSecond = cmp.Or(cfg.CallsPerSecond, 1000)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f, c, &now
}

func TestNewValidates(t *testing.T) {
	good := Config{ID: "akulaku-id", AppID: "a", AccessToken: "secret-token-value", PrivateKeyPEM: testKeyPEM(t)}
	if _, err := New(good); err != nil {
		t.Fatalf("good config refused: %v", err)
	}
	tests := []struct {
		name   string
		change func(*Config)
		errHas string
	}{
		{"no app id", func(c *Config) { c.AppID = "" }, "AppID required"},
		{"nothing", func(c *Config) { *c = Config{} }, "ID, AppID, ClientID and ClientSecret (or AccessToken), PrivateKeyPEM required"},
		{"no token, no client credentials", func(c *Config) { c.AccessToken = "" }, "ClientID and ClientSecret (or AccessToken) required"},
		{"client id without secret", func(c *Config) { c.ClientID = "cid" }, "ClientSecret required with ClientID"},
		{"client secret without id", func(c *Config) { c.ClientSecret = "secret-token-value" }, "ClientID required with ClientSecret"},
		{"client credentials without shop", func(c *Config) { c.ClientID, c.ClientSecret = "cid", "secret-token-value" }, "ShopID required with client credentials"},
		{"shop id too long", func(c *Config) { c.ShopID = "12345678901234567890" }, "up to 19 digits"},
		{"shop id beyond a long", func(c *Config) { c.ShopID = "9999999999999999999" }, "larger than a shop id can be"},
		{"window too short", func(c *Config) { c.Window = time.Minute }, "Window 1m0s outside 10m0s..2160h0m0s"},
		{"timestamp unit", func(c *Config) { c.TimestampUnit = "us" }, `TimestampUnit "us" is neither "ms" nor "s"`},
		{"status word", func(c *Config) { c.StatusWords = map[int64]string{7: "On Hold"} }, `StatusWords: code 7: "On Hold": a status word is lower-case`},
		{"bad key", func(c *Config) { c.PrivateKeyPEM = "c2VjcmV0LXNlY3JldC1zZWNyZXQ=" }, "akulaku akulaku-id: private key"},
		{"shop id not a number", func(c *Config) { c.ShopID = "shop-1" }, "ShopID must be a number"},
		{"page too large", func(c *Config) { c.PageSize = 101 }, "PageSize 101 outside 1..100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			_, err := New(c)
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("error %v, want one saying %q", err, tt.errHas)
			}
			if strings.Contains(err.Error(), "c2VjcmV0") || strings.Contains(err.Error(), "secret-token-value") {
				t.Errorf("error quotes a secret: %v", err)
			}
		})
	}
}

// TestRequestOnTheWire checks what a real request looks like: method,
// path, the four headers, a body with sorted keys and a 19-digit shop id
// written as a number, and a signature over exactly those bytes.
func TestRequestOnTheWire(t *testing.T) {
	f, c, _ := setup(t, Config{ShopID: "1234567890123456789", PageSize: 20})
	var got http.Header
	var method, path string
	f.set(func() {
		f.answer = func(w http.ResponseWriter, r *http.Request) {
			got, method, path = r.Header.Clone(), r.Method, r.URL.Path
			_, _ = io.WriteString(w, `{"success":true,"errCode":null,"errMsg":null,"data":{"result":[]}}`)
		}
	})
	c.wall = func() time.Time { return time.UnixMilli(1700000000123) }
	since := datasources.Cursor{UpdatedAfter: t0.Add(-time.Hour)}
	page, err := c.Orders(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(f.body(0))
	f.set(func() {})
	if method != http.MethodPost || path != "/v1/open/order/list" {
		t.Errorf("%s %s", method, path)
	}
	for h, want := range map[string]string{"app-id": "test-app", "access-token": "test-token", "timestamp": "1700000000123", "Content-Type": "application/json"} {
		if v := got.Get(h); v != want {
			t.Errorf("header %s = %q, want %q", h, v, want)
		}
	}
	want := fmt.Sprintf(`{"endUpdateTime":%d,"pageNo":1,"pageSize":20,"shopId":1234567890123456789,"startUpdateTime":%d}`,
		t0.Add(windowMargin).UnixMilli(), t0.Add(-time.Hour).UnixMilli())
	if string(body) != want {
		t.Errorf("body\n got %s\nwant %s", body, want)
	}
	if err := Verify(f.pub, "test-app", "1700000000123", body, got.Get("sign")); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
	if page.Next != since || page.More || len(page.Orders) != 0 {
		t.Errorf("an empty window must return the same cursor: %+v", page)
	}
}

// TestErrorMapping drives every failure path through real HTTP.
func TestErrorMapping(t *testing.T) {
	envelope := func(code any, msg string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.Marshal(map[string]any{"success": false, "errCode": code, "errMsg": msg, "data": nil})
			_, _ = w.Write(b)
		}
	}
	tests := []struct {
		name       string
		answer     func(w http.ResponseWriter, r *http.Request)
		timeout    time.Duration
		kind       datasources.ErrorKind
		code       string
		msgHas     string
		retryAfter time.Duration
	}{
		{name: "token expired code", answer: envelope(CodeTokenExpired, "access token expired"), kind: datasources.ErrAuth, code: CodeTokenExpired, msgHas: "expired"},
		{name: "ip not whitelisted (numeric code)", answer: envelope(json.Number(CodeIPNotWhitelisted), "forbidden"), kind: datasources.ErrAuth, code: CodeIPNotWhitelisted, msgHas: "whitelist"},
		{name: "unknown code, sign words", answer: envelope("40001", "Signature verification failed"), kind: datasources.ErrAuth, code: "40001"},
		{name: "unknown code, token words", answer: envelope(12345, "Invalid access-token"), kind: datasources.ErrAuth, code: "12345"},
		{name: "rate limit code", answer: envelope(CodeRateLimited, "slow down"), kind: datasources.ErrRateLimited, code: CodeRateLimited, retryAfter: time.Second},
		{name: "rate limit words, Retry-After", answer: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			envelope("9", "Request too frequent")(w, r)
		}, kind: datasources.ErrRateLimited, code: "9", retryAfter: 7 * time.Second},
		{name: "HTTP 429", answer: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3")
			http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
		}, kind: datasources.ErrRateLimited, code: "HTTP 429", retryAfter: 3 * time.Second},
		{name: "HTTP 429 with envelope", answer: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTooManyRequests)
			envelope("X", "busy")(w, r)
		}, kind: datasources.ErrRateLimited, code: "X", retryAfter: time.Second},
		{name: "other refusal", answer: envelope(CodeBadRequest, "pageSize invalid"), kind: datasources.ErrRejected, code: CodeBadRequest, msgHas: "pageSize invalid"},
		{name: "refusal without words", answer: envelope(nil, ""), kind: datasources.ErrRejected, msgHas: "without a reason"},
		{name: "503 HTML", answer: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
		}, kind: datasources.ErrUnavailable, code: "HTTP 503", msgHas: "503 Service"},
		{name: "401 HTML", answer: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "<html>denied</html>", http.StatusUnauthorized)
		}, kind: datasources.ErrAuth, code: "HTTP 401"},
		{name: "truncated JSON", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"errCode":null,"data":{"result":[{"orderId":12`)
		}, kind: datasources.ErrMalformed, msgHas: "unexpected end"},
		{name: "200 HTML", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "<html>maintenance</html>")
		}, kind: datasources.ErrMalformed},
		{name: "refusal without the envelope", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"errcode":500,"errmsg":"invalid appid"}`)
		}, kind: datasources.ErrAuth, code: "500", msgHas: "invalid appid"},
		{name: "refusal without the envelope, other words", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"errcode":"10001","errmsg":"system busy"}`)
		}, kind: datasources.ErrRejected, code: "10001", msgHas: "system busy"},
		{name: "refusal without the envelope, HTTP 500", answer: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"errcode":500,"errmsg":"internal error"}`)
		}, kind: datasources.ErrUnavailable, code: "500", msgHas: "internal error"},
		{name: "JSON, not an envelope", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"status":"ok"}`)
		}, kind: datasources.ErrMalformed, msgHas: "no success field"},
		{name: "result not a list", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"data":{"result":"none"}}`)
		}, kind: datasources.ErrMalformed},
		{name: "order without id", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"data":{"result":[{"orderStatus":3,"createTime":"2026-11-23T07:00:00.000+0000"}]}}`)
		}, kind: datasources.ErrMalformed, msgHas: "no orderId"},
		{name: "unreadable time", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"data":{"result":[{"orderId":1,"createTime":"yesterday"}]}}`)
		}, kind: datasources.ErrMalformed, msgHas: "unreadable time"},
		{name: "timeout", timeout: 100 * time.Millisecond, answer: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		}, kind: datasources.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, call := range []struct {
				name string
				do   func(c *Client) error
			}{
				{"Orders", func(c *Client) error {
					_, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: t0.Add(-time.Hour)})
					return err
				}},
				{"Health", func(c *Client) error { return c.Health(context.Background()) }},
			} {
				// A client per call: a rate limit holds every later call
				// of the client that met it (the pacer honours it).
				f, c, _ := setup(t, Config{Timeout: tt.timeout})
				f.set(func() { f.answer = tt.answer })
				err := call.do(c)
				var e *datasources.Error
				if !errors.As(err, &e) {
					t.Fatalf("%s: %T %v, want *datasources.Error", call.name, err, err)
				}
				if e.Kind != tt.kind || e.Code != tt.code || e.Channel != "akulaku-id" || e.Op != PathOrderList {
					t.Errorf("%s: kind %v code %q channel %q op %q; want %v %q", call.name, e.Kind, e.Code, e.Channel, e.Op, tt.kind, tt.code)
				}
				if !strings.Contains(e.Error(), tt.msgHas) {
					t.Errorf("%s: %q does not say %q", call.name, e.Error(), tt.msgHas)
				}
				if e.RetryAfter != tt.retryAfter {
					t.Errorf("%s: RetryAfter %v, want %v", call.name, e.RetryAfter, tt.retryAfter)
				}
				if strings.Contains(e.Error(), "test-token") || strings.Contains(e.Error(), "PRIVATE") {
					t.Errorf("%s: error quotes a secret: %v", call.name, e)
				}
			}
		})
	}
}

// TestLooseFields: ids of 19 digits and more stay exact whether sent as
// numbers or strings; numbers arrive as strings and strings as numbers.
func TestLooseFields(t *testing.T) {
	f, c, _ := setup(t, Config{})
	f.set(func() {
		f.answer = func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"errCode":"0","errMsg":null,"data":{"pageNo":"1","pageSize":"30","totalPages":"1","totalCount":"3","result":[
		  {"orderId":1234567890123456789,"orderCode":"AK1","orderStatus":"-1","buyerId":9007199254740993,
		   "createTime":1795417200000,"updateTime":"2026-11-23 14:05:00",
		   "receiverAddress":{"name":"Ayu","phone":"0812****78","address":"Jl. Merdeka 1","area":"RT 01","town":"Menteng","city":"Jakarta Pusat","province":"DKI Jakarta","zipCode":10110,"countryId":"ID"},
		   "orderItemList":[{"id":123456789012345678901,"skuId":"777","apiSkuId":null,"skuName":"POCO M3","skuPrice":"2,199,000.00","skuSalePrice":"1999000.50","qty":"2","goodsInfos":{"goodsNo":"POCO-M3-464-BLK"}},
		                    {"id":"9223372036854775808","skuId":778,"skuPrice":1500,"skuSalePrice":null,"qty":1,"goodsInfos":[]}]},
		  {"orderId":"0000000000000000042","orderStatus":6,"createTime":"2026-11-23T07:06:00+00:00","orderItemList":null},
		  {"orderId":"x","orderStatus":99,"createTime":"2026-11-23T07:07:00.5Z","updateTime":""}
		]}}`)
		}
	})
	page, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: t0.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 3 || len(page.Orders) != 3 {
		t.Fatalf("total %d, %d orders", page.Total, len(page.Orders))
	}
	o := page.Orders[0]
	wantCreated := time.UnixMilli(1795417200000)
	wantUpdated := time.Date(2026, 11, 23, 14, 5, 0, 0, time.FixedZone("WIB", 7*3600))
	if o.ID != "1234567890123456789" || o.BuyerID != "9007199254740993" || o.Status != "cancelled" ||
		!o.CreatedAt.Equal(wantCreated) || !o.UpdatedAt.Equal(wantUpdated) || o.Phone != "0812****78" {
		t.Errorf("order %+v", o)
	}
	if o.Address != (datasources.Address{Name: "Ayu", Line1: "Jl. Merdeka 1", Line2: "Menteng, RT 01", City: "Jakarta Pusat", Region: "DKI Jakarta", PostCode: "10110", Country: "ID"}) {
		t.Errorf("address %+v", o.Address)
	}
	wantItems := []datasources.Item{
		{ID: "123456789012345678901", SKU: "POCO-M3-464-BLK", Quantity: 2, Price: 199900050, Cancelled: true},
		{ID: "9223372036854775808", SKU: "778", Quantity: 1, Price: 150000, Cancelled: true},
	}
	if !slices.Equal(o.Items, wantItems) {
		t.Errorf("items\n got %+v\nwant %+v", o.Items, wantItems)
	}
	if o.Units("POCO-M3-464-BLK") != 0 {
		t.Error("a cancelled order's units count")
	}
	if p := page.Orders[1]; p.ID != "0000000000000000042" || p.Status != "completed" || !p.UpdatedAt.Equal(t0.Add(6*time.Minute)) || len(p.Items) != 0 {
		t.Errorf("second order %+v", p)
	}
	if p := page.Orders[2]; p.Status != "status_99" || !p.UpdatedAt.Equal(t0.Add(7*time.Minute+500*time.Millisecond)) {
		t.Errorf("third order %+v", p)
	}
}

func TestStatusWords(t *testing.T) {
	for code, want := range map[int64]string{2: "unpaid", 3: "awaiting_acceptance", 4: "awaiting_shipment", 5: "shipped", 6: "completed", -1: "cancelled", 0: "status_0", 7: "status_7"} {
		if got := StatusWord(code); got != want {
			t.Errorf("StatusWord(%d) = %q, want %q", code, got, want)
		}
	}
}

// drain calls Orders until the channel has nothing more now, and returns
// the orders in the order read and the final cursor.
func drain(t *testing.T, c *Client, cur datasources.Cursor) ([]datasources.Order, datasources.Cursor, int) {
	t.Helper()
	var all []datasources.Order
	calls := 0
	for {
		calls++
		if calls > 500 {
			t.Fatal("Orders never finishes")
		}
		p, err := c.Orders(context.Background(), cur)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(p.Orders); i++ {
			if p.Orders[i].UpdatedAt.Before(p.Orders[i-1].UpdatedAt) {
				t.Fatalf("page not oldest update first: %v after %v", p.Orders[i].UpdatedAt, p.Orders[i-1].UpdatedAt)
			}
		}
		all = append(all, p.Orders...)
		cur = p.Next
		if !p.More {
			return all, cur, calls
		}
	}
}

func ids(orders []datasources.Order) map[string]bool {
	m := map[string]bool{}
	for _, o := range orders {
		m[o.ID] = true
	}
	return m
}

// TestPaging reads windows of every shape to the end and checks that no
// order is missed and that the cursor keeps its overlap.
func TestPaging(t *testing.T) {
	spread := func(n int, step time.Duration) []fakeOrder {
		var out []fakeOrder
		for i := range n {
			out = append(out, fakeOrder{id: strconv.Itoa(1_200_000_000_000_000_000 + i), updated: t0.Add(-30*time.Minute + time.Duration(i)*step)})
		}
		return out
	}
	tests := []struct {
		name     string
		orders   []fakeOrder
		desc     bool
		maxCalls int
	}{
		{"sparse: windows slide", spread(50, 7*time.Second), false, 10},
		{"dense: 70 orders in one second", spread(70, 10*time.Millisecond), false, 10},
		{"same millisecond", spread(65, 0), false, 10},
		{"newest first: page numbers", spread(50, 7*time.Second), true, 10},
		{"one short page", spread(4, time.Second), false, 1},
		{"exactly one full page", spread(10, time.Second), false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := setup(t, Config{PageSize: 10})
			f.set(func() { f.orders, f.desc = tt.orders, tt.desc })
			since := datasources.Cursor{UpdatedAfter: t0.Add(-time.Hour)}
			got, next, calls := drain(t, c, since)
			seen := ids(got)
			for _, o := range tt.orders {
				if !seen[o.id] {
					t.Errorf("order %s (updated %v) missed", o.id, o.updated)
				}
			}
			if calls > tt.maxCalls {
				t.Errorf("%d calls for %d orders", calls, len(tt.orders))
			}
			last := tt.orders[len(tt.orders)-1].updated
			if want := last.Add(-time.Second); !next.UpdatedAfter.Equal(want) || next.Page > 1 || next.Token != "" {
				t.Errorf("final cursor %+v, want %v (last update minus 1s), first page", next, want)
			}
			// Nothing new: the next poll reads only the overlap.
			again, _, _ := drain(t, c, next)
			for _, o := range again {
				if o.UpdatedAt.Before(next.UpdatedAfter) {
					t.Errorf("re-read %s from before the cursor", o.ID)
				}
			}
		})
	}
}

// TestPagingWhileOrdersChange updates orders between pages, as a flash sale
// does: every order must still be read in its latest state.
func TestPagingWhileOrdersChange(t *testing.T) {
	f, c, now := setup(t, Config{PageSize: 10})
	f.set(func() {
		for i := range 60 {
			f.orders = append(f.orders, fakeOrder{id: strconv.Itoa(1000 + i), updated: t0.Add(-20*time.Minute + time.Duration(i)*10*time.Second)})
		}
	})
	// Between calls, the oldest not-yet-updated order is accepted by the
	// seller: it moves to the end of the list.
	latest := readWhile(t, c, f, now, 8, func(calls int) {
		if calls < 5 {
			f.orders[calls].updated = *now
		}
	})
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.orders {
		if !latest[o.id].Equal(o.updated) {
			t.Errorf("order %s: read at %v, latest update %v", o.id, latest[o.id], o.updated)
		}
	}
}

// TestWindowWalk: a cursor older than the longest window is walked forward
// window by window, without waiting for the next poll.
func TestWindowWalk(t *testing.T) {
	f, c, _ := setup(t, Config{})
	f.set(func() {
		f.orders = []fakeOrder{{id: "1", updated: t0.Add(-40 * 24 * time.Hour)}, {id: "2", updated: t0.Add(-time.Minute)}}
	})
	start := t0.Add(-50 * 24 * time.Hour)
	p, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: start})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Orders) != 1 || !p.More || !p.Next.UpdatedAfter.Equal(start.Add(DefaultWindow-time.Second)) {
		t.Fatalf("first window: %d orders, more %v, next %v", len(p.Orders), p.More, p.Next.UpdatedAfter)
	}
	got, _, calls := drain(t, c, p.Next)
	if !ids(got)["2"] || calls != 3 {
		t.Errorf("walk: %d calls, orders %v", calls, ids(got))
	}
	var body map[string]int64
	if err := json.Unmarshal([]byte(f.body(0)), &body); err != nil {
		t.Fatal(err)
	}
	if span := time.Duration(body["endUpdateTime"]-body["startUpdateTime"]) * time.Millisecond; span != DefaultWindow {
		t.Errorf("window of %v, want %v", span, DefaultWindow)
	}
	// The zero cursor reads one window back from now.
	p, err = c.Orders(context.Background(), datasources.Cursor{})
	if err != nil || !ids(p.Orders)["2"] || ids(p.Orders)["1"] {
		t.Errorf("zero cursor: %v, %v", err, ids(p.Orders))
	}
}

func TestCursorAheadOfClockAndBadToken(t *testing.T) {
	f, c, _ := setup(t, Config{PageSize: 10})
	ahead := datasources.Cursor{UpdatedAfter: t0.Add(time.Hour)}
	p, err := c.Orders(context.Background(), ahead)
	f.mu.Lock()
	n := len(f.bodies)
	f.mu.Unlock()
	if err != nil || p.Next != ahead || p.More || n != 0 {
		t.Errorf("cursor ahead of the sale clock: %+v %v, %d calls", p, err, n)
	}
	// A page number with a token that is not ours reads the window from page 1.
	f.set(func() { f.orders = []fakeOrder{{id: "1", updated: t0.Add(-time.Minute)}} })
	p, err = c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: t0.Add(-time.Hour), Page: 4, Token: "garbage"})
	if err != nil || len(p.Orders) != 1 {
		t.Errorf("bad token: %v, %d orders", err, len(p.Orders))
	}
}

func TestCapabilitiesAndStock(t *testing.T) {
	_, c, _ := setup(t, Config{})
	if got := c.Capabilities(); got != (datasources.Capabilities{Orders: true}) {
		t.Errorf("capabilities %+v", got)
	}
	if c.ID() != "akulaku-id" || c.Kind() != datasources.KindAkulaku {
		t.Errorf("id %q kind %q", c.ID(), c.Kind())
	}
	_, err := c.Stock(context.Background(), []string{"POCO-M3-464-BLK"})
	if datasources.KindOf(err) != datasources.ErrUnsupported || !strings.Contains(err.Error(), "no public stock API") {
		t.Errorf("Stock: %v", err)
	}
}

func TestHealth(t *testing.T) {
	f, c, _ := setup(t, Config{})
	if err := c.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	var body map[string]int64
	if err := json.Unmarshal([]byte(f.body(0)), &body); err != nil {
		t.Fatal(err)
	}
	if body["pageSize"] != 1 || body["pageNo"] != 1 {
		t.Errorf("health asks for %v", body)
	}
	f.set(func() { f.token = "another" })
	if err := c.Health(context.Background()); datasources.KindOf(err) != datasources.ErrAuth {
		t.Errorf("refused token: %v", err)
	}
}

// TestDensePagingWhileOrdersMove: more orders in one second than a page
// holds (Akulaku's times have whole seconds), so the window is read by page
// number; between pages an early order is accepted and leaves its place.
// Read upwards, the order after each page's end would slip onto the page
// just read and be skipped for good; every order must be read in its
// latest state.
func TestDensePagingWhileOrdersMove(t *testing.T) {
	f, c, now := setup(t, Config{PageSize: 10})
	f.set(func() {
		for i := range 70 {
			f.orders = append(f.orders, fakeOrder{id: strconv.Itoa(2000 + i), updated: t0.Add(-5*time.Minute + time.Duration(i)*10*time.Millisecond)})
		}
	})
	latest := readWhile(t, c, f, now, 10, func(calls int) {
		if calls < 6 {
			f.orders[calls*3].updated = *now
		}
	})
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.orders {
		if !latest[o.id].Equal(o.updated.Truncate(time.Second)) && !latest[o.id].Equal(o.updated) {
			t.Errorf("order %s: read at %v, latest update %v", o.id, latest[o.id], o.updated)
		}
	}
}

// readWhile polls from an hour back until the channel has no more (after at
// least minCalls calls), moving the clock a second and calling change
// (under the fake's lock) between calls. It returns each order's latest
// update read.
func readWhile(t *testing.T, c *Client, f *fake, now *time.Time, minCalls int, change func(calls int)) map[string]time.Time {
	t.Helper()
	cur := datasources.Cursor{UpdatedAfter: t0.Add(-time.Hour)}
	latest := map[string]time.Time{}
	for calls := 0; calls < 100; calls++ {
		p, err := c.Orders(context.Background(), cur)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Orders {
			if o.UpdatedAt.After(latest[o.ID]) {
				latest[o.ID] = o.UpdatedAt
			}
		}
		cur = p.Next
		f.mu.Lock()
		*now = now.Add(time.Second)
		change(calls)
		f.mu.Unlock()
		if !p.More && calls > minCalls {
			break
		}
	}
	return latest
}
