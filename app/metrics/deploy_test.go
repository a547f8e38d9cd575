package metrics

import (
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"go.yaml.in/yaml/v3"
)

// The Grafana dashboard and the Prometheus alert rules in deploy/ query the
// collector by metric and label names. These tests hold them to what this
// package really exposes, so renaming a metric or a label here fails until
// deploy/ follows (and a new metric fails until the dashboard shows it).

const (
	dashboardFile = "../../deploy/grafana/flashdeck-dashboard.json"
	rulesFile     = "../../deploy/prometheus/flashdeck-rules.yml"
	scrapeFile    = "../../deploy/prometheus/prometheus.yml"
)

// targetLabels are added by Prometheus to every scraped series.
var targetLabels = []string{"job", "instance"}

// exposed maps every sample name of the exercised registry (histograms as
// their _bucket, _sum and _count series) to its label names.
func exposed(t *testing.T) map[string][]string {
	t.Helper()
	mfs, err := exercised().Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string][]string{"up": nil}
	for _, mf := range mfs {
		var labels []string
		for _, l := range mf.GetMetric()[0].GetLabel() {
			labels = append(labels, l.GetName())
		}
		switch mf.GetType() {
		case dto.MetricType_HISTOGRAM:
			names[mf.GetName()+"_bucket"] = append(slices.Clone(labels), "le")
			names[mf.GetName()+"_sum"] = labels
			names[mf.GetName()+"_count"] = labels
		case dto.MetricType_SUMMARY:
			names[mf.GetName()] = append(slices.Clone(labels), "quantile")
			names[mf.GetName()+"_sum"] = labels
			names[mf.GetName()+"_count"] = labels
		default:
			names[mf.GetName()] = labels
		}
	}
	return names
}

var (
	reMetric   = regexp.MustCompile(`\b(?:flashdeck|go|process)_[a-zA-Z0-9_]+\b|\bup\b`)
	reSelector = regexp.MustCompile(`\b((?:flashdeck|go|process)_[a-zA-Z0-9_]+|up)\s*\{([^}]*)\}`)
	reMatcher  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`)
	reGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)`)
	reLegend   = regexp.MustCompile(`\{\{\s*\.?([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)
	reLabelRef = regexp.MustCompile(`\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)`)
)

// checkExpr reports the names in a PromQL expression that the collector does
// not expose, and returns the labels its metrics carry.
func checkExpr(t *testing.T, where, expr string, names map[string][]string) map[string]bool {
	t.Helper()
	labels := map[string]bool{}
	for _, l := range targetLabels {
		labels[l] = true
	}
	metrics := reMetric.FindAllString(expr, -1)
	if len(metrics) == 0 {
		t.Errorf("%s: %q queries no flashdeck metric", where, expr)
	}
	for _, m := range metrics {
		ls, ok := names[m]
		if !ok {
			t.Errorf("%s: %s is not exposed by the collector (expression %q)", where, m, expr)
			continue
		}
		for _, l := range ls {
			labels[l] = true
		}
	}
	for _, sel := range reSelector.FindAllStringSubmatch(expr, -1) {
		own := map[string]bool{}
		for _, l := range append(slices.Clone(names[sel[1]]), targetLabels...) {
			own[l] = true
		}
		for _, m := range reMatcher.FindAllStringSubmatch(sel[2], -1) {
			if !own[m[1]] {
				t.Errorf("%s: %s has no label %q (expression %q)", where, sel[1], m[1], expr)
			}
		}
	}
	for _, g := range reGrouping.FindAllStringSubmatch(expr, -1) {
		for _, l := range strings.Split(g[1], ",") {
			if l = strings.TrimSpace(l); l != "" && !labels[l] {
				t.Errorf("%s: no metric of %q carries label %q", where, expr, l)
			}
		}
	}
	return labels
}

type dashboard struct {
	Inputs []struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		PluginID string `json:"pluginId"`
	} `json:"__inputs"`
	SchemaVersion int     `json:"schemaVersion"`
	UID           string  `json:"uid"`
	Title         string  `json:"title"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []struct {
			Name       string `json:"name"`
			Definition string `json:"definition"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		Expr         string `json:"expr"`
		LegendFormat string `json:"legendFormat"`
		RefID        string `json:"refId"`
		Datasource   struct {
			UID string `json:"uid"`
		} `json:"datasource"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // a collapsed row's
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	return d
}

