package brandstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// Stock reads sellable stock and sale state for the given seller SKUs, or
// for every SKU the store has in a flash sale when skus is empty. Long lists
// are asked for MaxStockSKUs at a time; SKUs the store does not know are
// absent from the result.
func (c *Client) Stock(ctx context.Context, skus []string) ([]datasources.StockReading, error) {
	if len(skus) == 0 {
		return c.stockBatch(ctx, nil)
	}
	seen := make(map[string]bool, len(skus))
	want := make([]string, 0, len(skus))
	for _, s := range skus {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			want = append(want, s)
		}
	}
	var out []datasources.StockReading
	for len(want) > 0 {
		n := min(len(want), MaxStockSKUs)
		r, err := c.stockBatch(ctx, want[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
		want = want[n:]
	}
	return out, nil
}

func (c *Client) stockBatch(ctx context.Context, skus []string) ([]datasources.StockReading, error) {
	var q url.Values
	if len(skus) > 0 {
		q = url.Values{"sku": skus}
	}
	body, err := c.get(ctx, PathStock, q)
	if err != nil {
		return nil, err
	}
	r, err := decodeStock(body)
	if err != nil {
		return nil, c.malformedBody(PathStock, err, body)
	}
	return r, nil
}

type wireStockAnswer struct {
	AsOf *string          `json:"as_of"`
	SKUs []wireStockLevel `json:"skus"`
}

type wireStockLevel struct {
	SKU       string      `json:"sku"`
	Sellable  *jsonx.Int  `json:"sellable"`
	Allocated jsonx.Int   `json:"allocated"`
	Price     jsonx.Money `json:"price"`
	SalePrice jsonx.Money `json:"sale_price"` // null when the SKU is in no sale
	SaleStart *string     `json:"sale_start"`
	SaleEnd   *string     `json:"sale_end"`
	State     string      `json:"state"`
}

// decodeStock decodes and checks a /v1/stock answer. A state word the
// contract does not know becomes datasources.SaleUnknown rather than an
// error: the stock figures are still good.
func decodeStock(body []byte) ([]datasources.StockReading, error) {
	var w wireStockAnswer
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}
	if w.AsOf == nil {
		return nil, errors.New(`no "as_of": not a stock answer`)
	}
	if _, err := parseTime("as_of", *w.AsOf); err != nil {
		return nil, err
	}
	out := make([]datasources.StockReading, 0, len(w.SKUs))
	for i, s := range w.SKUs {
		sku := strings.TrimSpace(s.SKU)
		if sku == "" {
			return nil, fmt.Errorf("sku #%d: no sku", i+1)
		}
		if s.Sellable == nil {
			return nil, fmt.Errorf("sku %q: no sellable", sku)
		}
		if *s.Sellable < -maxQty || *s.Sellable > 1<<31-1 {
			return nil, fmt.Errorf("sku %q: sellable %d out of range", sku, int64(*s.Sellable))
		}
		if s.Price < 0 || s.SalePrice < 0 {
			return nil, fmt.Errorf("sku %q: negative price", sku)
		}
		r := datasources.StockReading{
			SKU:       sku,
			Sellable:  int(*s.Sellable),
			Price:     datasources.Money(s.Price),
			SalePrice: datasources.Money(s.SalePrice),
			State:     saleState(s.State),
		}
		var err error
		if r.SaleStart, err = optionalTime("sale_start", s.SaleStart); err != nil {
			return nil, fmt.Errorf("sku %q: %w", sku, err)
		}
		if r.SaleEnd, err = optionalTime("sale_end", s.SaleEnd); err != nil {
			return nil, fmt.Errorf("sku %q: %w", sku, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// optionalTime reads a nullable timestamp: null or "" is the zero time.
func optionalTime(field string, v *string) (time.Time, error) {
	if v == nil || strings.TrimSpace(*v) == "" {
		return time.Time{}, nil
	}
	return parseTime(field, *v)
}

// saleState maps the contract's state word.
func saleState(s string) datasources.SaleState {
	switch st := datasources.SaleState(strings.ToLower(strings.TrimSpace(s))); st {
	case datasources.SaleScheduled, datasources.SaleActive, datasources.SalePaused, datasources.SaleEnded, datasources.SaleSoldOut:
		return st
	}
	return datasources.SaleUnknown
}
