package brandstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/httpx"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

const (
	// overlap is how far before the latest order seen a finished window's
	// successor starts: a store that commits an order a moment late, stamped
	// earlier than one already served, still has it read. The few orders
	// read twice are de-duplicated by the engine.
	overlap = time.Second
	// maxQty bounds one line's quantity. Nothing near it is a real order;
	// a number past it would only overflow the sums downstream.
	maxQty = 1_000_000
)

// StatusCancelled is the contract's status of a cancelled order.
const StatusCancelled = "cancelled"

// Orders returns the next page of orders updated after the cursor, oldest
// update first.
//
// The cursor's UpdatedAfter is the window's start and its Token the store's
// next_cursor while a window is being paged (has_more). When the store says
// there is no more, the next cursor starts a new window one second before
// the latest update seen, without a token (the contract's overlap rule). An
// empty page returns the same cursor. A cursor the store no longer knows
// (invalid_cursor: a restart, an expiry) is dropped and the window read
// again from its start.
func (c *Client) Orders(ctx context.Context, since datasources.Cursor) (datasources.OrderPage, error) {
	token := since.Token
	p, err := c.ordersPage(ctx, since.UpdatedAfter, token)
	if err != nil && token != "" && codeOf(err) == CodeInvalidCursor {
		token = ""
		p, err = c.ordersPage(ctx, since.UpdatedAfter, token)
	}
	if err != nil {
		return datasources.OrderPage{}, err
	}
	out := datasources.OrderPage{Orders: p.orders, Total: p.total}
	switch {
	case p.hasMore:
		if p.nextCursor == "" {
			return datasources.OrderPage{}, c.malformed(PathOrders, "has_more is true but next_cursor is empty")
		}
		if len(p.orders) == 0 && p.nextCursor == token {
			// Asked again at once with the same cursor, the store would
			// answer the same: the engine would spin.
			return datasources.OrderPage{}, c.malformed(PathOrders, "has_more is true but the page is empty and the cursor did not move")
		}
		out.Next = datasources.Cursor{UpdatedAfter: since.UpdatedAfter, Token: p.nextCursor}
		out.More = true
	case len(p.orders) == 0:
		out.Next = datasources.Cursor{UpdatedAfter: since.UpdatedAfter, Token: token}
	default:
		var last time.Time
		for _, o := range p.orders {
			if o.UpdatedAt.After(last) {
				last = o.UpdatedAt
			}
		}
		next := last.Add(-overlap)
		if next.Before(since.UpdatedAfter) {
			// Every order of the page is within the overlap of the
			// window's start: never move a cursor backwards.
			next = since.UpdatedAfter
		}
		out.Next = datasources.Cursor{UpdatedAfter: next}
	}
	return out, nil
}

