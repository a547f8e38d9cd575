package simulator

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// Lazada's stock and price updates, as Lazada documents them, read here
// independently of the client's writer:
//
//   - POST /product/stock/sellable/update (UpdateSellableQuantity) sets
//     sellable stock;
//   - POST /product/stock/sellable/adjust (AdjustSellableQuantity) adds to
//     it, or takes from it;
//   - POST /product/price_quantity/update (UpdatePriceQuantity) sets the
//     total stock (Quantity: sellable plus what orders reserve), the price,
//     the sale price and the sale price's window.
//
// Each takes an XML payload, Request/Product/Skus/Sku, of at most 50 SKUs,
// each named by SellerSku or SkuId (ItemId, when given, must be its item).
// The stock comes in one of two forms: the quantity directly under Sku,
// for the seller's first (default) warehouse, or one per warehouse under
// MultiWarehouseInventories/MultiWarehouseInventory with its WarehouseCode.
// Like a lenient gateway, an endpoint ignores the fields it does not take:
// a SellableQuantity sent to price_quantity/update changes nothing.

// lzStockAPI is one of the three update endpoints.
type lzStockAPI struct {
	name  string  // Lazada's name of the API
	op    StockOp // how its quantity moves the stock
	field string  // the element its quantity is in
	// tooMany is its error code for more than lzUpdateMax SKUs.
	tooMany string
	// listing: it takes Price, SalePrice, SaleStartDate and SaleEndDate.
	listing bool
}

var (
	lzSellableUpdate = lzStockAPI{name: "UpdateSellableQuantity", op: StockSet, field: "SellableQuantity", tooMany: "204"}
	lzSellableAdjust = lzStockAPI{name: "AdjustSellableQuantity", op: StockAdd, field: "SellableQuantity", tooMany: "204"}
	lzPriceQuantity  = lzStockAPI{name: "UpdatePriceQuantity", op: StockSetTotal, field: "Quantity", tooMany: "4171", listing: true}
)

const (
	// lzUpdateMax is the most SKUs one update takes.
	lzUpdateMax = 50
	// lzMaxQuantity bounds a quantity or a change of one, so that no sum
	// of them can overflow.
	lzMaxQuantity = 999_999_999
	// lzCodeStockLocked is Lazada's refusal to lower stock that a platform
	// campaign holds.
	lzCodeStockLocked = "4170"
	// lzCodeUpdateFailed is Lazada's overview refusal of a product update:
	// its detail[] says which SKU failed and why.
	lzCodeUpdateFailed = "501"
	// lzCodeNegativeSellable is AdjustSellableQuantity's refusal of a
	// change that would leave the sellable stock below 0.
	lzCodeNegativeSellable = "212"
)

// lzSaleLayouts are the sale-date forms UpdatePriceQuantity takes, in the
// market's zone: Lazada's documented yyyy-MM-dd, yyyy-MM-dd HH:mm (the
// special_time_format GetProducts reports) and the same with seconds.
var lzSaleLayouts = []string{lzMinuteLayout, lzSaleLayout, lzDateLayout}

type lzPayload struct {
	XMLName xml.Name `xml:"Request"`
	Skus    []lzSku  `xml:"Product>Skus>Sku"`
}

type lzSku struct {
	ItemID           string        `xml:"ItemId"`
	SkuID            string        `xml:"SkuId"`
	SellerSku        string        `xml:"SellerSku"`
	SellableQuantity *string       `xml:"SellableQuantity"`
	Quantity         *string       `xml:"Quantity"`
	Price            *string       `xml:"Price"`
	SalePrice        *string       `xml:"SalePrice"`
	SaleStartDate    *string       `xml:"SaleStartDate"`
	SaleEndDate      *string       `xml:"SaleEndDate"`
	Warehouses       []lzWarehouse `xml:"MultiWarehouseInventories>MultiWarehouseInventory"`
}

type lzWarehouse struct {
	WarehouseCode    string  `xml:"WarehouseCode"`
	SellableQuantity *string `xml:"SellableQuantity"`
	Quantity         *string `xml:"Quantity"`
}

// quantity is the element of the API's quantity in a Sku or a warehouse.
func (a lzStockAPI) quantity(sellable, total *string) *string {
	if a.op == StockSetTotal {
		return total
	}
	return sellable
}

