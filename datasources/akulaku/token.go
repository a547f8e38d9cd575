package akulaku

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/httpx"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// Access tokens.
//
// Akulaku's app tokens live about two hours and a sale lasts longer, so a
// client with client credentials obtains its own from PathToken and renews
// each before it expires, by a margin proportional to its lifetime (a tenth,
// at most five minutes: 5 minutes of a 2-hour token, 6 seconds of a
// one-minute one). A call refused anyway for an invalid or expired token
// renews once and is sent again. Callers that find the token due, or
// refused, at the same time renew it once between them.
//
// Lifetimes are measured on the client's Now, the sale clock, and not on the
// wall clock that stamps requests. In production the two are one clock.
// Against the simulator the sale clock runs many times faster than the
// wall, and the simulator expires its tokens on that clock: measured on the
// wall, a two-hour token of a sale played at 600x would look fresh for two
// wall hours while the channel refused it after twelve wall seconds.
// Measuring where the channel measures keeps the two in agreement.
//
// Tokens and the client secret are never logged and never part of an
// error: the token call's URL (which carries the secret in its query) is
// cut from transport errors, an unreadable token answer is never quoted,
// and every error's words are scrubbed of the secrets the client holds.

const (
	// maxTokenLifetime bounds expires_in: a larger one is a mistake, and
	// seconds beyond 2^63 ns would overflow into the past.
	maxTokenLifetime = 30 * 24 * time.Hour
	// maxRenewMargin is the most a token is renewed before it expires.
	maxRenewMargin = 5 * time.Minute
	// maxTokenLen bounds a token read from an answer: it goes into a header.
	maxTokenLen = 4096
)

// tokens is the client's access token and what renews it.
type tokens struct {
	clientID, clientSecret string
	onRenew                func(expires time.Time)

	mu      sync.Mutex
	access  string
	refresh string
	// expires and renewAt are on the sale clock. Both are zero for a
	// configured token, whose age is unknown: it is used until refused.
	expires, renewAt time.Time
	// gen counts renewals, so a caller that waited for another's renewal
	// knows not to renew again.
	gen uint64

	// renewMu lets one caller at a time renew.
	renewMu sync.Mutex
}

func (t *tokens) init(cfg Config) {
	t.clientID = strings.TrimSpace(cfg.ClientID)
	t.clientSecret = strings.TrimSpace(cfg.ClientSecret)
	t.access = strings.TrimSpace(cfg.AccessToken)
	t.onRenew = cfg.OnTokenRenew
}

// canRenew reports whether the client holds client credentials.
func (t *tokens) canRenew() bool { return t.clientID != "" && t.clientSecret != "" }

