package lazada

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// Lazada has no flash-sale switch. A seller's flash sale is a sale price
// with a window (SaleStartDate/SaleEndDate) plus limited sellable stock, so
// the Controller works through stock and dates, each with the endpoint
// Lazada documents for it:
//
//   - pause: /product/stock/sellable/update sets each SKU's sellable stock
//     to 0 (absolute: sending it twice is still 0);
//   - resume: /product/stock/sellable/adjust adds back what the pause took
//     (a delta, so units that came back during the pause — a cancellation,
//     an unpaid order released after 30 minutes — are kept, where an
//     absolute value would overwrite them);
//   - extend: /product/price_quantity/update with SalePrice, SaleStartDate
//     and a later SaleEndDate, at minute precision in the market's zone.
//     Never Quantity: in that payload it is the *total* stock, and sending
//     it would change what the seller holds.
//
// Each endpoint takes at most UpdateBatch SKUs a call (20 advised), XML in
// a form field named payload.

// UpdateBatch is the most SKUs one stock or price update carries: Lazada
// takes at most 50 (and advises 20). More SKUs go out in several calls.
const UpdateBatch = 50

// Lazada error codes of the updates.
const (
	// CodeStockLocked is 4170: inside a mega-campaign window stock may be
	// raised but not lowered. A pause cannot take effect there until the
	// window ends; never worth repeating before.
	CodeStockLocked = "4170"
	// CodeUpdateFailed is 501, "Update product failed": an overview code
	// whose reason per SKU is in detail[]. Lazada types it ISP, but it is
	// a refusal with a reason, not an outage.
	CodeUpdateFailed = "501"
	// CodeNegativeSellable is 212: an adjustment would take the sellable
	// stock below 0.
	CodeNegativeSellable = "212"
)

// saleDateLayout is how a sale window is sent: market-local time at minute
// precision, as GetProducts reports it (special_time_format
// "yyyy-MM-dd HH:mm").
const saleDateLayout = "2006-01-02 15:04"

// maxListed is how many SKUs an error message names before "… and N more".
const maxListed = 20

// rateLimitTries is how often one batch refused for a rate limit is sent
// again, once the ban is over (the pacer holds every call until then): a
// refusal applied nothing, so sending it again cannot apply it twice.
const rateLimitTries = 5

// ReadSale reads the sale's SKUs through /products/get. Paused is true when
// there is at least one SKU and every one has sellable stock 0 (the way
// PauseSale pauses); End is the earliest sale end among the SKUs that have
// one. SKUs Lazada does not know are left out of the readings.
func (c *Client) ReadSale(ctx context.Context, t datasources.SaleTarget) (datasources.SaleControl, error) {
	skus := uniqueSKUs(t.SKUs)
	if len(skus) == 0 {
		return datasources.SaleControl{}, c.refused(PathProducts, "the sale names no SKUs on this channel: nothing to read")
	}
	rs, err := c.Stock(ctx, skus)
	if err != nil {
		return datasources.SaleControl{}, err
	}
	return saleControl(rs), nil
}

func saleControl(rs []datasources.StockReading) datasources.SaleControl {
	sc := datasources.SaleControl{Paused: len(rs) > 0, ByStock: true, SKUs: rs}
	for _, r := range rs {
		if r.Sellable != 0 {
			sc.Paused = false
		}
		if !r.SaleEnd.IsZero() && (sc.End.IsZero() || r.SaleEnd.Before(sc.End)) {
			sc.End = r.SaleEnd
		}
	}
	return sc
}

// PauseSale sets the sellable stock of every SKU that before shows to 0
// through /product/stock/sellable/update: in the configured warehouse, or
// in each warehouse the SKU lists. Units already sold stay sold; units of
// orders cancelled later return to the sellable stock, as on Lazada they
// always do.
func (c *Client) PauseSale(ctx context.Context, t datasources.SaleTarget, before datasources.SaleControl, _ datasources.ActionMeta) error {
	skus := uniqueSKUs(t.SKUs)
	if len(skus) == 0 {
		return c.refused(PathSellableUpdate, "the sale names no SKUs on this channel: nothing was sent")
	}
	by := readingsBySKU(before.SKUs)
	items := make([]skuUpdate, 0, len(skus))
	var unknown []string
	for _, s := range skus {
		r, ok := by[s]
		if !ok {
			unknown = append(unknown, s)
			continue
		}
		items = append(items, c.stockItem(r, func(datasources.WarehouseStock) int { return 0 }))
	}
	if len(items) == 0 {
		return c.refused(PathSellableUpdate, "Lazada knows none of the sale's SKUs ("+listSKUs(unknown)+"): nothing was sent")
	}
	return c.update(ctx, PathSellableUpdate, items)
}

