package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

const good = `state_dir: ./data
users:
  - {name: ayu, role: operator, token_env: FLASHDECK_TOKEN_AYU}
  - {name: wall, role: viewer, token_env: FLASHDECK_TOKEN_WALL}
channels:
  - id: lazada-id
    kind: lazada
    market: ID
    base_url: https://api.lazada.co.id/rest
    app_key_env: LAZADA_APP_KEY
    app_secret_env: LAZADA_APP_SECRET
    access_token_env: LAZADA_ACCESS_TOKEN
    poll_interval: 15s
  - id: akulaku-id
    kind: akulaku
    base_url: https://ec-oapi.akulaku.com
    app_id_env: AK_APP
    access_token_env: AK_TOKEN
    private_key_env: AK_KEY
  - id: micom-id
    kind: brandstore
    base_url: http://127.0.0.1:8700/micom-id
    token_env: MICOM_TOKEN
  - id: poco-global
    kind: brandstore
    base_url: https://store-api.example.com
    token_env: POCO_STORE_TOKEN
    enabled: false
    replaced_by: micom-id
sales:
  - id: poco-m3-launch
    name: POCO M3 flash sale
    start: 2026-11-23T14:00:00+07:00
    end: 2026-11-23T23:59:00+07:00
    per_buyer_limit: 2
    skus:
      - sku: POCO-M3-464-BLK
        name: POCO M3 4/64 Black
        flash_price: 1999000
        allocated: {lazada-id: 500, akulaku-id: 200, micom-id: 300}
`

func TestParseGood(t *testing.T) {
	c, err := Parse("flashdeck.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Channels[0].PollInterval.D(); got != 15*time.Second {
		t.Errorf("poll_interval = %v", got)
	}
	if got := c.Channels[1].PollInterval.D(); got != DefaultPollInterval {
		t.Errorf("default poll_interval = %v", got)
	}
	if c.Channel("poco-global").IsEnabled() {
		t.Error("poco-global should be disabled")
	}
	if got := c.Sales[0].SKUs[0].FlashPrice.Money(); got != 199900000 {
		t.Errorf("flash_price = %d hundredths", got)
	}
	if got := c.Sales[0].Location().String(); got != "WIB" {
		t.Errorf("zone = %q, want WIB", got)
	}
	if c.Sales[0].Currency != "IDR" {
		t.Errorf("currency = %q", c.Sales[0].Currency)
	}
}

