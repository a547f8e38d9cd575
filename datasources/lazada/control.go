package lazada

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// UpdateBatch is the most SKUs one /product/price_quantity/update call
// carries: Lazada takes at most 50 (and recommends 20). More SKUs go out in
// several calls, in the order given, and the first failing call stops the
// rest.
const UpdateBatch = 50

// CodeStockLocked is Lazada's error 4170: the SKU's stock is held by a
// platform campaign (its channelInventories), so the seller cannot change
// its stock or sale window until the campaign ends. A refusal, never worth
// repeating.
const CodeStockLocked = "4170"

// saleDateLayout is how Lazada writes a SKU's sale window: market-local
// time without a zone. Stock reads it back with parseTime in the same
// zone (c.loc), so a date sent is read back as the same instant.
const saleDateLayout = "2006-01-02 15:04:05"

// maxListed is how many SKUs an error message names before "… and N more".
const maxListed = 20

// ReadSale reads the sale's SKUs through /products/get. Paused is true when
// there is at least one SKU and every one has sellable stock 0 (the way
// PauseSale pauses); End is the earliest sale end among the SKUs that have
// one; SKUs are the readings, which a resume restores. SKUs Lazada does not
// know are left out of the readings.
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
	sc := datasources.SaleControl{Paused: len(rs) > 0, SKUs: rs}
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

// PauseSale sets every SKU's sellable stock to 0. Lazada has no pause: with
// nothing sellable nobody can order, and the units already sold stay sold.
// Units of orders cancelled later return to the sellable stock, as on
// Lazada they always do.
func (c *Client) PauseSale(ctx context.Context, t datasources.SaleTarget, _ datasources.ActionMeta) error {
	skus := uniqueSKUs(t.SKUs)
	if len(skus) == 0 {
		return c.refused(PathPriceQuantity, "the sale names no SKUs on this channel: nothing was sent")
	}
	items := make([]skuUpdate, len(skus))
	for i, s := range skus {
		items[i] = skuUpdate{SellerSku: s, SellableQuantity: new(0)}
	}
	return c.update(ctx, items)
}

// ResumeSale sets every SKU's sellable stock back to what prev (ReadSale
// before the pause) read for it. A SKU prev has no reading for is an error
// naming it, and then nothing is sent: guessing its stock could oversell.
func (c *Client) ResumeSale(ctx context.Context, t datasources.SaleTarget, prev datasources.SaleControl, _ datasources.ActionMeta) error {
	skus := uniqueSKUs(t.SKUs)
	if len(skus) == 0 {
		return c.refused(PathPriceQuantity, "the sale names no SKUs on this channel: nothing was sent")
	}
	before := make(map[string]int, len(prev.SKUs))
	for _, r := range prev.SKUs {
		before[r.SKU] = r.Sellable
	}
	items := make([]skuUpdate, 0, len(skus))
	var missing []string
	for _, s := range skus {
		n, ok := before[s]
		if !ok {
			missing = append(missing, s)
			continue
		}
		items = append(items, skuUpdate{SellerSku: s, SellableQuantity: new(max(n, 0))})
	}
	if len(missing) > 0 {
		return c.refused(PathPriceQuantity, fmt.Sprintf(
			"no sellable stock was read before the pause for %s: nothing was sent, restore it in Seller Center", listSKUs(missing)))
	}
	return c.update(ctx, items)
}

// ExtendSale moves every SKU's SaleEndDate to until. Lazada takes a sale
// end only with the sale price and start beside it, so they are read first
// (/products/get) and sent unchanged. until is sent to the second, rounded
// up, so that a read-back End is never before until.
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
	items, err := c.extendItems(skus, rs, ceilSecond(until))
	if err != nil {
		return err
	}
	return c.update(ctx, items)
}

