package lazada

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// Fuzz targets for the answers of the change requests and for the stock
// they are computed from, bytes from the network. Seeds are in
// testdata/fuzz; run one with
// go test -tags migrated_fynedo -fuzz=FuzzUpdateAnswer ./datasources/lazada

// FuzzUpdateAnswer: any answer to an update of SKUs POCO-M3 and POCO-X3 is read as
// what became of each: every SKU of the call exactly once applied,
// refused or without a clear answer; none that the answer names as failed
// is called applied; an OK naming no problem applies both. The summary is
// nil only when both were applied, and otherwise an error of the call
// that names every SKU not applied.
func FuzzUpdateAnswer(f *testing.F) {
	f.Add([]byte(`{"code":"0","data":{},"request_id":"0ba2887315178178017221014"}`))
	f.Add([]byte(`{"type":"ISV","code":"4170","message":"locked","detail":[{"field":"SellableQuantity","seller_sku":"POCO-M3","message":"locked"}],"request_id":"0b2"}`))
	f.Add([]byte(`{"type":"ISV","code":"InvalidParameter","message":"bad","detail":{"seller_sku":1}}`))
	f.Add([]byte(`{"type":"ISP","code":"501","message":"E501: Update product failed","detail":[{"field":"Product","seller_sku":"POCO-X3","message":"Category is inactive"}],"request_id":"0b3"}`))
	f.Add([]byte(`{"code":"0","data":{},"detail":[{"field":"ItemId","message":"ITEM_NOT_FOUND","code":"E0501"}]}`))
	f.Add([]byte(`{"code":"0","data":{},"detail":[{"field":"SellableQuantity","SellerSku":"POCO-X3","message":"SELLER_SKU_INVALID"},{"seller_sku":"Z","message":"?"}]}`))
	f.Add([]byte(`{"type":"ISV","code":"ApiCallLimit","message":"Api access frequency exceeds the limit. this ban will last 1 seconds.","request_id":"0b4"}`))
	f.Add([]byte(`{"type":"ISP","code":"ServiceUnavailable","message":"Backend service is unavailable"}`))
	c, err := New(Config{ID: "lazada-id", Market: "ID", AppKey: "k", AppSecret: "s", AccessToken: "t", CallsPerSecond: 1e9})
	if err != nil {
		f.Fatal(err)
	}
	batch := []skuUpdate{{SellerSku: "POCO-M3"}, {SellerSku: "POCO-X3"}}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := decodeEnvelope(body)
		if err != nil {
			return
		}
		var r batchResult
		if env.ok() {
			r = c.answeredOK(batch, env)
		} else {
			e := c.updateError(PathSellableUpdate, env, batch)
			if e == nil || e.Kind == 0 || e.Message == "" || e.Channel != "lazada-id" || e.Op != PathSellableUpdate {
				t.Fatalf("refusal %s mapped to %#v", body, e)
			}
			switch strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(string(env.Code))), "E") {
			case CodeStockLocked:
				if e.Kind != datasources.ErrRejected || !strings.Contains(e.Message, "inside a Lazada mega-campaign window stock may be raised but not lowered") {
					t.Fatalf("4170 mapped to %v", e)
				}
			case CodeUpdateFailed:
				if e.Kind != datasources.ErrRejected {
					t.Fatalf("501 mapped to %v", e)
				}
			}
			r = c.refusedBatch(batch, env, e)
		}
		failed := map[string]bool{}
		for _, p := range updateProblems(env.Detail) {
			failed[p.sku] = true
		}
		fate := map[string]int{}
		for _, s := range r.applied {
			fate[s]++
			if failed[s] {
				t.Fatalf("%s named as failed by %s, read as applied", s, body)
			}
		}
		refused := map[string]bool{} // a SKU may be refused for several reasons
		for _, p := range r.refused {
			refused[p.sku] = true
		}
		for s := range refused {
			fate[s]++
		}
		for _, s := range r.open {
			fate[s]++
		}
		for _, s := range []string{"POCO-M3", "POCO-X3"} {
			if fate[s] != 1 {
				t.Fatalf("%s has %d fates in %+v, from %s", s, fate[s], r, body)
			}
		}
		if env.ok() && len(updateProblems(env.Detail)) == 0 && (len(r.applied) != 2 || r.err != nil) {
			t.Fatalf("a plain OK read as %+v", r)
		}
		err = c.summarise(PathSellableUpdate, r, 2)
		if len(r.applied) == 2 && len(r.refused) == 0 && len(r.open) == 0 {
			if err != nil {
				t.Fatalf("both applied, yet %v", err)
			}
			return
		}
		e := asError(err, "lazada-id", PathSellableUpdate)
		if err == nil || e.Op != PathSellableUpdate || e.Kind == 0 {
			t.Fatalf("%+v summed up as %v", r, err)
		}
		if len(r.applied) > 0 && e.Kind != datasources.ErrPartial {
			t.Fatalf("some applied, some not, summed up as %v", e)
		}
		if len(updateProblems(env.Detail)) > maxListed {
			return // the words name the first maxListed reasons only
		}
		for _, s := range []string{"POCO-M3", "POCO-X3"} {
			if fate[s] == 1 && !slices.Contains(r.applied, s) && !strings.Contains(e.Message, s) {
				t.Fatalf("%s, not applied, is not named in %q", s, e.Message)
			}
		}
	})
}

