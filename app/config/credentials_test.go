package config

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Values people paste into a *_env field instead of a variable's name.
var pastedSecrets = []struct{ name, value string }{
	{"stripe-style key", "sk_live_abc123"},
	{"long stripe-style key", "sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456789"},
	{"base62 app secret", "7WQjgxUYo9lD0Ebhyv3I4I2qg1E7zKQk"},
	{"lower-case hex", "d41d8cd98f00b204e9800998ecf8427e"},
	{"lazada access token", "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7D1F4f3be53ovfbwAHvLvjE"},
	{"upper-case key", "ABCDEF0123456789ABCDEF0123"},
	{"AWS access key id", "AKIAIOSFODNN7EXAMPLE"},
	{"github token", "ghp_R4nd0mT0k3nV4lu3Xyz"},
	{"JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJheXUifQ.c2lnbmF0dXJl"},
	{"password", "s3cr3t-value!"},
	{"PEM key", "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----"},
	{"mixed-case word", "aB3dE5fG7hJ9kL1mN"},
}

// envFieldPaths lists every *_env field a configuration has, as a path in
// a file with three users and a Lazada channel second, found from the
// types' tags: a credential field added later is in this list too.
func envFieldPaths(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, f := range envFields(&Config{}) {
		paths = append(paths, f.name)
	}
	for _, f := range envFields(&User{}) {
		paths = append(paths, "users[2]."+f.name)
	}
	for _, f := range envFields(&Channel{}) {
		paths = append(paths, "channels[1]."+f.name)
	}
	// Every string field of these types tagged *_env, counted another way.
	n := 0
	for _, typ := range []reflect.Type{reflect.TypeFor[Config](), reflect.TypeFor[User](), reflect.TypeFor[Channel]()} {
		for f := range typ.Fields() {
			if strings.Contains(f.Tag.Get("yaml"), "_env,") {
				n++
			}
		}
	}
	if len(paths) != n || n < 11 {
		t.Fatalf("envFields found %d *_env fields, the types have %d: %v", len(paths), n, paths)
	}
	return paths
}

// withEnvField is a valid configuration with one *_env field (a path from
// envFieldPaths) set to value, written as a YAML double-quoted string.
func withEnvField(path, value string) string {
	q := strconv.Quote(value)
	users := []string{
		"{name: ayu, role: operator, token_env: FLASHDECK_TOKEN_AYU}",
		"{name: wall, role: viewer, token_env: FLASHDECK_TOKEN_WALL}",
		"{name: budi, role: viewer, token_env: FLASHDECK_TOKEN_BUDI}",
	}
	top, lz := "", ""
	switch field, ok := strings.CutPrefix(path, "users[2]."); {
	case ok:
		users[2] = "{name: budi, role: viewer, " + field + ": " + q + "}"
	case strings.HasPrefix(path, "channels[1]."):
		lz = "    " + strings.TrimPrefix(path, "channels[1].") + ": " + q + "\n"
	default:
		top = path + ": " + q + "\n"
	}
	lazada := "  - id: lazada-id\n    kind: lazada\n    base_url: https://api.lazada.co.id/rest\n" +
		"    app_key_env: LAZADA_APP_KEY\n    app_secret_env: LAZADA_APP_SECRET\n    access_token_env: LAZADA_ACCESS_TOKEN\n"
	// The field replaces the channel's own line for it, if it has one.
	if lz != "" {
		name, _, _ := strings.Cut(strings.TrimSpace(lz), ":")
		var kept []string
		for l := range strings.SplitSeq(strings.TrimSuffix(lazada, "\n"), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), name+":") {
				kept = append(kept, l)
			}
		}
		lazada = strings.Join(kept, "\n") + "\n" + lz
	}
	return top + "users:\n  - " + strings.Join(users, "\n  - ") + "\nchannels:\n" +
		"  - {id: micom-id, kind: brandstore, base_url: 'https://store-api.example.com', token_env: MICOM_TOKEN}\n" + lazada
}

