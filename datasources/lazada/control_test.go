package lazada_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/lazada"
)

// These tests drive the Controller against a fake gateway (gateway_test.go)
// and pin what it sends and how it reads the answers; control_sim_test.go
// runs it against the simulator and checks the simulator's truth, and
// contract_test.go against the documentation's own samples.

// okAnswer is Lazada's answer to an update it applied in full.
const okAnswer = `{"code":"0","data":{},"request_id":"0ba2887315178178017221014"}`

const xmlHead = `<?xml version="1.0" encoding="UTF-8"?>`

// anyOK answers OK to every call of a path whose answers a test does not
// look at.
var anyOK = []string{okAnswer}

// wh is a shorthand for a warehouse's stock in a reading.
func wh(code string, sellable, reserved int) datasources.WarehouseStock {
	return datasources.WarehouseStock{Code: code, Sellable: sellable, Reserved: reserved}
}

// payload wraps <Sku> elements in the rest of an update payload.
func payload(skus ...string) string {
	return xmlHead + `<Request><Product><Skus>` + strings.Join(skus, "") + `</Skus></Product></Request>`
}

// TestUpdatePayloads pins the exact XML of pauses, resumes and extensions:
// which endpoint each goes to, the single- and multi-warehouse forms, the
// ids Lazada reported, that the XML travels as the POST form field
// "payload" and nowhere else, and that the signature covers it.
func TestUpdatePayloads(t *testing.T) {
	target := datasources.SaleTarget{SaleID: "s", SKUs: []string{"POCO<&>1", "REDMI-9A", "POCO<&>1", ""}}
	poco := datasources.StockReading{SKU: "POCO<&>1", ItemID: "3000000001", SkuID: "11000000001", Sellable: 4}
	redmi := datasources.StockReading{SKU: "REDMI-9A", ItemID: "3000000002", SkuID: "11000000002", Sellable: 6}
	with := func(r datasources.StockReading, whs ...datasources.WarehouseStock) datasources.StockReading {
		r.Warehouses = whs
		return r
	}
	pocoIDs := `<ItemId>3000000001</ItemId><SkuId>11000000001</SkuId><SellerSku>POCO&lt;&amp;&gt;1</SellerSku>`
	redmiIDs := `<ItemId>3000000002</ItemId><SkuId>11000000002</SkuId><SellerSku>REDMI-9A</SellerSku>`
	// products is what ExtendSale reads first: the sale price and start it
	// sends back unchanged, and the ids.
	products := `{"code":"0","request_id":"0b1","data":{"total_products":"2","products":[
		{"item_id":3000000001,"skus":[{"SellerSku":"POCO<&>1","SkuId":11000000001,"Status":"active","quantity":4,"price":"2199000.00","special_price":"1999000.00","special_time_format":"yyyy-MM-dd HH:mm","special_from_time":"2026-11-23 14:00","special_to_time":"2026-11-23 16:00",
			"multiWarehouseInventories":[{"warehouseCode":"dropshipping","sellableQuantity":4,"occupyQuantity":2,"withholdQuantity":0,"quantity":4,"totalQuantity":6}]}]},
		{"item_id":"3000000002","skus":[{"SellerSku":"REDMI-9A","SkuId":"11000000002","Status":"active","quantity":6,"price":1299000,"special_price":"1099000.50","special_from_time":"2026-11-23 14:00:00","special_to_time":"2026-11-23 16:00"}]}]}}`
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		warehouse string // Config.WarehouseCode
		act       func(*lazada.Client) error
		path      string
		want      string
	}{
		{name: "pause, the seller's own warehouse or none listed",
			act: func(c *lazada.Client) error {
				before := datasources.SaleControl{SKUs: []datasources.StockReading{with(poco, wh("dropshipping", 4, 2)), redmi}}
				return c.PauseSale(ctx, target, before, datasources.ActionMeta{})
			},
			path: lazada.PathSellableUpdate,
			want: payload(`<Sku>`+pocoIDs+`<SellableQuantity>0</SellableQuantity></Sku>`,
				`<Sku>`+redmiIDs+`<SellableQuantity>0</SellableQuantity></Sku>`)},
		{name: "pause, several warehouses listed",
			act: func(c *lazada.Client) error {
				before := datasources.SaleControl{SKUs: []datasources.StockReading{with(poco, wh("dropshipping", 3, 0), wh("W2", 1, 0)), redmi}}
				return c.PauseSale(ctx, target, before, datasources.ActionMeta{})
			},
			path: lazada.PathSellableUpdate,
			want: payload(`<Sku>`+pocoIDs+`<MultiWarehouseInventories>`+
				`<MultiWarehouseInventory><WarehouseCode>dropshipping</WarehouseCode><SellableQuantity>0</SellableQuantity></MultiWarehouseInventory>`+
				`<MultiWarehouseInventory><WarehouseCode>W2</WarehouseCode><SellableQuantity>0</SellableQuantity></MultiWarehouseInventory>`+
				`</MultiWarehouseInventories></Sku>`,
				`<Sku>`+redmiIDs+`<SellableQuantity>0</SellableQuantity></Sku>`)},
		// The single-warehouse form changes the dropshipping warehouse only:
		// a SKU whose one listed warehouse is another must name it.
		{name: "pause, one warehouse listed that is not the seller's own",
			act: func(c *lazada.Client) error {
				before := datasources.SaleControl{SKUs: []datasources.StockReading{with(poco, wh("W2", 4, 0))}}
				return c.PauseSale(ctx, target, before, datasources.ActionMeta{})
			},
			path: lazada.PathSellableUpdate,
			want: payload(`<Sku>` + pocoIDs + `<MultiWarehouseInventories>` +
				`<MultiWarehouseInventory><WarehouseCode>W2</WarehouseCode><SellableQuantity>0</SellableQuantity></MultiWarehouseInventory>` +
				`</MultiWarehouseInventories></Sku>`)},
		// With a warehouse configured, it is named even for a SKU that
		// lists nothing there (Lazada leaves out warehouses without stock).
		{name: "pause, a warehouse configured", warehouse: "W2",
			act: func(c *lazada.Client) error {
				before := datasources.SaleControl{SKUs: []datasources.StockReading{with(poco, wh("W2", 4, 0)), redmi}}
				return c.PauseSale(ctx, target, before, datasources.ActionMeta{})
			},
			path: lazada.PathSellableUpdate,
			want: payload(`<Sku>`+pocoIDs+`<MultiWarehouseInventories>`+
				`<MultiWarehouseInventory><WarehouseCode>W2</WarehouseCode><SellableQuantity>0</SellableQuantity></MultiWarehouseInventory>`+
				`</MultiWarehouseInventories></Sku>`,
				`<Sku>`+redmiIDs+`<MultiWarehouseInventories>`+
					`<MultiWarehouseInventory><WarehouseCode>W2</WarehouseCode><SellableQuantity>0</SellableQuantity></MultiWarehouseInventory>`+
					`</MultiWarehouseInventories></Sku>`)},
		// A resume adds what is owed, per warehouse where the pause took it
		// per warehouse; a SKU owed nothing, or not in the sale, is left
		// alone.
		{name: "resume adds what is owed",
			act: func(c *lazada.Client) error {
				owed := datasources.SaleControl{SKUs: []datasources.StockReading{
					{SKU: "POCO<&>1", ItemID: "3000000001", SkuID: "11000000001", Sellable: 17},
					with(redmi, wh("dropshipping", 4, 0), wh("W2", 2, 0)),
					{SKU: "NOT-IN-SALE", Sellable: 9},
					{SKU: "REDMI-9A-OWED-NOTHING", Sellable: 0},
				}}
				return c.ResumeSale(ctx, target, owed, datasources.ActionMeta{})
			},
			path: lazada.PathSellableAdjust,
			want: payload(`<Sku>`+pocoIDs+`<SellableQuantity>17</SellableQuantity></Sku>`,
				`<Sku>`+redmiIDs+`<MultiWarehouseInventories>`+
					`<MultiWarehouseInventory><WarehouseCode>dropshipping</WarehouseCode><SellableQuantity>4</SellableQuantity></MultiWarehouseInventory>`+
					`<MultiWarehouseInventory><WarehouseCode>W2</WarehouseCode><SellableQuantity>2</SellableQuantity></MultiWarehouseInventory>`+
					`</MultiWarehouseInventories></Sku>`)},
		// until (UTC) is written in the market's zone (WIB, UTC+7), at
		// minute precision, rounded up: 10:30:20 UTC is 17:31 WIB. The sale
		// price and start go back as read; never a Quantity, which would
		// set the total stock.
		{name: "extend",
			act: func(c *lazada.Client) error {
				return c.ExtendSale(ctx, target, time.Date(2026, 11, 23, 10, 30, 20, 0, time.UTC), datasources.ActionMeta{})
			},
			path: lazada.PathPriceQuantity,
			want: payload(`<Sku>`+pocoIDs+`<SalePrice>1999000.00</SalePrice><SaleStartDate>2026-11-23 14:00</SaleStartDate><SaleEndDate>2026-11-23 17:31</SaleEndDate></Sku>`,
				`<Sku>`+redmiIDs+`<SalePrice>1099000.50</SalePrice><SaleStartDate>2026-11-23 14:00</SaleStartDate><SaleEndDate>2026-11-23 17:31</SaleEndDate></Sku>`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, c := newGateway(t, map[string][]string{
				lazada.PathProducts: {products}, lazada.PathSellableUpdate: anyOK,
				lazada.PathSellableAdjust: anyOK, lazada.PathPriceQuantity: anyOK,
			}, func(cfg *lazada.Config) { cfg.WarehouseCode = tc.warehouse })
			if err := tc.act(c); err != nil {
				t.Fatal(err)
			}
			var sent []request
			for _, s := range g.all() {
				if s.path != lazada.PathProducts {
					sent = append(sent, s)
				}
			}
			if len(sent) != 1 || sent[0].path != tc.path {
				t.Fatalf("sent %d updates (%v), want one to %s", len(sent), sent, tc.path)
			}
			s := sent[0]
			if s.method != http.MethodPost {
				t.Fatalf("sent with %s", s.method)
			}
			if got := s.form["payload"]; got != tc.want {
				t.Fatalf("payload\n got %s\nwant %s", got, tc.want)
			}
			if _, inQuery := s.query["payload"]; inQuery {
				t.Fatal("the payload travelled in the query")
			}
			for _, k := range []string{"app_key", "timestamp", "sign_method", "access_token", "sign"} {
				if s.query[k] == "" {
					t.Fatalf("system parameter %s missing from the query %v", k, s.query)
				}
			}
			// The payload is what was signed: without it the signature
			// differs (the gateway checked the signature with it).
			p := s.params()
			delete(p, "payload")
			if lazada.Sign(tc.path, p, secret) == s.query["sign"] {
				t.Fatal("the signature does not cover the payload")
			}
		})
	}
}

