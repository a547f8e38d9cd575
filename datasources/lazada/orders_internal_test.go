package lazada

import (
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// TestItemStatuses: every order item status Lazada documents — GetOrders'
// status filter, its error 6 list and the values of its statuses field —
// is known, with whether the unit counts as sold under it; a status Lazada
// does not document is taken as sold (a new step of a live order is
// likelier than a new way of not selling).
func TestItemStatuses(t *testing.T) {
	for _, tc := range []struct {
		status string
		sold   bool
		// word is the order status of an order whose items all have it.
		word string
	}{
		{"unpaid", true, "unpaid"},
		{"pending", true, "pending"},
		{"repacked", true, "repacked"},
		{"packed", true, "packed"},
		{"topack", true, "topack"},
		{"toship", true, "toship"},
		{"ready_to_ship_pending", true, "ready_to_ship_pending"},
		{"ready_to_ship", true, "ready_to_ship"},
		{"shipping", true, "shipping"},
		{"shipped", true, "shipped"},
		{"delivered", true, "delivered"},
		{"canceled", false, "canceled"},
		{"returned", false, "returned"},
		{"failed", false, "failed"},
		{"failed_delivery", false, "failed"},
		{"lost", false, "failed"},
		{"lost_by_3pl", false, "failed"},
		{"damaged_by_3pl", false, "failed"},
		{"shipped_back", false, "returned"},
		{"shipped_back_success", false, "returned"},
		{"shipped_back_failed", false, "returned"},
		{"package_scrapped", false, "failed"},
	} {
		t.Run(tc.status, func(t *testing.T) {
			if _, known := itemStatuses[tc.status]; !known {
				t.Fatalf("documented status %q is not known", tc.status)
			}
			for _, s := range []string{tc.status, " " + tc.status + " ", strings.ToUpper(tc.status)} {
				if itemCancelled(s) == tc.sold {
					t.Fatalf("%q: cancelled = %v", s, !tc.sold)
				}
			}
			o := datasources.Order{Status: orderStatus([]jsonx.String{jsonx.String(strings.ToUpper(tc.status))})}
			if o.Status != tc.word || o.IsCancelled() == tc.sold {
				t.Fatalf("an order of %q items has status %q (cancelled %v)", tc.status, o.Status, o.IsCancelled())
			}
		})
	}
	for _, tc := range []struct {
		statuses []jsonx.String
		want     string
	}{
		// The first status under which a unit is sold wins: the order
		// still sells something.
		{[]jsonx.String{"canceled", "pending"}, "pending"},
		{[]jsonx.String{"lost", "shipped_back"}, "failed"},
		{nil, "unknown"},
		{[]jsonx.String{" ", ""}, "unknown"},
		// Not documented: taken as sold, the word kept.
		{[]jsonx.String{"damaged"}, "damaged"},
	} {
		if got := orderStatus(tc.statuses); got != tc.want {
			t.Errorf("orderStatus(%q) = %q, want %q", tc.statuses, got, tc.want)
		}
	}
}
