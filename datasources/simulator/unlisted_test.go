package simulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestUnlistedStopsOneListing: a SKU unlisted on one channel sells no more
// there from the moment the fault is set, and goes on selling elsewhere.
func TestUnlistedStopsOneListing(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 14, 0, 0, 0, WIB)
	clock := NewManualClock(t0.Add(2 * time.Minute))
	srv, err := New(DemoScenario(t0, 0, 7), clock)
	if err != nil {
		t.Fatal(err)
	}
	const sku = "POCO-M3-464-BLK"
	laz, mi := srv.Book("lazada-id"), srv.Book("micom-id")
	before, miBefore := laz.Sold()[sku], mi.Sold()[sku]
	if before == 0 || miBefore == 0 {
		t.Fatalf("nothing sold in two minutes: %d, %d", before, miBefore)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	resp, err := http.Post(hs.URL+"/_sim/faults/lazada-id", "application/json", strings.NewReader(`{"unlisted":["`+sku+`"]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(laz.Faults().Unlisted) != 1 {
		t.Fatalf("setting the fault: %s, %+v", resp.Status, laz.Faults())
	}
	// The orders of the two minutes before the fault stand.
	before = laz.Sold()[sku]
	clock.Advance(3 * time.Minute)
	if got := laz.Sold()[sku]; got > before {
		t.Errorf("the unlisted SKU sold %d more on lazada-id", got-before)
	}
	if got := mi.Sold()[sku]; got <= miBefore {
		t.Errorf("mi.com stopped selling it too (%d then %d)", miBefore, got)
	}
	if other := laz.Sold()["POCO-M3-464-YLW"]; other == 0 {
		t.Error("lazada-id sold nothing else")
	}
	// Cleared, the listing sells again.
	laz.SetFaults(Faults{})
	clock.Advance(2 * time.Minute)
	if got := laz.Sold()[sku]; got <= before {
		t.Errorf("relisted, it did not sell: %d then %d", before, got)
	}
}