// skuList is n seller SKUs: SKU-000, SKU-001, …
func skuList(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("SKU-%03d", i)
	}
	return out
}

// readingsOf is a ReadSale reading of skus, each with sellable stock 5 in
// the seller's own warehouse and ids as Lazada reports them.
func readingsOf(skus []string) datasources.SaleControl {
	sc := datasources.SaleControl{ByStock: true}
	for i, s := range skus {
		sc.SKUs = append(sc.SKUs, datasources.StockReading{
			SKU: s, ItemID: fmt.Sprint(3000000000 + i), SkuID: fmt.Sprint(11000000000 + i), Sellable: 5,
			Warehouses: []datasources.WarehouseStock{{Code: "dropshipping", Sellable: 5}},
		})
	}
	return sc
}

// payloadSKUs reads the seller SKUs of an update payload.
func payloadSKUs(t *testing.T, payload string) []string {
	t.Helper()
	var r struct {
		Skus []string `xml:"Product>Skus>Sku>SellerSku"`
	}
	if err := xml.Unmarshal([]byte(payload), &r); err != nil {
		t.Fatalf("payload %q: %v", payload, err)
	}
	return r.Skus
}

// wantError checks err is the channel's error for op, of kind and code,
// that OutcomeUnknown says unknown about it, and that its words contain
// each of words.
func wantError(t *testing.T, err error, op string, kind datasources.ErrorKind, code string, unknown bool, words ...string) {
	t.Helper()
	var de *datasources.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is not a channel error", err)
	}
	if de.Kind != kind || de.Code != code || de.Op != op || de.Channel != channel {
		t.Fatalf("got kind %v code %q op %q channel %q, want %v %q %q: %v", de.Kind, de.Code, de.Op, de.Channel, kind, code, op, err)
	}
	if datasources.OutcomeUnknown(err) != unknown {
		t.Fatalf("OutcomeUnknown = %v, want %v: %v", !unknown, unknown, err)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q missing from %v", w, err)
		}
	}
}

