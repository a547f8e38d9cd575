package lazada

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
)

// Cursor tokens of a second read whole (see Orders).
const (
	// denseCount: the next call counts the second's orders. After the
	// colon, how many orders the window from that second held.
	denseCount = "lzc:"
	// denseDown: the second is read from its last page down to offset 0.
	// After the colon, "1" when later seconds hold orders already (the
	// second is closed: nothing can be updated into it any more).
	denseDown = "lzd:"
)

// Orders reads the next page of orders updated at or after the cursor's
// time, oldest update first, with their items.
//
// Lazada's update_after is inclusive and has one-second precision, and
// /orders/get refuses an offset above 5000. So the client pages by time:
// after a full page the next window starts at the page's last update
// second (re-reading that second's orders, which the engine de-duplicates)
// with offset 0.
//
// When a whole page shares one update second, that second is read whole on
// its own (update_before bounds it), from its last page down to its first.
// Paging upwards, an order updated again meanwhile leaves the second and
// the orders after it slide down a place, so one would slide onto a page
// already read and never be seen (its cancellation lost, its units counted
// for good). Paging downwards, a slide only moves an order onto the page
// read next. The second is left for the next one only once a later second
// holds orders: until then updates may still land in it, and each poll
// reads it again.
func (c *Client) Orders(ctx context.Context, since datasources.Cursor) (datasources.OrderPage, error) {
	after := since.UpdatedAfter.Truncate(time.Second)
	if after.IsZero() || after.Before(time.Unix(0, 0)) {
		after = time.Unix(0, 0)
	}
	offset := max(since.Offset, 0)
	switch {
	case strings.HasPrefix(since.Token, denseCount):
		return c.countSecond(ctx, after, since)
	case strings.HasPrefix(since.Token, denseDown):
		return c.readSecondDown(ctx, after, min(offset, MaxOffset), since.Token == denseDown+"1")
	}
	w, orders, err := c.window(ctx, after, time.Time{}, offset)
	if err != nil {
		return datasources.OrderPage{}, err
	}
	page := datasources.OrderPage{Total: int(w.CountTotal), Next: datasources.Cursor{UpdatedAfter: after, Offset: offset}}
	if len(orders) == 0 {
		page.Next.Offset = 0
		if offset == 0 {
			page.Next = since
		}
		return page, nil
	}
	page.Orders = orders
	last := orders[len(orders)-1].UpdatedAt.Truncate(time.Second)
	full := len(orders) >= PageLimit
	switch {
	case last.After(after):
		page.Next = datasources.Cursor{UpdatedAfter: last}
		page.More = full
	case !full:
		// The window's last orders all share its first second: the next
		// poll starts there again.
		page.Next = datasources.Cursor{UpdatedAfter: after}
	default:
		// A full page in one second: read that second whole, downwards.
		page.Next = datasources.Cursor{UpdatedAfter: after, Token: denseCount + strconv.FormatInt(int64(w.CountTotal), 10)}
		page.More = true
	}
	return page, nil
}

// countSecond counts the orders of one update second and sets the read of
// it from its last page down.
func (c *Client) countSecond(ctx context.Context, second time.Time, since datasources.Cursor) (datasources.OrderPage, error) {
	fromSecond, _ := strconv.Atoi(strings.TrimPrefix(since.Token, denseCount))
	data, err := c.call(ctx, PathOrders, c.windowParams(second, second, 0, 1))
	if err != nil {
		return datasources.OrderPage{}, err
	}
	var w wireOrders
	if err := decodeOrders(data, &w); err != nil {
		return datasources.OrderPage{}, c.malformed(PathOrders, "orders: "+err.Error(), data)
	}
	n := int(w.CountTotal)
	page := datasources.OrderPage{Total: fromSecond, More: true}
	if n <= 0 {
		// The second emptied meanwhile (its orders updated again): page
		// from it as usual.
		page.Next = datasources.Cursor{UpdatedAfter: second}
		return page, nil
	}
	top := (n - 1) / PageLimit * PageLimit
	if top > MaxOffset {
		// Over 5,100 orders updated in one second on one channel: beyond
		// any sale seen, and beyond what /orders/get can page to.
		slog.Warn("lazada: more orders in one second than /orders/get can page to; the rest come when updated again",
			"channel", c.id, "second", second, "orders", n, "max_offset", MaxOffset)
		top = MaxOffset
	}
	page.Next = datasources.Cursor{UpdatedAfter: second, Offset: top, Token: downToken(fromSecond > n)}
	return page, nil
}

// downToken is the token of a second read downwards.
func downToken(closed bool) string {
	if closed {
		return denseDown + "1"
	}
	return denseDown + "0"
}

