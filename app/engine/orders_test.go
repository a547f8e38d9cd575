package engine

import (
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

func TestNumericID(t *testing.T) {
	cases := []struct {
		id   string
		n    uint64
		isNo bool
	}{
		{"0", 0, true},
		{"7", 7, true},
		{"400000000001", 400_000_000_001, true},
		{"9999999999999999999", 9_999_999_999_999_999_999, true},
		{"10000000000000000000", 0, false}, // 20 digits
		{"007", 0, false},                  // would read back as "7"
		{"", 0, false},
		{"-7", 0, false},
		{"+7", 0, false},
		{"7a", 0, false},
		{"MI-2026-0001", 0, false},
		{"１２", 0, false}, // full-width digits are not ASCII ones
	}
	for _, tc := range cases {
		n, ok := numericID(tc.id)
		if ok != tc.isNo || n != tc.n {
			t.Errorf("numericID(%q) = %d, %v; want %d, %v", tc.id, n, ok, tc.n, tc.isNo)
		}
	}
}

// TestOrderIndexUndo replays updates of orders with one line, several
// lines and none, under numeric and other ids, and checks the figures and
// the number of orders held after each sequence.
func TestOrderIndexUndo(t *testing.T) {
	a := func(q int) datasources.Item { return datasources.Item{SKU: "A", Quantity: q} }
	b := func(q int) datasources.Item { return datasources.Item{SKU: "B", Quantity: q} }
	at := func(id string, upd time.Duration, status string, items ...datasources.Item) *datasources.Order {
		return order(id, time.Minute, upd, status, items...)
	}
	cases := []struct {
		name         string
		orders       []*datasources.Order
		soldA, soldB int
		held         int
	}{
		{"ids 7 and 007 are two orders", []*datasources.Order{at("7", time.Minute, "pending", a(1)), at("007", time.Minute, "pending", a(2))}, 3, 0, 2},
		{"a 20-digit id is kept whole", []*datasources.Order{at("10000000000000000000", time.Minute, "pending", a(1)), at("10000000000000000000", 2*time.Minute, "pending", a(3))}, 3, 0, 1},
		{"a text id, updated", []*datasources.Order{at("MI-1", time.Minute, "pending", a(2), b(1)), at("MI-1", 2*time.Minute, "pending", a(1))}, 1, 0, 1},
		{"two lines cancelled", []*datasources.Order{at("1", time.Minute, "pending", a(2), b(1)), at("1", 2*time.Minute, "canceled", a(2), b(1))}, 0, 0, 1},
		{"two lines, one cancelled, then the other", []*datasources.Order{
			at("1", time.Minute, "pending", a(2), b(1)),
			at("1", 2*time.Minute, "pending", a(2), datasources.Item{SKU: "B", Quantity: 1, Cancelled: true}),
			at("1", 3*time.Minute, "canceled", a(2)),
		}, 0, 0, 1},
		{"one line grows to two, then three", []*datasources.Order{
			at("1", time.Minute, "pending", a(1)),
			at("2", time.Minute, "pending", a(1), b(1)),
			at("1", 2*time.Minute, "pending", a(1), b(2)),
			at("1", 3*time.Minute, "pending", a(1), b(2), a(3)),
		}, 5, 3, 2},
		{"two lines after a cancelled version", []*datasources.Order{at("1", time.Minute, "canceled", a(1)), at("1", 2*time.Minute, "pending", a(1), b(1))}, 1, 1, 1},
		{"several lines delivered twice count once", []*datasources.Order{at("1", time.Minute, "pending", a(1), b(1), a(1)), at("1", time.Minute, "pending", a(1), b(1), a(1))}, 2, 1, 1},
		{"three lines shrink to two, then grow to four", []*datasources.Order{
			at("1", time.Minute, "pending", a(1), b(1), a(2)),
			at("2", time.Minute, "pending", a(1), b(1)),
			at("1", 2*time.Minute, "pending", a(1), b(1)),
			at("1", 3*time.Minute, "pending", a(1), b(1), a(1), b(1)),
		}, 3, 3, 2},
		{"a line of 300 units, then of 3", []*datasources.Order{at("1", time.Minute, "pending", a(300)), at("1", 2*time.Minute, "pending", a(3))}, 3, 0, 1},
		{"updated 60 days after its creation", []*datasources.Order{at("1", time.Minute, "pending", a(2), b(1)), at("1", 60*24*time.Hour, "pending", a(1), b(1)), at("2", 60*24*time.Hour, "pending", b(4))}, 1, 5, 2},
		{"updated before its creation", []*datasources.Order{at("1", time.Second, "pending", a(2))}, 2, 0, 1},
		{"outside the window: held, counted nowhere", []*datasources.Order{order("1", -time.Minute, time.Minute, "pending", a(1))}, 0, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, ch := testEngine(t, saleStart.Add(5*time.Minute))
			for _, o := range tc.orders {
				e.ingest(ch, o)
			}
			k := e.build().Sales[0].SKUs
			if k[0].Sold != tc.soldA || k[1].Sold != tc.soldB {
				t.Errorf("sold A=%d B=%d, want %d %d", k[0].Sold, k[1].Sold, tc.soldA, tc.soldB)
			}
			if got := ch.orders.len(); got != tc.held {
				t.Errorf("held %d orders, want %d", got, tc.held)
			}
			// Taking every order back leaves nothing counted: each line
			// the index holds is what the order added.
			for _, o := range tc.orders {
				c := *o
				c.UpdatedAt, c.Status = saleStart.Add(365*24*time.Hour), "canceled"
				e.ingest(ch, &c)
			}
			for i, c := range e.cells {
				if c.sold != 0 {
					t.Errorf("cell %d still has %d sold after every order was cancelled", i, c.sold)
				}
			}
		})
	}
}
