package brandstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// Fuzz targets that feed a store's answers to the client's own calls
// (Orders, Health, ReadSale, ReadOrder and the actions) through an
// in-memory transport, so the status, the headers and the body are read
// as in production. Seeds are in testdata/fuzz; run one with
// go test -fuzz=FuzzOrdersAnswer ./datasources/brandstore

// fzToken is the bearer token of the fuzz targets: no error may show it.
const fzToken = "s3cret-store-token"

// bsAnswer is one canned HTTP answer.
type bsAnswer struct {
	status int
	header http.Header
	body   []byte
}

// bsFake answers by path (the path before any query), and counts requests.
type bsFake struct {
	mu      sync.Mutex
	answers map[string]bsAnswer
	paths   []string
}

func (f *bsFake) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	f.mu.Lock()
	f.paths = append(f.paths, r.Method+" "+r.URL.EscapedPath())
	a, ok := f.answers[r.URL.EscapedPath()]
	f.mu.Unlock()
	if !ok {
		a = bsAnswer{status: http.StatusNotFound, body: []byte(`{"error":{"code":"not_found","message":"no such path"}}`)}
	}
	if r.Header.Get("Authorization") != "Bearer "+fzToken {
		a = bsAnswer{status: http.StatusUnauthorized, body: []byte(`{"error":{"code":"unauthorized","message":"no token"}}`)}
	}
	h := a.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{
		StatusCode: a.status, Status: strconv.Itoa(a.status) + " " + http.StatusText(a.status),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: io.NopCloser(bytes.NewReader(a.body)), ContentLength: int64(len(a.body)), Request: r,
	}, nil
}

func (f *bsFake) set(answers map[string]bsAnswer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers, f.paths = answers, nil
}

func (f *bsFake) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.paths...)
}

var bsNow = time.Date(2026, 11, 23, 14, 3, 0, 0, time.FixedZone("WIB", 7*3600))