// FuzzWarehouseStock: any SKU object of /products/get gives stock that is
// what its warehouses hold — the configured one's only, when one is
// configured — with the reserve of its orders, or its quantity when it
// lists no warehouse; never below 0.
func FuzzWarehouseStock(f *testing.F) {
	f.Add([]byte(`{"SellerSku":"1pc","SkuId":11212296431,"quantity":1719,"Available":1719,"multiWarehouseInventories":[{"occupyQuantity":26,"quantity":1719,"totalQuantity":1745,"withholdQuantity":0,"warehouseCode":"dropshipping","sellableQuantity":1719}],"fblWarehouseInventories":[]}`), "")
	f.Add([]byte(`{"SellerSku":"A","quantity":"30","multiWarehouseInventories":[{"warehouseCode":"dropshipping","sellableQuantity":"20","occupyQuantity":"1","withholdQuantity":"2"},{"warehouseCode":"W2","sellableQuantity":10,"occupyQuantity":0}]}`), "W2")
	f.Add([]byte(`{"SellerSku":"A","quantity":7,"Available":7}`), "")
	f.Add([]byte(`{"SellerSku":"A","quantity":-3,"multiWarehouseInventories":[]}`), "W9")
	f.Add([]byte(`{"SellerSku":"A","multiWarehouseInventories":[{"warehouseCode":" W2 ","sellableQuantity":-5,"occupyQuantity":-1,"withholdQuantity":null}]}`), " W2")
	f.Fuzz(func(t *testing.T, sku []byte, code string) {
		var s wireSKU
		if json.Unmarshal(sku, &s) != nil {
			return
		}
		huge := func(n jsonx.Int) bool { return n > 1e12 || n < -1e12 }
		for _, w := range s.Warehouses {
			if huge(w.SellableQuantity) || huge(w.OccupyQuantity) || huge(w.WithholdQuantity) {
				// No shop holds a trillion units; sums that large would
				// only test integer overflow.
				return
			}
		}
		c := &Client{wh: strings.TrimSpace(code)}
		var r datasources.StockReading
		c.warehouseStock(&r, s)
		if r.Sellable < 0 || r.Reserved < 0 {
			t.Fatalf("%s read as %+v", sku, r)
		}
		if len(s.Warehouses) == 0 {
			if r.HasReserved || r.Reserved != 0 || len(r.Warehouses) != 0 || r.Sellable != max(int(s.Quantity), 0) {
				t.Fatalf("%s, which lists no warehouse, read as %+v", sku, r)
			}
			return
		}
		if !r.HasReserved {
			t.Fatalf("%s lists warehouses, read without its reserve: %+v", sku, r)
		}
		sellable, reserved, n := 0, 0, 0
		for _, w := range s.Warehouses {
			if wc := strings.TrimSpace(w.WarehouseCode); c.wh != "" && wc != c.wh {
				continue
			}
			n++
			sellable += max(int(w.SellableQuantity), 0)
			reserved += max(int(w.OccupyQuantity)+int(w.WithholdQuantity), 0)
		}
		got := 0
		for _, w := range r.Warehouses {
			if c.wh != "" && w.Code != c.wh {
				t.Fatalf("warehouse %q read with %q configured", w.Code, c.wh)
			}
			got += w.Sellable
		}
		if len(r.Warehouses) != n || r.Sellable != sellable || r.Reserved != reserved || got != sellable {
			t.Fatalf("%s (warehouse %q) read as %+v, want sellable %d reserved %d over %d warehouses", sku, c.wh, r, sellable, reserved, n)
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
