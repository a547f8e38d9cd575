package lazada

import (
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/datasources"
)

// Fuzz targets for the answers of the change requests, bytes from the
// network. Seeds are in testdata/fuzz; run one with
// go test -fuzz=FuzzUpdateAnswer ./datasources/lazada

func FuzzUpdateAnswer(f *testing.F) {
	f.Add([]byte(`{"code":"0","request_id":"0b1"}`))
	f.Add([]byte(`{"type":"ISV","code":"4170","message":"locked","detail":[{"field":"SellableQuantity","seller_sku":"A","message":"locked"}],"request_id":"0b2"}`))
	f.Add([]byte(`{"type":"ISV","code":"InvalidParameter","message":"bad","detail":{"seller_sku":1}}`))
	c, err := New(Config{ID: "lazada-id", Market: "ID", AppKey: "k", AppSecret: "s", AccessToken: "t"})
	if err != nil {
		f.Fatal(err)
	}
	batch := []skuUpdate{{SellerSku: "A"}, {SellerSku: "B"}}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := decodeEnvelope(body)
		if err != nil || env.ok() {
			return
		}
		e := c.updateError(PathPriceQuantity, env, batch)
		if e == nil || e.Kind == 0 || e.Message == "" || e.Channel != "lazada-id" || e.Op != PathPriceQuantity {
			t.Fatalf("refusal %s mapped to %#v", body, e)
		}
		if strings.TrimSpace(string(env.Code)) == CodeStockLocked {
			if e.Kind != datasources.ErrRejected || datasources.OutcomeUnknown(e) || !strings.Contains(e.Message, "is locked") {
				t.Fatalf("4170 mapped to %v", e)
			}
		}
	})
}

func FuzzCancelAnswer(f *testing.F) {
	f.Add([]byte(`{"reason_options":[{"reason_id":"10000019","reason_name":"Sourcing Delay"},{"reason_id":"10000021","reason_name":"Out of Stock"}],"tip_content":"t","tip_type":"warning"}`), "")
	f.Add([]byte(`{"reason_options":[{"reason_id":10000023,"reason_name":"Wrong Price or Pricing Error"}],"tip_type":"error"}`), "10000023")
	f.Add([]byte(`{"tip_content":"done","tip_type":"success"}`), "x")
	f.Fuzz(func(t *testing.T, data []byte, preferred string) {
		v, err := parseCancelAnswer(data)
		if err != nil {
			return
		}
		_ = v.refuses()
		id, ok := chooseReason(v.Reasons, preferred)
		harmless := false
		for _, o := range v.Reasons {
			oid := strings.TrimSpace(string(o.ID))
			if oid != "" && !zeroesStock(o) {
				harmless = true
			}
			if ok && oid == id && zeroesStock(o) {
				t.Fatalf("chose %q, a reason that zeroes the stock, from %s", id, data)
			}
		}
		if ok != harmless || (ok && id == "") {
			t.Fatalf("chose %q (%v) from %s", id, ok, data)
		}
	})
}
