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
// Every change is a state to reach, never a step to repeat: pause means
// "sellable stock 0" or "state paused", extend means "end at until", cancel
// means "order cancelled". Sending one twice therefore cannot do twice the
// harm. Even so, the caller sends each request once: an error of kind
// ErrTimeout, ErrUnavailable or ErrMalformed leaves the outcome unknown, and
// the caller settles it with ReadSale or ReadOrder, never by resending.
type Controller interface {
	// ReadSale reads what the sale is on the channel now: before a pause,
	// what a resume must restore; after an action whose answer was lost,
	// whether it took effect.
	ReadSale(ctx context.Context, t SaleTarget) (SaleControl, error)
	// PauseSale stops the sale selling on the channel.
	PauseSale(ctx context.Context, t SaleTarget, m ActionMeta) error
	// ResumeSale sells again, restoring what ReadSale read before the pause
	// (prev) where the channel needs it (Lazada's sellable stock).
	ResumeSale(ctx context.Context, t SaleTarget, prev SaleControl, m ActionMeta) error
	// ExtendSale moves the sale's end to until.
	ExtendSale(ctx context.Context, t SaleTarget, until time.Time, m ActionMeta) error
	// CancelOrder cancels a whole order (every line).
	CancelOrder(ctx context.Context, orderID string, m ActionMeta) error
	// ReadOrder reads one order as it is now (the read-back of a cancel).
	ReadOrder(ctx context.Context, orderID string) (Order, error)
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