// accessToken returns the token to send and its generation, obtaining or
// renewing it first when it is missing or due. A token due for renewal
// that has not expired yet is still used when the renewal fails: the
// renewal is tried again on the next call.
func (c *Client) accessToken(ctx context.Context, op string) (string, uint64, error) {
	now := c.now()
	t := &c.tok
	t.mu.Lock()
	tok, gen, expires, renewAt := t.access, t.gen, t.expires, t.renewAt
	t.mu.Unlock()
	due := tok == "" || (!renewAt.IsZero() && !now.Before(renewAt))
	if !due || !t.canRenew() {
		if tok == "" {
			// New refuses a client with neither; kept for the zero Client.
			return "", 0, c.errorf(op, datasources.ErrAuth, "no access token and no client credentials to obtain one")
		}
		return tok, gen, nil
	}
	if err := c.renew(ctx, gen); err != nil {
		if tok != "" && now.Before(expires) {
			return tok, gen, nil
		}
		return "", 0, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.access, t.gen, nil
}

// renew obtains a new token, unless another caller renewed it since the
// caller read generation seen. It uses the refresh token when one is held
// and falls back to the client credentials when that is refused.
func (c *Client) renew(ctx context.Context, seen uint64) error {
	t := &c.tok
	t.renewMu.Lock()
	defer t.renewMu.Unlock()
	t.mu.Lock()
	gen, refresh := t.gen, t.refresh
	t.mu.Unlock()
	if gen != seen {
		return nil // renewed by another caller meanwhile
	}
	var (
		ans  tokenAnswer
		sent time.Time
		err  error
	)
	if refresh != "" {
		ans, sent, err = c.fetchToken(ctx, refresh)
		switch datasources.KindOf(err) {
		case 0:
		case datasources.ErrAuth, datasources.ErrRejected, datasources.ErrMalformed:
			// The refresh token is spent or unknown (or its answer
			// unreadable): the client credentials still obtain one.
			refresh = ""
		default:
			// An outage or a rate limit: asking again now would fare
			// no better.
			return err
		}
	}
	if refresh == "" {
		if ans, sent, err = c.fetchToken(ctx, ""); err != nil {
			return err
		}
	}
	// The lifetime counts from when the token was asked for: it cannot
	// have been issued earlier, so the client never thinks it fresher
	// than the channel does.
	expires := sent.Add(ans.lifetime)
	renewAt := expires.Add(-min(ans.lifetime/10, maxRenewMargin))
	t.mu.Lock()
	t.access = ans.access
	if ans.refresh != "" {
		t.refresh = ans.refresh
	} else if refresh == "" {
		t.refresh = ""
	}
	t.expires, t.renewAt = expires, renewAt
	t.gen++
	t.mu.Unlock()
	if t.onRenew != nil {
		t.onRenew(expires)
	}
	return nil
}

// tokenAnswer is what a token answer gives.
type tokenAnswer struct {
	access, refresh string
	lifetime        time.Duration
}

// tokenData is data of a token answer, as public clients read it.
type tokenData struct {
	AccessToken  jsonx.String `json:"access_token"`
	RefreshToken jsonx.String `json:"refresh_token"`
	ExpiresIn    jsonx.Int    `json:"expires_in"` // seconds
}

// errNoAccessToken: a token answer without a usable token. Errors about a
// token answer never quote it.
var errNoAccessToken = errors.New("the token answer has no access_token")

// decodeToken reads data of a token answer. expires_in missing, zero or
// negative is DefaultTokenLifetime (what a public client assumes); a
// larger one than maxTokenLifetime is cut to it. The error never quotes
// the answer, which holds the token.
func decodeToken(data json.RawMessage) (tokenAnswer, error) {
	var d tokenData
	if err := json.Unmarshal(data, &d); err != nil {
		return tokenAnswer{}, errors.New("the token answer's data is not an object of access_token, refresh_token and expires_in")
	}
	a := tokenAnswer{access: strings.TrimSpace(string(d.AccessToken)), refresh: strings.TrimSpace(string(d.RefreshToken))}
	if a.access == "" {
		return tokenAnswer{}, errNoAccessToken
	}
	for _, s := range []string{a.access, a.refresh} {
		if !headerSafe(s) {
			return tokenAnswer{}, errors.New("the token answer's token has characters a header cannot carry, or is too long")
		}
	}
	switch n := int64(d.ExpiresIn); {
	case n <= 0:
		a.lifetime = DefaultTokenLifetime
	case n >= int64(maxTokenLifetime/time.Second):
		a.lifetime = maxTokenLifetime
	default:
		a.lifetime = time.Duration(n) * time.Second
	}
	return a, nil
}

// headerSafe reports whether s can travel as a header value (or a query
// value) as it is: printable ASCII, at most maxTokenLen bytes.
func headerSafe(s string) bool {
	if len(s) > maxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// fetchToken asks the token endpoint for a token: by the client
// credentials, or by the refresh token when one is given. It returns the
// sale-clock time the request went out. A refusal in the endpoint's words
// is ErrAuth (the credentials are wrong or revoked), except a rate limit.
func (c *Client) fetchToken(ctx context.Context, refresh string) (tokenAnswer, time.Time, error) {
	q := map[string]string{
		"client_id":     c.tok.clientID,
		"client_secret": c.tok.clientSecret,
		"scope":         "select",
		"grant_type":    "client_credentials",
	}
	if refresh != "" {
		q["grant_type"], q["refresh_token"] = "refresh_token", refresh
	}
	sent := c.now()
	// No signature headers: the public clients send none on this call.
	resp, err := c.http.R().SetContext(ctx).SetHeader("Accept", "application/json").SetQueryParams(q).Get(PathToken)
	if err != nil {
		return tokenAnswer{}, sent, httpx.TransportError(c.id, PathToken, httpx.Redact(err))
	}
	data, err := c.codes.decode(c.id, PathToken, resp.StatusCode(), resp.Header(), resp.Body())
	if err != nil {
		var e *datasources.Error
		if errors.As(err, &e) {
			switch e.Kind {
			case datasources.ErrRateLimited:
				c.pace.Hold(e.RetryAfter)
			case datasources.ErrRejected, datasources.ErrAuth:
				if strings.HasPrefix(e.Code, "HTTP ") {
					// An HTTP status without the channel's words (a
					// proxy's page, a wrong base_url): as it is.
					break
				}
				// The endpoint said no in its own words: the
				// credentials are wrong or revoked.
				e.Kind = datasources.ErrAuth
				e.Message = "the token endpoint refused the client credentials: " + cmp.Or(e.Message, "no reason given")
			case datasources.ErrMalformed:
				// A cut-off token answer may hold the token: say what
				// was wrong, never the body.
				e.Message = "the token answer cannot be read"
				if e.Err != nil {
					e.Message += ": " + e.Err.Error()
				}
			}
		}
		return tokenAnswer{}, sent, c.scrub(err)
	}
	ans, err := decodeToken(data)
	if err != nil {
		return tokenAnswer{}, sent, &datasources.Error{Channel: c.id, Op: PathToken, Kind: datasources.ErrMalformed, Message: err.Error()}
	}
	return ans, sent, nil
}

// scrub removes the secrets the client holds from an error's words: a
// channel that echoes a request (an error page quoting the URL) must not
// put them on a screen or in a log.
func (c *Client) scrub(err error) error {
	var e *datasources.Error
	if !errors.As(err, &e) || e.Message == "" {
		return err
	}
	c.tok.mu.Lock()
	secrets := []string{c.tok.clientSecret, c.tok.access, c.tok.refresh}
	c.tok.mu.Unlock()
	for _, s := range secrets {
		// Very short values would blot out ordinary words; no real
		// secret or token is that short.
		if len(s) >= 6 {
			e.Message = strings.ReplaceAll(e.Message, s, "[redacted]")
		}
	}
	return err
}
