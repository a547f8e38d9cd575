package serve_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/metrics"
	"github.com/flashdeck/flashdeck/app/serve"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// fzLazada is a Lazada channel that pushes, for tests that only queue:
// nothing reads from it.
type fzLazada struct{ id string }

func (s fzLazada) ID() string   { return s.id }
func (s fzLazada) Kind() string { return datasources.KindLazada }
func (s fzLazada) Capabilities() datasources.Capabilities {
	return datasources.Capabilities{Orders: true, Push: true}
}
func (fzLazada) Health(context.Context) error { return nil }
func (fzLazada) Stock(context.Context, []string) ([]datasources.StockReading, error) {
	return nil, nil
}
func (fzLazada) Orders(_ context.Context, c datasources.Cursor) (datasources.OrderPage, error) {
	return datasources.OrderPage{Next: c, Total: -1}, nil
}
func (fzLazada) ReadOrder(_ context.Context, id string) (datasources.Order, error) {
	return datasources.Order{ID: id, Status: "pending"}, nil
}

// Two Lazada apps: one serves Indonesia and the Philippines, the other
// Malaysia.
const pushConfig = `channels:
  - {id: lazada-id, kind: lazada, market: ID, base_url: "https://api.lazada.co.id/rest", app_key_env: LZ_KEY, app_secret_env: LZ_SECRET, access_token_env: LZ_ID_TOKEN}
  - {id: lazada-ph, kind: lazada, market: PH, base_url: "https://api.lazada.com.ph/rest", app_key_env: LZ_KEY, app_secret_env: LZ_SECRET, access_token_env: LZ_PH_TOKEN}
  - {id: lazada-my, kind: lazada, market: MY, base_url: "https://api.lazada.com.my/rest", app_key_env: LZ_MY_KEY, app_secret_env: LZ_MY_SECRET, access_token_env: LZ_MY_TOKEN}
  - {id: lazada-sg, kind: lazada, market: SG, base_url: "https://api.lazada.sg/rest", app_key_env: LZ_SG_KEY, app_secret_env: LZ_SG_SECRET, access_token_env: LZ_SG_TOKEN, enabled: false}
sales:
  - id: s
    name: S
    start: 2026-11-23T14:00:00+07:00
    end: 2026-11-23T16:00:00+07:00
    skus:
      - {sku: A, flash_price: 1, allocated: {lazada-id: 10, lazada-my: 10, lazada-ph: 10}}
`

var pushEnv = map[string]string{
	"LZ_KEY": "100001", "LZ_SECRET": "id-ph-secret", "LZ_MY_KEY": "200002", "LZ_MY_SECRET": "my-secret",
	"LZ_ID_TOKEN": "t", "LZ_PH_TOKEN": "t", "LZ_MY_TOKEN": "t",
}

// pushNow is the clock of pushAPI: the pushes of these tests are stamped
// around it.
var pushNow = time.Unix(1795000000, 0)

// pushMessage is a trade order message for an order, stamped at a time
// (milliseconds) and for a site ("" for none).
func pushMessage(orderID string, stamp time.Time, site string) string {
	return `{"seller_id":"1","message_type":0,"data":{"order_status":"pending","trade_order_id":"` + orderID +
		`","status_update_time":1795000000},"timestamp":` + strconv.FormatInt(stamp.UnixMilli(), 10) + `,"site":"` + site + `"}`
}

