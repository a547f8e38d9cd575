// Package datasources defines the one interface every sales channel is read
// through, and the channel-neutral types it speaks: orders, stock readings,
// cursors and errors. Each channel dialect lives in its own sub-package
// (lazada, akulaku, brandstore); the simulator serves all of them over HTTP.
//
// Nothing here imports Fyne: the engine and its tests run without a display.
package datasources

import (
	"context"
	"time"
)

// Channel kinds, as written in the configuration's `kind` field.
const (
	KindLazada     = "lazada"
	KindAkulaku    = "akulaku"
	KindBrandstore = "brandstore"
)

// Source is one sales channel as the engine sees it. Implementations are
// safe for use by one poller goroutine at a time; they carry no engine state
// beyond credentials (a refreshed access token, say).
type Source interface {
	// ID is the channel id from the configuration, e.g. "lazada-id".
	ID() string
	// Kind is the dialect: KindLazada, KindAkulaku or KindBrandstore.
	Kind() string
	// Capabilities says what this channel's API can really do. A missing
	// capability is declared here, never faked by the client.
	Capabilities() Capabilities
	// Orders returns the next page of orders updated after the cursor,
	// oldest update first, and the cursor to ask with next. An order may be
	// returned again in a later page (an update, or a window overlap): the
	// caller de-duplicates by order id and UpdatedAt.
	Orders(ctx context.Context, since Cursor) (OrderPage, error)
	// Stock reads sellable stock and flash-sale state for the given seller
	// SKUs (all the channel knows when skus is empty). Returns an *Error of
	// kind ErrUnsupported when Capabilities().Stock is false.
	Stock(ctx context.Context, skus []string) ([]StockReading, error)
	// Health is a cheap call that proves the channel is reachable and the
	// credentials are accepted.
	Health(ctx context.Context) error
}

// Capabilities lists what a channel's API offers.
type Capabilities struct {
	Orders      bool `json:"orders"`
	Stock       bool `json:"stock"`
	Pause       bool `json:"pause"`
	Resume      bool `json:"resume"`
	Extend      bool `json:"extend"`
	CancelOrder bool `json:"cancel_order"`
	// Push is true when the channel can push order events (Lazada webhooks).
	Push bool `json:"push"`
}

// Cursor marks how far a channel's orders have been read. It is persisted by
// the engine with the orders it led to, so its fields are JSON-tagged and
// must stay backward compatible.
type Cursor struct {
	// UpdatedAfter is the lower bound of the update-time window.
	UpdatedAfter time.Time `json:"updated_after"`
	// Offset within the window (Lazada pages by offset, up to 5000).
	Offset int `json:"offset,omitempty"`
	// Page is a 1-based page number for channels that page that way (Akulaku).
	Page int `json:"page,omitempty"`
	// Token is an opaque continuation token (the brand store contract).
	Token string `json:"token,omitempty"`
}

// OrderPage is one answer to Source.Orders.
type OrderPage struct {
	Orders []Order
	// Next is the cursor for the following call.
	Next Cursor
	// More is true when further pages are ready now: call again without
	// waiting for the next poll.
	More bool
	// Total is the channel's count of orders in the current window when it
	// says so (for progress bars), or -1 when unknown.
	Total int
}

// Money is an amount in hundredths of the currency unit (Rp 1.999.000 is
// 199900000). Integer, so sums never drift.
type Money int64

