package lazada

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// ProductsLimit is the most products /products/get returns in one call.
const ProductsLimit = 50

// MaxProductsOffset is the largest offset /products/get takes: a catalogue
// walk stops there, and SKUs beyond it are read by sku_seller_list (Stock
// with the SKUs named), which has no offset at all.
const MaxProductsOffset = 10000

// Stock reads sellable stock, prices and the sale window of seller SKUs
// through /products/get: by sku_seller_list in batches of ProductsLimit when
// skus are given (any number of them: the list has no offset limit),
// otherwise the catalogue page by page up to Lazada's offset limit of
// 10,000 (a larger catalogue is read by naming its SKUs).
//
// Sellable stock is read from multiWarehouseInventories — the configured
// warehouse's, or the sum of every warehouse listed — with the stock held
// by orders not yet shipped (withhold + occupy) as Reserved; a SKU that
// lists no warehouse falls back to its quantity.
//
// A seller-run flash sale on Lazada is a special price with a window
// (special_from_time, special_to_time) plus limited sellable stock, so the
// state is derived from those. Stock a platform campaign holds
// (channelInventories active now) is reported as Locked.
//
// Each SKU is read once: /products/get answers whole products, so a
// product whose variants fall into different batches is listed by each of
// them, and a catalogue that changes during the walk may list a product on
// two pages. A second reading of a SKU is dropped — a caller that sums
// readings (the stock a pause owes back) would count it twice.
func (c *Client) Stock(ctx context.Context, skus []string) ([]datasources.StockReading, error) {
	var out []datasources.StockReading
	seen := map[string]bool{}
	keep := func(rs []datasources.StockReading) {
		for _, r := range rs {
			if !seen[r.SKU] {
				seen[r.SKU] = true
				out = append(out, r)
			}
		}
	}
	if len(skus) > 0 {
		for start := 0; start < len(skus); start += ProductsLimit {
			batch := skus[start:min(start+ProductsLimit, len(skus))]
			want := make(map[string]bool, len(batch))
			for _, s := range batch {
				want[s] = true
			}
			list, _ := json.Marshal(batch)
			w, err := c.products(ctx, map[string]string{
				"filter": "all", "sku_seller_list": string(list),
				"offset": "0", "limit": strconv.Itoa(ProductsLimit),
			})
			if err != nil {
				return nil, err
			}
			keep(c.readings(nil, w, want))
		}
		return out, nil
	}
	for offset := 0; offset <= MaxProductsOffset; offset += ProductsLimit {
		w, err := c.products(ctx, map[string]string{
			"filter": "all", "offset": strconv.Itoa(offset), "limit": strconv.Itoa(ProductsLimit),
		})
		if err != nil {
			return nil, err
		}
		keep(c.readings(nil, w, nil))
		if len(w.Products) < ProductsLimit {
			break
		}
	}
	return out, nil
}

// products reads one page of products. A page refused for a rate limit is
// asked for again once the ban is over (the pacer holds the call until
// then), a few times: a stock read of 1,400 SKUs is 28 pages, and one ban
// in the middle must not throw away the pages before it — nor fail an
// action's read-back.
func (c *Client) products(ctx context.Context, params map[string]string) (wireProducts, error) {
	var data json.RawMessage
	var err error
	for try := 1; ; try++ {
		data, err = c.call(ctx, PathProducts, params)
		if err == nil || datasources.KindOf(err) != datasources.ErrRateLimited || try == rateLimitTries || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return wireProducts{}, err
	}
	var w wireProducts
	if err := json.Unmarshal(data, &w); err != nil {
		return wireProducts{}, c.malformed(PathProducts, "products: "+err.Error(), data)
	}
	return w, nil
}

// readings appends one reading per SKU of the answer (only wanted ones when
// want is set). A SKU whose sale window cannot be read is reported with
// state unknown rather than dropped: its stock figure is still true.
func (c *Client) readings(out []datasources.StockReading, w wireProducts, want map[string]bool) []datasources.StockReading {
	now := c.now()
	for _, p := range w.Products {
		for _, s := range p.Skus {
			sku := strings.TrimSpace(s.SellerSku)
			if sku == "" || (want != nil && !want[sku]) {
				continue
			}
			r := datasources.StockReading{
				SKU:       sku,
				ItemID:    strings.TrimSpace(string(p.ItemID)),
				SkuID:     strings.TrimSpace(string(s.SkuID)),
				Price:     datasources.Money(s.Price),
				SalePrice: datasources.Money(s.SpecialPrice),
			}
			c.warehouseStock(&r, s)
			for _, ci := range s.ChannelInventories {
				if c.activeWindow(ci.StartTime, ci.EndTime, now) {
					r.Locked += int(ci.SellableQuantity)
				}
			}
			from, errFrom := parseOptional(s.SpecialFromTime, c.loc)
			to, errTo := parseOptional(s.SpecialToTime, c.loc)
			r.SaleStart, r.SaleEnd = from, to
			r.State = saleState(r, strings.ToLower(s.Status), errFrom == nil && errTo == nil, now)
			out = append(out, r)
		}
	}
	return out
}

// warehouseStock fills a reading's stock from the SKU's warehouses: the
// configured one only when a code is configured (a SKU that does not list
// it has none there), else every one listed. A SKU listing no warehouse at
// all falls back to its quantity, with the reserve unknown.
func (c *Client) warehouseStock(r *datasources.StockReading, s wireSKU) {
	if len(s.Warehouses) == 0 {
		r.Sellable = max(int(s.Quantity), 0)
		return
	}
	r.HasReserved = true
	for _, w := range s.Warehouses {
		code := strings.TrimSpace(w.WarehouseCode)
		if c.wh != "" && code != c.wh {
			continue
		}
		ws := datasources.WarehouseStock{
			Code:     code,
			Sellable: max(int(w.SellableQuantity), 0),
			Reserved: max(int(w.OccupyQuantity)+int(w.WithholdQuantity), 0),
		}
		r.Sellable += ws.Sellable
		r.Reserved += ws.Reserved
		r.Warehouses = append(r.Warehouses, ws)
	}
}

func saleState(r datasources.StockReading, status string, windowOK bool, now time.Time) datasources.SaleState {
	switch {
	case !windowOK || r.SalePrice == 0 || r.SaleEnd.IsZero():
		return datasources.SaleUnknown
	case now.Before(r.SaleStart):
		return datasources.SaleScheduled
	case !now.Before(r.SaleEnd):
		return datasources.SaleEnded
	case status == "inactive":
		return datasources.SalePaused
	case r.Sellable <= 0:
		return datasources.SaleSoldOut
	}
	return datasources.SaleActive
}

func (c *Client) activeWindow(start, end string, now time.Time) bool {
	s, err1 := parseOptional(start, c.loc)
	e, err2 := parseOptional(end, c.loc)
	if err1 != nil || err2 != nil {
		return true // unreadable window: count the stock as held, the safe side
	}
	return (s.IsZero() || !now.Before(s)) && (e.IsZero() || now.Before(e))
}

func parseOptional(s string, loc *time.Location) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	return parseTime(s, loc)
}

// Health calls /seller/get: cheap, and it proves both the gateway and the
// access token.
func (c *Client) Health(ctx context.Context) error {
	data, err := c.call(ctx, PathSeller, nil)
	if err != nil {
		return err
	}
	var w struct {
		SellerID json.RawMessage `json:"seller_id"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return c.malformed(PathSeller, fmt.Sprintf("seller: %v", err), data)
	}
	return nil
}