// CapStock lowers each SKU's sellable stock to at most units[SKU], never
// raising it: the warehouses keep their units in the order Lazada lists
// them until the cap is reached. The sale goes on between the read
// (before) and the calls, so no warehouse is written back a quantity
// computed from the read, which would make sellable again every unit sold
// in between — an oversell, on the very rows a cap is for. A warehouse
// that keeps nothing is set to 0 through /product/stock/sellable/update (0
// stays right whatever sold since); one that keeps part of its units is
// lowered by what it had over through /product/stock/sellable/adjust (a
// delta, which keeps the sales in between; should they leave it with less
// than the delta, Lazada refuses it with 212 and the cap fails, to be
// retried on a fresh read). Warehouses within the cap are not sent. The
// zeros go first; if they fail, the deltas are not sent. A SKU Lazada did
// not return in before is not sent; when every SKU is already within its
// cap nothing is sent and nothing is wrong.
func (c *Client) CapStock(ctx context.Context, t datasources.SaleTarget, before datasources.SaleControl, units map[string]int, _ datasources.ActionMeta) error {
	by := readingsBySKU(before.SKUs)
	var zeros, deltas []skuUpdate
	var unknown []string
	known := 0
	for _, s := range uniqueSKUs(t.SKUs) {
		n, ok := units[s]
		if !ok {
			continue
		}
		r, ok := by[s]
		if !ok {
			unknown = append(unknown, s)
			continue
		}
		known++
		z, d := c.capItems(r, max(n, 0))
		if z != nil {
			zeros = append(zeros, *z)
		}
		if d != nil {
			deltas = append(deltas, *d)
		}
	}
	switch {
	case len(zeros)+len(deltas) > 0:
		if len(zeros) > 0 {
			if err := c.update(ctx, PathSellableUpdate, zeros); err != nil {
				return err
			}
		}
		if len(deltas) > 0 {
			return c.update(ctx, PathSellableAdjust, deltas)
		}
		return nil
	case known > 0:
		return nil // every SKU already within its cap
	case len(unknown) > 0:
		return c.refused(PathSellableAdjust, "Lazada knows none of the SKUs to cap ("+listSKUs(unknown)+"): nothing was sent")
	}
	return c.refused(PathSellableAdjust, "no SKU of this sale to cap: nothing was sent")
}

// capItems are what caps r at limit units: the warehouses (in the
// single-warehouse form, the SKU) that keep nothing, set to 0, and those
// that keep part of their units, each lowered by what it has over; nil
// for none.
func (c *Client) capItems(r datasources.StockReading, limit int) (zeros, deltas *skuUpdate) {
	left := limit
	keeps := map[string]int{} // what each lowered warehouse keeps, by code ("" in the single-warehouse form)
	u := c.stockItem(r, func(w datasources.WarehouseStock) int {
		have := max(w.Sellable, 0)
		keep := min(have, left)
		left -= keep
		if keep < have {
			keeps[w.Code] = keep
		}
		return keep - have
	})
	if u.Warehouses == nil {
		keep, lowered := keeps[""]
		switch {
		case !lowered:
		case keep == 0:
			zero := 0
			z := u
			z.SellableQuantity = &zero
			zeros = &z
		default:
			deltas = &u
		}
		return zeros, deltas
	}
	z, d := u, u
	z.Warehouses, d.Warehouses = &warehouseList{}, &warehouseList{}
	for _, w := range u.Warehouses.Items {
		switch keep, lowered := keeps[w.Code]; {
		case !lowered:
		case keep == 0:
			z.Warehouses.Items = append(z.Warehouses.Items, warehouseQty{Code: w.Code, SellableQuantity: 0})
		default:
			d.Warehouses.Items = append(d.Warehouses.Items, w)
		}
	}
	if len(z.Warehouses.Items) > 0 {
		zeros = &z
	}
	if len(d.Warehouses.Items) > 0 {
		deltas = &d
	}
	return zeros, deltas
}