// given is an element's trimmed text; an absent or empty element (the
// legacy API's <Price/>) is not given.
func given(p *string) (string, bool) {
	if p == nil {
		return "", false
	}
	v := strings.TrimSpace(*p)
	return v, v != ""
}

// lzProblem is a refusal of one SKU: Lazada's code for it (the overview
// 501 unless another is documented) and the detail entry naming it.
type lzProblem struct {
	code   string
	detail lzDetail
}

// lzCodeWords are the messages of the codes a refusal of an update may
// carry, as Lazada's API reference words them.
var lzCodeWords = map[string]string{
	lzCodeUpdateFailed:     "E501: Update product failed",
	lzCodeNegativeSellable: "INV_NEGATIVE_SELLABLE: the sellable inventory cannot be negative",
	"4104":                 "BIZ_CHECK_PRICE_PRECISION_INVALID",
	"4117":                 "BIZ_CHECK_SPECIAL_PRICE_FROM_DATE_AFTER_TO_DATE",
	"4118":                 "BIZ_CHECK_PRICE_IS_ZERO",
	"4119":                 "BIZ_CHECK_SPECIAL_PRICE_RATE_OUT_OF_RANGE",
	"4121":                 "BIZ_CHECK_SPECIAL_PRICE_PRECISION_INVALID",
}

// lzCodeRank orders the codes of a refusal with several problems: the
// answer carries the first, and every problem in its detail.
var lzCodeRank = []string{lzCodeStockLocked, lzCodeNegativeSellable, "4117", "4119", "4118", "4104", "4121", lzCodeUpdateFailed}