// TestEnvFieldRefusesAValueWithoutRepeatingIt: a credential pasted into any
// *_env field is refused with the file, the field's path and what to do,
// and neither the error nor anything else Parse returns repeats it.
func TestEnvFieldRefusesAValueWithoutRepeatingIt(t *testing.T) {
	if _, err := Parse("flashdeck.yaml", []byte(withEnvField("users[2].token_env", "FLASHDECK_TOKEN_BUDI"))); err != nil {
		t.Fatalf("the base configuration is refused: %v", err)
	}
	for _, path := range envFieldPaths(t) {
		for _, s := range pastedSecrets {
			t.Run(path+"/"+s.name, func(t *testing.T) {
				_, err := Parse("flashdeck.yaml", []byte(withEnvField(path, s.value)))
				if err == nil {
					t.Fatal("accepted")
				}
				msg := err.Error()
				want := fmt.Sprintf(" %s: looks like a value rather than the name of an environment variable (%d characters, not repeated here)", path, len([]rune(s.value)))
				if !strings.HasPrefix(msg, "flashdeck.yaml:") || !strings.Contains(msg, want) {
					t.Errorf("error does not name the file, %s and what is wrong:\n%s", path, msg)
				}
				if !strings.Contains(msg, "environment variable") || !strings.Contains(msg, "flashdeck secret set") {
					t.Errorf("error does not say where the credential belongs:\n%s", msg)
				}
				assertNotRepeated(t, msg, s.value)
			})
		}
	}
}

// assertNotRepeated fails when msg holds secret, or a line of it, or a
// run of 12 of its characters.
func assertNotRepeated(t *testing.T, msg, secret string) {
	t.Helper()
	for l := range strings.SplitSeq(secret, "\n") {
		for i := 0; i+12 <= len(l); i++ {
			if strings.Contains(msg, l[i:i+12]) {
				t.Fatalf("the error repeats the credential (%q):\n%s", l[i:i+12], msg)
			}
		}
	}
	if strings.Contains(msg, secret) {
		t.Fatalf("the error repeats the credential:\n%s", msg)
	}
}

func TestEnvFieldErrorSuggestsAName(t *testing.T) {
	cases := []struct{ path, want string }{
		{"users[2].token_env", "e.g. FLASHDECK_TOKEN_BUDI"},
		{"metrics_token_env", "e.g. FLASHDECK_METRICS_TOKEN"},
		{"channels[1].app_secret_env", "e.g. LAZADA_ID_APP_SECRET"},
		{"channels[1].client_secret_env", "e.g. LAZADA_ID_CLIENT_SECRET"},
	}
	for _, tc := range cases {
		_, err := Parse("flashdeck.yaml", []byte(withEnvField(tc.path, "sk_live_abc123")))
		if err == nil || !strings.Contains(err.Error(), tc.path+": looks like a value") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.path, err, tc.want)
		}
	}
}

// TestEnvFieldOnAChannelNotPolled: a disabled channel, or a field its kind
// does not use, holds a credential in the file all the same.
func TestEnvFieldOnAChannelNotPolled(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"disabled channel", "channels:\n  - {id: old, kind: brandstore, base_url: 'https://s.example.com', token_env: 'sk_live_abc123', enabled: false}\n",
			"fuzz.yaml:2: channels[0].token_env: looks like a value"},
		{"field of another kind", "channels:\n  - {id: s, kind: brandstore, base_url: 'https://s.example.com', token_env: T, app_secret_env: 'tok-123'}\n",
			"fuzz.yaml:2: channels[0].app_secret_env: looks like a value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("fuzz.yaml", []byte(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			assertNotRepeated(t, err.Error(), "sk_live_abc123")
		})
	}
}

