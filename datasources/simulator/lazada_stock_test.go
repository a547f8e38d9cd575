package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// lzText is an answer's message and its detail messages, for matching words.
func lzText(a lzAnswer) string {
	parts := []string{a.Message}
	for _, d := range a.Detail {
		parts = append(parts, d.Field+": "+d.Message)
	}
	return strings.Join(parts, " | ")
}

func detailSKUs(a lzAnswer) []string {
	var out []string
	for _, d := range a.Detail {
		out = append(out, d.SellerSku)
	}
	return out
}

// TestLazadaStockUpdates plays each update endpoint's documented behaviour
// against a seller with two warehouses: 45,000 units of A, B and C in
// dropshipping and 5,000 in W2, no order yet.
func TestLazadaStockUpdates(t *testing.T) {
	many := make([]string, 51)
	for i := range many {
		many[i] = stockSKU("A", 1)
	}
	sale := func(sku string, pairs ...string) string { return skuXML(sku, pairs...) }
	for _, tc := range []struct {
		name, path, payload string
		lock                string // a SKU a campaign holds 10 units of
		code, words         string
		detail              []string         // the SKUs detail[] names
		after               map[string][]int // stock per warehouse of the SKUs changed
		op                  string           // the operation counted, if any
	}{
		// UpdateSellableQuantity: absolute, per warehouse or in the first.
		{name: "set the first warehouse", path: sellablePath, payload: payload(stockSKU("A", 20)),
			code: "0", after: map[string][]int{"A": {20, 5000}}, op: OpPause},
		{name: "by SkuId and ItemId, as the guide's example", path: sellablePath,
			payload: payload("<Sku><ItemId>3000000001</ItemId><SkuId>11000000001</SkuId><SellableQuantity>7</SellableQuantity></Sku>"),
			code:    "0", after: map[string][]int{"B": {7, 5000}}, op: OpPause},
		{name: "raise", path: sellablePath, payload: payload(stockSKU("A", 46000)),
			code: "0", after: map[string][]int{"A": {46000, 5000}}, op: OpResume},
		{name: "every warehouse to 0", path: sellablePath,
			payload: payload(whSKU("A", "SellableQuantity", "dropshipping", 0, "W2", 0), whSKU("B", "SellableQuantity", "W2", 0, "dropshipping", 0)),
			code:    "0", after: map[string][]int{"A": {0, 0}, "B": {0, 0}}, op: OpPause},
		{name: "one warehouse of two", path: sellablePath, payload: payload(whSKU("C", "SellableQuantity", "W2", 9)),
			code: "0", after: map[string][]int{"C": {45000, 9}}, op: OpPause},
		{name: "unknown SellerSku", path: sellablePath, payload: payload(stockSKU("A", 1), stockSKU("NOPE", 1)),
			code: "501", words: `Update product failed | SellerSku: SKU_NOT_FOUND: SellerSku "NOPE" does not exist`, detail: []string{"NOPE"}},
		{name: "unknown SkuId", path: sellablePath, payload: payload("<Sku><SkuId>11000000099</SkuId><SellableQuantity>1</SellableQuantity></Sku>"),
			code: "501", words: `SkuId "11000000099" does not exist`, detail: []string{""}},
		{name: "SkuId of another item", path: sellablePath,
			payload: payload("<Sku><ItemId>3000000000</ItemId><SkuId>11000000001</SkuId><SellableQuantity>1</SellableQuantity></Sku>"),
			code:    "501", words: "ItemId 3000000000 is not the item of SKU B", detail: []string{"B"}},
		{name: "SellerSku and another SKU's SkuId", path: sellablePath,
			payload: payload("<Sku><SkuId>11000000001</SkuId><SellerSku>A</SellerSku><SellableQuantity>1</SellableQuantity></Sku>"),
			code:    "501", words: "SkuId 11000000001 is not the SkuId of SellerSku A", detail: []string{"A"}},
		{name: "no SKU named", path: sellablePath, payload: payload("<Sku><SellableQuantity>1</SellableQuantity></Sku>"),
			code: "501", words: "needs its SellerSku or SkuId", detail: []string{""}},
		{name: "unknown warehouse", path: sellablePath, payload: payload(stockSKU("B", 1), whSKU("A", "SellableQuantity", "X", 1)),
			code: "501", words: `WarehouseCode: no such warehouse for this seller: "X"`, detail: []string{"A"}},
		{name: "negative", path: sellablePath, payload: payload(stockSKU("A", -1)),
			code: "501", words: "SellableQuantity -1: the quantity cannot be negative", detail: []string{"A"}},
		{name: "not a number", path: sellablePath, payload: payload(skuXML("A", "SellableQuantity", "ten")),
			code: "501", words: `SellableQuantity "ten" is not a whole number`, detail: []string{"A"}},
		{name: "both forms", path: sellablePath,
			payload: payload(strings.Replace(whSKU("A", "SellableQuantity", "W2", 1), "<MultiWarehouseInventories>", "<SellableQuantity>1</SellableQuantity><MultiWarehouseInventories>", 1)),
			code:    "501", words: "not both", detail: []string{"A"}},
		{name: "Quantity is not taken", path: sellablePath, payload: payload(skuXML("A", "Quantity", "5")),
			code: "501", words: "SellableQuantity is missing", detail: []string{"A"}},
		{name: "51 SKUs", path: sellablePath, payload: payload(many...), code: "204", words: "E204: Too many SKU in one request"},
		{name: "not XML", path: sellablePath, payload: "<Request><Product>", code: "5", words: "E005: Invalid Request Format"},
		{name: "another root", path: sellablePath, payload: "<Products/>", code: "5", words: "E005: Invalid Request Format"},
		{name: "no SKUs", path: sellablePath, payload: payload(), code: "30", words: "E030: Empty Request"},
		{name: "no payload", path: sellablePath, code: "MissingParameter", words: `"payload"`},
		{name: "a campaign's stock lowered", path: sellablePath, lock: "B", payload: payload(stockSKU("B", 100)),
			code: "4170", words: "Sellers can increase stocks, but may not decrease stocks.", detail: []string{"B"}},
		{name: "a campaign's stock raised", path: sellablePath, lock: "B", payload: payload(stockSKU("B", 46000)),
			code: "0", after: map[string][]int{"B": {46000, 5000}}, op: OpResume},
		{name: "a campaign's stock among others", path: sellablePath, lock: "B", payload: payload(stockSKU("A", 0), stockSKU("B", 0)),
			code: "4170", words: "between 2026-11-23 14:00:00 - 2026-11-24 14:00:00", detail: []string{"B"}},

		// AdjustSellableQuantity: a change, which may be negative.
		{name: "adjust: take", path: adjustPath, payload: payload(stockSKU("A", -20)),
			code: "0", after: map[string][]int{"A": {44980, 5000}}, op: OpPause},
		{name: "adjust: give", path: adjustPath, payload: payload(stockSKU("A", 20)),
			code: "0", after: map[string][]int{"A": {45020, 5000}}, op: OpResume},
		{name: "adjust: per warehouse", path: adjustPath, payload: payload(whSKU("A", "SellableQuantity", "W2", -5000, "dropshipping", -45000)),
			code: "0", after: map[string][]int{"A": {0, 0}}, op: OpPause},
		{name: "adjust: below 0", path: adjustPath, payload: payload(stockSKU("B", -1), stockSKU("A", -45001)),
			code: "212", words: "INV_NEGATIVE_SELLABLE", detail: []string{"A"}},
		{name: "adjust: below 0 in a warehouse", path: adjustPath, payload: payload(whSKU("A", "SellableQuantity", "W2", -5001)),
			code: "212", words: "it would be -1", detail: []string{"A"}},
		{name: "adjust: a campaign's stock taken", path: adjustPath, lock: "B", payload: payload(stockSKU("B", -1)),
			code: "4170", detail: []string{"B"}},
		{name: "adjust: a campaign's stock given", path: adjustPath, lock: "B", payload: payload(stockSKU("B", 1)),
			code: "0", after: map[string][]int{"B": {45001, 5000}}, op: OpResume},
		{name: "adjust: 51 SKUs", path: adjustPath, payload: payload(many...), code: "204"},

		// UpdatePriceQuantity: Quantity is the total stock; fields it does
		// not take are ignored.
		{name: "price: Quantity is the total", path: pricePath, payload: payload(skuXML("A", "Quantity", "100")),
			code: "0", after: map[string][]int{"A": {100, 5000}}, op: OpPause},
		{name: "price: SellableQuantity is ignored", path: pricePath, payload: payload(stockSKU("A", 0), stockSKU("B", 0)), code: "0"},
		{name: "price: SellableQuantity beside Quantity is ignored", path: pricePath,
			payload: payload(skuXML("A", "SellableQuantity", "0", "Quantity", "46000")),
			code:    "0", after: map[string][]int{"A": {46000, 5000}}, op: OpResume},
		{name: "price: per warehouse", path: pricePath, payload: payload(whSKU("A", "Quantity", "dropshipping", 10, "W2", 3)),
			code: "0", after: map[string][]int{"A": {10, 3}}, op: OpPause},
		{name: "price: a warehouse's SellableQuantity is ignored", path: pricePath, payload: payload(whSKU("A", "SellableQuantity", "W2", 0)), code: "0"},
		{name: "price: a sale window is an extension", path: pricePath,
			payload: payload(sale("C", "SalePrice", "1400.00", "SaleStartDate", "2026-11-23 14:00", "SaleEndDate", "2026-11-23 15:10:45")),
			code:    "0", op: OpExtend},
		{name: "price: a price alone is no action", path: pricePath, payload: payload(sale("C", "Price", "2100.00")), code: "0"},
		{name: "price: empty elements change nothing", path: pricePath, payload: payload(sale("C", "Price", "", "SalePrice", "", "SaleEndDate", "")), code: "0"},
		{name: "price: a date of another form", path: pricePath, payload: payload(sale("A", "SaleEndDate", "23/11/2026")),
			code: "501", words: `SaleEndDate "23/11/2026" is not a date`, detail: []string{"A"}},
		{name: "price: end before start", path: pricePath, payload: payload(sale("A", "SaleStartDate", "2026-11-23 15:00", "SaleEndDate", "2026-11-23 14:59")),
			code: "4117", words: "BIZ_CHECK_SPECIAL_PRICE_FROM_DATE_AFTER_TO_DATE", detail: []string{"A"}},
		{name: "price: sale price above the price", path: pricePath, payload: payload(sale("A", "Price", "9.00")),
			code: "4119", words: "BIZ_CHECK_SPECIAL_PRICE_RATE_OUT_OF_RANGE", detail: []string{"A"}},
		{name: "price: zero", path: pricePath, payload: payload(sale("A", "Price", "0.00")), code: "4118", detail: []string{"A"}},
		{name: "price: three decimals", path: pricePath, payload: payload(sale("A", "Price", "2100.001")), code: "4104", detail: []string{"A"}},
		{name: "price: sale price of three decimals", path: pricePath, payload: payload(sale("A", "SalePrice", "1.001")), code: "4121", detail: []string{"A"}},
		{name: "price: not an amount", path: pricePath, payload: payload(sale("A", "SalePrice", "cheap")), code: "501", words: `SalePrice "cheap" is not an amount`},
		{name: "price: negative Quantity", path: pricePath, payload: payload(skuXML("A", "Quantity", "-1")), code: "501", words: "cannot be negative"},
		{name: "price: 51 SKUs", path: pricePath, payload: payload(many...), code: "4171", words: "exceeds the maximum number 50"},
		{name: "price: a campaign's stock lowered", path: pricePath, lock: "B", payload: payload(skuXML("B", "Quantity", "40000")),
			code: "4170", detail: []string{"B"}},
		{name: "price: a campaign's stock raised", path: pricePath, lock: "B", payload: payload(skuXML("B", "Quantity", "45001")),
			code: "0", after: map[string][]int{"B": {45001, 5000}}, op: OpResume},
		{name: "price: a campaign's sale price", path: pricePath, lock: "B", payload: payload(sale("B", "SalePrice", "1.00")),
			code: "501", words: "This product is under campaign participation", detail: []string{"B"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, hs, _ := lzTwoWarehouses(t)
			b := srv.Book("lazada-id")
			if tc.lock != "" {
				if err := b.SetLocked(tc.lock, 10); err != nil {
					t.Fatal(err)
				}
			}
			want := warehousesOf(b)
			for sku, st := range tc.after {
				want[sku] = st
			}
			stock := fmt.Sprint(b.Stock())
			params := map[string]string{}
			if tc.payload != "" {
				params["payload"] = tc.payload
			}
			a := lzDo(t, srv, hs, http.MethodPost, tc.path, params, nil)
			if a.Code != tc.code || !strings.Contains(lzText(a), tc.words) {
				t.Fatalf("got %s %q, want %s with %q", a.Code, lzText(a), tc.code, tc.words)
			}
			if tc.code == "501" && a.Type != "ISP" {
				t.Errorf("501 of type %q, want ISP (a refusal with a reason)", a.Type)
			}
			if tc.detail != nil && !reflect.DeepEqual(detailSKUs(a), tc.detail) {
				t.Errorf("detail names %q, want %q: %+v", detailSKUs(a), tc.detail, a.Detail)
			}
			if got := warehousesOf(b); !reflect.DeepEqual(got, want) {
				t.Errorf("stock %v, want %v", got, want)
			}
			if tc.code != "0" && fmt.Sprint(b.Stock()) != stock {
				t.Errorf("a refused update changed the book:\n%s\nwas\n%s", fmt.Sprint(b.Stock()), stock)
			}
			wantOps := map[string]int{}
			if tc.op != "" {
				wantOps[tc.op] = 1
			}
			if got := counts(b); !reflect.DeepEqual(got, wantOps) {
				t.Errorf("counted %v, want %v", got, wantOps)
			}
		})
	}
}

