package config

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A credential is never written in the file: every *_env field names an
// environment variable, and a URL carries no user, password, token or
// signature. When one is found anyway the error names the field and says
// where the credential belongs, without repeating it: configuration errors
// end up in terminals, logs and tickets.

// envField is one *_env field of a struct: its YAML name and its value.
type envField struct{ name, value string }

// envFields lists the string fields of a struct whose YAML name ends in
// _env, in declaration order. Found by their tags, so a credential field
// added later is checked without being listed anywhere.
func envFields(s any) []envField {
	rv := reflect.Indirect(reflect.ValueOf(s))
	rt := rv.Type()
	var out []envField
	for i := range rt.NumField() {
		f := rt.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if strings.HasSuffix(name, "_env") && f.Type.Kind() == reflect.String {
			out = append(out, envField{name, rv.Field(i).String()})
		}
	}
	return out
}

// checkEnvNames checks every *_env field of s (a Config, User or Channel)
// at prefix ("users[2]", "channels[0]", "" for the top level): each one
// that is set must be a variable name, not the credential itself. example
// makes a name to suggest for a field (may return "").
func checkEnvNames(v *validator, prefix string, s any, example func(field string) string) {
	for _, f := range envFields(s) {
		if f.value == "" {
			continue
		}
		field := f.name
		if prefix != "" {
			field = prefix + "." + f.name
		}
		n := utf8.RuneCountInString(f.value)
		switch envKind(f.value) {
		case envIsShellRef:
			v.add(field, "a shell reference rather than a variable name (%d characters, not repeated here): write the variable's name alone, without $ or ${}", n)
		case envIsValue:
			eg := ""
			if ex := example(f.name); envPattern.MatchString(ex) && !looksLikeSecret(ex) {
				eg = ", e.g. " + ex
			}
			v.add(field, "looks like a value rather than the name of an environment variable (%d characters, not repeated here): "+
				"a credential is never written in the file; put it in an environment variable (or the OS keyring: flashdeck secret set NAME) "+
				"and write that variable's name here (letters, digits and _)%s", n, eg)
		}
	}
}

// What a *_env field holds.
const (
	envIsName     = iota // a variable name
	envIsValue           // not a name: most likely the credential itself
	envIsShellRef        // $NAME or ${NAME}
)

// envKind tells a variable name from a value pasted in its place.
func envKind(s string) int {
	if ref := envRef.FindStringSubmatch(s); ref != nil && envPattern.MatchString(ref[1]) && !looksLikeSecret(ref[1]) {
		return envIsShellRef
	}
	if !envPattern.MatchString(s) || looksLikeSecret(s) {
		return envIsValue
	}
	return envIsName
}

var envRef = regexp.MustCompile(`^\$\{?([^{}$]*)\}?$`)

// secretPrefixes start well-known kinds of API keys and tokens that are
// also valid variable names (Stripe-style sk_live_, GitHub's ghp_, …).
var secretPrefixes = []string{
	"sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_", "whsec_",
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
}

var awsKeyID = regexp.MustCompile(`^(?:AKIA|ASIA)[A-Z0-9]{16}$`)

// looksLikeSecret reports whether a string that is a valid variable name
// is more likely a pasted key or token: a known key prefix, or a word
// (between underscores) longer or more mixed than the words of a name
// (24 characters or more; 16 or more with digits among the letters).
// Names are built of short words (LAZADA_APP_SECRET); keys are long runs
// of random letters and digits.
func looksLikeSecret(s string) bool {
	for _, p := range secretPrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	if awsKeyID.MatchString(s) {
		return true
	}
	for w := range strings.SplitSeq(s, "_") {
		if len(w) >= 24 {
			return true
		}
		var lower, upper, digits int
		for _, r := range w {
			switch {
			case unicode.IsLower(r):
				lower++
			case unicode.IsUpper(r):
				upper++
			case unicode.IsDigit(r):
				digits++
			}
		}
		// A word of 16 or more with several digits among its letters, or
		// with lower case, upper case and digits all mixed in it.
		if len(w) >= 16 && (digits >= 3 || (lower > 0 && upper > 1 && digits > 0)) {
			return true
		}
	}
	return false
}