// ResumeSale adds back, through /product/stock/sellable/adjust, the units
// owed lists per SKU (and warehouse): what pauses took and no resume has
// given back. A SKU owed nothing is left alone; with nothing owed at all,
// nothing is sent.
func (c *Client) ResumeSale(ctx context.Context, t datasources.SaleTarget, owed datasources.SaleControl, _ datasources.ActionMeta) error {
	want := map[string]bool{}
	for _, s := range uniqueSKUs(t.SKUs) {
		want[s] = true
	}
	var items []skuUpdate
	for _, r := range owed.SKUs {
		if !want[r.SKU] || r.Sellable <= 0 {
			continue
		}
		items = append(items, c.stockItem(r, func(w datasources.WarehouseStock) int { return w.Sellable }))
	}
	if len(items) == 0 {
		return nil
	}
	return c.update(ctx, PathSellableAdjust, items)
}

// stockItem is one SKU of a stock update: the single-warehouse form
// (Sku/SellableQuantity) for a SKU with no configured code that lists no
// warehouse or only the seller's own (dropshipping), the multi-warehouse
// form (one MultiWarehouseInventory per warehouse) otherwise, as Lazada
// asks: single-warehouse sellers must not use the multi-warehouse form,
// and the single-warehouse form only ever changes the dropshipping
// warehouse, so a SKU whose one listed warehouse is another one (a
// multi-warehouse seller whose other warehouses are out of stock, which
// Lazada then leaves out) must name it.
func (c *Client) stockItem(r datasources.StockReading, qty func(datasources.WarehouseStock) int) skuUpdate {
	u := skuUpdate{ItemID: r.ItemID, SkuID: r.SkuID, SellerSku: r.SKU}
	whs := r.Warehouses
	if c.wh != "" && len(whs) == 0 {
		// The configured warehouse lists nothing for this SKU now (Lazada
		// leaves out warehouses without stock): address it all the same.
		whs = []datasources.WarehouseStock{{Code: c.wh, Sellable: r.Sellable}}
	}
	if c.wh == "" && (len(whs) == 0 || len(whs) == 1 && isDefaultWarehouse(whs[0].Code)) {
		n := qty(datasources.WarehouseStock{Sellable: r.Sellable})
		u.SellableQuantity = &n
		return u
	}
	u.Warehouses = &warehouseList{}
	for _, w := range whs {
		u.Warehouses.Items = append(u.Warehouses.Items, warehouseQty{Code: w.Code, SellableQuantity: qty(w)})
	}
	return u
}

// defaultWarehouse is the code of a seller's own warehouse, the one the
// single-warehouse form of a stock update changes ("only updates
// dropshipping warehouse"; Lazada writes it in either case).
const defaultWarehouse = "dropshipping"

// isDefaultWarehouse reports whether code is the seller's own warehouse,
// or no code at all (a reading that named none).
func isDefaultWarehouse(code string) bool {
	code = strings.TrimSpace(code)
	return code == "" || strings.EqualFold(code, defaultWarehouse)
}

// ExtendSale moves every SKU's SaleEndDate to until, rounded up to the
// minute (Lazada keeps sale times to the minute). Lazada takes a sale end
// only with the sale price and start beside it, so they are read first
// (/products/get) and sent unchanged.
func (c *Client) ExtendSale(ctx context.Context, t datasources.SaleTarget, until time.Time, _ datasources.ActionMeta) error {
	skus := uniqueSKUs(t.SKUs)
	switch {
	case len(skus) == 0:
		return c.refused(PathPriceQuantity, "the sale names no SKUs on this channel: nothing was sent")
	case until.IsZero():
		return c.refused(PathPriceQuantity, "no new sale end given: nothing was sent")
	}
	rs, err := c.Stock(ctx, skus)
	if err != nil {
		return nothingSent(err)
	}
	items, err := c.extendItems(skus, rs, CeilMinute(until))
	if err != nil {
		return err
	}
	return c.update(ctx, PathPriceQuantity, items)
}