func TestParseErrorsNameFileLineField(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           string // substring of the error: file:line: field: words
	}{
		{"bad duration", "poll_interval: 15s", "poll_interval: 15x", `flashdeck.yaml:13: channels[0].poll_interval: "15x" is not a duration`},
		{"too fast", "poll_interval: 15s", "poll_interval: 100ms", "flashdeck.yaml:13: channels[0].poll_interval: 100ms is too often"},
		{"unknown kind", "kind: akulaku", "kind: shopee", `flashdeck.yaml:15: channels[1].kind: "shopee" is not a channel kind`},
		{"http off loopback", "https://ec-oapi.akulaku.com", "http://ec-oapi.akulaku.com", "flashdeck.yaml:16: channels[1].base_url: \"http://ec-oapi.akulaku.com\": plain http is refused off this machine"},
		{"missing secret env", "    app_secret_env: LAZADA_APP_SECRET\n", "", "channels[0].app_secret_env: required"},
		{"unknown field", "market: ID", "markt: ID", "flashdeck.yaml:8: channels[0].markt: field markt not found"},
		{"bad role", "role: viewer", "role: admin", `flashdeck.yaml:4: users[1].role: "admin" is not a role`},
		{"unknown channel in sku", "micom-id: 300}", "micom-xx: 300}", `sales[0].skus[0].allocated.micom-xx: channel "micom-xx" is not configured`},
		{"end before start", "end: 2026-11-23T23:59:00+07:00", "end: 2026-11-23T13:00:00+07:00", "flashdeck.yaml:34: sales[0].end: the sale ends"},
		{"end in year 10000", "end: 2026-11-23T23:59:00+07:00", "end: 9999-12-31T23:00:00-05:00", "sales[0].end: a sale may last at most 366 days"},
		{"start in year 1", "start: 2026-11-23T14:00:00+07:00", "start: 1999-11-23T14:00:00+07:00", "sales[0].start: the year 1999 is outside 2000–2199"},
		{"extension too long", "per_buyer_limit: 2", "per_buyer_limit: 2\n    max_extension: 9000h", "sales[0].max_extension: 9000h0m0s is outside 1m–8784h0m0s (366 days)"},
		{"allocation past the bound", "micom-id: 300}", "micom-id: 100000000000}", "sales[0].skus[0].allocated.micom-id: 100000000000 units is more than flashdeck takes"},
		{"replaced not closed", "    enabled: false\n", "", "channels[3].replaced_by: a replaced storefront must also say enabled: false"},
		{"replaced by unknown", "replaced_by: micom-id", "replaced_by: nowhere", `channels[3].replaced_by: channel "nowhere" is not configured`},
		{"bad price", "flash_price: 1999000", "flash_price: cheap", `flashdeck.yaml:39: sales[0].skus[0].flash_price: "cheap" is not a price`},
		{"duplicate id", "id: akulaku-id", "id: lazada-id", `channels[1].id: channel "lazada-id" is listed twice`},
		{"bad yaml", "  - id: micom-id", "  - id: [micom-id", "flashdeck.yaml:"},
		{"unknown rule disabled", "per_buyer_limit: 2", "per_buyer_limit: 2\n    flag_rules: {disabled: [bot_openning]}", `flashdeck.yaml:36: sales[0].flag_rules.disabled[0]: unknown rule "bot_openning"`},
		{"negative rule threshold", "per_buyer_limit: 2", "per_buyer_limit: 2\n    flag_rules: {max_accounts_per_address: -1}", `sales[0].flag_rules.max_accounts_per_address: must be 1 or more`},
		{"key inside state_dir", "state_dir: ./data", "state_dir: ./data\ndata_key_file: ./data/keys/data.key", "flashdeck.yaml:2: data_key_file: ./data/keys/data.key is inside state_dir (./data)"},
		{"key file empty", "state_dir: ./data", "state_dir: ./data\ndata_key_file: \"\"", "flashdeck.yaml:2: data_key_file: empty"},
		{"no retention", "state_dir: ./data", "state_dir: ./data\npersonal_data_days: 0", "flashdeck.yaml:2: personal_data_days: 0: must be a number of days from 1 to 3650"},
		{"retention too long", "state_dir: ./data", "state_dir: ./data\npersonal_data_days: 5000", "flashdeck.yaml:2: personal_data_days: 5000: must be a number of days"},
		{"velocity of one", "per_buyer_limit: 2", "per_buyer_limit: 2\n    flag_rules:\n      velocity_orders: 1", `flashdeck.yaml:37: sales[0].flag_rules.velocity_orders: 1 would flag every order`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(good, tc.old, tc.new, 1)
			if text == good {
				t.Fatalf("replacement %q not applied", tc.old)
			}
			_, err := Parse("flashdeck.yaml", []byte(text))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
		})
	}
}

func TestPersonalDataSettings(t *testing.T) {
	c, err := Parse("flashdeck.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataKeyFile != "" || c.PersonalDataRetention() != DefaultPersonalDataDays*24*time.Hour {
		t.Errorf("defaults: key %q, retention %v", c.DataKeyFile, c.PersonalDataRetention())
	}
	c, err = Parse("flashdeck.yaml", []byte("data_key_file: /etc/flashdeck/data.key\npersonal_data_days: 7\n"+good))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataKeyFile != "/etc/flashdeck/data.key" || c.PersonalDataRetention() != 7*24*time.Hour {
		t.Errorf("set: key %q, retention %v", c.DataKeyFile, c.PersonalDataRetention())
	}
}

