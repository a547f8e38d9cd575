package cli

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/serve/testcert"
)

// writeCert writes a self-signed certificate for dns, valid from..until,
// and its key with keyMode, into a temporary directory.
func writeCert(t *testing.T, dns []string, from, until time.Time, keyMode os.FileMode) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile, _ = testcert.Write(t, testcert.Spec{From: from, Until: until, DNS: dns, KeyMode: keyMode})
	return certFile, keyFile
}

// TestServeRefusesACertificateClientsWouldRefuse: flashdeck serve stops
// before the collector starts, with one line, when its certificate is not
// valid yet or any more, its key is readable by others, or it is for
// another name than the one it listens on.
func TestServeRefusesACertificateClientsWouldRefuse(t *testing.T) {
	now := time.Now()
	local := []string{"localhost"}
	cases := []struct {
		name   string
		files  certPair
		listen string
		want   []string
	}{
		{"not valid yet", mk(t, local, now.Add(time.Hour), now.Add(48*time.Hour), 0o600), "localhost:0", []string{"not valid yet: valid from "}},
		{"expired", mk(t, local, now.Add(-48*time.Hour), now.Add(-time.Hour), 0o600), "localhost:0", []string{"the certificate expired on "}},
		{"key readable by others", mk(t, local, now.Add(-time.Hour), now.Add(48*time.Hour), 0o644), "localhost:0", []string{"--tls-key ", "(mode 0644): chmod 600 "}},
		{"another name", mk(t, []string{"collector.example.com"}, now.Add(-time.Hour), now.Add(48*time.Hour), 0o600), "localhost:0",
			[]string{"the certificate is for collector.example.com, not localhost (--listen localhost:0)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runMain("serve", "--tls-cert", tc.files.cert, "--tls-key", tc.files.key, "--listen", tc.listen)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "flashdeck: --tls-") {
				t.Errorf("want one line naming the flag, got:\n%s", stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("%q lacks %q", stderr, w)
				}
			}
		})
	}
}

// certPair is a certificate file and its key file.
type certPair struct{ cert, key string }

func mk(t *testing.T, dns []string, from, until time.Time, keyMode os.FileMode) certPair {
	t.Helper()
	c, k := writeCert(t, dns, from, until, keyMode)
	return certPair{c, k}
}
