// Package config loads and validates flashdeck.yaml (DESIGN.md sections 8
// and 10). Every error names the file, the line and the field, so a wrong
// value is found in seconds. Credentials are never in the file: it names
// environment variables, and Resolve reads them.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // sale time zones must resolve on machines without zoneinfo

	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/salesheet"
	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/akulaku"
	"go.yaml.in/yaml/v3"
)

// Kind values accepted for channels.
const KindSimulator = "simulator"

// Roles.
const (
	RoleViewer   = "viewer"
	RoleOperator = "operator"
)

// Defaults.
const (
	DefaultPollInterval = 15 * time.Second
	MinPollInterval     = time.Second
	DefaultStateDir     = "./flashdeck-data"
	// DefaultPersonalDataDays is how long after a sale ends its buyers'
	// personal data is kept when personal_data_days is not set.
	DefaultPersonalDataDays = 30
	// MaxPersonalDataDays bounds personal_data_days (ten years).
	MaxPersonalDataDays = 3650
	// DefaultMaxExtension is how far past its configured end a sale may be
	// extended when the config does not say (sales[].max_extension).
	DefaultMaxExtension = 7 * 24 * time.Hour
	// MaxMaxExtension and MaxSaleLength bound what a config may ask for:
	// a flash sale is counted in hours or days, and every time flashdeck
	// keeps must stay printable (RFC 3339 stops at year 9999).
	MaxMaxExtension = 366 * 24 * time.Hour
	MaxSaleLength   = 366 * 24 * time.Hour
	// MaxAllocation bounds one SKU's units on one channel.
	MaxAllocation = 100_000_000
)

// The years a sale's start and end may fall in.
const (
	MinSaleYear = 2000
	MaxSaleYear = 2199
)

// Config is a loaded, validated configuration.
type Config struct {
	// Path is the file it was read from ("" when built in code).
	Path            string    `yaml:"-"`
	StateDir        string    `yaml:"state_dir,omitempty"`
	Users           []User    `yaml:"users,omitempty"`
	Channels        []Channel `yaml:"channels,omitempty"`
	Sales           []Sale    `yaml:"sales,omitempty"`
	MetricsTokenEnv string    `yaml:"metrics_token_env,omitempty"`
	// DataKeyFile holds the key buyers' personal data is sealed with in
	// the database: 32 bytes, created readable by the owner only on first
	// start. Empty: $FLASHDECK_DATA_KEY_FILE, else flashdeck/data.key in
	// the user's configuration directory. Never inside state_dir, so that
	// a copy of the database does not carry its key. A relative path is
	// from the working directory, as state_dir's is.
	DataKeyFile string `yaml:"data_key_file,omitempty"`
	// PersonalDataDays is how many days after a sale ends its buyers'
	// personal data is kept (DefaultPersonalDataDays when 0); then it is
	// purged from the stored orders, which stay with their figures, and
	// the flags keep their masked forms. Orders that count for no sale
	// keep theirs that many days after they were placed.
	PersonalDataDays int `yaml:"personal_data_days,omitempty"`
	// Clock, when set, makes sale time run from an anchor at a speed: for a
	// simulator playing a sale faster than real time (`flashdeck simulate`).
	Clock *Clock `yaml:"clock,omitempty"`
	// Keyring: a credential whose environment variable is not set is read
	// from the OS keyring under the same name (desktop users; see
	// `flashdeck secret set`).
	Keyring bool `yaml:"keyring,omitempty"`
}

// User is a person or screen allowed to use a collector.
type User struct {
	Name     string `yaml:"name,omitempty"`
	Role     string `yaml:"role,omitempty"`
	TokenEnv string `yaml:"token_env,omitempty"`
}

// Channel is one sales channel. Credentials are environment variable names.
type Channel struct {
	ID      string `yaml:"id,omitempty"`
	Name    string `yaml:"name,omitempty"`
	Kind    string `yaml:"kind,omitempty"`
	Market  string `yaml:"market,omitempty"`
	BaseURL string `yaml:"base_url,omitempty"`
	// AuthURL is Lazada's token service (default https://auth.lazada.com/rest).
	AuthURL string `yaml:"auth_url,omitempty"`

	AppKeyEnv       string `yaml:"app_key_env,omitempty"`
	AppSecretEnv    string `yaml:"app_secret_env,omitempty"`
	AccessTokenEnv  string `yaml:"access_token_env,omitempty"`
	RefreshTokenEnv string `yaml:"refresh_token_env,omitempty"`
	AppIDEnv        string `yaml:"app_id_env,omitempty"`
	PrivateKeyEnv   string `yaml:"private_key_env,omitempty"`
	TokenEnv        string `yaml:"token_env,omitempty"`

	// Akulaku: ClientIDEnv and ClientSecretEnv name the variables holding
	// the app's client credentials, from which the client obtains its
	// access tokens and renews them before they expire (access_token_env
	// is then optional); ShopID is the shop whose orders are read, sent as
	// shopId (digits, up to 19; required with client credentials).
	ClientIDEnv     string `yaml:"client_id_env,omitempty"`
	ClientSecretEnv string `yaml:"client_secret_env,omitempty"`
	ShopID          string `yaml:"shop_id,omitempty"`
	// Akulaku holds what no public source confirms about Akulaku's API;
	// each setting has a default (see AkulakuOptions).
	Akulaku *AkulakuOptions `yaml:"akulaku,omitempty"`

	PollInterval  Duration `yaml:"poll_interval,omitempty"`
	StockInterval Duration `yaml:"stock_interval,omitempty"`
	Timeout       Duration `yaml:"timeout,omitempty"`
	// MaxCallsPerSecond spaces this channel's API calls (0: the kind's default).
	MaxCallsPerSecond float64 `yaml:"max_calls_per_second,omitempty"`
	// CancelReasonID is the Lazada reason_id cancel_order prefers when the
	// channel offers it (by default the first reason that does not zero
	// the SKU's stock).
	CancelReasonID string `yaml:"cancel_reason_id,omitempty"`
	// WarehouseCode is the Lazada warehouse that holds the sale's stock
	// (multiWarehouseInventories[].warehouseCode). Empty: every warehouse
	// a SKU reports counts, and a pause takes the stock of each.
	WarehouseCode string `yaml:"warehouse_code,omitempty"`
	Enabled       *bool  `yaml:"enabled,omitempty"`
	ReplacedBy    string `yaml:"replaced_by,omitempty"`
}