// TestUpdateBatches: 120 SKUs are three calls of at most 50, in order, and
// every one is sent whatever became of the one before. The error sums
// them up: which SKUs were answered OK, which were refused and why, which
// got no clear answer, and a kind that says whether the channel is in
// between.
func TestUpdateBatches(t *testing.T) {
	skus := skuList(120)
	target := datasources.SaleTarget{SKUs: skus}
	for _, tc := range []struct {
		name    string
		answers []string
		kind    datasources.ErrorKind // 0: no error
		code    string
		unknown bool
		words   []string
	}{
		{name: "all applied", answers: anyOK},
		{name: "second refused with reasons", kind: datasources.ErrPartial, code: "501", unknown: true,
			answers: []string{okAnswer, `{"type":"ISP","code":"501","message":"E501: Update product failed","detail":[{"field":"SellableQuantity","seller_sku":"SKU-077","message":"negative sellable on channel inventory"}],"request_id":"0b2"}`, okAnswer},
			words: []string{"E501: Update product failed", "answered OK for 70 of 120 SKUs", "refused: SKU-077: SellableQuantity: negative sellable on channel inventory",
				"no clear answer for SKU-050, SKU-051", "… and 29 more"}},
		{name: "second lost in a backend failure", kind: datasources.ErrPartial, code: "ServiceUnavailable", unknown: true,
			answers: []string{okAnswer, `{"type":"ISP","code":"ServiceUnavailable","message":"Backend service is unavailable","request_id":"0b2"}`, okAnswer},
			words:   []string{"answered OK for 70 of 120 SKUs", "no clear answer for SKU-050"}},
		// Lazada refused every batch: nothing changed, a clear refusal.
		{name: "every batch locked by a campaign", kind: datasources.ErrRejected, code: "4170",
			answers: []string{`{"type":"ISV","code":"4170","message":"During the Mega campaign, there are restrictions for stock adjustments in effect between 2026-11-23 00:00:00 - 2026-11-24 00:00:00. Sellers can increase stocks, but may not decrease stocks.","request_id":"0b3"}`},
			words: []string{"inside a Lazada mega-campaign window stock may be raised but not lowered", "cannot be lowered until the window ends",
				"the SKUs of this call (SKU-000", "Sellers can increase stocks, but may not decrease stocks"}},
		// Code 0 with detail[] naming SKUs: those were refused, the rest
		// applied.
		{name: "answered OK naming refused SKUs", kind: datasources.ErrPartial, unknown: true,
			answers: []string{okAnswer, `{"code":"0","data":{},"detail":[{"field":"SellableQuantity","seller_sku":"SKU-060","message":"SELLER_SKU_INVALID"},{"field":"SellableQuantity","seller_sku":"SKU-061","message":"SELLER_SKU_INVALID"}],"request_id":"0b4"}`, okAnswer},
			words:   []string{"answered OK for 118 of 120 SKUs", "refused: SKU-060, SKU-061: SellableQuantity: SELLER_SKU_INVALID"}},
		// Code 0 with problems naming no SKU: which one failed is not
		// known, so none of that batch is called applied.
		{name: "answered OK with problems naming no SKU", kind: datasources.ErrPartial, code: "0", unknown: true,
			answers: []string{okAnswer, `{"code":"0","data":{},"detail":[{"field":"ItemId","message":"ITEM_NOT_FOUND","code":"E0501"}],"request_id":"0b5"}`, okAnswer},
			words:   []string{"Lazada answered OK with problems that name no SKU: ItemId: ITEM_NOT_FOUND (E0501)", "answered OK for 70 of 120 SKUs", "no clear answer for SKU-050"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, c := newGateway(t, map[string][]string{lazada.PathSellableUpdate: tc.answers}, nil)
			err := c.PauseSale(context.Background(), target, readingsOf(skus), datasources.ActionMeta{})
			calls := g.of(lazada.PathSellableUpdate)
			var got []string
			for i, s := range calls {
				batch := payloadSKUs(t, s.form["payload"])
				if want := []int{50, 50, 20}; i < 3 && len(batch) != want[i] {
					t.Fatalf("call %d carried %d SKUs, want %d", i+1, len(batch), want[i])
				}
				got = append(got, batch...)
			}
			if len(calls) != 3 || strings.Join(got, ",") != strings.Join(skus, ",") {
				t.Fatalf("%d calls sent %v", len(calls), got)
			}
			if tc.kind == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, lazada.PathSellableUpdate, tc.kind, tc.code, tc.unknown, tc.words...)
		})
	}
}

