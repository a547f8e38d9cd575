package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// lzGateway serves a small Lazada channel: three SKUs with stock that
// lasts through a half-hour sale, in one warehouse.
func lzGateway(t *testing.T) (*Server, *httptest.Server, *Clock) {
	t.Helper()
	return lzGatewayWith(t, nil)
}

// lzGatewayIn is lzGateway for a Lazada market.
func lzGatewayIn(t *testing.T, market string) (*Server, *httptest.Server, *Clock) {
	t.Helper()
	return lzGatewayWith(t, func(sc *Scenario) { sc.Channels[0].Market = market })
}

// lzGatewayWith is lzGateway with its scenario changed by tweak first.
func lzGatewayWith(t *testing.T, tweak func(*Scenario)) (*Server, *httptest.Server, *Clock) {
	t.Helper()
	clock := NewManualClock(t0)
	alloc := map[string]int{}
	var skus []SKUSpec
	for i, s := range []string{"A", "B", "C"} {
		alloc[s] = 50_000
		skus = append(skus, SKUSpec{SKU: s, Name: s, ListPrice: datasources.Money(200000 + i), FlashPrice: datasources.Money(150000 + i*100), Popularity: 1})
	}
	sc := Scenario{
		Seed: 5,
		Sale: SaleSpec{ID: "s", Name: "s", Start: t0, End: t0.Add(30 * time.Minute)},
		SKUs: skus,
		Channels: []ChannelSpec{{
			ID: "lazada-id", Kind: datasources.KindLazada, Market: "ID", Name: "Lazada ID", Allocated: alloc, PeakPerMinute: 300,
		}},
	}
	if tweak != nil {
		tweak(&sc)
	}
	srv, err := New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return srv, hs, clock
}

// lzTwoWarehouses is lzGateway with a second warehouse, W2: each SKU has
// 45,000 units in dropshipping and 5,000 in W2.
func lzTwoWarehouses(t *testing.T) (*Server, *httptest.Server, *Clock) {
	t.Helper()
	return lzGatewayWith(t, func(sc *Scenario) { sc.Channels[0].Warehouses = []string{DefaultWarehouse, "W2"} })
}

// lzAnswer is a decoded gateway answer.
type lzAnswer struct {
	Type    string          `json:"type"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Detail  []lzDetail      `json:"detail"`
	Data    json.RawMessage `json:"data"`
}

// lzDo sends a signed request as the SDKs do: a GET with every parameter in
// the query, or a POST with the system parameters in the query and the
// API's in the form body. tamper, when set, changes the form after signing.
func lzDo(t *testing.T, srv *Server, hs *httptest.Server, method, path string, params map[string]string, tamper func(url.Values)) lzAnswer {
	t.Helper()
	sys := map[string]string{
		"app_key": srv.Creds.LazadaAppKey, "sign_method": "sha256", "access_token": srv.Creds.LazadaAccessToken,
		"timestamp": strconv.FormatInt(time.Now().UnixMilli(), 10),
	}
	all := map[string]string{}
	for _, m := range []map[string]string{sys, params} {
		for k, v := range m {
			all[k] = v
		}
	}
	sys["sign"] = lzSign(path, all, srv.Creds.LazadaAppSecret)
	q, form := url.Values{}, url.Values{}
	for k, v := range sys {
		q.Set(k, v)
	}
	for k, v := range params {
		if method == http.MethodGet {
			q.Set(k, v)
		} else {
			form.Set(k, v)
		}
	}
	if tamper != nil {
		tamper(form)
	}
	u := hs.URL + "/lazada-id/rest" + path + "?" + q.Encode()
	var resp *http.Response
	var err error
	if method == http.MethodGet {
		resp, err = http.Get(u)
	} else {
		resp, err = http.PostForm(u, form)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a lzAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return a
}

// The update endpoints.
const (
	sellablePath = "/product/stock/sellable/update"
	adjustPath   = "/product/stock/sellable/adjust"
	pricePath    = "/product/price_quantity/update"
)

// payload writes an update payload of raw <Sku> elements.
func payload(skus ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><Request><Product><Skus>` + strings.Join(skus, "") + `</Skus></Product></Request>`
}

