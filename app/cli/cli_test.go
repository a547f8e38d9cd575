package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runMain(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestServeHelpNamesTheFlagsAndTheWebhook(t *testing.T) {
	code, out, _ := runMain("serve", "-h")
	if code != 0 {
		t.Fatalf("serve -h: exit %d", code)
	}
	for _, want := range []string{"-tls-cert", "-tls-key", "-insecure", "-listen", "POST /webhooks/lazada", "push URL", "https://HOST/webhooks/lazada", "loopback only"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve -h lacks %q:\n%s", want, out)
		}
	}
	if _, out, _ := runMain("help"); !strings.Contains(out, "--tls-cert") || !strings.Contains(out, "/webhooks/lazada") {
		t.Errorf("flashdeck help lacks the serve flags:\n%s", out)
	}
}

// TestServeRefusesBeforeStarting: flag mistakes are found before the
// collector starts, and the message says what to do.
func TestServeRefusesBeforeStarting(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--tls-cert", garbage}, []string{"--tls-cert and --tls-key go together"}},
		{[]string{"--tls-key", garbage}, []string{"--tls-cert and --tls-key go together"}},
		{[]string{"--tls-cert", missing, "--tls-key", garbage}, []string{"--tls-cert " + missing, "no such file"}},
		{[]string{"--tls-cert", garbage, "--tls-key", garbage}, []string{"--tls-cert " + garbage, "not a PEM certificate"}},
		{[]string{"--listen", "0.0.0.0:0"}, []string{"--listen 0.0.0.0:0 is not a loopback address", "--tls-cert and --tls-key", "--insecure"}},
		{[]string{"--listen", ":0"}, []string{"every interface"}},
		{[]string{"--listen", "nowhere"}, []string{`--listen "nowhere"`}},
		{[]string{"extra"}, []string{"takes no arguments"}},
	}
	for _, c := range cases {
		code, _, stderr := runMain(append([]string{"serve"}, c.args...)...)
		if code != 1 {
			t.Errorf("serve %v: exit %d, want 1", c.args, code)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("serve %v: %q lacks %q", c.args, stderr, w)
			}
		}
		if strings.Contains(stderr, "demo: simulated channels") {
			t.Errorf("serve %v started the collector before refusing", c.args)
		}
	}
}

func TestServeWithoutUsersStaysOnLoopbackEvenWhenInsecure(t *testing.T) {
	code, _, stderr := runMain("serve", "--listen", "0.0.0.0:0", "--insecure")
	if code != 1 || !strings.Contains(stderr, "no users are configured") || !strings.Contains(stderr, "loopback only") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
