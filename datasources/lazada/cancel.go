package lazada

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/flashdeck/flashdeck/internal/ascii"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// ReadOrder reads one order as it is now: /order/get, and its items from
// /orders/items/get, converted as Orders converts them.
func (c *Client) ReadOrder(ctx context.Context, orderID string) (datasources.Order, error) {
	id := strings.TrimSpace(orderID)
	if id == "" {
		return datasources.Order{}, c.refused(PathOrder, "no order id given")
	}
	data, err := c.call(ctx, PathOrder, map[string]string{"order_id": id})
	if err != nil {
		return datasources.Order{}, err
	}
	var w wireOrder
	if err := json.Unmarshal(data, &w); err != nil {
		return datasources.Order{}, c.malformed(PathOrder, "order: "+err.Error(), data)
	}
	o, err := c.orderFrom(PathOrder, &w)
	if err != nil {
		return datasources.Order{}, err
	}
	if o.ID != id {
		return datasources.Order{}, c.malformed(PathOrder, fmt.Sprintf("asked for order %s, answered order %s", id, o.ID), nil)
	}
	orders := []datasources.Order{o}
	if err := c.attachItems(ctx, orders, []string{o.ID}); err != nil {
		return datasources.Order{}, err
	}
	return orders[0], nil
}

// CancelOrder cancels every item of an order that is not cancelled yet, as
// Lazada cancels: per item, first asking /order/reverse/cancel/validate
// whether it may and with which reasons, then /order/reverse/cancel/create
// once. An order with nothing left to cancel is the state asked for: nil.
//
// The reason is never "Out of Stock" or "Wrong Price or Pricing Error":
// with those Lazada sets the SKU's sellable stock to 0, which during a
// sale would stop it selling. Config.CancelReasonID is used when Lazada
// offers it, otherwise the first other reason offered.
//
// Lazada takes no idempotency key; a cancel sent twice reaches the same
// state, and the caller never resends anyway.
func (c *Client) CancelOrder(ctx context.Context, orderID string, _ datasources.ActionMeta) error {
	o, err := c.ReadOrder(ctx, orderID)
	if err != nil {
		return nothingSent(err)
	}
	ids := openItemIDs(o)
	if len(ids) == 0 {
		if o.IsCancelled() {
			return nil // cancelled already: the state asked for
		}
		return c.refused(PathCancelCreate, fmt.Sprintf("order %s (%s) has no open item to cancel; nothing was sent", o.ID, o.Status))
	}
	list := itemIDList(ids)
	reason, err := c.cancelReason(ctx, o.ID, list)
	if err != nil {
		return err
	}
	data, err := c.act(ctx, actionGET, PathCancelCreate, map[string]string{
		"order_id": o.ID, "order_item_id_list": list, "reason_id": reason,
	})
	if err != nil {
		return err
	}
	v, err := parseCancelAnswer(data)
	if err != nil {
		// Accepted (code "0") but unreadable: it may well be cancelled.
		return c.malformed(PathCancelCreate, "cancel answer: "+err.Error(), data)
	}
	if v.refuses() {
		return c.tipRefusal(PathCancelCreate, o.ID, v)
	}
	return nil
}

// openItemIDs lists the ids of the order's items that are not cancelled.
func openItemIDs(o datasources.Order) []string {
	var ids []string
	for _, it := range o.Items {
		if !it.Cancelled && it.ID != "" {
			ids = append(ids, it.ID)
		}
	}
	return ids
}

// itemIDList writes order item ids as the JSON array Lazada takes: numbers
// when they are digits (as Lazada's ids are), strings otherwise.
func itemIDList(ids []string) string {
	vals := make([]any, len(ids))
	for i, id := range ids {
		if isDigits(id) {
			vals[i] = json.Number(id)
		} else {
			vals[i] = id
		}
	}
	b, _ := json.Marshal(vals) // numbers are digits, strings are escaped: cannot fail
	return string(b)
}

// isDigits reports whether s is a Lazada id: digits only, at most 30 of
// them (ids are 15; anything longer is not one).
func isDigits(s string) bool { return len(s) <= 30 && ascii.Digits(s) }

