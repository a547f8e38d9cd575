// Package akulaku reads orders from the Akulaku Open Platform (the
// e-commerce seller API at https://ec-oapi.akulaku.com, test host
// https://test-openapi.akulaku.com).
//
// Akulaku's API documentation sits behind its seller portal. The shape used
// here comes from public client code and is split into what that code shows
// (confirmed), what this package had to assume, and what is configuration
// because no public source settles it. testdata/contract holds the shapes
// the public clients show, each with its source, and contract_test.go
// replays them through the client.
//
// Confirmed by public clients (a PHP SDK, a PHP shop integration and a
// TypeScript marketplace dashboard, all talking to the hosts above; two or
// more agree on each point):
//   - calls come only from IP addresses whitelisted in the Akulaku console;
//     errCode 10110110100029 and 10610910100030 say the caller's IP is not
//     on that list;
//   - app tokens come from GET /oapi/auth/oauth/token with client_id,
//     client_secret, scope=select and grant_type=client_credentials (or
//     grant_type=refresh_token and refresh_token) in the query and no
//     signature headers; the answer is the envelope below with
//     data.access_token, data.refresh_token and data.expires_in (seconds;
//     one client assumes 7199 when it is missing). A token lives about two
//     hours and serves every shop the app is authorised for — a sale lasts
//     longer, so the client obtains tokens itself and renews them (token.go);
//   - every business call is signed: headers app-id, access-token,
//     timestamp and sign = base64(SHA256withRSA(private key,
//     base64("app-id={id}&timestamp={ts}&{json body}"))), over the exact
//     body bytes sent; clients send the body with its keys sorted;
//   - answers are the envelope {success, errCode, errMsg, data}; errCode
//     arrives as a string or a number;
//   - shop calls carry shopId (a 19-digit long) in the JSON body;
//   - POST /v1/open/order/list takes shopId, startUpdateTime and
//     endUpdateTime (epoch ms), pageNo and pageSize, and answers
//     data.result (the orders) and data.totalPages;
//   - an order has orderId (number or string, up to 19 digits), orderCode,
//     orderStatus, createTime as "2023-01-06T08:00:14.000+0000",
//     receiverAddress and orderItemList; an item has id, skuId, apiSkuId
//     (the seller's SKU), skuName, skuPrice, skuSalePrice, qty,
//     refundStatus and goodsInfos[].goodsNo.
//
// Configuration with stated defaults (Config, and the channel's akulaku:
// block in flashdeck.yaml), because the public clients disagree or say
// nothing:
//   - the unit of the timestamp header: milliseconds (two of three clients;
//     the third sends seconds);
//   - the page size: 30 (one client calls 30 Akulaku's maximum; two others
//     send 100, the most this client asks for);
//   - the longest update-time window of one call: 15 days (one client reads
//     in 15-day windows; the limit itself is not public);
//   - the order status codes: 2 unpaid, 3 awaiting acceptance, 4 awaiting
//     shipment, 5 shipped, 6 completed, -1 cancelled (one client maps
//     these; any other code reads as "status_<code>");
//   - the error codes for an invalid or expired access token (the client
//     renews the token and repeats the call) and for a rate limit. The
//     client also recognises these by the words of errMsg, so the real
//     codes are handled as long as Akulaku's message says what happened.
//
// Assumed (the client is lenient about each, and says so where it matters):
//   - an answer without the envelope but with errcode/errmsg (lower case,
//     e.g. {"errcode":500,"errmsg":"invalid appid"}), or with an OAuth
//     error/error_description, is a refusal in the channel's own words:
//     ErrAuth when they speak of the app id, a token, the signature, a
//     permission or the whitelist, else ErrRejected — never "malformed".
//     The errcode/errmsg shape's only public sighting is an Akulaku doc
//     page copied into a repository, where it is the doc template's
//     placeholder error: weak evidence that the gateway answers so;
//   - the order list is sorted by update time, oldest first (the client
//     checks every page and falls back to plain page-number paging when a
//     page is visibly in another order);
//   - an order's last update is updateTime, in createTime's format (when
//     missing, createTime is used: new orders are still seen, later status
//     changes only if the channel reports them as a new update);
//   - data.totalCount counts the orders in the window (Total is -1 without it);
//   - an order's buyer is buyerId;
//   - the codes for a wrong signature, app id or permission (see the Code
//     constants);
//   - times without a zone are in the market's local time.
//
// Never tried against the real service: none of the above has been run
// against Akulaku itself (its API answers only whitelisted IPs of a
// registered app). Everything is tested against the shapes of the public
// clients and the simulator (datasources/simulator), which implements the
// same reading independently.
//
// Akulaku offers no public API for stock, flash-sale state, pausing,
// extending or cancelling, and no push: Capabilities says so and Stock
// answers ErrUnsupported rather than pretending.
package akulaku

