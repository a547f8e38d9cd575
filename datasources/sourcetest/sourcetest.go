// Package sourcetest holds what the tests of every channel client share: a
// ledger that reads a datasources.Source the way the engine does, so each
// client's test can compare what it read with the simulator's truth.
package sourcetest

import (
	"context"
	"testing"

	"github.com/flashdeck/flashdeck/datasources"
)

// maxCalls bounds one Poll: a cursor that never finishes fails the test
// instead of hanging it.
const maxCalls = 5000

// Ledger keeps the latest version of every order read, by id.
type Ledger map[string]datasources.Order

// Poll reads pages from cur until the source has nothing more ready, keeps
// the newest version of each order, and returns the cursor to go on from.
func (l Ledger) Poll(t testing.TB, s datasources.Source, cur datasources.Cursor) datasources.Cursor {
	t.Helper()
	for range maxCalls {
		p := l.Step(t, s, cur)
		cur = p.Next
		if !p.More {
			return cur
		}
	}
	t.Fatalf("%s: Orders still has more after %d calls", s.ID(), maxCalls)
	return cur
}

// Step reads one page from cur and keeps the newest version of each order.
func (l Ledger) Step(t testing.TB, s datasources.Source, cur datasources.Cursor) datasources.OrderPage {
	t.Helper()
	p, err := s.Orders(context.Background(), cur)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range p.Orders {
		if old, ok := l[o.ID]; !ok || !o.UpdatedAt.Before(old.UpdatedAt) {
			l[o.ID] = o
		}
	}
	return p
}

// Drain polls as the engine does once the sale stops moving, until a poll
// brings nothing new and leaves the cursor where it was. (One Poll is not
// enough: a source may end a poll with orders still after its cursor.)
func (l Ledger) Drain(t testing.TB, s datasources.Source, cur datasources.Cursor) datasources.Cursor {
	t.Helper()
	for range maxCalls {
		n, was := len(l), cur
		cur = l.Poll(t, s, cur)
		if len(l) == n && cur == was {
			return cur
		}
	}
	t.Fatalf("%s: still reading new orders after %d polls", s.ID(), maxCalls)
	return cur
}

// Sold sums, per SKU, the units of orders that are not cancelled.
func (l Ledger) Sold() map[string]int {
	out := map[string]int{}
	for _, o := range l {
		if o.Status == "canceled" || o.Status == "cancelled" {
			continue
		}
		for _, it := range o.Items {
			if !it.Cancelled {
				out[it.SKU] += it.Quantity
			}
		}
	}
	return out
}
