package lazada

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// Sign computes a Lazada Open Platform request signature, as the platform's
// signing guide and official SDKs define it: every request parameter except
// "sign" (system parameters, business parameters and form fields alike),
// sorted by name in byte order, written as name1value1name2value2…, prefixed
// with the API path ("/orders/get": no "/rest", no HTTP method), then
// HMAC-SHA256 keyed with the app secret, in upper-case hex.
//
// Parameters with an empty value are left out, as the SDKs do; the client
// never sends one, so signer and server agree either way.
func Sign(apiPath string, params map[string]string, secret string) string {
	keys := make([]string, 0, len(params))
	n := len(apiPath)
	for k, v := range params {
		if k == "sign" || k == "" || v == "" {
			continue
		}
		keys = append(keys, k)
		n += len(k) + len(v)
	}
	sort.Strings(keys) // byte order, as the guide's ASCII sort
	var b strings.Builder
	b.Grow(n)
	b.WriteString(apiPath)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(params[k])
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(b.String()))
	return strings.ToUpper(hex.EncodeToString(mac.Sum(nil)))
}