// credentialsWhere names the fields a channel's credentials belong in.
func credentialsWhere(kind string) string {
	switch kind {
	case "lazada":
		return "app_key_env, app_secret_env, access_token_env"
	case "akulaku":
		return "app_id_env, private_key_env, client_id_env, client_secret_env"
	case "brandstore":
		return "token_env"
	}
	return "the *_env fields"
}

// checkURLCredentials refuses a URL that carries a credential: a user or
// password before the host, or a token, secret, signature or password in
// its query or fragment. The error shows the URL with them masked.
func checkURLCredentials(v *validator, field, raw, kind string) {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		// Not a URL checkURL could read: it says so, without quoting it
		// if it may hold credentials.
		return
	}
	var what []string
	if u.User != nil {
		what = append(what, "a user or password before the host")
	}
	for _, part := range []struct{ name, raw string }{{"query", u.RawQuery}, {"fragment", u.Fragment}} {
		for _, k := range credentialParams(part.raw) {
			what = append(what, fmt.Sprintf("%s=*** in its %s", k, part.name))
		}
	}
	if len(what) == 0 {
		return
	}
	v.add(field, "%q carries credentials (%s): credentials belong in the channel's environment variables, named by its *_env fields (%s), never in a URL",
		RedactURL(raw), strings.Join(what, ", "), credentialsWhere(kind))
}

// credentialParams lists the keys of a query string (or fragment) that
// carry credentials.
func credentialParams(q string) []string {
	var keys []string
	for p := range strings.SplitSeq(q, "&") {
		k, _, _ := strings.Cut(p, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if isCredentialParam(k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// isCredentialParam reports whether a URL parameter name is one that
// carries a credential (access_token, app_secret, sign, password, api-key,
// X-Amz-Signature, …), whatever its case and separators.
func isCredentialParam(k string) bool {
	n := strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '.' || r == ' ' {
			return -1
		}
		return unicode.ToLower(r)
	}, k)
	switch n {
	case "sign", "sig", "pwd", "pass", "key", "appkey", "appid", "clientid", "auth", "authorization", "session", "sessionid", "accesskey", "accesskeyid":
		return true
	}
	for _, w := range []string{"token", "secret", "passw", "apikey", "privatekey", "signature", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// RedactURL writes a URL for a message with its credentials masked: the
// user and password as ***@, and the value of every parameter that carries
// a credential as ***. A string that does not read as a URL is returned
// whole unless it could hold one (an @, a ? or a #): then "(not shown)".
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		if strings.ContainsAny(raw, "@?#") {
			return "(not shown)"
		}
		return raw
	}
	if u.User == nil && len(credentialParams(u.RawQuery)) == 0 && len(credentialParams(u.EscapedFragment())) == 0 {
		return raw
	}
	hadUser, frag := u.User != nil, u.EscapedFragment()
	u.User, u.Fragment, u.RawFragment = nil, "", ""
	u.RawQuery = redactParams(u.RawQuery)
	s := u.String()
	if hadUser {
		if i := strings.Index(s, "//"); i >= 0 {
			s = s[:i+2] + "***@" + s[i+2:]
		}
	}
	if frag != "" {
		s += "#" + redactParams(frag)
	}
	return s
}

// redactParams masks the values of credential parameters in a query.
func redactParams(q string) string {
	if q == "" {
		return q
	}
	parts := strings.Split(q, "&")
	for i, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		uk := k
		if s, err := url.QueryUnescape(k); err == nil {
			uk = s
		}
		if isCredentialParam(uk) {
			parts[i] = k + "=***"
		}
	}
	return strings.Join(parts, "&")
}
