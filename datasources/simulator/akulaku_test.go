package simulator_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/akulaku"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/datasources/sourcetest"
)

const akuChannel = "akulaku-id"

var akuT0 = time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)

// akuStart serves the demo scenario's Akulaku channel, opened `opened` ago
// on clock. The other channels are left out so these tests depend on this
// dialect only.
func akuStart(t *testing.T, clock *simulator.Clock, opened time.Duration) *simulator.Server {
	t.Helper()
	sc := simulator.DemoScenario(clock.Now(), opened, 42)
	sc.Channels = slices.DeleteFunc(sc.Channels, func(c simulator.ChannelSpec) bool { return c.ID != akuChannel })
	srv, err := simulator.New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// akuClient is the real Akulaku client configured for the simulator as a
// seller configures it: client credentials and the shop.
func akuClient(t *testing.T, srv *simulator.Server, change func(*akulaku.Config)) *akulaku.Client {
	t.Helper()
	cfg := akulaku.Config{
		ID: akuChannel, Market: "ID", BaseURL: srv.BaseURL(akuChannel),
		AppID: srv.Creds.AkulakuAppID, ClientID: srv.Creds.AkulakuClientID, ClientSecret: srv.Creds.AkulakuClientSecret,
		ShopID: srv.Creds.AkulakuShopID, PrivateKeyPEM: srv.Creds.AkulakuKeyPEM(),
		Timeout: 5 * time.Second, Now: srv.Clock.Now,
		// Tests read many pages at once; the default pace is for a real
		// channel's call budget.
		CallsPerSecond: 1000,
	}
	if change != nil {
		change(&cfg)
	}
	c, err := akulaku.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// akuSameSold compares with the book's truth; SKUs the book lists with
// zero units may be absent from the orders.
func akuSameSold(t *testing.T, got, want map[string]int) {
	t.Helper()
	for sku, n := range want {
		if got[sku] != n {
			t.Errorf("%s: read %d units, the book sold %d", sku, got[sku], n)
		}
	}
	for sku, n := range got {
		if _, ok := want[sku]; !ok {
			t.Errorf("%s: read %d units of a SKU the book does not sell", sku, n)
		}
	}
}

// TestAkulakuClientReadsEverySale: the real client, polling as the engine
// does, ends with exactly the book's units per SKU, and sees orders move
// through acceptance and cancellation.
func TestAkulakuClientReadsEverySale(t *testing.T) {
	clock := simulator.NewManualClock(akuT0)
	srv := akuStart(t, clock, 10*time.Minute)
	book := srv.Book(akuChannel)
	c := akuClient(t, srv, nil)

	ledger := sourcetest.Ledger{}
	cur := datasources.Cursor{UpdatedAfter: book.Sale().Start.Add(-time.Minute)}
	for step := range 4 {
		if step > 0 {
			clock.Advance(7 * time.Minute)
		}
		cur = ledger.Poll(t, c, cur)
		if len(ledger) != book.OrderCount() {
			t.Fatalf("step %d: read %d orders, the book took %d", step, len(ledger), book.OrderCount())
		}
		akuSameSold(t, ledger.Sold(), book.Sold())
	}
	statuses := map[string]int{}
	for id, o := range ledger {
		statuses[o.Status]++
		if len(id) != 19 {
			t.Errorf("order id %q is not Akulaku's 19 digits", id)
		}
		v, ok := book.Order(id)
		if !ok {
			t.Fatalf("order %s unknown to the book", id)
		}
		if !o.UpdatedAt.Equal(v.UpdatedAt) || !o.CreatedAt.Equal(v.CreatedAt) || o.BuyerID != v.BuyerID {
			t.Errorf("order %s: read %v/%v/%s, book %v/%v/%s", id, o.CreatedAt, o.UpdatedAt, o.BuyerID, v.CreatedAt, v.UpdatedAt, v.BuyerID)
		}
		if len(o.Items) != 1 || o.Items[0].Price != v.Items[0].Price || o.Address.City != v.Buyer.Address.City {
			t.Errorf("order %s: items %+v, book %+v", id, o.Items, v.Items)
		}
	}
	for _, want := range []string{"awaiting_acceptance", "awaiting_shipment", "cancelled"} {
		if statuses[want] == 0 {
			t.Errorf("no order %s after 31 minutes of sale: %v", want, statuses)
		}
	}
}

// TestAkulakuClientDuringARunningSale polls while the sale plays at 3600×
// (orders arriving, accepted and cancelled between pages), then once more
// after it has settled: nothing may be missed.
func TestAkulakuClientDuringARunningSale(t *testing.T) {
	clock := simulator.NewClock(akuT0, 3600)
	srv := akuStart(t, clock, 0)
	book := srv.Book(akuChannel)
	c := akuClient(t, srv, nil)
	settled := book.Sale().End.Add(25 * time.Minute) // the last scheduled change is 20 minutes after the last order

	ledger := sourcetest.Ledger{}
	cur := datasources.Cursor{UpdatedAfter: book.Sale().Start.Add(-time.Minute)}
	polls := 0
	for clock.Now().Before(settled) {
		cur = ledger.Poll(t, c, cur)
		polls++
		// Time itself must pass: the sale plays on between polls, so
		// orders arrive and change between pages.
		time.Sleep(20 * time.Millisecond)
	}
	cur = ledger.Poll(t, c, cur)
	t.Logf("%d polls during the sale, %d orders", polls, len(ledger))
	if len(ledger) != book.OrderCount() || len(ledger) == 0 {
		t.Fatalf("read %d orders, the book took %d", len(ledger), book.OrderCount())
	}
	akuSameSold(t, ledger.Sold(), book.Sold())
	if !cur.UpdatedAfter.After(book.Sale().Start) {
		t.Errorf("cursor did not move: %+v", cur)
	}
}

func TestAkulakuRefusals(t *testing.T) {
	clock := simulator.NewManualClock(akuT0)
	srv := akuStart(t, clock, 5*time.Minute)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(other)
	otherPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))

	// staticToken configures the fixed demo token instead of client
	// credentials: nothing can renew it.
	staticToken := func(c *akulaku.Config) {
		c.ClientID, c.ClientSecret, c.AccessToken = "", "", srv.Creds.AkulakuAccessToken
	}
	tests := []struct {
		name   string
		change func(*akulaku.Config)
		faults simulator.Faults
		kind   datasources.ErrorKind
		code   string
		op     string // PathOrderList when empty
	}{
		{name: "wrong key", change: func(c *akulaku.Config) { c.PrivateKeyPEM = otherPEM }, kind: datasources.ErrAuth, code: "SIGN_INVALID"},
		{name: "wrong app id", change: func(c *akulaku.Config) { c.AppID = "someone-else" }, kind: datasources.ErrAuth, code: "APP_ID_INVALID"},
		{name: "wrong client secret", change: func(c *akulaku.Config) { c.ClientSecret = "guessed-secret" }, kind: datasources.ErrAuth, code: "CLIENT_INVALID", op: akulaku.PathToken},
		{name: "wrong static token", change: func(c *akulaku.Config) { staticToken(c); c.AccessToken = "stolen-token" }, kind: datasources.ErrAuth, code: "ACCESS_TOKEN_INVALID"},
		{name: "static token revoked", change: staticToken, faults: simulator.Faults{TokenExpired: true}, kind: datasources.ErrAuth, code: "ACCESS_TOKEN_EXPIRED"},
		{name: "no shop id", change: func(c *akulaku.Config) { staticToken(c); c.ShopID = "" }, kind: datasources.ErrRejected, code: "PARAM_INVALID"},
		{name: "another shop", change: func(c *akulaku.Config) { c.ShopID = "7300000000000000043" }, kind: datasources.ErrAuth, code: "NO_PERMISSION"},
		{name: "rate limited", faults: simulator.Faults{RateLimited: true}, kind: datasources.ErrRateLimited, code: "REQUEST_TOO_FREQUENT", op: akulaku.PathToken},
		{name: "rate limited, static token", change: staticToken, faults: simulator.Faults{RateLimited: true}, kind: datasources.ErrRateLimited, code: "REQUEST_TOO_FREQUENT"},
		{name: "down", faults: simulator.Faults{Down: true}, kind: datasources.ErrUnavailable, code: "HTTP 503", op: akulaku.PathToken},
		{name: "malformed", faults: simulator.Faults{Malformed: true}, kind: datasources.ErrMalformed, op: akulaku.PathToken},
		{name: "malformed, static token", change: staticToken, faults: simulator.Faults{Malformed: true}, kind: datasources.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Book(akuChannel).SetFaults(tt.faults)
			defer srv.Book(akuChannel).SetFaults(simulator.Faults{})
			c := akuClient(t, srv, tt.change)
			_, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: akuT0.Add(-time.Hour)})
			var e *datasources.Error
			op := cmp.Or(tt.op, akulaku.PathOrderList)
			if !errors.As(err, &e) || e.Kind != tt.kind || e.Code != tt.code || e.Op != op {
				t.Fatalf("got %v, want kind %v code %q at %s", err, tt.kind, tt.code, op)
			}
			for _, secret := range []string{srv.Creds.AkulakuClientSecret, "guessed-secret", "stolen-token", srv.Creds.AkulakuAccessToken} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error quotes a secret: %v", err)
				}
			}
			if tt.kind == datasources.ErrRateLimited && e.RetryAfter != time.Second {
				t.Errorf("RetryAfter %v", e.RetryAfter)
			}
			if herr := c.Health(context.Background()); datasources.KindOf(herr) != tt.kind {
				t.Errorf("Health: %v", herr)
			}
		})
	}
	// And with the faults gone, the same channel answers again.
	if err := akuClient(t, srv, nil).Health(context.Background()); err != nil {
		t.Errorf("healthy channel: %v", err)
	}
}

