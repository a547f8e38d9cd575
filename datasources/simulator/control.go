package simulator

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// Errors of the book's control primitives; each dialect answers them in its
// own words.
var (
	// ErrNoSuchSKU: the SKU is not allocated to this channel.
	ErrNoSuchSKU = errors.New("no such SKU on this channel")
	// ErrNoSuchOrder: no order with that id.
	ErrNoSuchOrder = errors.New("no such order")
	// ErrInvalidState: the order can no longer be cancelled (shipped).
	ErrInvalidState = errors.New("the order is shipped and can no longer be cancelled")
	// ErrLocked: the SKU's stock is held by a platform campaign and may
	// not be lowered (Lazada 4170).
	ErrLocked = errors.New("the stock is locked by a platform campaign")
)

// SetSellable sets a SKU's sellable stock, as Lazada's SellableQuantity
// does: the units already sold stay sold and n more can be bought, all
// from the first warehouse (any other is set to 0). A decrease of a SKU
// whose stock a platform campaign holds (SetLocked) is refused with
// ErrLocked; an increase is allowed.
func (b *Book) SetSellable(sku string, n int) error {
	if n < 0 {
		return fmt.Errorf("sellable quantity %d is negative", n)
	}
	u := SKUUpdate{SKU: sku}
	for w, code := range b.warehouses {
		c := WarehouseChange{Warehouse: code, Op: StockSet}
		if w == 0 {
			c.N = n
		}
		u.Stock = append(u.Stock, c)
	}
	res, ok := b.UpdateSKUs([]SKUUpdate{u})
	if !ok {
		return res[0].Err
	}
	return nil
}

// SetLocked marks n units of a SKU as held by a platform campaign from
// now (Lazada's channelInventories; 0 ends the campaign). While it holds
// them, the SKU's sellable stock may be raised but not lowered, nor set
// below n (Lazada's 4170), and its price and sale window cannot be edited.
func (b *Book) SetLocked(sku string, n int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	i, ok := b.skuIdx[sku]
	if !ok {
		return ErrNoSuchSKU
	}
	st := &b.state[i]
	if st.locked == 0 && n > 0 {
		st.lockedAt = b.clock.Now()
	}
	st.locked = max(n, 0)
	return nil
}

// More refusals of a seller's update (UpdateSKUs), beside ErrNoSuchSKU and
// ErrLocked.
var (
	// ErrNoSuchWarehouse: the seller has no warehouse of that code.
	ErrNoSuchWarehouse = errors.New("no such warehouse for this seller")
	// ErrNegativeStock: the sellable stock would be below 0.
	ErrNegativeStock = errors.New("the sellable stock cannot be negative")
	// ErrBelowReserved: a total stock below the units orders reserve.
	ErrBelowReserved = errors.New("the total stock cannot be less than the stock orders reserve")
	// ErrSaleWindow: the sale price's start would not be before its end.
	ErrSaleWindow = errors.New("the sale price's start must be before its end")
	// ErrSalePrice: the sale price would not be below the price.
	ErrSalePrice = errors.New("the sale price must be below the price")
	// ErrInCampaign: the price or sale window of a SKU a platform campaign
	// holds cannot be edited.
	ErrInCampaign = errors.New("the SKU takes part in a platform campaign: its price and sale window cannot be edited")
)

// StockOp is how a WarehouseChange moves a warehouse's stock.
type StockOp uint8

const (
	// StockSet sets the sellable stock (Lazada's UpdateSellableQuantity).
	StockSet StockOp = iota
	// StockAdd adds N, which may be negative, to the sellable stock
	// (Lazada's AdjustSellableQuantity).
	StockAdd
	// StockSetTotal sets the total stock, sellable plus reserved (Lazada's
	// UpdatePriceQuantity Quantity): the sellable stock becomes N less
	// what orders reserve there.
	StockSetTotal
)

// WarehouseChange is one change of a SKU's stock in one warehouse.
type WarehouseChange struct {
	Warehouse string // "" is the SKU's first warehouse
	Op        StockOp
	N         int
}

// SKUUpdate is a seller's change of one SKU: its stock, warehouse by
// warehouse in order, and its listing. A nil field stays as it is.
type SKUUpdate struct {
	SKU       string
	Stock     []WarehouseChange
	Price     *datasources.Money
	SalePrice *datasources.Money
	SaleStart *time.Time
	SaleEnd   *time.Time
}

// SKUResult is what an update did, or would do, to one SKU.
type SKUResult struct {
	SKU string
	// Before and After are the SKU's sellable stock over all warehouses.
	Before, After int
	// Err says why the update is refused; nil when it is not.
	Err error
}

