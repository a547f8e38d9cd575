package datasources

import (
	"context"
	"time"
)

// Controller is implemented by a Source whose channel's API can change a
// flash sale or an order. Capabilities says which of its methods the
// channel really supports; the others return an *Error of kind
// ErrUnsupported.
//
// A change answered OK is not yet a change made: a gateway may ignore a
// field it does not take, and a batch may carry per-SKU failures. The
// caller reads the channel back after every change (ReadSale, ReadOrder)
// and calls it applied only when the channel shows it. Pause, extend and
// cancel are states to reach ("sellable stock 0", "end at until", "order
// cancelled"); a resume of stock is a step ("give back these units"), so
// the caller gives back only what its read-back shows still owed. Each
// request goes out once: an error of kind ErrTimeout, ErrUnavailable,
// ErrMalformed or ErrPartial leaves the outcome open, and the read-back
// settles it, never a resend.
type Controller interface {
	// ReadSale reads what the sale is on the channel now: before a pause,
	// the stock a pause will take; after any change, whether it took
	// effect.
	ReadSale(ctx context.Context, t SaleTarget) (SaleControl, error)
	// PauseSale stops the sale selling on the channel. before is ReadSale's
	// reading just before (a channel that pauses by stock takes what it
	// shows, warehouse by warehouse).
	PauseSale(ctx context.Context, t SaleTarget, before SaleControl, m ActionMeta) error
	// ResumeSale sells again. owed is what earlier pauses took and no
	// resume has given back yet, per SKU (and warehouse), where the
	// channel pauses by stock: those units are added to whatever the
	// channel has now, so units that came back during the pause (a
	// cancellation, an unpaid order released) are kept.
	ResumeSale(ctx context.Context, t SaleTarget, owed SaleControl, m ActionMeta) error
	// ExtendSale moves the sale's end to until.
	ExtendSale(ctx context.Context, t SaleTarget, until time.Time, m ActionMeta) error
	// CancelOrder cancels a whole order (every line).
	CancelOrder(ctx context.Context, orderID string, m ActionMeta) error
	// ReadOrder reads one order as it is now (the read-back of a cancel).
	ReadOrder(ctx context.Context, orderID string) (Order, error)
}

// StockCapper is a Controller that can lower a SKU's sellable stock to a
// number of units (Lazada: /product/stock/sellable/update and /adjust). On a channel
// without it, capping a SKU's stock is a manual step.
type StockCapper interface {
	// CapStock lowers the sellable stock of each SKU of units to at most
	// that many units, never raising it. before is ReadSale's reading of
	// the SKUs just before (the channel's ids and warehouses).
	CapStock(ctx context.Context, t SaleTarget, before SaleControl, units map[string]int, m ActionMeta) error
}

// SaleTarget names a sale on one channel.
type SaleTarget struct {
	// SaleID is the sale's id as the channel knows it (the brand store's
	// /v1/sales/{sale_id}); flashdeck uses the configured sale id.
	SaleID string
	// SKUs are the sale's seller SKUs on this channel (Lazada acts per SKU).
	SKUs []string
}

// SaleControl is a sale's controllable state on one channel.
type SaleControl struct {
	// Paused is true when the sale takes no orders because it was paused
	// (Lazada: every SKU's sellable stock is 0; brand store: state paused).
	Paused bool `json:"paused"`
	// ByStock is true when the channel pauses by sellable stock (Lazada):
	// a pause or resume is judged SKU by SKU from SKUs, not from Paused.
	ByStock bool `json:"by_stock,omitempty"`
	// End is when the sale ends on the channel: the earliest end among its
	// SKUs, so that "End is at or after until" means every SKU was extended.
	End time.Time `json:"end,omitzero"`
	// SKUs are the per-SKU readings behind it (sellable stock, sale window),
	// kept in the audit record so a resume restores them exactly.
	SKUs []StockReading `json:"skus,omitempty"`
}

// ActionMeta travels with every change request.
type ActionMeta struct {
	// Key is the idempotency key of this request on this channel. A channel
	// that supports keys (the brand store's Idempotency-Key header) answers
	// a repeated key with its first answer instead of acting again.
	Key string
	// Reason is the operator's reason, required.
	Reason string
	// Actor is the flashdeck user who asked.
	Actor string
}

// OutcomeUnknown reports whether err leaves it open whether a change
// request took effect at the channel: the request may have been applied
// before the answer was lost (a timeout, a dropped connection, a 5xx, an
// answer cut off). Any other error means the channel refused it.
func OutcomeUnknown(err error) bool {
	switch KindOf(err) {
	case ErrTimeout, ErrUnavailable, ErrMalformed, ErrPartial:
		return true
	case 0:
		return err != nil
	}
	return false
}
