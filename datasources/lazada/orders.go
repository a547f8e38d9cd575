package lazada

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/httpx"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// Paging limits of /orders/get and /orders/items/get.
const (
	// PageLimit is the most orders /orders/get returns in one call.
	PageLimit = 100
	// MaxOffset is the largest offset /orders/get accepts.
	MaxOffset = 5000
	// ItemsBatch is the most order ids /orders/items/get takes in one call.
	ItemsBatch = 50
	// sameSecondOverlap is how many orders of the previous page are read
	// again when a whole page shares one update second and the client has
	// to page by offset: an order moving out of that second between two
	// calls shifts the rest, and the overlap keeps that from skipping one.
	sameSecondOverlap = 10
)

// Orders reads the next page of orders updated at or after the cursor's
// time, oldest update first, with their items.
//
// Lazada's update_after is inclusive and has one-second precision, and
// /orders/get refuses an offset above 5000. So the client pages by time:
// after a full page the next window starts at the page's last update
// second (re-reading that second's orders, which the engine de-duplicates)
// with offset 0. Only when a whole page shares one second does it page by
// offset within that second, and past offset 5000 it rolls over to the next
// second (5000 orders updated in one second on one channel is beyond any
// sale seen; the error message would say so if it happened).
func (c *Client) Orders(ctx context.Context, since datasources.Cursor) (datasources.OrderPage, error) {
	after := since.UpdatedAfter.Truncate(time.Second)
	if after.IsZero() || after.Before(time.Unix(0, 0)) {
		after = time.Unix(0, 0)
	}
	offset := max(since.Offset, 0)
	data, err := c.call(ctx, PathOrders, map[string]string{
		"update_after":   after.In(c.loc).Format(time.RFC3339),
		"sort_by":        "updated_at",
		"sort_direction": "ASC",
		"offset":         strconv.Itoa(offset),
		"limit":          strconv.Itoa(PageLimit),
	})
	if err != nil {
		return datasources.OrderPage{}, err
	}
	var w wireOrders
	if err := json.Unmarshal(data, &w); err != nil {
		return datasources.OrderPage{}, c.malformed(PathOrders, "orders: "+err.Error(), data)
	}
	page := datasources.OrderPage{Total: int(w.CountTotal), Next: datasources.Cursor{UpdatedAfter: after, Offset: offset}}
	if len(w.Orders) == 0 {
		page.Next.Offset = 0
		if offset == 0 {
			page.Next = since
		}
		return page, nil
	}
	orders := make([]datasources.Order, 0, len(w.Orders))
	ids := make([]string, 0, len(w.Orders))
	for i := range w.Orders {
		o, err := c.order(&w.Orders[i])
		if err != nil {
			return datasources.OrderPage{}, err
		}
		orders = append(orders, o)
		ids = append(ids, o.ID)
	}
	if err := c.attachItems(ctx, orders, ids); err != nil {
		return datasources.OrderPage{}, err
	}
	page.Orders = orders
	last := orders[len(orders)-1].UpdatedAt.Truncate(time.Second)
	full := len(w.Orders) >= PageLimit
	switch {
	case last.After(after):
		page.Next = datasources.Cursor{UpdatedAfter: last}
		page.More = full
	case !full:
		// The window's last orders all share its first second: the next
		// poll starts there again.
		page.Next = datasources.Cursor{UpdatedAfter: after}
	case offset+len(w.Orders)-sameSecondOverlap > MaxOffset:
		page.Next = datasources.Cursor{UpdatedAfter: after.Add(time.Second)}
		page.More = true
	default:
		page.Next = datasources.Cursor{UpdatedAfter: after, Offset: offset + len(w.Orders) - sameSecondOverlap}
		page.More = true
	}
	return page, nil
}

// order converts one /orders/get entry; its items come later.
func (c *Client) order(w *wireOrder) (datasources.Order, error) {
	return c.orderFrom(PathOrders, w)
}

