package lazada

import (
	"context"
	"encoding/json"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/httpx"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
	"github.com/go-resty/resty/v2"
)

// Lazada error codes the client acts on. Everything else is passed on as
// ErrRejected with Lazada's code and words (or ErrUnavailable for a type
// "ISP" backend failure).
const (
	// CodeAPICallLimit: calls to an API came too fast; the message says how
	// long the ban lasts ("this ban will last 1 seconds").
	CodeAPICallLimit = "ApiCallLimit"
	// CodeTooFrequent is E901, "The request is too frequent, or the
	// requested functionality is temporarily disabled": retry in a second.
	CodeTooFrequent = "901"
	// CodeIllegalAccessToken: "The specified access token is invalid or
	// expired". Refresh and repeat.
	CodeIllegalAccessToken = "IllegalAccessToken"
	// CodeIllegalRefreshToken: the refresh token is invalid or expired; the
	// seller has to authorise the app again.
	CodeIllegalRefreshToken = "IllegalRefreshToken"
	// CodeIncompleteSignature: "The request signature does not conform to
	// lazop standards" — a signing bug or a wrong app secret.
	CodeIncompleteSignature = "IncompleteSignature"
)

// expiredTokenCodes make the client refresh the access token. Lazada
// documents IllegalAccessToken ("invalid or expired"); the other two are the
// spellings other Alibaba-run gateways use for a lapsed token, accepted so a
// renamed code still leads to a refresh rather than an outage.
var expiredTokenCodes = map[string]bool{
	CodeIllegalAccessToken: true,
	"AccessTokenExpired":   true,
	"InvalidAccessToken":   true,
}

// defaultBan is how long to wait after a rate limit that names no duration:
// Lazada's own advice for 901 is "retry in the next second".
const defaultBan = time.Second

var banRe = regexp.MustCompile(`(?i)last\s+(\d{1,4})\s*sec`)

// banFor reads "this ban will last N seconds" from a rate-limit message.
func banFor(msg string) time.Duration {
	if m := banRe.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return defaultBan
}

// how says how a request goes out. Reads are GETs through the retrying
// client; changes go out once, through the client that never retries
// (httpx.ActionClient), as a GET or as a POST with the API's own
// parameters in the form body.
type how struct {
	post   bool
	action bool
}

var (
	readGET    = how{}
	actionGET  = how{action: true}
	actionPOST = how{action: true, post: true}
)

// call makes one signed GET and returns the answer's data. An access token
// the platform calls invalid or expired is refreshed once and the call
// repeated; a second refusal is ErrAuth.
func (c *Client) call(ctx context.Context, op string, params map[string]string) (json.RawMessage, error) {
	env, err := c.exchange(ctx, readGET, op, params)
	return c.dataOf(op, env, err)
}

// act sends one change request (see how) and returns the answer's data.
func (c *Client) act(ctx context.Context, h how, op string, params map[string]string) (json.RawMessage, error) {
	env, err := c.exchange(ctx, h, op, params)
	return c.dataOf(op, env, err)
}

// dataOf turns an exchange's answer into its data or its error.
func (c *Client) dataOf(op string, env envelope, err error) (json.RawMessage, error) {
	if err != nil {
		return nil, err
	}
	if !env.ok() {
		return nil, c.apiError(op, env)
	}
	return env.Data, nil
}

// exchange sends one request and returns the answer's envelope, success or
// refusal, so a caller can read a refusal's detail. An access token the
// platform calls invalid or expired is refreshed once and the request sent
// again: the platform refused it without acting, so even a change request
// may go out a second time. err is a failure to get an answer at all.
func (c *Client) exchange(ctx context.Context, h how, op string, params map[string]string) (envelope, error) {
	refreshed := false
	for {
		token, err := c.token(ctx)
		if err != nil {
			return envelope{}, err
		}
		env, err := c.answer(ctx, h, op, params, token)
		if err != nil {
			return envelope{}, err
		}
		if !env.ok() && expiredTokenCodes[strings.TrimSpace(string(env.Code))] && !refreshed {
			if err := c.renew(ctx, token, op); err != nil {
				return envelope{}, err
			}
			refreshed = true
			continue
		}
		return env, nil
	}
}