func TestEnvNames(t *testing.T) {
	cases := []struct {
		value string
		want  int
	}{
		{"LAZADA_APP_SECRET", envIsName},
		{"FLASHDECK_TOKEN_AYU", envIsName},
		{"AKULAKU_ID_CLIENT_SECRET", envIsName},
		{"T", envIsName},
		{"http_proxy", envIsName},
		{"_PRIVATE", envIsName},
		{"TOKEN_2024", envIsName},
		{"OAUTH2_TOKEN", envIsName},
		{"FLASHDECK_INTERNATIONALISATION", envIsName},
		{"LazadaAppSecret", envIsName},
		{"MY_SHOP_CREDENTIALS_FOR_THE_NOVEMBER_LAUNCH", envIsName},
		{"$FLASHDECK_TOKEN", envIsShellRef},
		{"${FLASHDECK_TOKEN}", envIsShellRef},
		{"$", envIsValue},
		{"${sk_live_abc123}", envIsValue},
		{"1X", envIsValue},
		{"LAZADA-APP-SECRET", envIsValue},
		{"LAZADA APP SECRET", envIsValue},
		{"ASIAIOSFODNN7EXAMPLE", envIsValue},
		{"whsec_abc", envIsValue},
		{"github_pat_11ABCDEFG0123", envIsValue},
		{"TOKEN2024PRODUCTION", envIsValue},
	}
	for _, s := range pastedSecrets {
		cases = append(cases, struct {
			value string
			want  int
		}{s.value, envIsValue})
	}
	for _, tc := range cases {
		if got := envKind(tc.value); got != tc.want {
			t.Errorf("envKind(%q) = %d, want %d", tc.value, got, tc.want)
		}
	}
	_, err := Parse("f.yaml", []byte(withEnvField("users[2].token_env", "${FLASHDECK_TOKEN_BUDI}")))
	if err == nil || !strings.Contains(err.Error(), "users[2].token_env: a shell reference rather than a variable name (23 characters, not repeated here): write the variable's name alone, without $ or ${}") {
		t.Errorf("shell reference: %v", err)
	}
}

// withBaseURL is a configuration with one channel of kind whose base_url
// (or another field) is raw.
func withURL(kind, field, raw string, enabled bool) string {
	ch := map[string]string{
		"lazada":     "app_key_env: K, app_secret_env: S, access_token_env: A",
		"akulaku":    "app_id_env: I, private_key_env: P, access_token_env: A",
		"brandstore": "token_env: T",
	}[kind]
	base := "base_url: 'https://api.example.com/rest', "
	if field == "base_url" {
		base = ""
	}
	return fmt.Sprintf("channels:\n  - {id: c, kind: %s, %s%s: %s, %s, enabled: %t}\n", kind, base, field, strconv.Quote(raw), ch, enabled)
}

// TestURLWithCredentialsIsRefused: a user, password, token, secret or
// signature in a channel's URL is refused, naming the field and the *_env
// fields the credential belongs in, and the URL is quoted masked.
func TestURLWithCredentialsIsRefused(t *testing.T) {
	cases := []struct {
		name, kind, field, raw string
		enabled                bool
		secret                 string
		want                   []string
	}{
		{"user and password", "brandstore", "base_url", "https://shop:hunter2-Pa55@store-api.example.com/v1", true, "hunter2-Pa55",
			[]string{`channels[0].base_url: "https://***@store-api.example.com/v1" carries credentials (a user or password before the host)`, "token_env"}},
		{"token as the user", "brandstore", "base_url", "https://ghp_R4nd0mT0k3nV4lu3@store-api.example.com", true, "ghp_R4nd0mT0k3nV4lu3",
			[]string{`"https://***@store-api.example.com" carries credentials`}},
		{"access_token", "lazada", "base_url", "https://api.lazada.co.id/rest?access_token=50000601c30atpedfgu3LVvik", true, "50000601c30atpedfgu3LVvik",
			[]string{`channels[0].base_url: "https://api.lazada.co.id/rest?access_token=***" carries credentials (access_token=*** in its query)`,
				"app_key_env, app_secret_env, access_token_env"}},
		{"app_secret among others", "lazada", "base_url", "https://api.lazada.co.id/rest?lang=id&app_secret=7WQjgxUYo9lD0Ebhyv3I", true, "7WQjgxUYo9lD0Ebhyv3I",
			[]string{`"https://api.lazada.co.id/rest?lang=id&app_secret=***"`}},
		{"sign", "akulaku", "base_url", "https://ec-oapi.akulaku.com/?sign=ABCDEF0123456789&timestamp=1", true, "ABCDEF0123456789",
			[]string{`"https://ec-oapi.akulaku.com/?sign=***&timestamp=1" carries credentials (sign=*** in its query)`, "app_id_env, private_key_env, client_id_env, client_secret_env"}},
		{"password", "brandstore", "base_url", "https://store-api.example.com/?password=correct-horse-battery", true, "correct-horse-battery",
			[]string{"password=*** in its query"}},
		{"key spelled otherwise", "brandstore", "base_url", "https://store-api.example.com/?Api-Key=k-0123456789abc", true, "k-0123456789abc",
			[]string{"Api-Key=*** in its query"}},
		{"signed URL", "brandstore", "base_url", "https://store-api.example.com/?X-Amz-Signature=deadbeefdeadbeef", true, "deadbeefdeadbeef",
			[]string{"X-Amz-Signature=*** in its query"}},
		{"token in the fragment", "brandstore", "base_url", "https://store-api.example.com/#access_token=tok-0123456789", true, "tok-0123456789",
			[]string{`"https://store-api.example.com/#access_token=***"`, "access_token=*** in its fragment"}},
		{"user and query", "brandstore", "base_url", "https://u:p4ssw0rd-x@store-api.example.com/?token=abcdef0123456", true, "abcdef0123456",
			[]string{`"https://***@store-api.example.com/?token=***" carries credentials (a user or password before the host, token=*** in its query)`}},
		{"lazada auth_url", "lazada", "auth_url", "https://app:s3cr3t-value!@auth.lazada.com/rest", true, "s3cr3t-value!",
			[]string{`channels[0].auth_url: "https://***@auth.lazada.com/rest" carries credentials`}},
		{"disabled channel", "brandstore", "base_url", "https://store-api.example.com/?access_token=tok-0123456789", false, "tok-0123456789",
			[]string{"channels[0].base_url:", "access_token=*** in its query"}},
		{"plain http with a password", "brandstore", "base_url", "http://u:hunter2-Pa55@store.example.com", true, "hunter2-Pa55",
			[]string{`"http://***@store.example.com": plain http is refused`, "carries credentials"}},
		{"another scheme", "brandstore", "base_url", "ftp://u:hunter2-Pa55@store.example.com", true, "hunter2-Pa55",
			[]string{`"ftp://***@store.example.com" is not an http(s) URL`}},
		{"no scheme", "brandstore", "base_url", "u:hunter2-Pa55@store.example.com", true, "hunter2-Pa55",
			[]string{`"(not shown)" is not an http(s) URL`}},
		{"not a URL at all", "brandstore", "base_url", "https://u:hunter2-Pa55%zz@store.example.com", true, "hunter2-Pa55",
			[]string{`"(not shown)" is not an http(s) URL`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("flashdeck.yaml", []byte(withURL(tc.kind, tc.field, tc.raw, tc.enabled)))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant it to contain:\n%s", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "flashdeck.yaml:2: channels[0]."+tc.field+": ") {
				t.Errorf("error does not name the file, the line and the field: %v", err)
			}
			assertNotRepeated(t, err.Error(), tc.secret)
		})
	}
}