// extendItems builds the extension of each SKU from its reading. SKUs that
// Lazada does not know, or that have no sale price, cannot be extended:
// they are named and nothing is sent.
func (c *Client) extendItems(skus []string, rs []datasources.StockReading, until time.Time) ([]skuUpdate, error) {
	by := readingsBySKU(rs)
	end := until.In(c.loc).Format(saleDateLayout)
	items := make([]skuUpdate, 0, len(skus))
	var unknown, noSale []string
	for _, s := range skus {
		r, ok := by[s]
		switch {
		case !ok:
			unknown = append(unknown, s)
		case r.SalePrice <= 0 || r.SaleStart.IsZero():
			noSale = append(noSale, s)
		default:
			items = append(items, skuUpdate{
				ItemID: r.ItemID, SkuID: r.SkuID, SellerSku: s,
				SalePrice:     formatMoney(r.SalePrice),
				SaleStartDate: r.SaleStart.In(c.loc).Format(saleDateLayout),
				SaleEndDate:   end,
			})
		}
	}
	var why []string
	if len(unknown) > 0 {
		why = append(why, "Lazada does not know "+listSKUs(unknown))
	}
	if len(noSale) > 0 {
		why = append(why, listSKUs(noSale)+" has no sale price and start to extend")
	}
	if len(why) > 0 {
		return nil, c.refused(PathPriceQuantity, strings.Join(why, "; ")+": nothing was sent")
	}
	return items, nil
}

// skuUpdate is one <Sku> of an update payload. Fields left empty are not
// sent, so Lazada leaves them as they are.
type skuUpdate struct {
	ItemID           string         `xml:"ItemId,omitempty"`
	SkuID            string         `xml:"SkuId,omitempty"`
	SellerSku        string         `xml:"SellerSku"`
	SellableQuantity *int           `xml:"SellableQuantity,omitempty"`
	Warehouses       *warehouseList `xml:"MultiWarehouseInventories,omitempty"`
	SalePrice        string         `xml:"SalePrice,omitempty"`
	SaleStartDate    string         `xml:"SaleStartDate,omitempty"`
	SaleEndDate      string         `xml:"SaleEndDate,omitempty"`
}

type warehouseList struct {
	Items []warehouseQty `xml:"MultiWarehouseInventory"`
}

type warehouseQty struct {
	Code             string `xml:"WarehouseCode"`
	SellableQuantity int    `xml:"SellableQuantity"`
}

type updateRequest struct {
	XMLName xml.Name    `xml:"Request"`
	Skus    []skuUpdate `xml:"Product>Skus>Sku"`
}

// xmlHeader is the declaration Lazada's examples start a payload with.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>`

// updatePayload writes the XML payload of one update. encoding/xml escapes
// the seller SKUs, which are the seller's free text.
func updatePayload(items []skuUpdate) (string, error) {
	b, err := xml.Marshal(updateRequest{Skus: items})
	if err != nil {
		return "", err
	}
	return xmlHeader + string(b), nil
}

// batchResult is what became of the SKUs of one update, as its answer
// says: applied (answered OK with no problem named for them), refused
// (with the channel's reason), or open (no clear answer: a read-back
// decides).
type batchResult struct {
	applied []string
	refused []skuProblem
	open    []string
	// err is the batch's error when the whole batch was refused or its
	// answer lost (nil when answered OK).
	err *datasources.Error
}

// update sends items in batches of UpdateBatch, in order, every batch
// whatever became of the one before (a pause half sent stops less than a
// pause that stops at its first refusal). A batch refused for a rate limit
// is sent again once the ban is over. The error sums up the batches: nil
// when every SKU was answered OK; the first failing batch's own kind when
// every SKU shares one fate (all refused, or all without a clear answer:
// a timeout stays a timeout); ErrPartial when SKUs fared differently, so
// the caller reads the channel back.
func (c *Client) update(ctx context.Context, op string, items []skuUpdate) error {
	var all batchResult
	for start := 0; start < len(items); start += UpdateBatch {
		batch := items[start:min(start+UpdateBatch, len(items))]
		if err := ctx.Err(); err != nil {
			all.open = append(all.open, skusOf(items[start:])...)
			all.err = orFirst(all.err, &datasources.Error{Channel: c.id, Op: op, Kind: datasources.ErrTimeout, Message: "the action ran out of time before every SKU was sent", Err: err})
			break
		}
		r := c.updateBatch(ctx, op, batch)
		all.applied = append(all.applied, r.applied...)
		all.refused = append(all.refused, r.refused...)
		all.open = append(all.open, r.open...)
		if r.err != nil {
			all.err = orFirst(all.err, r.err)
		}
	}
	return c.summarise(op, all, len(items))
}

