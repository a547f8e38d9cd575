package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeCert writes a self-signed certificate for dns, valid from..until,
// and its key with keyMode, into a temporary directory.
func writeCert(t *testing.T, dns []string, from, until time.Time, keyMode os.FileMode) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "collector"},
		NotBefore: from, NotAfter: until, DNSNames: dns,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(keyFile, keyMode); err != nil {
		t.Fatal(err)
	}
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