// UpdateSKUs applies a seller's updates, in order, all or nothing: when
// ok is false one of the results says why it was refused and nothing
// changed. A SKU a campaign holds (SetLocked) refuses a lower sellable
// stock, or one below the units held, with ErrLocked.
func (b *Book) UpdateSKUs(us []SKUUpdate) (res []SKUResult, ok bool) {
	return b.updateSKUs(us, true)
}

// CheckSKUs is UpdateSKUs without applying anything: what it would do now.
func (b *Book) CheckSKUs(us []SKUUpdate) (res []SKUResult, ok bool) {
	return b.updateSKUs(us, false)
}

func (b *Book) updateSKUs(us []SKUUpdate, apply bool) ([]SKUResult, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	// Changed SKUs are worked on in copies, so that a refusal anywhere
	// leaves the book as it was.
	work := map[int32]*skuState{}
	res := make([]SKUResult, len(us))
	ok := true
	for k, u := range us {
		res[k] = SKUResult{SKU: u.SKU}
		i, known := b.skuIdx[u.SKU]
		if !known || b.spec.Allocated[u.SKU] == 0 {
			res[k].Err, ok = ErrNoSuchSKU, false
			continue
		}
		st := work[i]
		if st == nil {
			c := b.state[i].clone()
			st = &c
		}
		next := st.clone()
		res[k].Before = next.available()
		res[k].Err = b.updateSKU(&next, u)
		res[k].After = next.available()
		if res[k].Err != nil {
			ok = false
			continue
		}
		work[i] = &next
	}
	if ok && apply {
		for i, st := range work {
			b.state[i] = *st
		}
	}
	return res, ok
}

// updateSKU applies one update to a copy of a SKU's state.
func (b *Book) updateSKU(st *skuState, u SKUUpdate) error {
	before := st.available()
	for _, c := range u.Stock {
		w := 0
		if c.Warehouse != "" {
			w = slices.Index(b.warehouses, c.Warehouse)
			if w < 0 {
				return fmt.Errorf("%w: %q", ErrNoSuchWarehouse, c.Warehouse)
			}
		}
		reserved := 0
		if w == 0 {
			reserved = st.reserved
		}
		n := c.N
		switch c.Op {
		case StockAdd:
			n = st.sellable[w] + c.N
		case StockSetTotal:
			if c.N < reserved {
				return fmt.Errorf("%w: a total of %d, with %d reserved", ErrBelowReserved, c.N, reserved)
			}
			n = c.N - reserved
		}
		if n < 0 {
			return fmt.Errorf("%w: it would be %d", ErrNegativeStock, n)
		}
		st.sellable[w] = n
	}
	if after := st.available(); st.locked > 0 && (after < before || after < st.locked) {
		return fmt.Errorf("%w: %d units are held, the sellable stock is %d and would be %d", ErrLocked, st.locked, before, after)
	}
	if u.Price == nil && u.SalePrice == nil && u.SaleStart == nil && u.SaleEnd == nil {
		return nil
	}
	if st.locked > 0 {
		return ErrInCampaign
	}
	if u.Price != nil {
		st.price = *u.Price
	}
	if u.SalePrice != nil {
		st.salePrice = *u.SalePrice
	}
	if (u.Price != nil || u.SalePrice != nil) && st.salePrice >= st.price {
		return fmt.Errorf("%w: a sale price of %d against %d (cents)", ErrSalePrice, st.salePrice, st.price)
	}
	if u.SaleStart != nil {
		st.start = *u.SaleStart
	}
	if u.SaleEnd != nil {
		st.end = *u.SaleEnd
	}
	if (u.SaleStart != nil || u.SaleEnd != nil) && !st.start.Before(st.end) {
		return fmt.Errorf("%w: from %s to %s", ErrSaleWindow, st.start.Format(time.DateTime), st.end.Format(time.DateTime))
	}
	return nil
}

// SetEnd moves the end of the sale for one SKU, or for every SKU of the
// channel when sku is empty. Orders come again past the old end when the
// new one is later (an extension); nothing sells after an earlier one.
func (b *Book) SetEnd(sku string, end time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	if sku == "" {
		for i := range b.state {
			b.state[i].end = end
		}
		return nil
	}
	i, ok := b.skuIdx[sku]
	if !ok {
		return ErrNoSuchSKU
	}
	if b.state[i].locked > 0 {
		return ErrLocked
	}
	b.state[i].end = end
	return nil
}

// SetPaused pauses (or resumes) the sale of every SKU on this channel, as
// the brand store's pause and resume do: no order is taken while paused.
func (b *Book) SetPaused(paused bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	for i := range b.state {
		b.state[i].paused = paused
	}
}