func orFirst(a, b *datasources.Error) *datasources.Error {
	if a != nil {
		return a
	}
	return b
}

// updateBatch sends one batch, again after a rate-limit refusal.
func (c *Client) updateBatch(ctx context.Context, op string, batch []skuUpdate) batchResult {
	payload, err := updatePayload(batch)
	if err != nil {
		e := c.refused(op, "the update could not be written as XML, nothing was sent: "+err.Error())
		return batchResult{refused: problemsFor(batch, e.Message), err: e}
	}
	for try := 1; ; try++ {
		env, err := c.exchange(ctx, actionPOST, op, map[string]string{"payload": payload})
		if err != nil {
			de := asError(err, c.id, op)
			if !datasources.OutcomeUnknown(err) {
				return batchResult{refused: problemsFor(batch, de.Error()), err: de}
			}
			return batchResult{open: skusOf(batch), err: de}
		}
		if env.ok() {
			return c.answeredOK(batch, env)
		}
		e := c.updateError(op, env, batch)
		if e.Kind == datasources.ErrRateLimited && try < rateLimitTries && ctx.Err() == nil {
			continue // the client's pacer holds this call until the ban is over
		}
		return c.refusedBatch(batch, env, e)
	}
}

// answeredOK reads an answer of code 0: every SKU applied, except those
// its detail[] names, which Lazada refused in the same answer.
func (c *Client) answeredOK(batch []skuUpdate, env envelope) batchResult {
	probs := updateProblems(env.Detail)
	if len(probs) == 0 {
		return batchResult{applied: skusOf(batch)}
	}
	var r batchResult
	named := map[string]bool{}
	for _, p := range probs {
		if p.sku != "" {
			named[p.sku] = true
			r.refused = append(r.refused, p)
		}
	}
	for _, s := range skusOf(batch) {
		if !named[s] {
			if len(named) == 0 {
				// Problems that name no SKU: which SKU failed is not
				// known, so none is called applied.
				r.open = append(r.open, s)
			} else {
				r.applied = append(r.applied, s)
			}
		}
	}
	if len(named) == 0 {
		r.err = &datasources.Error{Channel: c.id, Kind: datasources.ErrPartial, Code: "0",
			Message: "Lazada answered OK with problems that name no SKU: " + describeProblems(probs)}
	}
	return r
}

// refusedBatch reads a refused batch: the SKUs its detail[] names are
// refused with their reasons; the others are refused too when the answer
// names none, and open otherwise (Lazada may have applied them). A
// backend failure (an ISP error other than 501) is no refusal: whether it
// applied anything is unknown, so the SKUs it does not name are open.
func (c *Client) refusedBatch(batch []skuUpdate, env envelope, e *datasources.Error) batchResult {
	probs := updateProblems(env.Detail)
	named := map[string]bool{}
	r := batchResult{err: e}
	for _, p := range probs {
		if p.sku != "" {
			named[p.sku] = true
			if p.msg == "" {
				p.msg = e.Message
			}
			r.refused = append(r.refused, p)
		}
	}
	for _, s := range skusOf(batch) {
		switch {
		case named[s]:
		case len(named) == 0 && !datasources.OutcomeUnknown(e):
			r.refused = append(r.refused, skuProblem{sku: s, msg: e.Message})
		default:
			r.open = append(r.open, s)
		}
	}
	return r
}