// cancelReason asks Lazada whether the items can be cancelled and picks
// the reason to cancel them with. A refusal is ErrRejected in Lazada's
// words; nothing is changed by this call.
func (c *Client) cancelReason(ctx context.Context, orderID, list string) (string, error) {
	data, err := c.call(ctx, PathCancelValidate, map[string]string{"order_id": orderID, "order_item_id_list": list})
	if err != nil {
		return "", nothingSent(err)
	}
	v, err := parseCancelAnswer(data)
	if err != nil {
		return "", nothingSent(c.malformed(PathCancelValidate, "cancel validation: "+err.Error(), data))
	}
	if v.refuses() {
		return "", c.tipRefusal(PathCancelValidate, orderID, v)
	}
	id, ok := chooseReason(v.Reasons, c.reason)
	if !ok {
		return "", c.refused(PathCancelValidate, fmt.Sprintf(
			"order %s: Lazada offers no cancel reason that leaves the stock alone (offered: %s); nothing was sent, cancel it in Seller Center",
			orderID, reasonNames(v.Reasons)))
	}
	return id, nil
}

// cancelAnswer is the data of /order/reverse/cancel/validate and /create:
// {"reason_options":[{"reason_id":"10000019","reason_name":"Sourcing
// Delay"},…],"tip_content":"…","tip_type":"warning"}; create has no
// reason options and tip_type "success".
type cancelAnswer struct {
	Reasons    []cancelOption `json:"reason_options"`
	TipContent jsonx.String   `json:"tip_content"`
	TipType    jsonx.String   `json:"tip_type"`
}

type cancelOption struct {
	ID   jsonx.String `json:"reason_id"`
	Name jsonx.String `json:"reason_name"`
}

// parseCancelAnswer reads a cancel answer's data. Empty data is an answer
// without tips or reasons.
func parseCancelAnswer(data []byte) (cancelAnswer, error) {
	var v cancelAnswer
	if len(strings.TrimSpace(string(data))) == 0 || string(data) == "null" {
		return v, nil
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return cancelAnswer{}, err
	}
	return v, nil
}

// refuses reports a tip that says the cancellation cannot be made.
func (v cancelAnswer) refuses() bool {
	switch strings.ToLower(strings.TrimSpace(string(v.TipType))) {
	case "error", "fail", "failed", "failure":
		return true
	}
	return false
}

func (c *Client) tipRefusal(op, orderID string, v cancelAnswer) *datasources.Error {
	words := strings.TrimSpace(string(v.TipContent))
	if words == "" {
		words = "Lazada refused without giving a reason"
	}
	return &datasources.Error{
		Channel: c.id, Op: op, Kind: datasources.ErrRejected, Code: strings.TrimSpace(string(v.TipType)),
		Message: fmt.Sprintf("order %s cannot be cancelled: %s", orderID, words),
	}
}

// stockZeroingReasons are Lazada's reasons after which it sets the SKU's
// sellable stock to 0 ("to prevent new orders while you adjust your
// stock/pricing"), by the ids its documentation shows; names are matched
// too, since ids differ per market.
var stockZeroingReasons = map[string]bool{"10000021": true, "10000023": true}

// zeroesStock reports a reason that would make Lazada zero the stock.
func zeroesStock(o cancelOption) bool {
	if stockZeroingReasons[strings.TrimSpace(string(o.ID))] {
		return true
	}
	var b strings.Builder
	for _, r := range strings.ToLower(string(o.Name)) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	n := b.String()
	for _, bad := range []string{"outofstock", "wrongprice", "pricingerror", "incorrectpric"} {
		if strings.Contains(n, bad) {
			return true
		}
	}
	return false
}

// chooseReason picks the reason to cancel with: preferred when offered and
// harmless, else the first harmless one offered.
func chooseReason(opts []cancelOption, preferred string) (string, bool) {
	first := ""
	for _, o := range opts {
		id := strings.TrimSpace(string(o.ID))
		if id == "" || zeroesStock(o) {
			continue
		}
		if preferred != "" && id == preferred {
			return id, true
		}
		if first == "" {
			first = id
		}
	}
	return first, first != ""
}

func reasonNames(opts []cancelOption) string {
	if len(opts) == 0 {
		return "none"
	}
	names := make([]string, 0, len(opts))
	for _, o := range opts {
		n := strings.TrimSpace(string(o.Name))
		if n == "" {
			n = "reason " + strings.TrimSpace(string(o.ID))
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}