// Paused reports whether the channel's sale is paused (every SKU).
func (b *Book) Paused() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.state) == 0 {
		return false
	}
	for _, s := range b.state {
		if !s.paused {
			return false
		}
	}
	return true
}

// End is the channel's sale end: the latest end of its SKUs.
func (b *Book) End() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	end := b.sale.End
	first := true
	for i, s := range b.state {
		if b.spec.Allocated[b.skus[i].SKU] == 0 {
			continue
		}
		if first || s.end.After(end) {
			end, first = s.end, false
		}
	}
	return end
}

// CancelOrder cancels every line of an order now, as a seller's
// cancellation does: its units return to the stock and leave the sold
// count, and the order gets a new update time that pollers will read.
// Cancelling a cancelled order changes nothing; a shipped one is
// ErrInvalidState.
func (b *Book) CancelOrder(id string) (OrderView, error) {
	var n uint64
	if _, err := fmt.Sscan(id, &n); err != nil {
		return OrderView{}, ErrNoSuchOrder
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	idx, ok := b.byID[n]
	if !ok {
		return OrderView{}, ErrNoSuchOrder
	}
	o := &b.orders[idx]
	switch o.status {
	case stCanceled:
		return b.view(idx), nil
	case stShipped:
		return b.view(idx), ErrInvalidState
	}
	// Stamped at the end of what has been generated, never earlier than an
	// update already in the log: the log stays in time order and a poller
	// that has read everything so far still finds this change.
	at := b.genUntil
	if len(b.log) > 0 {
		at = max(at, b.log[len(b.log)-1].at)
	}
	e, _ := b.apply(event{at: at, idx: idx, kind: stCanceled})
	b.appendLog(e)
	return b.view(idx), nil
}

// Action operations a fault can be injected into (dialect-neutral names).
const (
	OpPause  = "pause"
	OpResume = "resume"
	OpExtend = "extend"
	OpCancel = "cancel"
)

// ActionFault makes the next action requests of one operation go wrong, to
// exercise the `unknown` and `failed` results of the client.
type ActionFault struct {
	// Mode: "timeout" applies the action and then holds the answer back
	// for Delay (longer than a client waits: the result is unknown to the
	// caller, and only a read-back finds it applied); "fail" answers the
	// dialect's server error without applying anything. The Lazada
	// dialect takes two more: "ignore" answers success and applies
	// nothing (a gateway that dropped the request's fields); "detail"
	// answers success with per-SKU failures in detail[] for SKUs, or
	// when SKUs is empty for the first SKU of the payload and every other
	// one after it, and applies the rest.
	Mode string `json:"mode"`
	// Delay is how long a "timeout" holds the answer (default 30 s).
	Delay time.Duration `json:"delay"`
	// Times is how many requests the fault applies to (default 1).
	Times int `json:"times"`
	// SKUs are the seller SKUs a "detail" fault fails.
	SKUs []string `json:"skus,omitempty"`
}

// ActionFaultModes are the modes an ActionFault may have.
var ActionFaultModes = []string{"timeout", "fail", "ignore", "detail"}

type actionFaults struct {
	mu      sync.Mutex
	m       map[string]ActionFault
	applied map[string]int
}

// SetActionFault arms a fault for the next requests of op (OpPause…).
func (b *Book) SetActionFault(op string, f ActionFault) {
	b.af.mu.Lock()
	defer b.af.mu.Unlock()
	if b.af.m == nil {
		b.af.m = map[string]ActionFault{}
	}
	if f.Times <= 0 {
		f.Times = 1
	}
	if f.Delay <= 0 {
		f.Delay = 30 * time.Second
	}
	b.af.m[op] = f
}

// TakeActionFault returns the fault armed for op, if any, and counts one
// use of it. Dialect handlers call it once per action request.
func (b *Book) TakeActionFault(op string) (ActionFault, bool) {
	b.af.mu.Lock()
	defer b.af.mu.Unlock()
	f, ok := b.af.m[op]
	if !ok {
		return ActionFault{}, false
	}
	f.Times--
	if f.Times <= 0 {
		delete(b.af.m, op)
	} else {
		b.af.m[op] = f
	}
	return f, true
}

// ActionCount is how many action requests of op reached the channel and
// were applied (replays of an idempotency key excluded): a test's proof
// that a retry never reached the channel twice.
func (b *Book) ActionCount(op string) int {
	b.af.mu.Lock()
	defer b.af.mu.Unlock()
	return b.af.applied[op]
}

// CountAction records one applied action request of op.
func (b *Book) CountAction(op string) {
	b.af.mu.Lock()
	defer b.af.mu.Unlock()
	if b.af.applied == nil {
		b.af.applied = map[string]int{}
	}
	b.af.applied[op]++
}