// IsEnabled reports whether the channel is polled (enabled unless said otherwise).
func (c *Channel) IsEnabled() bool { return c.Enabled == nil || *c.Enabled }

// DisplayName is the name shown on screen: Name, or the id.
func (c *Channel) DisplayName() string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// AkulakuOptions is the akulaku: block of an Akulaku channel: what no
// public source confirms about Akulaku's API (its documentation is behind
// the seller portal). Each setting is optional and defaults to what the
// client assumes; change one when Akulaku's own documentation or an answer
// of the real service says otherwise. A nested block keeps these apart
// from the confirmed settings, so a reader sees which are guesses.
type AkulakuOptions struct {
	// TimestampUnit of the timestamp header: ms (default; two of three
	// public clients) or s (the third).
	TimestampUnit string `yaml:"timestamp_unit,omitempty"`
	// PageSize of the order list: 30 by default (one public client calls
	// it Akulaku's maximum), at most 100 (what two others send).
	PageSize int `yaml:"page_size,omitempty"`
	// Window is the longest update-time window one order-list call asks
	// for: 360h (15 days, how one public client reads) by default,
	// between 10m and 2160h (90 days).
	Window Duration `yaml:"window,omitempty"`
	// StatusMap maps order status codes to words, over the defaults
	// (2 unpaid, 3 awaiting_acceptance, 4 awaiting_shipment, 5 shipped,
	// 6 completed, -1 cancelled); a code mapped to "" is removed. A word
	// cancelled, canceled, returned, refunded or failed counts no units.
	StatusMap map[int64]string `yaml:"status_map,omitempty"`
	// TokenErrorCodes are the errCodes that mean the access token is
	// invalid or expired (renewed, and the call repeated); by default
	// ACCESS_TOKEN_INVALID and ACCESS_TOKEN_EXPIRED.
	TokenErrorCodes []string `yaml:"token_error_codes,omitempty"`
	// RateLimitCodes are the errCodes of a rate limit; by default
	// REQUEST_TOO_FREQUENT.
	RateLimitCodes []string `yaml:"rate_limit_codes,omitempty"`
}

// Sale is one launch.
type Sale struct {
	ID            string    `yaml:"id,omitempty"`
	Name          string    `yaml:"name,omitempty"`
	Start         time.Time `yaml:"start,omitempty"`
	End           time.Time `yaml:"end,omitempty"`
	PerBuyerLimit int       `yaml:"per_buyer_limit,omitempty"`
	// MaxExtension is how far past End an operator may extend the sale
	// (DefaultMaxExtension when zero).
	MaxExtension Duration `yaml:"max_extension,omitempty"`
	// TimeZone is an IANA zone (Asia/Jakarta); by default the start's offset,
	// labelled for the markets flashdeck knows (+07:00 is WIB).
	TimeZone string `yaml:"time_zone,omitempty"`
	// Currency is ISO 4217; IDR by default.
	Currency string `yaml:"currency,omitempty"`
	SKUs     []SKU  `yaml:"skus,omitempty"`
	// SKUsFile is a sale sheet (CSV or XLSX, see app/salesheet) the SKUs
	// are read from instead of skus:, relative to the config file: the
	// launch manager's spreadsheet, not 1,400 entries typed into YAML.
	SKUsFile string `yaml:"skus_file,omitempty"`
	// FlagRules tunes the scalper rules for this sale (defaults when absent).
	FlagRules FlagRules `yaml:"flag_rules,omitempty"`
	// StockCheck tunes how a channel's own stock is judged against what
	// remains of the allocation (defaults when absent).
	StockCheck StockCheck `yaml:"stock_check,omitempty"`

	loc *time.Location
}

