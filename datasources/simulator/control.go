package simulator

import (
	"errors"
	"fmt"
	"sync"
	"time"
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
	// ErrLocked: the SKU's stock is held by a platform campaign (Lazada 4170).
	ErrLocked = errors.New("the stock is locked by a platform campaign")
)

// SetSellable sets a SKU's sellable stock, as Lazada's SellableQuantity
// does: the units already sold stay sold and n more can be bought. A SKU
// whose stock a platform campaign holds (SetLocked) refuses with ErrLocked.
func (b *Book) SetSellable(sku string, n int) error {
	if n < 0 {
		return fmt.Errorf("sellable quantity %d is negative", n)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	i, ok := b.skuIdx[sku]
	if !ok || b.spec.Allocated[sku] == 0 {
		return ErrNoSuchSKU
	}
	st := &b.state[i]
	if st.locked > 0 {
		return ErrLocked
	}
	st.allocated = st.sold + n
	return nil
}

// SetLocked marks n units of a SKU as held by a platform campaign (Lazada's
// channelInventories): an update of that SKU's stock or price is refused.
func (b *Book) SetLocked(sku string, n int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	i, ok := b.skuIdx[sku]
	if !ok {
		return ErrNoSuchSKU
	}
	b.state[i].locked = n
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
	// dialect's server error without applying anything.
	Mode string `json:"mode"`
	// Delay is how long a "timeout" holds the answer (default 30 s).
	Delay time.Duration `json:"delay"`
	// Times is how many requests the fault applies to (default 1).
	Times int `json:"times"`
}

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
