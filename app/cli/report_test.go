package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// flashdeck report reads a demo sale's database once its collector has
// stopped, and writes the HTML where --out says.
func TestReportCommand(t *testing.T) {
	r := demotest.Start(t, demotest.Options{Into: 5 * time.Minute})
	testwait.For(t, 30*time.Second, "the demo's first orders", func() bool {
		s := r.Collector.Engine.Snapshot().Sales
		return len(s) > 0 && s[0].Sold > 0
	})
	if err := r.Collector.Close(); err != nil {
		t.Fatal(err)
	}
	for k, v := range r.Sim.Env {
		t.Setenv(k, v)
	}
	text, err := demo.YAML(r.Sim.Config)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "flashdeck.yaml")
	if err := os.WriteFile(cfg, text, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "post-mortem.html")

	code, stdout, stderr := runMain("report", "--config", cfg, "--out", out)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, out) {
		t.Errorf("report says %q, not where it wrote", stdout)
	}
	html, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"POCO M3 flash sale", "Post-sale report", "data:image/png;base64,"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the report lacks %q", want)
		}
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "needs --config"},
		{[]string{"report", "--config", cfg, "--sale", "nope", "--out", out}, `no sale "nope"`},
		{[]string{"report", "--config", cfg, "extra"}, "takes no arguments"},
	} {
		code, _, stderr := runMain(c.args...)
		if code == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want a failure saying %q", c.args, code, stderr, c.want)
		}
	}
}