func newBsClient(tb testing.TB, f *bsFake) *Client {
	tb.Helper()
	c, err := New(Config{ID: "micom-id", BaseURL: "https://store-api.example.com", Token: fzToken, Transport: f,
		Now: func() time.Time { return bsNow }})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// readStatus keeps a fuzzed status in what a read answers at once: 502,
// 503 and 504 would be retried with backoff, which only slows the fuzzer.
func readStatus(s int) int {
	s = httpStatus(s)
	if s >= 502 && s <= 504 {
		s = 500
	}
	return s
}

func fzAbs(n int) int {
	if n < 0 {
		if n == -n {
			return 0
		}
		return -n
	}
	return n
}

// bsError checks what every failure promises: a *datasources.Error that
// names the channel and the call, has a kind, and never shows the token.
func bsError(t *testing.T, err error, op string) *datasources.Error {
	t.Helper()
	var e *datasources.Error
	if !errors.As(err, &e) || e.Channel != "micom-id" || e.Op != op || e.Kind == 0 {
		t.Fatalf("error %#v is not a channel error of %s", err, op)
	}
	if strings.Contains(e.Error(), fzToken) {
		t.Fatalf("the error shows the token: %v", e)
	}
	return e
}

// statusKind is the kind a non-200 read answer must have.
func statusKind(status int) datasources.ErrorKind {
	switch {
	case status == http.StatusTooManyRequests:
		return datasources.ErrRateLimited
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return datasources.ErrAuth
	case status == http.StatusRequestTimeout || status == http.StatusGatewayTimeout:
		return datasources.ErrTimeout
	case status >= 500:
		return datasources.ErrUnavailable
	}
	return datasources.ErrRejected
}

// FuzzOrdersAnswer: any answer to /v1/orders, read from any cursor token,
// is a page of valid orders whose next cursor never moves back, carries a
// token when there is more, and stays put on an empty last page; or an
// error whose kind the HTTP status decides (malformed for a 200 that
// breaks the contract), without the token.
func FuzzOrdersAnswer(f *testing.F) {
	f.Add(200, []byte(`{"orders":[{"id":"5001","buyer_id":"b1","phone":"081234567890","shipping_address":{"name":"Ayu","line1":"Jl. Merdeka 17","city":"Jakarta","post_code":10110,"country":"ID"},"payment_fingerprint":"fp-1","status":"paid","created_at":"2026-11-23T14:00:01+07:00","updated_at":"2026-11-23T14:00:02.250+07:00","currency":"IDR","items":[{"id":"l1","sku":"POCO-M3","qty":2,"unit_price":"1999000.00"}]}],"next_cursor":"c2","has_more":true,"total":1200}`), "")
	f.Add(200, []byte(`{"orders":[{"id":"5002","status":"canceled","created_at":"2026-11-23T14:00:01Z","updated_at":"2026-11-23T06:59:00Z","items":[{"sku":"POCO-M3","qty":"1","unit_price":1999000}]}],"next_cursor":null,"has_more":false}`), "c2")
	f.Add(200, []byte(`{"orders":[],"next_cursor":"c2","has_more":true}`), "c2")
	f.Add(200, []byte(`{"orders":[],"has_more":false,"total":-3}`), "")
	f.Add(200, []byte(`{"orders":[{"id":"","items":[]}],"has_more":true}`), "")
	f.Add(400, []byte(`{"error":{"code":"invalid_cursor","message":"cursor expired","request_id":"r-1"}}`), "c9")
	f.Add(401, []byte(`{"error":{"code":"unauthorized","message":"token `+fzToken+` is unknown"}}`), "")
	f.Add(429, []byte(`{"error":{"code":"rate_limited","message":"slow down"}}`), "")
	f.Add(500, []byte(`<html><body>`+fzToken+`</body></html>`), "")
	f.Add(200, []byte(`{"has_more":false,"orders":[{"id":"1","status":"paid","created_at":"x","updated_at":"y","items":[{"sku":"A","qty":1}]}]}`), "")
	fake := &bsFake{}
	c := newBsClient(f, fake)
	since := datasources.Cursor{UpdatedAfter: time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, status int, body []byte, token string) {
		status = readStatus(status)
		fake.set(map[string]bsAnswer{PathOrders: {status: status, header: http.Header{"Retry-After": {"2"}}, body: body}})
		cur := since
		cur.Token = token
		p, err := c.Orders(context.Background(), cur)
		if n := len(fake.requests()); n < 1 || n > 2 {
			t.Fatalf("%d requests for one page", n)
		}
		if err != nil {
			e := bsError(t, err, PathOrders)
			switch {
			case status == http.StatusOK && e.Kind != datasources.ErrMalformed:
				t.Fatalf("a 200 answer failed as %v", e)
			case status != http.StatusOK && e.Kind != statusKind(status):
				t.Fatalf("HTTP %d failed as %v", status, e)
			case e.Kind == datasources.ErrRateLimited && e.RetryAfter != 2*time.Second:
				t.Fatalf("Retry-After 2 read as %v", e.RetryAfter)
			}
			return
		}
		if status != http.StatusOK {
			t.Fatalf("HTTP %d accepted", status)
		}
		if p.Total < -1 {
			t.Fatalf("total %d", p.Total)
		}
		for _, o := range p.Orders {
			if o.ID == "" || o.UpdatedAt.IsZero() || o.CreatedAt.IsZero() || o.Status == "" || len(o.Items) == 0 {
				t.Fatalf("accepted order %+v", o)
			}
			for _, it := range o.Items {
				if it.SKU == "" || it.Quantity < 0 || it.Quantity > maxQty || it.Price < 0 || (o.IsCancelled() && !it.Cancelled) {
					t.Fatalf("order %s: accepted line %+v", o.ID, it)
				}
			}
		}
		n := p.Next
		switch {
		case n.UpdatedAfter.Before(cur.UpdatedAfter):
			t.Fatalf("cursor moved back from %v to %v", cur.UpdatedAfter, n.UpdatedAfter)
		case p.More && (n.Token == "" || !n.UpdatedAfter.Equal(cur.UpdatedAfter)):
			t.Fatalf("more to read with next cursor %+v", n)
		case p.More && len(p.Orders) == 0 && n.Token == cur.Token:
			t.Fatalf("more to read, but the cursor %+v did not move", n)
		case !p.More && len(p.Orders) == 0 && !n.UpdatedAfter.Equal(cur.UpdatedAfter):
			t.Fatalf("an empty last page moved the cursor to %+v", n)
		}
	})
}

// FuzzHealthAnswer: the store is healthy only when it answers 200 with
// status "ok"; anything else is an error of /v1/health without the token.
func FuzzHealthAnswer(f *testing.F) {
	f.Add(200, []byte(`{"status":"ok","time":"2026-11-23T14:03:00+07:00"}`))
	f.Add(200, []byte(`{"status":"degraded"}`))
	f.Add(200, []byte(`{"time":"2026-11-23T14:03:00+07:00"}`))
	f.Add(200, []byte(`{"status":"OK"}`))
	f.Add(401, []byte(`{"error":{"code":"token_expired","message":"Bearer `+fzToken+` expired"}}`))
	f.Add(503, []byte(`maintenance`))
	f.Add(200, []byte(`ok`))
	fake := &bsFake{}
	c := newBsClient(f, fake)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		status = readStatus(status)
		fake.set(map[string]bsAnswer{PathHealth: {status: status, body: body}})
		err := c.Health(context.Background())
		if err == nil {
			if status != http.StatusOK {
				t.Fatalf("HTTP %d %q taken for healthy", status, body)
			}
			return
		}
		e := bsError(t, err, PathHealth)
		if status != http.StatusOK && e.Kind != statusKind(status) {
			t.Fatalf("HTTP %d failed as %v", status, e)
		}
		if strings.Contains(e.Code, fzToken) {
			t.Fatalf("the code shows the token: %q", e.Code)
		}
	})
}

