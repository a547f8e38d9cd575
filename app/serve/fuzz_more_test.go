package serve_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/metrics"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/serve"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

// Fuzz targets for what the collector's API reads from a request: the
// body of POST /api/v1/actions (and of a confirm), an action id in the
// path, the query of GET /api/v1/audit and /api/v1/flags (and of every
// route, FuzzRouteQuery), and the Authorization header. They run the real handler, engine, actions and
// audit trail, over channels that answer at once, so a valid request is
// carried out too. Seeds are in testdata/fuzz; run one with
// go test -fuzz=FuzzActionBody ./app/serve

// fzStore is a brand store whose API does every action at once.
type fzStore struct {
	mu      sync.Mutex
	paused  bool
	end     time.Time
	actions int
}

func (s *fzStore) ID() string   { return "micom-id" }
func (s *fzStore) Kind() string { return datasources.KindBrandstore }
func (s *fzStore) Capabilities() datasources.Capabilities {
	return datasources.Capabilities{Orders: true, Stock: true, Pause: true, Resume: true, Extend: true, CancelOrder: true}
}
func (s *fzStore) Health(context.Context) error { return nil }
func (s *fzStore) Stock(context.Context, []string) ([]datasources.StockReading, error) {
	return nil, nil
}
func (s *fzStore) Orders(_ context.Context, since datasources.Cursor) (datasources.OrderPage, error) {
	return datasources.OrderPage{Next: since, Total: -1}, nil
}
func (s *fzStore) ReadSale(context.Context, datasources.SaleTarget) (datasources.SaleControl, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return datasources.SaleControl{Paused: s.paused, End: s.end}, nil
}
func (s *fzStore) do(fn func()) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actions++
	fn()
	return nil
}
func (s *fzStore) PauseSale(context.Context, datasources.SaleTarget, datasources.ActionMeta) error {
	return s.do(func() { s.paused = true })
}
func (s *fzStore) ResumeSale(context.Context, datasources.SaleTarget, datasources.SaleControl, datasources.ActionMeta) error {
	return s.do(func() { s.paused = false })
}
func (s *fzStore) ExtendSale(_ context.Context, _ datasources.SaleTarget, until time.Time, _ datasources.ActionMeta) error {
	return s.do(func() { s.end = until })
}
func (s *fzStore) CancelOrder(context.Context, string, datasources.ActionMeta) error {
	return s.do(func() {})
}
func (s *fzStore) ReadOrder(_ context.Context, id string) (datasources.Order, error) {
	return datasources.Order{ID: id, Status: "cancelled"}, nil
}
func (s *fzStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.actions
}

// fzMarket is a marketplace with orders and no API for any action.
type fzMarket struct{}

func (fzMarket) ID() string   { return "akulaku-id" }
func (fzMarket) Kind() string { return datasources.KindAkulaku }
func (fzMarket) Capabilities() datasources.Capabilities {
	return datasources.Capabilities{Orders: true}
}
func (fzMarket) Health(context.Context) error { return nil }
func (fzMarket) Stock(context.Context, []string) ([]datasources.StockReading, error) {
	return nil, nil
}
func (fzMarket) Orders(_ context.Context, since datasources.Cursor) (datasources.OrderPage, error) {
	return datasources.OrderPage{Next: since, Total: -1}, nil
}

const fzConfig = `metrics_token_env: T_METRICS
users:
  - {name: ayu, role: operator, token_env: T_AYU}
  - {name: wall, role: viewer, token_env: T_WALL}
channels:
  - {id: micom-id, name: mi.com ID, kind: brandstore, base_url: "https://store-api.example.com", token_env: MICOM_TOKEN}
  - {id: akulaku-id, name: Akulaku ID, kind: akulaku, base_url: "https://ec-oapi.akulaku.com", app_id_env: AK_APP, access_token_env: AK_TOKEN, private_key_env: AK_KEY}
  - {id: poco-global, kind: brandstore, base_url: "https://store-api.example.com", token_env: POCO_TOKEN, enabled: false, replaced_by: micom-id}
sales:
  - id: poco-m3-launch
    name: POCO M3 flash sale
    start: 2026-11-23T14:00:00+07:00
    end: 2026-11-23T16:00:00+07:00
    skus:
      - {sku: POCO-M3, flash_price: 1999000, allocated: {micom-id: 300, akulaku-id: 200}}
`