// summarise turns the batches' results into the update's error.
func (c *Client) summarise(op string, r batchResult, total int) error {
	if len(r.refused) == 0 && len(r.open) == 0 {
		return nil
	}
	first := r.err
	if first == nil {
		first = &datasources.Error{Channel: c.id, Op: op, Kind: datasources.ErrPartial}
	}
	out := *first
	out.Op = op
	out.Err = first
	// Every SKU refused, or every one without a clear answer where the
	// failure itself leaves the outcome open (a timeout, a backend
	// failure), is one fate: the failing batch's kind says it. Anything
	// else — some applied, or some refused and some open — leaves the
	// channel in between, and the caller reads it back.
	uniform := len(r.applied) == 0 &&
		(len(r.open) == 0 || len(r.refused) == 0 && datasources.OutcomeUnknown(first))
	if !uniform {
		out.Kind = datasources.ErrPartial
		out.RetryAfter = 0
	}
	var parts []string
	if head := strings.TrimSpace(first.Message); head != "" {
		parts = append(parts, head)
	}
	if total > UpdateBatch || len(r.applied) > 0 {
		parts = append(parts, fmt.Sprintf("answered OK for %d of %d SKUs", len(r.applied), total))
	}
	if len(r.refused) > 0 {
		parts = append(parts, "refused: "+describeProblems(r.refused))
	}
	if len(r.open) > 0 {
		parts = append(parts, "no clear answer for "+listSKUs(r.open))
	}
	out.Message = strings.Join(parts, "; ")
	return &out
}

// updateError maps a refused update to an error in the operator's words.
// 4170 (a mega-campaign window) and 501 (Update product failed) are
// refusals with a reason whatever type Lazada gives them: never an outage
// that a retry might get through.
func (c *Client) updateError(op string, env envelope, batch []skuUpdate) *datasources.Error {
	e := c.apiError(op, env)
	probs := updateProblems(env.Detail)
	switch strings.TrimPrefix(strings.ToUpper(e.Code), "E") {
	case CodeStockLocked:
		which := listSKUs(namedSKUs(probs))
		if len(namedSKUs(probs)) == 0 {
			which = "the SKUs of this call (" + listSKUs(skusOf(batch)) + ")"
		}
		e.Kind, e.RetryAfter = datasources.ErrRejected, 0
		e.Message = fmt.Sprintf("inside a Lazada mega-campaign window stock may be raised but not lowered, so %s cannot be lowered until the window ends (Lazada: %s)",
			which, e.Message)
	case CodeUpdateFailed:
		e.Kind, e.RetryAfter = datasources.ErrRejected, 0
		if len(probs) > 0 {
			e.Message += "; " + describeProblems(probs)
		}
	default:
		if len(probs) > 0 {
			e.Message += "; " + describeProblems(probs)
		}
		if e.Kind == datasources.ErrUnavailable && !updateOutageCodes[strings.TrimPrefix(strings.ToUpper(e.Code), "E")] {
			// A business code Lazada types ISP (212, the 41xx checks) is
			// a refusal with a reason, whatever its type: only the codes
			// Lazada documents as a backend fault leave the outcome open.
			e.Kind, e.RetryAfter = datasources.ErrRejected, 0
		}
	}
	return e
}

// updateOutageCodes are the update codes Lazada documents as faults of its
// own backend ("Unexpected internal error", "Internal Application Error",
// "Internal call exception", a timeout): the request may or may not have
// been applied, and the read-back settles it.
var updateOutageCodes = map[string]bool{
	"6": true, "1000": true, "513": true, "SERVICETIMEOUT": true, "SERVICEUNAVAILABLE": true,
}

// skuProblem is one entry of an update's detail.
type skuProblem struct {
	sku, field, msg string
}

// updateProblems reads an update's detail leniently: it only adds words
// to a result, so anything unreadable is left out.
func updateProblems(detail json.RawMessage) []skuProblem {
	var w []struct {
		SellerSku  jsonx.String `json:"seller_sku"`
		SellerSku2 jsonx.String `json:"SellerSku"`
		Field      jsonx.String `json:"field"`
		Message    jsonx.String `json:"message"`
		Code       jsonx.String `json:"code"`
	}
	if len(detail) == 0 || json.Unmarshal(detail, &w) != nil {
		return nil
	}
	out := make([]skuProblem, 0, len(w))
	for _, d := range w {
		p := skuProblem{
			sku:   strings.TrimSpace(string(d.SellerSku)),
			field: strings.TrimSpace(string(d.Field)),
			msg:   strings.TrimSpace(string(d.Message)),
		}
		if p.sku == "" {
			p.sku = strings.TrimSpace(string(d.SellerSku2))
		}
		if code := strings.TrimSpace(string(d.Code)); code != "" && !strings.Contains(p.msg, code) {
			p.msg = strings.TrimSpace(p.msg + " (" + code + ")")
		}
		if p != (skuProblem{}) {
			out = append(out, p)
		}
	}
	return out
}

