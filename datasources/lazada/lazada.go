// Package lazada reads a Lazada seller's orders and stock through the Lazada
// Open Platform (LAZOP), as its documentation and official SDKs describe it:
//
//   - gateways https://api.lazada.{co.id,com.my,com.ph,sg,co.th,vn}/rest, one
//     per market, and the token service https://auth.lazada.com/rest;
//   - every call carries app_key, timestamp (epoch ms of the wall clock; the
//     platform refuses one more than 7200 s off), access_token,
//     sign_method=sha256 and sign (see Sign);
//   - answers are {"code":"0","data":…,"request_id":…}, failures
//     {"type":"ISV|ISP|SYSTEM","code":…,"message":…,"request_id":…} with
//     the code a word ("IllegalAccessToken") or a number (901), usually
//     with HTTP 200;
//   - numbers arrive as JSON numbers or strings ("countTotal":"500",
//     "price":"106.00") and are decoded either way (package jsonx).
//
// Orders come from /orders/get (update_after windows, sorted by update time,
// limit ≤ 100, offset ≤ 5000) and their lines from /orders/items/get (≤ 50
// orders a call). Each Lazada order item is one unit; buyer_id comes from the
// items. Stock comes from /products/get (limit ≤ 50). An expired access token
// is refreshed once through /auth/token/refresh and the call repeated.
//
// Every call waits its turn in the client's pacer (max_calls_per_second),
// and a rate limit (ApiCallLimit, 901) holds every call of the client for
// the ban it names. An order poll refused for a rate limit is not asked
// again: the error says how long to wait and the poller slows down, as
// Lazada asks of apps that poll GetOrders. A stock page or an update batch
// refused for one is sent again once the ban is over (a refusal applied
// nothing).
//
// Lazada has no flash-sale API: a seller's flash sale is a sale price with
// SaleStartDate/SaleEndDate plus limited sellable stock. So the Controller
// pauses by setting each SKU's sellable stock to 0
// (/product/stock/sellable/update), resumes by adding back what the pause
// took (/product/stock/sellable/adjust), and extends by pushing a later
// SaleEndDate at minute precision (/product/price_quantity/update), see
// control.go; it cancels an order's items through
// /order/reverse/cancel/validate and /create (cancel.go). Change requests
// go out once and are never retried, except a batch Lazada refused for a
// rate limit, sent again once the ban is over. Every call of a client,
// polls and changes alike, is spaced by one pacer (datasources/pace).
package lazada

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/httpx"
	"github.com/flashdeck/flashdeck/datasources/pace"
	"github.com/go-resty/resty/v2"
)

// DefaultCallsPerSecond is the call rate when none is configured: modest,
// because Lazada may disable apps that call in a tight loop.
const DefaultCallsPerSecond = 5

// DefaultAuthURL is Lazada's token service, shared by every market.
const DefaultAuthURL = "https://auth.lazada.com/rest"

// API paths used by the client.
const (
	PathOrders       = "/orders/get"
	PathOrderItems   = "/orders/items/get"
	PathProducts     = "/products/get"
	PathSeller       = "/seller/get"
	PathTokenRefresh = "/auth/token/refresh"
	// PathOrder reads one order (ReadOrder).
	PathOrder = "/order/get"
	// PathPriceQuantity changes prices, the sale window and the *total*
	// stock (Quantity) of up to UpdateBatch SKUs: flashdeck's extend.
	PathPriceQuantity = "/product/price_quantity/update"
	// PathSellableUpdate sets sellable stock absolutely (pause);
	// PathSellableAdjust adds to it or takes from it (resume). POST, XML
	// payload, up to UpdateBatch SKUs each.
	PathSellableUpdate = "/product/stock/sellable/update"
	PathSellableAdjust = "/product/stock/sellable/adjust"
	// PathCancelValidate says whether order items can be cancelled and
	// with which reasons; PathCancelCreate cancels them.
	PathCancelValidate = "/order/reverse/cancel/validate"
	PathCancelCreate   = "/order/reverse/cancel/create"
)