// answer makes one request and reads its answer while no other call of the
// client is out (pace.Pacer.Begin), holding every call through a ban the
// answer names before the next may start.
func (c *Client) answer(ctx context.Context, h how, op string, params map[string]string, token string) (envelope, error) {
	end, err := c.pace.Begin(ctx)
	if err != nil {
		return envelope{}, httpx.TransportError(c.id, op, err)
	}
	defer end()
	env, err := c.roundTrip(ctx, h, op, params, token)
	if err == nil && !env.ok() {
		if code := strings.TrimSpace(string(env.Code)); code == CodeAPICallLimit || code == CodeTooFrequent {
			c.pace.Hold(banFor(string(env.Message)))
		}
	}
	return env, err
}

// roundTrip signs and sends one request with the given access token. Every
// parameter is signed wherever it travels: a GET carries them all in the
// query; a POST, as the SDKs send it, the system parameters in the query
// and the API's own (a payload) in the form body.
func (c *Client) roundTrip(ctx context.Context, h how, op string, params map[string]string, token string) (envelope, error) {
	api := make(map[string]string, len(params))
	for k, v := range params {
		if v != "" { // Lazada refuses empty parameters; leaving them out is the SDKs' way
			api[k] = v
		}
	}
	sys := make(map[string]string, 5)
	c.system(sys)
	sys["access_token"] = token
	all := make(map[string]string, len(api)+len(sys)+1)
	maps.Copy(all, api)
	maps.Copy(all, sys)
	sys["sign"] = Sign(op, all, c.secret)
	all["sign"] = sys["sign"]
	client := c.http
	if h.action {
		client = c.actions
	}
	req := client.R().SetContext(ctx)
	var resp *resty.Response
	var err error
	if h.post {
		resp, err = req.SetQueryParams(sys).SetFormData(api).Post(op)
	} else {
		resp, err = req.SetQueryParams(all).Get(op)
	}
	if err != nil {
		return envelope{}, httpx.TransportError(c.id, op, httpx.Redact(err))
	}
	return c.decode(op, resp)
}

// system adds the system parameters every call carries except the token.
func (c *Client) system(q map[string]string) {
	q["app_key"] = c.appKey
	// The wall clock, never the sale clock: Lazada refuses a timestamp more
	// than 7200 s away from its own time.
	q["timestamp"] = strconv.FormatInt(c.wall().UnixMilli(), 10)
	q["sign_method"] = "sha256"
}

// decode reads the envelope of an answer. A body that is not Lazada's
// envelope is an HTTP failure when the status says so (a 503 page from a
// load balancer), and malformed otherwise.
func (c *Client) decode(op string, resp *resty.Response) (envelope, error) {
	body := resp.Body()
	env, err := decodeEnvelope(body)
	if err != nil {
		if s := resp.StatusCode(); s < 200 || s > 299 {
			return envelope{}, httpx.StatusError(c.id, op, s, resp.Header(), body)
		}
		return envelope{}, httpx.Malformed(c.id, op, err, body)
	}
	return env, nil
}

// apiError maps a Lazada error envelope to a datasources.Error.
func (c *Client) apiError(op string, env envelope) *datasources.Error {
	code := strings.TrimSpace(string(env.Code))
	msg := strings.TrimSpace(string(env.Message))
	if msg == "" {
		msg = "no message"
	}
	if id := strings.TrimSpace(string(env.RequestID)); id != "" {
		// Lazada support asks for the request id.
		msg += " [request_id " + id + "]"
	}
	e := &datasources.Error{Channel: c.id, Op: op, Code: code, Message: msg}
	switch {
	case code == CodeAPICallLimit || code == CodeTooFrequent:
		e.Kind = datasources.ErrRateLimited
		e.RetryAfter = banFor(string(env.Message))
		// Every caller of this client waits out the ban, not only the
		// one that met it: a call during a ban lengthens it.
		c.pace.Hold(e.RetryAfter)
	case expiredTokenCodes[code] || code == CodeIllegalRefreshToken:
		e.Kind = datasources.ErrAuth
	case code == CodeIncompleteSignature:
		e.Kind = datasources.ErrSignature
	case strings.EqualFold(strings.TrimSpace(string(env.Type)), "ISP"):
		// "Backend service errors are usually caused by the availability of
		// API service. Please try again after some time."
		e.Kind = datasources.ErrUnavailable
	default:
		e.Kind = datasources.ErrRejected
	}
	return e
}

