package brandstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/brandstore"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// The actions are tested against the simulator, over real HTTP: it serves
// the contract as written (and is tested against it on its own), so these
// tests prove the client and the contract agree.

const (
	simSKU  = "POCO-M3-464-BLK"
	simSale = "poco-m3-launch"
)

var simTarget = datasources.SaleTarget{SaleID: simSale, SKUs: []string{simSKU}}

// simStore is a simulated brand store selling one SKU in a one-hour sale
// from saleStart, and a client of it.
type simStore struct {
	t     *testing.T
	srv   *simulator.Server
	clock *simulator.Clock
	book  *simulator.Book
	c     *brandstore.Client
	seen  *answers
}

// newSimStore starts the store with its clock at saleStart + at.
func newSimStore(t *testing.T, at time.Duration, mod ...func(*brandstore.Config)) *simStore {
	t.Helper()
	clock := simulator.NewManualClock(saleStart.Add(at))
	sc := simulator.Scenario{
		Seed: 5,
		Sale: simulator.SaleSpec{ID: simSale, Name: "POCO M3 flash sale", Start: saleStart, End: saleStart.Add(time.Hour), PerBuyerLimit: 2},
		SKUs: []simulator.SKUSpec{{SKU: simSKU, Name: "POCO M3 4/64 Power Black", ListPrice: 219900000, FlashPrice: 199900000, Popularity: 1}},
		Channels: []simulator.ChannelSpec{{
			ID: "micom-id", Kind: datasources.KindBrandstore, Market: "ID", Name: "mi.com ID",
			Allocated: map[string]int{simSKU: 100000}, PeakPerMinute: 120,
		}},
	}
	srv, err := simulator.New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	s := &simStore{t: t, srv: srv, clock: clock, book: srv.Book("micom-id"), seen: &answers{}}
	s.c = s.client(mod...)
	return s
}

// client is another client of the store (another timeout, say).
func (s *simStore) client(mod ...func(*brandstore.Config)) *brandstore.Client {
	s.t.Helper()
	cfg := brandstore.Config{
		ID: "micom-id", Market: "ID", BaseURL: s.srv.BaseURL("micom-id"), Token: s.srv.Creds.StoreToken,
		Timeout: 5 * time.Second, Now: s.clock.Now, Transport: s.seen,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := brandstore.New(cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// readSale reads the sale back and fails the test on an error.
func (s *simStore) readSale() datasources.SaleControl {
	s.t.Helper()
	sc, err := s.c.ReadSale(context.Background(), simTarget)
	if err != nil {
		s.t.Fatalf("ReadSale: %v", err)
	}
	return sc
}

// anOrder is the id of an order of the store that is not cancelled.
func (s *simStore) anOrder() simulator.OrderView {
	s.t.Helper()
	page, _ := s.book.Updates(simulator.Query{})
	for _, o := range page {
		if o.Status != simulator.StatusCanceled {
			return o
		}
	}
	s.t.Fatal("no order to cancel")
	return simulator.OrderView{}
}

// answers is an HTTP transport that notes, for every action, whether the
// store's answer was a replay.
type answers struct {
	mu       sync.Mutex
	replayed []string // Idempotent-Replayed of each action's answer
}

func (a *answers) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && r.Method == http.MethodPost {
		a.mu.Lock()
		a.replayed = append(a.replayed, resp.Header.Get(brandstore.HeaderReplayed))
		a.mu.Unlock()
	}
	return resp, err
}

func (a *answers) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.replayed...)
}

func meta(key string) datasources.ActionMeta {
	return datasources.ActionMeta{Key: key, Reason: "Scalper burst on POCO M3", Actor: "ayu"}
}

var ctx = context.Background()

