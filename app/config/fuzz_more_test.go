package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// Fuzz targets for the configuration beyond FuzzParse: a price and a
// duration as the YAML decoder hands them to their UnmarshalYAML, and the
// promises a parsed configuration keeps. Seeds are in testdata/fuzz; run
// one with go test -fuzz=FuzzMoneyYAML ./app/config

// FuzzMoneyYAML: a flash price that is accepted is not negative, and reads
// back the same from what MarshalYAML writes; a refusal names the line and
// the value.
func FuzzMoneyYAML(f *testing.F) {
	for _, s := range []string{"1999000", "1999000.50", "1_999_000", "0", "0.005", "-1", "abc", "", " 12.3 ", "1e6", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var m Money
		if err := m.UnmarshalYAML(&yaml.Node{Kind: yaml.ScalarNode, Value: s, Line: 7}); err != nil {
			if !strings.Contains(err.Error(), "line 7:") || !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("refusal of %q does not name the line and the value: %v", s, err)
			}
			return
		}
		if m < 0 {
			t.Fatalf("flash price %q accepted as %d hundredths, a negative price", s, int64(m))
		}
		v, err := m.MarshalYAML()
		if err != nil {
			t.Fatal(err)
		}
		var back Money
		if err := back.UnmarshalYAML(&yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprint(v), Line: 1}); err != nil || back != m {
			t.Fatalf("%q → %d → %v → %d, %v", s, int64(m), v, int64(back), err)
		}
	})
}

// FuzzDurationYAML: a duration that is accepted reads back the same from
// what MarshalYAML writes; a refusal names the line and the value.
func FuzzDurationYAML(f *testing.F) {
	for _, s := range []string{"15s", "2m", "1h30m", " 500ms ", "0", "-5s", "15", "soon", "", "9999999h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d Duration
		if err := d.UnmarshalYAML(&yaml.Node{Kind: yaml.ScalarNode, Value: s, Line: 3}); err != nil {
			if !strings.Contains(err.Error(), "line 3:") || !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("refusal of %q does not name the line and the value: %v", s, err)
			}
			return
		}
		v, err := d.MarshalYAML()
		if err != nil {
			t.Fatal(err)
		}
		var back Duration
		if err := back.UnmarshalYAML(&yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprint(v), Line: 1}); err != nil || back != d {
			t.Fatalf("%q → %v → %v → %v, %v", s, d.D(), v, back.D(), err)
		}
	})
}

// FuzzParseChecked: Parse returns either Errors, each with the file and
// words, or a configuration that keeps every promise validate makes, and
// that writes out (yaml.Marshal) as a file Parse reads back the same.
func FuzzParseChecked(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(strings.Replace(good, "end: 2026-11-23T23:59:00+07:00", "end: 9999-12-31T23:00:00-05:00\n    max_extension: 8784h", 1)))
	f.Add([]byte("channels:\n  - {id: micom-id, kind: brandstore, base_url: 'https://s.example.com', token_env: T, timeout: 3s}\n"))
	f.Add([]byte("sales:\n  - id: a\n    start: 2026-11-23T14:00:00+07:00\n    end: 2026-11-23T13:00:00+07:00\n    skus: [{sku: x, flash_price: 1.5, allocated: {y: -1}}]\n"))
	f.Add([]byte("clock: {wall_at: 2026-11-23T13:00:00Z, sale_at: 2026-11-23T14:00:00+07:00, speed: 0}\nkeyring: true\n"))
	f.Add([]byte("users: [{name: ayu, role: admin, token_env: '1X'}]\nunknown: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %T %v is not a list of Errors", err, err)
			}
			for _, e := range es {
				if e == nil || e.File != "fuzz.yaml" || strings.TrimSpace(e.Msg) == "" {
					t.Fatalf("error %#v does not name the file and say what is wrong", e)
				}
				checkURLsMasked(t, e)
			}
			return
		}
		checkConfig(t, c)
		out, err := yaml.Marshal(c)
		if err != nil {
			t.Fatalf("a parsed configuration does not write out: %v", err)
		}
		c2, err := Parse("fuzz.yaml", out)
		if err != nil {
			t.Fatalf("%q parsed, but as written out\n%s\nit does not: %v", data, out, err)
		}
		out2, err := yaml.Marshal(c2)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("written out twice, a configuration changed:\n%s\n---\n%s (%v)", out, out2, err)
		}
	})
}

