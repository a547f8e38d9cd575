package serve_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/serve/testcert"

	"github.com/flashdeck/flashdeck/app/serve"
)

// selfSigned writes a certificate for 127.0.0.1 and localhost, valid from
// notBefore to notAfter, and its key, as PEM files; it returns their paths
// and the certificate (its own trust root, for a client's pool).
func selfSigned(t *testing.T, notBefore, notAfter time.Time) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	return testcert.Write(t, testcert.Spec{From: notBefore, Until: notAfter, DNS: []string{"localhost"}, IPs: []string{"127.0.0.1", "::1"}, CA: true})
}

func TestServeOverTLS(t *testing.T) {
	certFile, keyFile, cert := selfSigned(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	tlsCfg, err := serve.LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	r := startRoom(t, roomOptions{users: roomUsers, env: roomEnv})
	ln, err := serve.Listen(serve.ListenConfig{Addr: "127.0.0.1:0", TLS: tlsCfg})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ln.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %q, want https://127.0.0.1:…", ln.URL)
	}
	srv := serve.HTTPServer(ln.Addr().String(), r.api.Handler())
	done := make(chan error, 1)
	go func() { done <- ln.Serve(srv) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})

	// A client that trusts the certificate.
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	trusting := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	res, err := trusting.Get(ln.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.TLS == nil || !strings.Contains(string(body), "ok") {
		t.Fatalf("GET /healthz over TLS: %d %s (TLS %v)", res.StatusCode, body, res.TLS != nil)
	}
	if res.ProtoMajor != 2 {
		t.Errorf("served %s, want HTTP/2 over TLS", res.Proto)
	}
	req, _ := http.NewRequest("GET", ln.URL+"/api/v1/snapshot", nil)
	req.Header.Set("Authorization", "Bearer wall-secret")
	if res, err := trusting.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /api/v1/snapshot over TLS: %v %v", res, err)
	} else {
		res.Body.Close()
	}

	// One that does not trust it refuses to talk; plain HTTP is refused.
	if _, err := (&http.Client{Timeout: 5 * time.Second}).Get(ln.URL + "/healthz"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("an untrusting client: %v, want a certificate error", err)
	}
	res, err = http.Get("http://" + ln.Addr().String() + "/healthz")
	if err == nil {
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP to the TLS port: %d, want 400", res.StatusCode)
		}
	}
}

func TestCheckListen(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	tlsCfg, err := serve.LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		c    serve.ListenConfig
		want string // "" for allowed
	}{
		{"loopback, plain", serve.ListenConfig{Addr: "127.0.0.1:9464"}, ""},
		{"localhost, plain", serve.ListenConfig{Addr: "localhost:9464"}, ""},
		{"IPv6 loopback, plain", serve.ListenConfig{Addr: "[::1]:9464"}, ""},
		{"loopback, no users", serve.ListenConfig{Addr: "127.0.0.1:9464", Open: true}, ""},
		{"room address, plain", serve.ListenConfig{Addr: "10.0.0.5:9464"}, "--tls-cert and --tls-key"},
		{"every interface, plain", serve.ListenConfig{Addr: ":9464"}, "every interface"},
		{"room address, plain, refusal says --insecure", serve.ListenConfig{Addr: "0.0.0.0:9464"}, "--insecure"},
		{"room address, TLS", serve.ListenConfig{Addr: "0.0.0.0:9464", TLS: tlsCfg}, ""},
		{"room address, --insecure", serve.ListenConfig{Addr: "0.0.0.0:9464", Insecure: true}, ""},
		{"room address, no users, TLS", serve.ListenConfig{Addr: "0.0.0.0:9464", TLS: tlsCfg, Open: true}, "loopback only"},
		{"room address, no users, --insecure", serve.ListenConfig{Addr: "0.0.0.0:9464", Insecure: true, Open: true}, "no users are configured"},
		{"no port", serve.ListenConfig{Addr: "127.0.0.1"}, `--listen "127.0.0.1"`},
	}
	for _, c := range cases {
		err := serve.CheckListen(c.c)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v, want allowed", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
	// Listen refuses before it binds anything.
	if _, err := serve.Listen(serve.ListenConfig{Addr: "0.0.0.0:0"}); err == nil || !strings.Contains(err.Error(), "--insecure") {
		t.Errorf("Listen on every interface without TLS: %v", err)
	}
}

func TestLoadTLSNamesTheFlagAndTheFile(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	otherCert, otherKey, _ := selfSigned(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	oldCert, oldKey, _ := selfSigned(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a PEM file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	if cfg, err := serve.LoadTLS("", ""); cfg != nil || err != nil {
		t.Errorf("neither: %v %v, want no TLS and no error", cfg, err)
	}
	cases := []struct {
		cert, key string
		want      []string
	}{
		{certFile, "", []string{"--tls-cert and --tls-key go together"}},
		{"", keyFile, []string{"--tls-cert and --tls-key go together"}},
		{missing, keyFile, []string{"--tls-cert " + missing, "no such file"}},
		{certFile, missing, []string{"--tls-key " + missing, "no such file"}},
		{dir, keyFile, []string{"--tls-cert " + dir, "directory"}},
		{garbage, keyFile, []string{"--tls-cert " + garbage, "not a PEM certificate"}},
		{certFile, garbage, []string{"--tls-key " + garbage}},
		{certFile, otherKey, []string{"--tls-key " + otherKey, "--tls-cert " + certFile}},
		{oldCert, oldKey, []string{"--tls-cert " + oldCert, "expired"}},
	}
	for _, c := range cases {
		_, err := serve.LoadTLS(c.cert, c.key)
		if err == nil {
			t.Errorf("LoadTLS(%q, %q): no error", c.cert, c.key)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("LoadTLS(%q, %q): %v, want %q in it", c.cert, c.key, err, w)
			}
		}
	}
	if _, err := serve.LoadTLS(otherCert, otherKey); err != nil {
		t.Errorf("a good pair: %v", err)
	}
}
