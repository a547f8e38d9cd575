package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// simConfig runs the demo simulator, writes the config that reads it as
// `flashdeck simulate` does, and puts its credentials in the environment.
func simConfig(t *testing.T) (*demo.Sim, string) {
	t.Helper()
	sim, err := demo.Start(demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	y, err := demo.YAML(sim.Config)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "flashdeck-sim.yaml")
	if err := os.WriteFile(path, y, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range sim.Env {
		t.Setenv(k, v)
	}
	return sim, path
}

func TestCheckCommandExitStatus(t *testing.T) {
	sim, path := simConfig(t)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	raw, _ := os.ReadFile(path)
	if err := os.WriteFile(bad, []byte(strings.Replace(string(raw), "poll_interval: 2s", "poll_interval: 15x", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		setup func(t *testing.T)
		args  []string
		code  int
		// out and errs are words stdout and stderr must hold.
		out, errs []string
	}{
		{name: "every channel passes", args: []string{"--config", path}, code: 0,
			out: []string{"✓ Lazada ID (lazada-id, lazada): passed, 4/4 ok", "✓ mi.com ID (micom-id, brandstore): passed, 4/4 ok",
				"passed, 2/2 ok (2 not supported)", "PASSED: all 3 enabled channels passed. Exit status 0."}},
		{name: "a channel down", args: []string{"--config", path}, code: 1,
			setup: func(t *testing.T) {
				sim.Server.Book("akulaku-id").SetFaults(simulator.Faults{Down: true})
				t.Cleanup(func() { sim.Server.Book("akulaku-id").SetFaults(simulator.Faults{}) })
			},
			out: []string{"✗ Akulaku ID (akulaku-id, akulaku): FAILED, 0/2 ok (2 not supported)", "✗ reach and credentials", "akulaku-id: /", ": unavailable (HTTP 503",
				"failed: Akulaku ID (reach and credentials)", "Exit status 1."}},
		{name: "a missing secret fails its channel, not the others", args: []string{"--config", path}, code: 1,
			setup: func(t *testing.T) { t.Setenv("MICOM_ID_TOKEN", "") },
			out: []string{"mi.com ID (micom-id, brandstore): FAILED", "token_env: environment variable MICOM_ID_TOKEN is not set",
				"✓ Lazada ID (lazada-id, lazada): passed, 4/4 ok"}},
		{name: "a config error names file, line and field", args: []string{"--config", bad}, code: 2,
			errs: []string{"nothing was called", bad + ":", "poll_interval", `"15x" is not a duration`}},
		{name: "no such file", args: []string{"--config", filepath.Join(t.TempDir(), "nope.yaml")}, code: 2,
			errs: []string{"no such file"}},
		{name: "no --config", code: 2, errs: []string{"--config FILE is required"}},
		{name: "a wrong timeout", args: []string{"--config", path, "--timeout", "0s"}, code: 2, errs: []string{"--timeout"}},
		{name: "an unknown flag", args: []string{"--nope"}, code: 2, errs: []string{"flag provided but not defined"}},
		{name: "help", args: []string{"-h"}, code: 0, errs: []string{"read-only", "Exit status: 0", "-timeout", "-json"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.setup != nil {
				c.setup(t)
			}
			code, out, errs := runMain(append([]string{"check"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errs)
			}
			flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
			for _, w := range c.out {
				if !strings.Contains(flat(out), flat(w)) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range c.errs {
				if !strings.Contains(flat(errs), flat(w)) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}
}

func TestCheckCommandJSON(t *testing.T) {
	sim, path := simConfig(t)
	sim.Server.Book("lazada-id").SetFaults(simulator.Faults{Down: true})
	code, out, errs := runMain("check", "--config", path, "--json", "--timeout", "20s")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Config   string `json:"config"`
		OK       bool   `json:"ok"`
		ExitCode int    `json:"exit_code"`
		Timeout  string `json:"timeout"`
		Channels []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Steps  []struct {
				Name, Status, Reason string
				ErrorKind            string `json:"error_kind"`
			} `json:"steps"`
		} `json:"channels"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Config != path || rep.OK || rep.ExitCode != 1 || rep.Timeout != "20s" || len(rep.Channels) != 3 {
		t.Errorf("report: %+v", rep)
	}
	lz := rep.Channels[0]
	if lz.ID != "lazada-id" || lz.Status != "failed" || lz.Steps[0].ErrorKind != "unavailable" || !strings.Contains(lz.Steps[0].Reason, "/seller/get") {
		t.Errorf("lazada: %+v", lz)
	}
	for _, c := range rep.Channels[1:] {
		if c.Status != "ok" {
			t.Errorf("%s: %s", c.ID, c.Status)
		}
	}
}
