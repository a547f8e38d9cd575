package engine

import (
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/store/storetest"
	"github.com/flashdeck/flashdeck/internal/testwait"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// retentionRig is a state_dir with its key, and engines started on it at
// chosen sale times, as restarts would.
type retentionRig struct {
	t        *testing.T
	dir, key string
	cfg      *config.Config
	st       *store.Store
}

func newRetentionRig(t *testing.T) *retentionRig {
	off := false
	r := &retentionRig{t: t, dir: t.TempDir(), key: filepath.Join(t.TempDir(), "data.key")}
	r.cfg = &config.Config{
		PersonalDataDays: 30,
		Channels:         []config.Channel{{ID: "lazada-id", Kind: "lazada", Enabled: &off, PollInterval: config.Duration(15 * time.Second)}},
		Sales: []config.Sale{{ID: "s", Name: "S", Start: saleStart, End: saleStart.Add(2 * time.Hour), Currency: "IDR", PerBuyerLimit: 2,
			SKUs: []config.SKU{{SKU: "A", Allocated: map[string]int{"lazada-id": 10}}}}},
	}
	return r
}

func (r *retentionRig) open() *store.Store {
	r.t.Helper()
	st, err := store.OpenWith(r.dir, store.Options{KeyFile: r.key, Logger: quiet})
	if err != nil {
		r.t.Fatal(err)
	}
	r.st = st
	return st
}

// start opens the store and loads an engine whose clock reads *now.
func (r *retentionRig) start(now *atomic.Pointer[time.Time], every time.Duration) *Engine {
	r.t.Helper()
	st := r.open()
	e, err := New(Options{Config: r.cfg, Store: st, Now: func() time.Time { return *now.Load() }, Logger: quiet,
		FlagKey: []byte("0123456789abcdef0123456789abcdef"), PurgeEvery: every})
	if err != nil {
		r.t.Fatal(err)
	}
	return e
}

func (r *retentionRig) stop() { r.st.Close() }

// personal returns the phones of the saved orders by id ("" once purged).
func (r *retentionRig) personal() map[string]string {
	r.t.Helper()
	out := map[string]string{}
	if err := r.st.EachOrder("lazada-id", func(o *datasources.Order) error {
		out[o.ID] = o.Phone + "|" + o.Address.Line1 + "|" + o.BuyerID
		return nil
	}); err != nil {
		r.t.Fatal(err)
	}
	return out
}

func at(t time.Time) *atomic.Pointer[time.Time] {
	var p atomic.Pointer[time.Time]
	p.Store(&t)
	return &p
}

func TestPersonalDataPurgedDaysAfterTheSale(t *testing.T) {
	r := newRetentionRig(t)
	home := datasources.Address{Line1: "Jl. Merdeka No. 12", Line2: "RT 03/RW 05", City: "Jakarta Selatan"}
	buy := func(id, buyer, phone string, created time.Duration, qty int) datasources.Order {
		o := *order(id, created, created, "pending", datasources.Item{SKU: "A", Quantity: qty})
		o.BuyerID, o.Phone, o.Address = buyer, phone, home
		return o
	}
	orders := []datasources.Order{
		// Two accounts behind one phone and one address, in the sale.
		buy("1", "u-1", "081234567821", time.Minute, 1),
		buy("2", "u-2", "081234567821", 2*time.Minute, 1),
		// A third account buying over the limit.
		buy("3", "u-3", "081299990000", 3*time.Minute, 3),
		// An order placed three days before the sale: it counts for no
		// sale, and is kept 30 days from when it was placed.
		buy("0", "u-0", "081277770000", -72*time.Hour, 1),
	}
	r.open()
	if err := r.st.SavePage("lazada-id", store.Page{Orders: orders}); err != nil {
		t.Fatal(err)
	}
	r.stop()

	// During the sale: everything is kept, the rules flag the ring.
	e := r.start(at(saleStart.Add(time.Hour)), 0)
	if err := e.Load(); err != nil {
		t.Fatal(err)
	}
	before := e.Flags("s")
	if len(before) != 3 {
		t.Fatalf("flags during the sale: %+v", before)
	}
	sold := soldA(e)
	r.stop()

	end := saleStart.Add(2 * time.Hour)
	day := 24 * time.Hour
	// 29 days after the end: only the order outside the sale is past its 30 days.
	e = r.start(at(end.Add(29*day)), 0)
	if err := e.Load(); err != nil {
		t.Fatal(err)
	}
	got := r.personal()
	if got["0"] != "||" || got["1"] == "||" || got["3"] == "||" {
		t.Fatalf("29 days after the sale: %q", got)
	}
	r.stop()

	// 30 days after the end: all of it is gone from the store; the
	// figures and the flags stay.
	e = r.start(at(end.Add(30*day+time.Minute)), 0)
	if err := e.Load(); err != nil {
		t.Fatal(err)
	}
	for id, p := range r.personal() {
		if p != "||" {
			t.Errorf("order %s kept its personal data: %q", id, p)
		}
	}
	if got := soldA(e); got != sold {
		t.Errorf("sold %d after the purge, %d before", got, sold)
	}
	after := e.Flags("s")
	if len(after) != len(before) {
		t.Fatalf("flags after the purge: %+v", after)
	}
	for i := range before {
		b, a := before[i], after[i]
		if a.Key() != b.Key() || a.Score != b.Score || len(a.Rules) != len(b.Rules) || a.Buyer != b.Buyer || len(a.Evidence) != len(b.Evidence) || a.Rules[0].Reason != b.Rules[0].Reason {
			t.Errorf("flag %s changed with the purge:\nbefore %+v\nafter  %+v", b.Key(), b, a)
		}
	}
	// And they stay so in the store, for the next start.
	saved, _ := r.st.Flags()
	for _, f := range saved {
		if f.Key() == "lazada-id/1" && !hasRule(f, rules.SharedPhone) {
			t.Errorf("saved flag lost its shared phone: %+v", f)
		}
	}
	r.stop()
}

func hasRule(f rules.Flag, id string) bool {
	for _, h := range f.Rules {
		if h.ID == id {
			return true
		}
	}
	return false
}

func TestPersonalDataPurgedWhileRunning(t *testing.T) {
	r := newRetentionRig(t)
	o := *order("1", time.Minute, time.Minute, "pending", datasources.Item{SKU: "A", Quantity: 1})
	o.Phone, o.BuyerID = "081234567821", "u-1"
	r.open()
	if err := r.st.SavePage("lazada-id", store.Page{Orders: []datasources.Order{o}}); err != nil {
		t.Fatal(err)
	}
	r.stop()
	clock := at(saleStart.Add(time.Hour))
	e := r.start(clock, 20*time.Millisecond)
	defer r.stop()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	defer func() { cancel(); <-done }()
	<-e.Loaded()
	// Time itself must pass: the check is that the periodic pass (every
	// 20 ms) does not purge during the sale, so several passes must run;
	// there is no condition to wait for.
	time.Sleep(100 * time.Millisecond)
	if got := r.personal()["1"]; got == "||" {
		t.Fatal("purged during the sale")
	}
	// The sale clock passes the retention while the collector runs: the
	// next pass purges, without a restart.
	later := saleStart.Add(2*time.Hour + 31*24*time.Hour)
	clock.Store(&later)
	testwait.For(t, 5*time.Second, "not purged by the periodic pass", func() bool {
		return r.personal()["1"] == "||"
	})
	if got := soldA(e); got != 1 {
		t.Errorf("sold %d after the purge", got)
	}
}

func TestLostKeyKeepsFiguresAndFlags(t *testing.T) {
	r := newRetentionRig(t)
	buy := func(id, buyer string, created time.Duration) datasources.Order {
		o := *order(id, created, created, "pending", datasources.Item{SKU: "A", Quantity: 1})
		o.BuyerID, o.Phone = buyer, "081234567821"
		return o
	}
	r.open()
	if err := r.st.SavePage("lazada-id", store.Page{Orders: []datasources.Order{buy("1", "u-1", time.Minute), buy("2", "u-2", 2*time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	r.stop()
	clock := at(saleStart.Add(time.Hour))
	e := r.start(clock, 0)
	if err := e.Load(); err != nil {
		t.Fatal(err)
	}
	before := e.Flags("s")
	r.stop()
	if len(before) != 2 || !hasRule(before[0], rules.SharedPhone) {
		t.Fatalf("flags %+v", before)
	}
	k, _ := os.ReadFile(r.key)
	lost := store.KeyID(mustHex(t, k))
	os.Remove(r.key)

	// The key is gone: given up by its id, a new one takes over.
	var logged atomic.Int32
	st, err := store.OpenWith(r.dir, store.Options{KeyFile: r.key, LostKey: lost, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := slog.New(countWarnings{&logged})
	e, err = New(Options{Config: r.cfg, Store: st, Now: func() time.Time { return *clock.Load() }, Logger: log,
		FlagKey: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Load(); err != nil {
		t.Fatal(err)
	}
	if got := soldA(e); got != 2 {
		t.Errorf("sold %d with the key lost, want 2", got)
	}
	after := e.Flags("s")
	if len(after) != 2 || !hasRule(after[0], rules.SharedPhone) || after[0].Buyer != before[0].Buyer {
		t.Errorf("flags with the key lost: %+v", after)
	}
	if logged.Load() == 0 {
		t.Error("the unreadable personal data was not reported")
	}
}

func mustHex(t *testing.T, b []byte) []byte {
	t.Helper()
	k, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// countWarnings counts the warnings logged.
type countWarnings struct{ n *atomic.Int32 }

func (c countWarnings) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (c countWarnings) Handle(context.Context, slog.Record) error    { c.n.Add(1); return nil }
func (c countWarnings) WithAttrs([]slog.Attr) slog.Handler           { return c }
func (c countWarnings) WithGroup(string) slog.Handler                { return c }
