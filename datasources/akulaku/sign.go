package akulaku

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
)

// errBadKey never carries the key or parser details that could quote it.
var errBadKey = errors.New("private key: not a PKCS#8 or PKCS#1 RSA private key (PEM, or the bare base64 body)")

// ParsePrivateKey reads the app's RSA private key as PKCS#8 or PKCS#1 PEM,
// or as the bare base64 DER body without PEM armour (how the Akulaku
// console hands it out). Newlines written as the two characters \n (a key
// kept in a one-line environment variable) are accepted. Errors describe
// what is wrong without quoting the key.
func ParsePrivateKey(s string) (*rsa.PrivateKey, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "\n") {
		s = strings.ReplaceAll(s, `\n`, "\n")
	}
	if s == "" {
		return nil, errors.New("private key: empty")
	}
	var der []byte
	if strings.Contains(s, "-----BEGIN") {
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			return nil, errors.New("private key: the PEM block cannot be read (check the BEGIN/END lines)")
		}
		if _, encrypted := block.Headers["Proc-Type"]; encrypted || strings.Contains(block.Type, "ENCRYPTED") {
			return nil, errors.New("private key: encrypted keys are not supported; give the unencrypted key")
		}
		switch block.Type {
		case "PRIVATE KEY", "RSA PRIVATE KEY":
		default:
			return nil, errors.New("private key: PEM block is " + quoteType(block.Type) + ", want PRIVATE KEY or RSA PRIVATE KEY")
		}
		der = block.Bytes
	} else {
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, errors.New("private key: neither PEM nor base64")
		}
		der = b
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("private key: not an RSA key (Akulaku signs with RSA)")
		}
		return rk, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	return nil, errBadKey
}

// quoteType names a PEM block type safely: types are short words, but the
// text comes from the secret, so anything unexpected is not echoed.
func quoteType(t string) string {
	if len(t) > 40 {
		return "an unexpected block"
	}
	for _, r := range t {
		if (r < 'A' || r > 'Z') && r != ' ' {
			return "an unexpected block"
		}
	}
	return `"` + t + `"`
}

// StringToSign is the text Akulaku signs: the app id, the timestamp and the
// exact request body ("" for a call without one), joined as
// "app-id={id}&timestamp={ts}&{body}".
func StringToSign(appID, timestamp string, body []byte) string {
	return "app-id=" + appID + "&timestamp=" + timestamp + "&" + string(body)
}

// Sign returns the sign header: base64(SHA256withRSA(key,
// base64(StringToSign(...)))). Akulaku signs the base64 text of the string,
// not the string itself.
func Sign(key *rsa.PrivateKey, appID, timestamp string, body []byte) (string, error) {
	digest := sha256.Sum256([]byte(base64.StdEncoding.EncodeToString([]byte(StringToSign(appID, timestamp, body)))))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// Verify checks a sign header against the public key, the way Akulaku's
// gateway does (the simulator and tests use it).
func Verify(pub *rsa.PublicKey, appID, timestamp string, body []byte, sign string) error {
	sig, err := base64.StdEncoding.DecodeString(sign)
	if err != nil {
		return errors.New("sign is not base64")
	}
	digest := sha256.Sum256([]byte(base64.StdEncoding.EncodeToString([]byte(StringToSign(appID, timestamp, body)))))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
}
