package brandstore

import (
	"net/http"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/datasources"
)

// Fuzz targets for what the actions read from a brand store: the Sale
// answer (ReadSale and the answer to pause, resume, extend), one Order
// (ReadOrder and the answer to a cancel) and an action's error answer.
// Run with, e.g., go test -fuzz=FuzzDecodeSale ./datasources/brandstore

func FuzzDecodeSale(f *testing.F) {
	f.Add([]byte(`{"id":"poco-m3-launch","name":"POCO M3 flash sale","state":"paused","start":"2026-11-23T14:00:00+07:00","end":"2026-11-23T23:59:00+07:00","updated_at":"2026-11-23T14:12:41.000+07:00"}`))
	f.Add([]byte(`{"state":"active","end":"2026-11-23T23:59:00Z"}`))
	f.Add([]byte(`{"state":"suspended","end":"2026-11-23T23:59:00Z"}`))
	f.Add([]byte(`{"state":"ended","end":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := decodeSale(body)
		if err != nil {
			return
		}
		if s.end.IsZero() {
			t.Fatalf("accepted a sale without an end: %+v", s)
		}
		switch s.state {
		case datasources.SaleScheduled, datasources.SaleActive, datasources.SalePaused, datasources.SaleEnded, datasources.SaleSoldOut:
		default:
			t.Fatalf("accepted state %q", s.state)
		}
	})
}

func FuzzDecodeOrder(f *testing.F) {
	f.Add([]byte(`{"id":"5012000431","buyer_id":"100583221","phone":"081234567890","shipping_address":{"name":"Ayu","line1":"Jl. Merdeka 17","city":"Jakarta","country":"ID"},"payment_fingerprint":null,"status":"cancelled","created_at":"2026-11-23T14:00:03.125+07:00","updated_at":"2026-11-23T14:20:00.000+07:00","currency":"IDR","items":[{"id":"501200043101","sku":"POCO-M3-464-BLK","qty":2,"unit_price":"1999000.00","cancelled":true}]}`))
	f.Add([]byte(`{"id":"1","status":"paid","created_at":"2026-11-23T14:00:03Z","updated_at":"2026-11-23T14:00:03Z","items":[{"sku":"S","qty":-1,"unit_price":"1"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		o, err := decodeOrder(body)
		if err != nil {
			return
		}
		if o.ID == "" || o.UpdatedAt.IsZero() || len(o.Items) == 0 {
			t.Fatalf("accepted an order without id, update time or items: %+v", o)
		}
		for _, it := range o.Items {
			if it.SKU == "" || it.Quantity < 0 || it.Price < 0 {
				t.Fatalf("accepted a line without SKU or with negative units or price: %+v", it)
			}
			if o.IsCancelled() && !it.Cancelled {
				t.Fatalf("a cancelled order with a line sold: %+v", o)
			}
		}
	})
}

// FuzzActionError: whatever a store answers to an action, the error has a
// kind, names the channel and the call, and never shows the token.
func FuzzActionError(f *testing.F) {
	const token = "s3cret-store-token"
	c, err := New(Config{ID: "micom-id", BaseURL: "https://store-api.example.com", Token: token})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(409, []byte(`{"error":{"code":"request_in_progress","message":"still running"}}`))
	f.Add(422, []byte(`{"error":{"code":"idempotency_key_reused","message":"used for POST /v1/sales/x/pause","request_id":"r-1"}}`))
	f.Add(503, []byte(`<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>`))
	f.Add(401, []byte(`{"error":{"code":"unauthorized","message":"token `+token+` is unknown"}}`))
	f.Add(500, []byte(strings.Repeat("x", 150)+token))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 400 || status > 599 {
			return // post only maps error statuses here
		}
		h := http.Header{"Retry-After": {"3"}}
		e := c.actionError("POST /v1/sales/x/pause", status, h, body)
		if e.Kind == 0 || e.Channel != "micom-id" || e.Op != "POST /v1/sales/x/pause" {
			t.Fatalf("error %+v", e)
		}
		if strings.Contains(e.Error(), token) {
			t.Fatalf("the error shows the token: %v", e)
		}
		if e.Code == CodeRequestInProgress && !datasources.OutcomeUnknown(e) {
			t.Fatalf("request_in_progress with a known outcome: %v", e)
		}
	})
}