var fzTokens = map[string]string{"T_AYU": "ayu-secret", "T_WALL": "wall-secret", "T_METRICS": "metrics-secret"}

// fzAPI is a collector's API with its engine, actions and audit trail.
type fzAPI struct {
	h     http.Handler
	store *fzStore
	// first is the id of the pause made at start, with a manual step on
	// akulaku-id to confirm.
	first string
}

func newFzAPI(tb testing.TB) *fzAPI {
	tb.Helper()
	cfg, err := config.Parse("fuzz.yaml", []byte("state_dir: "+strconv.Quote(tb.TempDir())+"\n"+fzConfig))
	if err != nil {
		tb.Fatal(err)
	}
	st, err := store.Open(cfg.StateDir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	// The targets test reading requests, not durability: without a sync
	// per write the fuzzer runs thousands of requests a second, not tens.
	st.SetNoSync(true)
	now := func() time.Time { return time.Date(2026, 11, 23, 14, 3, 0, 0, time.FixedZone("WIB", 7*3600)) }
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ms := &fzStore{end: time.Date(2026, 11, 23, 16, 0, 0, 0, time.FixedZone("WIB", 7*3600))}
	eng, err := engine.New(engine.Options{Config: cfg, Store: st, Now: now, Logger: quiet,
		Sources: map[string]datasources.Source{"micom-id": ms, "akulaku-id": fzMarket{}}})
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := actions.New(actions.Options{Store: st, Engine: eng, Now: now, Timeout: time.Second, Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	api, err := serve.New(serve.Options{Config: cfg, Lookup: config.MapLookup(fzTokens), Engine: eng,
		Metrics: metrics.New(eng.Snapshot), Actions: svc, Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	a := &fzAPI{h: api.Handler(), store: ms}
	// Something in the audit trail to list, confirm and retry.
	op := actions.User{Name: "ayu", Role: config.RoleOperator}
	for i, req := range []actions.Request{
		{Kind: actions.Pause, Sale: "poco-m3-launch", Reason: "bots on 0812", IdempotencyKey: "seed-1"},
		{Kind: actions.Extend, Sale: "poco-m3-launch", Channels: []string{"micom-id"}, By: "30m", Reason: "=demand", IdempotencyKey: "seed-2"},
		{Kind: actions.ReviewOrder, Sale: "poco-m3-launch", Channels: []string{"micom-id"}, OrderID: "5001", Reason: "known buyer", IdempotencyKey: "seed-3"},
	} {
		act, err := svc.Submit(context.Background(), op, req)
		if err != nil {
			tb.Fatal(err)
		}
		if i == 0 {
			a.first = act.ID
		}
	}
	return a
}

// serve makes one request with a bearer token ("" for none) and returns
// the answer.
func (a *fzAPI) serve(method, target, token string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/", bytes.NewReader(body))
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	r.URL = u
	r.RequestURI = u.RequestURI()
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, r)
	return w
}

// errorMessage checks an error answer: JSON {"error":{"message":…}} with
// words in it, and returns them.
func errorMessage(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var e struct {
		Error struct {
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || strings.TrimSpace(e.Error.Message) == "" {
		t.Fatalf("HTTP %d answer without a message: %q (%v)", w.Code, w.Body.String(), err)
	}
	return e.Error.Message
}

// noServerError fails on a 5xx: nothing a client sends is the server's fault.
func noServerError(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code >= 500 {
		t.Fatalf("%s: HTTP %d %s", what, w.Code, w.Body.String())
	}
	if w.Code >= 400 {
		errorMessage(t, w)
	}
}

// FuzzActionBody: any body of POST /api/v1/actions from an operator is
// answered 4xx with a message, or 200 with the action done as asked; never
// 5xx. A body that does not decode strictly is a 400. Sent again, a body
// that was carried out answers the same action, replayed, and reaches the
// channel no more.
func FuzzActionBody(f *testing.F) {
	for _, s := range []string{
		`{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"bots","idempotency_key":"k1"}`,
		`{"kind":"resume","sale":"poco-m3-launch","reason":"clear","idempotency_key":"7f9c2ba4-e88f-4a0c-8b7e-1d2c3e4f5a6b"}`,
		`{"kind":"extend","sale":"poco-m3-launch","by":"1h","reason":"demand","idempotency_key":"k2"}`,
		`{"kind":"extend","sale":"poco-m3-launch","until":"2026-11-23T18:00:00+07:00","channels":["akulaku-id"],"reason":"demand","idempotency_key":"k3"}`,
		`{"kind":"cancel_order","sale":"poco-m3-launch","order_id":"5001","channels":["micom-id"],"reason":"scalper","idempotency_key":"k4"}`,
		`{"kind":"review_order","sale":"poco-m3-launch","order_id":"5001","reason":"ok","idempotency_key":"k5"}`,
		`{"kind":"pause","sale":"poco-m3-launch","reason":"r","idempotency_key":"seed-1"}`,
		`{"kind":"pause","sale":"poco-m3-launch","reason":"r","idempotency_key":"k6","force":true}`,
		`{"kind":"pause","sale":"poco-m3-launch","reason":1}`,
		`{"kind":`,
		`[]`,
		``,
	} {
		f.Add([]byte(s))
	}
	a := newFzAPI(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		w := a.serve("POST", "/api/v1/actions", "ayu-secret", body)
		noServerError(t, "POST /api/v1/actions "+string(body), w)
		if len(body) > 64<<10 {
			return // refused for its size before it is read
		}
		var req actions.Request
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			if w.Code != http.StatusBadRequest {
				t.Fatalf("%q does not decode (%v), answered %d %s", body, err, w.Code, w.Body.String())
			}
			return
		}
		if w.Code != http.StatusOK {
			return
		}
		var act actions.Action
		if err := json.Unmarshal(w.Body.Bytes(), &act); err != nil {
			t.Fatalf("200 with %q: %v", w.Body.String(), err)
		}
		if act.ID == "" || act.Kind != req.Kind || act.Sale != req.Sale || act.Key != req.IdempotencyKey || len(act.Results) == 0 {
			t.Fatalf("%s answered %+v", body, act)
		}
		if st := act.Status(); st == actions.Pending && !act.Replayed {
			t.Fatalf("answered before every channel did: %+v", act.Results)
		}
		before := a.store.count()
		again := a.serve("POST", "/api/v1/actions", "ayu-secret", body)
		var act2 actions.Action
		if again.Code != http.StatusOK || json.Unmarshal(again.Body.Bytes(), &act2) != nil || !act2.Replayed || act2.ID != act.ID {
			t.Fatalf("%s sent again: %d %s", body, again.Code, again.Body.String())
		}
		if n := a.store.count(); n != before {
			t.Fatalf("a replay reached the channel %d times", n-before)
		}
	})
}

// FuzzActionPath: any action id in the path of GET /api/v1/actions/{id},
// POST …/retry and POST …/confirm (with any body) is answered 2xx with
// that action, a redirect to the clean path, or 4xx with a message; never
// 5xx.
func FuzzActionPath(f *testing.F) {
	for _, c := range []struct{ id, body string }{
		{"A000000001", `{"channel":"akulaku-id"}`},
		{"A000000001", `{"channel":"micom-id"}`},
		{"A000000002", `{}`},
		{"A999", `{"channel":"akulaku-id"}`},
		{"", `{"channel":1}`},
		{"../x", `{"channel":"akulaku-id","x":1}`},
		{"A000000001/../A000000003", `null`},
		{"é%", `{"channel":"akulaku-id"}{`},
	} {
		f.Add(c.id, []byte(c.body))
	}
	a := newFzAPI(f)
	f.Fuzz(func(t *testing.T, id string, body []byte) {
		base := "/api/v1/actions/" + url.PathEscape(id)
		for _, c := range []struct {
			method, path string
			body         []byte
		}{{"GET", base, nil}, {"POST", base + "/confirm", body}, {"POST", base + "/retry", nil}} {
			w := a.serve(c.method, c.path, "ayu-secret", c.body)
			what := c.method + " " + c.path
			noServerError(t, what, w)
			switch {
			case w.Code == http.StatusOK:
				var act actions.Action
				if err := json.Unmarshal(w.Body.Bytes(), &act); err != nil || act.ID != id {
					t.Fatalf("%s answered %q (%v)", what, w.Body.String(), err)
				}
			case w.Code >= 300 && w.Code < 400:
				if w.Header().Get("Location") == "" {
					t.Fatalf("%s: HTTP %d without Location", what, w.Code)
				}
			case w.Code < 400:
				t.Fatalf("%s: HTTP %d", what, w.Code)
			}
		}
	})
}

// queryRefusals is what the query rule (query.go) refuses in a raw query,
// worked out on its own from the parameters a route takes and a test of
// each one's values: malformed when url.ParseQuery fails, else the
// parameters that are unknown, repeated or with a value they cannot have.
func queryRefusals(raw string, takes map[string]func(v string) bool) (malformed bool, refused []string) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return true, nil
	}
	for name, vals := range q {
		ok, known := takes[name]
		// A list (name[] of /metrics) may be given more than once.
		repeated := len(vals) > 1 && !strings.HasSuffix(name, "[]")
		if !known || repeated || slices.ContainsFunc(vals, func(v string) bool { return v != "" && !ok(v) }) {
			refused = append(refused, name)
		}
	}
	return false, refused
}

// checkQueryAnswer fails unless w is the 400 that queryRefusals calls for,
// naming one of the refused parameters; it reports whether the query was
// refused.
func checkQueryAnswer(t *testing.T, what string, w *httptest.ResponseRecorder, malformed bool, refused []string) bool {
	t.Helper()
	if !malformed && len(refused) == 0 {
		return false
	}
	var e struct {
		Error struct {
			Message   string
			Parameter *string
		} `json:"error"`
	}
	if w.Code != http.StatusBadRequest || json.Unmarshal(w.Body.Bytes(), &e) != nil || strings.TrimSpace(e.Error.Message) == "" {
		t.Fatalf("%s: %d %s, want a 400 with a message", what, w.Code, w.Body.String())
	}
	switch {
	case malformed && (e.Error.Parameter != nil || !strings.Contains(e.Error.Message, "query string cannot be read")):
		t.Fatalf("%s: %s, want a 400 saying the query cannot be read", what, w.Body.String())
	case !malformed && e.Error.Parameter == nil:
		t.Fatalf("%s: %s names no parameter, want one of %q", what, w.Body.String(), refused)
	case !malformed && !slices.Contains(refused, *e.Error.Parameter):
		// A name that is long or not UTF-8 is echoed clipped, as UTF-8.
		if !slices.ContainsFunc(refused, func(n string) bool { return len(n) > 60 || !utf8.ValidString(n) }) {
			t.Fatalf("%s: %s names %q, want one of %q", what, w.Body.String(), *e.Error.Parameter, refused)
		}
	}
	return true
}

func oneOf(values ...string) func(string) bool {
	return func(v string) bool { return slices.Contains(values, v) }
}

func wholeNumber(v string) bool {
	n, err := strconv.Atoi(v)
	return err == nil && n >= 0
}

func anything(string) bool { return true }

// FuzzAuditQuery: any query of GET /api/v1/audit is a 400 that names the
// parameter it refuses (or says the query cannot be read), or a 200
// listing (JSON or CSV) of the actions that pass the filter, newest first,
// no more than the limit; never 5xx.
func FuzzAuditQuery(f *testing.F) {
	for _, q := range []string{"", "kind=pause", "kind=stop", "result=applied&channel=micom-id", "result=done", "limit=1", "limit=-1", "limit=x",
		"format=csv", "format=xml", "q=BOTS&user=ayu", "sale=poco-m3-launch&kind=extend&format=json", "%zz=1&kind=pause", "q=%3D&format=csv",
		"sale=nope", "channel=nope", "channel=poco-global", "x=1", "kind=pause;limit=1", "sale=&kind="} {
		f.Add(q)
	}
	a := newFzAPI(f)
	kinds := make([]string, len(actions.Kinds))
	for i, k := range actions.Kinds {
		kinds[i] = string(k)
	}
	takes := map[string]func(string) bool{
		"sale": oneOf("poco-m3-launch"), "channel": oneOf("micom-id", "akulaku-id", "poco-global"), "kind": oneOf(kinds...),
		"user": anything, "result": oneOf("pending", "applied", "failed", "manual", "unknown"), "q": anything,
		"limit": wholeNumber, "format": oneOf("json", "csv"),
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "/api/v1/audit", nil)
		r.URL.RawQuery = raw
		r.Header.Set("Authorization", "Bearer wall-secret")
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, r)
		noServerError(t, "GET /api/v1/audit?"+raw, w)
		if malformed, refused := queryRefusals(raw, takes); checkQueryAnswer(t, "GET /api/v1/audit?"+raw, w, malformed, refused) {
			return
		}
		q := r.URL.Query()
		n, _ := strconv.Atoi(q.Get("limit"))
		if w.Code != http.StatusOK {
			t.Fatalf("?%s: %d %s", raw, w.Code, w.Body.String())
		}
		if q.Get("format") == "csv" {
			rows, err := csv.NewReader(w.Body).ReadAll()
			if err != nil || len(rows) == 0 || !slices.Equal(rows[0], actions.CSVHeader) {
				t.Fatalf("?%s: CSV %d rows, %v", raw, len(rows), err)
			}
			return
		}
		var ans struct {
			Count   int              `json:"count"`
			Actions []actions.Action `json:"actions"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || ans.Count != len(ans.Actions) || (n > 0 && len(ans.Actions) > n) {
			t.Fatalf("?%s: %s (%v)", raw, w.Body.String(), err)
		}
		flt := actions.Filter{Sale: q.Get("sale"), Channel: q.Get("channel"), Kind: actions.Kind(q.Get("kind")), User: q.Get("user"),
			Result: actions.Result(q.Get("result")), Text: q.Get("q")}
		for i, act := range ans.Actions {
			if !flt.Match(&act) || (i > 0 && act.ID >= ans.Actions[i-1].ID) {
				t.Fatalf("?%s listed %s (%d of %d), which the filter does not pass or is out of order", raw, act.ID, i, len(ans.Actions))
			}
		}
	})
}

// FuzzFlagsQuery: any query of GET /api/v1/flags is a 400 that names the
// parameter it refuses (an unknown sale or channel included), or says the
// query cannot be read, or a 200 list that passes the filter; never 5xx.
func FuzzFlagsQuery(f *testing.F) {
	for _, q := range []string{"", "sale=poco-m3-launch", "sale=nope", "state=open", "state=closed", "rule=" + rules.IDs[0], "rule=bogus",
		"min_score=50&limit=10", "min_score=-1", "limit=1e3", "channel=micom-id&state=reviewed", "sale=%00", "channel=nope", "sort=score",
		"%zz", "state=open&state=reviewed", "channel=&sale="} {
		f.Add(q)
	}
	a := newFzAPI(f)
	takes := map[string]func(string) bool{
		"sale": oneOf("poco-m3-launch"), "channel": oneOf("micom-id", "akulaku-id", "poco-global"),
		"state": oneOf(rules.StateOpen, rules.StateReviewed, rules.StateCancelled), "rule": oneOf(rules.IDs...),
		"min_score": wholeNumber, "limit": wholeNumber,
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "/api/v1/flags", nil)
		r.URL.RawQuery = raw
		r.Header.Set("Authorization", "Bearer wall-secret")
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, r)
		noServerError(t, "GET /api/v1/flags?"+raw, w)
		if malformed, refused := queryRefusals(raw, takes); checkQueryAnswer(t, "GET /api/v1/flags?"+raw, w, malformed, refused) {
			return
		}
		if w.Code != http.StatusOK {
			t.Fatalf("?%s: %d %s, want 200", raw, w.Code, w.Body.String())
		}
		var ans struct {
			Count int          `json:"count"`
			Flags []rules.Flag `json:"flags"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || ans.Count < len(ans.Flags) {
			t.Fatalf("?%s: %s (%v)", raw, w.Body.String(), err)
		}
		q := r.URL.Query()
		for _, fl := range ans.Flags {
			if ch := q.Get("channel"); ch != "" && fl.Channel != ch {
				t.Fatalf("?%s listed a flag on %s", raw, fl.Channel)
			}
			if st := q.Get("state"); st != "" && fl.State != st {
				t.Fatalf("?%s listed a flag %s", raw, fl.State)
			}
		}
	})
}