func TestAkulakuStockIsUnsupported(t *testing.T) {
	srv := akuStart(t, simulator.NewManualClock(akuT0), time.Minute)
	c := akuClient(t, srv, nil)
	if c.Capabilities().Stock || c.Capabilities().Pause || c.Capabilities().CancelOrder {
		t.Errorf("capabilities %+v", c.Capabilities())
	}
	_, err := c.Stock(context.Background(), nil)
	if datasources.KindOf(err) != datasources.ErrUnsupported {
		t.Errorf("Stock: %v", err)
	}
}

// TestAkulakuWireFormat looks at the raw answers: the envelope, 19-digit ids
// as JSON numbers, times as public Akulaku code shows them, and refusals of
// unsigned or unknown calls in the envelope.
func TestAkulakuWireFormat(t *testing.T) {
	clock := simulator.NewManualClock(akuT0)
	srv := akuStart(t, clock, 5*time.Minute)
	base := srv.BaseURL(akuChannel)
	key, err := akulaku.ParsePrivateKey(srv.Creds.AkulakuKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	call := func(path string, body []byte, sign bool) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
		if sign {
			ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
			s, err := akulaku.Sign(key, srv.Creds.AkulakuAppID, ts, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("app-id", srv.Creds.AkulakuAppID)
			req.Header.Set("access-token", srv.Creds.AkulakuAccessToken)
			req.Header.Set("timestamp", ts)
			req.Header.Set("sign", s)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			t.Fatalf("%s: not JSON: %s", path, raw)
		}
		return m
	}

	shop := srv.Creds.AkulakuShopID
	m := call(akulaku.PathOrderList, []byte(`{"pageNo":1,"pageSize":2,"shopId":`+shop+`}`), true)
	if m["success"] != true {
		t.Fatalf("signed call refused: %v", m)
	}
	data := m["data"].(map[string]any)
	result := data["result"].([]any)
	if len(result) != 2 || data["totalPages"] == nil || data["totalCount"] == nil {
		t.Fatalf("data %v", data)
	}
	o := result[0].(map[string]any)
	id, ok := o["orderId"].(json.Number)
	if !ok || len(id.String()) != 19 {
		t.Errorf("orderId %#v is not a 19-digit number", o["orderId"])
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000-0700", o["createTime"].(string)); err != nil || !strings.HasSuffix(o["createTime"].(string), "+0000") {
		t.Errorf("createTime %v", o["createTime"])
	}
	if st := o["orderStatus"].(json.Number).String(); st != "3" {
		t.Errorf("a new order's status is %s, want 3 (awaiting acceptance)", st)
	}
	item := o["orderItemList"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "apiSkuId", "skuName", "skuPrice", "skuSalePrice", "qty", "goodsInfos"} {
		if _, ok := item[k]; !ok {
			t.Errorf("item lacks %s: %v", k, item)
		}
	}

	for _, tc := range []struct {
		name, path string
		body       []byte
		sign       bool
		code       string
	}{
		{"unsigned", akulaku.PathOrderList, []byte(`{}`), false, "APP_ID_INVALID"},
		{"unknown API", "/v1/open/product/list", []byte(`{}`), true, "API_NOT_FOUND"},
		{"bad body", akulaku.PathOrderList, []byte(`{"pageNo":`), true, "PARAM_INVALID"},
		{"no shopId", akulaku.PathOrderList, []byte(`{"pageSize":10}`), true, "PARAM_INVALID"},
		{"another shop", akulaku.PathOrderList, []byte(`{"pageSize":10,"shopId":"1"}`), true, "NO_PERMISSION"},
		{"shopId as a string", akulaku.PathOrderList, []byte(`{"pageSize":1000,"shopId":"` + shop + `"}`), true, "PARAM_INVALID"},
		{"page too large", akulaku.PathOrderList, []byte(`{"pageSize":1000,"shopId":` + shop + `}`), true, "PARAM_INVALID"},
	} {
		m := call(tc.path, tc.body, tc.sign)
		if m["success"] != false || m["errCode"] != tc.code || m["errMsg"] == "" {
			t.Errorf("%s: %v", tc.name, m)
		}
	}

	// A signature is over the exact bytes: the same body re-spaced fails.
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	s, _ := akulaku.Sign(key, srv.Creds.AkulakuAppID, ts, []byte(`{"pageNo":1}`))
	req, _ := http.NewRequest(http.MethodPost, base+akulaku.PathOrderList, strings.NewReader(`{"pageNo": 1}`))
	req.Header.Set("app-id", srv.Creds.AkulakuAppID)
	req.Header.Set("access-token", srv.Creds.AkulakuAccessToken)
	req.Header.Set("timestamp", ts)
	req.Header.Set("sign", s)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(raw), "SIGN_INVALID") {
		t.Errorf("re-spaced body accepted: %s", raw)
	}
}