// stockSKU is a single-warehouse <Sku> setting (or adjusting) SellableQuantity.
func stockSKU(sku string, n int) string {
	return fmt.Sprintf("<Sku><SellerSku>%s</SellerSku><SellableQuantity>%d</SellableQuantity></Sku>", sku, n)
}

// whSKU is a multi-warehouse <Sku>: field (SellableQuantity or Quantity)
// per warehouse code, from pairs of code and quantity.
func whSKU(sku, field string, pairs ...any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<Sku><SellerSku>%s</SellerSku><MultiWarehouseInventories>", sku)
	for i := 0; i+1 < len(pairs); i += 2 {
		fmt.Fprintf(&b, "<MultiWarehouseInventory><WarehouseCode>%s</WarehouseCode><%s>%v</%s></MultiWarehouseInventory>", pairs[i], field, pairs[i+1], field)
	}
	b.WriteString("</MultiWarehouseInventories></Sku>")
	return b.String()
}

// skuXML is a <Sku> of the given elements, in order, from pairs of name
// and text.
func skuXML(sku string, pairs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<Sku><SellerSku>%s</SellerSku>", sku)
	for i := 0; i+1 < len(pairs); i += 2 {
		fmt.Fprintf(&b, "<%s>%s</%s>", pairs[i], pairs[i+1], pairs[i])
	}
	b.WriteString("</Sku>")
	return b.String()
}

func sellableOf(b *Book) map[string]int {
	out := map[string]int{}
	for _, s := range b.Stock() {
		out[s.SKU] = s.Sellable
	}
	return out
}

// warehousesOf is each SKU's sellable stock per warehouse.
func warehousesOf(b *Book) map[string][]int {
	out := map[string][]int{}
	for _, s := range b.Stock() {
		for _, w := range s.Warehouses {
			out[s.SKU] = append(out[s.SKU], w.Sellable)
		}
	}
	return out
}

// counts is the book's applied action requests, by operation.
func counts(b *Book) map[string]int {
	out := map[string]int{}
	for _, op := range []string{OpPause, OpResume, OpExtend, OpCancel} {
		if n := b.ActionCount(op); n > 0 {
			out[op] = n
		}
	}
	return out
}

func TestLazadaUpdateIsSignedWithItsPayload(t *testing.T) {
	for _, path := range []string{sellablePath, adjustPath, pricePath} {
		t.Run(path, func(t *testing.T) {
			srv, hs, _ := lzGateway(t)
			b := srv.Book("lazada-id")
			before := fmt.Sprint(b.Stock())
			// Each endpoint takes its own quantity and ignores the other's.
			body := payload(skuXML("A", "SellableQuantity", "0", "Quantity", "0"))
			// The payload is signed: one changed after signing is refused.
			a := lzDo(t, srv, hs, http.MethodPost, path, map[string]string{"payload": body},
				func(f url.Values) { f.Set("payload", payload(stockSKU("A", 0), stockSKU("B", 0))) })
			if a.Code != "IncompleteSignature" {
				t.Fatalf("tampered payload: %+v", a)
			}
			// Updates are POSTs: GET is refused, whatever the page says.
			if a := lzDo(t, srv, hs, http.MethodGet, path, map[string]string{"payload": body}, nil); a.Code != "UnsupportedHTTPMethod" || !strings.Contains(a.Message, "POST") {
				t.Fatalf("GET: %+v", a)
			}
			if got := fmt.Sprint(b.Stock()); got != before || len(counts(b)) != 0 {
				t.Fatalf("stock changed to %s, counts %v", got, counts(b))
			}
			if a := lzDo(t, srv, hs, http.MethodPost, path, map[string]string{"payload": body}, nil); a.Code != "0" || string(a.Data) != "{}" {
				t.Fatalf("signed: %+v", a)
			}
		})
	}
}