// FuzzRouteQuery: any query string sent to any route is refused exactly
// as the rule says (queryRefusals), with a 400 naming a refused parameter,
// and otherwise answered as without it; never 5xx.
func FuzzRouteQuery(f *testing.F) {
	for _, q := range []string{"", "x=1", "%zz", "a=1;b=2", "&&", "name[]=go_goroutines", "name[]=a&name[]=b", "limit=1",
		"sale=poco-m3-launch", "=1", "sale", "lastEventId=5", "name%5B%5D=flashdeck_channel_up"} {
		f.Add(q)
	}
	a := newFzAPI(f)
	none := map[string]func(string) bool{}
	plan := []byte(`{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"fuzz","idempotency_key":"fz-plan"}`)
	routes := []struct {
		method, path, token string
		body                []byte
		takes               map[string]func(string) bool
		// refusedOnly: a query the rule takes is not followed further
		// (the stream never ends; no Lazada channel signs here).
		refusedOnly bool
	}{
		{"GET", "/healthz", "", nil, none, false},
		{"GET", "/metrics", "metrics-secret", nil, map[string]func(string) bool{"name[]": anything}, false},
		{"GET", "/api/v1/snapshot", "wall-secret", nil, none, false},
		{"GET", "/api/v1/whoami", "wall-secret", nil, none, false},
		{"GET", "/api/v1/report", "wall-secret", nil, map[string]func(string) bool{"sale": oneOf("", "poco-m3-launch")}, false},
		{"GET", "/api/v1/timeline", "wall-secret", nil, map[string]func(string) bool{"sale": oneOf("", "poco-m3-launch")}, false},
		{"GET", "/api/v1/actions/" + a.first, "wall-secret", nil, none, false},
		{"GET", "/api/v1/stream", "wall-secret", nil, none, true},
		{"POST", "/api/v1/actions/plan", "ayu-secret", plan, none, false},
		{"POST", "/webhooks/lazada", "", []byte(`{}`), none, true},
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, rt := range routes {
			malformed, refused := queryRefusals(raw, rt.takes)
			if rt.refusedOnly && !malformed && len(refused) == 0 {
				continue
			}
			r := httptest.NewRequest(rt.method, rt.path, bytes.NewReader(rt.body))
			r.URL.RawQuery = raw
			if rt.token != "" {
				r.Header.Set("Authorization", "Bearer "+rt.token)
			}
			if rt.body != nil {
				r.Header.Set("Content-Type", "application/json")
			}
			w := httptest.NewRecorder()
			a.h.ServeHTTP(w, r)
			what := rt.method + " " + rt.path + "?" + raw
			noServerError(t, what, w)
			if !checkQueryAnswer(t, what, w, malformed, refused) && w.Code != http.StatusOK {
				t.Fatalf("%s: %d %s, want 200", what, w.Code, w.Body.String())
			}
		}
	})
}

