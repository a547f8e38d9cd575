package lazada

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzFastDecoders checks the one-pass decoders against encoding/json,
// which stays their contract: whatever a fast decoder reads without
// leaving it to encoding/json, encoding/json reads too, to the same
// values. (A text the fast decoder leaves is read by encoding/json
// itself, so it needs no check.)
func FuzzFastDecoders(f *testing.F) {
	// One order and its items as Lazada writes them (the recorded page
	// whole makes too large a seed for the fuzzer to mutate).
	page, items := recordedPage(f)
	for _, answer := range [][]byte{firstOf(f, page), firstOf(f, items[0])} {
		f.Add(answer)
		env, err := decodeEnvelope(answer)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(env.Data))
	}
	for _, s := range []string{
		`{"code":"0","data":{"count":1,"countTotal":"1","orders":[{"order_id":12345678901234567,"created_at":"2026-11-23 14:00:01 +0700","updated_at":"2026-11-23 14:00:02 +0700","statuses":["pending"],"price":"1999000.00","address_shipping":{"phone":"08****1","address1":"Jl. Merdeka No. 1"}}]},"request_id":"x"}`,
		`{"type":"ISV","code":901,"message":"too frequent","request_id":null,"detail":[{"field":"a"}]}`,
		`{"count":"1","orders":[{"order_id":" 1 ","created_at":"2026-11-23T14:00:01+07:00","updated_at":null,"statuses":null,"address_shipping":null,"Price":"1"}]}`,
		`{"orders":[null,{"order_id":1,"statuses":["a",null,7],"address_shipping":{"city":"Bandung\u0020","address2":"\ud800","country":"Indonésia"}}]}`,
		`[{"order_id":"1","order_items":[{"sku":"A","status":"canceled","item_price":"1.5","paid_price":2,"buyer_id":7}]},null,{"order_items":null}]`,
		`{"orders":[],"orders":[{"order_id":"2"}]}`,
		`{"count":1e2,"countTotal":"5.0","x":[1,{"y":[true,false,null]},-0.5e-3]} `,
		`{"count":01}`, `{"a":"\x01"}`, `{"a":1,}`, `[1,]`, `null`, ``, `{"code":"0"} x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fe, se envelope
		if readEnvelope(b, &fe) == nil {
			if err := json.Unmarshal(b, &se); err != nil {
				t.Fatalf("envelope read, but encoding/json fails: %v", err)
			}
			if !sameEnvelope(fe, se) {
				t.Fatalf("envelope read as %+v, encoding/json reads %+v", fe, se)
			}
		}
		var fo, so wireOrders
		if readOrders(b, &fo) == nil {
			if err := json.Unmarshal(b, &so); err != nil {
				t.Fatalf("orders read, but encoding/json fails: %v", err)
			}
			if !reflect.DeepEqual(fo, so) {
				t.Fatalf("orders read as %+v, encoding/json reads %+v", fo, so)
			}
		}
		var fi, si []wireOrderItems
		if readOrderItems(b, &fi) == nil {
			if err := json.Unmarshal(b, &si); err != nil {
				t.Fatalf("items read, but encoding/json fails: %v", err)
			}
			if !reflect.DeepEqual(fi, si) {
				t.Fatalf("items read as %+v, encoding/json reads %+v", fi, si)
			}
		}
	})
}

// firstOf cuts an answer's list of orders down to its first.
func firstOf(tb testing.TB, answer []byte) []byte {
	var m map[string]any
	if err := json.Unmarshal(answer, &m); err != nil {
		tb.Fatal(err)
	}
	switch d := m["data"].(type) {
	case []any:
		m["data"] = d[:1]
	case map[string]any:
		d["orders"] = d["orders"].([]any)[:1]
	}
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// sameEnvelope compares envelopes, a raw value absent and empty alike.
func sameEnvelope(a, b envelope) bool {
	return a.Type == b.Type && a.Code == b.Code && a.Message == b.Message && a.RequestID == b.RequestID &&
		string(a.Data) == string(b.Data) && string(a.Detail) == string(b.Detail)
}
