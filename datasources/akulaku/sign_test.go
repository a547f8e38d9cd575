package akulaku

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"
)

// The test key pair in testdata was made with openssl for these tests only
// (`openssl genpkey -algorithm RSA`, then `openssl rsa -traditional` for
// the PKCS#1 copy). It signs nothing real.
func testKeyPEM(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/test_key_pkcs8.pem")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStringToSign(t *testing.T) {
	body := []byte(`{"endUpdateTime":1700000060000,"pageNo":1,"pageSize":30,"startUpdateTime":1700000000000}`)
	got := StringToSign("test-app", "1700000000000", body)
	want := `app-id=test-app&timestamp=1700000000000&{"endUpdateTime":1700000060000,"pageNo":1,"pageSize":30,"startUpdateTime":1700000000000}`
	if got != want {
		t.Fatalf("string to sign\n got %s\nwant %s", got, want)
	}
	if got := StringToSign("a", "1", nil); got != "app-id=a&timestamp=1&" {
		t.Errorf("without a body: %q", got)
	}
}

// TestSignMatchesOpenSSL checks the signature against one made by openssl,
// an implementation independent of this package (and the one the public
// PHP clients call):
//
//	printf '%s' "$STRING_TO_SIGN" | base64 -w0 |
//	  openssl dgst -sha256 -sign testdata/test_key_pkcs8.pem | base64 -w0
func TestSignMatchesOpenSSL(t *testing.T) {
	key, err := ParsePrivateKey(testKeyPEM(t))
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("testdata/sign_golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"endUpdateTime":1700000060000,"pageNo":1,"pageSize":30,"startUpdateTime":1700000000000}`)
	sig, err := Sign(key, "test-app", "1700000000000", body)
	if err != nil {
		t.Fatal(err)
	}
	if sig != strings.TrimSpace(string(golden)) {
		t.Fatalf("signature differs from openssl's\n got %s\nwant %s", sig, golden)
	}
	if err := Verify(&key.PublicKey, "test-app", "1700000000000", body, sig); err != nil {
		t.Fatalf("own signature does not verify: %v", err)
	}
	for name, tamper := range map[string]func() error{
		"body":      func() error { return Verify(&key.PublicKey, "test-app", "1700000000000", append(body, ' '), sig) },
		"timestamp": func() error { return Verify(&key.PublicKey, "test-app", "1700000000001", body, sig) },
		"app id":    func() error { return Verify(&key.PublicKey, "test-apq", "1700000000000", body, sig) },
		"not b64":   func() error { return Verify(&key.PublicKey, "test-app", "1700000000000", body, "%%%") },
	} {
		if tamper() == nil {
			t.Errorf("a changed %s still verifies", name)
		}
	}
}

func TestParsePrivateKey(t *testing.T) {
	pkcs8 := testKeyPEM(t)
	pkcs1b, err := os.ReadFile("testdata/test_key_pkcs1.pem")
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := string(pkcs1b)
	block, _ := pem.Decode([]byte(pkcs8))
	bare := strings.Join(strings.Split(strings.TrimSpace(strings.SplitN(strings.SplitN(pkcs8, "-----\n", 2)[1], "-----END", 2)[0]), "\n"), "")
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
	secretish := bare[40:80] // a piece of key material no error may quote

	tests := []struct {
		name, in string
		ok       bool
		errHas   string
	}{
		{"pkcs8 pem", pkcs8, true, ""},
		{"pkcs1 pem", pkcs1, true, ""},
		{"bare base64 body", bare, true, ""},
		{"bare base64 with line breaks", strings.Join(splitEvery(bare, 64), "\n"), true, ""},
		{"one line with \\n", strings.ReplaceAll(pkcs8, "\n", `\n`), true, ""},
		{"surrounding blanks", "\n\n  " + pkcs1 + "  \n", true, ""},
		{"empty", "   ", false, "empty"},
		{"garbage", "not a key at all!", false, "neither PEM nor base64"},
		{"truncated pem", pkcs8[:200], false, "PEM block"},
		{"certificate block", strings.ReplaceAll(pkcs8, "PRIVATE KEY", "CERTIFICATE"), false, `"CERTIFICATE"`},
		{"encrypted", string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: block.Bytes})), false, "encrypted"},
		{"ec key", ecPEM, false, "not an RSA key"},
		{"valid base64, not a key", "aGVsbG8gd29ybGQgdGhpcyBpcyBub3QgYSBrZXk=", false, "PKCS#8 or PKCS#1"},
		{"corrupted body", strings.Replace(pkcs8, bare[100:110], "AAAAAAAAAA", 1), false, "PKCS#8 or PKCS#1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePrivateKey(tt.in)
			if tt.ok {
				if err != nil || k == nil {
					t.Fatalf("ParsePrivateKey: %v", err)
				}
				if k.N.BitLen() != 2048 {
					t.Errorf("key of %d bits", k.N.BitLen())
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("error %q does not say %q", err, tt.errHas)
			}
			if strings.Contains(err.Error(), secretish) || strings.Contains(err.Error(), "MII") {
				t.Errorf("error quotes key material: %q", err)
			}
		})
	}
}

func splitEvery(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}