func TestLazadaProductsReportLockedStock(t *testing.T) {
	srv, hs, _ := lzGateway(t)
	if err := srv.Book("lazada-id").SetLocked("B", 12); err != nil {
		t.Fatal(err)
	}
	a := lzDo(t, srv, hs, http.MethodGet, "/products/get", map[string]string{"sku_seller_list": `["A","B"]`, "limit": "50"}, nil)
	var data struct {
		Products []struct {
			Skus []struct {
				SellerSku          string `json:"SellerSku"`
				ChannelInventories []struct {
					SellableQuantity string `json:"sellableQuantity"`
				} `json:"channelInventories"`
			} `json:"skus"`
		} `json:"products"`
	}
	if err := json.Unmarshal(a.Data, &data); err != nil || len(data.Products) != 2 {
		t.Fatalf("%+v: %v", a, err)
	}
	for _, p := range data.Products {
		s := p.Skus[0]
		if got := len(s.ChannelInventories); (s.SellerSku == "B") != (got == 1) || (got == 1 && s.ChannelInventories[0].SellableQuantity != "12") {
			t.Fatalf("%s: %+v", s.SellerSku, s)
		}
	}
}

// lzPending is a pending order of the book and its Lazada item ids.
func lzPending(t *testing.T, b *Book) (OrderView, []string) {
	t.Helper()
	all, _ := b.Updates(Query{})
	for _, o := range all {
		if o.Status != StatusPending {
			continue
		}
		var ids []string
		for _, it := range o.Items {
			for u := range it.Qty {
				ids = append(ids, lzItemID(it, u))
			}
		}
		return o, ids
	}
	t.Fatal("no pending order")
	return OrderView{}, nil
}

func TestLazadaCancel(t *testing.T) {
	srv, hs, clock := lzGateway(t)
	b := srv.Book("lazada-id")
	clock.Advance(90 * time.Second)
	o, ids := lzPending(t, b)
	list := `[` + strings.Join(ids, ",") + `]`
	params := func(extra ...string) map[string]string {
		p := map[string]string{"order_id": o.ID, "order_item_id_list": list}
		for i := 0; i+1 < len(extra); i += 2 {
			p[extra[i]] = extra[i+1]
		}
		return p
	}

	a := lzDo(t, srv, hs, http.MethodGet, "/order/reverse/cancel/validate", params(), nil)
	var v struct {
		Reasons []struct{ ReasonID, ReasonName string } `json:"reason_options"`
		TipType string                                  `json:"tip_type"`
	}
	if err := json.Unmarshal(a.Data, &v); err != nil || a.Code != "0" || len(v.Reasons) != 3 || v.TipType != "warning" {
		t.Fatalf("validate: %+v (%v)", a, err)
	}
	if a := lzDo(t, srv, hs, http.MethodGet, "/order/reverse/cancel/create", params("reason_id", "99"), nil); a.Code != "InvalidParameter" {
		t.Fatalf("unknown reason: %+v", a)
	}
	if a := lzDo(t, srv, hs, http.MethodGet, "/order/reverse/cancel/validate", map[string]string{"order_id": o.ID, "order_item_id_list": "[1]"}, nil); a.Code != "InvalidParameter" {
		t.Fatalf("another order's item: %+v", a)
	}

	// Out of Stock cancels, and Lazada then zeroes the SKU's stock.
	sold := b.Sold()[o.Items[0].SKU]
	if a := lzDo(t, srv, hs, http.MethodGet, "/order/reverse/cancel/create", params("reason_id", "10000021"), nil); a.Code != "0" {
		t.Fatalf("create: %+v", a)
	}
	got, _ := b.Order(o.ID)
	if got.Status != StatusCanceled || b.Sold()[o.Items[0].SKU] != sold-o.Items[0].Qty || b.ActionCount(OpCancel) != 1 {
		t.Fatalf("after the cancel: %+v", got)
	}
	if n := sellableOf(b)[o.Items[0].SKU]; n != 0 {
		t.Fatalf("Out of Stock left %d sellable", n)
	}

	// A cancelled order cannot be cancelled again: a tip on validate, an
	// error on create.
	a = lzDo(t, srv, hs, http.MethodGet, "/order/reverse/cancel/validate", params(), nil)
	if err := json.Unmarshal(a.Data, &v); err != nil || v.TipType != "error" || !strings.Contains(string(a.Data), "only order items from Pending to Ready To Ship") {
		t.Fatalf("validate a cancelled order: %s", a.Data)
	}
	if a := lzDo(t, srv, hs, http.MethodGet, "/order/reverse/cancel/create", params("reason_id", "10000019"), nil); a.Code != "ReverseOrderCancelNotAllowed" || b.ActionCount(OpCancel) != 1 {
		t.Fatalf("create on a cancelled order: %+v", a)
	}

	// /order/get reads it back; an unknown order is Lazada's E016.
	a = lzDo(t, srv, hs, http.MethodGet, "/order/get", map[string]string{"order_id": o.ID}, nil)
	if a.Code != "0" || !strings.Contains(string(a.Data), `"canceled"`) {
		t.Fatalf("order/get: %+v", a)
	}
	if a := lzDo(t, srv, hs, http.MethodGet, "/order/get", map[string]string{"order_id": "1"}, nil); a.Code != "16" {
		t.Fatalf("unknown order: %+v", a)
	}
}