func TestPauseAndResume(t *testing.T) {
	s := newSimStore(t, 10*time.Minute)
	before := s.readSale()
	if before.Paused || !before.End.Equal(saleStart.Add(time.Hour)) || len(before.SKUs) != 1 || before.SKUs[0].State != datasources.SaleActive {
		t.Fatalf("before: %+v", before)
	}

	if err := s.c.PauseSale(ctx, simTarget, datasources.SaleControl{}, meta("k-pause")); err != nil {
		t.Fatalf("PauseSale: %v", err)
	}
	paused := s.readSale()
	if !paused.Paused || len(paused.SKUs) != 1 || paused.SKUs[0].State != datasources.SalePaused {
		t.Fatalf("after the pause: %+v", paused)
	}
	n := s.book.OrderCount()
	s.clock.Advance(5 * time.Minute)
	if m := s.book.OrderCount(); m != n {
		t.Errorf("paused, the store took %d orders in 5 minutes", m-n)
	}

	if err := s.c.ResumeSale(ctx, simTarget, before, meta("k-resume")); err != nil {
		t.Fatalf("ResumeSale: %v", err)
	}
	if after := s.readSale(); after.Paused || after.SKUs[0].State != datasources.SaleActive {
		t.Fatalf("after the resume: %+v", after)
	}
	s.clock.Advance(5 * time.Minute)
	if m := s.book.OrderCount(); m <= n {
		t.Errorf("resumed, the store took no order in 5 minutes")
	}
}

func TestExtend(t *testing.T) {
	s := newSimStore(t, 50*time.Minute)
	oldEnd := saleStart.Add(time.Hour)
	// A fraction of a second: sent rounded up, so that the end read back
	// is at or after the until asked.
	until := saleStart.Add(90*time.Minute + 300*time.Millisecond)
	if err := s.c.ExtendSale(ctx, simTarget, until, meta("k-extend")); err != nil {
		t.Fatalf("ExtendSale: %v", err)
	}
	got := s.readSale()
	if want := saleStart.Add(90*time.Minute + time.Second); !got.End.Equal(want) || got.End.Before(until) || got.Paused {
		t.Fatalf("after the extension: %+v, want end %v", got, want)
	}
	if !got.SKUs[0].SaleEnd.Equal(got.End) {
		t.Errorf("stock says the sale ends %v", got.SKUs[0].SaleEnd)
	}

	s.clock.Set(oldEnd.Add(10 * time.Minute))
	p, err := s.c.Orders(ctx, datasources.Cursor{UpdatedAfter: oldEnd})
	if err != nil {
		t.Fatal(err)
	}
	sold := 0
	for _, o := range p.Orders {
		if o.CreatedAt.After(oldEnd) {
			sold++
		}
	}
	if sold == 0 {
		t.Errorf("no order placed after the old end (%d orders read)", len(p.Orders))
	}
}

func TestCancelOrder(t *testing.T) {
	s := newSimStore(t, 10*time.Minute)
	o := s.anOrder()
	sold := s.book.Sold()[simSKU]
	if err := s.c.CancelOrder(ctx, o.ID, meta("k-cancel")); err != nil {
		t.Fatalf("CancelOrder: %v", err)
	}
	got, err := s.c.ReadOrder(ctx, o.ID)
	if err != nil {
		t.Fatalf("ReadOrder: %v", err)
	}
	if got.ID != o.ID || !got.IsCancelled() || got.Units(simSKU) != 0 || !got.UpdatedAt.After(o.UpdatedAt) {
		t.Errorf("read back: %+v", got)
	}
	if now := s.book.Sold()[simSKU]; now != sold-o.Items[0].Qty {
		t.Errorf("sold %d → %d, want %d fewer", sold, now, o.Items[0].Qty)
	}
	// A cancelled order cancelled again (another key): done, nothing to do.
	if err := s.c.CancelOrder(ctx, o.ID, meta("k-cancel-2")); err != nil {
		t.Errorf("cancel a cancelled order: %v", err)
	}

	_, err = s.c.ReadOrder(ctx, "42")
	if e := asError(t, err); e.Kind != datasources.ErrRejected || e.Code != brandstore.CodeNotFound || e.Op != "/v1/orders/42" {
		t.Errorf("ReadOrder of no order: %v", err)
	}
}