// lzSKUs is /products/get's SKUs, as JSON objects, by seller SKU.
func lzSKUs(t *testing.T, srv *Server, hs *httptest.Server, params map[string]string) map[string]map[string]any {
	t.Helper()
	a := lzDo(t, srv, hs, http.MethodGet, "/products/get", params, nil)
	var data struct {
		Products []struct {
			ItemID int64            `json:"item_id"`
			Skus   []map[string]any `json:"skus"`
		} `json:"products"`
	}
	if err := json.Unmarshal(a.Data, &data); err != nil || a.Code != "0" {
		t.Fatalf("products/get %v: %+v (%v)", params, a, err)
	}
	out := map[string]map[string]any{}
	for _, p := range data.Products {
		for _, s := range p.Skus {
			s["item_id"] = float64(p.ItemID)
			out[s["SellerSku"].(string)] = s
		}
	}
	return out
}

// TestLazadaSaleWindowAtMinutePrecision: UpdatePriceQuantity takes a sale
// date in three forms, in the market's zone, and keeps it to the minute;
// /products/get reads back what was set.
func TestLazadaSaleWindowAtMinutePrecision(t *testing.T) {
	for _, tc := range []struct {
		market, start, end string
		want               time.Time // the end, in WIB
		toTime             string    // special_to_time as read back
	}{
		{"ID", "2026-11-23 14:00:30", "2026-11-23 15:10:45", time.Date(2026, 11, 23, 15, 10, 0, 0, WIB), "2026-11-23 15:10"},
		{"ID", "2026-11-23 14:00", "2026-11-23 15:10", time.Date(2026, 11, 23, 15, 10, 0, 0, WIB), "2026-11-23 15:10"},
		{"ID", "2026-11-23 14:00:59", "2026-11-24", time.Date(2026, 11, 24, 0, 0, 0, 0, WIB), "2026-11-24 00:00"},
		{"MY", "2026-11-23 15:00:30", "2026-11-23 16:10:59", time.Date(2026, 11, 23, 15, 10, 0, 0, WIB), "2026-11-23 16:10"},
	} {
		t.Run(tc.market+" "+tc.end, func(t *testing.T) {
			srv, hs, _ := lzGatewayIn(t, tc.market)
			b := srv.Book("lazada-id")
			sku := skuXML("C", "Price", "2100.50", "SalePrice", "1400.00", "SaleStartDate", tc.start, "SaleEndDate", tc.end)
			if a := lzDo(t, srv, hs, http.MethodPost, pricePath, map[string]string{"payload": payload(sku)}, nil); a.Code != "0" {
				t.Fatalf("%+v", a)
			}
			var c StockView
			for _, s := range b.Stock() {
				if s.SKU == "C" {
					c = s
				}
			}
			if !c.SaleEnd.Equal(tc.want) || !c.SaleStart.Equal(t0) || c.Price != 210050 || c.SalePrice != 140000 {
				t.Fatalf("book holds %v – %v at %d/%d", c.SaleStart, c.SaleEnd, c.Price, c.SalePrice)
			}
			got := lzSKUs(t, srv, hs, map[string]string{"sku_seller_list": `["C"]`})["C"]
			for k, v := range map[string]any{
				"special_to_time": tc.toTime, "special_to_date": tc.toTime[:10], "special_time_format": "yyyy-MM-dd HH:mm",
				"price": "2100.50", "special_price": "1400.00",
			} {
				if got[k] != v {
					t.Errorf("%s %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

// A Lazada channel holds the sale's window to the minute from the start:
// a scenario's seconds are dropped, and the book sells until the minute.
func TestLazadaScenarioWindowToTheMinute(t *testing.T) {
	start := t0.Add(30 * time.Second)
	srv, hs, _ := lzGatewayWith(t, func(sc *Scenario) {
		sc.Sale.Start, sc.Sale.End = start, start.Add(30*time.Minute)
	})
	b := srv.Book("lazada-id")
	if want := t0.Add(30 * time.Minute); !b.End().Equal(want) {
		t.Fatalf("end %v, want %v", b.End(), want)
	}
	got := lzSKUs(t, srv, hs, map[string]string{"sku_seller_list": `["A"]`})["A"]
	if got["special_from_time"] != "2026-11-23 14:00" || got["special_to_time"] != "2026-11-23 14:30" {
		t.Fatalf("window %v – %v", got["special_from_time"], got["special_to_time"])
	}
}

func TestLazadaProductsPaging(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params map[string]string
		code   string
		skus   []string
	}{
		{"first page", map[string]string{"limit": "2"}, "0", []string{"A", "B"}},
		{"next page", map[string]string{"limit": "2", "offset": "2"}, "0", []string{"C"}},
		{"offset 10,000", map[string]string{"offset": "10000", "limit": "50"}, "0", nil},
		{"offset past 10,000", map[string]string{"offset": "10001", "limit": "50"}, "14", nil},
		{"offset not a number", map[string]string{"offset": "x"}, "14", nil},
		{"limit 50", map[string]string{"limit": "50"}, "0", []string{"A", "B", "C"}},
		{"limit 51", map[string]string{"limit": "51"}, "19", nil},
		{"limit 0", map[string]string{"limit": "0"}, "19", nil},
		{"sku_seller_list", map[string]string{"sku_seller_list": `["C","NOPE"]`}, "0", []string{"C"}},
		{"corrupt sku_seller_list", map[string]string{"sku_seller_list": `C`}, "70", nil},
		{"filter all", map[string]string{"filter": "all", "limit": "50"}, "0", []string{"A", "B", "C"}},
		{"filter live", map[string]string{"filter": "live", "limit": "50"}, "0", []string{"A", "B", "C"}},
		{"filter sold-out", map[string]string{"filter": "sold-out"}, "0", []string{"B"}},
		{"filter deleted", map[string]string{"filter": "deleted"}, "0", nil},
		{"unknown filter", map[string]string{"filter": "everything"}, "36", nil},
		{"update_after", map[string]string{"update_after": "2010-01-01T00:00:00+0800", "limit": "50"}, "0", []string{"A", "B", "C"}},
		{"update_after of another form", map[string]string{"update_after": "2010-01-01"}, "17", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, hs, _ := lzGateway(t)
			if err := srv.Book("lazada-id").SetSellable("B", 0); err != nil {
				t.Fatal(err)
			}
			a := lzDo(t, srv, hs, http.MethodGet, "/products/get", tc.params, nil)
			if a.Code != tc.code {
				t.Fatalf("got %+v, want code %s", a, tc.code)
			}
			if tc.code != "0" {
				return
			}
			var data struct {
				Products []struct {
					Skus []struct{ SellerSku string } `json:"skus"`
				} `json:"products"`
			}
			if err := json.Unmarshal(a.Data, &data); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range data.Products {
				got = append(got, p.Skus[0].SellerSku)
			}
			if !reflect.DeepEqual(got, tc.skus) {
				t.Fatalf("listed %q, want %q", got, tc.skus)
			}
		})
	}
}

// TestLazadaProductsReportStockPerWarehouse: sellable stock is reported
// only per warehouse, with what orders occupy on the first; the SKU's
// quantity and Available are its sellable stock, as in Lazada's sample;
// ids do not depend on how a SKU was reached.
func TestLazadaProductsReportStockPerWarehouse(t *testing.T) {
	srv, hs, clock := lzTwoWarehouses(t)
	b := srv.Book("lazada-id")
	clock.Advance(90 * time.Second) // orders, none ready to ship yet
	byList := lzSKUs(t, srv, hs, map[string]string{"sku_seller_list": `["A","B","C"]`})
	byPage := lzSKUs(t, srv, hs, map[string]string{"offset": "2", "limit": "1"})
	if byPage["C"]["item_id"] != byList["C"]["item_id"] || byPage["C"]["SkuId"] != byList["C"]["SkuId"] {
		t.Fatalf("C's ids differ by the way it was read: %v/%v and %v/%v", byPage["C"]["item_id"], byPage["C"]["SkuId"], byList["C"]["item_id"], byList["C"]["SkuId"])
	}
	for _, s := range b.Stock() {
		got := byList[s.SKU]
		if s.Reserved == 0 {
			t.Fatalf("%s: no reserved stock after 90 s of orders", s.SKU)
		}
		if _, ok := got["sellableQuantity"]; ok {
			t.Errorf("%s: a SKU-level sellableQuantity, which Lazada does not send", s.SKU)
		}
		if got["quantity"] != float64(s.Sellable) || got["Available"] != float64(s.Sellable) {
			t.Errorf("%s: quantity %v, Available %v, want the sellable %d", s.SKU, got["quantity"], got["Available"], s.Sellable)
		}
		var whs []map[string]any
		raw, _ := json.Marshal(got["multiWarehouseInventories"])
		if err := json.Unmarshal(raw, &whs); err != nil || len(whs) != 2 {
			t.Fatalf("%s: multiWarehouseInventories %s", s.SKU, raw)
		}
		for i, w := range s.Warehouses {
			want := map[string]any{
				"warehouseCode": w.Code, "quantity": float64(w.Sellable), "sellableQuantity": float64(w.Sellable),
				"occupyQuantity": float64(w.Reserved), "withholdQuantity": float64(0), "totalQuantity": float64(w.Sellable + w.Reserved),
			}
			if !reflect.DeepEqual(whs[i], want) {
				t.Errorf("%s warehouse %d: %v, want %v", s.SKU, i, whs[i], want)
			}
		}
		if s.Warehouses[0].Reserved != s.Reserved || s.Warehouses[1].Reserved != 0 {
			t.Errorf("%s: the reserve is not all on the first warehouse: %+v", s.SKU, s.Warehouses)
		}
	}
}

// rtsUnits is each SKU's units in orders that reached ready-to-ship (and
// were not cancelled): what has left the channel's stock.
func rtsUnits(b *Book) (rts, pending map[string]int) {
	rts, pending = map[string]int{}, map[string]int{}
	all, _ := b.Updates(Query{})
	for _, o := range all {
		for _, it := range o.Items {
			switch {
			case it.Cancelled || o.Status == StatusCanceled:
			case o.Status == StatusPending:
				pending[it.SKU] += it.Qty
			default:
				rts[it.SKU] += it.Qty
			}
		}
	}
	return rts, pending
}

// stockLedger is, per SKU, sellable + reserved + what left at
// ready-to-ship: it moves only when a seller updates the stock.
func stockLedger(t *testing.T, b *Book) map[string]int {
	t.Helper()
	rts, pending := rtsUnits(b)
	out := map[string]int{}
	for _, s := range b.Stock() {
		if s.Reserved != pending[s.SKU] {
			t.Fatalf("%s: reserved %d, but pending orders hold %d", s.SKU, s.Reserved, pending[s.SKU])
		}
		if s.Sold != s.Reserved+rts[s.SKU] || s.Allocated != s.Sold+s.Sellable {
			t.Fatalf("%s: sold %d, reserved %d, shipped %d, allocated %d", s.SKU, s.Sold, s.Reserved, rts[s.SKU], s.Allocated)
		}
		sum := 0
		for _, w := range s.Warehouses {
			sum += w.Sellable
		}
		if sum != s.Sellable || s.Sellable < 0 || s.Reserved < 0 {
			t.Fatalf("%s: warehouses %+v, sellable %d", s.SKU, s.Warehouses, s.Sellable)
		}
		out[s.SKU] = s.Sellable + s.Reserved + rts[s.SKU]
	}
	return out
}

// TestLazadaStockFollowsOrders plays a sale: orders move stock from
// sellable to reserved, cancellations back, ready-to-ship out of it; the
// total moves only at ready-to-ship.
func TestLazadaStockFollowsOrders(t *testing.T) {
	srv, _, clock := lzGatewayWith(t, func(sc *Scenario) {
		sc.Channels[0].Warehouses = []string{DefaultWarehouse, "W2"}
		sc.Channels[0].Allocated["A"] = 40 // sells out: both warehouses are emptied
	})
	b := srv.Book("lazada-id")
	want := map[string]int{"A": 40, "B": 50_000, "C": 50_000}
	sawTotalDrop, sawCancel := false, false
	for d := time.Duration(0); d <= 25*time.Minute; d += 7 * time.Second {
		clock.Set(t0.Add(d))
		if got := stockLedger(t, b); !reflect.DeepEqual(got, want) {
			t.Fatalf("at %v the ledger is %v, want %v", d, got, want)
		}
		for _, s := range b.Stock() {
			sawTotalDrop = sawTotalDrop || s.Sellable+s.Reserved < want[s.SKU]
		}
	}
	all, _ := b.Updates(Query{})
	for _, o := range all {
		sawCancel = sawCancel || o.Status == StatusCanceled
	}
	if !sawTotalDrop || !sawCancel {
		t.Fatalf("the sale played no ready-to-ship (%v) or no cancellation (%v)", sawTotalDrop, sawCancel)
	}
	for _, s := range b.Stock() {
		if s.SKU == "A" && (s.Sold == 0 || s.Warehouses[1].Sellable != 0) {
			t.Errorf("A's second warehouse was not emptied when it sold out: %+v", s)
		}
	}
}

func TestSkuStockTakesFirstWarehouseFirst(t *testing.T) {
	st := skuState{sellable: []int{3, 2, 4}}
	st.take(4)
	if !reflect.DeepEqual(st.sellable, []int{0, 1, 4}) || st.reserved != 4 || st.sold != 4 {
		t.Fatalf("after taking 4: %+v", st)
	}
	st.take(5)
	if !reflect.DeepEqual(st.sellable, []int{0, 0, 0}) || st.reserved != 9 {
		t.Fatalf("after taking 5: %+v", st)
	}
	st.giveBack(2, true) // a pending order cancelled: back to the first
	if !reflect.DeepEqual(st.sellable, []int{2, 0, 0}) || st.reserved != 7 || st.sold != 7 {
		t.Fatalf("after giving back 2: %+v", st)
	}
	st.reserved -= 3      // ready to ship
	st.giveBack(3, false) // then cancelled: a return
	if !reflect.DeepEqual(st.sellable, []int{5, 0, 0}) || st.reserved != 4 || st.sold != 4 {
		t.Fatalf("after a return of 3: %+v", st)
	}
}

// TestLazadaCancellationDuringAPause: a pause sets sellable stock to 0;
// an order cancelled during it puts its units back to sellable, where
// buyers can take them, as Lazada's inventory logic has it.
func TestLazadaCancellationDuringAPause(t *testing.T) {
	srv, hs, clock := lzGateway(t)
	b := srv.Book("lazada-id")
	clock.Advance(90 * time.Second)
	var all []string
	for _, s := range []string{"A", "B", "C"} {
		all = append(all, stockSKU(s, 0))
	}
	if a := lzDo(t, srv, hs, http.MethodPost, sellablePath, map[string]string{"payload": payload(all...)}, nil); a.Code != "0" || b.ActionCount(OpPause) != 1 {
		t.Fatalf("pause: %+v", a)
	}
	ledger := stockLedger(t, b)
	for _, s := range b.Stock() {
		if s.Sellable != 0 || s.Reserved == 0 {
			t.Fatalf("%s after the pause: %+v", s.SKU, s)
		}
	}
	o, _ := lzPending(t, b)
	sku, qty := o.Items[0].SKU, o.Items[0].Qty
	reserved := 0
	for _, s := range b.Stock() {
		if s.SKU == sku {
			reserved = s.Reserved
		}
	}
	if _, err := b.CancelOrder(o.ID); err != nil {
		t.Fatal(err)
	}
	for _, s := range b.Stock() {
		if s.SKU == sku && (s.Sellable != qty || s.Reserved != reserved-qty || s.Warehouses[0].Sellable != qty) {
			t.Fatalf("%s after a cancellation of %d during the pause: %+v", sku, qty, s)
		}
	}
	// The sale goes on: buyers take what came back, the orders before the
	// pause reach ready-to-ship or are cancelled; only a seller's update
	// moves the ledger.
	for range 20 {
		clock.Advance(time.Minute)
		if got := stockLedger(t, b); !reflect.DeepEqual(got, ledger) {
			t.Fatalf("the ledger moved from %v to %v without a seller's update", ledger, got)
		}
	}
}

// UpdatePriceQuantity's Quantity is the total stock: it counts what orders
// reserve, and cannot be set below it.
func TestLazadaQuantityCountsTheReserve(t *testing.T) {
	srv, hs, clock := lzGateway(t)
	b := srv.Book("lazada-id")
	clock.Advance(90 * time.Second)
	s := b.Stock()[0]
	if s.Reserved == 0 {
		t.Fatalf("no reserved stock after 90 s: %+v", s)
	}
	low := skuXML(s.SKU, "Quantity", fmt.Sprint(s.Reserved-1))
	if a := lzDo(t, srv, hs, http.MethodPost, pricePath, map[string]string{"payload": payload(low)}, nil); a.Code != "501" || !strings.Contains(lzText(a), "the total stock cannot be less than the stock orders reserve") {
		t.Fatalf("Quantity below the reserve: %+v", a)
	}
	ok := skuXML(s.SKU, "Quantity", fmt.Sprint(s.Reserved+5))
	if a := lzDo(t, srv, hs, http.MethodPost, pricePath, map[string]string{"payload": payload(ok)}, nil); a.Code != "0" {
		t.Fatalf("Quantity above the reserve: %+v", a)
	}
	if got := sellableOf(b)[s.SKU]; got != 5 || b.ActionCount(OpPause) != 1 {
		t.Fatalf("a Quantity of reserved + 5 left %d sellable", got)
	}
	// With a campaign holding 10, the total must cover the reserve and
	// the campaign's units: 4170 below that.
	if err := b.SetLocked(s.SKU, 10); err != nil {
		t.Fatal(err)
	}
	s = b.Stock()[0]
	up := skuXML(s.SKU, "Quantity", fmt.Sprint(s.Reserved+9))
	if a := lzDo(t, srv, hs, http.MethodPost, pricePath, map[string]string{"payload": payload(up)}, nil); a.Code != "4170" {
		t.Fatalf("Quantity below reserve + campaign: %+v", a)
	}
	up = skuXML(s.SKU, "Quantity", fmt.Sprint(s.Reserved+10))
	if a := lzDo(t, srv, hs, http.MethodPost, pricePath, map[string]string{"payload": payload(up)}, nil); a.Code != "0" || sellableOf(b)[s.SKU] != 10 {
		t.Fatalf("Quantity of reserve + campaign: %+v, %d sellable", a, sellableOf(b)[s.SKU])
	}
}

func TestLazadaUpdateFaults(t *testing.T) {
	pauseAll := payload(stockSKU("A", 0), stockSKU("B", 0), stockSKU("C", 0))
	extend := payload(skuXML("A", "SaleEndDate", "2026-11-23 15:00"), skuXML("B", "SaleEndDate", "2026-11-23 15:00"))
	for _, tc := range []struct {
		name, op string
		fault    ActionFault
		path     string
		payload  string
		code     string
		detail   []string
		after    map[string]int // sellable stock after
		counts   map[string]int
	}{
		{"fail", OpPause, ActionFault{Mode: "fail"}, sellablePath, pauseAll, "ServiceUnavailable", nil,
			map[string]int{"A": 50000, "B": 50000, "C": 50000}, map[string]int{}},
		{"ignore", OpPause, ActionFault{Mode: "ignore"}, sellablePath, pauseAll, "0", nil,
			map[string]int{"A": 50000, "B": 50000, "C": 50000}, map[string]int{}},
		{"detail, every other SKU", OpPause, ActionFault{Mode: "detail"}, sellablePath, pauseAll, "0", []string{"A", "C"},
			map[string]int{"A": 50000, "B": 0, "C": 50000}, map[string]int{OpPause: 1}},
		{"detail, the SKUs named", OpPause, ActionFault{Mode: "detail", SKUs: []string{"B"}}, sellablePath, pauseAll, "0", []string{"B"},
			map[string]int{"A": 0, "B": 50000, "C": 0}, map[string]int{OpPause: 1}},
		{"detail, the one SKU", OpPause, ActionFault{Mode: "detail"}, sellablePath, payload(stockSKU("A", 0)), "0", []string{"A"},
			map[string]int{"A": 50000, "B": 50000, "C": 50000}, map[string]int{}},
		{"a resume's fault spares a pause", OpResume, ActionFault{Mode: "fail"}, sellablePath, pauseAll, "0", nil,
			map[string]int{"A": 0, "B": 0, "C": 0}, map[string]int{OpPause: 1}},
		{"a resume by adjust", OpResume, ActionFault{Mode: "ignore"}, adjustPath, payload(stockSKU("A", 5)), "0", nil,
			map[string]int{"A": 50000, "B": 50000, "C": 50000}, map[string]int{}},
		{"a pause by adjust", OpPause, ActionFault{Mode: "fail"}, adjustPath, payload(stockSKU("A", -50000)), "ServiceUnavailable", nil,
			map[string]int{"A": 50000, "B": 50000, "C": 50000}, map[string]int{}},
		{"an extension", OpExtend, ActionFault{Mode: "detail"}, pricePath, extend, "0", []string{"A"},
			map[string]int{"A": 50000, "B": 50000, "C": 50000}, map[string]int{OpExtend: 1}},
		{"a price_quantity SellableQuantity is no pause", OpPause, ActionFault{Mode: "fail"}, pricePath, pauseAll, "0", nil,
			map[string]int{"A": 50000, "B": 50000, "C": 50000}, map[string]int{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, hs, _ := lzGateway(t)
			b := srv.Book("lazada-id")
			b.SetActionFault(tc.op, tc.fault)
			a := lzDo(t, srv, hs, http.MethodPost, tc.path, map[string]string{"payload": tc.payload}, nil)
			if a.Code != tc.code || !reflect.DeepEqual(detailSKUs(a), tc.detail) {
				t.Fatalf("got %+v, want code %s with detail %v", a, tc.code, tc.detail)
			}
			if a.Code == "0" && string(a.Data) != "{}" {
				t.Errorf("data %s, want {}", a.Data)
			}
			if got := sellableOf(b); !reflect.DeepEqual(got, tc.after) {
				t.Errorf("stock %v, want %v", got, tc.after)
			}
			if got := counts(b); !reflect.DeepEqual(got, tc.counts) {
				t.Errorf("counted %v, want %v", got, tc.counts)
			}
		})
	}
	t.Run("extension applied where detail spares it", func(t *testing.T) {
		srv, hs, _ := lzGateway(t)
		b := srv.Book("lazada-id")
		b.SetActionFault(OpExtend, ActionFault{Mode: "detail"})
		if a := lzDo(t, srv, hs, http.MethodPost, pricePath, map[string]string{"payload": extend}, nil); a.Code != "0" {
			t.Fatal(a)
		}
		for _, s := range b.Stock() {
			if want := map[string]time.Time{"A": t0.Add(30 * time.Minute), "B": t0.Add(time.Hour), "C": t0.Add(30 * time.Minute)}[s.SKU]; !s.SaleEnd.Equal(want) {
				t.Errorf("%s ends %v, want %v", s.SKU, s.SaleEnd, want)
			}
		}
	})
	t.Run("timeout", func(t *testing.T) {
		srv, hs, _ := lzGateway(t)
		b := srv.Book("lazada-id")
		b.SetActionFault(OpPause, ActionFault{Mode: "timeout", Delay: 300 * time.Millisecond})
		began := time.Now()
		a := lzDo(t, srv, hs, http.MethodPost, sellablePath, map[string]string{"payload": payload(stockSKU("A", 0))}, nil)
		if a.Code != "0" || time.Since(began) < 300*time.Millisecond || sellableOf(b)["A"] != 0 || b.ActionCount(OpPause) != 1 {
			t.Fatalf("timeout: %+v after %v", a, time.Since(began))
		}
	})
	t.Run("times", func(t *testing.T) {
		srv, hs, _ := lzGateway(t)
		b := srv.Book("lazada-id")
		b.SetActionFault(OpPause, ActionFault{Mode: "ignore", Times: 2})
		for i, want := range []int{50000, 50000, 0} {
			lzDo(t, srv, hs, http.MethodPost, sellablePath, map[string]string{"payload": payload(stockSKU("A", 0))}, nil)
			if got := sellableOf(b)["A"]; got != want {
				t.Fatalf("request %d: A has %d, want %d", i+1, got, want)
			}
		}
	})
}

// simPost posts a JSON body to one of the simulator's /_sim/ endpoints.
func simPost(t *testing.T, hs *httptest.Server, path, body string) int {
	t.Helper()
	res, err := http.Post(hs.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestActionFaultModesOverHTTP(t *testing.T) {
	srv, hs, _ := lzGateway(t)
	b := srv.Book("lazada-id")
	for body, code := range map[string]int{
		`{"mode":"bogus"}`:                         http.StatusBadRequest,
		`{"mode":"detail","skus":["B"],"times":1}`: http.StatusOK,
	} {
		if got := simPost(t, hs, "/_sim/action-faults/lazada-id/pause", body); got != code {
			t.Errorf("%s: HTTP %d, want %d", body, got, code)
		}
	}
	a := lzDo(t, srv, hs, http.MethodPost, sellablePath, map[string]string{"payload": payload(stockSKU("A", 0), stockSKU("B", 0))}, nil)
	if a.Code != "0" || !reflect.DeepEqual(detailSKUs(a), []string{"B"}) || !reflect.DeepEqual(sellableOf(b), map[string]int{"A": 0, "B": 50000, "C": 50000}) {
		t.Fatalf("detail fault armed over HTTP: %+v, stock %v", a, sellableOf(b))
	}
	if simPost(t, hs, "/_sim/action-faults/lazada-id/pause", `{"mode":"ignore"}`) != http.StatusOK {
		t.Fatal("ignore refused")
	}
	if a := lzDo(t, srv, hs, http.MethodPost, sellablePath, map[string]string{"payload": payload(stockSKU("C", 0))}, nil); a.Code != "0" || sellableOf(b)["C"] != 50000 {
		t.Fatalf("ignore fault armed over HTTP: %+v", a)
	}
	// Only the Lazada dialect answers ignore and detail: elsewhere they
	// are refused rather than silently applied.
	demo, err := New(DemoScenario(t0, 0, 1), NewManualClock(t0))
	if err != nil {
		t.Fatal(err)
	}
	dhs := httptest.NewServer(demo.Handler())
	defer dhs.Close()
	if got := simPost(t, dhs, "/_sim/action-faults/micom-id/pause", `{"mode":"ignore"}`); got != http.StatusBadRequest {
		t.Errorf("ignore on the brand store: HTTP %d", got)
	}
}

// truthOf reads /_sim/truth.
func truthOf(t *testing.T, hs *httptest.Server) Truth {
	t.Helper()
	res, err := http.Get(hs.URL + "/_sim/truth")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tr Truth
	if err := json.NewDecoder(res.Body).Decode(&tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestLazadaBan: a ban refuses every request for its length, in Lazada's
// words, and every request that arrives during it is a violation.
func TestLazadaBan(t *testing.T) {
	srv, hs, _ := lzGateway(t)
	b := srv.Book("lazada-id")
	if code := simPost(t, hs, "/_sim/faults/lazada-id", `{"ban":"400ms"}`); code != http.StatusOK {
		t.Fatalf("HTTP %d", code)
	}
	if b.Faults().Ban != 400*time.Millisecond {
		t.Fatalf("faults %+v", b.Faults())
	}
	orders := map[string]string{"update_after": "2026-11-23T14:00:00+07:00"}
	for i := range 3 {
		a := lzDo(t, srv, hs, http.MethodGet, "/orders/get", orders, nil)
		if a.Code != "ApiCallLimit" || a.Message != "Api access frequency exceeds the limit. this ban will last 1 seconds." {
			t.Fatalf("request %d in the ban: %+v", i+1, a)
		}
	}
	// The token service and the update endpoints are banned alike.
	if res, err := http.Post(hs.URL+"/lazada-id/auth/rest/auth/token/refresh", "application/x-www-form-urlencoded", nil); err != nil {
		t.Fatal(err)
	} else {
		var a lzAnswer
		_ = json.NewDecoder(res.Body).Decode(&a)
		res.Body.Close()
		if a.Code != "ApiCallLimit" {
			t.Fatalf("token refresh in the ban: %+v", a)
		}
	}
	if got := truthOf(t, hs).BanViolations["lazada-id"]; got != 3 || b.BanViolations() != 3 {
		t.Fatalf("ban_violations %d (book %d), want 3: the first request started the ban", got, b.BanViolations())
	}
	if b.Faults().Ban != 0 {
		t.Errorf("the ban fault is still armed: %+v", b.Faults())
	}
	// Time itself must pass: the 400 ms ban must end.
	time.Sleep(450 * time.Millisecond)
	if a := lzDo(t, srv, hs, http.MethodGet, "/orders/get", orders, nil); a.Code != "0" {
		t.Fatalf("after the ban: %+v", a)
	}
	if got := truthOf(t, hs).BanViolations["lazada-id"]; got != 3 {
		t.Fatalf("ban_violations %d after the ban, want 3", got)
	}
	// A ban longer than a second is named in whole seconds.
	b.SetFaults(Faults{Ban: 2500 * time.Millisecond})
	if a := lzDo(t, srv, hs, http.MethodGet, "/orders/get", orders, nil); !strings.Contains(a.Message, "this ban will last 3 seconds.") {
		t.Fatalf("a ban of 2.5 s: %+v", a)
	}
	if code := simPost(t, hs, "/_sim/faults/lazada-id", `{"ban":"soon"}`); code != http.StatusBadRequest {
		t.Errorf("a ban that is no duration: HTTP %d", code)
	}
}

func TestLazadaRateLimitedInLazadasWords(t *testing.T) {
	srv, hs, _ := lzGateway(t)
	b := srv.Book("lazada-id")
	b.SetFaults(Faults{RateLimited: true})
	for range 2 {
		a := lzDo(t, srv, hs, http.MethodGet, "/products/get", nil, nil)
		if a.Code != "ApiCallLimit" || a.Message != "Api access frequency exceeds the limit. this ban will last 1 seconds." {
			t.Fatalf("%+v", a)
		}
	}
	if n := b.BanViolations(); n != 0 {
		t.Fatalf("%d ban violations without a ban", n)
	}
}

func TestLazadaReversePush(t *testing.T) {
	srv, _, clock := lzGateway(t)
	b := srv.Book("lazada-id")
	clock.Advance(90 * time.Second)
	o, _ := lzPending(t, b)
	if _, _, err := srv.LazadaReversePush("lazada-id", o.ID); err == nil {
		t.Fatal("a reverse order message for a pending order")
	}
	if _, err := b.CancelOrder(o.ID); err != nil {
		t.Fatal(err)
	}
	o, _ = b.Order(o.ID)
	body, auth, err := srv.LazadaReversePush("lazada-id", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := SignLazadaPush(srv.Creds.LazadaAppKey, srv.Creds.LazadaAppSecret, body); auth != want {
		t.Fatalf("Authorization %s, want %s", auth, want)
	}
	var msg struct {
		MessageType int   `json:"message_type"`
		Timestamp   int64 `json:"timestamp"`
		Data        map[string]json.RawMessage
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.MessageType != 10 || msg.Timestamp > time.Now().Unix()+1 {
		t.Fatalf("message %s", body)
	}
	for k, want := range map[string]string{
		"trade_order_id": o.ID, "reverse_status": `"CANCEL_SUCCESS"`,
		"status_update_time": fmt.Sprint(o.UpdatedAt.Unix()), "trade_order_line_id": lzItemID(o.Items[0], 0),
	} {
		if got := string(msg.Data[k]); got != want {
			t.Errorf("%s %s, want %s (ids as numbers)", k, got, want)
		}
	}
	for _, k := range []string{"reverse_order_id", "reverse_order_line_id", "buyer_id"} {
		if v := string(msg.Data[k]); v == "" || strings.HasPrefix(v, `"`) {
			t.Errorf("%s %s, want a number", k, v)
		}
	}
	if _, _, err := srv.LazadaReversePush("lazada-id", "1"); err == nil {
		t.Error("a reverse order message for an order the book does not have")
	}
}

func TestWarehousesOfTheScenarios(t *testing.T) {
	launch := LaunchScenario(t0, time.Hour, 0, 600, 1)
	demo := DemoScenario(t0, 0, 1)
	for _, tc := range []struct {
		sc         Scenario
		channel    string
		warehouses []string
	}{
		{launch, "lazada-my", []string{DefaultWarehouse, "MY-KL-01"}},
		{launch, "lazada-id", []string{DefaultWarehouse}},
		{demo, "lazada-id", []string{DefaultWarehouse}},
	} {
		i := slices.IndexFunc(tc.sc.Channels, func(c ChannelSpec) bool { return c.ID == tc.channel })
		b := NewBook(&tc.sc, tc.sc.Channels[i], NewManualClock(t0))
		for _, s := range b.Stock() {
			var codes []string
			sum := 0
			for _, w := range s.Warehouses {
				codes = append(codes, w.Code)
				sum += w.Sellable
			}
			alloc := tc.sc.Channels[i].Allocated[s.SKU]
			if !reflect.DeepEqual(codes, tc.warehouses) || sum != alloc || len(codes) == 2 && s.Warehouses[1].Sellable != alloc/10 {
				t.Fatalf("%s %s: %+v of %d", tc.channel, s.SKU, s.Warehouses, alloc)
			}
		}
	}
	bad := demo
	bad.Channels = slices.Clone(demo.Channels)
	bad.Channels[0].Warehouses = []string{"W", "W"}
	if err := bad.Validate(); err == nil {
		t.Error("a repeated warehouse code is valid")
	}
}

// Warehouses only split the stock: the same seed plays the same orders.
func TestWarehousesDoNotChangeTheOrders(t *testing.T) {
	one, c1 := book(t, 3)
	sc := DemoScenario(t0, 0, 3)
	sc.Channels[0].Warehouses = []string{DefaultWarehouse, "W2", "W3"}
	c3 := NewManualClock(t0)
	three := NewBook(&sc, sc.Channels[0], c3)
	c1.Set(t0.Add(40 * time.Minute))
	c3.Set(t0.Add(40 * time.Minute))
	o1, n1 := one.Updates(Query{})
	o3, n3 := three.Updates(Query{})
	if n1 == 0 || n1 != n3 || !reflect.DeepEqual(o1, o3) || !reflect.DeepEqual(one.Sold(), three.Sold()) {
		t.Fatalf("one warehouse played %d orders, three %d", n1, n3)
	}
}

// FuzzLazadaStockPayload: no payload makes an update endpoint panic, and
// every answer is Lazada's envelope.
func FuzzLazadaStockPayload(f *testing.F) {
	for _, s := range []string{
		payload(stockSKU("A", 1)),
		payload(whSKU("A", "SellableQuantity", "dropshipping", 1, "W2", 2)),
		payload(whSKU("A", "Quantity", "dropshipping", 1)),
		payload(skuXML("A", "SkuId", "11000000000", "ItemId", "3000000000", "Price", "1.5", "SalePrice", "1.00", "SaleStartDate", "2026-11-23", "SaleEndDate", "2026-11-24 10:00:00")),
		payload("<Sku><SkuId>-1</SkuId><SellableQuantity>99999999999999999999</SellableQuantity></Sku>"),
		"<Request><Product><Skus><Sku><SellerSku>A</SellerSku><MultiWarehouseInventories><MultiWarehouseInventory/></MultiWarehouseInventories></Sku></Skus></Product></Request>",
		"<Request>", "", "\x00",
	} {
		f.Add(s)
	}
	sc := Scenario{
		Seed: 1, Sale: SaleSpec{ID: "s", Start: t0, End: t0.Add(time.Hour)},
		SKUs: []SKUSpec{{SKU: "A", ListPrice: 200, FlashPrice: 100}, {SKU: "B", ListPrice: 200, FlashPrice: 100}},
		Channels: []ChannelSpec{{ID: "lz", Kind: datasources.KindLazada, Market: "ID",
			Allocated: map[string]int{"A": 10, "B": 10}, PeakPerMinute: 1, Warehouses: []string{DefaultWarehouse, "W2"}}},
	}
	cr, err := NewCredentials(1)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		b := NewBook(&sc, sc.Channels[0], NewManualClock(t0))
		d := &lazadaDialect{b: b, cr: cr}
		for _, api := range []lzStockAPI{lzSellableUpdate, lzSellableAdjust, lzPriceQuantity} {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			d.stockUpdate(api)(w, r, map[string]string{"payload": body})
			var a lzAnswer
			if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || a.Code == "" {
				t.Fatalf("%s: %q", api.name, w.Body.String())
			}
			for _, s := range b.Stock() {
				if s.Sellable < 0 {
					t.Fatalf("%s: negative stock %+v", api.name, s)
				}
			}
		}
	})
}