// Location is the sale's own time zone, for display.
func (s *Sale) Location() *time.Location {
	if s.loc != nil {
		return s.loc
	}
	return zoneFor(s.Start)
}

// MaxEnd is the latest end an extension may give the sale: End plus
// MaxExtension (or DefaultMaxExtension).
func (s *Sale) MaxEnd() time.Time {
	d := time.Duration(s.MaxExtension)
	if d <= 0 {
		d = DefaultMaxExtension
	}
	return s.End.Add(d)
}

// SetLocation sets the display zone (for sales built in code).
func (s *Sale) SetLocation(l *time.Location) { s.loc = l }

// StockCheck are a sale's thresholds for comparing a channel's sellable
// stock with what remains of the allocation; zero means the default.
type StockCheck struct {
	// OversellMargin is how many units a channel may offer beyond what
	// remains before it is an oversell risk (default 0).
	OversellMargin int `yaml:"oversell_margin,omitempty"`
	// InFlightSlack is added to the units the orders not yet read may
	// explain (the rate over how far the count was behind, and a poll);
	// by default the per-buyer limit, 2 without one.
	InFlightSlack int `yaml:"in_flight_slack,omitempty"`
	// StaleAfter is how old a stock reading may be before it is too old
	// to judge (default three of the channel's stock_interval).
	StaleAfter Duration `yaml:"stale_after,omitempty"`
}

// FlagRules are a sale's thresholds for flagged transactions; zero means
// the default (see app/rules).
type FlagRules struct {
	MaxAccountsPerPhone   int      `yaml:"max_accounts_per_phone,omitempty"`
	MaxAccountsPerAddress int      `yaml:"max_accounts_per_address,omitempty"`
	MaxAccountsPerPayment int      `yaml:"max_accounts_per_payment,omitempty"`
	VelocityOrders        int      `yaml:"velocity_orders,omitempty"`
	VelocityWindow        Duration `yaml:"velocity_window,omitempty"`
	MinCheckout           Duration `yaml:"min_checkout,omitempty"`
	JigVariants           int      `yaml:"jig_variants,omitempty"`
	// Disabled lists rule ids not to evaluate.
	Disabled []string `yaml:"disabled,omitempty"`
}

// SKU is one product of a sale with its stock per channel.
type SKU struct {
	SKU        string         `yaml:"sku,omitempty"`
	Name       string         `yaml:"name,omitempty"`
	FlashPrice Money          `yaml:"flash_price,omitempty"`
	Allocated  map[string]int `yaml:"allocated,omitempty"`
}

// Money is a price written in the currency's units (1999000 or "1999000.50"),
// held in hundredths.
type Money datasources.Money

// UnmarshalYAML implements yaml.Unmarshaler.
func (m *Money) UnmarshalYAML(n *yaml.Node) error {
	// One rule with sale sheets: up to a trillion units, beyond which a
	// price is a typo and float64 would no longer keep its cents.
	v, err := salesheet.ParsePrice(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*m = Money(v)
	return nil
}

// Duration is a time.Duration written as "15s", "2m".
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(strings.TrimSpace(n.Value))
	if err == nil && v < 0 {
		return fmt.Errorf("line %d: %q is a negative duration", n.Line, n.Value)
	}
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (write e.g. 15s, 2m)", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Clock anchors simulated sale time: at wall time WallAt the sale clock read
// SaleAt, and it runs Speed times faster.
type Clock struct {
	WallAt time.Time `yaml:"wall_at,omitempty"`
	SaleAt time.Time `yaml:"sale_at,omitempty"`
	Speed  float64   `yaml:"speed,omitempty"`
}

// Now returns the sale time now.
func (c *Clock) Now() time.Time {
	return c.SaleAt.Add(time.Duration(float64(time.Since(c.WallAt)) * c.Speed))
}

// Error is a configuration problem at a place in the file.
type Error struct {
	File  string
	Line  int
	Field string // dotted path: channels[0].poll_interval
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found, in file order.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Load reads and validates a configuration file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Parse decodes and validates configuration text; path is used in messages.
func Parse(path string, data []byte) (*Config, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, yamlError(path, err, nil)
	}
	lines := map[string]int{}
	indexLines(&root, "", lines)
	cfg := &Config{Path: path}
	dec = yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return nil, yamlError(path, err, lines)
	}
	cfg.Path = path
	if err := cfg.validate(lines); err != nil {
		return nil, err
	}
	return cfg, nil
}

// yamlError turns yaml's "line N: msg" errors into file:line: field errors.
func yamlError(path string, err error, lines map[string]int) error {
	// The field a line holds, for errors that only know the line.
	fields := map[int]string{}
	for p, l := range lines {
		if cur, ok := fields[l]; !ok || len(p) > len(cur) {
			fields[l] = p
		}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var es Errors
		for _, m := range te.Errors {
			es = append(es, lineError(path, m, fields))
		}
		return es
	}
	return Errors{lineError(path, err.Error(), fields)}
}

