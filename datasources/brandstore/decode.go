package brandstore

import (
	"encoding/json"

	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// readOrderPage reads a /v1/orders answer in one pass into the same
// structs encoding/json fills (see datasources/lazada's decode.go for
// why). It reports jsonx.ErrFallback, or the reader's error, for any text
// it would not read exactly as encoding/json does; unmarshalOrderPage then
// leaves it to encoding/json, whose result and words are the contract.
// FuzzFastOrders checks that both agree on whatever this one accepts.
func readOrderPage(body []byte, w *wireOrderPage) error {
	r := jsonx.NewReader(body)
	var orders bool
	for k := range r.Fields {
		switch string(k) {
		case "orders":
			if orders {
				return jsonx.ErrFallback
			}
			orders = true
			if r.Null() {
				continue
			}
			w.Orders = make([]wireOrder, 0, 100)
			for range r.Elems {
				w.Orders = append(w.Orders, wireOrder{})
				if err := readOrder(r, &w.Orders[len(w.Orders)-1]); err != nil {
					return err
				}
			}
		case "next_cursor":
			if s, null := r.Text(); null {
				w.NextCursor = nil
			} else {
				w.NextCursor = &s
			}
		case "has_more":
			if b, null := r.Bool(); null {
				w.HasMore = nil
			} else {
				w.HasMore = &b
			}
		case "total":
			w.Total = optInt(r)
		default:
			if foldsTo(k, pageKeys) {
				return jsonx.ErrFallback
			}
			r.Skip()
		}
	}
	return r.End()
}

var pageKeys = []string{"orders", "next_cursor", "has_more", "total"}

// unmarshalOrderPage reads a /v1/orders answer: in one pass, or by
// encoding/json when the one pass leaves it.
func unmarshalOrderPage(body []byte, w *wireOrderPage) error {
	if readOrderPage(body, w) == nil {
		return nil
	}
	*w = wireOrderPage{}
	return json.Unmarshal(body, w)
}

func optInt(r *jsonx.Reader) *jsonx.Int {
	if r.Null() {
		return nil
	}
	v := r.Int()
	return &v
}

func readOrder(r *jsonx.Reader, o *wireOrder) error {
	var address, items bool
	for k := range r.Fields {
		switch string(k) {
		case "id":
			o.ID = r.String()
		case "buyer_id":
			o.BuyerID = r.String()
		case "phone":
			o.Phone = r.String()
		case "shipping_address":
			if address {
				return jsonx.ErrFallback
			}
			address = true
			if err := readAddress(r, &o.ShippingAddress); err != nil {
				return err
			}
		case "payment_fingerprint":
			text(r, &o.PaymentFingerprint)
		case "status":
			text(r, &o.Status)
		case "created_at":
			text(r, &o.CreatedAt)
		case "updated_at":
			text(r, &o.UpdatedAt)
		case "currency":
			text(r, &o.Currency)
		case "items":
			if items {
				return jsonx.ErrFallback
			}
			items = true
			if r.Null() {
				continue
			}
			o.Items = make([]wireItem, 0, 1)
			for range r.Elems {
				o.Items = append(o.Items, wireItem{})
				if err := readItem(r, &o.Items[len(o.Items)-1]); err != nil {
					return err
				}
			}
		default:
			if foldsTo(k, orderKeys) {
				return jsonx.ErrFallback
			}
			r.Skip()
		}
	}
	return r.Err()
}

var orderKeys = []string{"id", "buyer_id", "phone", "shipping_address", "payment_fingerprint", "status", "created_at", "updated_at", "currency", "items"}

func readAddress(r *jsonx.Reader, a *wireAddress) error {
	for k := range r.Fields {
		switch string(k) {
		case "name":
			text(r, &a.Name)
		case "line1":
			text(r, &a.Line1)
		case "line2":
			text(r, &a.Line2)
		case "city":
			text(r, &a.City)
		case "region":
			text(r, &a.Region)
		case "post_code":
			a.PostCode = r.String()
		case "country":
			text(r, &a.Country)
		default:
			if foldsTo(k, addressKeys) {
				return jsonx.ErrFallback
			}
			r.Skip()
		}
	}
	return r.Err()
}

var addressKeys = []string{"name", "line1", "line2", "city", "region", "post_code", "country"}

func readItem(r *jsonx.Reader, it *wireItem) error {
	for k := range r.Fields {
		switch string(k) {
		case "id":
			it.ID = r.String()
		case "sku":
			text(r, &it.SKU)
		case "qty":
			it.Qty = optInt(r)
		case "unit_price":
			it.UnitPrice = r.Money()
		case "cancelled":
			if b, null := r.Bool(); !null {
				it.Cancelled = b
			}
		default:
			if foldsTo(k, itemKeys) {
				return jsonx.ErrFallback
			}
			r.Skip()
		}
	}
	return r.Err()
}

var itemKeys = []string{"id", "sku", "qty", "unit_price", "cancelled"}

// text reads a plain string field: a null leaves it as it was, as
// encoding/json does.
func text(r *jsonx.Reader, dst *string) {
	if s, null := r.Text(); !null {
		*dst = s
	}
}

// foldsTo reports whether key is one of names spelt in another case, which
// encoding/json would match. Keys the reader yields are printable ASCII.
func foldsTo(key []byte, names []string) bool {
	for _, n := range names {
		if jsonx.FoldsTo(key, n) {
			return true
		}
	}
	return false
}