// TestUpdateRefusals: Lazada's refusals of one call, in the operator's
// words. 4170 (a mega-campaign window) and 501 (Update product failed,
// typed ISP) are refusals with a reason, never an outage; a refusal that
// names some SKUs leaves the others open.
func TestUpdateRefusals(t *testing.T) {
	target := datasources.SaleTarget{SKUs: []string{"A", "B"}}
	before := readingsOf(target.SKUs)
	pause := func(c *lazada.Client) error {
		return c.PauseSale(context.Background(), target, before, datasources.ActionMeta{})
	}
	resume := func(c *lazada.Client) error {
		return c.ResumeSale(context.Background(), target, before, datasources.ActionMeta{})
	}
	for _, tc := range []struct {
		name    string
		act     func(*lazada.Client) error
		op      string
		answer  string
		kind    datasources.ErrorKind
		code    string
		unknown bool
		words   []string
	}{
		{name: "4170 naming one SKU", act: pause, op: lazada.PathSellableUpdate, kind: datasources.ErrPartial, code: "4170", unknown: true,
			answer: `{"type":"ISV","code":"4170","message":"Sellers can increase stocks, but may not decrease stocks.","detail":[{"field":"SellableQuantity","seller_sku":"B","message":"This SKU is participating in a special Campaign"}],"request_id":"0b4"}`,
			words:  []string{"inside a Lazada mega-campaign window stock may be raised but not lowered, so B cannot be lowered until the window ends", "refused: B: SellableQuantity: This SKU is participating in a special Campaign", "no clear answer for A"}},
		{name: "4170 typed ISP, naming none", act: pause, op: lazada.PathSellableUpdate, kind: datasources.ErrRejected, code: "4170",
			answer: `{"type":"ISP","code":"4170","message":"Sellers can increase stocks, but may not decrease stocks.","request_id":"0b4"}`,
			words:  []string{"so the SKUs of this call (A, B) cannot be lowered until the window ends", "(Lazada: Sellers can increase stocks, but may not decrease stocks. [request_id 0b4])"}},
		{name: "501 typed ISP with reasons", act: pause, op: lazada.PathSellableUpdate, kind: datasources.ErrRejected, code: "501",
			answer: `{"type":"ISP","code":"501","message":"E501: Update product failed","detail":[{"field":"SellableQuantity","seller_sku":"A","message":"negative sellable on channel inventory"},{"field":"Product","seller_sku":"B","message":"Category is inactive"}],"request_id":"0b6"}`,
			words:  []string{"E501: Update product failed", "A: SellableQuantity: negative sellable on channel inventory", "B: Product: Category is inactive"}},
		{name: "E501 without detail", act: pause, op: lazada.PathSellableUpdate, kind: datasources.ErrRejected, code: "E501",
			answer: `{"type":"ISP","code":"E501","message":"Update product failed","request_id":"0b7"}`,
			words:  []string{"refused: A, B: Update product failed"}},
		{name: "212 on a resume", act: resume, op: lazada.PathSellableAdjust, kind: datasources.ErrRejected, code: "212",
			answer: `{"type":"ISV","code":"212","message":"INV_NEGATIVE_SELLABLE","detail":[{"field":"SellableQuantity","seller_sku":"A","message":"INV_NEGATIVE_SELLABLE"},{"field":"SellableQuantity","seller_sku":"B","message":"INV_NEGATIVE_SELLABLE"}],"request_id":"0b8"}`,
			words:  []string{"A, B: SellableQuantity: INV_NEGATIVE_SELLABLE"}},
		// A backend failure is no refusal: the SKUs are open, and the kind
		// says so (a single call timed out or failed is not "partly
		// applied").
		{name: "backend failure", act: pause, op: lazada.PathSellableUpdate, kind: datasources.ErrUnavailable, code: "ServiceUnavailable", unknown: true,
			answer: `{"type":"ISP","code":"ServiceUnavailable","message":"Backend service is unavailable","request_id":"0b9"}`,
			words:  []string{"no clear answer for A, B"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, c := newGateway(t, map[string][]string{tc.op: {tc.answer}}, nil)
			err := tc.act(c)
			wantError(t, err, tc.op, tc.kind, tc.code, tc.unknown, tc.words...)
			if n := len(g.of(tc.op)); n != 1 {
				t.Fatalf("sent %d times", n)
			}
		})
	}
}