import (
	"cmp"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/internal/ascii"

	"github.com/go-resty/resty/v2"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/httpx"
	"github.com/flashdeck/flashdeck/datasources/pace"
)

// Hosts of the Akulaku Open Platform.
const (
	ProductionURL = "https://ec-oapi.akulaku.com"
	TestURL       = "https://test-openapi.akulaku.com"
)

// API paths.
const (
	// PathOrderList is the order list call.
	PathOrderList = "/v1/open/order/list"
	// PathToken is the token endpoint, on the same host as the API.
	PathToken = "/oapi/auth/oauth/token"
)

// Page sizes of the order list. DefaultPageSize is what one public client
// calls Akulaku's maximum; MaxPageSize is what two others send.
const (
	DefaultPageSize = 30
	MaxPageSize     = 100
)

// Windows of the order list: DefaultWindow is how far one call reaches
// (public clients read Akulaku in 15-day windows); a configured window must
// lie within MinWindow..MaxWindow.
const (
	DefaultWindow = 15 * 24 * time.Hour
	MinWindow     = 10 * time.Minute
	MaxWindow     = 90 * 24 * time.Hour
)

// Timestamp units of the timestamp header.
const (
	UnitMillis  = "ms"
	UnitSeconds = "s"
)

// DefaultTokenLifetime is how long a token obtained without expires_in is
// taken to live: the value a public client assumes.
const DefaultTokenLifetime = 7199 * time.Second

// DefaultCallsPerSecond is the call rate when none is configured: Akulaku
// publishes no limit, so the same modest rate as Lazada.
const DefaultCallsPerSecond = 5

// Config configures a Client. ID, AppID and PrivateKeyPEM are required, and
// either ClientID with ClientSecret (the client obtains and renews its own
// tokens; ShopID is then required too) or a static AccessToken.
type Config struct {
	// ID is the channel id from the configuration, e.g. "akulaku-id".
	ID string
	// Market is the country code ("ID"); it sets the zone of times that
	// arrive without one.
	Market string
	// BaseURL defaults to ProductionURL. The token endpoint is on it too.
	BaseURL string
	// AppID is the app's id from the Akulaku developer console.
	AppID string
	// ClientID and ClientSecret obtain app tokens from PathToken, and renew
	// them before they expire. Both or neither.
	ClientID     string
	ClientSecret string
	// AccessToken is a token obtained elsewhere. Without client
	// credentials it is used for every call and dies after about two
	// hours; with them it is used first, until Akulaku refuses it.
	AccessToken string
	// PrivateKeyPEM is the app's RSA private key: PKCS#8 ("PRIVATE KEY") or
	// PKCS#1 ("RSA PRIVATE KEY") PEM, or the bare base64 body the console
	// hands out. Newlines written as the two characters \n are accepted.
	PrivateKeyPEM string
	// ShopID is the shop whose orders are read: a number of up to 19
	// digits (a Java long), sent as shopId in every shop call's body.
	// Required with client credentials: an app token serves every shop
	// the app is authorised for, so the call has to say which. Without
	// them it is optional and left out of the request when empty.
	ShopID string
	// PageSize of the order list, 1..MaxPageSize; DefaultPageSize when zero.
	PageSize int
	// Window is the longest update-time window one order-list call asks
	// for, MinWindow..MaxWindow; DefaultWindow when zero.
	Window time.Duration
	// TimestampUnit of the timestamp header (and so of the signed string):
	// UnitMillis (the default) or UnitSeconds.
	TimestampUnit string
	// StatusWords maps order status codes to the words the engine sees,
	// over the defaults (see StatusWord); a code mapped to "" is removed.
	// datasources.Order.IsCancelled decides which words count as
	// cancelled ("cancelled", "returned", "refunded"…).
	StatusWords map[int64]string
	// TokenErrorCodes are the errCodes that mean the access token is
	// invalid or expired: the client renews it and repeats the call.
	// DefaultTokenErrorCodes when nil.
	TokenErrorCodes []string
	// RateLimitCodes are the errCodes of a rate limit: every call of this
	// client then waits. DefaultRateLimitCodes when nil.
	RateLimitCodes []string
	// OnTokenRenew, when set, is called after a new token was obtained,
	// with the sale-clock time it expires at (never the token itself).
	OnTokenRenew func(expires time.Time)
	// Timeout bounds one HTTP request (httpx.DefaultTimeout when zero).
	Timeout time.Duration
	// CallsPerSecond spaces every call of this client, whoever makes it
	// (DefaultCallsPerSecond when zero); a 429 holds them all for its
	// Retry-After.
	CallsPerSecond float64
	// Transport overrides the HTTP transport (tests).
	Transport http.RoundTripper
	// Now is the sale clock (default time.Now). It bounds the update-time
	// window the channel compares with its own timestamps, and measures
	// token lifetimes (see token.go for why).
	Now func() time.Time
}