// FuzzBearer: any Authorization header reads the API only when it is
// "Bearer " and a user's token (white space around the token aside), acts
// only for an operator, and is otherwise a 401 that says how to
// authenticate; never 5xx.
func FuzzBearer(f *testing.F) {
	for _, h := range []string{"Bearer ayu-secret", "Bearer wall-secret", "Bearer  ayu-secret ", "Bearer", "Bearer ", "bearer ayu-secret",
		"Basic YXl1OmF5dS1zZWNyZXQ=", "ayu-secret", "Bearer ayu-secret\x00", "Bearer wall-secret, Bearer ayu-secret", ""} {
		f.Add(h)
	}
	a := newFzAPI(f)
	users := map[string]string{"ayu-secret": config.RoleOperator, "wall-secret": config.RoleViewer}
	f.Fuzz(func(t *testing.T, header string) {
		// The scheme is case-insensitive (RFC 9110): "bearer" works too.
		isBearer := len(header) >= 7 && strings.EqualFold(header[:7], "bearer ")
		tok := ""
		if isBearer {
			tok = header[7:]
		}
		role, known := users[strings.TrimSpace(tok)]
		known = known && isBearer && tok != ""
		for _, c := range []struct {
			method, path string
			body         []byte
		}{{"GET", "/api/v1/audit?limit=1", nil}, {"POST", "/api/v1/actions", []byte(`{"kind":"pause"}`)}} {
			r := httptest.NewRequest(c.method, c.path, bytes.NewReader(c.body))
			r.Header.Set("Authorization", header)
			w := httptest.NewRecorder()
			a.h.ServeHTTP(w, r)
			what := c.method + " " + c.path + " with " + strconv.Quote(header)
			noServerError(t, what, w)
			want := http.StatusUnauthorized
			switch {
			case !known:
			case c.method == "GET":
				want = http.StatusOK
			case role == config.RoleOperator:
				want = http.StatusBadRequest // the body lacks sale, reason and key
			default:
				want = http.StatusForbidden
			}
			if w.Code != want {
				t.Fatalf("%s: %d %s, want %d", what, w.Code, w.Body.String(), want)
			}
			if want == http.StatusUnauthorized && !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer ") {
				t.Fatalf("%s: 401 without WWW-Authenticate", what)
			}
		}
	})
}

// FuzzMetricsBearer: /metrics, guarded by its own token, answers 200 only
// to a header that carries that token ("Bearer metrics-secret" always),
// never to a user's token, and is otherwise a 401 that says how to
// authenticate; never 5xx.
func FuzzMetricsBearer(f *testing.F) {
	for _, h := range []string{"Bearer metrics-secret", "Bearer ayu-secret", "metrics-secret", "Bearer metrics-secret ", "Bearer ", "", "bearer metrics-secret"} {
		f.Add(h)
	}
	a := newFzAPI(f)
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.Header.Set("Authorization", header)
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, r)
		what := "GET /metrics with " + strconv.Quote(header)
		noServerError(t, what, w)
		switch {
		case header == "Bearer metrics-secret":
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "flashdeck_") {
				t.Fatalf("%s: %d", what, w.Code)
			}
		case w.Code == http.StatusOK:
			if !strings.Contains(header, "metrics-secret") {
				t.Fatalf("%s: metrics served without the metrics token", what)
			}
		case w.Code != http.StatusUnauthorized || !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer "):
			t.Fatalf("%s: %d %s", what, w.Code, w.Body.String())
		}
	})
}
