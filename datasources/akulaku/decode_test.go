package akulaku

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"
)

// recordedList builds an order list answer of n orders from the contract
// fixture order_list_page.json, as Akulaku writes them (every field of the
// fixture), under order ids of their own.
func recordedList(tb testing.TB, n int) []byte {
	tb.Helper()
	raw, err := os.ReadFile("testdata/contract/order_list_page.json")
	if err != nil {
		tb.Fatal(err)
	}
	var fx struct {
		Steps []struct {
			Exchanges []struct {
				Response struct {
					Body map[string]any `json:"body"`
				} `json:"response"`
			} `json:"exchanges"`
		} `json:"steps"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		tb.Fatal(err)
	}
	body := fx.Steps[0].Exchanges[0].Response.Body
	data := body["data"].(map[string]any)
	orders := data["result"].([]any)
	var out []any
	for i := range n {
		b, _ := json.Marshal(orders[i%len(orders)])
		var o map[string]any
		if err := json.Unmarshal(b, &o); err != nil {
			tb.Fatal(err)
		}
		o["orderId"] = fmt.Sprint(2611230645000100000 + i)
		out = append(out, o)
	}
	data["result"], data["pageSize"] = out, n
	b, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestReaderReadsTheRecordedList checks that an answer as the contract
// writes it is read in one pass, not left to encoding/json, and read alike.
func TestReaderReadsTheRecordedList(t *testing.T) {
	body := recordedList(t, 30)
	var fe, se envelope
	if err := readEnvelope(body, &fe); err != nil {
		t.Fatalf("envelope left to encoding/json: %v", err)
	}
	if err := json.Unmarshal(body, &se); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fe.Success, se.Success) || string(fe.Data) != string(se.Data) {
		t.Fatalf("envelope read as %+v, encoding/json reads %+v", fe, se)
	}
	var fast, slow orderListData
	if err := readOrderList(fe.Data, &fast); err != nil {
		t.Fatalf("order list left to encoding/json: %v", err)
	}
	if err := json.Unmarshal(fe.Data, &slow); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("read\n%+v\nencoding/json reads\n%+v", fast, slow)
	}
}

// BenchmarkDecodeOrderList decodes an answer of 100 orders built from the
// contract fixture, envelope and orders, in one pass and with
// encoding/json.
func BenchmarkDecodeOrderList(b *testing.B) {
	body := recordedList(b, 100)
	loc := marketZone("ID")
	for _, d := range []struct {
		name string
		read func([]byte) (orderListData, error)
	}{
		{"reader", func(body []byte) (orderListData, error) {
			data, err := decodeEnvelope("akulaku-id", PathOrderList, 200, nil, body)
			if err != nil {
				return orderListData{}, err
			}
			return decodeOrderList(data)
		}},
		{"encoding-json", func(body []byte) (orderListData, error) {
			var env envelope
			var d orderListData
			if err := json.Unmarshal(body, &env); err != nil {
				return d, err
			}
			err := json.Unmarshal(env.Data, &d)
			return d, err
		}},
	} {
		b.Run(d.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				l, err := d.read(body)
				if err != nil || len(l.Result) != 100 {
					b.Fatal(err, len(l.Result))
				}
				if _, _, _, err := pageOrders(l.Result, loc, defaultStatusWords); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "orders/s")
		})
	}
}

// FuzzFastDecoders checks the one-pass decoders against encoding/json,
// their contract: whatever they read without leaving it to encoding/json,
// encoding/json reads too, to the same values.
func FuzzFastDecoders(f *testing.F) {
	body := recordedList(f, 1)
	f.Add(body)
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(env.Data))
	for _, s := range []string{
		`{"success":false,"errCode":"10001","errMsg":"invalid token","data":null}`,
		`{"success":null,"ErrCode":1}`, `{"success":"true"}`,
		`{"pageNo":"1","totalCount":null,"result":[null,{"orderId":1,"receiverAddress":null,"orderItemList":[{"skuSalePrice":null,"goodsInfos":{"goodsNo":"G1","goodsQty":2}},{"goodsInfos":[null,{"goodsNo":7}]},{"goodsInfos":null},{"goodsInfos":[]}]}]}`,
		`{"result":[{"orderItemList":[{"goodsInfos":"x"}]}]}`, `{"result":[],"result":[]}`,
		`{"totalCount":5,"result":[{"receiverAddress":{"zipCode":40135,"ZIPCODE":1}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fe, se envelope
		if readEnvelope(b, &fe) == nil {
			if err := json.Unmarshal(b, &se); err != nil {
				t.Fatalf("envelope read, but encoding/json fails: %v", err)
			}
			if !reflect.DeepEqual(fe.Success, se.Success) || fe.ErrCode != se.ErrCode || fe.ErrMsg != se.ErrMsg || string(fe.Data) != string(se.Data) {
				t.Fatalf("envelope read as %+v, encoding/json reads %+v", fe, se)
			}
		}
		var fast, slow orderListData
		if readOrderList(b, &fast) == nil {
			if err := json.Unmarshal(b, &slow); err != nil {
				t.Fatalf("order list read, but encoding/json fails: %v", err)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("order list read as %+v, encoding/json reads %+v", fast, slow)
			}
		}
	})
}