// banAnswer is Lazada's rate-limit refusal, in the words its
// documentation gives.
const banAnswer = `{"type":"ISV","code":"ApiCallLimit","message":"Api access frequency exceeds the limit. this ban will last 1 seconds.","request_id":"0b10"}`

// noCallDuring checks that no request of reqs arrived during the ban that
// refusal announced: from when the gateway answered it, for ban.
func noCallDuring(t *testing.T, reqs []request, refusal request, ban time.Duration) {
	t.Helper()
	for _, r := range reqs {
		if r.at.After(refusal.answered) && r.at.Before(refusal.answered.Add(ban)) {
			t.Errorf("%s %s arrived %v into a ban of %v", r.method, r.path, r.at.Sub(refusal.answered), ban)
		}
	}
}

// TestRateLimitedBatchIsSentAgain: a batch refused for a rate limit
// applied nothing, so it is sent again — once the ban is over, with no
// call of the client during it — and the batches after it still go out.
// After rateLimitTries refusals it is given up.
func TestRateLimitedBatchIsSentAgain(t *testing.T) {
	t.Parallel()
	skus := skuList(60)
	target := datasources.SaleTarget{SKUs: skus}
	for _, tc := range []struct {
		name    string
		answers []string
		tries   int // how often the first batch went out
		words   []string
	}{
		{name: "ApiCallLimit", answers: []string{banAnswer, okAnswer}, tries: 2},
		// 901 names no ban: Lazada's advice is to retry in the next second.
		{name: "901 as a number", tries: 2,
			answers: []string{`{"type":"ISP","code":901,"message":"E901: The request is too frequent, or the requested functionality is temporarily disabled.","request_id":"0b11"}`, okAnswer}},
		{name: "given up after five refusals", tries: 5,
			answers: []string{banAnswer, banAnswer, banAnswer, banAnswer, banAnswer, okAnswer},
			words:   []string{"Api access frequency exceeds the limit", "answered OK for 10 of 60 SKUs", "refused: SKU-000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, c := newGateway(t, map[string][]string{lazada.PathSellableUpdate: tc.answers}, nil)
			err := c.PauseSale(context.Background(), target, readingsOf(skus), datasources.ActionMeta{})
			calls := g.of(lazada.PathSellableUpdate)
			if len(calls) != tc.tries+1 {
				t.Fatalf("%d calls, want the first batch %d times and the second once", len(calls), tc.tries)
			}
			for i := 1; i < tc.tries; i++ {
				if calls[i].form["payload"] != calls[0].form["payload"] {
					t.Fatalf("call %d is not the refused batch again", i+1)
				}
			}
			if got := payloadSKUs(t, calls[tc.tries].form["payload"]); len(got) != 10 || got[0] != "SKU-050" {
				t.Fatalf("the last call carried %v", got)
			}
			all := g.all()
			for _, r := range calls {
				if r.answer != okAnswer { // a refusal: a ban of a second
					noCallDuring(t, all, r, time.Second)
				}
			}
			if tc.words == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, lazada.PathSellableUpdate, datasources.ErrPartial, lazada.CodeAPICallLimit, true, tc.words...)
		})
	}
}

