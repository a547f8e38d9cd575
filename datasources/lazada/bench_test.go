package lazada_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/lazada"
)

// BenchmarkOrdersPage reads one full page (100 orders, two item batches)
// over loopback HTTP: the cost per order of the Lazada client, signing and
// decoding included. Reported as orders/s.
func BenchmarkOrdersPage(b *testing.B) {
	var ob, ib strings.Builder
	ob.WriteString(`{"code":"0","request_id":"x","data":{"count":100,"countTotal":"100","orders":[`)
	for i := range 100 {
		if i > 0 {
			ob.WriteByte(',')
		}
		fmt.Fprintf(&ob, `{"order_id":%d,"created_at":"2026-11-23 14:00:%02d +0700","updated_at":"2026-11-23 14:00:%02d +0700","statuses":["pending"],"price":"1999000.00","address_shipping":{"first_name":"Ayu","last_name":"Santoso","phone":"08****1","address1":"Jl. Merdeka No. 10","city":"Bandung","post_code":"40115","country":"Indonesia"}}`, 1000+i, i%60, i%60)
	}
	ob.WriteString(`]}}`)
	items := func(ids string) string {
		ib.Reset()
		ib.WriteString(`{"code":"0","request_id":"y","data":[`)
		for i, id := range strings.Split(strings.Trim(ids, "[]"), ",") {
			if i > 0 {
				ib.WriteByte(',')
			}
			fmt.Fprintf(&ib, `{"order_id":"%s","order_items":[{"order_item_id":"%s01","sku":"POCO-M3-464-BLK","status":"pending","item_price":"1999000.00","buyer_id":"42"}]}`, id, id)
		}
		ib.WriteString(`]}`)
		return ib.String()
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/orders/items/get") {
			_, _ = w.Write([]byte(items(r.URL.Query().Get("order_ids"))))
			return
		}
		_, _ = w.Write([]byte(ob.String()))
	}))
	defer hs.Close()
	// Paced as a real client would be, the benchmark would measure the
	// pacer: the client's own cost is what is measured here.
	c, err := lazada.New(lazada.Config{ID: "lazada-id", Market: "ID", BaseURL: hs.URL, AppKey: "k", AppSecret: "s", AccessToken: "t", CallsPerSecond: 1e9})
	if err != nil {
		b.Fatal(err)
	}
	cur := datasources.Cursor{UpdatedAfter: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)}
	b.ResetTimer()
	for b.Loop() {
		p, err := c.Orders(context.Background(), cur)
		if err != nil || len(p.Orders) != 100 {
			b.Fatal(err, len(p.Orders))
		}
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "orders/s")
}
