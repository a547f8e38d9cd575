package engine

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

// pushSource is a channel that pushes: its poll finds nothing, its orders
// are read one at a time.
type pushSource struct {
	mu     sync.Mutex
	orders map[string]datasources.Order
	reads  int
	err    error
	hold   chan struct{} // when set, ReadOrder waits for it
}

func (s *pushSource) ID() string   { return "lazada-id" }
func (s *pushSource) Kind() string { return datasources.KindLazada }
func (s *pushSource) Capabilities() datasources.Capabilities {
	return datasources.Capabilities{Orders: true, Push: true}
}
func (s *pushSource) Health(context.Context) error { return nil }
func (s *pushSource) Stock(context.Context, []string) ([]datasources.StockReading, error) {
	return nil, nil
}
func (s *pushSource) Orders(_ context.Context, c datasources.Cursor) (datasources.OrderPage, error) {
	return datasources.OrderPage{Next: c, Total: -1}, nil
}
func (s *pushSource) ReadOrder(ctx context.Context, id string) (datasources.Order, error) {
	s.mu.Lock()
	hold := s.hold
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return datasources.Order{}, ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if s.err != nil {
		return datasources.Order{}, s.err
	}
	o, ok := s.orders[id]
	if !ok {
		return datasources.Order{}, &datasources.Error{Channel: "lazada-id", Op: "/order/get", Kind: datasources.ErrRejected, Message: "no order " + id}
	}
	return o, nil
}

func (s *pushSource) put(o *datasources.Order) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orders[o.ID] = *o
}

func (s *pushSource) readCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// pushEngine is an engine on one pushing channel, polled once a minute.
func pushEngine(t *testing.T, src datasources.Source) (*Engine, *store.Store) {
	t.Helper()
	cfg := &config.Config{
		Channels: []config.Channel{{ID: "lazada-id", Kind: "lazada", PollInterval: config.Duration(time.Minute), MaxCallsPerSecond: 1000, Timeout: config.Duration(time.Second)}},
		Sales: []config.Sale{{ID: "s", Name: "S", Start: saleStart, End: saleStart.Add(2 * time.Hour), Currency: "IDR",
			SKUs: []config.SKU{{SKU: "A", Allocated: map[string]int{"lazada-id": 10}}}}},
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := New(Options{Config: cfg, Store: st, Now: func() time.Time { return saleStart.Add(5 * time.Minute) },
		Sources: map[string]datasources.Source{"lazada-id": src}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return e, st
}

func run(t *testing.T, e *Engine) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	<-e.Loaded()
}

func soldA(e *Engine) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cells[0].sold
}

func TestFetchOrderSavesThenCountsOnce(t *testing.T) {
	src := &pushSource{orders: map[string]datasources.Order{}}
	e, st := pushEngine(t, src)
	run(t, e)
	src.put(order("900", time.Minute, time.Minute, "pending", datasources.Item{SKU: "A", Quantity: 2}))
	for range 3 { // a push, its replay, and the same order again
		if err := e.FetchOrder(context.Background(), "lazada-id", "900"); err != nil {
			t.Fatal(err)
		}
		if got := soldA(e); got != 2 {
			t.Fatalf("sold %d, want 2", got)
		}
	}
	var saved []string
	if err := st.EachOrder("lazada-id", func(o *datasources.Order) error { saved = append(saved, o.ID+"/"+o.Status); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(saved, ",") != "900/pending" {
		t.Fatalf("saved %v", saved)
	}
	// A cancellation pushed later takes the units back.
	src.put(order("900", time.Minute, 2*time.Minute, "canceled", datasources.Item{SKU: "A", Quantity: 2}))
	if err := e.FetchOrder(context.Background(), "lazada-id", "900"); err != nil {
		t.Fatal(err)
	}
	if got := soldA(e); got != 0 {
		t.Fatalf("sold %d after the cancellation, want 0", got)
	}

	// Errors name the order and the channel; nothing panics.
	for id, want := range map[string]string{"404": "order 404 of lazada-id"} {
		if err := e.FetchOrder(context.Background(), "lazada-id", id); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("FetchOrder(%s) = %v, want %q", id, err, want)
		}
	}
	if err := e.FetchOrder(context.Background(), "nope", "1"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown channel: %v", err)
	}
}

func TestQueueOrderReadsInTheBackground(t *testing.T) {
	src := &pushSource{orders: map[string]datasources.Order{}}
	e, _ := pushEngine(t, src)
	run(t, e)
	src.put(order("901", time.Minute, time.Minute, "pending", datasources.Item{SKU: "A", Quantity: 1}))
	if r, err := e.QueueOrder("lazada-id", "901", saleStart.Add(time.Minute)); err != nil || r != PushQueued {
		t.Fatalf("QueueOrder = %v %v", r, err)
	}
	testwait.For(t, 15*time.Second, "the pushed order was not read", func() bool { return soldA(e) == 1 })
	// Known at a later version than the push says: not read again.
	reads := src.readCount()
	if r, err := e.QueueOrder("lazada-id", "901", saleStart.Add(time.Minute-time.Second)); err != nil || r != PushKnown {
		t.Fatalf("an older push: %v %v, want known", r, err)
	}
	if src.readCount() != reads {
		t.Error("an order known newer was read again")
	}
	if _, err := e.QueueOrder("akulaku-id", "1", time.Time{}); !errors.Is(err, ErrNoPush) {
		t.Errorf("unknown channel: %v", err)
	}
}

func TestQueueOrderIsBoundedAndSkipsRepeats(t *testing.T) {
	// Not running: nothing takes from the queue.
	e, _ := pushEngine(t, &pushSource{orders: map[string]datasources.Order{}})
	if r, _ := e.QueueOrder("lazada-id", "1", time.Time{}); r != PushQueued {
		t.Fatalf("first: %v", r)
	}
	if r, _ := e.QueueOrder("lazada-id", "1", time.Time{}); r != PushPending {
		t.Fatalf("repeat: %v, want pending", r)
	}
	for i := 2; i <= PushQueueSize; i++ {
		if r, _ := e.QueueOrder("lazada-id", strconv.Itoa(i), time.Time{}); r != PushQueued {
			t.Fatalf("order %d: %v", i, r)
		}
	}
	start := time.Now()
	if r, _ := e.QueueOrder("lazada-id", "overflow", time.Time{}); r != PushDropped {
		t.Fatalf("a full queue: %v, want dropped", r)
	}
	if d := time.Since(start); testwait.Timed() && d > 50*time.Millisecond {
		t.Errorf("a full queue blocked for %v", d)
	}
	if _, err := e.QueueOrder("lazada-id", "", time.Time{}); err == nil {
		t.Error("an empty order id was queued")
	}
}