func TestURLWithoutCredentialsIsAccepted(t *testing.T) {
	for _, raw := range []string{
		"https://api.lazada.co.id/rest",
		"https://store-api.example.com/v1?lang=id&region=ID",
		"https://store-api.example.com/design/?designer=x",
		"http://127.0.0.1:8700/micom-id",
	} {
		if _, err := Parse("f.yaml", []byte(withURL("brandstore", "base_url", raw, true))); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
}

func TestRedactURL(t *testing.T) {
	cases := []struct{ raw, want string }{
		{"https://api.lazada.co.id/rest", "https://api.lazada.co.id/rest"},
		{"https://user:pass@host:8443/p?q=1", "https://***@host:8443/p?q=1"},
		{"https://user@host", "https://***@host"},
		{"https://host/?access_token=t&lang=id&Sign=s&sign_method=sha256", "https://host/?access_token=***&lang=id&Sign=***&sign_method=sha256"},
		{"https://host/?app%5Fsecret=s", "https://host/?app%5Fsecret=***"},
		{"https://host/#password=p", "https://host/#password=***"},
		{"https://host/%7Euser/?x=1", "https://host/%7Euser/?x=1"},
		{"not a url", "not a url"},
		{"user:pass@host", "(not shown)"},
		{"https://a b@host", "(not shown)"},
	}
	for _, tc := range cases {
		if got := RedactURL(tc.raw); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

// TestUsersEachWithTheirOwnToken: two users reading one variable share a
// token, so the collector could not tell them apart; the same name twice
// is one person with two roles. Both are refused naming both entries.
func TestUsersEachWithTheirOwnToken(t *testing.T) {
	users := func(extra string) string {
		return "users:\n  - {name: alice, role: operator, token_env: T_ALICE}\n  - {name: wall, role: viewer, token_env: T_WALL}\n" +
			"  - {name: carol, role: viewer, token_env: T_CAROL}\n" + extra
	}
	cases := []struct{ name, text, want string }{
		{"same variable", users("  - {name: bob, role: viewer, token_env: T_ALICE}\n"),
			"f.yaml:5: users[3].token_env: users[0] alice and users[3] bob read the same variable T_ALICE, so they share one token: give each user a token of their own"},
		{"same name", users("  - {name: alice, role: viewer, token_env: T_ALICE2}\n"),
			`f.yaml:5: users[3].name: user "alice" is listed twice (users[0] and users[3])`},
		{"metrics token of a user", "metrics_token_env: T_WALL\n" + users(""),
			"f.yaml:1: metrics_token_env: users[1] wall's token (T_WALL) would also be the metrics token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			var es Errors
			if !errors.As(err, &es) || len(es) != 1 {
				t.Errorf("want one error, got %v", err)
			}
		})
	}
	if _, err := Parse("f.yaml", []byte("metrics_token_env: T_METRICS\n"+users(""))); err != nil {
		t.Errorf("distinct tokens refused: %v", err)
	}
}

// FuzzEnvValueNeverRepeated: whatever is written in a *_env field, an
// error never repeats it; what is accepted is a variable name. The value
// carries a marker, so an echo of any part of it around the marker shows.
func FuzzEnvValueNeverRepeated(f *testing.F) {
	for i, s := range pastedSecrets {
		f.Add(uint8(i), s.value)
	}
	f.Add(uint8(3), "LAZADA_APP_SECRET")
	f.Add(uint8(0), "${T}")
	f.Add(uint8(5), "a b\nc")
	const marker = "Qz7Xw9Kp3Vb"
	f.Fuzz(func(t *testing.T, field uint8, v string) {
		paths := envFieldPaths(t)
		path := paths[int(field)%len(paths)]
		value := v + marker
		c, err := Parse("flashdeck.yaml", []byte(withEnvField(path, value)))
		if err != nil {
			if strings.Contains(err.Error(), marker) {
				t.Fatalf("the error repeats what %s holds:\n%v", path, err)
			}
			return
		}
		// Accepted: the field holds a name, read back as written.
		owner := any(c)
		switch {
		case strings.HasPrefix(path, "users[2]."):
			owner = &c.Users[2]
		case strings.HasPrefix(path, "channels[1]."):
			owner = &c.Channels[1]
		}
		for _, e := range envFields(owner) {
			if strings.HasSuffix(path, "."+e.name) || path == e.name {
				if e.value != value || !envPattern.MatchString(e.value) {
					t.Fatalf("%s: %q accepted as %q", path, value, e.value)
				}
				return
			}
		}
		t.Fatalf("%s: no such field", path)
	})
}

// FuzzURLCredentialsNeverRepeated: a URL with a password or a credential
// parameter is refused, and the error never repeats them.
func FuzzURLCredentialsNeverRepeated(f *testing.F) {
	for _, s := range []string{
		"https://u:p@store-api.example.com/v1", "https://store-api.example.com/?access_token=x",
		"https://store-api.example.com/?lang=id&sign=x#app_secret=y", "http://u:p@127.0.0.1:8700/x",
		"ftp://u:p@h", "https://h/?a%5Fs=1", "https://store-api.example.com/rest",
	} {
		f.Add(s)
	}
	const marker = "Qz7Xw9Kp3Vb"
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil || u.Opaque != "" {
			return
		}
		// Put the marker into every credential the URL carries.
		marked := false
		if u.User != nil {
			p, _ := u.User.Password()
			u.User = url.UserPassword(u.User.Username(), p+marker)
			marked = true
		}
		q := u.Query()
		for k := range q {
			if isCredentialParam(k) {
				q.Set(k, q.Get(k)+marker)
				marked = true
			}
		}
		u.RawQuery = q.Encode()
		raw = u.String()
		_, err = Parse("flashdeck.yaml", []byte(withURL("brandstore", "base_url", raw, true)))
		if err != nil && strings.Contains(err.Error(), marker) {
			t.Fatalf("the error repeats a credential of %q:\n%v", raw, err)
		}
		if marked && err == nil {
			t.Fatalf("%q carries credentials and is accepted", raw)
		}
		if r := RedactURL(raw); strings.Contains(r, marker) {
			t.Fatalf("RedactURL(%q) = %q", raw, r)
		}
	})
}
