package lazada_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/lazada"
)

// canned answers every call with one status and body, counting calls.
func canned(t *testing.T, status int, header map[string]string, body string) (*lazada.Client, *int) {
	t.Helper()
	n := new(int)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*n++
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(hs.Close)
	c, err := lazada.New(lazada.Config{
		ID: "lazada-id", Market: "ID", BaseURL: hs.URL + "/rest", AuthURL: hs.URL + "/auth",
		AppKey: appKey, AppSecret: secret, AccessToken: "tok", Timeout: 2 * time.Second, CallsPerSecond: fastCalls,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, n
}

// TestDocumentedErrors: every error Lazada documents for these calls, and
// what a proxy in front of it may answer, maps to a kind the poller acts on
// and a message that names the channel, the call and Lazada's own words.
func TestDocumentedErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		kind      datasources.ErrorKind
		code      string
		retry     time.Duration
		wantWords string
	}{
		{"ApiCallLimit in Lazada's words", 200, nil, `{"type":"ISV","code":"ApiCallLimit","message":"Api access frequency exceeds the limit. this ban will last 1 seconds.","request_id":"0ba2887315178178017221014"}`, datasources.ErrRateLimited, "ApiCallLimit", time.Second, "this ban will last 1 seconds"},
		{"ApiCallLimit with a longer ban", 200, nil, `{"type":"ISV","code":"ApiCallLimit","message":"The request has exceeded the limit of this API, this ban will last 3 seconds","request_id":"0ba2887315178178017221014"}`, datasources.ErrRateLimited, "ApiCallLimit", 3 * time.Second, "ban will last 3 seconds"},
		{"901 as a number", 200, nil, `{"type":"SYSTEM","code":901,"message":"The request is too frequent, or the requested functionality is temporarily disabled","request_id":"x"}`, datasources.ErrRateLimited, "901", time.Second, "too frequent"},
		{"IllegalAccessToken without a refresh token", 200, nil, `{"type":"ISV","code":"IllegalAccessToken","message":"The specified access token is invalid or expired","request_id":"x"}`, datasources.ErrAuth, "IllegalAccessToken", 0, "authorise the app again"},
		{"IncompleteSignature", 200, nil, `{"type":"ISV","code":"IncompleteSignature","message":"The request signature does not conform to lazop standards","request_id":"x"}`, datasources.ErrSignature, "IncompleteSignature", 0, "lazop standards"},
		{"ISP backend failure", 200, nil, `{"type":"ISP","code":"ServiceUnavailable","message":"Backend service is unavailable","request_id":"x"}`, datasources.ErrUnavailable, "ServiceUnavailable", 0, "Backend service"},
		{"ISV parameter error", 200, nil, `{"type":"ISV","code":"InvalidParameter","message":"offset must be between 0 and 5000","request_id":"x"}`, datasources.ErrRejected, "InvalidParameter", 0, "offset must be"},
		{"429 from a proxy", 429, map[string]string{"Retry-After": "7"}, `slow down`, datasources.ErrRateLimited, "HTTP 429", 7 * time.Second, "slow down"},
		{"502 page", 502, map[string]string{"Content-Type": "text/html"}, `<html><h1>502 Bad Gateway</h1></html>`, datasources.ErrUnavailable, "HTTP 502", 0, "Bad Gateway"},
		{"HTML with 200", 200, nil, `<html>maintenance</html>`, datasources.ErrMalformed, "", 0, "not a Lazada answer"},
		{"truncated JSON", 200, nil, `{"code":"0","data":{"count":"1","orders":[{"order_id":`, datasources.ErrMalformed, "", 0, "not a Lazada answer"},
		{"data of the wrong shape", 200, nil, `{"code":"0","data":{"orders":"none"},"request_id":"x"}`, datasources.ErrMalformed, "", 0, "orders"},
		{"order without update time", 200, nil, `{"code":"0","data":{"count":"1","orders":[{"order_id":"1","created_at":"2026-11-23 14:00:00 +0700","updated_at":""}]}}`, datasources.ErrMalformed, "", 0, "updated_at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, calls := canned(t, tc.status, tc.header, tc.body)
			_, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: time.Now().Add(-time.Hour)})
			var de *datasources.Error
			if !errors.As(err, &de) {
				t.Fatalf("%v is not a datasources.Error", err)
			}
			if de.Kind != tc.kind || de.Code != tc.code || de.RetryAfter != tc.retry {
				t.Fatalf("got kind %v code %q retry %v: %v", de.Kind, de.Code, de.RetryAfter, err)
			}
			msg := err.Error()
			for _, w := range []string{"lazada-id", "/orders/get", tc.wantWords} {
				if !strings.Contains(msg, w) {
					t.Fatalf("message %q does not say %q", msg, w)
				}
			}
			if strings.Contains(msg, "tok") && !strings.Contains(msg, "token") {
				t.Fatalf("message shows the access token: %q", msg)
			}
			// Rate limits and refusals are not retried by the client: the
			// poller waits instead of hammering.
			if tc.kind != datasources.ErrUnavailable && *calls != 1 {
				t.Fatalf("%d calls for one refusal", *calls)
			}
		})
	}
}