func TestSecretNamesVariableNotValue(t *testing.T) {
	c, err := Parse("flashdeck.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	lookup := MapLookup(map[string]string{"LAZADA_APP_KEY": "k-123"})
	v, err := c.Secret(lookup, "lazada-id", "app_key_env", "LAZADA_APP_KEY")
	if err != nil || v != "k-123" {
		t.Fatalf("got %q, %v", v, err)
	}
	_, err = c.Secret(lookup, "lazada-id", "app_secret_env", "LAZADA_APP_SECRET")
	if err == nil || !strings.Contains(err.Error(), "flashdeck.yaml: channel lazada-id: app_secret_env: environment variable LAZADA_APP_SECRET is not set") {
		t.Fatalf("error = %v", err)
	}
}

func TestErrorsIsAList(t *testing.T) {
	text := strings.Replace(strings.Replace(good, "role: viewer", "role: admin", 1), "kind: akulaku", "kind: x", 1)
	_, err := Parse("f.yaml", []byte(text))
	var es Errors
	if !errors.As(err, &es) || len(es) != 2 {
		t.Fatalf("want 2 errors, got %v", err)
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{"127.0.0.1": true, "127.9.9.9": true, "::1": true, "localhost": true, "10.0.0.1": false, "api.lazada.co.id": false} {
		if IsLoopback(host) != want {
			t.Errorf("IsLoopback(%q) != %v", host, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("channels: [{id: x, kind: lazada}]"))
	f.Add([]byte("sales:\n  - id: a\n    skus: [{sku: x, allocated: {y: -1}}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err == nil && c == nil {
			t.Fatal("nil config without error")
		}
	})
}

func TestKeyringFallback(t *testing.T) {
	keyring.MockInit() // the library's in-memory keyring: no desktop session in tests
	c, err := Parse("flashdeck.yaml", []byte("keyring: true\n"+good))
	if err != nil {
		t.Fatal(err)
	}
	if err := SetKeyring("LAZADA_APP_SECRET", "from-keyring"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LAZADA_APP_KEY", "from-env")
	lookup := c.DefaultLookup()
	if v, _ := lookup("LAZADA_APP_KEY"); v != "from-env" {
		t.Errorf("env first: %q", v)
	}
	if v, _ := lookup("LAZADA_APP_SECRET"); v != "from-keyring" {
		t.Errorf("keyring second: %q", v)
	}
	_, err = c.Secret(lookup, "lazada-id", "access_token_env", "LAZADA_ACCESS_TOKEN")
	if err == nil || !strings.Contains(err.Error(), "nor in the OS keyring (flashdeck secret set LAZADA_ACCESS_TOKEN)") {
		t.Errorf("err = %v", err)
	}
	// A value typed where the name goes is refused, and not repeated.
	for _, name := range []string{"not a name", "sk_live_abc123", "7WQjgxUYo9lD0Ebhyv3I4I2qg1E7zKQk"} {
		for op, err := range map[string]error{"set": SetKeyring(name, "x"), "delete": DeleteKeyring(name)} {
			if err == nil || !strings.Contains(err.Error(), "looks like a value rather than a variable name") || strings.Contains(err.Error(), name) {
				t.Errorf("%s %q: %v", op, name, err)
			}
		}
	}
}

func TestWarehouseCode(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"on Lazada", "    poll_interval: 15s\n", "    poll_interval: 15s\n    warehouse_code: dropshipping\n", ""},
		{"on Akulaku", "    base_url: https://ec-oapi.akulaku.com\n", "    base_url: https://ec-oapi.akulaku.com\n    warehouse_code: dropshipping\n", "channels[1].warehouse_code: only a Lazada channel has warehouses"},
		{"with a space", "    poll_interval: 15s\n", "    poll_interval: 15s\n    warehouse_code: \" dropshipping\"\n", "is not a Lazada warehouse code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(good, tc.from, tc.to, 1)
			if text == good {
				t.Fatalf("the test config has no %q", tc.from)
			}
			_, err := Parse("flashdeck.yaml", []byte(text))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("%v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}