// extendItems builds the extension of each SKU from its reading. SKUs that
// Lazada does not know, or that have no sale price, cannot be extended:
// they are named and nothing is sent.
func (c *Client) extendItems(skus []string, rs []datasources.StockReading, until time.Time) ([]skuUpdate, error) {
	by := make(map[string]datasources.StockReading, len(rs))
	for _, r := range rs {
		by[r.SKU] = r
	}
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
				SellerSku:     s,
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

// skuUpdate is one <Sku> of a /product/price_quantity/update payload.
// Fields left empty are not sent, so Lazada leaves them as they are.
type skuUpdate struct {
	SellerSku        string `xml:"SellerSku"`
	SellableQuantity *int   `xml:"SellableQuantity,omitempty"`
	SalePrice        string `xml:"SalePrice,omitempty"`
	SaleStartDate    string `xml:"SaleStartDate,omitempty"`
	SaleEndDate      string `xml:"SaleEndDate,omitempty"`
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

// update sends items in batches of UpdateBatch, in order, and stops at the
// first batch that fails. Its error keeps that batch's kind (so
// datasources.OutcomeUnknown stays right for it) and, when there was more
// than one batch, says which SKUs were applied, which failed and which were
// never sent.
func (c *Client) update(ctx context.Context, items []skuUpdate) error {
	for start := 0; start < len(items); start += UpdateBatch {
		end := min(start+UpdateBatch, len(items))
		if err := c.updateBatch(ctx, items[start:end]); err != nil {
			return c.batchFailed(err, items[:start], items[start:end], items[end:])
		}
	}
	return nil
}

func (c *Client) updateBatch(ctx context.Context, batch []skuUpdate) error {
	payload, err := updatePayload(batch)
	if err != nil {
		return c.refused(PathPriceQuantity, "the update could not be written as XML, nothing was sent: "+err.Error())
	}
	env, err := c.exchange(ctx, actionPOST, PathPriceQuantity, map[string]string{"payload": payload})
	if err != nil {
		return err
	}
	if env.ok() {
		return nil
	}
	return c.updateError(PathPriceQuantity, env, batch)
}

// updateError maps a refused update to an error naming the SKUs Lazada
// names in its detail. A stock lock (4170) is a refusal in words whatever
// type Lazada gives it.
func (c *Client) updateError(op string, env envelope, batch []skuUpdate) *datasources.Error {
	e := c.apiError(op, env)
	probs := updateProblems(env.Detail)
	if e.Code != CodeStockLocked {
		if len(probs) > 0 {
			e.Message += "; " + describeProblems(probs)
		}
		return e
	}
	var locked []string
	for _, p := range probs {
		if p.sku != "" {
			locked = append(locked, p.sku)
		}
	}
	which := listSKUs(locked)
	if len(locked) == 0 {
		which = "one of " + listSKUs(skusOf(batch))
	}
	e.Kind, e.RetryAfter = datasources.ErrRejected, 0
	e.Message = fmt.Sprintf("the stock of %s is locked by a Lazada platform campaign (channelInventories) and cannot be changed while the campaign holds it (Lazada: %s)",
		which, e.Message)
	return e
}

// skuProblem is one entry of a refused update's detail.
type skuProblem struct {
	sku, field, msg string
}

// updateProblems reads a refused update's detail leniently: it only adds
// words to an error, so anything unreadable is left out.
func updateProblems(detail json.RawMessage) []skuProblem {
	var w []struct {
		SellerSku  jsonx.String `json:"seller_sku"`
		SellerSku2 jsonx.String `json:"SellerSku"`
		Field      jsonx.String `json:"field"`
		Message    jsonx.String `json:"message"`
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
		if p != (skuProblem{}) {
			out = append(out, p)
		}
	}
	return out
}

func describeProblems(probs []skuProblem) string {
	parts := make([]string, 0, min(len(probs), maxListed))
	for i, p := range probs {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("… and %d more", len(probs)-maxListed))
			break
		}
		s := p.msg
		if p.field != "" {
			s = p.field + ": " + s
		}
		if p.sku != "" {
			s = "SKU " + p.sku + ": " + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// batchFailed adds to a failing batch's error which SKUs were applied
// before it, which it carried, and which were never sent. The kind, code
// and wait stay those of the failing batch.
func (c *Client) batchFailed(err error, done, failed, rest []skuUpdate) error {
	var de *datasources.Error
	if (len(done) == 0 && len(rest) == 0) || !errors.As(err, &de) {
		return err
	}
	out := *de
	out.Err = err
	status := "not applied"
	if datasources.OutcomeUnknown(err) {
		status = "outcome unknown, read the sale back"
	}
	batch := len(done)/UpdateBatch + 1
	total := batch + (len(rest)+UpdateBatch-1)/UpdateBatch
	msg := de.Message
	if msg == "" && de.Err != nil {
		msg = de.Err.Error()
	}
	out.Message = fmt.Sprintf("%s — call %d of %d failed; applied: %s; %s: %s; not sent: %s",
		msg, batch, total, listSKUs(skusOf(done)), status, listSKUs(skusOf(failed)), listSKUs(skusOf(rest)))
	if len(done) > 0 && !datasources.OutcomeUnknown(err) {
		// Some SKUs changed and some did not: neither applied nor failed.
		// The caller reads the sale back to see where it stands.
		out.Kind = datasources.ErrPartial
	}
	return &out
}

// refused is the error for a request flashdeck did not send because it
// could not be right; its kind says the change was not made.
func (c *Client) refused(op, msg string) *datasources.Error {
	return &datasources.Error{Channel: c.id, Op: op, Kind: datasources.ErrRejected, Message: msg}
}

// nothingSent marks the failure of a read made before a change: the change
// was never sent. The kind is kept (a timeout is still worth a later try),
// so a caller that settles unknown outcomes by reading back still may.
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
	return fmt.Sprintf("%s%d.%02d", sign, m/100, m%100)
}

// ceilSecond rounds t up to a whole second.
func ceilSecond(t time.Time) time.Time {
	if s := t.Truncate(time.Second); !s.Equal(t) {
		return s.Add(time.Second)
	}
	return t
}