// checkConfig checks what a configuration that Parse accepted promises.
func checkConfig(t *testing.T, c *Config) {
	t.Helper()
	if c.Path != "fuzz.yaml" || c.StateDir == "" {
		t.Fatalf("path %q, state_dir %q", c.Path, c.StateDir)
	}
	users, tokens := map[string]bool{}, map[string]bool{}
	for _, u := range c.Users {
		if u.Name == "" || users[u.Name] || (u.Role != RoleViewer && u.Role != RoleOperator) || !envPattern.MatchString(u.TokenEnv) {
			t.Fatalf("accepted user %+v", u)
		}
		if tokens[u.TokenEnv] {
			t.Fatalf("accepted two users reading %s", u.TokenEnv)
		}
		users[u.Name], tokens[u.TokenEnv] = true, true
	}
	if tokens[c.MetricsTokenEnv] {
		t.Fatalf("accepted metrics_token_env %s, a user's token", c.MetricsTokenEnv)
	}
	for _, f := range envFields(c) {
		checkEnvName(t, f)
	}
	for _, u := range c.Users {
		for _, f := range envFields(&u) {
			checkEnvName(t, f)
		}
	}
	chans := map[string]bool{}
	for _, ch := range c.Channels {
		if !idPattern.MatchString(ch.ID) || chans[ch.ID] {
			t.Fatalf("accepted channel id %q", ch.ID)
		}
		chans[ch.ID] = true
		for _, f := range envFields(&ch) {
			checkEnvName(t, f)
		}
		for _, raw := range []string{ch.BaseURL, ch.AuthURL} {
			if u, err := url.Parse(raw); err == nil && (u.User != nil || hasCredentialParam(u.RawQuery) || hasCredentialParam(u.Fragment)) {
				t.Fatalf("channel %s: accepted a URL with credentials: %q", ch.ID, raw)
			}
		}
		switch ch.Kind {
		case "lazada", "akulaku", "brandstore":
		default:
			t.Fatalf("accepted channel kind %q", ch.Kind)
		}
		if ch.PollInterval.D() < MinPollInterval || ch.StockInterval.D() <= 0 || ch.Timeout.D() <= 0 || ch.MaxCallsPerSecond < 0 {
			t.Fatalf("channel %s: poll_interval %v, stock_interval %v, timeout %v, max_calls_per_second %v",
				ch.ID, ch.PollInterval.D(), ch.StockInterval.D(), ch.Timeout.D(), ch.MaxCallsPerSecond)
		}
		if ch.IsEnabled() {
			u, err := url.Parse(ch.BaseURL)
			if err != nil || (u.Scheme != "https" && !(u.Scheme == "http" && IsLoopback(u.Hostname()))) || u.Host == "" {
				t.Fatalf("channel %s: accepted base_url %q", ch.ID, ch.BaseURL)
			}
		}
	}
	sales := map[string]bool{}
	for _, s := range c.Sales {
		if !idPattern.MatchString(s.ID) || sales[s.ID] || s.Name == "" {
			t.Fatalf("accepted sale id %q, name %q", s.ID, s.Name)
		}
		sales[s.ID] = true
		if y1, y2 := s.Start.UTC().Year(), s.MaxEnd().UTC().Year(); y1 < MinSaleYear || y2 > MaxSaleYear+1 {
			t.Fatalf("sale %s: accepted a start in %d and a latest end in %d", s.ID, y1, y2)
		}
		if s.Start.IsZero() || !s.End.After(s.Start) || s.PerBuyerLimit < 0 || len(s.Currency) != 3 || strings.ToUpper(s.Currency) != s.Currency {
			t.Fatalf("sale %s: start %v, end %v, per_buyer_limit %d, currency %q", s.ID, s.Start, s.End, s.PerBuyerLimit, s.Currency)
		}
		if s.Location() == nil {
			t.Fatalf("sale %s has no zone", s.ID)
		}
		if len(s.SKUs) == 0 {
			t.Fatalf("sale %s without SKUs", s.ID)
		}
		skus := map[string]bool{}
		for _, k := range s.SKUs {
			if strings.TrimSpace(k.SKU) == "" || skus[k.SKU] || len(k.Allocated) == 0 {
				t.Fatalf("sale %s: accepted SKU %+v", s.ID, k)
			}
			skus[k.SKU] = true
			if k.FlashPrice < 0 {
				t.Fatalf("sale %s: SKU %s has a negative flash price (%d hundredths)", s.ID, k.SKU, int64(k.FlashPrice))
			}
			for ch, n := range k.Allocated {
				if !chans[ch] || n < 0 {
					t.Fatalf("sale %s: SKU %s allocated %d on %q", s.ID, k.SKU, n, ch)
				}
			}
		}
		r := s.FlagRules
		if r.VelocityWindow < 0 || r.MinCheckout < 0 || r.MinCheckout.D() > time.Minute {
			t.Fatalf("sale %s: flag rules %+v", s.ID, r)
		}
	}
	if c.Clock != nil && (c.Clock.Speed <= 0 || c.Clock.WallAt.IsZero() || c.Clock.SaleAt.IsZero()) {
		t.Fatalf("clock %+v", *c.Clock)
	}
}

// checkEnvName fails when an accepted *_env field holds something other
// than a variable name.
func checkEnvName(t *testing.T, f envField) {
	t.Helper()
	if f.value != "" && (!envPattern.MatchString(f.value) || looksLikeSecret(f.value)) {
		t.Fatalf("accepted %s: %q, not a variable name", f.name, f.value)
	}
}

// hasCredentialParam: the parameters the security review named, whatever
// their case and separators (isCredentialParam knows more).
func hasCredentialParam(q string) bool {
	for p := range strings.SplitSeq(q, "&") {
		k, _, _ := strings.Cut(p, "=")
		k = strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(k))
		switch k {
		case "accesstoken", "appsecret", "sign", "password", "token", "secret":
			return true
		}
	}
	return false
}

// userinfoInURL finds the part before the host of every URL in a text.
var userinfoInURL = regexp.MustCompile(`//([^/?#\s"@]*)@`)

// checkURLsMasked fails when an error about a channel's URL shows a user
// or password, or the value of a credential parameter.
func checkURLsMasked(t *testing.T, e *Error) {
	t.Helper()
	if !strings.HasSuffix(e.Field, ".base_url") && !strings.HasSuffix(e.Field, ".auth_url") {
		return
	}
	for _, m := range userinfoInURL.FindAllStringSubmatch(e.Msg, -1) {
		if m[1] != "***" {
			t.Fatalf("the error shows a URL's user or password: %v", e)
		}
	}
}