// Client is an Akulaku channel. It implements datasources.Source and is safe
// for concurrent use.
type Client struct {
	id       string
	appID    string
	shopID   string
	pageSize int
	window   time.Duration
	seconds  bool // the timestamp header in seconds, not milliseconds
	statuses map[int64]string
	codes    codes
	key      *rsa.PrivateKey
	loc      *time.Location
	http     *resty.Client
	now      func() time.Time
	// wall stamps requests: the signature's timestamp is checked against
	// Akulaku's wall clock, never the (possibly accelerated) sale clock.
	wall func() time.Time
	// pace spaces every request and holds them through a rate limit.
	pace *pace.Pacer
	// tok holds the access token and renews it (token.go).
	tok tokens
}

var _ datasources.Source = (*Client)(nil)

// New checks the configuration, parses the private key and returns a
// client. Errors name the setting that is wrong, never its value.
func New(cfg Config) (*Client, error) {
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	var missing []string
	for _, f := range []struct{ name, v string }{{"ID", cfg.ID}, {"AppID", cfg.AppID}} {
		if blank(f.v) {
			missing = append(missing, f.name)
		}
	}
	creds := !blank(cfg.ClientID) || !blank(cfg.ClientSecret)
	if !creds && blank(cfg.AccessToken) {
		missing = append(missing, "ClientID and ClientSecret (or AccessToken)")
	}
	if blank(cfg.PrivateKeyPEM) {
		missing = append(missing, "PrivateKeyPEM")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("akulaku: %s required", strings.Join(missing, ", "))
	}
	switch {
	case creds && blank(cfg.ClientID):
		return nil, fmt.Errorf("akulaku %s: ClientID required with ClientSecret", cfg.ID)
	case creds && blank(cfg.ClientSecret):
		return nil, fmt.Errorf("akulaku %s: ClientSecret required with ClientID", cfg.ID)
	}
	key, err := ParsePrivateKey(cfg.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("akulaku %s: %w", cfg.ID, err)
	}
	shop := strings.TrimSpace(cfg.ShopID)
	if err := CheckShopID(shop); err != nil {
		return nil, fmt.Errorf("akulaku %s: ShopID %w", cfg.ID, err)
	}
	if creds && shop == "" {
		return nil, fmt.Errorf("akulaku %s: ShopID required with client credentials (an app token serves every shop the app may read; the shop id says which)", cfg.ID)
	}
	if cfg.CallsPerSecond < 0 {
		return nil, fmt.Errorf("akulaku %s: CallsPerSecond must not be negative", cfg.ID)
	}
	if cfg.PageSize < 0 || cfg.PageSize > MaxPageSize {
		return nil, fmt.Errorf("akulaku %s: PageSize %d outside 1..%d", cfg.ID, cfg.PageSize, MaxPageSize)
	}
	if cfg.Window != 0 && (cfg.Window < MinWindow || cfg.Window > MaxWindow) {
		return nil, fmt.Errorf("akulaku %s: Window %s outside %s..%s", cfg.ID, cfg.Window, MinWindow, MaxWindow)
	}
	switch cfg.TimestampUnit {
	case "", UnitMillis, UnitSeconds:
	default:
		return nil, fmt.Errorf("akulaku %s: TimestampUnit %q is neither %q nor %q", cfg.ID, cfg.TimestampUnit, UnitMillis, UnitSeconds)
	}
	statuses, err := statusWords(cfg.StatusWords)
	if err != nil {
		return nil, fmt.Errorf("akulaku %s: StatusWords: %w", cfg.ID, err)
	}
	base := cfg.BaseURL
	if base == "" {
		base = ProductionURL
	}
	c := &Client{
		id:       cfg.ID,
		appID:    strings.TrimSpace(cfg.AppID),
		shopID:   shop,
		pageSize: cmp.Or(cfg.PageSize, DefaultPageSize),
		window:   cmp.Or(cfg.Window, DefaultWindow),
		seconds:  cfg.TimestampUnit == UnitSeconds,
		statuses: statuses,
		codes:    newCodes(cfg.TokenErrorCodes, cfg.RateLimitCodes),
		key:      key,
		loc:      marketZone(cfg.Market),
		now:      cfg.Now,
		wall:     time.Now,
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.tok.init(cfg)
	// The order list is a POST, but a read: repeating it changes nothing,
	// so it gets the read client's retries on transport errors and 5xx.
	// So does the token call: asking for a token again only issues
	// another.
	c.pace = pace.New(cmp.Or(cfg.CallsPerSecond, DefaultCallsPerSecond))
	c.http = httpx.ReadClient(httpx.Options{BaseURL: base, Timeout: cfg.Timeout, Transport: cfg.Transport, Pacer: c.pace})
	// Every failure is returned to the engine, which shows and counts it;
	// resty's own log lines would only repeat it on stderr (and the token
	// call's URL carries the client secret).
	c.http.SetLogger(quietLogger{})
	return c, nil
}

// CheckShopID reports whether s is an Akulaku shop id: empty, or a number
// of up to 19 digits that fits a Java long. The error says what is wrong
// without quoting the value.
func CheckShopID(s string) error {
	if s == "" {
		return nil
	}
	if !ascii.Digits(s) || len(s) > 19 {
		return errors.New("must be a number of up to 19 digits (Akulaku's shop id)")
	}
	if _, err := strconv.ParseInt(s, 10, 64); err != nil {
		return errors.New("is larger than a shop id can be (a 64-bit number)")
	}
	return nil
}

// ID returns the channel id.
func (c *Client) ID() string { return c.id }

// Kind returns datasources.KindAkulaku.
func (c *Client) Kind() string { return datasources.KindAkulaku }

// Capabilities: Akulaku's public API lists orders and nothing else a sale
// needs. Pause, extend and cancel become manual checklist steps.
func (c *Client) Capabilities() datasources.Capabilities {
	return datasources.Capabilities{Orders: true}
}

// Stock always fails with ErrUnsupported: Akulaku has no public stock API.
func (c *Client) Stock(ctx context.Context, skus []string) ([]datasources.StockReading, error) {
	return nil, &datasources.Error{
		Channel: c.id, Op: "stock", Kind: datasources.ErrUnsupported,
		Message: "Akulaku has no public stock API: read stock in the Akulaku seller center",
	}
}

// Health makes the smallest order-list call: one order of the last minute.
// It proves the host is reachable from this IP and that the app id, token
// and key are accepted.
func (c *Client) Health(ctx context.Context) error {
	now := c.now()
	d, err := c.listOrders(ctx, now.Add(-time.Minute), now.Add(windowMargin), 1, 1)
	if err != nil {
		return err
	}
	// An answer we could not read orders from is no proof of health.
	if _, _, _, err := pageOrders(d.Result, c.loc, c.statuses); err != nil {
		return &datasources.Error{Channel: c.id, Op: PathOrderList, Kind: datasources.ErrMalformed, Message: err.Error(), Err: err}
	}
	return nil
}

// quietLogger discards resty's log lines.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// marketZone is the zone of times the channel writes without one. Akulaku
// sells in Indonesia (WIB) and the Philippines and Malaysia (UTC+8).
func marketZone(market string) *time.Location {
	switch strings.ToUpper(strings.TrimSpace(market)) {
	case "PH", "MY", "SG":
		return time.FixedZone("UTC+8", 8*3600)
	default:
		return time.FixedZone("WIB", 7*3600)
	}
}

// errorf builds a channel error for this client.
func (c *Client) errorf(op string, kind datasources.ErrorKind, format string, args ...any) *datasources.Error {
	return &datasources.Error{Channel: c.id, Op: op, Kind: kind, Message: fmt.Sprintf(format, args...)}
}