// Order is a channel's order in channel-neutral form.
type Order struct {
	// ID is the channel's order id, kept as a string: ids can be 19 digits.
	ID        string    `json:"id"`
	BuyerID   string    `json:"buyer_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Status is the channel's own status word, lower case ("pending",
	// "canceled", "4" for an Akulaku status code is mapped to a word).
	Status string `json:"status"`
	// Phone as the channel gives it; may already be masked ("61****7").
	Phone   string  `json:"phone,omitempty"`
	Address Address `json:"address"`
	// PaymentFingerprint identifies the payment instrument when the channel
	// exposes one (the brand store does; marketplaces do not).
	PaymentFingerprint string `json:"payment_fp,omitempty"`
	Items              []Item `json:"items"`
}

// Address is a shipping address as the channel gives it.
type Address struct {
	Name     string `json:"name,omitempty"`
	Line1    string `json:"line1,omitempty"`
	Line2    string `json:"line2,omitempty"`
	City     string `json:"city,omitempty"`
	Region   string `json:"region,omitempty"`
	PostCode string `json:"post_code,omitempty"`
	Country  string `json:"country,omitempty"`
}

// Item is one line of an order. A Lazada order item is always one unit.
type Item struct {
	ID        string `json:"id,omitempty"`
	SKU       string `json:"sku"`
	Quantity  int    `json:"qty"`
	Price     Money  `json:"price"`
	Cancelled bool   `json:"cancelled,omitempty"`
}

// Units returns the order's units of sku that count as sold: items of that
// SKU that are not cancelled.
func (o *Order) Units(sku string) int {
	n := 0
	for _, it := range o.Items {
		if it.SKU == sku && !it.Cancelled {
			n += it.Quantity
		}
	}
	return n
}

// IsCancelled reports whether the order's status means none of its units
// is sold (cancelled, returned, failed, refunded).
func (o *Order) IsCancelled() bool {
	switch o.Status {
	case "canceled", "cancelled", "returned", "failed", "refunded":
		return true
	}
	return false
}

// SaleState is the flash-sale state of one SKU on one channel.
type SaleState string

// Sale states as read from a channel.
const (
	SaleUnknown   SaleState = "unknown"
	SaleScheduled SaleState = "scheduled"
	SaleActive    SaleState = "active"
	SalePaused    SaleState = "paused"
	SaleEnded     SaleState = "ended"
	SaleSoldOut   SaleState = "sold_out"
)

// StockReading is what a channel reports for one SKU at one moment.
type StockReading struct {
	SKU string `json:"sku"`
	// ItemID and SkuID are the channel's own ids of the product and the
	// SKU where it has them (Lazada): its updates name SKUs by them.
	ItemID    string    `json:"item_id,omitempty"`
	SkuID     string    `json:"sku_id,omitempty"`
	Sellable  int       `json:"sellable"`
	Price     Money     `json:"price"`
	SalePrice Money     `json:"sale_price"`
	SaleStart time.Time `json:"sale_start,omitzero"`
	SaleEnd   time.Time `json:"sale_end,omitzero"`
	State     SaleState `json:"state"`
	// Locked is stock held by a platform campaign (Lazada's
	// channelInventories): not sellable through the seller's own sale.
	Locked int `json:"locked,omitempty"`
	// Reserved is stock held by orders not yet shipped (Lazada's
	// withholdQuantity + occupyQuantity), when the channel reports it:
	// an order moves units from Sellable to Reserved, a cancellation
	// moves them back. Sellable + Reserved therefore moves only when the
	// seller changes the stock or a parcel ships, which is what lets a
	// read-back tell "the pause took the stock" from "units came back".
	Reserved int `json:"reserved,omitempty"`
	// HasReserved says Reserved was reported (0 may be a reading).
	HasReserved bool `json:"has_reserved,omitempty"`
	// Warehouses are the per-warehouse figures behind Sellable and
	// Reserved where the channel keeps stock per warehouse (Lazada's
	// multiWarehouseInventories), so a pause can take, and a resume give
	// back, each warehouse's own units.
	Warehouses []WarehouseStock `json:"warehouses,omitempty"`
}

// WarehouseStock is one warehouse's stock of a SKU.
type WarehouseStock struct {
	Code     string `json:"code"`
	Sellable int    `json:"sellable"`
	Reserved int    `json:"reserved,omitempty"`
}

// Total is the stock the seller holds for the SKU that no seller action
// moved since: Sellable + Reserved.
func (r StockReading) Total() int { return r.Sellable + r.Reserved }
