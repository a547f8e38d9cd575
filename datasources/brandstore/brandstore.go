// Package brandstore reads a brand's own store (mi.com and its regional
// storefronts) through the JSON contract flashdeck defines for it in
// docs/brandstore-openapi.yaml. A brand store has no public API of its own:
// the store team serves that contract, and this client is its reference
// consumer.
//
// The read side is here and in orders.go and stock.go: orders since a
// cursor, stock and sale state, health. The actions (pause, resume and
// extend a sale, cancel an order, each with an Idempotency-Key) and their
// read-backs are in control.go: the Client is a datasources.Controller.
package brandstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/httpx"
	"github.com/flashdeck/flashdeck/datasources/pace"
	"github.com/go-resty/resty/v2"
)

// API paths of the contract.
const (
	PathHealth = "/v1/health"
	PathOrders = "/v1/orders"
	PathStock  = "/v1/stock"
)

// Error codes of the contract (the "code" of an error body).
const (
	CodeInvalidParameter     = "invalid_parameter"
	CodeInvalidCursor        = "invalid_cursor"
	CodeUnauthorized         = "unauthorized"
	CodeTokenExpired         = "token_expired"
	CodeForbidden            = "forbidden"
	CodeNotFound             = "not_found"
	CodeInvalidState         = "invalid_state"
	CodeRequestInProgress    = "request_in_progress"
	CodeIdempotencyKeyReused = "idempotency_key_reused"
	CodeRateLimited          = "rate_limited"
	CodeInternal             = "internal"
	CodeUnavailable          = "unavailable"
)

const (
	// MaxPageSize is the contract's largest order page.
	MaxPageSize = 500
	// MaxStockSKUs is the most SKUs one stock request may name; longer
	// lists are split. 100 SKU parameters keep the URL under about 4 KB,
	// which every proxy in front of a store accepts.
	MaxStockSKUs = 100
)

// maxBody caps an answer: a full page of 500 orders is well under 1 MB, so
// anything near this is not an answer worth holding in memory. A variable
// only so that a test can lower it.
var maxBody = 32 << 20

// DefaultCallsPerSecond is the call rate when none is configured: the brand
// store team sizes its API for the launch.
const DefaultCallsPerSecond = 10

// Config configures a Client. ID, BaseURL and Token are required.
type Config struct {
	// ID is the channel id from the configuration, e.g. "micom-id".
	ID string
	// Market is the country code ("ID"). Accepted like every channel's, but
	// unused: the contract's amounts carry their own currency and its times
	// their own offset, so nothing here depends on the market.
	Market string
	// BaseURL is the store's API root, e.g. https://store-api.example.com
	// (the contract's paths start with /v1). It must be https unless the
	// host is this machine: the bearer token must not cross a network in
	// clear text.
	BaseURL string
	// Token is the bearer token the store team issued. It is never written
	// into an error.
	Token string
	// PageSize is the order page asked for, 1..MaxPageSize; MaxPageSize when
	// zero, so a catching-up poller makes as few calls as it can.
	PageSize int
	// Timeout bounds one HTTP request (httpx.DefaultTimeout when zero).
	Timeout time.Duration
	// CallsPerSecond spaces every call of this client, whoever makes it
	// (DefaultCallsPerSecond when zero); a 429 holds them all for its
	// Retry-After.
	CallsPerSecond float64
	// Transport overrides the HTTP transport (tests).
	Transport http.RoundTripper
	// Now is the sale clock (default time.Now). The contract's order windows
	// are open-ended and stamped by the store, so the read side does not
	// compare anything with it; ExtendSale does (an extension must end in
	// the future).
	Now func() time.Time
}

// Client is a brand store channel. It implements datasources.Source and
// datasources.Controller and is safe for concurrent use.
type Client struct {
	id       string
	token    string
	pageSize int
	http     *resty.Client // reads: retried
	act      *resty.Client // actions: one attempt, never retried
	now      func() time.Time
}