// gateways are the API hosts per market.
var gateways = map[string]string{
	"ID": "https://api.lazada.co.id/rest",
	"MY": "https://api.lazada.com.my/rest",
	"PH": "https://api.lazada.com.ph/rest",
	"SG": "https://api.lazada.sg/rest",
	"TH": "https://api.lazada.co.th/rest",
	"VN": "https://api.lazada.vn/rest",
}

// GatewayURL returns the API gateway of a market ("ID", "MY", "PH", "SG",
// "TH", "VN"), or "" for an unknown one.
func GatewayURL(market string) string {
	return gateways[strings.ToUpper(strings.TrimSpace(market))]
}

// Config configures a Client. ID, AppKey, AppSecret, and an AccessToken or
// a RefreshToken are required; BaseURL or a known Market too.
type Config struct {
	// ID is the channel id from the configuration, e.g. "lazada-id".
	ID string
	// Market is the country code ("ID", "MY", "PH", "SG", "TH", "VN"). It
	// chooses the gateway when BaseURL is empty and the zone of times that
	// arrive without one.
	Market string
	// BaseURL is the API gateway including "/rest"; GatewayURL(Market)
	// when empty.
	BaseURL string
	// AuthURL is the token service; DefaultAuthURL when empty.
	AuthURL string
	// AppKey and AppSecret identify the app (Lazada Open Platform console).
	AppKey    string
	AppSecret string
	// AccessToken is the seller's token. When empty, the first call
	// refreshes one with RefreshToken.
	AccessToken string
	// RefreshToken renews an expired access token. Without it an expired
	// token is an ErrAuth.
	RefreshToken string
	// Timeout bounds one HTTP request (httpx.DefaultTimeout when zero).
	Timeout time.Duration
	// CallsPerSecond spaces every call of this client — polls, reads of
	// pushed orders, stock, actions and their read-backs alike: they all
	// spend the app's one call budget (DefaultCallsPerSecond when zero).
	CallsPerSecond float64
	// Transport overrides the HTTP transport (tests).
	Transport http.RoundTripper
	// Now is the sale clock (default time.Now): what "now" means when
	// comparing with the channel's own timestamps (sale price windows,
	// campaigns). Request timestamps always use the wall clock, which
	// Lazada checks.
	Now func() time.Time
	// OnTokenRefresh, when set, is called after the access token was
	// renewed, so the caller can store the new tokens. accessExpires is when
	// the new access token lapses (wall clock). Called without locks held.
	OnTokenRefresh func(access, refresh string, accessExpires time.Time)
	// CancelReasonID is the reason_id CancelOrder prefers when Lazada
	// offers it for the order (reason ids differ per market). Reasons that
	// make Lazada set the SKU's stock to 0 ("Out of Stock", "Wrong Price or
	// Pricing Error") are never used, configured or not. When empty or not
	// offered, the first other reason Lazada offers is used.
	CancelReasonID string
	// WarehouseCode is the warehouse holding the sale's stock
	// (multiWarehouseInventories[].warehouseCode): stock is read from it
	// and a pause takes it there only. Empty: every warehouse a SKU
	// reports counts, and a pause takes the stock of each.
	WarehouseCode string
}

// Client is one Lazada seller account in one market. It implements
// datasources.Source and datasources.Controller and is safe for concurrent
// use.
type Client struct {
	id      string
	appKey  string
	secret  string
	loc     *time.Location
	http    *resty.Client // reads: retried on transport errors and 5xx
	actions *resty.Client // changes: sent once, never retried
	auth    *resty.Client
	now     func() time.Time
	wall    func() time.Time
	onToken func(access, refresh string, accessExpires time.Time)
	reason  string // preferred cancel reason_id (Config.CancelReasonID)
	wh      string // the sale's warehouse (Config.WarehouseCode), or "" for all
	// pace spaces every request of the client and holds them through a
	// ban (ApiCallLimit, 429): one budget for polls, pushes and actions.
	pace *pace.Pacer

	// mu guards the tokens; refreshMu makes concurrent callers that hit an
	// expired token refresh it once between them.
	mu        sync.Mutex
	access    string
	refresh   string
	refreshMu sync.Mutex
}

var (
	_ datasources.Source     = (*Client)(nil)
	_ datasources.Controller = (*Client)(nil)
)