// actions are the four actions, each sent for the store's sale or for
// order id, and how to see that it applied.
var actions = []struct {
	name    string
	op      string
	do      func(c *brandstore.Client, id string, m datasources.ActionMeta) error
	applied func(s *simStore, id string) bool
}{
	{"pause", simulator.OpPause,
		func(c *brandstore.Client, _ string, m datasources.ActionMeta) error {
			return c.PauseSale(ctx, simTarget, datasources.SaleControl{}, m)
		},
		func(s *simStore, _ string) bool { return s.readSale().Paused }},
	{"resume", simulator.OpResume,
		func(c *brandstore.Client, _ string, m datasources.ActionMeta) error {
			return c.ResumeSale(ctx, simTarget, datasources.SaleControl{}, m)
		},
		func(s *simStore, _ string) bool { return !s.readSale().Paused }},
	{"extend", simulator.OpExtend,
		func(c *brandstore.Client, _ string, m datasources.ActionMeta) error {
			return c.ExtendSale(ctx, simTarget, saleStart.Add(2*time.Hour), m)
		},
		func(s *simStore, _ string) bool { return s.readSale().End.Equal(saleStart.Add(2 * time.Hour)) }},
	{"cancel", simulator.OpCancel,
		func(c *brandstore.Client, id string, m datasources.ActionMeta) error {
			return c.CancelOrder(ctx, id, m)
		},
		func(s *simStore, id string) bool {
			o, err := s.c.ReadOrder(ctx, id)
			return err == nil && o.IsCancelled()
		}},
}

// TestSameKeyAppliesOnce sends each action twice with one key: the store
// applies it once and replays its answer, and the client takes both as done.
func TestSameKeyAppliesOnce(t *testing.T) {
	for _, a := range actions {
		t.Run(a.name, func(t *testing.T) {
			s := newSimStore(t, 10*time.Minute)
			id := s.anOrder().ID
			for i := range 2 {
				if err := a.do(s.c, id, meta("k-1")); err != nil {
					t.Fatalf("request %d: %v", i+1, err)
				}
			}
			if n := s.book.ActionCount(a.op); n != 1 || !a.applied(s, id) {
				t.Errorf("applied %d times; read back applied: %v", n, a.applied(s, id))
			}
			if got := s.seen.list(); len(got) != 2 || got[0] != "" || got[1] != "true" {
				t.Errorf("Idempotent-Replayed of the answers: %q, want the second replayed", got)
			}
		})
	}
}

func TestKeyReusedIsAFlashdeckBug(t *testing.T) {
	s := newSimStore(t, 10*time.Minute)
	if err := s.c.PauseSale(ctx, simTarget, datasources.SaleControl{}, meta("k-1")); err != nil {
		t.Fatal(err)
	}
	err := s.c.ResumeSale(ctx, simTarget, datasources.SaleControl{}, meta("k-1"))
	e := asError(t, err)
	if e.Kind != datasources.ErrRejected || e.Code != brandstore.CodeIdempotencyKeyReused || !strings.Contains(e.Message, "flashdeck bug") ||
		!strings.Contains(e.Message, "POST /v1/sales/poco-m3-launch/pause") {
		t.Errorf("got %v", err)
	}
	if datasources.OutcomeUnknown(err) {
		t.Errorf("a reused key leaves the outcome unknown: %v", err)
	}
	if s.book.ActionCount(simulator.OpResume) != 0 || !s.readSale().Paused {
		t.Errorf("the resume applied")
	}
	// The same reason with another actor is another request as well.
	m := meta("k-1")
	m.Actor = "budi"
	if err := s.c.PauseSale(ctx, simTarget, datasources.SaleControl{}, m); codeOf(err) != brandstore.CodeIdempotencyKeyReused {
		t.Errorf("another actor: %v", err)
	}
}