var _ datasources.Source = (*Client)(nil)

// New checks the configuration and returns a client. Errors name the
// setting that is wrong, never the token.
func New(cfg Config) (*Client, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{{"ID", cfg.ID}, {"BaseURL", cfg.BaseURL}, {"Token", cfg.Token}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("brandstore: %s required", strings.Join(missing, ", "))
	}
	base := strings.TrimSpace(cfg.BaseURL)
	if err := checkBaseURL(base); err != nil {
		return nil, fmt.Errorf("brandstore %s: %w", cfg.ID, err)
	}
	if cfg.CallsPerSecond < 0 {
		return nil, fmt.Errorf("brandstore %s: CallsPerSecond must not be negative", cfg.ID)
	}
	if cfg.PageSize < 0 || cfg.PageSize > MaxPageSize {
		return nil, fmt.Errorf("brandstore %s: PageSize %d outside 1..%d", cfg.ID, cfg.PageSize, MaxPageSize)
	}
	token := strings.TrimSpace(cfg.Token)
	if strings.ContainsAny(token, " \t\r\n") {
		return nil, fmt.Errorf("brandstore %s: Token contains white space", cfg.ID)
	}
	c := &Client{
		id:       cfg.ID,
		token:    token,
		pageSize: cmp.Or(cfg.PageSize, MaxPageSize),
		now:      cfg.Now,
	}
	if c.now == nil {
		c.now = time.Now
	}
	// One pacer for reads and actions: they share the store's call budget.
	pacer := pace.New(cmp.Or(cfg.CallsPerSecond, DefaultCallsPerSecond))
	c.http = httpx.ReadClient(httpx.Options{BaseURL: base, Timeout: cfg.Timeout, Transport: cfg.Transport, Pacer: pacer}).
		SetAuthToken(token).
		SetHeader("Accept", "application/json").
		SetResponseBodyLimit(maxBody).
		SetLogger(quietLogger{})
	at := cfg.Transport
	if at == nil {
		at = actionTransport()
	}
	c.act = httpx.ActionClient(httpx.Options{BaseURL: base, Timeout: cfg.Timeout, Transport: at, Pacer: pacer}).
		SetAuthToken(token).
		SetHeader("Accept", "application/json").
		SetResponseBodyLimit(maxBody).
		SetLogger(quietLogger{}).
		// A redirect is answered to the action, never followed: following
		// it would send the action a second time, somewhere else.
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }))
	return c, nil
}

// actionTransport is the HTTP transport of the actions: a new connection
// for each. net/http resends a request that carries an Idempotency-Key
// when a reused keep-alive connection turns out to be dead, even after the
// request was written; an action must go out once, and the few actions of
// a sale can afford their own connections. nil (resty's default) if the
// default transport was replaced by something else.
func actionTransport() http.RoundTripper {
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil
	}
	t := dt.Clone()
	t.DisableKeepAlives = true
	return t
}

// quietLogger drops resty's own log lines: every failure reaches the engine
// as a *datasources.Error, which it logs once, with the channel's name.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// checkBaseURL accepts https, and plain http only to this machine (the
// simulator, a tunnel).
func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("BaseURL %q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		h := u.Hostname()
		if h == "localhost" {
			return nil
		}
		if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
			return nil
		}
		return fmt.Errorf("BaseURL %q: plain http is refused off this machine (the bearer token would travel in clear text); use https", raw)
	default:
		return fmt.Errorf("BaseURL %q: scheme must be https", raw)
	}
}

// ID returns the channel id.
func (c *Client) ID() string { return c.id }

// Kind returns datasources.KindBrandstore.
func (c *Client) Kind() string { return datasources.KindBrandstore }

