package simulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// These tests speak the brand store contract over plain HTTP, without
// flashdeck's client, so that the simulator is checked against the
// contract rather than against the client's reading of it.

var bsT0 = time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)

const bsSKU = "POCO-M3-464-BLK"

// bsStore serves a one-hour sale of one SKU on one brand store, its clock
// at sale start + at. stock is the units allocated.
type bsStore struct {
	t     *testing.T
	srv   *simulator.Server
	clock *simulator.Clock
	book  *simulator.Book
	keys  int
}

func newBSStore(t *testing.T, at time.Duration, stock int) *bsStore {
	t.Helper()
	clock := simulator.NewManualClock(bsT0.Add(at))
	sc := simulator.Scenario{
		Seed: 3,
		Sale: simulator.SaleSpec{ID: "poco-m3-launch", Name: "POCO M3 flash sale", Start: bsT0, End: bsT0.Add(time.Hour), PerBuyerLimit: 2},
		SKUs: []simulator.SKUSpec{{SKU: bsSKU, Name: "POCO M3 4/64 Power Black", ListPrice: 219900000, FlashPrice: 199900000, Popularity: 1}},
		Channels: []simulator.ChannelSpec{{
			ID: "micom-id", Kind: datasources.KindBrandstore, Market: "ID", Name: "mi.com ID",
			Allocated: map[string]int{bsSKU: stock}, PeakPerMinute: 120,
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
	return &bsStore{t: t, srv: srv, clock: clock, book: srv.Book("micom-id")}
}

// bsReply is one answer of the store.
type bsReply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the answer into a map.
func (r bsReply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer %d is not JSON: %v: %s", r.status, err, r.body)
	}
	return m
}

// code is the contract's error code of the answer, or "".
func (r bsReply) code(t *testing.T) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (r bsReply) message(t *testing.T) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

// call makes one request with the store's token. key "" sends none.
func (s *bsStore) call(method, path, key, body string) bsReply {
	s.t.Helper()
	return s.callWith(s.srv.Creds.StoreToken, method, path, key, body)
}

func (s *bsStore) callWith(token, method, path, key, body string) bsReply {
	s.t.Helper()
	req, err := http.NewRequest(method, s.srv.BaseURL("micom-id")+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return bsReply{status: resp.StatusCode, header: resp.Header, body: b}
}

// key returns a new idempotency key.
func (s *bsStore) key() string {
	s.keys++
	return fmt.Sprintf("key-%s-%d", s.t.Name(), s.keys)
}

// act sends an action with a new key and wants 200.
func (s *bsStore) act(path, body string) map[string]any {
	s.t.Helper()
	r := s.call("POST", path, s.key(), body)
	if r.status != http.StatusOK {
		s.t.Fatalf("POST %s: %d %s", path, r.status, r.body)
	}
	return r.json(s.t)
}

func (s *bsStore) sale() map[string]any {
	s.t.Helper()
	r := s.call("GET", "/v1/sales/poco-m3-launch", "", "")
	if r.status != http.StatusOK {
		s.t.Fatalf("GET sale: %d %s", r.status, r.body)
	}
	return r.json(s.t)
}

const bsReason = `{"reason":"scalper burst","actor":"ayu"}`

func bsExtendBody(until time.Time) string {
	return fmt.Sprintf(`{"reason":"outage","actor":"ayu","until":%q}`, until.Format(time.RFC3339))
}

func TestBrandstoreSaleState(t *testing.T) {
	tests := []struct {
		name  string
		at    time.Duration
		stock int
		pause bool
		want  string
	}{
		{"before the start", -10 * time.Minute, 100000, false, "scheduled"},
		{"selling", 10 * time.Minute, 100000, false, "active"},
		{"paused", 10 * time.Minute, 100000, true, "paused"},
		{"paused before the start", -10 * time.Minute, 100000, true, "paused"},
		{"sold out", 30 * time.Minute, 3, false, "sold_out"},
		{"after the end", 61 * time.Minute, 100000, false, "ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBSStore(t, tt.at, tt.stock)
			if tt.pause {
				s.act("/v1/sales/poco-m3-launch/pause", bsReason)
			}
			got := s.sale()
			if got["state"] != tt.want {
				t.Errorf("state %v, want %s", got["state"], tt.want)
			}
			if got["id"] != "poco-m3-launch" || got["name"] != "POCO M3 flash sale" ||
				got["start"] != "2026-11-23T14:00:00.000+07:00" || got["end"] != "2026-11-23T15:00:00.000+07:00" {
				t.Errorf("sale %v", got)
			}
			want := "2026-11-23T14:00:00.000+07:00" // no change yet: the start
			if tt.pause {
				want = bsT0.Add(tt.at).Format("2006-01-02T15:04:05.000Z07:00")
			}
			if got["updated_at"] != want {
				t.Errorf("updated_at %v, want %s", got["updated_at"], want)
			}
		})
	}
}

// TestBrandstoreActionsRefuse checks every refusal the contract lists for
// the actions, each with the right status and code, and that none applied.
func TestBrandstoreActionsRefuse(t *testing.T) {
	past := bsT0.Add(30 * time.Minute)
	tests := []struct {
		name   string
		at     time.Duration
		token  string // "" the store's
		path   string
		noKey  bool
		body   string
		status int
		code   string
		msg    string // in the message
	}{
		{"no key", 10 * time.Minute, "", "/v1/sales/poco-m3-launch/pause", true, bsReason, 400, "invalid_parameter", "Idempotency-Key"},
		{"no reason", 10 * time.Minute, "", "/v1/sales/poco-m3-launch/pause", false, `{"actor":"ayu"}`, 400, "invalid_parameter", "reason"},
		{"blank reason", 10 * time.Minute, "", "/v1/sales/poco-m3-launch/resume", false, `{"reason":"  "}`, 400, "invalid_parameter", "reason"},
		{"reason too long", 10 * time.Minute, "", "/v1/sales/poco-m3-launch/pause", false, `{"reason":"` + strings.Repeat("é", 501) + `"}`, 400, "invalid_parameter", "reason"},
		{"actor too long", 10 * time.Minute, "", "/v1/sales/poco-m3-launch/pause", false, `{"reason":"r","actor":"` + strings.Repeat("a", 101) + `"}`, 400, "invalid_parameter", "actor"},
		{"no body", 10 * time.Minute, "", "/v1/sales/poco-m3-launch/pause", false, ``, 400, "invalid_parameter", "JSON object"},
		{"reason not a string", 10 * time.Minute, "", "/v1/orders/1/cancel", false, `{"reason":7}`, 400, "invalid_parameter", "JSON object"},
		{"another sale", 10 * time.Minute, "", "/v1/sales/redmi-launch/pause", false, bsReason, 404, "not_found", `"redmi-launch"`},
		{"pause an ended sale", 61 * time.Minute, "", "/v1/sales/poco-m3-launch/pause", false, bsReason, 409, "invalid_state", "ended"},
		{"extend without until", 10 * time.Minute, "", "/v1/sales/poco-m3-launch/extend", false, bsReason, 400, "invalid_parameter", "until"},
		{"extend to a date", 10 * time.Minute, "", "/v1/sales/poco-m3-launch/extend", false, `{"reason":"r","until":"2026-11-23"}`, 400, "invalid_parameter", "RFC 3339"},
		{"extend to before the end", 10 * time.Minute, "", "/v1/sales/poco-m3-launch/extend", false, bsExtendBody(past), 400, "invalid_parameter", "later than the sale's current end"},
		{"extend to the end", 10 * time.Minute, "", "/v1/sales/poco-m3-launch/extend", false, bsExtendBody(bsT0.Add(time.Hour)), 400, "invalid_parameter", "later than the sale's current end"},
		{"extend to before now", 90 * time.Minute, "", "/v1/sales/poco-m3-launch/extend", false, bsExtendBody(bsT0.Add(80 * time.Minute)), 400, "invalid_parameter", "later than now"},
		{"cancel an unknown order", 10 * time.Minute, "", "/v1/orders/42/cancel", false, bsReason, 404, "not_found", `"42"`},
		{"unknown token", 10 * time.Minute, "not-the-token", "/v1/sales/poco-m3-launch/pause", false, bsReason, 401, "unauthorized", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBSStore(t, tt.at, 100000)
			key := s.key()
			if tt.noKey {
				key = ""
			}
			token := tt.token
			if token == "" {
				token = s.srv.Creds.StoreToken
			}
			r := s.callWith(token, "POST", tt.path, key, tt.body)
			if r.status != tt.status || r.code(t) != tt.code || !strings.Contains(r.message(t), tt.msg) {
				t.Errorf("got %d %s, want %d %s with %q", r.status, r.body, tt.status, tt.code, tt.msg)
			}
			if s.book.Paused() || !s.book.End().Equal(bsT0.Add(time.Hour)) {
				t.Errorf("refused, yet applied: paused %v, end %v", s.book.Paused(), s.book.End())
			}
			for _, op := range []string{simulator.OpPause, simulator.OpResume, simulator.OpExtend, simulator.OpCancel} {
				if n := s.book.ActionCount(op); n != 0 {
					t.Errorf("ActionCount(%s) = %d", op, n)
				}
			}
		})
	}
}

func TestBrandstorePauseAndResume(t *testing.T) {
	s := newBSStore(t, 10*time.Minute, 100000)
	got := s.act("/v1/sales/poco-m3-launch/pause", bsReason)
	if got["state"] != "paused" || !s.book.Paused() {
		t.Fatalf("pause answered %v; book paused %v", got, s.book.Paused())
	}
	n := s.book.OrderCount()
	s.clock.Advance(5 * time.Minute)
	if m := s.book.OrderCount(); m != n {
		t.Errorf("paused, the store took %d orders", m-n)
	}

	// Pausing a paused sale: 200, unchanged (not even updated_at).
	again := s.act("/v1/sales/poco-m3-launch/pause", bsReason)
	if again["state"] != "paused" || again["updated_at"] != got["updated_at"] {
		t.Errorf("second pause answered %v, want the sale unchanged %v", again, got)
	}

	got = s.act("/v1/sales/poco-m3-launch/resume", bsReason)
	if got["state"] != "active" || s.book.Paused() {
		t.Fatalf("resume answered %v; book paused %v", got, s.book.Paused())
	}
	s.clock.Advance(5 * time.Minute)
	if m := s.book.OrderCount(); m <= n {
		t.Errorf("resumed, the store took no order in 5 minutes")
	}
	// Resuming a sale that is not paused: 200, unchanged.
	if again := s.act("/v1/sales/poco-m3-launch/resume", bsReason); again["state"] != "active" || again["updated_at"] != got["updated_at"] {
		t.Errorf("second resume answered %v", again)
	}
	if a, b := s.book.ActionCount(simulator.OpPause), s.book.ActionCount(simulator.OpResume); a != 2 || b != 2 {
		t.Errorf("ActionCount pause %d, resume %d; want 2 and 2", a, b)
	}
}

func TestBrandstoreExtend(t *testing.T) {
	s := newBSStore(t, 50*time.Minute, 100000)
	oldEnd, until := bsT0.Add(time.Hour), bsT0.Add(90*time.Minute)
	got := s.act("/v1/sales/poco-m3-launch/extend", bsExtendBody(until))
	if got["end"] != "2026-11-23T15:30:00.000+07:00" || got["state"] != "active" || !s.book.End().Equal(until) {
		t.Fatalf("extend answered %v; book ends %v", got, s.book.End())
	}
	s.clock.Set(oldEnd.Add(10 * time.Minute))
	if s.sale()["state"] != "active" {
		t.Errorf("past the old end, the sale is %v", s.sale()["state"])
	}
	page, _ := s.book.Updates(simulator.Query{After: oldEnd})
	if len(page) == 0 {
		t.Errorf("no order after the old end")
	}

	// An ended sale extended becomes active again; a paused one stays paused.
	s.clock.Set(until.Add(time.Minute))
	if st := s.sale()["state"]; st != "ended" {
		t.Fatalf("after the new end the sale is %v", st)
	}
	if got := s.act("/v1/sales/poco-m3-launch/extend", bsExtendBody(until.Add(time.Hour))); got["state"] != "active" {
		t.Errorf("an ended sale extended is %v", got["state"])
	}
	s.act("/v1/sales/poco-m3-launch/pause", bsReason)
	if got := s.act("/v1/sales/poco-m3-launch/extend", bsExtendBody(until.Add(2*time.Hour))); got["state"] != "paused" {
		t.Errorf("a paused sale extended is %v", got["state"])
	}
}

func TestBrandstoreCancel(t *testing.T) {
	s := newBSStore(t, 10*time.Minute, 100000)
	page, _ := s.book.Updates(simulator.Query{Limit: 1})
	if len(page) == 0 {
		t.Fatal("no order to cancel")
	}
	o := page[0]
	sold := s.book.Sold()[bsSKU]
	got := s.act("/v1/orders/"+o.ID+"/cancel", bsReason)
	if got["id"] != o.ID || got["status"] != "cancelled" {
		t.Fatalf("cancel answered %v", got)
	}
	for _, it := range got["items"].([]any) {
		if it.(map[string]any)["cancelled"] != true {
			t.Errorf("item not cancelled: %v", it)
		}
	}
	if got["updated_at"] == o.UpdatedAt.Format("2006-01-02T15:04:05.000Z07:00") {
		t.Errorf("updated_at did not move: %v", got["updated_at"])
	}
	if now := s.book.Sold()[bsSKU]; now != sold-o.Items[0].Qty {
		t.Errorf("sold %d → %d, want %d fewer", sold, now, o.Items[0].Qty)
	}
	if r := s.call("GET", "/v1/orders/"+o.ID, "", ""); r.json(t)["status"] != "cancelled" {
		t.Errorf("read back: %s", r.body)
	}
	// Cancelling a cancelled order: 200, unchanged.
	if again := s.act("/v1/orders/"+o.ID+"/cancel", bsReason); again["status"] != "cancelled" || again["updated_at"] != got["updated_at"] {
		t.Errorf("second cancel answered %v, want %v", again, got)
	}
}

// TestBrandstoreIdempotencyKeys checks the contract's key rules: a repeat
// answers the first answer, marked, without applying again, even after
// the state changed; another request with a used key is 422.
func TestBrandstoreIdempotencyKeys(t *testing.T) {
	s := newBSStore(t, 10*time.Minute, 100000)
	const pause = "/v1/sales/poco-m3-launch/pause"
	first := s.call("POST", pause, "k-1", bsReason)
	if first.status != 200 || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d %v %s", first.status, first.header, first.body)
	}
	s.act("/v1/sales/poco-m3-launch/resume", bsReason)
	s.clock.Advance(time.Minute)

	again := s.call("POST", pause, "k-1", bsReason)
	if again.status != 200 || again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.body, first.body) {
		t.Errorf("repeat: %d %v %s, want the first answer replayed", again.status, again.header, again.body)
	}
	if s.book.Paused() || s.book.ActionCount(simulator.OpPause) != 1 {
		t.Errorf("the repeat applied: paused %v, ActionCount %d", s.book.Paused(), s.book.ActionCount(simulator.OpPause))
	}

	tests := []struct {
		name, path, body, msg string
	}{
		{"another body", pause, `{"reason":"another reason"}`, "used for POST /v1/sales/poco-m3-launch/pause with another body"},
		{"another action", "/v1/sales/poco-m3-launch/resume", bsReason, "used for POST /v1/sales/poco-m3-launch/pause"},
		{"another resource", "/v1/orders/1/cancel", bsReason, "used for POST /v1/sales/poco-m3-launch/pause"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.call("POST", tt.path, "k-1", tt.body)
			if r.status != 422 || r.code(t) != "idempotency_key_reused" || !strings.Contains(r.message(t), tt.msg) {
				t.Errorf("got %d %s, want 422 idempotency_key_reused %q", r.status, r.body, tt.msg)
			}
		})
	}

	// A refusal is an answer too: its repeat is the same refusal.
	r1 := s.call("POST", "/v1/sales/redmi-launch/pause", "k-2", bsReason)
	r2 := s.call("POST", "/v1/sales/redmi-launch/pause", "k-2", bsReason)
	if r1.status != 404 || r2.status != 404 || r2.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(r1.body, r2.body) {
		t.Errorf("refusal repeated: %d %s then %d %v %s", r1.status, r1.body, r2.status, r2.header, r2.body)
	}
}