// TestBanHoldsEveryCallOfTheClient: a ban met by a read holds the change
// requests too — polls and actions spend one call budget.
func TestBanHoldsEveryCallOfTheClient(t *testing.T) {
	t.Parallel()
	g, c := newGateway(t, map[string][]string{
		lazada.PathSeller:         {`{"type":"ISV","code":"ApiCallLimit","message":"Api access frequency exceeds the limit. this ban will last 1 seconds.","request_id":"0b12"}`},
		lazada.PathSellableUpdate: anyOK,
	}, nil)
	err := c.Health(context.Background())
	if datasources.KindOf(err) != datasources.ErrRateLimited || datasources.RetryAfterOf(err) != time.Second {
		t.Fatalf("health: %v", err)
	}
	target := datasources.SaleTarget{SKUs: []string{"A"}}
	if err := c.PauseSale(context.Background(), target, readingsOf(target.SKUs), datasources.ActionMeta{}); err != nil {
		t.Fatal(err)
	}
	noCallDuring(t, g.all(), g.of(lazada.PathSeller)[0], time.Second)
	if n := len(g.of(lazada.PathSellableUpdate)); n != 1 {
		t.Fatalf("the pause went out %d times", n)
	}
}

// TestActionsRefusedBeforeSending: what cannot be right is never sent.
func TestActionsRefusedBeforeSending(t *testing.T) {
	products := `{"code":"0","data":{"products":[{"item_id":1,"skus":[{"SellerSku":"A","SkuId":2,"quantity":3,"price":"10.00"}]}]}}`
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		products string
		act      func(*lazada.Client) error
		kind     datasources.ErrorKind
		words    string
	}{
		{name: "pause without SKUs", kind: datasources.ErrRejected, words: "names no SKUs",
			act: func(c *lazada.Client) error {
				return c.PauseSale(ctx, datasources.SaleTarget{SKUs: []string{" "}}, readingsOf([]string{"A"}), datasources.ActionMeta{})
			}},
		{name: "pause of SKUs the reading does not show", kind: datasources.ErrRejected, words: "Lazada knows none of the sale's SKUs (B, C): nothing was sent",
			act: func(c *lazada.Client) error {
				return c.PauseSale(ctx, datasources.SaleTarget{SKUs: []string{"B", "C"}}, readingsOf([]string{"A"}), datasources.ActionMeta{})
			}},
		{name: "extend a SKU without a sale price", products: products, kind: datasources.ErrRejected,
			words: "Lazada does not know Z; A has no sale price and start to extend: nothing was sent",
			act: func(c *lazada.Client) error {
				return c.ExtendSale(ctx, datasources.SaleTarget{SKUs: []string{"A", "Z"}}, time.Now(), datasources.ActionMeta{})
			}},
		{name: "extend to no time", products: products, kind: datasources.ErrRejected, words: "no new sale end",
			act: func(c *lazada.Client) error {
				return c.ExtendSale(ctx, datasources.SaleTarget{SKUs: []string{"A"}}, time.Time{}, datasources.ActionMeta{})
			}},
		// The read before an extension failed: the kind stays (worth a
		// later try), and the words say nothing was sent.
		{name: "extend when the read fails", kind: datasources.ErrUnavailable, words: "nothing was sent: Backend service is unavailable",
			products: `{"type":"ISP","code":"ServiceUnavailable","message":"Backend service is unavailable","request_id":"0b13"}`,
			act: func(c *lazada.Client) error {
				return c.ExtendSale(ctx, datasources.SaleTarget{SKUs: []string{"A"}}, time.Now().Add(time.Hour), datasources.ActionMeta{})
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, c := newGateway(t, map[string][]string{lazada.PathProducts: {tc.products}}, nil)
			err := tc.act(c)
			if datasources.KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("got %v, want %v saying %q", err, tc.kind, tc.words)
			}
			for _, s := range g.all() {
				if s.path != lazada.PathProducts {
					t.Fatalf("sent %s", s.path)
				}
			}
		})
	}
}

// TestResumeOwedNothingSendsNothing: a resume is a step ("give these units
// back"); with nothing owed there is no step to take.
func TestResumeOwedNothingSendsNothing(t *testing.T) {
	g, c := newGateway(t, nil, nil)
	owed := datasources.SaleControl{SKUs: []datasources.StockReading{{SKU: "A", Sellable: 0}, {SKU: "B", Sellable: -3}, {SKU: "OTHER", Sellable: 5}}}
	if err := c.ResumeSale(context.Background(), datasources.SaleTarget{SKUs: []string{"A", "B"}}, owed, datasources.ActionMeta{}); err != nil {
		t.Fatal(err)
	}
	if n := len(g.all()); n != 0 {
		t.Fatalf("%d calls", n)
	}
}