// TestLostAnswerIsReadBack: the store applies the action but its answer
// comes after the client gave up. The outcome is unknown; a read-back
// finds the action applied, and the same request again (the same key)
// learns the result without applying it twice.
func TestLostAnswerIsReadBack(t *testing.T) {
	for _, a := range actions {
		if a.op == simulator.OpResume {
			continue // resuming a sale that is not paused shows nothing
		}
		t.Run(a.name, func(t *testing.T) {
			s := newSimStore(t, 10*time.Minute)
			id := s.anOrder().ID
			s.book.SetActionFault(a.op, simulator.ActionFault{Mode: "timeout", Delay: 10 * time.Second})
			impatient := s.client(func(c *brandstore.Config) { c.Timeout = 200 * time.Millisecond })
			err := a.do(impatient, id, meta("k-1"))
			if datasources.KindOf(err) != datasources.ErrTimeout || !datasources.OutcomeUnknown(err) {
				t.Fatalf("got %v, want a timeout whose outcome is unknown", err)
			}
			if !a.applied(s, id) {
				t.Fatal("the read-back does not find the action applied")
			}
			// The store notices the client is gone and keeps its answer;
			// until then the key is still running, which is unknown too.
			testwait.For(t, 10*time.Second, "the key is still running", func() bool {
				err = a.do(s.c, id, meta("k-1"))
				return codeOf(err) != brandstore.CodeRequestInProgress
			})
			if err != nil {
				t.Errorf("the same request again: %v", err)
			}
			if n := s.book.ActionCount(a.op); n != 1 {
				t.Errorf("applied %d times", n)
			}
		})
	}
}

// TestRequestInProgress: while the first request with a key runs, the
// same request again is answered request_in_progress, whose outcome is
// unknown.
func TestRequestInProgress(t *testing.T) {
	s := newSimStore(t, 10*time.Minute)
	s.book.SetActionFault(simulator.OpPause, simulator.ActionFault{Mode: "timeout", Delay: time.Second})
	first := make(chan error, 1)
	go func() { first <- s.c.PauseSale(ctx, simTarget, datasources.SaleControl{}, meta("k-1")) }()
	testwait.For(t, 5*time.Second, "the held pause never reached the book", func() bool {
		return s.book.ActionCount(simulator.OpPause) > 0
	})
	err := s.c.PauseSale(ctx, simTarget, datasources.SaleControl{}, meta("k-1"))
	e := asError(t, err)
	if e.Code != brandstore.CodeRequestInProgress || !datasources.OutcomeUnknown(err) || !strings.Contains(e.Message, "still running") {
		t.Errorf("got %v (kind %v), want request_in_progress with an unknown outcome", err, e.Kind)
	}
	if err := <-first; err != nil {
		t.Errorf("the first request: %v", err)
	}
}

// TestFailedActionCanBeSentAgain: a store that fails (500) changes
// nothing and does not keep the key, so the same request applies later.
func TestFailedActionCanBeSentAgain(t *testing.T) {
	s := newSimStore(t, 10*time.Minute)
	s.book.SetActionFault(simulator.OpPause, simulator.ActionFault{Mode: "fail"})
	err := s.c.PauseSale(ctx, simTarget, datasources.SaleControl{}, meta("k-1"))
	if e := asError(t, err); e.Kind != datasources.ErrUnavailable || e.Code != brandstore.CodeInternal || !datasources.OutcomeUnknown(err) {
		t.Fatalf("got %v, want unavailable (internal)", err)
	}
	if s.readSale().Paused || s.book.ActionCount(simulator.OpPause) != 0 {
		t.Fatal("a failed pause applied")
	}
	if err := s.c.PauseSale(ctx, simTarget, datasources.SaleControl{}, meta("k-1")); err != nil {
		t.Fatalf("the same request again: %v", err)
	}
	if !s.readSale().Paused || s.book.ActionCount(simulator.OpPause) != 1 {
		t.Error("the second request did not apply")
	}
}

