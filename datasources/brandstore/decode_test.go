package brandstore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// ordersPage writes a /v1/orders answer of n orders as the contract has
// them (every field, one line each, a tenth with two).
func ordersPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"orders":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"MI%08d","buyer_id":"%d","phone":"+62812%07d","shipping_address":{"name":"Ayu Santoso","line1":"Jl. Merdeka No. %d","line2":"RT 05/RW 12","city":"Bandung","region":"Jawa Barat","post_code":40115,"country":"ID"},"payment_fingerprint":"pf_%012x","status":"paid","created_at":"2026-11-23T14:00:%02d+07:00","updated_at":"2026-11-23T14:00:%02d.250+07:00","currency":"IDR","items":[{"id":"%d01","sku":"POCO-M3-464-BLK","qty":1,"unit_price":"1999000.00","cancelled":false}`, i, 100000+i, i, i%200+1, i, i%60, i%60, i)
		if i%10 == 0 {
			fmt.Fprintf(&b, `,{"id":"%d02","sku":"POCO-X6-PRO","qty":"2","unit_price":3999000,"cancelled":false}`, i)
		}
		b.WriteString(`]}`)
	}
	fmt.Fprintf(&b, `],"next_cursor":"c%d","has_more":true,"total":"%d"}`, n, 10*n)
	return []byte(b.String())
}

// TestReaderReadsAPage checks that a page as the contract writes it is
// read in one pass, not left to encoding/json, and read alike.
func TestReaderReadsAPage(t *testing.T) {
	page := ordersPage(100)
	var fast, slow wireOrderPage
	if err := readOrderPage(page, &fast); err != nil {
		t.Fatalf("left to encoding/json: %v", err)
	}
	if err := json.Unmarshal(page, &slow); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("read\n%+v\nencoding/json reads\n%+v", fast, slow)
	}
}

// BenchmarkDecodeOrders decodes a page of 100 orders into orders, in one
// pass and with encoding/json.
func BenchmarkDecodeOrders(b *testing.B) {
	page := ordersPage(100)
	for _, d := range []struct {
		name string
		read func([]byte, *wireOrderPage) error
	}{
		{"reader", unmarshalOrderPage},
		{"encoding-json", func(b []byte, w *wireOrderPage) error { return json.Unmarshal(b, w) }},
	} {
		b.Run(d.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				var w wireOrderPage
				if err := d.read(page, &w); err != nil {
					b.Fatal(err)
				}
				for i := range w.Orders {
					if _, err := w.Orders[i].order(); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "orders/s")
		})
	}
}

// FuzzFastOrders checks the one-pass decoder against encoding/json, its
// contract: whatever it reads without leaving it to encoding/json,
// encoding/json reads too, to the same values.
func FuzzFastOrders(f *testing.F) {
	f.Add(ordersPage(1))
	f.Add(ordersPage(2))
	for _, s := range []string{
		`{"orders":[{"id":"5001","buyer_id":"b1","created_at":"2026-11-23T14:00:01+07:00","updated_at":"2026-11-23T14:00:02.250+07:00","status":"paid","items":[{"sku":"POCO-M3","qty":2,"unit_price":"1999000.00"}]}],"next_cursor":"abc","has_more":false,"total":1}`,
		`{"orders":[{"id":"","items":[]}],"has_more":true}`,
		`{"orders":null,"next_cursor":null,"has_more":null,"total":null}`,
		`{"orders":[null,{"items":[null,{"qty":null,"cancelled":null}],"shipping_address":null}],"Has_More":true}`,
		`{"has_more":1}`, `{"next_cursor":7}`, `{"orders":[],"orders":[]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast, slow wireOrderPage
		if readOrderPage(b, &fast) != nil {
			return
		}
		if err := json.Unmarshal(b, &slow); err != nil {
			t.Fatalf("read, but encoding/json fails: %v", err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("read as %+v, encoding/json reads %+v", fast, slow)
		}
	})
}