// New checks the configuration and returns a client. Errors name the
// setting that is wrong, never a secret's value.
func New(cfg Config) (*Client, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"ID", cfg.ID}, {"AppKey", cfg.AppKey}, {"AppSecret", cfg.AppSecret},
	} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if strings.TrimSpace(cfg.AccessToken) == "" && strings.TrimSpace(cfg.RefreshToken) == "" {
		missing = append(missing, "AccessToken or RefreshToken")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("lazada %s: %s required", cfg.ID, strings.Join(missing, ", "))
	}
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" {
		base = GatewayURL(cfg.Market)
		if base == "" {
			return nil, fmt.Errorf("lazada %s: BaseURL required (Market %q names no Lazada gateway; known: ID, MY, PH, SG, TH, VN)", cfg.ID, cfg.Market)
		}
	}
	authURL := strings.TrimSpace(cfg.AuthURL)
	if authURL == "" {
		authURL = DefaultAuthURL
	}
	for _, u := range []struct{ name, v string }{{"BaseURL", base}, {"AuthURL", authURL}} {
		if !strings.HasPrefix(u.v, "https://") && !strings.HasPrefix(u.v, "http://") {
			return nil, fmt.Errorf("lazada %s: %s must be an http(s) URL", cfg.ID, u.name)
		}
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("lazada %s: Timeout must not be negative", cfg.ID)
	}
	if cfg.CallsPerSecond < 0 {
		return nil, fmt.Errorf("lazada %s: CallsPerSecond must not be negative", cfg.ID)
	}
	c := &Client{
		id:      cfg.ID,
		appKey:  strings.TrimSpace(cfg.AppKey),
		secret:  cfg.AppSecret,
		loc:     marketZone(cfg.Market),
		now:     cfg.Now,
		wall:    time.Now,
		onToken: cfg.OnTokenRefresh,
		reason:  strings.TrimSpace(cfg.CancelReasonID),
		wh:      strings.TrimSpace(cfg.WarehouseCode),
		access:  strings.TrimSpace(cfg.AccessToken),
		refresh: strings.TrimSpace(cfg.RefreshToken),
		pace:    pace.New(cmp.Or(cfg.CallsPerSecond, DefaultCallsPerSecond)),
	}
	if c.now == nil {
		c.now = time.Now
	}
	opts := httpx.Options{BaseURL: base, Timeout: cfg.Timeout, Transport: cfg.Transport, Pacer: c.pace}
	// Reads are retried with backoff on transport errors and 5xx; rate
	// limits never are (httpx.ReadClient).
	c.http = httpx.ReadClient(opts).SetLogger(quietLogger{})
	// A change (pause, resume, extend, cancel) goes out once: a lost answer
	// is settled by reading the channel back, never by sending it again.
	c.actions = httpx.ActionClient(opts).SetLogger(quietLogger{})
	// A token refresh changes what the seller's tokens are: it goes out
	// once, and a failure is reported rather than repeated.
	opts.BaseURL = authURL
	c.auth = httpx.ActionClient(opts).SetLogger(quietLogger{})
	return c, nil
}

// ID returns the channel id.
func (c *Client) ID() string { return c.id }

// Kind returns datasources.KindLazada.
func (c *Client) Kind() string { return datasources.KindLazada }

// Capabilities: Lazada's API reads orders and stock, and has the calls a
// seller-run flash sale is steered with (/product/stock/sellable/update and
// /adjust for pause and resume, /product/price_quantity/update for extend,
// /order/reverse/cancel/* for cancelling) and push notifications.
func (c *Client) Capabilities() datasources.Capabilities {
	return datasources.Capabilities{
		Orders: true, Stock: true,
		Pause: true, Resume: true, Extend: true, CancelOrder: true,
		Push: true,
	}
}

// marketZone is the zone Lazada writes local times in for a market.
func marketZone(market string) *time.Location {
	switch strings.ToUpper(strings.TrimSpace(market)) {
	case "MY", "PH", "SG":
		return time.FixedZone("UTC+8", 8*3600)
	default: // ID (WIB), TH, VN
		return time.FixedZone("UTC+7", 7*3600)
	}
}

// quietLogger drops resty's own log lines: they print the request URL, and a
// Lazada GET carries the access token and signature in its query. Failures
// reach the caller as errors instead, with the query removed.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}