// TestActionErrors maps what the store answers an action to the kinds the
// engine acts on, names the channel and the call, and never shows the
// token. Those that fail before sending say so and reach nothing.
func TestActionErrors(t *testing.T) {
	pause := func(c *brandstore.Client) error {
		return c.PauseSale(ctx, simTarget, datasources.SaleControl{}, meta("k-e"))
	}
	tests := []struct {
		name    string
		at      time.Duration
		faults  simulator.Faults
		token   string
		do      func(c *brandstore.Client) error
		kind    datasources.ErrorKind
		code    string
		msg     string
		unknown bool // OutcomeUnknown
		op      string
	}{
		{name: "pause an ended sale", at: 61 * time.Minute, do: pause,
			kind: datasources.ErrRejected, code: "invalid_state", msg: "ended", op: "POST /v1/sales/poco-m3-launch/pause"},
		{name: "another sale", at: 10 * time.Minute,
			do: func(c *brandstore.Client) error {
				return c.PauseSale(ctx, datasources.SaleTarget{SaleID: "redmi launch/2"}, datasources.SaleControl{}, meta("k-e"))
			},
			kind: datasources.ErrRejected, code: "not_found", msg: `no sale "redmi launch/2"`, op: "POST /v1/sales/redmi%20launch%2F2/pause"},
		{name: "extend to before the end", at: 10 * time.Minute,
			do: func(c *brandstore.Client) error {
				return c.ExtendSale(ctx, simTarget, saleStart.Add(30*time.Minute), meta("k-e"))
			},
			kind: datasources.ErrRejected, code: "invalid_parameter", msg: "later than the sale's current end", op: "POST /v1/sales/poco-m3-launch/extend"},
		{name: "cancel no order", at: 10 * time.Minute,
			do:   func(c *brandstore.Client) error { return c.CancelOrder(ctx, "42", meta("k-e")) },
			kind: datasources.ErrRejected, code: "not_found", msg: `no order "42"`, op: "POST /v1/orders/42/cancel"},
		{name: "unknown token", at: 10 * time.Minute, token: "s3cret-but-wrong", do: pause,
			kind: datasources.ErrAuth, code: "unauthorized", msg: "unknown bearer token", op: "POST /v1/sales/poco-m3-launch/pause"},
		{name: "expired token", at: 10 * time.Minute, faults: simulator.Faults{TokenExpired: true}, do: pause,
			kind: datasources.ErrAuth, code: "token_expired", msg: "expired", op: "POST /v1/sales/poco-m3-launch/pause"},
		{name: "rate limited", at: 10 * time.Minute, faults: simulator.Faults{RateLimited: true}, do: pause,
			kind: datasources.ErrRateLimited, code: "rate_limited", msg: "too many", op: "POST /v1/sales/poco-m3-launch/pause"},
		{name: "down behind a proxy", at: 10 * time.Minute, faults: simulator.Faults{Down: true}, do: pause,
			kind: datasources.ErrUnavailable, code: "HTTP 503", msg: "Service Temporarily Unavailable", unknown: true, op: "POST /v1/sales/poco-m3-launch/pause"},
		{name: "answer cut off", at: 10 * time.Minute, faults: simulator.Faults{Malformed: true}, do: pause,
			kind: datasources.ErrMalformed, msg: "unexpected end of JSON", unknown: true, op: "POST /v1/sales/poco-m3-launch/pause"},
		{name: "no reason", at: 10 * time.Minute,
			do: func(c *brandstore.Client) error {
				return c.PauseSale(ctx, simTarget, datasources.SaleControl{}, datasources.ActionMeta{Key: "k-e", Reason: " "})
			},
			kind: datasources.ErrRejected, msg: "not sent: no reason", op: "POST /v1/sales/poco-m3-launch/pause"},
		{name: "no key", at: 10 * time.Minute,
			do:   func(c *brandstore.Client) error { return c.CancelOrder(ctx, "42", datasources.ActionMeta{Reason: "r"}) },
			kind: datasources.ErrRejected, msg: "not sent: no Idempotency-Key", op: "POST /v1/orders/42/cancel"},
		{name: "key with a newline", at: 10 * time.Minute,
			do: func(c *brandstore.Client) error {
				return c.PauseSale(ctx, simTarget, datasources.SaleControl{}, datasources.ActionMeta{Key: "k\r\nX: y", Reason: "r"})
			},
			kind: datasources.ErrRejected, msg: "not sent: Idempotency-Key with characters", op: "POST /v1/sales/poco-m3-launch/pause"},
		{name: "extend into the past", at: 10 * time.Minute,
			do: func(c *brandstore.Client) error {
				return c.ExtendSale(ctx, simTarget, saleStart.Add(5*time.Minute), meta("k-e"))
			},
			kind: datasources.ErrRejected, msg: "not sent: until 2026-11-23T14:05:00+07:00 is not in the future", op: "POST /v1/sales/{sale_id}/extend"},
		{name: "no sale id", at: 10 * time.Minute,
			do: func(c *brandstore.Client) error {
				return c.PauseSale(ctx, datasources.SaleTarget{}, datasources.SaleControl{}, meta("k-e"))
			},
			kind: datasources.ErrRejected, msg: "not sent: no sale_id", op: "POST /v1/sales/{sale_id}/pause"},
		{name: "a dotted order id", at: 10 * time.Minute,
			do:   func(c *brandstore.Client) error { return c.CancelOrder(ctx, "..", meta("k-e")) },
			kind: datasources.ErrRejected, msg: `not sent: order_id ".." is not an id`, op: "POST /v1/orders/{order_id}/cancel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSimStore(t, tt.at, func(c *brandstore.Config) {
				if tt.token != "" {
					c.Token = tt.token
				}
			})
			s.book.SetFaults(tt.faults)
			err := tt.do(s.c)
			e := asError(t, err)
			if e.Kind != tt.kind || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("got kind %v, code %q, message %q; want %v, %q, containing %q", e.Kind, e.Code, e.Message, tt.kind, tt.code, tt.msg)
			}
			if e.Channel != "micom-id" || e.Op != tt.op {
				t.Errorf("Channel, Op = %q, %q; want micom-id, %q", e.Channel, e.Op, tt.op)
			}
			if got := datasources.OutcomeUnknown(err); got != tt.unknown {
				t.Errorf("OutcomeUnknown = %v", got)
			}
			for _, tok := range []string{s.srv.Creds.StoreToken, tt.token} {
				if tok != "" && strings.Contains(err.Error(), tok) {
					t.Errorf("the error shows the token: %v", err)
				}
			}
			if strings.HasPrefix(tt.msg, "not sent") && len(s.seen.list()) != 0 {
				t.Errorf("sent anyway")
			}
		})
	}
}