// postPush sends a push to the API's handler with a Content-Type ("" for
// none), signed by an app.
func postPush(h http.Handler, contentType, key, secret, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/webhooks/lazada", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", signPush(key, secret, body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// pushAPI is the API over an engine that is not running: pushes are
// queued and stay there. Its clock is pushNow.
func pushAPI(tb testing.TB) (http.Handler, *metrics.Metrics) {
	tb.Helper()
	cfg, err := config.Parse("push.yaml", []byte("state_dir: "+strconv.Quote(tb.TempDir())+"\n"+pushConfig))
	if err != nil {
		tb.Fatal(err)
	}
	st, err := store.Open(cfg.StateDir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng, err := engine.New(engine.Options{Config: cfg, Store: st, Logger: quiet, Sources: map[string]datasources.Source{
		"lazada-id": fzLazada{"lazada-id"}, "lazada-ph": fzLazada{"lazada-ph"}, "lazada-my": fzLazada{"lazada-my"}}})
	if err != nil {
		tb.Fatal(err)
	}
	m := metrics.New(eng.Snapshot)
	api, err := serve.New(serve.Options{Config: cfg, Lookup: config.MapLookup(pushEnv), Engine: eng, Metrics: m, Logger: quiet,
		Now: func() time.Time { return pushNow }})
	if err != nil {
		tb.Fatal(err)
	}
	return api.Handler(), m
}

func TestThePushSignatureNamesTheChannel(t *testing.T) {
	h, m := pushAPI(t)
	sent := pushNow.Add(123 * time.Millisecond)
	cases := []struct {
		name, key, secret, site string
		orderID                 string
		stamp                   time.Time
		status                  string
		channels                []string
	}{
		{"Malaysia's app, its site", "200002", "my-secret", "lazada_my", "1001", sent, "accepted", []string{"lazada-my"}},
		{"Malaysia's app, no site", "200002", "my-secret", "", "1002", sent, "accepted", []string{"lazada-my"}},
		{"Malaysia's app, Indonesia's site", "200002", "my-secret", "lazada_id", "1003", sent, "ignored", nil},
		{"the shared app, Indonesia", "100001", "id-ph-secret", "lazada_id", "1004", sent, "accepted", []string{"lazada-id"}},
		{"the shared app, the Philippines", "100001", "id-ph-secret", "lazada_ph", "1005", sent, "accepted", []string{"lazada-ph"}},
		{"the shared app, no site: both read it", "100001", "id-ph-secret", "", "1006", sent, "accepted", []string{"lazada-id", "lazada-ph"}},
		{"the shared app, the same message again", "100001", "id-ph-secret", "lazada_id", "1004", sent, "duplicate", nil},
		{"the shared app, the same order in a later message", "100001", "id-ph-secret", "lazada_id", "1004", sent.Add(time.Second), "accepted", []string{"lazada-id"}},
		{"Malaysia's app, the message Indonesia's app sent", "200002", "my-secret", "lazada_id", "1004", sent, "ignored", nil},
	}
	for _, c := range cases {
		w := postPush(h, "application/json", c.key, c.secret, pushMessage(c.orderID, c.stamp, c.site))
		var ans struct {
			Status   string   `json:"status"`
			Channels []string `json:"channels"`
		}
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &ans) != nil || ans.Status != c.status || !slices.Equal(ans.Channels, c.channels) {
			t.Errorf("%s: %d %s, want %s on %v", c.name, w.Code, w.Body, c.status, c.channels)
		}
	}
	// The disabled channel's app is not trusted.
	if w := postPush(h, "application/json", "300003", "sg-secret", pushMessage("1", sent, "lazada_sg")); w.Code != 401 {
		t.Errorf("a disabled channel's app: %d %s", w.Code, w.Body)
	}
	for ch, want := range map[string]float64{"lazada-my": 2, "lazada-id": 3, "lazada-ph": 2} {
		if got := testutil.ToFloat64(m.Webhooks.WithLabelValues(ch, "accepted")); got != want {
			t.Errorf(`flashdeck_webhooks_total{channel=%q,result="accepted"} = %v, want %v`, ch, got, want)
		}
	}
	if got := testutil.ToFloat64(m.Webhooks.WithLabelValues("lazada-my", "ignored")); got != 2 {
		t.Errorf(`flashdeck_webhooks_total{channel="lazada-my",result="ignored"} = %v, want 2`, got)
	}
	// The shared app's message names no one channel before it is read.
	if got := testutil.ToFloat64(m.Webhooks.WithLabelValues("unknown", "duplicate")); got != 1 {
		t.Errorf(`flashdeck_webhooks_total{channel="unknown",result="duplicate"} = %v, want 1`, got)
	}
	if problems, err := testutil.GatherAndLint(m.Registry); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %+v", err, problems)
	}
}

// TestPushesOutsideTheWindowAreRefused: a signed push is taken only when
// its own timestamp is within lazada.PushWindow of the server's clock;
// otherwise it is a 400 naming the window, counted and logged as stale.
func TestPushesOutsideTheWindowAreRefused(t *testing.T) {
	h, m := pushAPI(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	cases := []struct {
		name string
		body string
		code int
		want string
	}{
		{"stamped now", pushMessage("2001", pushNow, "lazada_id"), 200, `"status": "accepted"`},
		{"stamped in seconds", strings.Replace(pushMessage("2002", pushNow, "lazada_id"), "1795000000000", "1795000000", 1), 200, `"status": "accepted"`},
		{"9 minutes old", pushMessage("2003", pushNow.Add(-9*time.Minute), "lazada_id"), 200, `"status": "accepted"`},
		{"9 minutes ahead", pushMessage("2004", pushNow.Add(9*time.Minute), "lazada_id"), 200, `"status": "accepted"`},
		{"11 minutes old", pushMessage("2005", pushNow.Add(-11*time.Minute), "lazada_id"), 400, "11m0s old: a push message is taken only within 10 minutes"},
		{"11 minutes ahead", pushMessage("2006", pushNow.Add(11*time.Minute), "lazada_id"), 400, "ahead of this server's clock: a push message is taken only within 10 minutes"},
		{"stamped 1970", strings.Replace(pushMessage("2007", pushNow, "lazada_id"), "1795000000000", "1", 1), 400, "timestamp 1970-01-01T00:00:01Z is"},
		{"stamped 2001, in milliseconds", pushMessage("2008", time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), "lazada_id"), 400, "timestamp 2001-01-01T00:00:00Z is"},
		{"no timestamp", `{"message_type":0,"data":{"trade_order_id":"2009"},"site":"lazada_id"}`, 400, "timestamp is missing"},
		{"another message type, old", `{"seller_id":"100053528","message_type":13,"data":{"status":"normal"},"timestamp":1627038397,"site":"lazada_id"}`, 400, "old"},
	}
	stale := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest("POST", srv.URL+"/webhooks/lazada", strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", signPush("100001", "id-ph-secret", c.body))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.code || !strings.Contains(string(b), c.want) {
				t.Errorf("%d %s, want %d with %q", res.StatusCode, b, c.code, c.want)
			}
		})
		if c.code == 400 {
			stale++
		}
	}
	// Both channels of the shared app: the message is refused before its
	// site names one.
	if got := testutil.ToFloat64(m.Webhooks.WithLabelValues("unknown", "stale")); got != float64(stale) {
		t.Errorf(`flashdeck_webhooks_total{channel="unknown",result="stale"} = %v, want %d`, got, stale)
	}
	if got := testutil.ToFloat64(m.Webhooks.WithLabelValues("lazada-id", "accepted")); got != 4 {
		t.Errorf(`flashdeck_webhooks_total{channel="lazada-id",result="accepted"} = %v, want 4`, got)
	}
}

