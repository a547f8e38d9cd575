package lazada

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// The busiest answers — the envelope of every answer, a page of orders
// and its items — are read in one pass by the decoders below, into the
// same wire structs, without encoding/json's reflection, its check of the
// whole text before decoding, or its copy of the envelope's data: at a
// launch's catch-up the client decodes about a megabyte of orders a second
// per channel (README, "Compact state and decoding").
//
// encoding/json stays the contract: a decoder here reads only what it
// reads exactly as encoding/json would, and leaves any other text (an
// error, a key spelt in another case, which encoding/json matches, an
// array or object given twice) to encoding/json, whose result or error is
// then the answer's. FuzzFastDecoders checks that both agree on whatever
// the fast ones accept.

// decodeEnvelope reads an answer's envelope. A body without a code is not
// a Lazada answer (a proxy's error page, a truncated body). Its Data and
// Detail share body's memory.
func decodeEnvelope(body []byte) (envelope, error) {
	var env envelope
	if len(bytes.TrimSpace(body)) == 0 {
		return env, errors.New("empty answer")
	}
	if readEnvelope(body, &env) != nil {
		env = envelope{}
		if err := json.Unmarshal(body, &env); err != nil {
			return envelope{}, fmt.Errorf("not a Lazada answer: %w", err)
		}
	}
	if strings.TrimSpace(string(env.Code)) == "" {
		return envelope{}, errors.New("not a Lazada answer: no \"code\"")
	}
	return env, nil
}

func readEnvelope(body []byte, env *envelope) error {
	r := jsonx.NewReader(body)
	for k := range r.Fields {
		switch string(k) {
		case "type":
			env.Type = r.String()
		case "code":
			env.Code = r.String()
		case "message":
			env.Message = r.String()
		case "request_id":
			env.RequestID = r.String()
		case "data":
			env.Data = r.Raw()
		case "detail":
			env.Detail = r.Raw()
		default:
			if foldsTo(k, envelopeKeys) {
				return jsonx.ErrFallback
			}
			r.Skip()
		}
	}
	return r.End()
}

var envelopeKeys = []string{"type", "code", "message", "request_id", "data", "detail"}

// decodeOrders reads /orders/get's data.
func decodeOrders(data []byte, w *wireOrders) error {
	if readOrders(data, w) == nil {
		return nil
	}
	*w = wireOrders{}
	return json.Unmarshal(data, w)
}

func readOrders(data []byte, w *wireOrders) error {
	r := jsonx.NewReader(data)
	var seen bool
	for k := range r.Fields {
		switch string(k) {
		case "count":
			w.Count = r.Int()
		case "countTotal":
			w.CountTotal = r.Int()
		case "orders":
			if seen {
				return jsonx.ErrFallback
			}
			seen = true
			if r.Null() {
				continue
			}
			w.Orders = make([]wireOrder, 0, PageLimit)
			for range r.Elems {
				w.Orders = append(w.Orders, wireOrder{})
				if err := readOrder(r, &w.Orders[len(w.Orders)-1]); err != nil {
					return err
				}
			}
		default:
			if foldsTo(k, ordersKeys) {
				return jsonx.ErrFallback
			}
			r.Skip()
		}
	}
	return r.End()
}

var ordersKeys = []string{"count", "countTotal", "orders"}

func readOrder(r *jsonx.Reader, o *wireOrder) error {
	var statuses, address bool
	for k := range r.Fields {
		switch string(k) {
		case "order_id":
			o.OrderID = r.String()
		case "created_at":
			text(r, &o.CreatedAt)
		case "updated_at":
			text(r, &o.UpdatedAt)
		case "statuses":
			if statuses {
				return jsonx.ErrFallback
			}
			statuses = true
			if r.Null() {
				continue
			}
			o.Statuses = make([]jsonx.String, 0, 1)
			for range r.Elems {
				o.Statuses = append(o.Statuses, r.String())
			}
		case "address_shipping":
			if address {
				return jsonx.ErrFallback
			}
			address = true
			if err := readAddress(r, &o.AddressShipping); err != nil {
				return err
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

var orderKeys = []string{"order_id", "created_at", "updated_at", "statuses", "address_shipping"}

func readAddress(r *jsonx.Reader, a *wireAddress) error {
	for k := range r.Fields {
		switch string(k) {
		case "first_name":
			text(r, &a.FirstName)
		case "last_name":
			text(r, &a.LastName)
		case "phone":
			a.Phone = r.String()
		case "address1":
			text(r, &a.Address1)
		case "address2":
			text(r, &a.Address2)
		case "address3":
			text(r, &a.Address3)
		case "address4":
			text(r, &a.Address4)
		case "address5":
			text(r, &a.Address5)
		case "city":
			text(r, &a.City)
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

var addressKeys = []string{"first_name", "last_name", "phone", "address1", "address2", "address3", "address4", "address5", "city", "post_code", "country"}

// decodeOrderItems reads /orders/items/get's data.
func decodeOrderItems(data []byte, w *[]wireOrderItems) error {
	if readOrderItems(data, w) == nil {
		return nil
	}
	*w = nil
	return json.Unmarshal(data, w)
}

func readOrderItems(data []byte, w *[]wireOrderItems) error {
	r := jsonx.NewReader(data)
	if r.Null() {
		return r.End()
	}
	*w = make([]wireOrderItems, 0, ItemsBatch)
	for range r.Elems {
		*w = append(*w, wireOrderItems{})
		oi := &(*w)[len(*w)-1]
		var items bool
		for k := range r.Fields {
			switch string(k) {
			case "order_id":
				oi.OrderID = r.String()
			case "order_items":
				if items {
					return jsonx.ErrFallback
				}
				items = true
				if r.Null() {
					continue
				}
				oi.OrderItems = make([]wireItem, 0, 1)
				for range r.Elems {
					oi.OrderItems = append(oi.OrderItems, wireItem{})
					if err := readItem(r, &oi.OrderItems[len(oi.OrderItems)-1]); err != nil {
						return err
					}
				}
			default:
				if foldsTo(k, orderItemsKeys) {
					return jsonx.ErrFallback
				}
				r.Skip()
			}
		}
	}
	return r.End()
}

var orderItemsKeys = []string{"order_id", "order_items"}

func readItem(r *jsonx.Reader, it *wireItem) error {
	for k := range r.Fields {
		switch string(k) {
		case "order_item_id":
			it.OrderItemID = r.String()
		case "sku":
			text(r, &it.SKU)
		case "status":
			text(r, &it.Status)
		case "item_price":
			it.ItemPrice = r.Money()
		case "paid_price":
			it.PaidPrice = r.Money()
		case "buyer_id":
			it.BuyerID = r.String()
		default:
			if foldsTo(k, itemKeys) {
				return jsonx.ErrFallback
			}
			r.Skip()
		}
	}
	return r.Err()
}

var itemKeys = []string{"order_item_id", "sku", "status", "item_price", "paid_price", "buyer_id"}

// text reads a plain string field: a null leaves it as it was, as
// encoding/json does.
func text(r *jsonx.Reader, dst *string) {
	if s, null := r.Text(); !null {
		*dst = s
	}
}

// foldsTo reports whether key is one of names spelt in another case, which
// encoding/json would match.
func foldsTo(key []byte, names []string) bool {
	for _, n := range names {
		if jsonx.FoldsTo(key, n) {
			return true
		}
	}
	return false
}