// FuzzReadSaleAnswer: ReadSale reads a sale only from a 200 answer that is
// the sale asked for with a known state and an end, and a stock answer of
// the SKUs; then Paused is the state. Anything else is an error.
func FuzzReadSaleAnswer(f *testing.F) {
	sale := []byte(`{"id":"poco m3/launch","name":"POCO M3","state":"paused","start":"2026-11-23T14:00:00+07:00","end":"2026-11-23T23:59:00+07:00","updated_at":"2026-11-23T14:12:41.000+07:00"}`)
	stock := []byte(`{"as_of":"2026-11-23T14:00:00+07:00","skus":[{"sku":"POCO-M3","sellable":12,"price":"2199000","sale_price":"1999000","sale_start":"2026-11-23T14:00:00+07:00","sale_end":"2026-11-23T23:59:00+07:00","state":"paused"}]}`)
	f.Add(200, sale, stock)
	f.Add(200, []byte(`{"id":"other","state":"active","end":"2026-11-23T23:59:00Z"}`), stock)
	f.Add(200, []byte(`{"state":"active","end":"2026-11-23T23:59:00Z"}`), []byte(`{"as_of":"x"}`))
	f.Add(200, []byte(`{"state":"Paused ","end":"2026-11-23T23:59:00Z","start":null}`), []byte(`{"as_of":"2026-11-23T14:00:00Z","skus":[{"sku":"POCO-M3","sellable":-3}]}`))
	f.Add(404, []byte(`{"error":{"code":"not_found","message":"no sale poco m3/launch"}}`), stock)
	fake := &bsFake{}
	c := newBsClient(f, fake)
	target := datasources.SaleTarget{SaleID: "poco m3/launch", SKUs: []string{"POCO-M3"}}
	path := PathSales + "/poco%20m3%2Flaunch"
	f.Fuzz(func(t *testing.T, status int, saleBody, stockBody []byte) {
		status = readStatus(status)
		fake.set(map[string]bsAnswer{path: {status: status, body: saleBody}, PathStock: {status: http.StatusOK, body: stockBody}})
		sc, err := c.ReadSale(context.Background(), target)
		if err != nil {
			var e *datasources.Error
			if !errors.As(err, &e) || e.Channel != "micom-id" || e.Kind == 0 || strings.Contains(e.Error(), fzToken) {
				t.Fatalf("error %#v", err)
			}
			if e.Op != path && e.Op != PathStock {
				t.Fatalf("error of %q", e.Op)
			}
			return
		}
		s, derr := decodeSale(saleBody)
		if status != http.StatusOK || derr != nil || (s.id != "" && s.id != target.SaleID) {
			t.Fatalf("HTTP %d %q read as %+v", status, saleBody, sc)
		}
		if sc.End.IsZero() || !sc.End.Equal(s.end) || sc.Paused != (s.state == datasources.SalePaused) {
			t.Fatalf("sale %q read as %+v", saleBody, sc)
		}
		for _, r := range sc.SKUs {
			if r.SKU == "" {
				t.Fatalf("a reading without SKU: %+v", r)
			}
		}
	})
}

// FuzzReadOrderAnswer: ReadOrder returns only the order asked for, from a
// 200 answer; anything else is an error of that call.
func FuzzReadOrderAnswer(f *testing.F) {
	f.Add(200, []byte(`{"id":"5012000431","status":"cancelled","created_at":"2026-11-23T14:00:03.125+07:00","updated_at":"2026-11-23T14:20:00.000+07:00","currency":"IDR","items":[{"id":"501200043101","sku":"POCO-M3-464-BLK","qty":2,"unit_price":"1999000.00","cancelled":true}]}`))
	f.Add(200, []byte(`{"id":" 5012000431 ","status":"paid","created_at":"2026-11-23T14:00:03Z","updated_at":"2026-11-23T14:00:03Z","items":[{"sku":"S","qty":1,"unit_price":"1"}]}`))
	f.Add(200, []byte(`{"id":"5012000432","status":"paid","created_at":"2026-11-23T14:00:03Z","updated_at":"2026-11-23T14:00:03Z","items":[{"sku":"S","qty":1,"unit_price":"1"}]}`))
	f.Add(404, []byte(`{"error":{"code":"not_found","message":"no order 5012000431"}}`))
	f.Add(200, []byte(`null`))
	fake := &bsFake{}
	c := newBsClient(f, fake)
	const id = "5012000431"
	path := PathOrders + "/" + id
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		status = readStatus(status)
		fake.set(map[string]bsAnswer{path: {status: status, body: body}})
		o, err := c.ReadOrder(context.Background(), id)
		if err != nil {
			e := bsError(t, err, path)
			if status == http.StatusOK && e.Kind != datasources.ErrMalformed || status != http.StatusOK && e.Kind != statusKind(status) {
				t.Fatalf("HTTP %d failed as %v", status, e)
			}
			return
		}
		if status != http.StatusOK || o.ID != id || o.UpdatedAt.IsZero() || len(o.Items) == 0 {
			t.Fatalf("HTTP %d: asked for order %s, read %+v", status, id, o)
		}
	})
}