// TestPushesMustBeJSON: a push is taken only as application/json (its
// parameters aside, a charset only if UTF-8); anything else, or no
// Content-Type at all, is a 415 before the body is read.
func TestPushesMustBeJSON(t *testing.T) {
	h, m := pushAPI(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	refused := 0
	for i, c := range []struct {
		contentType string
		code        int
		want        string
	}{
		{"application/json", 200, `"status": "accepted"`},
		{"application/json; charset=utf-8", 200, `"status": "accepted"`},
		{"Application/JSON;charset=UTF-8", 200, `"status": "accepted"`},
		{"", 415, "the Content-Type header is missing"},
		{"text/plain", 415, "the Content-Type is text/plain"},
		{"application/x-www-form-urlencoded", 415, "Lazada sends its push messages as application/json"},
		{"application/json-patch+json", 415, "the Content-Type is application/json-patch+json"},
		{"application/json; charset=iso-8859-1", 415, `the charset is \"iso-8859-1\": a push message is JSON, in UTF-8`},
		{"application/json;;", 415, "cannot be read"},
	} {
		body := pushMessage(strconv.Itoa(3000+i), pushNow, "lazada_id")
		req, err := http.NewRequest("POST", srv.URL+"/webhooks/lazada", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		req.Header.Set("Authorization", signPush("100001", "id-ph-secret", body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.code || !strings.Contains(string(b), c.want) {
			t.Errorf("Content-Type %q: %d %s, want %d with %q", c.contentType, res.StatusCode, b, c.code, c.want)
		}
		if c.code == 415 {
			refused++
		}
	}
	if got := testutil.ToFloat64(m.Webhooks.WithLabelValues("unknown", "malformed")); got != float64(refused) {
		t.Errorf(`flashdeck_webhooks_total{channel="unknown",result="malformed"} = %v, want %d`, got, refused)
	}
}

func TestAMissingAppSecretIsNamed(t *testing.T) {
	cfg, err := config.Parse("push.yaml", []byte(pushConfig))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for k, v := range pushEnv {
		if k != "LZ_MY_SECRET" {
			env[k] = v
		}
	}
	_, err = serve.New(serve.Options{Config: cfg, Lookup: config.MapLookup(env)})
	if err == nil || !strings.Contains(err.Error(), "channel lazada-my") || !strings.Contains(err.Error(), "LZ_MY_SECRET") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzLazadaWebhook: any body, signed by the app, is answered 200 or 400
// with a message (413 when too large), never 5xx, and quickly. The
// server's clock is pushNow: a body stamped within 10 minutes of it is
// read further; one stamped outside is a 400.
func FuzzLazadaWebhook(f *testing.F) {
	for _, s := range []string{
		`{"seller_id":"1234567","message_type":0,"data":{"order_status":"unpaid","trade_order_id":"260422900198363","status_update_time":1603698638},"timestamp":1795000000530,"site":"lazada_id"}`,
		`{"seller_id":"1000114855","message_type":0,"data":{"order_status":"canceled","reverse_order_id":501977696648153,"trade_order_id":252883361348153},"timestamp":1795000001,"site":"lazada_ph"}`,
		`{"seller_id":"100053528","message_type":13,"data":{"status":"normal"},"timestamp":1794999700,"site":"lazada_sg"}`,
		`{"message_type":0,"data":{"trade_order_id":"1"},"timestamp":"1795000000000","site":"lazada_my"}`,
		`{"seller_id":"1234567","message_type":0,"data":{"order_status":"unpaid","trade_order_id":"260422900198363","status_update_time":1603698638},"timestamp":1603766859530,"site":"lazada_id"}`,
		`{"message_type":0,"data":{"trade_order_id":"1"},"site":"lazada_my"}`,
		`{"message_type":0}`,
		`[]`,
		``,
	} {
		f.Add([]byte(s))
	}
	h, _ := pushAPI(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		start := time.Now()
		w := postPush(h, "application/json", "100001", "id-ph-secret", string(body))
		if d := time.Since(start); testwait.Timed() && d > 500*time.Millisecond {
			t.Errorf("answered in %v", d)
		}
		switch {
		case w.Code == 200:
		case w.Code == 400 || w.Code == 413:
			var e struct {
				Error struct{ Message string } `json:"error"`
			}
			if json.Unmarshal(w.Body.Bytes(), &e) != nil || strings.TrimSpace(e.Error.Message) == "" {
				t.Fatalf("%d without a message: %s", w.Code, w.Body)
			}
		default:
			t.Fatalf("%q: %d %s", body, w.Code, w.Body)
		}
	})
}
