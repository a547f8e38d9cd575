// Package httpx holds the HTTP plumbing every channel client shares: resty
// clients configured the same way (timeouts, jittered retries for reads only,
// a single attempt for actions) and the mapping of transport failures and
// HTTP statuses to datasources.Error, so every client reports a timeout, a
// 429 or a 503 in the same words.
package httpx

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/pace"
	"github.com/go-resty/resty/v2"
)

// DefaultTimeout bounds one HTTP request when the caller gives none.
const DefaultTimeout = 10 * time.Second

// Options configures a client.
type Options struct {
	BaseURL string
	Timeout time.Duration // per request; DefaultTimeout when zero
	// Retries for ReadClient (default 2). Retries wait 200ms, 400ms… with
	// jitter, capped at 2s, and never happen for a rate limit: the poller
	// slows down instead of hammering a channel that asked it to wait.
	Retries   int
	UserAgent string
	// Transport overrides the HTTP transport (tests, the simulator).
	Transport http.RoundTripper
	// Pacer, when set, spaces every request of the client (retries
	// included) and holds them after an HTTP 429 for its Retry-After. A
	// channel's read and action clients share one, as they share the
	// channel's call budget.
	Pacer *pace.Pacer
}

func base(o Options) *resty.Client {
	c := resty.New()
	if o.Transport != nil {
		c.SetTransport(o.Transport)
	}
	c.SetBaseURL(strings.TrimRight(o.BaseURL, "/"))
	t := o.Timeout
	if t <= 0 {
		t = DefaultTimeout
	}
	c.SetTimeout(t)
	ua := o.UserAgent
	if ua == "" {
		ua = "flashdeck"
	}
	c.SetHeader("User-Agent", ua)
	// Channels answer errors with bodies we decode ourselves.
	c.SetDoNotParseResponse(false)
	if p := o.Pacer; p != nil {
		// Each attempt waits for its turn: resty runs this before every
		// try, so a retried read is spaced like any other call.
		c.OnBeforeRequest(func(_ *resty.Client, r *resty.Request) error {
			return p.Wait(r.Context())
		})
		c.OnAfterResponse(func(_ *resty.Client, r *resty.Response) error {
			if r.StatusCode() == http.StatusTooManyRequests {
				p.Hold(RetryAfter(r.Header(), time.Second))
			}
			return nil
		})
	}
	return c
}

// ReadClient returns a client for safe, idempotent reads: retried on
// transport errors and 5xx with jittered backoff.
func ReadClient(o Options) *resty.Client {
	c := base(o)
	n := o.Retries
	if n == 0 {
		n = 2
	}
	if n < 0 {
		n = 0
	}
	c.SetRetryCount(n).
		SetRetryWaitTime(200 * time.Millisecond).
		SetRetryMaxWaitTime(2 * time.Second)
	// AddRetryCondition replaces resty's default condition; this one says
	// exactly when a read is worth repeating.
	c.AddRetryCondition(func(r *resty.Response, err error) bool {
		if err != nil {
			// A cancelled or expired context must not be retried.
			return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err)
		}
		if r == nil {
			return false
		}
		s := r.StatusCode()
		return s == http.StatusBadGateway || s == http.StatusServiceUnavailable || s == http.StatusGatewayTimeout
	})
	return c
}

// ActionClient returns a client for requests that change something at the
// channel (pause, extend, cancel). It never retries: an action goes out once,
// and an unclear result is settled by reading the channel back.
func ActionClient(o Options) *resty.Client {
	c := base(o)
	c.SetRetryCount(0)
	return c
}

func isTimeout(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// TransportError maps a failed round trip to a datasources.Error.
func TransportError(channel, op string, err error) *datasources.Error {
	if isTimeout(err) {
		return &datasources.Error{Channel: channel, Op: op, Kind: datasources.ErrTimeout, Message: "no answer in time", Err: err}
	}
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = ue.Err.Error()
	}
	return &datasources.Error{Channel: channel, Op: op, Kind: datasources.ErrUnavailable, Message: msg, Err: err}
}

// Redact cuts the query from a failed request's URL in err: channels carry
// tokens, signatures and secrets there, and a transport error quotes the
// URL whole.
func Redact(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	u := ue.URL
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	return &url.Error{Op: ue.Op, URL: u, Err: ue.Err}
}

// StatusError maps a non-2xx HTTP status without a channel envelope to a
// datasources.Error. body is quoted (shortened) so a manager sees what the
// channel said.
func StatusError(channel, op string, status int, header http.Header, body []byte) *datasources.Error {
	e := &datasources.Error{Channel: channel, Op: op, Code: "HTTP " + strconv.Itoa(status)}
	switch {
	case status == http.StatusTooManyRequests:
		e.Kind = datasources.ErrRateLimited
		e.RetryAfter = RetryAfter(header, time.Second)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = datasources.ErrAuth
	case status == http.StatusRequestTimeout || status == http.StatusGatewayTimeout:
		e.Kind = datasources.ErrTimeout
	case status >= 500:
		e.Kind = datasources.ErrUnavailable
	default:
		e.Kind = datasources.ErrRejected
	}
	e.Message = Snippet(body)
	return e
}

// RetryAfter reads a Retry-After header (seconds or HTTP date), or returns def.
func RetryAfter(h http.Header, def time.Duration) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return def
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		// A day at most: a larger wait is a channel's mistake, and
		// seconds beyond 2^63 ns would overflow into the past.
		return time.Duration(min(n, maxRetryAfter)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return def
}

// maxRetryAfter is the longest wait (in seconds) a Retry-After is taken for.
const maxRetryAfter = 24 * 3600

// Snippet shortens a response body for an error message.
func Snippet(body []byte) string {
	s := strings.TrimSpace(strings.ToValidUTF8(string(body), "�"))
	s = strings.Join(strings.Fields(s), " ")
	return cut(s, 160)
}

// cut shortens s to at most n bytes, at a character boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Malformed builds the error for an answer that cannot be decoded.
func Malformed(channel, op string, err error, body []byte) *datasources.Error {
	msg := err.Error()
	if sn := Snippet(body); sn != "" {
		sn = cut(sn, 60)
		msg += " in " + strconv.Quote(sn)
	}
	return &datasources.Error{Channel: channel, Op: op, Kind: datasources.ErrMalformed, Message: msg, Err: err}
}