// stockUpdate serves one of the update endpoints.
func (d *lazadaDialect) stockUpdate(api lzStockAPI) func(http.ResponseWriter, *http.Request, map[string]string) {
	return func(w http.ResponseWriter, r *http.Request, p map[string]string) {
		pl, ok := d.readPayload(w, api, p["payload"])
		if !ok {
			return
		}
		updates := make([]SKUUpdate, 0, len(pl.Skus))
		var problems []lzProblem
		for _, u := range pl.Skus {
			su, pr := d.readSku(api, u)
			if pr != nil {
				problems = append(problems, *pr)
				continue
			}
			updates = append(updates, su)
		}
		if len(problems) > 0 {
			d.refuse(w, problems)
			return
		}
		res, ok := d.b.CheckSKUs(updates)
		if !ok {
			d.refuse(w, d.bookProblems(api, res))
			return
		}
		op := lzOp(updates, res)
		var f ActionFault
		if op != "" {
			var done bool
			if f, done = d.takeFault(w, op); done {
				return
			}
		}
		var detail []lzDetail
		if f.Mode == "detail" {
			updates, detail = lzDetailFault(api, updates, f)
		}
		if res, ok := d.b.UpdateSKUs(updates); !ok {
			// The stock moved since the check (an order came in).
			d.refuse(w, d.bookProblems(api, res))
			return
		}
		if op != "" && len(updates) > 0 {
			d.b.CountAction(op)
		}
		hold(r, f)
		out := map[string]any{"code": "0", "data": map[string]any{}, "request_id": d.requestID()}
		if len(detail) > 0 {
			out["detail"] = detail
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// readPayload reads an update's payload, refusing it as a whole when it is
// missing, not the documented XML, empty, or too long.
func (d *lazadaDialect) readPayload(w http.ResponseWriter, api lzStockAPI, raw string) (lzPayload, bool) {
	var pl lzPayload
	if strings.TrimSpace(raw) == "" {
		d.fail(w, "ISV", "MissingParameter", "The input parameter \"payload\" that is mandatory for processing this request is not supplied")
		return pl, false
	}
	if err := xml.Unmarshal([]byte(raw), &pl); err != nil {
		d.fail(w, "ISV", "5", "E005: Invalid Request Format: the payload is not Request/Product/Skus/Sku XML: "+err.Error())
		return pl, false
	}
	switch n := len(pl.Skus); {
	case n == 0:
		d.fail(w, "ISV", "30", "E030: Empty Request: the payload has no Request/Product/Skus/Sku")
		return pl, false
	case n > lzUpdateMax && api.tooMany == "4171":
		d.fail(w, "ISV", api.tooMany, fmt.Sprintf("The updated SKU quantity exceeds the maximum number 50, please do not update more than 50 SKUs at once (%d SKUs)", n))
		return pl, false
	case n > lzUpdateMax:
		d.fail(w, "ISV", api.tooMany, fmt.Sprintf("E204: Too many SKU in one request: %d SKUs, at most 50", n))
		return pl, false
	}
	return pl, true
}

// readSku reads one Sku of a payload into the book's update, or says what
// is wrong with it.
func (d *lazadaDialect) readSku(api lzStockAPI, u lzSku) (SKUUpdate, *lzProblem) {
	sku, pr := d.identify(u)
	if pr != nil {
		return SKUUpdate{}, pr
	}
	bad := func(field, format string, args ...any) (SKUUpdate, *lzProblem) {
		return SKUUpdate{}, &lzProblem{code: lzCodeUpdateFailed, detail: lzDetail{Field: field, SellerSku: sku, Message: fmt.Sprintf(format, args...)}}
	}
	su := SKUUpdate{SKU: sku}
	direct, hasDirect := given(api.quantity(u.SellableQuantity, u.Quantity))
	if hasDirect && slices.ContainsFunc(u.Warehouses, func(wh lzWarehouse) bool {
		_, ok := given(api.quantity(wh.SellableQuantity, wh.Quantity))
		return ok
	}) {
		return bad(api.field, "give %s or MultiWarehouseInventories, not both", api.field)
	}
	if hasDirect {
		n, msg := lzQuantity(api, direct)
		if msg != "" {
			return bad(api.field, "%s", msg)
		}
		su.Stock = append(su.Stock, WarehouseChange{Op: api.op, N: n})
	}
	for _, wh := range u.Warehouses {
		code := strings.TrimSpace(wh.WarehouseCode)
		v, ok := given(api.quantity(wh.SellableQuantity, wh.Quantity))
		switch {
		case !ok && api.listing:
			continue // price and quantity: a warehouse of other fields is ignored
		case code == "":
			return bad("WarehouseCode", "a MultiWarehouseInventory needs its WarehouseCode")
		case !ok:
			return bad(api.field, "the %s of warehouse %s is missing", api.field, code)
		}
		n, msg := lzQuantity(api, v)
		if msg != "" {
			return bad(api.field, "warehouse %s: %s", code, msg)
		}
		su.Stock = append(su.Stock, WarehouseChange{Warehouse: code, Op: api.op, N: n})
	}
	if !api.listing {
		if len(su.Stock) == 0 {
			return bad(api.field, "%s is missing", api.field)
		}
		return su, nil
	}
	// UpdatePriceQuantity: every field is optional, and one it does not
	// take is ignored.
	for _, f := range []struct {
		name, zero, precision string
		v                     *string
		to                    **datasources.Money
	}{
		{"Price", "4118", "4104", u.Price, &su.Price},
		{"SalePrice", "4118", "4121", u.SalePrice, &su.SalePrice},
	} {
		v, ok := given(f.v)
		if !ok {
			continue
		}
		m, err := jsonx.ParseMoney(v)
		_, frac, _ := strings.Cut(v, ".")
		switch {
		case err != nil:
			return bad(f.name, "%s %q is not an amount like 1099.00", f.name, v)
		case len(frac) > 2:
			return SKUUpdate{}, &lzProblem{code: f.precision, detail: lzDetail{Field: f.name, SellerSku: sku, Message: fmt.Sprintf("%s %q has more than two decimals", f.name, v)}}
		case m <= 0:
			return SKUUpdate{}, &lzProblem{code: f.zero, detail: lzDetail{Field: f.name, SellerSku: sku, Message: fmt.Sprintf("%s %q is not above 0", f.name, v)}}
		case m > lzMaxQuantity*100:
			return bad(f.name, "%s %q is too large", f.name, v)
		}
		*f.to = &m
	}
	for _, f := range []struct {
		name string
		v    *string
		to   **time.Time
	}{
		{"SaleStartDate", u.SaleStartDate, &su.SaleStart},
		{"SaleEndDate", u.SaleEndDate, &su.SaleEnd},
	} {
		v, ok := given(f.v)
		if !ok {
			continue
		}
		t, ok := d.saleTime(v)
		if !ok {
			return bad(f.name, "%s %q is not a date like 2017-08-31 15:04, 2017-08-31 15:04:05 or 2017-08-31", f.name, v)
		}
		*f.to = &t
	}
	return su, nil
}

// identify finds a Sku's SKU: by SellerSku, or else by SkuId; an ItemId or
// SkuId given beside it must be the SKU's.
func (d *lazadaDialect) identify(u lzSku) (string, *lzProblem) {
	seller, skuID, itemID := strings.TrimSpace(u.SellerSku), strings.TrimSpace(u.SkuID), strings.TrimSpace(u.ItemID)
	bad := func(field, msg string) (string, *lzProblem) {
		return "", &lzProblem{code: lzCodeUpdateFailed, detail: lzDetail{Field: field, SellerSku: seller, Message: msg}}
	}
	var i int32
	switch {
	case seller != "":
		idx, ok := d.b.skuIdx[seller]
		if !ok || d.b.spec.Allocated[seller] == 0 {
			return bad("SellerSku", fmt.Sprintf("SKU_NOT_FOUND: SellerSku %q does not exist", seller))
		}
		i = idx
	case skuID != "":
		n, err := strconv.ParseInt(skuID, 10, 64)
		idx := n - lzSkuIDBase
		if err != nil || idx < 0 || idx >= int64(len(d.b.skus)) || d.b.spec.Allocated[d.b.skus[idx].SKU] == 0 {
			return bad("SkuId", fmt.Sprintf("SKU_NOT_FOUND: SkuId %q does not exist", skuID))
		}
		i = int32(idx)
	default:
		return bad("SellerSku", "a Sku needs its SellerSku or SkuId")
	}
	sku := d.b.skus[i].SKU
	if skuID != "" && skuID != strconv.FormatInt(lzSkuIDOf(i), 10) {
		return "", &lzProblem{code: lzCodeUpdateFailed, detail: lzDetail{Field: "SkuId", SellerSku: sku,
			Message: fmt.Sprintf("SkuId %s is not the SkuId of SellerSku %s (%d)", skuID, sku, lzSkuIDOf(i))}}
	}
	if itemID != "" && itemID != strconv.FormatInt(lzItemIDOf(i), 10) {
		return "", &lzProblem{code: lzCodeUpdateFailed, detail: lzDetail{Field: "ItemId", SellerSku: sku,
			Message: fmt.Sprintf("ITEM_NOT_FOUND: ItemId %s is not the item of SKU %s (%d)", itemID, sku, lzItemIDOf(i))}}
	}
	return sku, nil
}

// lzQuantity reads a quantity; msg says what is wrong with it. Only
// AdjustSellableQuantity's change may be negative.
func lzQuantity(api lzStockAPI, v string) (n int, msg string) {
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, fmt.Sprintf("%s %q is not a whole number", api.field, v)
	case n < 0 && api.op != StockAdd:
		return 0, fmt.Sprintf("%s %d: the quantity cannot be negative", api.field, n)
	case n > lzMaxQuantity || n < -lzMaxQuantity:
		return 0, fmt.Sprintf("%s %d is too large", api.field, n)
	}
	return n, ""
}

// saleTime reads a sale date in the market's zone, at the minute
// precision Lazada keeps: seconds are dropped.
func (d *lazadaDialect) saleTime(v string) (time.Time, bool) {
	for _, layout := range lzSaleLayouts {
		if t, err := time.ParseInLocation(layout, v, d.loc()); err == nil {
			return t.Truncate(time.Minute), true
		}
	}
	return time.Time{}, false
}

// bookProblems are the book's refusals of an update, in Lazada's codes.
func (d *lazadaDialect) bookProblems(api lzStockAPI, res []SKUResult) []lzProblem {
	var out []lzProblem
	for _, r := range res {
		if r.Err == nil {
			continue
		}
		p := lzProblem{code: lzCodeUpdateFailed, detail: lzDetail{Field: api.field, SellerSku: r.SKU, Message: r.Err.Error()}}
		switch {
		case errors.Is(r.Err, ErrLocked):
			p.code = lzCodeStockLocked
			p.detail.Message = "This SKU is participating in a special Campaign, so this SKU can't be updated to set stock less than current stock: " + r.Err.Error()
		case errors.Is(r.Err, ErrNegativeStock) && api.op == StockAdd:
			p.code = lzCodeNegativeSellable
			p.detail.Message = "The updated Sellable Inventory Quantity cannot be negative: " + r.Err.Error()
		case errors.Is(r.Err, ErrNoSuchWarehouse):
			p.detail.Field = "WarehouseCode"
		case errors.Is(r.Err, ErrNoSuchSKU):
			p.detail.Field = "SellerSku"
		case errors.Is(r.Err, ErrInCampaign):
			p.detail.Field = "SalePrice"
			p.detail.Message = "Sku edit was blocked by tag/ This product is under campaign participation (THD_IC_ERR_F_IC_ABILITY_PG_004)"
		case errors.Is(r.Err, ErrSaleWindow):
			p.code, p.detail.Field = "4117", "SaleStartDate"
		case errors.Is(r.Err, ErrSalePrice):
			p.code, p.detail.Field = "4119", "SalePrice"
		}
		out = append(out, p)
	}
	return out
}

// refuse answers a refused update: nothing was applied. The answer
// carries the weightiest code of its problems and names every SKU in
// detail[].
func (d *lazadaDialect) refuse(w http.ResponseWriter, problems []lzProblem) {
	code := lzCodeUpdateFailed
	for _, c := range lzCodeRank {
		if slices.ContainsFunc(problems, func(p lzProblem) bool { return p.code == c }) {
			code = c
			break
		}
	}
	detail := make([]lzDetail, len(problems))
	for i, p := range problems {
		detail[i] = p.detail
	}
	e := lzError{Type: "ISV", Code: code, Message: lzCodeWords[code], Detail: detail, RequestID: d.requestID()}
	switch code {
	case lzCodeUpdateFailed:
		e.Type = "ISP" // a refusal with a reason in detail[], not an outage
	case lzCodeStockLocked:
		e.Message = d.lockedMessage(detail)
	}
	writeJSON(w, http.StatusOK, e)
}

// lockedMessage is 4170's message, with the window of the campaign that
// holds the first locked SKU named.
func (d *lazadaDialect) lockedMessage(detail []lzDetail) string {
	from := d.b.Now()
	for _, s := range d.b.Stock() {
		if len(detail) > 0 && s.SKU == detail[0].SellerSku && s.Locked > 0 {
			from = s.LockedFrom
		}
	}
	from = from.In(d.loc())
	return fmt.Sprintf("During the Mega Campaign, there are restrictions for stock adjustments in effect between %s - %s. "+
		"Sellers can increase stocks, but may not decrease stocks.", from.Format(lzSaleLayout), from.Add(lzCampaignLength).Format(lzSaleLayout))
}

// lzOp names an update for faults and counting: a sale end sent is an
// extension; a stock change that leaves every SKU without sellable stock,
// or only lowers it, a pause; any other stock change a resume. An update
// of neither (a price, or only fields the endpoint ignores) is none.
func lzOp(us []SKUUpdate, res []SKUResult) string {
	stock, zero, raised, lowered := false, true, false, false
	for k, u := range us {
		if u.SaleEnd != nil {
			return OpExtend
		}
		if len(u.Stock) == 0 {
			continue
		}
		stock = true
		zero = zero && res[k].After == 0
		raised = raised || res[k].After > res[k].Before
		lowered = lowered || res[k].After < res[k].Before
	}
	switch {
	case !stock:
		return ""
	case zero, lowered && !raised:
		return OpPause
	}
	return OpResume
}

// lzDetailFault splits an update for a "detail" fault: the SKUs the fault
// names (or, when it names none, the first and every other one after it)
// fail in detail[]; the rest are applied.
func lzDetailFault(api lzStockAPI, us []SKUUpdate, f ActionFault) (apply []SKUUpdate, detail []lzDetail) {
	for k, u := range us {
		fails := k%2 == 0
		if len(f.SKUs) > 0 {
			fails = slices.Contains(f.SKUs, u.SKU)
		}
		if !fails {
			apply = append(apply, u)
			continue
		}
		detail = append(detail, lzDetail{Field: api.field, SellerSku: u.SKU, Message: "E501: Update product failed: the inventory service did not take this SKU, retry it"})
	}
	return apply, detail
}
