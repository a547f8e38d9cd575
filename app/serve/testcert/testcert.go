// Package testcert writes self-signed certificates and their keys for the
// tests of flashdeck's TLS: the collector's listener, its checks of a
// certificate at start, and the command line that passes one in.
package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Spec is a certificate to issue. The zero value is valid from an hour ago
// for 90 days, names nothing, and has its key readable by its owner only.
type Spec struct {
	From, Until time.Time
	DNS         []string
	IPs         []string
	// KeyMode is the key file's mode (0600 when zero), set after writing
	// so that the umask has no say.
	KeyMode os.FileMode
	// CA makes the certificate its own trust root, for a client's pool.
	CA bool
}

// Write issues s into a temporary directory of t and returns the PEM files
// of the certificate and its key, and the certificate.
func Write(t testing.TB, s Spec) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	if s.From.IsZero() {
		s.From = time.Now().Add(-time.Hour)
	}
	if s.Until.IsZero() {
		s.Until = time.Now().Add(90 * 24 * time.Hour)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "flashdeck test collector"},
		NotBefore:    s.From, NotAfter: s.Until,
		DNSNames:    s.DNS,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if s.CA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	}
	for _, ip := range s.IPs {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(ip))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if cert, err = x509.ParseCertificate(der); err != nil {
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
	if s.KeyMode != 0 {
		if err := os.Chmod(keyFile, s.KeyMode); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile, cert
}
