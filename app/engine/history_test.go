package engine

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// The per-minute series follows every order into the minute it was
// created, and a cancellation takes its units back from that minute.
func TestHistoryPerMinute(t *testing.T) {
	e, ch := testEngine(t, saleStart.Add(10*time.Minute))
	a := func(n int) datasources.Item { return datasources.Item{SKU: "A", Quantity: n} }
	b := func(n int) datasources.Item { return datasources.Item{SKU: "B", Quantity: n} }
	e.mu.Lock()
	for _, o := range []*datasources.Order{
		order("1", 30*time.Second, 30*time.Second, "pending", a(2)),
		order("2", 59*time.Second, 59*time.Second, "pending", a(1), b(1)),
		order("3", 3*time.Minute, 3*time.Minute, "pending", b(3)),
		order("4", 3*time.Minute+5*time.Second, 3*time.Minute, "pending", a(4)),
		order("4", 3*time.Minute+5*time.Second, 6*time.Minute, "canceled", a(4)), // taken back
		order("5", -time.Minute, 0, "pending", a(9)),                             // before the sale
	} {
		e.ingest(ch, o)
	}
	e.mu.Unlock()
	h, ok := e.History("s")
	if !ok {
		t.Fatal("no history of sale s")
	}
	if len(h.Channels) != 1 || h.Channels[0].Allocated != 15 {
		t.Fatalf("channels %+v, want lazada-id with 15 allocated", h.Channels)
	}
	if got, want := h.Channels[0].PerMinute, []int32{4, 0, 0, 3}; !slices.Equal(got, want) {
		t.Errorf("units per minute %v, want %v", got, want)
	}
	if _, ok := e.History("nope"); ok {
		t.Error("a history of a sale that does not exist")
	}
}

func TestMinuteSeriesIsBounded(t *testing.T) {
	var m minuteSeries
	start := saleStart.UnixMilli()
	m.add(start, start-1, 5)                                     // before: dropped
	m.add(start, start+int64(maxSaleMinutes)*60_000, 5)          // past the bound: dropped
	m.add(start, start+int64(maxSaleMinutes-1)*60_000+59_999, 2) // the last minute kept
	if len(m) != maxSaleMinutes || m[maxSaleMinutes-1] != 2 || m[0] != 0 {
		t.Errorf("series of %d minutes, last %d", len(m), m[len(m)-1])
	}
}

// Health changes are noted once per change, saved, and read back by the
// next engine on the same database.
func TestHealthChangesAreSavedAndReloaded(t *testing.T) {
	now := saleStart.Add(5 * time.Minute)
	e, ch := testEngine(t, now)
	down := &datasources.Error{Channel: "lazada-id", Op: "orders", Kind: datasources.ErrUnavailable, Message: "HTTP 503"}
	for _, err := range []error{nil, nil, down, down, down, down, nil} {
		e.record(ch, time.Millisecond, false, err, time.Second)
		e.saveHealth(ch)
	}
	var states []string
	for _, h := range ch.health {
		states = append(states, h.State)
	}
	if want := []string{StateOK, StateDegraded, StateDown, StateOK}; !slices.Equal(states, want) {
		t.Fatalf("health changes %v, want %v", states, want)
	}
	if ch.health[2].Error == "" || !ch.health[2].At.Equal(now) {
		t.Errorf("the outage's change %+v: want its error, at the sale clock's %v", ch.health[2], now)
	}
	saved, err := e.store.Health("lazada-id")
	if err != nil {
		t.Fatal(err)
	}
	// Changes in the same millisecond keep the last: the sale clock here
	// stands still.
	if len(saved) != 1 || saved[0].State != StateOK {
		t.Errorf("saved %+v, want the last change of that millisecond", saved)
	}

	// A failed save keeps the changes for the next attempt.
	e.store.InjectWriteFault(errors.New("disk full"))
	e.mu.Lock()
	ch.state = StateDown
	e.noteHealth(ch, "again")
	e.mu.Unlock()
	e.saveHealth(ch)
	if len(ch.unsavedHealth) != 1 {
		t.Errorf("%d changes kept after a failed save, want 1", len(ch.unsavedHealth))
	}
	e.store.InjectWriteFault(nil)
	e.saveHealth(ch)
	if len(ch.unsavedHealth) != 0 {
		t.Errorf("%d changes left after the retry", len(ch.unsavedHealth))
	}

	e2, err := New(Options{Config: e.cfg, Store: e.store, Now: e.now})
	if err != nil {
		t.Fatal(err)
	}
	if err := e2.Load(); err != nil {
		t.Fatal(err)
	}
	h, _ := e2.History("s")
	if got := h.Channels[0].Health; len(got) != 1 || got[0].State != StateDown || got[0].Error != "again" {
		t.Errorf("reloaded health %+v, want the saved change", got)
	}
}

// A channel and a SKU sell out at the creation of the order that took the
// last unit, whatever order the orders were read in.
func TestSellOuts(t *testing.T) {
	e, ch := testEngine(t, saleStart.Add(time.Hour))
	a := func(n int) datasources.Item { return datasources.Item{SKU: "A", Quantity: n} }
	b := func(n int) datasources.Item { return datasources.Item{SKU: "B", Quantity: n} }
	e.mu.Lock()
	for _, o := range []*datasources.Order{
		order("3", 20*time.Minute, 20*time.Minute, "pending", a(4), b(5)), // A reaches 10 here
		order("1", 2*time.Minute, 2*time.Minute, "pending", a(3)),
		order("2", 9*time.Minute, 9*time.Minute, "pending", a(3)),
		order("4", 25*time.Minute, 25*time.Minute, "pending", a(1)), // after the sell-out
	} {
		e.ingest(ch, o)
	}
	e.mu.Unlock()
	got := e.SellOuts("s")
	at := saleStart.Add(20 * time.Minute)
	if !got.SKU["A"].Equal(at) || !got.SKU["B"].Equal(at) || !got.Channel["lazada-id"].Equal(at) {
		t.Errorf("sell-outs %+v, want A, B and the channel at %v", got, at)
	}
	if got := e.SellOuts("nope"); len(got.Channel)+len(got.SKU) != 0 {
		t.Errorf("sell-outs of a sale that does not exist: %+v", got)
	}
}
