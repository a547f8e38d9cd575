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
			if err := jsonx.List(r, &orders, &w.Orders, 100, readOrder); err != nil {
				return err
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
			if err := r.SkipUnknown(k, pageKeys); err != nil {
				return err
			}
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
			r.TextInto(&o.PaymentFingerprint)
		case "status":
			r.TextInto(&o.Status)
		case "created_at":
			r.TextInto(&o.CreatedAt)
		case "updated_at":
			r.TextInto(&o.UpdatedAt)
		case "currency":
			r.TextInto(&o.Currency)
		case "items":
			if err := jsonx.List(r, &items, &o.Items, 1, readItem); err != nil {
				return err
			}
		default:
			if err := r.SkipUnknown(k, orderKeys); err != nil {
				return err
			}
		}
	}
	return r.Err()
}

var orderKeys = []string{"id", "buyer_id", "phone", "shipping_address", "payment_fingerprint", "status", "created_at", "updated_at", "currency", "items"}

func readAddress(r *jsonx.Reader, a *wireAddress) error {
	for k := range r.Fields {
		switch string(k) {
		case "name":
			r.TextInto(&a.Name)
		case "line1":
			r.TextInto(&a.Line1)
		case "line2":
			r.TextInto(&a.Line2)
		case "city":
			r.TextInto(&a.City)
		case "region":
			r.TextInto(&a.Region)
		case "post_code":
			a.PostCode = r.String()
		case "country":
			r.TextInto(&a.Country)
		default:
			if err := r.SkipUnknown(k, addressKeys); err != nil {
				return err
			}
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
			r.TextInto(&it.SKU)
		case "qty":
			it.Qty = optInt(r)
		case "unit_price":
			it.UnitPrice = r.Money()
		case "cancelled":
			if b, null := r.Bool(); !null {
				it.Cancelled = b
			}
		default:
			if err := r.SkipUnknown(k, itemKeys); err != nil {
				return err
			}
		}
	}
	return r.Err()
}

var itemKeys = []string{"id", "sku", "qty", "unit_price", "cancelled"}