func TestBrandstoreActionFaultFail(t *testing.T) {
	s := newBSStore(t, 10*time.Minute, 100000)
	s.book.SetActionFault(simulator.OpPause, simulator.ActionFault{Mode: "fail"})
	r := s.call("POST", "/v1/sales/poco-m3-launch/pause", "k-1", bsReason)
	if r.status != 500 || r.code(t) != "internal" {
		t.Fatalf("got %d %s, want 500 internal", r.status, r.body)
	}
	if s.book.Paused() || s.book.ActionCount(simulator.OpPause) != 0 || s.sale()["state"] != "active" {
		t.Fatalf("a failed pause applied")
	}
	// The 500 was not remembered: the same key applies now.
	r = s.call("POST", "/v1/sales/poco-m3-launch/pause", "k-1", bsReason)
	if r.status != 200 || r.header.Get("Idempotent-Replayed") != "" || !s.book.Paused() || s.book.ActionCount(simulator.OpPause) != 1 {
		t.Errorf("retry: %d %v %s; paused %v", r.status, r.header, r.body, s.book.Paused())
	}
}

// TestBrandstoreActionFaultTimeout: the action applies at once and its
// answer is held; meanwhile the same key is request_in_progress, and
// afterwards it replays the held answer.
func TestBrandstoreActionFaultTimeout(t *testing.T) {
	s := newBSStore(t, 10*time.Minute, 100000)
	const hold = 700 * time.Millisecond
	s.book.SetActionFault(simulator.OpCancel, simulator.ActionFault{Mode: "timeout", Delay: hold})
	page, _ := s.book.Updates(simulator.Query{Limit: 1})
	path := "/v1/orders/" + page[0].ID + "/cancel"

	var (
		wg    sync.WaitGroup
		first bsReply
		took  time.Duration
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		first = s.call("POST", path, "k-1", bsReason)
		took = time.Since(start)
	}()
	testwait.For(t, 5*time.Second, "the held cancel never reached the book", func() bool {
		return s.book.ActionCount(simulator.OpCancel) > 0
	})
	if o, _ := s.book.Order(page[0].ID); o.Status != simulator.StatusCanceled {
		t.Errorf("held, yet not applied: %s", o.Status)
	}
	r := s.call("POST", path, "k-1", bsReason)
	if r.status != 409 || r.code(t) != "request_in_progress" {
		t.Errorf("during the hold: %d %s, want 409 request_in_progress", r.status, r.body)
	}
	wg.Wait()
	if first.status != 200 || took < hold {
		t.Errorf("first answer %d after %v, want 200 after %v", first.status, took, hold)
	}
	r = s.call("POST", path, "k-1", bsReason)
	if r.status != 200 || r.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(r.body, first.body) {
		t.Errorf("after the hold: %d %v %s", r.status, r.header, r.body)
	}
	if n := s.book.ActionCount(simulator.OpCancel); n != 1 {
		t.Errorf("ActionCount(cancel) = %d", n)
	}
}