// ordersPage makes one /v1/orders call.
func (c *Client) ordersPage(ctx context.Context, after time.Time, cursor string) (orderPage, error) {
	q := url.Values{"limit": {strconv.Itoa(c.pageSize)}}
	if !after.IsZero() {
		// UTC, so no "+" of an offset has to survive query encoding.
		q.Set("updated_after", after.UTC().Format(time.RFC3339Nano))
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	body, err := c.get(ctx, PathOrders, q)
	if err != nil {
		return orderPage{}, err
	}
	p, err := decodeOrders(body)
	if err != nil {
		return orderPage{}, c.malformedBody(PathOrders, err, body)
	}
	return p, nil
}

// orderPage is a decoded /v1/orders answer.
type orderPage struct {
	orders     []datasources.Order
	nextCursor string
	hasMore    bool
	total      int // -1 when the store did not say
}

type wireOrderPage struct {
	Orders     []wireOrder `json:"orders"`
	NextCursor *string     `json:"next_cursor"`
	HasMore    *bool       `json:"has_more"`
	Total      *jsonx.Int  `json:"total"`
}

type wireOrder struct {
	ID                 jsonx.String `json:"id"`
	BuyerID            jsonx.String `json:"buyer_id"`
	Phone              jsonx.String `json:"phone"`
	ShippingAddress    wireAddress  `json:"shipping_address"`
	PaymentFingerprint string       `json:"payment_fingerprint"`
	Status             string       `json:"status"`
	CreatedAt          string       `json:"created_at"`
	UpdatedAt          string       `json:"updated_at"`
	Currency           string       `json:"currency"`
	Items              []wireItem   `json:"items"`
}

type wireAddress struct {
	Name     string       `json:"name"`
	Line1    string       `json:"line1"`
	Line2    string       `json:"line2"`
	City     string       `json:"city"`
	Region   string       `json:"region"`
	PostCode jsonx.String `json:"post_code"` // 12130 arrives as a number from some stores
	Country  string       `json:"country"`
}

type wireItem struct {
	ID        jsonx.String `json:"id"`
	SKU       string       `json:"sku"`
	Qty       *jsonx.Int   `json:"qty"`
	UnitPrice jsonx.Money  `json:"unit_price"`
	Cancelled bool         `json:"cancelled"`
}

// decodeOrders decodes and checks a /v1/orders answer. It is strict about
// what counting depends on (an order's id and update time, each line's SKU,
// quantity and price) and lenient elsewhere: an unknown status word is kept
// as it is, a missing phone or address field is left empty.
func decodeOrders(body []byte) (orderPage, error) {
	var w wireOrderPage
	if err := unmarshalOrderPage(body, &w); err != nil {
		return orderPage{}, err
	}
	if w.HasMore == nil {
		return orderPage{}, errors.New(`no "has_more": not an orders page`)
	}
	p := orderPage{hasMore: *w.HasMore, total: -1}
	if w.NextCursor != nil {
		p.nextCursor = *w.NextCursor
	}
	if w.Total != nil && *w.Total >= 0 && int64(*w.Total) <= int64(^uint32(0)>>1) {
		p.total = int(*w.Total)
	}
	p.orders = make([]datasources.Order, 0, len(w.Orders))
	for i := range w.Orders {
		o, err := w.Orders[i].order()
		if err != nil {
			if id := strings.TrimSpace(string(w.Orders[i].ID)); id != "" {
				return orderPage{}, fmt.Errorf("order %s: %w", strconv.Quote(id), err)
			}
			return orderPage{}, fmt.Errorf("order #%d: %w", i+1, err)
		}
		p.orders = append(p.orders, o)
	}
	return p, nil
}

func (w *wireOrder) order() (datasources.Order, error) {
	id := strings.TrimSpace(string(w.ID))
	if id == "" {
		return datasources.Order{}, errors.New("no id")
	}
	created, err := parseTime("created_at", w.CreatedAt)
	if err != nil {
		return datasources.Order{}, err
	}
	updated, err := parseTime("updated_at", w.UpdatedAt)
	if err != nil {
		return datasources.Order{}, err
	}
	status := strings.ToLower(strings.TrimSpace(w.Status))
	switch status {
	case "":
		return datasources.Order{}, errors.New("no status")
	case "canceled":
		// The American spelling is not the contract's word, but a store
		// that writes it means it: counting the order as sold would be wrong.
		status = StatusCancelled
	}
	if len(w.Items) == 0 {
		return datasources.Order{}, errors.New("no items")
	}
	o := datasources.Order{
		ID:        id,
		BuyerID:   strings.TrimSpace(string(w.BuyerID)),
		CreatedAt: created,
		UpdatedAt: updated,
		Status:    status,
		Phone:     strings.TrimSpace(string(w.Phone)),
		Address: datasources.Address{
			Name:     w.ShippingAddress.Name,
			Line1:    w.ShippingAddress.Line1,
			Line2:    w.ShippingAddress.Line2,
			City:     w.ShippingAddress.City,
			Region:   w.ShippingAddress.Region,
			PostCode: string(w.ShippingAddress.PostCode),
			Country:  w.ShippingAddress.Country,
		},
		PaymentFingerprint: strings.TrimSpace(w.PaymentFingerprint),
		Items:              make([]datasources.Item, 0, len(w.Items)),
	}
	for j, it := range w.Items {
		sku := strings.TrimSpace(it.SKU)
		switch {
		case sku == "":
			return datasources.Order{}, fmt.Errorf("item #%d: no sku", j+1)
		case it.Qty == nil:
			return datasources.Order{}, fmt.Errorf("item #%d (%s): no qty", j+1, sku)
		case *it.Qty < 0 || *it.Qty > maxQty:
			return datasources.Order{}, fmt.Errorf("item #%d (%s): qty %d out of range", j+1, sku, int64(*it.Qty))
		case it.UnitPrice < 0:
			return datasources.Order{}, fmt.Errorf("item #%d (%s): negative unit_price", j+1, sku)
		}
		o.Items = append(o.Items, datasources.Item{
			ID:       strings.TrimSpace(string(it.ID)),
			SKU:      sku,
			Quantity: int(*it.Qty),
			Price:    datasources.Money(it.UnitPrice),
			// A cancelled (or refunded, returned, failed) order's lines
			// are all cancelled, whatever each line says.
			Cancelled: it.Cancelled,
		})
	}
	if o.IsCancelled() {
		for i := range o.Items {
			o.Items[i].Cancelled = true
		}
	}
	return o, nil
}

// parseTime reads a contract timestamp: RFC 3339 with an offset, with or
// without fractional seconds. The offset is kept.
func parseTime(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("no %s", field)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return time.Time{}, fmt.Errorf("%s %s is not an RFC 3339 time", field, strconv.Quote(s))
	}
	return t, nil
}

// codeOf returns the channel's error code of err, or "".
func codeOf(err error) string {
	var e *datasources.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// malformed reports an answer that decodes but breaks the contract.
func (c *Client) malformed(op, msg string) *datasources.Error {
	return &datasources.Error{Channel: c.id, Op: op, Kind: datasources.ErrMalformed, Message: msg}
}

// malformedBody reports an answer that does not decode, quoting its start.
func (c *Client) malformedBody(op string, err error, body []byte) *datasources.Error {
	e := httpx.Malformed(c.id, op, err, c.scrubBytes(body))
	e.Message = c.scrub(e.Message)
	return e
}