// Capabilities: the contract requires every store to serve orders, stock
// and all four actions. It has no push of order events, so the engine polls.
func (c *Client) Capabilities() datasources.Capabilities {
	return datasources.Capabilities{Orders: true, Stock: true, Pause: true, Resume: true, Extend: true, CancelOrder: true}
}

// Health calls /v1/health, which checks the token like every other call.
func (c *Client) Health(ctx context.Context) error {
	body, err := c.get(ctx, PathHealth, nil)
	if err != nil {
		return err
	}
	var h struct {
		Status *string `json:"status"`
		Time   *string `json:"time"`
	}
	if err := json.Unmarshal(body, &h); err != nil {
		return c.malformedBody(PathHealth, err, body)
	}
	if h.Status == nil {
		return c.malformedBody(PathHealth, errors.New(`no "status"`), body)
	}
	if *h.Status != "ok" {
		// The contract's only healthy word is "ok"; a store that answers
		// 200 with anything else is telling us it is not serving.
		return &datasources.Error{Channel: c.id, Op: PathHealth, Kind: datasources.ErrUnavailable,
			Code: c.scrub(*h.Status), Message: c.scrub("the store reports status " + *h.Status)}
	}
	return nil
}

// get performs one read and returns the body of a 200 answer; any other
// outcome is a *datasources.Error.
func (c *Client) get(ctx context.Context, op string, q url.Values) ([]byte, error) {
	req := c.http.R().SetContext(ctx)
	if len(q) > 0 {
		req.SetQueryParamsFromValues(q)
	}
	resp, err := req.Get(op)
	if err != nil {
		return nil, c.transportError(op, err)
	}
	if resp.StatusCode() != http.StatusOK {
		return nil, c.statusError(op, resp.StatusCode(), resp.Header(), resp.Body())
	}
	return resp.Body(), nil
}

// transportError maps a request that got no usable answer: a timeout, a
// refused or dropped connection, or an answer too large to hold.
func (c *Client) transportError(op string, err error) *datasources.Error {
	if errors.Is(err, resty.ErrResponseBodyTooLarge) {
		return &datasources.Error{Channel: c.id, Op: op, Kind: datasources.ErrMalformed,
			Message: fmt.Sprintf("answer larger than %d MB", maxBody>>20), Err: err}
	}
	e := httpx.TransportError(c.id, op, err)
	e.Message = c.scrub(e.Message)
	return e
}

// wireError is the contract's error body.
type wireError struct {
	Error *struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// statusError maps a non-200 answer. The kind follows the HTTP status
// (401/403 credentials, 429 rate limit with Retry-After, 5xx unavailable,
// other 4xx rejected); the code and words come from the contract's error
// body when there is one, else the status and a quote of what came back (a
// proxy's HTML page, say).
func (c *Client) statusError(op string, status int, h http.Header, body []byte) *datasources.Error {
	// Scrubbed before it is shortened: a quote cut in the middle of the
	// token would keep half of it.
	body = c.scrubBytes(body)
	e := httpx.StatusError(c.id, op, status, h, body)
	var we wireError
	if json.Unmarshal(body, &we) == nil && we.Error != nil && we.Error.Code != "" {
		e.Code = we.Error.Code
		e.Message = we.Error.Message
		if we.Error.RequestID != "" {
			e.Message += " (request " + we.Error.RequestID + ")"
		}
	}
	e.Code = c.scrub(e.Code)
	e.Message = c.scrub(e.Message)
	return e
}

// scrub removes the token from text that came from outside: a store that
// echoes the Authorization header in an error must not put the token on a
// manager's screen or in a log.
func (c *Client) scrub(s string) string {
	if c.token == "" || !strings.Contains(s, c.token) {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[token]")
}

// scrubBytes is scrub for a body that is about to be quoted.
func (c *Client) scrubBytes(b []byte) []byte {
	if c.token == "" || !bytes.Contains(b, []byte(c.token)) {
		return b
	}
	return bytes.ReplaceAll(b, []byte(c.token), []byte("[token]"))
}
