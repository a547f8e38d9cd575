package lazada

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// envelope is every Lazada answer: {"code":"0","data":…,"request_id":…} on
// success, {"type":…,"code":…,"message":…,"request_id":…} on failure. The
// code arrives as a string ("0", "ApiCallLimit") or a number (901).
type envelope struct {
	Type      jsonx.String    `json:"type"`
	Code      jsonx.String    `json:"code"`
	Message   jsonx.String    `json:"message"`
	RequestID jsonx.String    `json:"request_id"`
	Data      json.RawMessage `json:"data"`
	// Detail lists per-field (per-SKU) problems of a refused product
	// update: [{"field":…,"seller_sku":…,"message":…}].
	Detail json.RawMessage `json:"detail"`
}

func (e envelope) ok() bool { return strings.TrimSpace(string(e.Code)) == "0" }

// timeLayouts are the forms Lazada writes times in: "2024-11-11 00:00:05
// +0700" in orders, "2024-11-11 00:00" or "2024-11-11 00:00:00" (market
// local time) in a product's sale window, and ISO 8601 in newer APIs. The
// answer samples of GetProducts and GetProductItem write a sale window
// without the space ("2020-02-0300:00"), so that is read too.
var timeLayouts = []string{
	"2006-01-02 15:04:05 -0700",
	time.RFC3339,
	"2006-01-02T15:04:05-0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-0215:04",
}

// parseTime reads a Lazada time; one without a zone is in the market's.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", s)
}

// wireOrders is /orders/get's data.
type wireOrders struct {
	Count      jsonx.Int   `json:"count"`
	CountTotal jsonx.Int   `json:"countTotal"`
	Orders     []wireOrder `json:"orders"`
}

type wireOrder struct {
	OrderID         jsonx.String   `json:"order_id"`
	CreatedAt       string         `json:"created_at"`
	UpdatedAt       string         `json:"updated_at"`
	Statuses        []jsonx.String `json:"statuses"`
	AddressShipping wireAddress    `json:"address_shipping"`
	// Only what an order is made of is read: a field nothing uses
	// (items_count, price) costs a page nothing, not even its refusal.
}

type wireAddress struct {
	FirstName string       `json:"first_name"`
	LastName  string       `json:"last_name"`
	Phone     jsonx.String `json:"phone"`
	Address1  string       `json:"address1"`
	Address2  string       `json:"address2"`
	Address3  string       `json:"address3"`
	Address4  string       `json:"address4"`
	Address5  string       `json:"address5"`
	City      string       `json:"city"`
	PostCode  jsonx.String `json:"post_code"`
	Country   string       `json:"country"`
}

// wireOrderItems is one entry of /orders/items/get's data.
type wireOrderItems struct {
	OrderID    jsonx.String `json:"order_id"`
	OrderItems []wireItem   `json:"order_items"`
}

type wireItem struct {
	OrderItemID jsonx.String `json:"order_item_id"`
	SKU         string       `json:"sku"`
	Status      string       `json:"status"`
	ItemPrice   jsonx.Money  `json:"item_price"`
	PaidPrice   jsonx.Money  `json:"paid_price"`
	BuyerID     jsonx.String `json:"buyer_id"`
}

// wireProducts is /products/get's data.
type wireProducts struct {
	TotalProducts jsonx.Int     `json:"total_products"`
	Products      []wireProduct `json:"products"`
}

type wireProduct struct {
	ItemID jsonx.String `json:"item_id"`
	Status string       `json:"status"`
	Skus   []wireSKU    `json:"skus"`
}

// wireSKU is one SKU of a product. Sellable stock is only inside
// multiWarehouseInventories: Lazada has no SKU-level sellable figure, and
// its SKU-level quantity is the fallback when no warehouse is listed.
type wireSKU struct {
	SellerSku          string             `json:"SellerSku"`
	SkuID              jsonx.String       `json:"SkuId"`
	Status             string             `json:"Status"`
	Quantity           jsonx.Int          `json:"quantity"`
	Warehouses         []wireWarehouse    `json:"multiWarehouseInventories"`
	Price              jsonx.Money        `json:"price"`
	SpecialPrice       jsonx.Money        `json:"special_price"`
	SpecialFromTime    string             `json:"special_from_time"`
	SpecialToTime      string             `json:"special_to_time"`
	SpecialTimeFormat  string             `json:"special_time_format"`
	ChannelInventories []wireChannelStock `json:"channelInventories"`
}

// wireWarehouse is a SKU's stock in one warehouse. Lazada's inventory
// logic: an unpaid order holds units in withholdQuantity, a paid one in
// occupyQuantity until it is ready to ship; a cancellation (or an order
// left unpaid for 30 minutes) moves them back to sellableQuantity;
// totalQuantity is the sum of the three.
type wireWarehouse struct {
	WarehouseCode    string    `json:"warehouseCode"`
	Quantity         jsonx.Int `json:"quantity"`
	TotalQuantity    jsonx.Int `json:"totalQuantity"`
	SellableQuantity jsonx.Int `json:"sellableQuantity"`
	OccupyQuantity   jsonx.Int `json:"occupyQuantity"`
	WithholdQuantity jsonx.Int `json:"withholdQuantity"`
}

// wireChannelStock is stock a platform campaign holds for itself.
type wireChannelStock struct {
	ChannelName      string    `json:"channelName"`
	SellableQuantity jsonx.Int `json:"sellableQuantity"`
	StartTime        string    `json:"startTime"`
	EndTime          string    `json:"endTime"`
}