// readSecondDown reads one page of an update second at offset, and moves
// down to the page below, or past the second once offset 0 is read.
func (c *Client) readSecondDown(ctx context.Context, second time.Time, offset int, closed bool) (datasources.OrderPage, error) {
	w, orders, err := c.window(ctx, second, second, offset)
	if err != nil {
		return datasources.OrderPage{}, err
	}
	page := datasources.OrderPage{Total: int(w.CountTotal), Orders: orders, More: true}
	switch {
	case offset > 0:
		page.Next = datasources.Cursor{UpdatedAfter: second, Offset: max(offset-PageLimit, 0), Token: downToken(closed)}
	case closed:
		page.Next = datasources.Cursor{UpdatedAfter: second.Add(time.Second)}
	default:
		// Later seconds hold nothing yet: updates may still land in this
		// one, so the next poll reads it again.
		page.Next = datasources.Cursor{UpdatedAfter: second}
		page.More = false
	}
	return page, nil
}

// windowParams are /orders/get's parameters for orders updated from after
// (inclusive) up to before (inclusive, to the second; zero for no bound).
func (c *Client) windowParams(after, before time.Time, offset, limit int) map[string]string {
	p := map[string]string{
		"update_after":   after.In(c.loc).Format(time.RFC3339),
		"sort_by":        "updated_at",
		"sort_direction": "ASC",
		"offset":         strconv.Itoa(offset),
		"limit":          strconv.Itoa(limit),
	}
	if !before.IsZero() {
		p["update_before"] = before.In(c.loc).Format(time.RFC3339)
	}
	return p
}

// window reads one page of /orders/get with its items.
func (c *Client) window(ctx context.Context, after, before time.Time, offset int) (wireOrders, []datasources.Order, error) {
	data, err := c.call(ctx, PathOrders, c.windowParams(after, before, offset, PageLimit))
	if err != nil {
		return wireOrders{}, nil, err
	}
	var w wireOrders
	if err := decodeOrders(data, &w); err != nil {
		return wireOrders{}, nil, c.malformed(PathOrders, "orders: "+err.Error(), data)
	}
	if len(w.Orders) == 0 {
		return w, nil, nil
	}
	orders := make([]datasources.Order, 0, len(w.Orders))
	ids := make([]string, 0, len(w.Orders))
	for i := range w.Orders {
		o, err := c.order(&w.Orders[i])
		if err != nil {
			return wireOrders{}, nil, err
		}
		orders = append(orders, o)
		ids = append(ids, o.ID)
	}
	if err := c.attachItems(ctx, orders, ids); err != nil {
		return wireOrders{}, nil, err
	}
	return w, orders, nil
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
		if err := decodeOrderItems(data, &w); err != nil {
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
// item status under which the unit is sold, or, when no item's is, the
// word of the first item (a word datasources.Order.IsCancelled knows).
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
	return unsoldWord(first)
}

// itemStatuses is every order item status Lazada documents (GetOrders'
// status filter, its error 6 list and its statuses field), with whether
// the unit counts as sold under it. A unit is sold from the order until it
// is delivered; an order cancelled, failed, lost or damaged in transit,
// sent back or scrapped sold nothing (the buyer is refunded and the unit
// does not reach them).
var itemStatuses = map[string]bool{
	"unpaid": true, "pending": true, "repacked": true, "packed": true, "topack": true, "toship": true,
	"ready_to_ship_pending": true, "ready_to_ship": true, "shipping": true, "shipped": true, "delivered": true,
	"canceled": false, "cancelled": false, "returned": false, "failed": false, "failed_delivery": false,
	"lost": false, "lost_by_3pl": false, "damaged_by_3pl": false,
	"shipped_back": false, "shipped_back_success": false, "shipped_back_failed": false, "package_scrapped": false,
}

// itemCancelled reports item statuses under which the unit is not sold. A
// status Lazada does not document is taken as sold: a new step of a live
// order is likelier than a new way of not selling, and counting an order
// stops only when Lazada says it is undone.
func itemCancelled(status string) bool {
	sold, known := itemStatuses[strings.ToLower(strings.TrimSpace(status))]
	return known && !sold
}

// unsoldWord is the order status flashdeck gives an order none of whose
// units is sold: Lazada's own word where the rest of flashdeck knows it
// (canceled, returned, failed), else the nearest of them — a parcel lost,
// damaged or scrapped on its way is a failed order, one sent back a
// returned one.
func unsoldWord(status string) string {
	switch {
	case status == "canceled" || status == "cancelled" || status == "returned" || status == "failed":
		return status
	case strings.HasPrefix(status, "shipped_back"):
		return "returned"
	case itemCancelled(status):
		return "failed"
	}
	return status
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