// TestStringNumbers: countTotal, ids and prices arrive as strings or
// numbers, sometimes in the same answer.
func TestStringNumbers(t *testing.T) {
	orders := `{"code":"0","request_id":"x","data":{"count":2,"countTotal":"2","orders":[
	 {"order_id":12345678901234567,"created_at":"2026-11-23 14:00:01 +0700","updated_at":"2026-11-23 14:00:02 +0700","statuses":["pending"],"price":"3998000.00"},
	 {"order_id":"12345678901234568","created_at":"2026-11-23 14:00:03 +0700","updated_at":"2026-11-23 14:00:04 +0700","statuses":["canceled"],"price":1999000}]}}`
	items := `{"code":"0","request_id":"y","data":[
	 {"order_id":"12345678901234567","order_items":[{"order_item_id":1,"sku":"POCO-M3","status":"pending","item_price":"1999000.00","buyer_id":"777"},{"order_item_id":"2","sku":"POCO-M3","status":"pending","item_price":1999000.5,"buyer_id":777}]},
	 {"order_id":12345678901234568,"order_items":[{"order_item_id":3,"sku":"POCO-M3","status":"canceled","item_price":"1999000","buyer_id":"888"}]}]}`
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/orders/items/get") {
			_, _ = w.Write([]byte(items))
			return
		}
		_, _ = w.Write([]byte(orders))
	}))
	defer hs.Close()
	c, err := lazada.New(lazada.Config{ID: "lazada-id", Market: "ID", BaseURL: hs.URL, AppKey: "k", AppSecret: "s", AccessToken: "t", CallsPerSecond: fastCalls})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 2 || len(p.Orders) != 2 || p.More {
		t.Fatalf("page %+v", p)
	}
	a, b := p.Orders[0], p.Orders[1]
	if a.ID != "12345678901234567" || b.ID != "12345678901234568" {
		t.Fatalf("19-digit ids lost precision: %s %s", a.ID, b.ID)
	}
	if a.BuyerID != "777" || len(a.Items) != 2 || a.Units("POCO-M3") != 2 || a.Items[0].Price != 199900000 || a.Items[1].Price != 199900050 {
		t.Fatalf("first order %+v", a)
	}
	if b.Status != "canceled" || b.Units("POCO-M3") != 0 {
		t.Fatalf("a cancelled order counts: %+v", b)
	}
	if want := time.Date(2026, 11, 23, 7, 0, 4, 0, time.UTC); !b.UpdatedAt.Equal(want) || !p.Next.UpdatedAfter.Equal(want) {
		t.Fatalf("updated %v, next cursor %v, want %v", b.UpdatedAt, p.Next.UpdatedAfter, want)
	}
}