// FuzzActionAnswer: whatever a store answers to a pause or a cancel, the
// action went out once, and the error (if any) never shows the token and
// says the outcome is unknown exactly when the action may have taken
// effect: no answer in time, a 5xx, request_in_progress, or a success
// status whose answer is not the contract's. A 4xx refusal is known.
func FuzzActionAnswer(f *testing.F) {
	f.Add(false, 200, []byte(`{"id":"poco-m3-launch","state":"paused","end":"2026-11-23T23:59:00+07:00"}`), "")
	f.Add(false, 200, []byte(`{"id":"other-sale","state":"paused","end":"2026-11-23T23:59:00+07:00"}`), "")
	f.Add(false, 202, []byte(``), "")
	f.Add(false, 303, []byte(``), "https://store-api.example.com/v1/sales/poco-m3-launch")
	f.Add(false, 409, []byte(`{"error":{"code":"request_in_progress","message":"still running"}}`), "")
	f.Add(false, 422, []byte(`{"error":{"code":"idempotency_key_reused","message":"used for POST /v1/sales/x/pause","request_id":"r-1"}}`), "")
	f.Add(false, 503, []byte(`{"error":{"code":"idempotency_key_reused"}}`), "")
	f.Add(true, 200, []byte(`{"id":"5012000431","status":"cancelled","created_at":"2026-11-23T14:00:03Z","updated_at":"2026-11-23T14:20:00Z","items":[{"sku":"S","qty":1,"unit_price":"1","cancelled":true}]}`), "")
	f.Add(true, 409, []byte(`{"error":{"code":"invalid_state","message":"order shipped"}}`), "")
	f.Add(true, 408, []byte(`timeout`), "")
	f.Add(true, 401, []byte(`{"error":{"code":"unauthorized","message":"`+fzToken+`"}}`), "")
	fake := &bsFake{}
	c := newBsClient(f, fake)
	meta := datasources.ActionMeta{Key: "A000000001:micom-id:1", Reason: "bots", Actor: "ayu"}
	f.Fuzz(func(t *testing.T, cancel bool, status int, body []byte, location string) {
		status = httpStatus(status)
		h := http.Header{"Retry-After": {"1"}}
		if location != "" {
			h.Set("Location", location)
		}
		var err error
		var op string
		if cancel {
			op = "POST " + PathOrders + "/5012000431/cancel"
			fake.set(map[string]bsAnswer{PathOrders + "/5012000431/cancel": {status: status, header: h, body: body}})
			err = c.CancelOrder(context.Background(), "5012000431", meta)
		} else {
			op = "POST " + PathSales + "/poco-m3-launch/pause"
			fake.set(map[string]bsAnswer{PathSales + "/poco-m3-launch/pause": {status: status, header: h, body: body}})
			err = c.PauseSale(context.Background(), datasources.SaleTarget{SaleID: "poco-m3-launch"}, datasources.SaleControl{}, meta)
		}
		if reqs := fake.requests(); len(reqs) != 1 || reqs[0] != op {
			t.Fatalf("sent %v, want %s once", reqs, op)
		}
		if err == nil {
			if status != http.StatusOK {
				t.Fatalf("HTTP %d taken for done", status)
			}
			return
		}
		e := bsError(t, err, op)
		unknown := status >= 500 || status == http.StatusRequestTimeout || status < 400
		switch e.Code {
		case CodeRequestInProgress:
			unknown = true
		case CodeIdempotencyKeyReused:
			unknown = status < 400
		}
		if datasources.OutcomeUnknown(e) != unknown {
			t.Fatalf("HTTP %d (code %q): outcome unknown %v, want %v: %v", status, e.Code, datasources.OutcomeUnknown(e), unknown, e)
		}
	})
}

// httpStatus keeps a fuzzed status within 200..599, the final statuses a
// channel answers with.
func httpStatus(s int) int {
	if s < 200 || s > 599 {
		s = 200 + fzAbs(s)%400
	}
	return s
}
