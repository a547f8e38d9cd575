package simulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, WIB)

func book(t *testing.T, seed int64) (*Book, *Clock) {
	t.Helper()
	clock := NewManualClock(t0)
	sc := DemoScenario(t0, 0, seed)
	return NewBook(&sc, sc.Channels[0], clock), clock
}

// units sums the not-cancelled units of every order, per SKU.
func units(orders []OrderView) map[string]int {
	out := map[string]int{}
	for _, o := range orders {
		for _, it := range o.Items {
			if !it.Cancelled {
				out[it.SKU] += it.Qty
			}
		}
	}
	return out
}

func TestBookIsDeterministicHoweverItIsRead(t *testing.T) {
	// One book read once at the end, another read every 7 seconds: the
	// same seed must play exactly the same sale.
	a, ca := book(t, 7)
	b, cb := book(t, 7)
	for d := time.Duration(0); d <= 10*time.Minute; d += 7 * time.Second {
		cb.Set(t0.Add(d))
		b.Updates(Query{Limit: 10})
	}
	ca.Set(t0.Add(10 * time.Minute))
	cb.Set(t0.Add(10 * time.Minute))
	oa, na := a.Updates(Query{})
	ob, nb := b.Updates(Query{})
	if na != nb || na == 0 || !reflect.DeepEqual(oa, ob) {
		t.Fatalf("different sales: %d vs %d orders", na, nb)
	}
	c, cc := book(t, 8)
	cc.Set(t0.Add(10 * time.Minute))
	if _, nc := c.Updates(Query{}); nc == na {
		t.Errorf("another seed played the same number of orders (%d)", nc)
	}
}

func TestBookTruthMatchesOrders(t *testing.T) {
	b, c := book(t, 42)
	c.Set(t0.Add(30 * time.Minute))
	all, total := b.Updates(Query{})
	if total != len(all) || total != b.OrderCount() {
		t.Fatalf("total %d, listed %d, count %d", total, len(all), b.OrderCount())
	}
	if got, want := units(all), b.Sold(); !reflect.DeepEqual(got, want) {
		t.Fatalf("orders say %v, truth says %v", got, want)
	}
	// Every update is listed once, in time order, and paging adds up.
	var paged []OrderView
	for off := 0; ; off += 100 {
		p, n := b.Updates(Query{Offset: off, Limit: 100})
		if n != total {
			t.Fatalf("total changed while paging: %d", n)
		}
		paged = append(paged, p...)
		if len(p) < 100 {
			break
		}
	}
	if !reflect.DeepEqual(paged, all) {
		t.Fatal("paging differs from one read")
	}
	for i := 1; i < len(all); i++ {
		if all[i].UpdatedAt.Before(all[i-1].UpdatedAt) {
			t.Fatalf("order %d updated before the one listed ahead of it", i)
		}
	}
	// A window selects by update time, After strict and Before inclusive.
	mid := t0.Add(10 * time.Minute)
	before, _ := b.Updates(Query{Before: mid})
	after, _ := b.Updates(Query{After: mid})
	if len(before)+len(after) != total {
		t.Fatalf("windows split %d+%d of %d", len(before), len(after), total)
	}
}

func TestBookSurgeSellOutAndCancellations(t *testing.T) {
	b, c := book(t, 42)
	c.Set(t0.Add(time.Minute))
	first := b.OrderCount()
	c.Set(t0.Add(61 * time.Minute))
	hour := b.OrderCount() - first
	// The first minute sells at the surge, far above the later average.
	if float64(first) < 3*float64(hour)/60 {
		t.Errorf("no surge: first minute %d orders, then %.1f/min", first, float64(hour)/60)
	}
	soldOut := 0
	for _, s := range b.Stock() {
		if s.Sellable < 0 || s.Sold > s.Allocated {
			t.Fatalf("oversold %s: %+v", s.SKU, s)
		}
		if s.Sellable == 0 {
			soldOut++
		}
	}
	if soldOut == 0 {
		t.Error("nothing sold out in an hour of the demo")
	}
	all, _ := b.Updates(Query{})
	cancelled := 0
	for _, o := range all {
		if o.Status == StatusCanceled {
			cancelled++
		}
	}
	if cancelled == 0 {
		t.Error("no cancellations: pollers would never see an order change")
	}
}

func TestBookSellsNothingOutsideTheWindow(t *testing.T) {
	b, c := book(t, 1)
	c.Set(t0.Add(-time.Hour))
	if n := b.OrderCount(); n != 0 {
		t.Fatalf("%d orders before the sale opened", n)
	}
	c.Set(b.Sale().End.Add(time.Hour))
	all, _ := b.Updates(Query{})
	for _, o := range all {
		if o.CreatedAt.Before(t0) || !o.CreatedAt.Before(b.Sale().End) {
			t.Fatalf("order %s created at %v, outside the sale", o.ID, o.CreatedAt)
		}
	}
}

func TestSharedFaults(t *testing.T) {
	b, _ := book(t, 1)
	h := withFaults(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"code":"0","data":{"orders":[1,2,3]}}`))
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func() (int, string) {
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if code, body := get(); code != 200 || body != `{"code":"0","data":{"orders":[1,2,3]}}` {
		t.Fatalf("healthy: %d %s", code, body)
	}
	b.SetFaults(Faults{Down: true})
	if code, _ := get(); code != http.StatusServiceUnavailable {
		t.Fatalf("down: %d", code)
	}
	b.SetFaults(Faults{Malformed: true})
	full := `{"code":"0","data":{"orders":[1,2,3]}}`
	if code, body := get(); code != 200 || len(body) == 0 || len(body) >= len(full) || full[:len(body)] != body || json.Valid([]byte(body)) {
		t.Fatalf("malformed: %d %q", code, body)
	}
	b.SetFaults(Faults{Latency: 50 * time.Millisecond})
	start := time.Now()
	get()
	if time.Since(start) < 50*time.Millisecond {
		t.Fatal("latency not applied")
	}
}
