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
			if err := r.SkipUnknown(k, envelopeKeys); err != nil {
				return err
			}
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
			if err := jsonx.List(r, &seen, &w.Orders, PageLimit, readOrder); err != nil {
				return err
			}
		default:
			if err := r.SkipUnknown(k, ordersKeys); err != nil {
				return err
			}
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
			r.TextInto(&o.CreatedAt)
		case "updated_at":
			r.TextInto(&o.UpdatedAt)
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
			if err := r.SkipUnknown(k, orderKeys); err != nil {
				return err
			}
		}
	}
	return r.Err()
}

var orderKeys = []string{"order_id", "created_at", "updated_at", "statuses", "address_shipping"}

func readAddress(r *jsonx.Reader, a *wireAddress) error {
	for k := range r.Fields {
		switch string(k) {
		case "first_name":
			r.TextInto(&a.FirstName)
		case "last_name":
			r.TextInto(&a.LastName)
		case "phone":
			a.Phone = r.String()
		case "address1":
			r.TextInto(&a.Address1)
		case "address2":
			r.TextInto(&a.Address2)
		case "address3":
			r.TextInto(&a.Address3)
		case "address4":
			r.TextInto(&a.Address4)
		case "address5":
			r.TextInto(&a.Address5)
		case "city":
			r.TextInto(&a.City)
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
				if err := jsonx.List(r, &items, &oi.OrderItems, 1, readItem); err != nil {
					return err
				}
			default:
				if err := r.SkipUnknown(k, orderItemsKeys); err != nil {
					return err
				}
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
			r.TextInto(&it.SKU)
		case "status":
			r.TextInto(&it.Status)
		case "item_price":
			it.ItemPrice = r.Money()
		case "paid_price":
			it.PaidPrice = r.Money()
		case "buyer_id":
			it.BuyerID = r.String()
		default:
			if err := r.SkipUnknown(k, itemKeys); err != nil {
				return err
			}
		}
	}
	return r.Err()
}

var itemKeys = []string{"order_item_id", "sku", "status", "item_price", "paid_price", "buyer_id"}
