package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"
	promapi "github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"
)

// The shipped Prometheus files, relative to this package.
const (
	promDir       = "../deploy/prometheus"
	dashboardJSON = "../deploy/grafana/flashdeck-dashboard.json"
)

// alertNames are the alerts deploy/prometheus/flashdeck-rules.yml defines.
var alertNames = []string{"ChannelDown", "SellOutImminent", "FlaggedOrdersSpike", "PollErrorsHigh", "CollectorDown", "OversellRisk"}

// needTools returns the paths of Debian's prometheus and promtool, failing
// (not skipping: CI installs them) when they are missing.
func needTools(t *testing.T) (string, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no Prometheus server")
	}
	var paths []string
	for _, tool := range []string{"prometheus", "promtool"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatalf("%s is not installed: run scripts/install-deps.sh (make test does), which installs Debian's prometheus package", tool)
		}
		paths = append(paths, p)
	}
	return paths[0], paths[1]
}

// TestPrometheusScrapesCollector runs the real pieces of a war-room:
// `flashdeck simulate`, `flashdeck serve` with a metrics token, and
// Debian's Prometheus on the shipped prometheus.yml (its target, token file
// and intervals changed for the test) and alert rules. Prometheus must scrape
// the collector, agree with its /api/v1/snapshot, load every alert rule
// without error and answer every query of the Grafana dashboard; promtool
// must find the exposition clean.
func TestPrometheusScrapesCollector(t *testing.T) {
	promBin, promtool := needTools(t)
	began := time.Now()
	dir := t.TempDir()

	// A live sale that opened two minutes ago: orders keep coming, sell-out
	// ETAs exist, and the opening's bots are already flagged.
	simAddr, apiAddr := freePort(t), freePort(t)
	saleStart := time.Now().Add(-2 * time.Minute).Format(time.RFC3339)
	sim := start(t, nil, "simulate", "--listen", simAddr, "--out", dir, "--seed", "5", "--sale-start", saleStart)
	sim.waitLine(t, "flashdeck simulate: serving")
	envText, err := os.ReadFile(filepath.Join(dir, "flashdeck-sim.env"))
	if err != nil {
		t.Fatal(err)
	}
	token := randomToken(t)
	env := append(parseEnv(t, string(envText)), "FD_METRICS_TOKEN="+token)
	cfg := filepath.Join(dir, "flashdeck-sim.yaml")
	text, _ := os.ReadFile(cfg)
	text = []byte(strings.Replace(string(text), "state_dir: ./flashdeck-sim-data", "state_dir: "+filepath.Join(dir, "state"), 1))
	text = append(text, "metrics_token_env: FD_METRICS_TOKEN\n"...)
	if err := os.WriteFile(cfg, text, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := start(t, env, "serve", "--config", cfg, "--listen", apiAddr)
	srv.waitLine(t, "listening on")
	api := "http://" + apiAddr

	// /metrics wants the token; with it, promtool finds nothing to lint.
	if code, _ := getWithToken(t, api+"/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("/metrics without the token: %d, want 401", code)
	}
	testwait.Until(t, 30*time.Second, func() string {
		var s snapshot
		if err := getJSON(api+"/api/v1/snapshot", &s); err != nil {
			return err.Error()
		}
		for _, c := range s.Channels {
			if c.State != "ok" {
				return c.ID + " is " + c.State
			}
		}
		return ""
	})
	code, exposition := getWithToken(t, api+"/metrics", token)
	if code != 200 {
		t.Fatalf("/metrics with the token: %d", code)
	}
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = strings.NewReader(exposition)
	out, err := check.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics on the collector's exposition: %v\n%s", err, out)
	}

	// Prometheus on the shipped config, scraping and evaluating every second.
	tokenFile := filepath.Join(dir, "metrics.token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	promAddr := freePort(t)
	promCfg := testPromConfig(t, dir, apiAddr, tokenFile)
	startPrometheus(t, promBin, promCfg, filepath.Join(dir, "tsdb"), promAddr)
	client, err := promapi.NewClient(promapi.Config{Address: "http://" + promAddr})
	if err != nil {
		t.Fatal(err)
	}
	prom := promv1.NewAPI(client)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	testwait.Until(t, 30*time.Second, func() string {
		tr, err := prom.Targets(ctx)
		if err != nil {
			return err.Error()
		}
		for _, at := range tr.Active {
			if at.Labels["job"] == "flashdeck" {
				if at.Health != promv1.HealthGood {
					return fmt.Sprintf("target %s is %s: %s", at.ScrapeURL, at.Health, at.LastError)
				}
				return ""
			}
		}
		return "no flashdeck target"
	})
	targetUp := time.Since(began)
	if v := query(t, ctx, prom, `up{job="flashdeck"}`); len(v) != 1 || v[0].Value != 1 {
		t.Errorf(`up{job="flashdeck"} = %v, want one series at 1`, v)
	}

	// Every alert rule loaded and evaluated without error.
	testwait.Until(t, 30*time.Second, func() string {
		rr, err := prom.Rules(ctx, nil)
		if err != nil {
			return err.Error()
		}
		seen := map[string]promv1.AlertingRule{}
		for _, g := range rr.Groups {
			for _, r := range g.Rules {
				if a, ok := r.(promv1.AlertingRule); ok {
					seen[a.Name] = a
				}
			}
		}
		for _, name := range alertNames {
			a, ok := seen[name]
			switch {
			case !ok:
				return "rule " + name + " not loaded"
			case a.Health != promv1.RuleHealthGood:
				return fmt.Sprintf("rule %s: health %q %s", name, a.Health, a.LastError)
			}
		}
		if len(seen) != len(alertNames) {
			return fmt.Sprintf("%d alert rules loaded, want %d", len(seen), len(alertNames))
		}
		return ""
	})
	// Everything is up: the outage alerts are quiet (CollectorDown may be
	// pending from an evaluation before the first scrape, never firing).
	testwait.Until(t, 15*time.Second, func() string {
		alerts, err := prom.Alerts(ctx)
		if err != nil {
			return err.Error()
		}
		for _, a := range alerts.Alerts {
			if n := a.Labels["alertname"]; n == "CollectorDown" || n == "ChannelDown" {
				if a.State == promv1.AlertStateFiring {
					t.Fatalf("%s fires while everything is up: %v", n, a.Labels)
				}
				return fmt.Sprintf("%s is %s while everything is up: %v", n, a.State, a.Labels)
			}
		}
		return ""
	})

	// Units sold per channel: what Prometheus scraped lies between two
	// snapshots of the collector taken around the scrape it answers from.
	agreed := false
	for try := 0; try < 10 && !agreed; try++ {
		before := soldByChannel(t, api)
		// Time itself must pass: more than one scrape after `before`.
		time.Sleep(2500 * time.Millisecond)
		scraped := query(t, ctx, prom, `sum by (channel) (flashdeck_sku_units_sold{job="flashdeck"})`)
		after := soldByChannel(t, api)
		agreed = true
		inProm := map[string]int{}
		for _, v := range scraped {
			inProm[string(v.Metric["channel"])] = int(v.Value)
		}
		if len(scraped) != len(after) {
			t.Logf("try %d: Prometheus has %d channels, the collector %d", try, len(scraped), len(after))
			agreed = false
			continue
		}
		for ch, v := range inProm {
			lo, hi := min(before[ch], after[ch]), max(before[ch], after[ch])
			if v < lo || v > hi {
				t.Logf("try %d: %s sold %d in Prometheus, %d then %d in the collector", try, ch, v, before[ch], after[ch])
				agreed = false
			}
		}
		if agreed {
			t.Logf("try %d: units sold per channel, collector before %v, Prometheus %v, collector after %v", try, before, inProm, after)
		}
	}
	if !agreed {
		t.Error("Prometheus's units sold per channel never lay between two snapshots of the collector")
	}
	// Allocations do not move: exact, and one series per SKU and channel.
	var s snapshot
	if err := getJSON(api+"/api/v1/snapshot", &s); err != nil {
		t.Fatal(err)
	}
	alloc, cells := map[string]int{}, 0
	for _, sale := range s.Sales {
		for _, k := range sale.SKUs {
			for _, c := range k.Channels {
				alloc[c.Channel] += c.Allocated
				cells++
			}
		}
	}
	for _, v := range query(t, ctx, prom, `sum by (channel) (flashdeck_sku_units_allocated{job="flashdeck"})`) {
		if ch := string(v.Metric["channel"]); int(v.Value) != alloc[ch] {
			t.Errorf("%s: %v allocated in Prometheus, %d in the snapshot", ch, v.Value, alloc[ch])
		}
	}
	if v := query(t, ctx, prom, `count(flashdeck_sku_units_sold{job="flashdeck"})`); len(v) != 1 || int(v[0].Value) != cells {
		t.Errorf("count(flashdeck_sku_units_sold) = %v, want %d (SKU × channel cells)", v, cells)
	}

	// Every query of the Grafana dashboard runs; all but the counters that
	// appear with their first event (actions, poll errors) return data.
	qs := dashboardQueries(t)
	t.Logf("running the dashboard's %d queries", len(qs))
	for _, q := range qs {
		v, warnings, _, err := prom.Query(ctx, q, time.Now())
		if err != nil {
			t.Errorf("dashboard query %q: %v", q, err)
			continue
		}
		if len(warnings) > 0 {
			t.Errorf("dashboard query %q: warnings %v", q, warnings)
		}
		mayBeEmpty := strings.Contains(q, "flashdeck_actions_total") || strings.Contains(q, "flashdeck_channel_poll_errors_total")
		if vec, ok := v.(model.Vector); ok && len(vec) == 0 && !mayBeEmpty {
			t.Errorf("dashboard query %q returned nothing on a live sale", q)
		}
	}
	t.Logf("target up %s after start; whole test %s", targetUp.Round(100*time.Millisecond), time.Since(began).Round(100*time.Millisecond))
}

func randomToken(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func getWithToken(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
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

// testPromConfig writes the shipped prometheus.yml with the collector's
// address, the token file, one-second intervals and the rules file's
// absolute path, and returns its path.
func testPromConfig(t *testing.T, dir, target, tokenFile string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(promDir, "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["global"] = map[string]any{"scrape_interval": "1s", "evaluation_interval": "1s"}
	var rules []any
	for _, f := range cfg["rule_files"].([]any) {
		abs, err := filepath.Abs(filepath.Join(promDir, f.(string)))
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, abs)
	}
	cfg["rule_files"] = rules
	jobs := cfg["scrape_configs"].([]any)
	if len(jobs) != 1 {
		t.Fatalf("prometheus.yml: %d scrape configs, want the flashdeck job alone", len(jobs))
	}
	job := jobs[0].(map[string]any)
	job["authorization"].(map[string]any)["credentials_file"] = tokenFile
	job["static_configs"] = []any{map[string]any{"targets": []any{target}}}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// startPrometheus runs Prometheus on its own data directory and loopback
// port (never the system's service) until the test ends, and waits until
// it is ready.
func startPrometheus(t *testing.T, bin, cfg, data, addr string) {
	t.Helper()
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.tsdb.path="+data,
		"--web.listen-address="+addr, "--storage.tsdb.retention.time=1h", "--log.level=warn")
	cmd.Stdout = &testLog{t: t, prefix: "prometheus: "}
	cmd.Stderr = cmd.Stdout
	prom := startBackground(t, cmd, os.Interrupt, 15*time.Second, true)
	testwait.Until(t, 60*time.Second, func() string {
		if err, ok := prom.ended(); ok {
			t.Fatalf("prometheus exited: %v", err)
		}
		res, err := http.Get("http://" + addr + "/-/ready")
		if err != nil {
			return err.Error()
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			return "prometheus not ready: " + res.Status
		}
		return ""
	})
}

func query(t *testing.T, ctx context.Context, prom promv1.API, q string) model.Vector {
	t.Helper()
	v, _, _, err := prom.Query(ctx, q, time.Now())
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	vec, ok := v.(model.Vector)
	if !ok {
		t.Fatalf("%s: a %s, want a vector", q, v.Type())
	}
	return vec
}

func soldByChannel(t *testing.T, api string) map[string]int {
	t.Helper()
	var s snapshot
	if err := getJSON(api+"/api/v1/snapshot", &s); err != nil {
		t.Fatal(err)
	}
	sold := map[string]int{}
	for _, sale := range s.Sales {
		for _, k := range sale.SKUs {
			for _, c := range k.Channels {
				sold[c.Channel] += c.Sold
			}
		}
	}
	return sold
}

// dashboardQueries returns every query of the Grafana dashboard with its
// variables as Grafana would fill them for "All" over the last hour.
func dashboardQueries(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(dashboardJSON)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	fill := strings.NewReplacer("$__rate_interval", "1m", "$__interval", "15s", "$__range", "1h", `"$sale"`, `".*"`, `"$channel"`, `".*"`)
	leftover := regexp.MustCompile(`\$\{?[a-zA-Z_]+`)
	var qs []string
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			q := fill.Replace(tg.Expr)
			if v := leftover.FindString(q); v != "" {
				t.Errorf("dashboard query %q: variable %s not filled by the test", tg.Expr, v)
				continue
			}
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		t.Fatal("no queries in the dashboard")
	}
	return slices.Compact(qs)
}