// token returns the access token to use, refreshing one first when the
// client was configured with a refresh token only.
func (c *Client) token(ctx context.Context) (string, error) {
	c.mu.Lock()
	t := c.access
	c.mu.Unlock()
	if t != "" {
		return t, nil
	}
	if err := c.renew(ctx, "", PathTokenRefresh); err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.access, nil
}

// tokenAnswer is /auth/token/refresh's answer: the tokens sit at the top
// level, beside the envelope's fields.
type tokenAnswer struct {
	envelope
	AccessToken      jsonx.String `json:"access_token"`
	RefreshToken     jsonx.String `json:"refresh_token"`
	ExpiresIn        jsonx.Int    `json:"expires_in"`
	RefreshExpiresIn jsonx.Int    `json:"refresh_expires_in"`
}

// renew exchanges the refresh token for a new access token, unless another
// caller already replaced the token `used` meanwhile. A refusal by the token
// service is ErrAuth: the seller has to authorise the app again.
//
// op is the call that found the token refused: without a refresh token the
// failure is reported against it.
func (c *Client) renew(ctx context.Context, used, op string) error {
	access, refresh, expires, changed, err := c.renewLocked(ctx, used, op)
	if err != nil {
		return err
	}
	if changed && c.onToken != nil {
		c.onToken(access, refresh, expires)
	}
	return nil
}

func (c *Client) renewLocked(ctx context.Context, used, refusedOp string) (access, refresh string, expires time.Time, changed bool, err error) {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	c.mu.Lock()
	cur, rt := c.access, c.refresh
	c.mu.Unlock()
	if cur != "" && cur != used {
		return "", "", time.Time{}, false, nil // renewed by another caller
	}
	op := PathTokenRefresh
	if rt == "" {
		return "", "", time.Time{}, false, &datasources.Error{
			Channel: c.id, Op: refusedOp, Kind: datasources.ErrAuth, Code: CodeIllegalAccessToken,
			Message: "the access token was refused and no refresh token is configured: authorise the app again",
		}
	}
	// As the SDKs send a POST: system parameters in the query, the API's
	// own in the form body, all of them signed.
	q := map[string]string{}
	c.system(q)
	q["sign"] = Sign(op, map[string]string{
		"app_key": q["app_key"], "timestamp": q["timestamp"], "sign_method": q["sign_method"], "refresh_token": rt,
	}, c.secret)
	resp, err := c.auth.R().SetContext(ctx).SetQueryParams(q).
		SetFormData(map[string]string{"refresh_token": rt}).Post(op)
	if err != nil {
		// The token service could not be reached: the credentials were not
		// refused, so this stays an outage (or timeout), not ErrAuth.
		return "", "", time.Time{}, false, httpx.TransportError(c.id, op, httpx.Redact(err))
	}
	var ans tokenAnswer
	if s := resp.StatusCode(); s < 200 || s > 299 {
		if e := json.Unmarshal(resp.Body(), &ans); e != nil || ans.Code == "" {
			return "", "", time.Time{}, false, httpx.StatusError(c.id, op, s, resp.Header(), resp.Body())
		}
	} else if e := json.Unmarshal(resp.Body(), &ans); e != nil {
		return "", "", time.Time{}, false, httpx.Malformed(c.id, op, e, resp.Body())
	}
	if !ans.ok() {
		e := c.apiError(op, ans.envelope)
		if e.Kind != datasources.ErrRateLimited {
			e.Kind = datasources.ErrAuth
		}
		return "", "", time.Time{}, false, e
	}
	access = strings.TrimSpace(string(ans.AccessToken))
	if access == "" {
		return "", "", time.Time{}, false, &datasources.Error{
			Channel: c.id, Op: op, Kind: datasources.ErrAuth, Message: "the token service answered without an access token",
		}
	}
	refresh = strings.TrimSpace(string(ans.RefreshToken))
	c.mu.Lock()
	c.access = access
	if refresh != "" {
		c.refresh = refresh
	} else {
		refresh = c.refresh
	}
	c.mu.Unlock()
	if ans.ExpiresIn > 0 {
		expires = c.wall().Add(time.Duration(ans.ExpiresIn) * time.Second)
	}
	return access, refresh, expires, true, nil
}
