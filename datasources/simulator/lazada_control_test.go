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
// lasts through a half-hour sale.
func lzGateway(t *testing.T) (*Server, *httptest.Server, *Clock) {
	t.Helper()
	return lzGatewayIn(t, "ID")
}

// lzGatewayIn is lzGateway for a Lazada market.
func lzGatewayIn(t *testing.T, market string) (*Server, *httptest.Server, *Clock) {
	t.Helper()
	clock := NewManualClock(t0)
	alloc := map[string]int{}
	var skus []SKUSpec
	for i, s := range []string{"A", "B", "C"} {
		alloc[s] = 50_000
		skus = append(skus, SKUSpec{SKU: s, Name: s, ListPrice: datasources.Money(200000 + i), FlashPrice: datasources.Money(150000 + i*100), Popularity: 1})
	}
	srv, err := New(Scenario{
		Seed: 5,
		Sale: SaleSpec{ID: "s", Name: "s", Start: t0, End: t0.Add(30 * time.Minute)},
		SKUs: skus,
		Channels: []ChannelSpec{{
			ID: "lazada-id", Kind: datasources.KindLazada, Market: market, Name: "Lazada ID", Allocated: alloc, PeakPerMinute: 300,
		}},
	}, clock)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return srv, hs, clock
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

const updatePath = "/product/price_quantity/update"

// payload writes an update payload of raw <Sku> elements.
func payload(skus ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><Request><Product><Skus>` + strings.Join(skus, "") + `</Skus></Product></Request>`
}

func stockSKU(sku string, n int) string {
	return fmt.Sprintf("<Sku><SellerSku>%s</SellerSku><SellableQuantity>%d</SellableQuantity></Sku>", sku, n)
}

func sellableOf(b *Book) map[string]int {
	out := map[string]int{}
	for _, s := range b.Stock() {
		out[s.SKU] = s.Sellable
	}
	return out
}

func TestLazadaUpdateIsSignedWithItsPayload(t *testing.T) {
	srv, hs, _ := lzGateway(t)
	b := srv.Book("lazada-id")
	before := fmt.Sprint(sellableOf(b))
	// The payload is signed: one changed after signing is refused.
	a := lzDo(t, srv, hs, http.MethodPost, updatePath, map[string]string{"payload": payload(stockSKU("A", 0))},
		func(f url.Values) { f.Set("payload", payload(stockSKU("A", 0), stockSKU("B", 0))) })
	if a.Code != "IncompleteSignature" {
		t.Fatalf("tampered payload: %+v", a)
	}
	// Updates are POSTs.
	if a := lzDo(t, srv, hs, http.MethodGet, updatePath, map[string]string{"payload": payload(stockSKU("A", 0))}, nil); a.Code != "InvalidHttpMethod" {
		t.Fatalf("GET: %+v", a)
	}
	if got := fmt.Sprint(sellableOf(b)); got != before || b.ActionCount(OpPause) != 0 {
		t.Fatalf("stock changed to %s", got)
	}
	if a := lzDo(t, srv, hs, http.MethodPost, updatePath, map[string]string{"payload": payload(stockSKU("A", 0))}, nil); a.Code != "0" {
		t.Fatalf("signed: %+v", a)
	}
	if sellableOf(b)["A"] != 0 || b.ActionCount(OpPause) != 1 {
		t.Fatalf("not applied: %v", sellableOf(b))
	}
}

func TestLazadaUpdateRefusals(t *testing.T) {
	many := make([]string, 51)
	for i := range many {
		many[i] = stockSKU("A", 0)
	}
	window := func(sku, price, start, end string) string {
		return fmt.Sprintf("<Sku><SellerSku>%s</SellerSku><SalePrice>%s</SalePrice><SaleStartDate>%s</SaleStartDate><SaleEndDate>%s</SaleEndDate></Sku>", sku, price, start, end)
	}
	for _, tc := range []struct {
		name, payload, code, words, detailSKU string
	}{
		{"not XML", "<Request><Product>", "InvalidParameter", "not valid XML", ""},
		{"no SKUs", payload(), "InvalidParameter", "no Request/Product/Skus/Sku", ""},
		{"51 SKUs", payload(many...), "InvalidParameter", "at most 50", ""},
		{"unknown SKU", payload(stockSKU("A", 0), stockSKU("NOPE", 0)), "InvalidParameter", `SellerSku "NOPE" does not exist`, "NOPE"},
		{"locked SKU", payload(stockSKU("A", 0), stockSKU("B", 0)), "4170", "SellerSku B is locked", "B"},
		{"negative stock", payload(stockSKU("A", -1)), "InvalidParameter", "not a whole number", "A"},
		{"end without price", payload("<Sku><SellerSku>A</SellerSku><SaleEndDate>2026-11-23 15:00:00</SaleEndDate></Sku>"), "InvalidParameter", "needs SalePrice and SaleStartDate", "A"},
		{"another sale price", payload(window("A", "1.00", "2026-11-23 14:00:00", "2026-11-23 15:00:00")), "InvalidParameter", "keeps the sale price 1500.00", "A"},
		{"another start", payload(window("A", "1500.00", "2026-11-23 14:00:01", "2026-11-23 15:00:00")), "InvalidParameter", "keeps the sale start", "A"},
		{"end before start", payload(window("A", "1500.00", "2026-11-23 14:00:00", "2026-11-23 13:00:00")), "InvalidParameter", "after SaleStartDate", "A"},
		{"list price", payload("<Sku><SellerSku>A</SellerSku><Price>9.00</Price></Sku>"), "InvalidParameter", "not Quantity or Price", "A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, hs, _ := lzGateway(t)
			b := srv.Book("lazada-id")
			if err := b.SetLocked("B", 10); err != nil {
				t.Fatal(err)
			}
			before := fmt.Sprint(sellableOf(b))
			a := lzDo(t, srv, hs, http.MethodPost, updatePath, map[string]string{"payload": tc.payload}, nil)
			if a.Code != tc.code || !strings.Contains(a.Message, tc.words) {
				t.Fatalf("got %+v", a)
			}
			if tc.detailSKU != "" && (len(a.Detail) != 1 || a.Detail[0].SellerSku != tc.detailSKU) {
				t.Fatalf("detail %+v", a.Detail)
			}
			// Refused as a whole: not even the good SKUs changed.
			if got := fmt.Sprint(sellableOf(b)); got != before || !b.End().Equal(t0.Add(30*time.Minute)) {
				t.Fatalf("changed to %s, end %v", got, b.End())
			}
			for _, op := range []string{OpPause, OpResume, OpExtend} {
				if n := b.ActionCount(op); n != 0 {
					t.Fatalf("%d %s counted", n, op)
				}
			}
		})
	}
}

func TestLazadaUpdateOps(t *testing.T) {
	srv, hs, clock := lzGateway(t)
	b := srv.Book("lazada-id")
	clock.Advance(time.Minute)
	for _, tc := range []struct {
		op, payload string
	}{
		{OpPause, payload(stockSKU("A", 0), stockSKU("B", 0))},
		{OpResume, payload(stockSKU("A", 7), stockSKU("B", 0))},
		{OpExtend, payload("<Sku><SellerSku>C</SellerSku><SalePrice>1502.00</SalePrice><SaleStartDate>2026-11-23 14:00:00</SaleStartDate><SaleEndDate>2026-11-23 15:10:05</SaleEndDate></Sku>")},
	} {
		if a := lzDo(t, srv, hs, http.MethodPost, updatePath, map[string]string{"payload": tc.payload}, nil); a.Code != "0" {
			t.Fatalf("%s: %+v", tc.op, a)
		}
		if n := b.ActionCount(tc.op); n != 1 {
			t.Fatalf("%s counted %d times", tc.op, n)
		}
	}
	st := map[string]StockView{}
	for _, s := range b.Stock() {
		st[s.SKU] = s
	}
	if st["A"].Sellable != 7 || st["B"].Sellable != 0 || !st["C"].SaleEnd.Equal(t0.Add(70*time.Minute+5*time.Second)) || !st["A"].SaleEnd.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("stock %+v", st)
	}
}

func TestLazadaUpdateFaults(t *testing.T) {
	srv, hs, _ := lzGateway(t)
	b := srv.Book("lazada-id")
	b.SetActionFault(OpPause, ActionFault{Mode: "fail"})
	a := lzDo(t, srv, hs, http.MethodPost, updatePath, map[string]string{"payload": payload(stockSKU("A", 0))}, nil)
	if a.Type != "ISP" || sellableOf(b)["A"] == 0 || b.ActionCount(OpPause) != 0 {
		t.Fatalf("fail: %+v, stock %v", a, sellableOf(b))
	}
	b.SetActionFault(OpPause, ActionFault{Mode: "timeout", Delay: 300 * time.Millisecond})
	began := time.Now()
	a = lzDo(t, srv, hs, http.MethodPost, updatePath, map[string]string{"payload": payload(stockSKU("A", 0))}, nil)
	if a.Code != "0" || time.Since(began) < 300*time.Millisecond || sellableOf(b)["A"] != 0 || b.ActionCount(OpPause) != 1 {
		t.Fatalf("timeout: %+v after %v", a, time.Since(began))
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
	for market, want := range map[string]string{"ID": "2026-11-23 14:30:00", "MY": "2026-11-23 15:30:00"} {
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
