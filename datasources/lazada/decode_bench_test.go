package lazada

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"
)

// recordedPage builds the answers of one full page from the contract
// fixture get_orders.json, as Lazada writes them (every field Lazada sends,
// most of them unused): the /orders/get answer with its orders repeated to
// 100 under ids of their own, and the two /orders/items/get answers of 50
// orders each.
func recordedPage(tb testing.TB) (orders []byte, items [2][]byte) {
	tb.Helper()
	raw, err := os.ReadFile("testdata/contract/get_orders.json")
	if err != nil {
		tb.Fatal(err)
	}
	var fx struct {
		Exchanges []struct {
			Answer struct {
				Code string          `json:"code"`
				Data json.RawMessage `json:"data"`
			} `json:"answer"`
		} `json:"exchanges"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		tb.Fatal(err)
	}
	var od struct {
		Orders []map[string]any `json:"orders"`
	}
	var id []map[string]any
	if err := json.Unmarshal(fx.Exchanges[0].Answer.Data, &od); err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(fx.Exchanges[1].Answer.Data, &id); err != nil {
		tb.Fatal(err)
	}
	var os, is []map[string]any
	for i := range PageLimit {
		o := clone(tb, od.Orders[i%len(od.Orders)])
		oid := fmt.Sprint(570113820100000 + i)
		o["order_id"], o["order_number"] = oid, oid
		os = append(os, o)
		it := clone(tb, id[i%len(id)])
		it["order_id"], it["order_number"] = oid, oid
		for _, x := range it["order_items"].([]any) {
			x.(map[string]any)["order_id"] = oid
		}
		is = append(is, it)
	}
	enc := func(data any) []byte {
		b, err := json.Marshal(map[string]any{"code": "0", "request_id": "0ba2887315178178017221014", "data": data})
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	return enc(map[string]any{"count": "100", "countTotal": "100", "orders": os}), [2][]byte{enc(is[:ItemsBatch]), enc(is[ItemsBatch:])}
}

func clone(tb testing.TB, m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	var c map[string]any
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// pageDecoder is one way of decoding the answers of a page.
type pageDecoder struct {
	name     string
	envelope func([]byte) (envelope, error)
	orders   func([]byte, *wireOrders) error
	items    func([]byte, *[]wireOrderItems) error
}

var pageDecoders = []pageDecoder{
	{"reader", decodeEnvelope, decodeOrders, decodeOrderItems},
	// encoding/json into the same structs, as the client did before the
	// reader (with GOEXPERIMENT=jsonv2, encoding/json is the one built on
	// encoding/json/v2).
	{"encoding-json", func(b []byte) (envelope, error) {
		var env envelope
		err := json.Unmarshal(b, &env)
		return env, err
	}, func(b []byte, w *wireOrders) error { return json.Unmarshal(b, w) },
		func(b []byte, w *[]wireOrderItems) error { return json.Unmarshal(b, w) }},
}

// BenchmarkDecodeOrdersPage decodes one recorded page (the /orders/get
// answer of 100 orders and its two /orders/items/get answers) as the
// client does, without HTTP or signing: envelopes, data, and the orders
// made from them; with the client's decoders and with encoding/json.
func BenchmarkDecodeOrdersPage(b *testing.B) {
	page, items := recordedPage(b)
	c, err := New(Config{ID: "lazada-id", Market: "SG", AppKey: "k", AppSecret: "s", AccessToken: "t", CallsPerSecond: 1e9})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range pageDecoders {
		b.Run(d.name, func(b *testing.B) {
			b.SetBytes(int64(len(page) + len(items[0]) + len(items[1])))
			b.ReportAllocs()
			for b.Loop() {
				env, err := d.envelope(page)
				if err != nil {
					b.Fatal(err)
				}
				var w wireOrders
				if err := d.orders(env.Data, &w); err != nil || len(w.Orders) != PageLimit {
					b.Fatal(err, len(w.Orders))
				}
				for i := range w.Orders {
					if _, err := c.order(&w.Orders[i]); err != nil {
						b.Fatal(err)
					}
				}
				for _, body := range items {
					env, err := d.envelope(body)
					if err != nil {
						b.Fatal(err)
					}
					var wi []wireOrderItems
					if err := d.items(env.Data, &wi); err != nil || len(wi) != ItemsBatch {
						b.Fatal(err, len(wi))
					}
				}
			}
			b.ReportMetric(float64(b.N*PageLimit)/b.Elapsed().Seconds(), "orders/s")
		})
	}
}

// TestReaderReadsTheRecordedPage checks that the fast decoders read a
// page as Lazada writes it themselves, not by leaving it to encoding/json,
// and read it as encoding/json does.
func TestReaderReadsTheRecordedPage(t *testing.T) {
	page, items := recordedPage(t)
	var env envelope
	if err := readEnvelope(page, &env); err != nil {
		t.Fatalf("envelope left to encoding/json: %v", err)
	}
	var fast, slow wireOrders
	if err := readOrders(env.Data, &fast); err != nil {
		t.Fatalf("orders left to encoding/json: %v", err)
	}
	if err := json.Unmarshal(env.Data, &slow); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("read\n%+v\nencoding/json reads\n%+v", fast, slow)
	}
	for _, body := range items {
		if err := readEnvelope(body, &env); err != nil {
			t.Fatalf("envelope left to encoding/json: %v", err)
		}
		var fast, slow []wireOrderItems
		if err := readOrderItems(env.Data, &fast); err != nil {
			t.Fatalf("items left to encoding/json: %v", err)
		}
		if err := json.Unmarshal(env.Data, &slow); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("read\n%+v\nencoding/json reads\n%+v", fast, slow)
		}
	}
}
