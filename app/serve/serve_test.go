package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/serve"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func setup(t *testing.T, users []config.User, env map[string]string) (*httptest.Server, *collector.Collector, *demo.Sim) {
	t.Helper()
	r := startRoom(t, roomOptions{users: users, env: env})
	return r.srv, r.c, r.sim
}

// roomOptions start a collector on the demo simulator with its API.
type roomOptions struct {
	users []config.User
	env   map[string]string
	// poll is every channel's poll interval (1 s when zero).
	poll time.Duration
	// metricsTokenEnv sets metrics_token_env.
	metricsTokenEnv string
}

// room is a collector serving its API on a test server.
type room struct {
	srv   *httptest.Server
	c     *collector.Collector
	sim   *demo.Sim
	clock *simulator.Clock
	api   *serve.Server
	logs  *logBuffer
}

// logBuffer collects the API's log lines (debug and up).
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lines returns the log lines that hold every one of the parts.
func (l *logBuffer) lines(parts ...string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		ok := line != ""
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

func startRoom(t *testing.T, o roomOptions) *room {
	t.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rig := demotest.Start(t, demotest.Options{Poll: o.poll, Users: o.users, Env: o.env, MetricsTokenEnv: o.metricsTokenEnv, Logger: log})
	srv, api := rig.Serve(t)
	return &room{srv: srv, c: rig.Collector, sim: rig.Sim, clock: rig.Clock, api: api, logs: logs}
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	return do(t, "GET", url, token, nil)
}

// do makes one request with an optional bearer token and returns the
// status and body.
func do(t *testing.T, method, url, token string, body io.Reader) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestAuth(t *testing.T) {
	users := []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_AYU"}, {Name: "wall", Role: "viewer", TokenEnv: "T_WALL"}}
	srv, _, _ := setup(t, users, map[string]string{"T_AYU": "ayu-secret", "T_WALL": "wall-secret"})
	cases := []struct {
		path, token string
		want        int
	}{
		{"/healthz", "", 200},
		{"/metrics", "", 200},
		{"/api/v1/snapshot", "", 401},
		{"/api/v1/snapshot", "wrong", 401},
		{"/api/v1/snapshot", "wall-secret", 200},
		{"/api/v1/snapshot", "ayu-secret", 200},
		{"/api/v1/nothing", "ayu-secret", 404},
	}
	for _, c := range cases {
		if code, body := get(t, srv.URL+c.path, c.token); code != c.want {
			t.Errorf("GET %s with %q: %d, want %d: %s", c.path, c.token, code, c.want, body)
		}
	}
}

func TestMissingTokenEnvIsNamed(t *testing.T) {
	cfg := &config.Config{Path: "f.yaml", Users: []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_NONE"}}}
	_, err := serve.New(serve.Options{Config: cfg, Lookup: config.MapLookup(nil)})
	if err == nil || !strings.Contains(err.Error(), "f.yaml: users[0] (ayu): environment variable T_NONE is not set") {
		t.Fatalf("err = %v", err)
	}
}

func TestSnapshotAndMetricsAgreeWithTheSimulator(t *testing.T) {
	srv, c, sim := setup(t, nil, nil)
	// Wait for the first full read of every channel.
	testwait.For(t, 30*time.Second, "a first full read of every channel", func() bool {
		for _, ch := range c.Engine.Snapshot().Channels {
			if ch.State != "ok" || ch.Backfill.Active {
				return false
			}
		}
		return true
	})
	truth := sim.Server.Truth()

	code, body := get(t, srv.URL+"/api/v1/snapshot", "")
	if code != 200 {
		t.Fatalf("snapshot: %d %s", code, body)
	}
	var snap struct {
		Sales []struct {
			ID   string `json:"id"`
			SKUs []struct {
				SKU      string `json:"sku"`
				Channels []struct {
					Channel     string   `json:"channel"`
					Allocated   *int     `json:"allocated"`
					Sold        *int     `json:"sold"`
					Remaining   *int     `json:"remaining"`
					SellThrough *float64 `json:"sell_through"`
					Rate1m      *float64 `json:"rate_1m"`
					Rate5m      *float64 `json:"rate_5m"`
					ETA         *string  `json:"eta_sellout"`
					AsOf        *string  `json:"as_of"`
					Stale       *bool    `json:"stale"`
				} `json:"channels"`
			} `json:"skus"`
		} `json:"sales"`
		Channels []struct {
			ID                  string  `json:"id"`
			Kind                string  `json:"kind"`
			State               string  `json:"state"`
			LastSuccess         *string `json:"last_success"`
			ConsecutiveFailures *int    `json:"consecutive_failures"`
		} `json:"channels"`
	}
	if err := json.Unmarshal([]byte(body), &snap); err != nil {
		t.Fatal(err)
	}
	if len(snap.Sales) != 1 || len(snap.Channels) != 3 {
		t.Fatalf("snapshot has %d sales, %d channels", len(snap.Sales), len(snap.Channels))
	}
	for _, ch := range snap.Channels {
		if ch.State != "ok" || ch.LastSuccess == nil || ch.ConsecutiveFailures == nil || ch.Kind == "" {
			t.Errorf("channel %+v", ch)
		}
	}
	cells := 0
	for _, k := range snap.Sales[0].SKUs {
		for _, cell := range k.Channels {
			cells++
			if cell.Allocated == nil || cell.Sold == nil || cell.Remaining == nil || cell.SellThrough == nil ||
				cell.Rate1m == nil || cell.Rate5m == nil || cell.AsOf == nil || cell.Stale == nil {
				t.Fatalf("%s/%s misses a contract field: %+v", k.SKU, cell.Channel, cell)
			}
			if want := truth.Sold[cell.Channel][k.SKU]; *cell.Sold != want || *cell.Remaining != *cell.Allocated-want {
				t.Errorf("%s/%s: sold %d remaining %d, truth sold %d", k.SKU, cell.Channel, *cell.Sold, *cell.Remaining, want)
			}
		}
	}
	if cells != 30 {
		t.Errorf("%d cells, want 10 SKUs × 3 channels", cells)
	}

	// The exposition is clean and carries the contract's names.
	problems, err := testutil.GatherAndLint(c.Metrics.Registry)
	if err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %+v", err, problems)
	}
	_, text := get(t, srv.URL+"/metrics", "")
	for _, name := range []string{"flashdeck_sku_units_sold{", "flashdeck_sku_units_allocated{", "flashdeck_sku_units_remaining{",
		"flashdeck_sale_units_per_minute{", "flashdeck_channel_up{", "flashdeck_channel_last_success_timestamp_seconds{",
		"flashdeck_channel_poll_duration_seconds_bucket{"} {
		if !strings.Contains(text, name) {
			t.Errorf("metrics lack %s", name)
		}
	}
	line := `flashdeck_sku_units_sold{channel="lazada-id",sale="poco-m3-launch",sku="POCO-M3-464-BLK"} `
	want := truth.Sold["lazada-id"]["POCO-M3-464-BLK"]
	if !strings.Contains(text, line+itoa(want)+"\n") {
		t.Errorf("metrics: want %s%d", line, want)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestFlagsAPIAndMetric(t *testing.T) {
	srv, c, sim := setup(t, nil, nil)
	planted := sim.Server.Planted()
	bots := 0
	for _, o := range planted["lazada-id"] {
		if o.Kind == simulator.PlantBotOpening {
			bots++
		}
	}
	if bots == 0 {
		t.Fatal("the demo planted no bots on lazada-id")
	}
	// Wait until the engine has read the bots.
	testwait.Until(t, 30*time.Second, func() string {
		n := 0
		for _, f := range c.Engine.Flags("") {
			if f.Channel == "lazada-id" && f.Rules[0].ID == rules.BotOpening {
				n++
			}
		}
		if n == bots {
			return ""
		}
		return fmt.Sprintf("%d bot flags on lazada-id read, planted %d", n, bots)
	})

	code, body := get(t, srv.URL+"/api/v1/flags?channel=lazada-id&rule=bot_opening", "")
	if code != 200 {
		t.Fatalf("flags: %d %s", code, body)
	}
	var ans struct {
		Count int `json:"count"`
		Flags []struct {
			Sale     string `json:"sale"`
			Channel  string `json:"channel"`
			OrderID  string `json:"order_id"`
			SKU      string `json:"sku"`
			Score    int    `json:"score"`
			State    string `json:"state"`
			Rules    []struct{ ID, Reason string }
			Evidence []struct {
				Channel string `json:"channel"`
				OrderID string `json:"order_id"`
			} `json:"evidence"`
		} `json:"flags"`
	}
	if err := json.Unmarshal([]byte(body), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Count != bots || len(ans.Flags) != bots {
		t.Fatalf("%d bot flags on lazada-id (%d listed), planted %d", ans.Count, len(ans.Flags), bots)
	}
	for _, f := range ans.Flags {
		if f.Sale != "poco-m3-launch" || f.OrderID == "" || f.SKU == "" || f.Score <= 0 || f.State != "open" || len(f.Rules) == 0 || f.Rules[0].Reason == "" {
			t.Errorf("flag misses a contract field: %+v", f)
		}
	}
	if code, body := get(t, srv.URL+"/api/v1/flags?limit=2", ""); code != 200 || !strings.Contains(body, `"count"`) {
		t.Errorf("limit: %d %s", code, body)
	}
	for q, want := range map[string]int{"state=closed": 400, "rule=nope": 400, "min_score=-1": 400, "sale=nope": 400, "channel=nope": 400} {
		if code, body := get(t, srv.URL+"/api/v1/flags?"+q, ""); code != want || !strings.Contains(body, strings.Split(q, "=")[0]) {
			t.Errorf("?%s: %d %s, want %d naming the parameter", q, code, body, want)
		}
	}

	// The metric follows the next snapshot (at most a second later).
	line := `flashdeck_flagged_orders{channel="lazada-id",rule="bot_opening",sale="poco-m3-launch"} ` + itoa(bots) + "\n"
	testwait.For(t, 5*time.Second, "metrics lack "+line, func() bool {
		_, text := get(t, srv.URL+"/metrics", "")
		return strings.Contains(text, line)
	})
	if problems, err := testutil.GatherAndLint(c.Metrics.Registry); err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %+v", err, problems)
	}
}

// The bearer scheme is case-insensitive, and a token is only ever read
// from it: a bare token is refused on /metrics as on the API.
func TestBearerScheme(t *testing.T) {
	r := startRoom(t, roomOptions{users: roomUsers, env: map[string]string{"T_AYU": "ayu-secret", "T_WALL": "wall-secret", "T_METRICS": "metrics-secret"}, metricsTokenEnv: "T_METRICS"})
	for _, c := range []struct {
		path, header string
		want         int
	}{
		{"/api/v1/snapshot", "bearer wall-secret", 200},
		{"/api/v1/snapshot", "BEARER wall-secret", 200},
		{"/api/v1/snapshot", "wall-secret", 401},
		{"/metrics", "bearer metrics-secret", 200},
		{"/metrics", "metrics-secret", 401},
		{"/metrics", "Basic metrics-secret", 401},
	} {
		req, _ := http.NewRequest("GET", r.srv.URL+c.path, nil)
		req.Header.Set("Authorization", c.header)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("GET %s with %q: %d, want %d", c.path, c.header, res.StatusCode, c.want)
		}
	}
}

// TestRequestDurationsByRoute: every answer is timed under its route and
// code (flashdeck_http_request_duration_seconds), a refused one under its
// own code, and a stream not at all (it lasts as long as its desktop).
func TestRequestDurationsByRoute(t *testing.T) {
	r := startRoom(t, roomOptions{})
	for range 3 {
		if code, body := get(t, r.srv.URL+"/api/v1/whoami", ""); code != 200 {
			t.Fatalf("whoami: %d %s", code, body)
		}
	}
	if code, _ := get(t, r.srv.URL+"/api/v1/flags?limit=x", ""); code != 400 {
		t.Fatalf("flags?limit=x: %d, want 400", code)
	}
	req, _ := http.NewRequest("GET", r.srv.URL+"/api/v1/stream", nil)
	ctx, cancel := context.WithCancel(context.Background())
	res, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	res.Body.Close()
	// The stream's handler has returned once it logs its end.
	testwait.For(t, 10*time.Second, "the stream did not end", func() bool {
		return strings.Contains(r.logs.String(), "stream closed")
	})

	timed := map[string]uint64{}
	mfs, err := r.c.Metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "flashdeck_http_request_duration_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			timed[l["route"]+" "+l["code"]] += m.GetHistogram().GetSampleCount()
		}
	}
	for _, c := range []struct {
		series string
		want   uint64
	}{
		{"GET /api/v1/whoami 200", 3},
		{"GET /api/v1/flags 400", 1},
		{"GET /api/v1/flags 200", 0},
	} {
		if timed[c.series] != c.want {
			t.Errorf("%s: %d answers timed, want %d (all: %v)", c.series, timed[c.series], c.want, timed)
		}
	}
	for k := range timed {
		if strings.HasPrefix(k, "GET /api/v1/stream ") {
			t.Errorf("the stream was timed: %v", timed)
		}
	}
}
