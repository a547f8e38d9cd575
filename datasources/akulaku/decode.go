package akulaku

import (
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// The envelope of every answer and a page of orders are read in one pass
// into the same structs encoding/json fills (see datasources/lazada's
// decode.go for why). A reader here reports jsonx.ErrFallback, or the
// reader's error, for any text it would not read exactly as encoding/json
// does, and the caller leaves that text to encoding/json, whose result and
// words are the contract. FuzzFastDecoders checks that both agree on
// whatever these accept.

func readEnvelope(body []byte, env *envelope) error {
	r := jsonx.NewReader(body)
	for k := range r.Fields {
		switch string(k) {
		case "success":
			if b, null := r.Bool(); null {
				env.Success = nil
			} else {
				env.Success = &b
			}
		case "errCode":
			env.ErrCode = r.String()
		case "errMsg":
			env.ErrMsg = r.String()
		case "data":
			env.Data = r.Raw()
		default:
			if err := r.SkipUnknown(k, envelopeKeys); err != nil {
				return err
			}
		}
	}
	return r.End()
}

var envelopeKeys = []string{"success", "errCode", "errMsg", "data"}

func readOrderList(data []byte, d *orderListData) error {
	r := jsonx.NewReader(data)
	var result bool
	for k := range r.Fields {
		switch string(k) {
		case "pageNo":
			d.PageNo = r.Int()
		case "pageSize":
			d.PageSize = r.Int()
		case "totalPages":
			d.TotalPages = r.Int()
		case "totalCount":
			if r.Null() {
				d.TotalCount = nil
				continue
			}
			v := r.Int()
			d.TotalCount = &v
		case "result":
			if err := jsonx.List(r, &result, &d.Result, 30, readOrder); err != nil {
				return err
			}
		default:
			if err := r.SkipUnknown(k, orderListKeys); err != nil {
				return err
			}
		}
	}
	return r.End()
}

var orderListKeys = []string{"pageNo", "pageSize", "totalPages", "totalCount", "result"}

func readOrder(r *jsonx.Reader, o *wireOrder) error {
	var address, items bool
	for k := range r.Fields {
		switch string(k) {
		case "orderId":
			o.OrderID = r.String()
		case "orderCode":
			o.OrderCode = r.String()
		case "orderStatus":
			o.OrderStatus = r.Int()
		case "createTime":
			o.CreateTime = r.String()
		case "updateTime":
			o.UpdateTime = r.String()
		case "buyerId":
			o.BuyerID = r.String()
		case "receiverAddress":
			if address {
				return jsonx.ErrFallback
			}
			address = true
			if r.Null() {
				o.ReceiverAddress = nil
				continue
			}
			o.ReceiverAddress = &wireAddress{}
			if err := readAddress(r, o.ReceiverAddress); err != nil {
				return err
			}
		case "orderItemList":
			if err := jsonx.List(r, &items, &o.OrderItemList, 1, readItem); err != nil {
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

var orderKeys = []string{"orderId", "orderCode", "orderStatus", "createTime", "updateTime", "buyerId", "receiverAddress", "orderItemList"}

func readAddress(r *jsonx.Reader, a *wireAddress) error {
	for k := range r.Fields {
		var dst *jsonx.String
		switch string(k) {
		case "name":
			dst = &a.Name
		case "phone":
			dst = &a.Phone
		case "address":
			dst = &a.Address
		case "area":
			dst = &a.Area
		case "town":
			dst = &a.Town
		case "city":
			dst = &a.City
		case "province":
			dst = &a.Province
		case "zipCode":
			dst = &a.ZipCode
		case "countryId":
			dst = &a.CountryID
		default:
			if err := r.SkipUnknown(k, addressKeys); err != nil {
				return err
			}
			continue
		}
		*dst = r.String()
	}
	return r.Err()
}

var addressKeys = []string{"name", "phone", "address", "area", "town", "city", "province", "zipCode", "countryId"}

func readItem(r *jsonx.Reader, it *wireItem) error {
	var goods bool
	for k := range r.Fields {
		switch string(k) {
		case "id":
			it.ID = r.String()
		case "skuId":
			it.SkuID = r.String()
		case "apiSkuId":
			it.APISkuID = r.String()
		case "skuName":
			it.SkuName = r.String()
		case "skuPrice":
			it.SkuPrice = r.Money()
		case "skuSalePrice":
			if r.Null() {
				it.SkuSalePrice = nil
				continue
			}
			v := r.Money()
			it.SkuSalePrice = &v
		case "qty":
			it.Qty = r.Int()
		case "goodsInfos":
			if goods {
				return jsonx.ErrFallback
			}
			goods = true
			if err := readGoods(r, &it.GoodsInfos); err != nil {
				return err
			}
		default:
			if err := r.SkipUnknown(k, itemKeys); err != nil {
				return err
			}
		}
	}
	return r.Err()
}

var itemKeys = []string{"id", "skuId", "apiSkuId", "skuName", "skuPrice", "skuSalePrice", "qty", "goodsInfos"}

// readGoods reads goodsInfos as its UnmarshalJSON does: one object, a
// list of them, or null (none).
func readGoods(r *jsonx.Reader, g *goodsInfos) error {
	if r.Null() {
		*g = nil
		return nil
	}
	if r.PeekObject() {
		*g = make(goodsInfos, 1)
		return readGoodsNo(r, &(*g)[0].GoodsNo)
	}
	*g = make(goodsInfos, 0, 1)
	for range r.Elems {
		*g = append(*g, goodsInfos{{}}...)
		if err := readGoodsNo(r, &(*g)[len(*g)-1].GoodsNo); err != nil {
			return err
		}
	}
	return r.Err()
}

func readGoodsNo(r *jsonx.Reader, dst *jsonx.String) error {
	for k := range r.Fields {
		switch {
		case string(k) == "goodsNo":
			*dst = r.String()
		case jsonx.FoldsTo(k, "goodsNo"):
			return jsonx.ErrFallback
		default:
			r.Skip()
		}
	}
	return r.Err()
}