func namedSKUs(probs []skuProblem) []string {
	var out []string
	for _, p := range probs {
		if p.sku != "" {
			out = append(out, p.sku)
		}
	}
	return out
}

func problemsFor(batch []skuUpdate, msg string) []skuProblem {
	out := make([]skuProblem, len(batch))
	for i, it := range batch {
		out[i] = skuProblem{sku: it.SellerSku, msg: msg}
	}
	return out
}

// describeProblems names SKUs with their reasons; SKUs refused for the same
// reason are named together ("POCO-1, POCO-2: Update product failed").
func describeProblems(probs []skuProblem) string {
	var order []string
	by := map[string][]string{}
	for _, p := range probs {
		why := p.msg
		if p.field != "" && !strings.Contains(why, p.field) {
			why = p.field + ": " + why
		}
		if why == "" {
			why = "no reason given"
		}
		if _, ok := by[why]; !ok {
			order = append(order, why)
		}
		if p.sku != "" {
			by[why] = append(by[why], p.sku)
		}
	}
	parts := make([]string, 0, min(len(order), maxListed))
	for i, why := range order {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("… and %d more reasons", len(order)-maxListed))
			break
		}
		if skus := by[why]; len(skus) > 0 {
			parts = append(parts, listSKUs(skus)+": "+why)
		} else {
			parts = append(parts, why)
		}
	}
	return strings.Join(parts, "; ")
}

// asError returns err as a channel error of this client.
func asError(err error, channel, op string) *datasources.Error {
	var de *datasources.Error
	if errors.As(err, &de) {
		return de
	}
	return &datasources.Error{Channel: channel, Op: op, Kind: datasources.KindOf(err), Message: err.Error(), Err: err}
}

// refused is the error for a request flashdeck did not send because it
// could not be right; its kind says the change was not made.
func (c *Client) refused(op, msg string) *datasources.Error {
	return &datasources.Error{Channel: c.id, Op: op, Kind: datasources.ErrRejected, Message: msg}
}

// nothingSent marks the failure of a read made before a change: the change
// was never sent. The kind is kept (a timeout is still worth a later try);
// a caller that reads back after an open outcome finds nothing changed.
func nothingSent(err error) error {
	var de *datasources.Error
	if !errors.As(err, &de) {
		return err
	}
	out := *de
	out.Err = err
	msg := de.Message
	if msg == "" && de.Err != nil {
		msg = de.Err.Error()
	}
	out.Message = "nothing was sent: " + msg
	return &out
}

func readingsBySKU(rs []datasources.StockReading) map[string]datasources.StockReading {
	by := make(map[string]datasources.StockReading, len(rs))
	for _, r := range rs {
		by[r.SKU] = r
	}
	return by
}

// uniqueSKUs drops empty and repeated SKUs, keeping the order.
func uniqueSKUs(skus []string) []string {
	seen := make(map[string]bool, len(skus))
	out := make([]string, 0, len(skus))
	for _, s := range skus {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

func skusOf(items []skuUpdate) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.SellerSku
	}
	return out
}

// listSKUs names SKUs for a message: all of them up to maxListed.
func listSKUs(skus []string) string {
	switch {
	case len(skus) == 0:
		return "none"
	case len(skus) > maxListed:
		return strings.Join(skus[:maxListed], ", ") + fmt.Sprintf(" … and %d more", len(skus)-maxListed)
	}
	return strings.Join(skus, ", ")
}

// formatMoney writes hundredths as Lazada's decimal price ("1999000.00").
func formatMoney(m datasources.Money) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return sign + strconv.FormatInt(int64(m/100), 10) + fmt.Sprintf(".%02d", m%100)
}

// CeilMinute rounds t up to a whole minute: Lazada keeps sale times to the
// minute, so an end asked for with seconds is the next whole minute, never
// an earlier one.
func CeilMinute(t time.Time) time.Time {
	if m := t.Truncate(time.Minute); !m.Equal(t) {
		return m.Add(time.Minute)
	}
	return t
}