func lineError(path, msg string, fields map[int]string) *Error {
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		rest := m[2]
		// Custom unmarshalers put their own "line N:" after yaml's.
		if m2 := yamlLine.FindStringSubmatch(rest); m2 != nil {
			n, _ = strconv.Atoi(m2[1])
			rest = m2[2]
		}
		return &Error{File: path, Line: n, Field: fields[n], Msg: rest}
	}
	return &Error{File: path, Msg: msg}
}

// indexLines records the line of every mapping key and sequence item by its
// dotted path, so validation errors can point at the line.
func indexLines(n *yaml.Node, path string, out map[string]int) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			indexLines(c, path, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			out[p] = k.Line
			indexLines(v, p, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			out[p] = c.Line
			indexLines(c, p, out)
		}
	}
}

type validator struct {
	file  string
	lines map[string]int
	errs  Errors
}

// add records a problem at field (the nearest known ancestor gives the line).
func (v *validator) add(field, format string, args ...any) {
	line := 0
	for p := field; p != ""; {
		if l, ok := v.lines[p]; ok {
			line = l
			break
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	v.errs = append(v.errs, &Error{File: v.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

var (
	idPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)
	envPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// validate applies the defaults, then checks every section, collecting
// every problem with its line.
func (c *Config) validate(lines map[string]int) error {
	c.applyDefaults()
	v := &validator{file: c.Path, lines: lines}
	checkEnvNames(v, "", c, func(string) string { return "FLASHDECK_METRICS_TOKEN" })
	c.validateUsers(v)
	c.validatePersonalData(v)
	ids := c.validateChannels(v)
	c.validateSales(v, ids)
	c.validateClock(v)
	if len(v.errs) > 0 {
		return v.errs
	}
	return nil
}

// applyDefaults fills in what the file left out, in one place, before
// anything is checked: a default is always a valid value, so the checks
// only ever see what was written or what flashdeck chose.
func (c *Config) applyDefaults() {
	if c.StateDir == "" {
		c.StateDir = DefaultStateDir
	}
	for i := range c.Channels {
		c.Channels[i].applyDefaults()
	}
	for i := range c.Sales {
		c.Sales[i].applyDefaults()
	}
	if c.Clock != nil && c.Clock.Speed <= 0 {
		c.Clock.Speed = 1
	}
}

// applyDefaults fills in a channel's intervals and timeout; a channel of
// no known kind gets none (it is refused).
func (ch *Channel) applyDefaults() {
	switch ch.Kind {
	case datasources.KindLazada, datasources.KindAkulaku, datasources.KindBrandstore:
	default:
		return
	}
	if ch.PollInterval == 0 {
		ch.PollInterval = Duration(DefaultPollInterval)
	}
	if ch.StockInterval == 0 {
		ch.StockInterval = Duration(max(4*ch.PollInterval.D(), 30*time.Second))
	}
	if ch.Timeout == 0 {
		ch.Timeout = Duration(10 * time.Second)
	}
}

// applyDefaults names a sale after its id and prices it in rupiah unless
// the file says otherwise.
func (s *Sale) applyDefaults() {
	if s.Name == "" {
		s.Name = s.ID
	}
	if s.Currency == "" {
		s.Currency = "IDR"
	}
}

// validateChannels checks every channel and the replacements between
// them, and returns the ids configured.
func (c *Config) validateChannels(v *validator) map[string]bool {
	ids := map[string]bool{}
	for i := range c.Channels {
		ch := &c.Channels[i]
		f := fmt.Sprintf("channels[%d]", i)
		if !idPattern.MatchString(ch.ID) {
			v.add(f+".id", "%q is not a channel id (lower-case letters, digits, - _ .)", ch.ID)
		} else if ids[ch.ID] {
			v.add(f+".id", "channel %q is listed twice", ch.ID)
		}
		ids[ch.ID] = true
		checkEnvNames(v, f, ch, func(field string) string {
			return envNameFor(ch.ID + "_" + strings.TrimSuffix(field, "_env"))
		})
		c.validateChannel(v, f, ch)
	}
	for i, ch := range c.Channels {
		if ch.ReplacedBy != "" {
			f := fmt.Sprintf("channels[%d].replaced_by", i)
			if !ids[ch.ReplacedBy] {
				v.add(f, "channel %q is not configured", ch.ReplacedBy)
			} else if ch.ReplacedBy == ch.ID {
				v.add(f, "a channel cannot replace itself")
			}
			if ch.IsEnabled() {
				v.add(f, "a replaced storefront must also say enabled: false (it is closed)")
			}
		}
	}
	return ids
}

// validateSales checks every sale: its id, its times and settings, and
// its SKUs against the channels configured (ids).
func (c *Config) validateSales(v *validator, ids map[string]bool) {
	saleIDs := map[string]bool{}
	for i := range c.Sales {
		s := &c.Sales[i]
		f := fmt.Sprintf("sales[%d]", i)
		if !idPattern.MatchString(s.ID) {
			v.add(f+".id", "%q is not a sale id (lower-case letters, digits, - _ .)", s.ID)
		} else if saleIDs[s.ID] {
			v.add(f+".id", "sale %q is listed twice", s.ID)
		}
		saleIDs[s.ID] = true
		validateSaleTimes(v, f, s)
		validateSaleSettings(v, f, s)
		if s.SKUsFile != "" {
			c.loadSKUsFile(v, f, s)
		}
		validateSaleSKUs(v, f, s, ids)
	}
}

// validateSaleTimes checks a sale's start, end and extension.
func validateSaleTimes(v *validator, f string, s *Sale) {
	if s.Start.IsZero() {
		v.add(f+".start", "a sale needs a start time (RFC 3339, e.g. 2026-11-23T14:00:00+07:00)")
	}
	if s.End.IsZero() {
		v.add(f+".end", "a sale needs an end time (RFC 3339)")
	} else if !s.End.After(s.Start) {
		v.add(f+".end", "the sale ends (%s) before it starts (%s)", s.End.Format(time.RFC3339), s.Start.Format(time.RFC3339))
	} else if !s.Start.IsZero() && s.End.Sub(s.Start) > MaxSaleLength {
		v.add(f+".end", "a sale may last at most %d days; this one lasts %.0f days", MaxSaleLength/(24*time.Hour), s.End.Sub(s.Start).Hours()/24)
	}
	for _, t := range []struct {
		field string
		at    time.Time
	}{{".start", s.Start}, {".end", s.End}} {
		if y := t.at.UTC().Year(); !t.at.IsZero() && (y < MinSaleYear || y > MaxSaleYear) {
			v.add(f+t.field, "the year %d is outside %d–%d", y, MinSaleYear, MaxSaleYear)
		}
	}
	if d := time.Duration(s.MaxExtension); d != 0 && (d < time.Minute || d > MaxMaxExtension) {
		v.add(f+".max_extension", "%s is outside 1m–%s (%d days)", d, MaxMaxExtension, MaxMaxExtension/(24*time.Hour))
	}
}

// validateSaleSettings checks a sale's limits, flag rules, stock check,
// time zone (kept for the sale's clock) and currency.
func validateSaleSettings(v *validator, f string, s *Sale) {
	if s.PerBuyerLimit < 0 {
		v.add(f+".per_buyer_limit", "must be 0 (no limit) or more")
	}
	validateFlagRules(v, f+".flag_rules", &s.FlagRules)
	if sc := s.StockCheck; sc.OversellMargin < 0 || sc.OversellMargin > MaxAllocation {
		v.add(f+".stock_check.oversell_margin", "must be between 0 and %d units", MaxAllocation)
	}
	if sc := s.StockCheck; sc.InFlightSlack < 0 || sc.InFlightSlack > MaxAllocation {
		v.add(f+".stock_check.in_flight_slack", "must be between 0 and %d units", MaxAllocation)
	}
	if d := s.StockCheck.StaleAfter.D(); d != 0 && (d < time.Second || d > 24*time.Hour) {
		v.add(f+".stock_check.stale_after", "%s is outside 1s–24h", d)
	}
	if s.TimeZone != "" {
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			v.add(f+".time_zone", "%q is not a time zone (e.g. Asia/Jakarta)", s.TimeZone)
		} else {
			s.loc = loc
		}
	}
	if len(s.Currency) != 3 || strings.ToUpper(s.Currency) != s.Currency {
		v.add(f+".currency", "%q is not an ISO 4217 code (e.g. IDR)", s.Currency)
	}
}

// validateSaleSKUs checks a sale's SKUs: each listed once, with stock
// allocated on configured channels (ids) only.
func validateSaleSKUs(v *validator, f string, s *Sale, ids map[string]bool) {
	if len(s.SKUs) == 0 && s.SKUsFile == "" {
		v.add(f+".skus", "a sale needs at least one SKU (skus:, or skus_file: a sale sheet)")
	}
	skus := map[string]bool{}
	for j, k := range s.SKUs {
		kf := fmt.Sprintf("%s.skus[%d]", f, j)
		if strings.TrimSpace(k.SKU) == "" {
			v.add(kf+".sku", "a SKU needs its seller SKU")
		} else if skus[k.SKU] {
			v.add(kf+".sku", "SKU %q is listed twice in this sale", k.SKU)
		}
		skus[k.SKU] = true
		if len(k.Allocated) == 0 {
			v.add(kf+".allocated", "say how much stock each channel has (allocated: {channel-id: units})")
		}
		chs := make([]string, 0, len(k.Allocated))
		for ch := range k.Allocated {
			chs = append(chs, ch)
		}
		slices.Sort(chs)
		for _, ch := range chs {
			n := k.Allocated[ch]
			if !ids[ch] {
				v.add(kf+".allocated."+ch, "channel %q is not configured", ch)
			}
			if n < 0 {
				v.add(kf+".allocated."+ch, "allocated stock cannot be negative (%d)", n)
			} else if n > MaxAllocation {
				v.add(kf+".allocated."+ch, "%d units is more than flashdeck takes for one SKU on one channel (%d)", n, MaxAllocation)
			}
		}
	}
}

// validateClock checks the sale clock of a rehearsal.
func (c *Config) validateClock(v *validator) {
	if c.Clock != nil && (c.Clock.WallAt.IsZero() || c.Clock.SaleAt.IsZero()) {
		v.add("clock", "a clock needs wall_at and sale_at")
	}
}

// loadSKUsFile reads a sale's skus_file into its SKUs. Each problem of
// the sheet is an error at skus_file naming the sheet's row and column;
// the SKUs read are then checked as skus: would be.
func (c *Config) loadSKUsFile(v *validator, f string, s *Sale) {
	if len(s.SKUs) > 0 {
		v.add(f+".skus_file", "a sale takes its SKUs from skus: or from skus_file:, not both")
		return
	}
	sheet, err := salesheet.Load(c.SheetPath(s), SheetOptions(c))
	var es salesheet.Errors
	if errors.As(err, &es) {
		for _, e := range es {
			v.add(f+".skus_file", "%v", e)
		}
		return
	} else if err != nil {
		v.add(f+".skus_file", "%v", err)
		return
	}
	s.SKUs = SKUsOf(sheet)
}

// SheetPath is where a sale's skus_file is: relative to the config file
// (to the working directory for a config built in code).
func (c *Config) SheetPath(s *Sale) string {
	if s.SKUsFile == "" || filepath.IsAbs(s.SKUsFile) || c.Path == "" {
		return s.SKUsFile
	}
	return filepath.Join(filepath.Dir(c.Path), s.SKUsFile)
}

// SheetOptions are what a sale sheet is checked against under this
// configuration: its channels and the bounds skus: has.
func SheetOptions(c *Config) salesheet.Options {
	ids := make([]string, 0, len(c.Channels))
	for _, ch := range c.Channels {
		ids = append(ids, ch.ID)
	}
	return salesheet.Options{Channels: ids, MaxAllocation: MaxAllocation}
}

// SKUsOf are a sheet's rows as a sale's SKUs.
func SKUsOf(sh *salesheet.Sheet) []SKU {
	out := make([]SKU, len(sh.Rows))
	for i, r := range sh.Rows {
		out[i] = SKU{SKU: r.SKU, Name: r.Name, FlashPrice: Money(r.FlashPrice), Allocated: r.Allocated}
	}
	return out
}

// validateUsers checks the users: each named once, with a role, and with
// a token variable of their own — two users reading one variable have one
// token, and the collector could not tell them apart (the one listed last
// would take the other's role). The metrics token is not a user's either:
// it sits in a Prometheus configuration.
func (c *Config) validateUsers(v *validator) {
	names := map[string]int{}
	tokens := map[string]int{}
	for i := range c.Users {
		u := &c.Users[i]
		f := fmt.Sprintf("users[%d]", i)
		if u.Name == "" {
			v.add(f+".name", "a user needs a name")
		} else if j, ok := names[u.Name]; ok {
			v.add(f+".name", "user %q is listed twice (users[%d] and users[%d]): one entry per person, with one role", u.Name, j, i)
		} else {
			names[u.Name] = i
		}
		if u.Role != RoleViewer && u.Role != RoleOperator {
			v.add(f+".role", "%q is not a role (viewer or operator)", u.Role)
		}
		checkEnvNames(v, f, u, func(string) string { return envNameFor("FLASHDECK_TOKEN_" + u.Name) })
		checkEnv(v, f+".token_env", u.TokenEnv, true)
		if u.TokenEnv == "" || envKind(u.TokenEnv) != envIsName {
			continue
		}
		if j, ok := tokens[u.TokenEnv]; ok {
			v.add(f+".token_env", "users[%d] %s and users[%d] %s read the same variable %s, so they share one token: give each user a token of their own",
				j, c.Users[j].Name, i, u.Name, u.TokenEnv)
		} else {
			tokens[u.TokenEnv] = i
		}
	}
	if j, ok := tokens[c.MetricsTokenEnv]; ok && c.MetricsTokenEnv != "" {
		v.add("metrics_token_env", "users[%d] %s's token (%s) would also be the metrics token, kept in Prometheus' configuration: give /metrics a token of its own",
			j, c.Users[j].Name, c.MetricsTokenEnv)
	}
}

// envNameFor makes a variable name of s (upper case, _ for anything else
// than a letter or digit), to suggest one; "" when none can be made.
func envNameFor(s string) string {
	n := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, s)
	if !envPattern.MatchString(n) || len(n) > 64 {
		return ""
	}
	return n
}

// validatePersonalData checks data_key_file and personal_data_days.
func (c *Config) validatePersonalData(v *validator) {
	if _, set := v.lines["personal_data_days"]; set && c.PersonalDataDays == 0 || c.PersonalDataDays < 0 || c.PersonalDataDays > MaxPersonalDataDays {
		v.add("personal_data_days", "%d: must be a number of days from 1 to %d (how long after a sale ends its buyers' phones and addresses are kept; default %d)",
			c.PersonalDataDays, MaxPersonalDataDays, DefaultPersonalDataDays)
	}
	if _, set := v.lines["data_key_file"]; !set {
		return
	}
	if strings.TrimSpace(c.DataKeyFile) == "" {
		v.add("data_key_file", "empty: name the file that holds the data key, or leave the field out for the default (flashdeck/data.key in the user's configuration directory)")
		return
	}
	key, err1 := filepath.Abs(c.DataKeyFile)
	dir, err2 := filepath.Abs(c.StateDir)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(dir, key); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			v.add("data_key_file", "%s is inside state_dir (%s): a copy of the database's directory would carry the key that opens it; keep the key elsewhere", c.DataKeyFile, c.StateDir)
		}
	}
}

// PersonalDataRetention is how long after a sale ends its buyers'
// personal data is kept.
func (c *Config) PersonalDataRetention() time.Duration {
	d := c.PersonalDataDays
	if d <= 0 {
		d = DefaultPersonalDataDays
	}
	return time.Duration(d) * 24 * time.Hour
}

// validateChannel checks one channel: its kind, intervals, and the
// credentials and URLs its kind needs.
func (c *Config) validateChannel(v *validator, f string, ch *Channel) {
	switch ch.Kind {
	case datasources.KindLazada, datasources.KindAkulaku, datasources.KindBrandstore:
	case KindSimulator:
		v.add(f+".kind", "kind simulator is only for the built-in demo; run `flashdeck simulate` and use the config it prints")
		return
	case "":
		v.add(f+".kind", "a channel needs a kind (lazada, akulaku or brandstore)")
		return
	default:
		v.add(f+".kind", "%q is not a channel kind (lazada, akulaku or brandstore)", ch.Kind)
		return
	}
	if ch.PollInterval.D() < MinPollInterval {
		v.add(f+".poll_interval", "%s is too often: at least %s (channels disable apps that poll in a tight loop)", ch.PollInterval.D(), MinPollInterval)
	}
	if ch.MaxCallsPerSecond < 0 {
		v.add(f+".max_calls_per_second", "cannot be negative")
	}
	if w := ch.WarehouseCode; w != "" {
		switch {
		case ch.Kind != datasources.KindLazada:
			v.add(f+".warehouse_code", "only a Lazada channel has warehouses (this one is %s)", ch.Kind)
		case len(w) > 64 || strings.TrimSpace(w) != w || strings.ContainsFunc(w, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			v.add(f+".warehouse_code", "%q is not a Lazada warehouse code (up to 64 visible characters, as multiWarehouseInventories[].warehouseCode shows it)", w)
		}
	}
	if !ch.IsEnabled() {
		// A closed storefront keeps its history; nothing is called, so
		// nothing else is required of it. A credential in its URLs is
		// still one written in the file.
		checkURLCredentials(v, f+".base_url", ch.BaseURL, ch.Kind)
		checkURLCredentials(v, f+".auth_url", ch.AuthURL, ch.Kind)
		return
	}
	checkURL(v, f+".base_url", ch.BaseURL, ch.Kind, true)
	if ch.Akulaku != nil && ch.Kind != datasources.KindAkulaku {
		v.add(f+".akulaku", "only a channel of kind akulaku takes this block")
	}
	need := func(field, val string) { checkEnv(v, f+"."+field, val, true) }
	switch ch.Kind {
	case datasources.KindLazada:
		if ch.AuthURL != "" {
			checkURL(v, f+".auth_url", ch.AuthURL, ch.Kind, true)
		}
		need("app_key_env", ch.AppKeyEnv)
		need("app_secret_env", ch.AppSecretEnv)
		need("access_token_env", ch.AccessTokenEnv)
		if ch.RefreshTokenEnv != "" {
			checkEnv(v, f+".refresh_token_env", ch.RefreshTokenEnv, false)
		}
	case datasources.KindAkulaku:
		validateAkulaku(v, f, ch)
	case datasources.KindBrandstore:
		need("token_env", ch.TokenEnv)
	}
}

// validateAkulaku checks an Akulaku channel: client credentials (both or
// neither) or a static access token, the shop with client credentials, and
// the akulaku: block's settings.
func validateAkulaku(v *validator, f string, ch *Channel) {
	checkEnv(v, f+".app_id_env", ch.AppIDEnv, true)
	checkEnv(v, f+".private_key_env", ch.PrivateKeyEnv, true)
	creds := ch.ClientIDEnv != "" || ch.ClientSecretEnv != ""
	switch {
	case creds:
		checkEnv(v, f+".client_id_env", ch.ClientIDEnv, true)
		checkEnv(v, f+".client_secret_env", ch.ClientSecretEnv, true)
		checkEnv(v, f+".access_token_env", ch.AccessTokenEnv, false)
		if ch.ShopID == "" {
			v.add(f+".shop_id", "required with client credentials: the shop whose orders are read (an app token serves every shop the app is authorised for)")
		}
	case ch.AccessTokenEnv == "":
		v.add(f+".client_id_env", "required: client_id_env and client_secret_env (the client obtains and renews its tokens), or access_token_env (a token that expires after about 2 hours, mid-sale)")
	default:
		checkEnv(v, f+".access_token_env", ch.AccessTokenEnv, true)
	}
	if err := akulaku.CheckShopID(ch.ShopID); err != nil {
		v.add(f+".shop_id", "%v", err)
	}
	o := ch.Akulaku
	if o == nil {
		return
	}
	f += ".akulaku"
	switch o.TimestampUnit {
	case "", akulaku.UnitMillis, akulaku.UnitSeconds:
	default:
		v.add(f+".timestamp_unit", "%q is not a unit: ms (the default) or s", o.TimestampUnit)
	}
	if o.PageSize < 0 || o.PageSize > akulaku.MaxPageSize {
		v.add(f+".page_size", "%d is outside 1..%d (or leave it out for %d)", o.PageSize, akulaku.MaxPageSize, akulaku.DefaultPageSize)
	}
	if w := o.Window.D(); w != 0 && (w < akulaku.MinWindow || w > akulaku.MaxWindow) {
		v.add(f+".window", "%s is outside %s..%s (or leave it out for %s)", w, akulaku.MinWindow, akulaku.MaxWindow, akulaku.DefaultWindow)
	}
	codes := make([]int64, 0, len(o.StatusMap))
	for code := range o.StatusMap {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		if w := o.StatusMap[code]; w != "" {
			if err := akulaku.CheckStatusWord(w); err != nil {
				v.add(fmt.Sprintf("%s.status_map.%d", f, code), "%v", err)
			}
		}
	}
	for _, l := range []struct {
		field string
		codes []string
	}{{"token_error_codes", o.TokenErrorCodes}, {"rate_limit_codes", o.RateLimitCodes}} {
		for i, c := range l.codes {
			if strings.TrimSpace(c) == "" {
				v.add(fmt.Sprintf("%s.%s[%d]", f, l.field, i), "an empty error code")
			}
		}
	}
}

// checkEnv requires a credential field to be set. What it holds, when
// set, is checked for every *_env field by checkEnvNames.
func checkEnv(v *validator, field, name string, required bool) {
	if name == "" && required {
		v.add(field, "required: the name of the environment variable holding it (credentials are never written in the file)")
	}
}

// checkURL checks a channel's URL: http(s), plain http only to loopback,
// no credentials in it. Messages quote it with credentials masked.
func checkURL(v *validator, field, raw, kind string, required bool) {
	if raw == "" {
		if required {
			v.add(field, "required")
		}
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		v.add(field, "%q is not an http(s) URL", RedactURL(raw))
		return
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		v.add(field, "%q: plain http is refused off this machine; use https", RedactURL(raw))
	}
	checkURLCredentials(v, field, raw, kind)
}

// IsLoopback reports whether host names this machine (127.0.0.0/8, ::1, localhost).
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validateFlagRules(v *validator, f string, r *FlagRules) {
	for _, n := range []struct {
		field string
		val   int
	}{
		{"max_accounts_per_phone", r.MaxAccountsPerPhone}, {"max_accounts_per_address", r.MaxAccountsPerAddress},
		{"max_accounts_per_payment", r.MaxAccountsPerPayment}, {"velocity_orders", r.VelocityOrders}, {"jig_variants", r.JigVariants},
	} {
		if n.val < 0 {
			v.add(f+"."+n.field, "must be 1 or more (or left out for the default)")
		}
	}
	if r.VelocityOrders == 1 {
		v.add(f+".velocity_orders", "1 would flag every order: use 2 or more")
	}
	if r.JigVariants == 1 {
		v.add(f+".jig_variants", "1 would flag every address: use 2 or more")
	}
	if r.VelocityWindow < 0 {
		v.add(f+".velocity_window", "must be a positive duration (e.g. 10m)")
	}
	if r.MinCheckout < 0 || r.MinCheckout.D() > time.Minute {
		v.add(f+".min_checkout", "must be between 0 and 1m (how fast a person can check out; e.g. 3s)")
	}
	for i, id := range r.Disabled {
		if err := rules.CheckDisabled([]string{id}); err != nil {
			v.add(fmt.Sprintf("%s.disabled[%d]", f, i), "%v", err)
		}
	}
}

// Channel returns the channel with the id, or nil.
func (c *Config) Channel(id string) *Channel {
	for i := range c.Channels {
		if c.Channels[i].ID == id {
			return &c.Channels[i]
		}
	}
	return nil
}

// zoneFor labels a fixed offset with the name people use for it in the
// markets flashdeck serves, so times read "14:00 WIB", not "+0700".
func zoneFor(t time.Time) *time.Location {
	_, off := t.Zone()
	if name, ok := zoneNames[off]; ok {
		return time.FixedZone(name, off)
	}
	return t.Location()
}

var zoneNames = map[int]string{
	7 * 3600: "WIB", 8 * 3600: "WITA", 9 * 3600: "WIT", 0: "UTC",
}

// Money returns the price in hundredths.
func (m Money) Money() datasources.Money { return datasources.Money(m) }

// MarshalYAML writes a price in currency units, as it is read.
func (m Money) MarshalYAML() (any, error) {
	if m%100 == 0 {
		return int64(m / 100), nil
	}
	return fmt.Sprintf("%d.%02d", m/100, m%100), nil
}

// MarshalYAML writes a duration as "15s".
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }
