// Package akulaku reads orders from the Akulaku Open Platform (the
// e-commerce seller API at https://ec-oapi.akulaku.com, test host
// https://test-openapi.akulaku.com).
//
// Akulaku's API documentation sits behind its seller portal. The shape used
// here comes from public client code and is split into what that code shows
// (confirmed) and what this package had to assume.
//
// Confirmed by public clients (a PHP SDK, a PHP shop integration and a
// TypeScript marketplace dashboard, all talking to the hosts above):
//   - calls come only from IP addresses whitelisted in the Akulaku console;
//     errCode 10110110100029 and 10610910100030 say the caller's IP is not
//     on that list;
//   - app tokens come from GET /oapi/auth/oauth/token (client_id,
//     client_secret, grant_type, scope=select) and live about two hours
//     (expires_in 7199);
//   - every call is signed: headers app-id, access-token, timestamp (epoch
//     milliseconds) and sign = base64(SHA256withRSA(private key,
//     base64("app-id={id}&timestamp={ts}&{json body}"))), over the exact
//     body bytes sent; clients send the body with its keys sorted;
//   - answers are the envelope {success, errCode, errMsg, data}; errCode
//     arrives as a string or a number;
//   - POST /v1/open/order/list takes shopId (a 19-digit number),
//     startUpdateTime and endUpdateTime (epoch ms), pageNo and pageSize (30
//     is the most one client found accepted), and answers data.result (the
//     orders) and data.totalPages;
//   - an order has orderId (number or string, up to 19 digits), orderCode,
//     orderStatus (2 unpaid, 3 awaiting acceptance, 4 awaiting shipment,
//     5 shipped, 6 completed, -1 cancelled), createTime as
//     "2023-01-06T08:00:14.000+0000", receiverAddress and orderItemList;
//     an item has id, skuId, apiSkuId (the seller's SKU), skuName, skuPrice,
//     skuSalePrice, qty, refundStatus and goodsInfos[].goodsNo.
//
// Assumed (the client is lenient about each, and says so where it matters):
//   - the order list is sorted by update time, oldest first (the client
//     checks every page and falls back to plain page-number paging when a
//     page is visibly in another order);
//   - an order's last update is updateTime, in createTime's format (when
//     missing, createTime is used: new orders are still seen, later status
//     changes only if the channel reports them as a new update);
//   - data.totalCount counts the orders in the window (Total is -1 without it);
//   - an order's buyer is buyerId;
//   - the error codes for an invalid or expired token, a wrong signature, a
//     missing permission and a rate limit (see the Code constants; the
//     client also recognises these failures by their words in errMsg);
//   - a window may span at most 15 days (the public clients read in 15-day
//     windows);
//   - times without a zone are in the market's local time.
//
// Akulaku offers no public API for stock, flash-sale state, pausing,
// extending or cancelling, and no push: Capabilities says so and Stock
// answers ErrUnsupported rather than pretending.
package akulaku

import (
	"cmp"
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/httpx"
	"github.com/flashdeck/flashdeck/datasources/pace"
	"github.com/go-resty/resty/v2"
)

// Hosts of the Akulaku Open Platform.
const (
	ProductionURL = "https://ec-oapi.akulaku.com"
	TestURL       = "https://test-openapi.akulaku.com"
)

// PathOrderList is the order list call.
const PathOrderList = "/v1/open/order/list"

// MaxPageSize is the largest page the order list is asked for: 30 is the
// most a public client found Akulaku to accept.
const MaxPageSize = 30

// DefaultCallsPerSecond is the call rate when none is configured: Akulaku
// publishes no limit, so the same modest rate as Lazada.
const DefaultCallsPerSecond = 5

// Config configures a Client. ID, AppID, AccessToken and PrivateKeyPEM are
// required.
type Config struct {
	// ID is the channel id from the configuration, e.g. "akulaku-id".
	ID string
	// Market is the country code ("ID"); it sets the zone of times that
	// arrive without one.
	Market string
	// BaseURL defaults to ProductionURL.
	BaseURL string
	// AppID is the app's id from the Akulaku developer console.
	AppID string
	// AccessToken is the app token sent as the access-token header.
	AccessToken string
	// PrivateKeyPEM is the app's RSA private key: PKCS#8 ("PRIVATE KEY") or
	// PKCS#1 ("RSA PRIVATE KEY") PEM, or the bare base64 body the console
	// hands out. Newlines written as the two characters \n are accepted.
	PrivateKeyPEM string
	// ShopID selects the shop when the app serves several (a number of up
	// to 19 digits). Optional: left out of the request when empty.
	ShopID string
	// PageSize of the order list, 1..MaxPageSize; MaxPageSize when zero.
	PageSize int
	// Timeout bounds one HTTP request (httpx.DefaultTimeout when zero).
	Timeout time.Duration
	// CallsPerSecond spaces every call of this client, whoever makes it
	// (DefaultCallsPerSecond when zero); a 429 holds them all for its
	// Retry-After.
	CallsPerSecond float64
	// Transport overrides the HTTP transport (tests).
	Transport http.RoundTripper
	// Now is the sale clock (default time.Now). It bounds the update-time
	// window the channel compares with its own timestamps.
	Now func() time.Time
}

// Client is an Akulaku channel. It implements datasources.Source and is safe
// for concurrent use.
type Client struct {
	id       string
	appID    string
	token    string
	shopID   string
	pageSize int
	key      *rsa.PrivateKey
	loc      *time.Location
	http     *resty.Client
	now      func() time.Time
	// wall stamps requests: the signature's timestamp is checked against
	// Akulaku's wall clock, never the (possibly accelerated) sale clock.
	wall func() time.Time
	// pace spaces every request and holds them through a rate limit.
	pace *pace.Pacer
}

var _ datasources.Source = (*Client)(nil)

// New checks the configuration, parses the private key and returns a
// client. Errors name the setting that is wrong, never its value.
func New(cfg Config) (*Client, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"ID", cfg.ID}, {"AppID", cfg.AppID}, {"AccessToken", cfg.AccessToken}, {"PrivateKeyPEM", cfg.PrivateKeyPEM},
	} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("akulaku: %s required", strings.Join(missing, ", "))
	}
	key, err := ParsePrivateKey(cfg.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("akulaku %s: %w", cfg.ID, err)
	}
	shop := strings.TrimSpace(cfg.ShopID)
	if shop != "" && !isDigits(shop) {
		return nil, fmt.Errorf("akulaku %s: ShopID must be a number (Akulaku's shop id)", cfg.ID)
	}
	if cfg.CallsPerSecond < 0 {
		return nil, fmt.Errorf("akulaku %s: CallsPerSecond must not be negative", cfg.ID)
	}
	if cfg.PageSize < 0 || cfg.PageSize > MaxPageSize {
		return nil, fmt.Errorf("akulaku %s: PageSize %d outside 1..%d", cfg.ID, cfg.PageSize, MaxPageSize)
	}
	base := cfg.BaseURL
	if base == "" {
		base = ProductionURL
	}
	c := &Client{
		id:       cfg.ID,
		appID:    strings.TrimSpace(cfg.AppID),
		token:    strings.TrimSpace(cfg.AccessToken),
		shopID:   shop,
		pageSize: cmp.Or(cfg.PageSize, MaxPageSize),
		key:      key,
		loc:      marketZone(cfg.Market),
		now:      cfg.Now,
		wall:     time.Now,
	}
	if c.now == nil {
		c.now = time.Now
	}
	// The order list is a POST, but a read: repeating it changes nothing,
	// so it gets the read client's retries on transport errors and 5xx.
	c.pace = pace.New(cmp.Or(cfg.CallsPerSecond, DefaultCallsPerSecond))
	c.http = httpx.ReadClient(httpx.Options{BaseURL: base, Timeout: cfg.Timeout, Transport: cfg.Transport, Pacer: c.pace})
	// Every failure is returned to the engine, which shows and counts it;
	// resty's own log lines would only repeat it on stderr.
	c.http.SetLogger(quietLogger{})
	return c, nil
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
	if _, _, _, err := pageOrders(d.Result, c.loc); err != nil {
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

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// errorf builds a channel error for this client.
func (c *Client) errorf(op string, kind datasources.ErrorKind, format string, args ...any) *datasources.Error {
	return &datasources.Error{Channel: c.id, Op: op, Kind: kind, Message: fmt.Sprintf(format, args...)}
}
