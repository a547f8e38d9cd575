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

// pushAPI is the API over an engine that is not running: pushes are
// queued and stay there.
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
	api, err := serve.New(serve.Options{Config: cfg, Lookup: config.MapLookup(pushEnv), Engine: eng, Metrics: m, Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	return api.Handler(), m
}

func TestThePushSignatureNamesTheChannel(t *testing.T) {
	h, m := pushAPI(t)
	cases := []struct {
		name, key, secret, site string
		orderID                 string
		status                  string
		channels                []string
	}{
		{"Malaysia's app, its site", "200002", "my-secret", "lazada_my", "1001", "accepted", []string{"lazada-my"}},
		{"Malaysia's app, no site", "200002", "my-secret", "", "1002", "accepted", []string{"lazada-my"}},
		{"Malaysia's app, Indonesia's site", "200002", "my-secret", "lazada_id", "1003", "ignored", nil},
		{"the shared app, Indonesia", "100001", "id-ph-secret", "lazada_id", "1004", "accepted", []string{"lazada-id"}},
		{"the shared app, the Philippines", "100001", "id-ph-secret", "lazada_ph", "1005", "accepted", []string{"lazada-ph"}},
		{"the shared app, no site: both read it", "100001", "id-ph-secret", "", "1006", "accepted", []string{"lazada-id", "lazada-ph"}},
		{"the shared app, the same order again", "100001", "id-ph-secret", "lazada_id", "1004", "accepted", []string{"lazada-id"}},
	}
	for _, c := range cases {
		body := `{"seller_id":"1","message_type":0,"data":{"order_status":"pending","trade_order_id":"` + c.orderID + `","status_update_time":1795000000},"timestamp":1795000000123,"site":"` + c.site + `"}`
		req, _ := http.NewRequest("POST", "/webhooks/lazada", strings.NewReader(body))
		req.Header.Set("Authorization", signPush(c.key, c.secret, body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var ans struct {
			Status   string   `json:"status"`
			Channels []string `json:"channels"`
		}
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &ans) != nil || ans.Status != c.status || !slices.Equal(ans.Channels, c.channels) {
			t.Errorf("%s: %d %s, want %s on %v", c.name, w.Code, w.Body, c.status, c.channels)
		}
	}
	// The disabled channel's app is not trusted.
	body := `{"message_type":0,"data":{"trade_order_id":"1"},"site":"lazada_sg"}`
	req, _ := http.NewRequest("POST", "/webhooks/lazada", strings.NewReader(body))
	req.Header.Set("Authorization", signPush("300003", "sg-secret", body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 401 {
		t.Errorf("a disabled channel's app: %d %s", w.Code, w.Body)
	}
	for ch, want := range map[string]float64{"lazada-my": 2, "lazada-id": 3, "lazada-ph": 2} {
		if got := testutil.ToFloat64(m.Webhooks.WithLabelValues(ch, "accepted")); got != want {
			t.Errorf(`flashdeck_webhooks_total{channel=%q,result="accepted"} = %v, want %v`, ch, got, want)
		}
	}
	if got := testutil.ToFloat64(m.Webhooks.WithLabelValues("lazada-my", "ignored")); got != 1 {
		t.Errorf(`flashdeck_webhooks_total{channel="lazada-my",result="ignored"} = %v, want 1`, got)
	}
	if problems, err := testutil.GatherAndLint(m.Registry); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %+v", err, problems)
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
// with a message (413 when too large), never 5xx, and quickly.
func FuzzLazadaWebhook(f *testing.F) {
	for _, s := range []string{
		`{"seller_id":"1234567","message_type":0,"data":{"order_status":"unpaid","trade_order_id":"260422900198363","status_update_time":1603698638},"timestamp":1603766859530,"site":"lazada_id"}`,
		`{"seller_id":"1000114855","message_type":0,"data":{"order_status":"canceled","reverse_order_id":501977696648153,"trade_order_id":252883361348153},"site":"lazada_ph"}`,
		`{"seller_id":"100053528","message_type":13,"data":{"status":"normal"},"timestamp":1627038397,"site":"lazada_sg"}`,
		`{"message_type":0,"data":{"trade_order_id":"1"},"site":"lazada_my"}`,
		`{"message_type":0}`,
		`[]`,
		``,
	} {
		f.Add([]byte(s))
	}
	h, _ := pushAPI(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, _ := http.NewRequest("POST", "/webhooks/lazada", strings.NewReader(string(body)))
		req.Header.Set("Authorization", signPush("100001", "id-ph-secret", string(body)))
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, req)
		if d := time.Since(start); d > 500*time.Millisecond {
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