func TestDashboardQueriesExposedMetrics(t *testing.T) {
	names := exposed(t)
	d := loadDashboard(t)
	if d.SchemaVersion < 39 || d.UID == "" || d.Title == "" {
		t.Errorf("schemaVersion %d, uid %q, title %q: want a current Grafana's schema (39+), a uid and a title", d.SchemaVersion, d.UID, d.Title)
	}
	if len(d.Inputs) != 1 || d.Inputs[0].Name != "DS_PROMETHEUS" || d.Inputs[0].Type != "datasource" || d.Inputs[0].PluginID != "prometheus" {
		t.Errorf("__inputs %+v: want one Prometheus datasource input DS_PROMETHEUS", d.Inputs)
	}
	const ds = "${DS_PROMETHEUS}"
	used := map[string]bool{}
	ids, titles := map[int]bool{}, map[string]bool{}
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if ids[p.ID] {
				t.Errorf("panel id %d twice", p.ID)
			}
			ids[p.ID] = true
			if p.Type == "row" {
				walk(p.Panels)
				continue
			}
			if titles[p.Title] {
				t.Errorf("panel title %q twice", p.Title)
			}
			titles[p.Title] = true
			if p.Datasource.UID != ds {
				t.Errorf("panel %q: datasource %q, want %s", p.Title, p.Datasource.UID, ds)
			}
			if len(p.Targets) == 0 {
				t.Errorf("panel %q has no query", p.Title)
			}
			for _, q := range p.Targets {
				where := "panel " + p.Title + " " + q.RefID
				if q.Datasource.UID != ds {
					t.Errorf("%s: datasource %q, want %s", where, q.Datasource.UID, ds)
				}
				labels := checkExpr(t, where, q.Expr, names)
				for _, m := range reMetric.FindAllString(q.Expr, -1) {
					used[m] = true
				}
				for _, l := range reLegend.FindAllStringSubmatch(q.LegendFormat, -1) {
					if !labels[l[1]] {
						t.Errorf("%s: legend %q names label %q, which its metrics do not carry", where, q.LegendFormat, l[1])
					}
				}
			}
		}
	}
	walk(d.Panels)
	reVar := regexp.MustCompile(`^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$`)
	for _, v := range d.Templating.List {
		m := reVar.FindStringSubmatch(v.Definition)
		if m == nil {
			t.Errorf("variable %s: %q is not label_values(metric, label)", v.Name, v.Definition)
			continue
		}
		if ls, ok := names[m[1]]; !ok || !slices.Contains(ls, m[2]) {
			t.Errorf("variable %s: %s{%s} is not exposed", v.Name, m[1], m[2])
		}
		if v.Datasource.UID != ds {
			t.Errorf("variable %s: datasource %q, want %s", v.Name, v.Datasource.UID, ds)
		}
	}
	// The other way round: every flashdeck figure has a panel.
	for _, n := range slices.Sorted(maps.Keys(names)) {
		if !strings.HasPrefix(n, "flashdeck_") || strings.HasSuffix(n, "_sum") || strings.HasSuffix(n, "_count") {
			continue
		}
		if !used[n] {
			t.Errorf("%s is exposed but no dashboard panel shows it: add one to %s", n, dashboardFile)
		}
	}
}

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// AlertNames are the alerts deploy/prometheus ships (e2e checks a real
// Prometheus loads them all).
var alertNames = []string{"ChannelDown", "SellOutImminent", "FlaggedOrdersSpike", "PollErrorsHigh", "CollectorDown", "OversellRisk"}

func TestAlertRulesQueryExposedMetrics(t *testing.T) {
	names := exposed(t)
	b, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	var rf ruleFile
	if err := yaml.Unmarshal(b, &rf); err != nil {
		t.Fatalf("%s: %v", rulesFile, err)
	}
	var got []string
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			got = append(got, r.Alert)
			where := "alert " + r.Alert
			labels := checkExpr(t, where, r.Expr, names)
			if r.For == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("%s: needs for, a severity label, a summary and a description", where)
			}
			for _, text := range r.Annotations {
				for _, l := range reLabelRef.FindAllStringSubmatch(text, -1) {
					if !labels[l[1]] {
						t.Errorf("%s: annotation names $labels.%s, which its metrics do not carry", where, l[1])
					}
				}
			}
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(alertNames))) {
		t.Errorf("alerts %v, want %v", got, alertNames)
	}
}

// The sample scrape config names the job CollectorDown watches and loads
// the rules file beside it.
func TestScrapeConfigMatchesRules(t *testing.T) {
	b, err := os.ReadFile(scrapeFile)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			Authorization struct {
				Type            string `yaml:"type"`
				CredentialsFile string `yaml:"credentials_file"`
			} `yaml:"authorization"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatalf("%s: %v", scrapeFile, err)
	}
	if !slices.Contains(cfg.RuleFiles, "flashdeck-rules.yml") {
		t.Errorf("rule_files %v lack flashdeck-rules.yml", cfg.RuleFiles)
	}
	if len(cfg.ScrapeConfigs) != 1 || cfg.ScrapeConfigs[0].JobName != "flashdeck" {
		t.Fatalf("scrape_configs: want one job named flashdeck (CollectorDown watches up{job=\"flashdeck\"}), got %+v", cfg.ScrapeConfigs)
	}
	if a := cfg.ScrapeConfigs[0].Authorization; a.Type != "Bearer" || a.CredentialsFile == "" {
		t.Errorf("authorization %+v: want a Bearer token from a credentials_file (metrics_token_env)", a)
	}
}