// orderFrom converts an order as /orders/get and /order/get (op) give it.
func (c *Client) orderFrom(op string, w *wireOrder) (datasources.Order, error) {
	id := strings.TrimSpace(string(w.OrderID))
	if id == "" {
		return datasources.Order{}, c.malformed(op, "an order without order_id", nil)
	}
	created, err := parseTime(w.CreatedAt, c.loc)
	if err != nil {
		return datasources.Order{}, c.malformed(op, fmt.Sprintf("order %s: created_at: %v", id, err), nil)
	}
	updated, err := parseTime(w.UpdatedAt, c.loc)
	if err != nil {
		return datasources.Order{}, c.malformed(op, fmt.Sprintf("order %s: updated_at: %v", id, err), nil)
	}
	a := w.AddressShipping
	line2 := strings.TrimSpace(strings.Join(nonEmpty(a.Address2, a.Address3, a.Address4, a.Address5), ", "))
	return datasources.Order{
		ID:        id,
		CreatedAt: created,
		UpdatedAt: updated,
		Status:    orderStatus(w.Statuses),
		Phone:     strings.TrimSpace(string(a.Phone)),
		Address: datasources.Address{
			Name:     strings.TrimSpace(a.FirstName + " " + a.LastName),
			Line1:    strings.TrimSpace(a.Address1),
			Line2:    line2,
			City:     strings.TrimSpace(a.City),
			PostCode: strings.TrimSpace(string(a.PostCode)),
			Country:  strings.TrimSpace(a.Country),
		},
	}, nil
}

// attachItems reads the items of orders through /orders/items/get, in
// batches of ItemsBatch order ids, and fills Items and BuyerID.
func (c *Client) attachItems(ctx context.Context, orders []datasources.Order, ids []string) error {
	byID := make(map[string]int, len(orders))
	for i, o := range orders {
		byID[o.ID] = i
	}
	got := make([]bool, len(orders))
	for start := 0; start < len(ids); start += ItemsBatch {
		batch := ids[start:min(start+ItemsBatch, len(ids))]
		data, err := c.call(ctx, PathOrderItems, map[string]string{
			"order_ids": "[" + strings.Join(batch, ",") + "]",
		})
		if err != nil {
			return err
		}
		var w []wireOrderItems
		if err := json.Unmarshal(data, &w); err != nil {
			return c.malformed(PathOrderItems, "order items: "+err.Error(), data)
		}
		for _, oi := range w {
			i, ok := byID[strings.TrimSpace(string(oi.OrderID))]
			if !ok {
				continue // an order not asked for: ignore rather than guess
			}
			o := &orders[i]
			o.Items = o.Items[:0]
			for _, it := range oi.OrderItems {
				sku := strings.TrimSpace(it.SKU)
				if sku == "" {
					return c.malformed(PathOrderItems, fmt.Sprintf("order %s: an item without sku", o.ID), nil)
				}
				price := it.ItemPrice
				if price == 0 {
					price = it.PaidPrice
				}
				o.Items = append(o.Items, datasources.Item{
					ID:        strings.TrimSpace(string(it.OrderItemID)),
					SKU:       sku,
					Quantity:  1, // one Lazada order item is one unit
					Price:     datasources.Money(price),
					Cancelled: itemCancelled(it.Status),
				})
				if o.BuyerID == "" {
					o.BuyerID = strings.TrimSpace(string(it.BuyerID))
				}
			}
			got[i] = true
		}
	}
	for i, ok := range got {
		if !ok {
			// Counting the order without its items would show it as zero
			// units; failing the page makes the poller ask again.
			return c.malformed(PathOrderItems, fmt.Sprintf("order %s missing from the answer", orders[i].ID), nil)
		}
	}
	return nil
}

// orderStatus reduces Lazada's per-item statuses to one word: the first
// status that is not a cancellation, or "canceled" when every item is.
func orderStatus(statuses []jsonx.String) string {
	first := ""
	for _, s := range statuses {
		w := strings.ToLower(strings.TrimSpace(string(s)))
		if w == "" {
			continue
		}
		if first == "" {
			first = w
		}
		if !itemCancelled(w) {
			return w
		}
	}
	if first == "" {
		return "unknown"
	}
	return first
}

// itemCancelled reports item statuses under which the unit is not sold.
func itemCancelled(status string) bool {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "canceled", "cancelled", "returned", "failed", "lost_by_3pl", "damaged_by_3pl", "shipped_back", "package_scrapped":
		return true
	}
	return false
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// malformed is the error for an answer that decoded as an envelope but not
// as what the API promises; body, when given, is quoted as httpx does for
// every channel.
func (c *Client) malformed(op, msg string, body []byte) *datasources.Error {
	return httpx.Malformed(c.id, op, errors.New(msg), body)
}