// request is one request as a store received it.
type request struct {
	method, rawPath, key, auth, contentType string
	body                                    map[string]any
}

// recordingStore answers every request with status and body, and records
// what it received.
type recordingStore struct {
	mu     sync.Mutex
	got    []request
	status int
	header map[string]string
	body   string
}

func (s *recordingStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	s.mu.Lock()
	s.got = append(s.got, request{r.Method, r.URL.EscapedPath(), r.Header.Get("Idempotency-Key"), r.Header.Get("Authorization"), r.Header.Get("Content-Type"), m})
	s.mu.Unlock()
	for k, v := range s.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(s.status)
	_, _ = w.Write([]byte(s.body))
}

func (s *recordingStore) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.got...)
}

const saleJSON = `{"id":"poco m3/launch","name":"POCO M3","state":"paused","start":"2026-11-23T14:00:00+07:00","end":"2026-11-23T23:59:00+07:00","updated_at":"2026-11-23T14:12:41.000+07:00"}`

// TestActionRequestsFollowTheContract checks what goes on the wire: the
// path with its id escaped, the key, the token, the JSON body.
func TestActionRequestsFollowTheContract(t *testing.T) {
	target := datasources.SaleTarget{SaleID: "poco m3/launch"}
	until := time.Date(2026, 11, 24, 0, 59, 0, 250e6, wib)
	tests := []struct {
		name string
		do   func(c *brandstore.Client) error
		path string
		body map[string]any
	}{
		{"pause", func(c *brandstore.Client) error {
			return c.PauseSale(ctx, target, datasources.SaleControl{}, meta("k-1"))
		},
			"/v1/sales/poco%20m3%2Flaunch/pause", map[string]any{"reason": "Scalper burst on POCO M3", "actor": "ayu"}},
		{"resume", func(c *brandstore.Client) error {
			return c.ResumeSale(ctx, target, datasources.SaleControl{Paused: true}, meta("k-1"))
		},
			"/v1/sales/poco%20m3%2Flaunch/resume", map[string]any{"reason": "Scalper burst on POCO M3", "actor": "ayu"}},
		{"extend", func(c *brandstore.Client) error { return c.ExtendSale(ctx, target, until, meta("k-1")) },
			"/v1/sales/poco%20m3%2Flaunch/extend", map[string]any{"reason": "Scalper burst on POCO M3", "actor": "ayu", "until": "2026-11-24T00:59:01+07:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &recordingStore{status: 200, body: saleJSON}
			c := newClient(t, st, func(c *brandstore.Config) { c.Now = func() time.Time { return saleStart } })
			if err := tt.do(c); err != nil {
				t.Fatal(err)
			}
			got := st.requests()
			if len(got) != 1 {
				t.Fatalf("%d requests", len(got))
			}
			r := got[0]
			if r.method != "POST" || r.rawPath != tt.path || r.key != "k-1" || r.auth != "Bearer "+token || r.contentType != "application/json" {
				t.Errorf("request %+v", r)
			}
			if !mapsEqual(r.body, tt.body) {
				t.Errorf("body %v, want %v", r.body, tt.body)
			}
		})
	}

	t.Run("cancel", func(t *testing.T) {
		st := &recordingStore{status: 200, body: orderJSON("50/12")}
		c := newClient(t, st)
		if err := c.CancelOrder(ctx, "50/12", meta("k-2")); err != nil {
			t.Fatal(err)
		}
		if got := st.requests(); len(got) != 1 || got[0].rawPath != "/v1/orders/50%2F12/cancel" || got[0].key != "k-2" {
			t.Errorf("requests %+v", got)
		}
	})
}

