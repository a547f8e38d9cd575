package config

import (
	"strings"
	"testing"
	"time"
)

// akulakuYAML is a config with one Akulaku channel as a seller writes it
// now: client credentials, the shop, and every unconfirmed setting spelled
// out.
const akulakuYAML = `channels:
  - id: akulaku-id
    kind: akulaku
    base_url: https://ec-oapi.akulaku.com
    app_id_env: AK_APP
    client_id_env: AK_CLIENT_ID
    client_secret_env: AK_CLIENT_SECRET
    private_key_env: AK_KEY
    shop_id: 2500826813492626438
    akulaku:
      timestamp_unit: s
      page_size: 100
      window: 24h
      status_map: {-1: cancelled, 7: refunded, 3: ""}
      token_error_codes: [TOKEN_EXPIRED, "401"]
      rate_limit_codes: [LIMIT]
sales:
  - id: s
    start: 2026-11-23T14:00:00+07:00
    end: 2026-11-23T23:59:00+07:00
    skus:
      - sku: POCO-M3
        allocated: {akulaku-id: 200}
`

func TestAkulakuChannel(t *testing.T) {
	c, err := Parse("flashdeck.yaml", []byte(akulakuYAML))
	if err != nil {
		t.Fatal(err)
	}
	ch := c.Channels[0]
	// An unquoted 19-digit number stays the digits written.
	if ch.ShopID != "2500826813492626438" || ch.ClientIDEnv != "AK_CLIENT_ID" || ch.ClientSecretEnv != "AK_CLIENT_SECRET" {
		t.Errorf("channel %+v", ch)
	}
	o := ch.Akulaku
	if o == nil || o.TimestampUnit != "s" || o.PageSize != 100 || o.Window.D() != 24*time.Hour ||
		o.StatusMap[-1] != "cancelled" || o.StatusMap[7] != "refunded" || o.StatusMap[3] != "" ||
		len(o.TokenErrorCodes) != 2 || o.TokenErrorCodes[1] != "401" || o.RateLimitCodes[0] != "LIMIT" {
		t.Errorf("akulaku block %+v", o)
	}

	// The static token alone is still a valid (if short-lived) setup.
	static := strings.Replace(strings.Replace(akulakuYAML, "    client_id_env: AK_CLIENT_ID\n    client_secret_env: AK_CLIENT_SECRET\n", "    access_token_env: AK_TOKEN\n", 1), "    shop_id: 2500826813492626438\n", "", 1)
	if _, err := Parse("flashdeck.yaml", []byte(static)); err != nil {
		t.Errorf("static token without shop: %v", err)
	}
}

func TestAkulakuChannelErrorsNameFileLineField(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           string
	}{
		{"no credentials", "    client_id_env: AK_CLIENT_ID\n    client_secret_env: AK_CLIENT_SECRET\n", "",
			"flashdeck.yaml:2: channels[0].client_id_env: required: client_id_env and client_secret_env"},
		{"id without secret", "    client_secret_env: AK_CLIENT_SECRET\n", "",
			"flashdeck.yaml:2: channels[0].client_secret_env: required"},
		{"secret without id", "    client_id_env: AK_CLIENT_ID\n", "",
			"flashdeck.yaml:2: channels[0].client_id_env: required"},
		{"secret written in the file", "client_secret_env: AK_CLIENT_SECRET", "client_secret_env: s3cr3t-value!",
			"flashdeck.yaml:7: channels[0].client_secret_env: looks like a value rather than the name of an environment variable (13 characters, not repeated here)"},
		{"no shop with client credentials", "    shop_id: 2500826813492626438\n", "",
			"flashdeck.yaml:2: channels[0].shop_id: required with client credentials"},
		{"shop not a number", "shop_id: 2500826813492626438", "shop_id: shop-1",
			"flashdeck.yaml:9: channels[0].shop_id: must be a number of up to 19 digits"},
		{"shop beyond a long", "shop_id: 2500826813492626438", "shop_id: 9300826813492626438",
			"flashdeck.yaml:9: channels[0].shop_id: is larger than a shop id can be"},
		{"timestamp unit", "timestamp_unit: s", "timestamp_unit: us",
			`flashdeck.yaml:11: channels[0].akulaku.timestamp_unit: "us" is not a unit: ms (the default) or s`},
		{"page size", "page_size: 100", "page_size: 500",
			"flashdeck.yaml:12: channels[0].akulaku.page_size: 500 is outside 1..100"},
		{"window", "window: 24h", "window: 1m",
			"flashdeck.yaml:13: channels[0].akulaku.window: 1m0s is outside 10m0s..2160h0m0s"},
		{"window not a duration", "window: 24h", "window: 15d",
			`flashdeck.yaml:13: channels[0].akulaku.window: "15d" is not a duration`},
		{"status word", "7: refunded", "7: On Hold",
			`flashdeck.yaml:14: channels[0].akulaku.status_map.7: "On Hold": a status word is lower-case letters`},
		{"status code not a number", "7: refunded", "seven: refunded",
			"flashdeck.yaml:14: channels[0].akulaku.status_map"},
		{"empty error code", `"401"`, `" "`,
			"flashdeck.yaml:15: channels[0].akulaku.token_error_codes[1]: an empty error code"},
		{"unknown setting", "page_size: 100", "pagesize: 100",
			"flashdeck.yaml:12: channels[0].akulaku.pagesize: field pagesize not found"},
		{"block on another kind", "kind: akulaku", "kind: brandstore\n    token_env: T",
			"flashdeck.yaml:11: channels[0].akulaku: only a channel of kind akulaku takes this block"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(akulakuYAML, tc.old, tc.new, 1)
			if text == akulakuYAML {
				t.Fatalf("replacement %q not applied", tc.old)
			}
			_, err := Parse("flashdeck.yaml", []byte(text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
		})
	}
}