// TestAkulakuTokenEndpoint looks at the raw token endpoint: the envelope
// with data.access_token, refresh_token and expires_in; a refresh token
// good once; tokens that expire on the sale clock; refusals in the
// envelope.
func TestAkulakuTokenEndpoint(t *testing.T) {
	clock := simulator.NewManualClock(akuT0)
	sc := simulator.DemoScenario(akuT0, 5*time.Minute, 42)
	sc.Channels = slices.DeleteFunc(sc.Channels, func(c simulator.ChannelSpec) bool { return c.ID != akuChannel })
	srv, err := simulator.New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	srv.Creds.AkulakuTokenLifetime = 10 * time.Minute
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	base := srv.BaseURL(akuChannel)
	cr := srv.Creds
	get := func(method string, q url.Values) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, base+akulaku.PathToken+"?"+q.Encode(), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		d := json.NewDecoder(resp.Body)
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		return m
	}
	grant := func(change func(q url.Values)) url.Values {
		q := url.Values{"client_id": {cr.AkulakuClientID}, "client_secret": {cr.AkulakuClientSecret}, "scope": {"select"}, "grant_type": {"client_credentials"}}
		if change != nil {
			change(q)
		}
		return q
	}
	m := get(http.MethodGet, grant(nil))
	data, _ := m["data"].(map[string]any)
	if m["success"] != true || data == nil {
		t.Fatalf("token refused: %v", m)
	}
	access, _ := data["access_token"].(string)
	refresh, _ := data["refresh_token"].(string)
	if access == "" || refresh == "" || data["expires_in"] != json.Number("599") {
		t.Fatalf("data %v: want both tokens and expires_in 599 for a 10-minute token", data)
	}
	orders := func(token string) map[string]any {
		t.Helper()
		key, _ := akulaku.ParsePrivateKey(cr.AkulakuKeyPEM())
		body := []byte(`{"pageNo":1,"pageSize":1,"shopId":` + cr.AkulakuShopID + `}`)
		ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
		sign, _ := akulaku.Sign(key, cr.AkulakuAppID, ts, body)
		req, _ := http.NewRequest(http.MethodPost, base+akulaku.PathOrderList, bytes.NewReader(body))
		req.Header.Set("app-id", cr.AkulakuAppID)
		req.Header.Set("access-token", token)
		req.Header.Set("timestamp", ts)
		req.Header.Set("sign", sign)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return out
	}
	if m := orders(access); m["success"] != true {
		t.Fatalf("a fresh token refused: %v", m)
	}

	// The refresh token buys a new pair, once.
	byRefresh := func(q url.Values) { q.Set("grant_type", "refresh_token"); q.Set("refresh_token", refresh) }
	m = get(http.MethodGet, grant(byRefresh))
	if d, _ := m["data"].(map[string]any); m["success"] != true || d["access_token"] == access || d["refresh_token"] == refresh {
		t.Fatalf("refresh: %v", m)
	}
	if m := get(http.MethodGet, grant(byRefresh)); m["success"] != false || m["errCode"] != "REFRESH_TOKEN_INVALID" {
		t.Errorf("a refresh token used twice: %v", m)
	}

	// Ten minutes of sale time later the first token is refused.
	clock.Advance(10*time.Minute - time.Millisecond)
	if m := orders(access); m["success"] != true {
		t.Fatalf("a token refused before its time: %v", m)
	}
	clock.Advance(time.Millisecond)
	if m := orders(access); m["success"] != false || m["errCode"] != "ACCESS_TOKEN_EXPIRED" {
		t.Errorf("an expired token: %v", m)
	}
	if m := orders("sim-aku-at-made-up"); m["errCode"] != "ACCESS_TOKEN_INVALID" {
		t.Errorf("an unknown token: %v", m)
	}

	for _, tc := range []struct {
		name, method string
		q            url.Values
		code         string
	}{
		{"no scope", http.MethodGet, grant(func(q url.Values) { q.Del("scope") }), "PARAM_INVALID"},
		{"wrong secret", http.MethodGet, grant(func(q url.Values) { q.Set("client_secret", "x") }), "CLIENT_INVALID"},
		{"unknown client", http.MethodGet, grant(func(q url.Values) { q.Set("client_id", "x") }), "CLIENT_INVALID"},
		{"unknown grant", http.MethodGet, grant(func(q url.Values) { q.Set("grant_type", "password") }), "PARAM_INVALID"},
		{"POST", http.MethodPost, grant(nil), "API_NOT_FOUND"},
	} {
		if m := get(tc.method, tc.q); m["success"] != false || m["errCode"] != tc.code || m["errMsg"] == "" {
			t.Errorf("%s: %v", tc.name, m)
		}
	}
	st, ok := srv.AkulakuTokens(akuChannel)
	if !ok || st.Issued != 2 || st.Refreshed != 1 || st.Expired != 1 || st.Unknown != 1 {
		t.Errorf("stats %+v, %v", st, ok)
	}
}