func TestLazadaCancelFaults(t *testing.T) {
	srv, hs, clock := lzGateway(t)
	b := srv.Book("lazada-id")
	clock.Advance(90 * time.Second)
	o, ids := lzPending(t, b)
	p := map[string]string{"order_id": o.ID, "order_item_id_list": `["` + strings.Join(ids, `","`) + `"]`, "reason_id": "10000019"}
	b.SetActionFault(OpCancel, ActionFault{Mode: "fail"})
	if a := lzDo(t, srv, hs, http.MethodGet, "/order/reverse/cancel/create", p, nil); a.Type != "ISP" {
		t.Fatalf("fail: %+v", a)
	}
	if got, _ := b.Order(o.ID); got.Status == StatusCanceled || b.ActionCount(OpCancel) != 0 {
		t.Fatal("cancelled despite the failure")
	}
	b.SetActionFault(OpCancel, ActionFault{Mode: "timeout", Delay: 200 * time.Millisecond})
	if a := lzDo(t, srv, hs, http.MethodGet, "/order/reverse/cancel/create", p, nil); a.Code != "0" {
		t.Fatalf("timeout: %+v", a)
	}
	if got, _ := b.Order(o.ID); got.Status != StatusCanceled || b.ActionCount(OpCancel) != 1 {
		t.Fatal("not cancelled")
	}
}

// Lazada writes a sale's window in the market's own zone: the same end is
// 14:30 in Jakarta and 15:30 in Kuala Lumpur. Written in WIB for Malaysia,
// a client reading it in UTC+8 saw the sale end an hour early.
func TestLazadaSaleWindowInTheMarketsZone(t *testing.T) {
	for market, want := range map[string]string{"ID": "2026-11-23 14:30", "MY": "2026-11-23 15:30"} {
		srv, hs, _ := lzGatewayIn(t, market)
		a := lzDo(t, srv, hs, http.MethodGet, "/products/get", map[string]string{"sku_seller_list": `["A"]`, "limit": "50"}, nil)
		var data struct {
			Products []struct {
				Skus []struct {
					SpecialToTime string `json:"special_to_time"`
				} `json:"skus"`
			} `json:"products"`
		}
		if err := json.Unmarshal(a.Data, &data); err != nil || len(data.Products) != 1 {
			t.Fatalf("%s: %+v: %v", market, a, err)
		}
		if got := data.Products[0].Skus[0].SpecialToTime; got != want {
			t.Errorf("%s: special_to_time %q, want %q", market, got, want)
		}
	}
}