func mapsEqual(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func orderJSON(id string) string {
	return `{"id":"` + id + `","buyer_id":"b","phone":null,"shipping_address":{"name":"A","line1":"L","city":"C","country":"ID"},` +
		`"payment_fingerprint":null,"status":"cancelled","created_at":"2026-11-23T14:00:03.125+07:00","updated_at":"2026-11-23T14:20:00.000+07:00",` +
		`"currency":"IDR","items":[{"id":"11","sku":"S","qty":1,"unit_price":"1999000.00","cancelled":true}]}`
}

// TestActionsGoOutOnce: whatever the store answers, an action is sent
// once (reads are retried on a 503; actions never), and an answer that is
// not the contract's leaves the outcome unknown.
func TestActionsGoOutOnce(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		header  map[string]string
		body    string
		kind    datasources.ErrorKind
		msg     string
		unknown bool
	}{
		{"503 of a proxy", 503, nil, "<html>503</html>", datasources.ErrUnavailable, "503", true},
		{"502", 502, nil, "bad gateway", datasources.ErrUnavailable, "bad gateway", true},
		{"504", 504, nil, "gateway timeout", datasources.ErrTimeout, "gateway timeout", true},
		{"redirect", 303, map[string]string{"Location": "/v1/sales/poco-m3-launch"}, "", datasources.ErrMalformed, `redirects to "/v1/sales/poco-m3-launch"`, true},
		{"accepted", 202, nil, "", datasources.ErrMalformed, "answered HTTP 202", true},
		{"200 of a portal", 200, nil, "<html>Welcome</html>", datasources.ErrMalformed, "Welcome", true},
		{"200 for another sale", 200, nil, strings.Replace(saleJSON, "poco m3/launch", "redmi", 1), datasources.ErrMalformed, `answered sale "redmi"`, true},
		{"409 without a body", 409, nil, "conflict", datasources.ErrRejected, "conflict", false},
		{"422", 422, nil, `{"error":{"code":"idempotency_key_reused","message":"used for POST /v1/orders/1/cancel"}}`,
			datasources.ErrRejected, "a flashdeck bug", false},
		{"403 read-only token", 403, nil, `{"error":{"code":"forbidden","message":"this token is read-only"}}`,
			datasources.ErrAuth, "read-only", false},
		{"token cut in half", 503, nil, strings.Repeat("x", 150) + token, datasources.ErrUnavailable, "[token]", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &recordingStore{status: tt.status, header: tt.header, body: tt.body}
			c := newClient(t, st)
			err := c.PauseSale(ctx, datasources.SaleTarget{SaleID: "poco m3/launch"}, datasources.SaleControl{}, meta("k-1"))
			e := asError(t, err)
			if e.Kind != tt.kind || !strings.Contains(e.Message, tt.msg) || datasources.OutcomeUnknown(err) != tt.unknown {
				t.Errorf("got %v (kind %v); want kind %v with %q, unknown %v", err, e.Kind, tt.kind, tt.msg, tt.unknown)
			}
			if n := len(st.requests()); n != 1 {
				t.Errorf("sent %d times", n)
			}
			if strings.Contains(err.Error(), token[:8]) {
				t.Errorf("the error shows (part of) the token: %v", err)
			}
		})
	}
}