// TestAkulakuRenewsARevokedToken: the TokenExpired fault revokes every
// token and refresh token issued before it; the client, refused, tries its
// refresh token, is refused again, and obtains a new token by its client
// credentials: the poll succeeds. A client with only a static token is
// refused until the fault ends.
func TestAkulakuRenewsARevokedToken(t *testing.T) {
	clock := simulator.NewManualClock(akuT0)
	srv := akuStart(t, clock, 5*time.Minute)
	c := akuClient(t, srv, nil)
	static := akuClient(t, srv, func(c *akulaku.Config) {
		c.ClientID, c.ClientSecret, c.AccessToken = "", "", srv.Creds.AkulakuAccessToken
	})
	ctx := context.Background()
	cur := datasources.Cursor{UpdatedAfter: akuT0.Add(-time.Hour)}
	for _, c := range []*akulaku.Client{c, static} {
		if _, err := c.Orders(ctx, cur); err != nil {
			t.Fatal(err)
		}
	}
	srv.Book(akuChannel).SetFaults(simulator.Faults{TokenExpired: true})
	if _, err := c.Orders(ctx, cur); err != nil {
		t.Fatalf("a revoked token was not renewed: %v", err)
	}
	if _, err := static.Orders(ctx, cur); datasources.KindOf(err) != datasources.ErrAuth {
		t.Errorf("a revoked static token: %v", err)
	}
	srv.Book(akuChannel).SetFaults(simulator.Faults{})
	if _, err := static.Orders(ctx, cur); err != nil {
		t.Errorf("the static token after the fault: %v", err)
	}
	st, _ := srv.AkulakuTokens(akuChannel)
	if st.Issued != 2 || st.Unknown != 1 || st.Refreshed != 0 {
		t.Errorf("stats %+v: want two tokens issued (the second by the client credentials), one refusal", st)
	}
}