func TestReadSaleDecodesTheContract(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		paused bool
		end    time.Time
		msg    string // of an ErrMalformed, or "" for none
	}{
		{"paused", saleJSON, true, time.Date(2026, 11, 23, 23, 59, 0, 0, wib), ""},
		{"active, no name", `{"id":"poco m3/launch","state":"active","start":"2026-11-23T14:00:00Z","end":"2026-11-23T16:59:00.5Z","updated_at":"2026-11-23T14:00:00Z"}`,
			false, time.Date(2026, 11, 23, 16, 59, 0, 500e6, time.UTC), ""},
		{"unknown state", strings.Replace(saleJSON, `"paused"`, `"suspended"`, 1), false, time.Time{}, `state "suspended" is not one of the contract's`},
		{"no end", strings.Replace(saleJSON, `"end"`, `"ends"`, 1), false, time.Time{}, `no "end"`},
		{"end not a time", strings.Replace(saleJSON, `"2026-11-23T23:59:00+07:00"`, `"23:59"`, 1), false, time.Time{}, "not an RFC 3339 time"},
		{"another sale", strings.Replace(saleJSON, `"poco m3/launch"`, `"redmi"`, 1), false, time.Time{}, `answered sale "redmi"`},
		{"not a sale", `{"orders":[]}`, false, time.Time{}, `no "state"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &recordingStore{status: 200, body: tt.body}
			c := newClient(t, st)
			got, err := c.ReadSale(ctx, datasources.SaleTarget{SaleID: "poco m3/launch"})
			if tt.msg != "" {
				if e := asError(t, err); e.Kind != datasources.ErrMalformed || !strings.Contains(e.Message, tt.msg) || e.Op != "/v1/sales/poco%20m3%2Flaunch" {
					t.Errorf("got %v, want malformed with %q", err, tt.msg)
				}
				return
			}
			if err != nil || got.Paused != tt.paused || !got.End.Equal(tt.end) || got.SKUs != nil {
				t.Errorf("got %+v, %v", got, err)
			}
			if r := st.requests(); len(r) != 1 || r[0].method != "GET" || r[0].rawPath != "/v1/sales/poco%20m3%2Flaunch" {
				t.Errorf("requests %+v", r)
			}
		})
	}
}

// codeOf is the store's error code of err, or "".
func codeOf(err error) string {
	var e *datasources.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
