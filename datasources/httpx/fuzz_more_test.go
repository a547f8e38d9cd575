package httpx

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/datasources"
)

// Fuzz targets for what httpx reads from a channel's answer: the
// Retry-After header, and a body it quotes in an error (a proxy's HTML
// page, a channel's own words). Seeds are in testdata/fuzz; run one with
// go test -fuzz=FuzzRetryAfter ./datasources/httpx

// FuzzRetryAfter: a wait read from Retry-After is never negative; a number
// of seconds is that many seconds; no value or an unreadable one is the
// default.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"2", "0", " 120 ", "", "-1", "1.5", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "+3"} {
		f.Add(s)
	}
	const def = 7 * time.Second
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{"Retry-After": {v}}
		d := RetryAfter(h, def)
		if d < 0 {
			t.Fatalf("Retry-After %q read as a negative wait %v", v, d)
		}
		s := strings.TrimSpace(v)
		if s == "" && d != def {
			t.Fatalf("no Retry-After read as %v, want the default %v", d, def)
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
			// That many seconds, a day at most.
			if want := time.Duration(min(n, maxRetryAfter)) * time.Second; d != want {
				t.Fatalf("Retry-After %q read as %v, want %v", v, d, want)
			}
		}
	})
}

// FuzzStatusError: any non-2xx answer without an envelope maps to an error
// of the kind its status says, with the status as code and the body quoted
// on one line, at most 160 characters, still valid UTF-8.
func FuzzStatusError(f *testing.F) {
	f.Add(503, "", []byte("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"))
	f.Add(429, "3", []byte("Too Many Requests"))
	f.Add(401, "", []byte(`{"message":"token expired"}`))
	f.Add(404, "", []byte("not found\n\n\tat /v1/orders"))
	f.Add(408, "", []byte(nil))
	f.Add(400, "", []byte(strings.Repeat("é", 100)))
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		e := StatusError("lazada-id", "/orders/get", status, http.Header{"Retry-After": {retryAfter}}, body)
		if e.Channel != "lazada-id" || e.Op != "/orders/get" || e.Code != "HTTP "+strconv.Itoa(status) {
			t.Fatalf("error %+v", e)
		}
		var want datasources.ErrorKind
		switch {
		case status == http.StatusTooManyRequests:
			want = datasources.ErrRateLimited
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			want = datasources.ErrAuth
		case status == http.StatusRequestTimeout || status == http.StatusGatewayTimeout:
			want = datasources.ErrTimeout
		case status >= 500:
			want = datasources.ErrUnavailable
		default:
			want = datasources.ErrRejected
		}
		if e.Kind != want {
			t.Fatalf("HTTP %d mapped to %v, want %v", status, e.Kind, want)
		}
		if e.RetryAfter < 0 || (e.RetryAfter != 0 && e.Kind != datasources.ErrRateLimited) {
			t.Fatalf("HTTP %d with a wait of %v", status, e.RetryAfter)
		}
		checkQuote(t, body, e.Message, 160)
		if !strings.Contains(e.Error(), e.Code) {
			t.Fatalf("%q does not name the status", e.Error())
		}
	})
}

// FuzzMalformed: an answer that does not decode is ErrMalformed, keeps the
// decoding error (errors.Is) and quotes at most 60 characters of the body.
func FuzzMalformed(f *testing.F) {
	f.Add("unexpected end of JSON input", []byte(`{"code":"0","data":{"orders":[`))
	f.Add("not a Lazada answer: no \"code\"", []byte(`{"success":true}`))
	f.Add("invalid character '<'", []byte("<!DOCTYPE html><html><head><title>Bad Gateway</title></head><body>Bad Gateway</body></html>"))
	f.Add("x", []byte(strings.Repeat("日本", 40)))
	f.Fuzz(func(t *testing.T, msg string, body []byte) {
		cause := errors.New(msg)
		e := Malformed("akulaku-id", "/v1/open/order/list", cause, body)
		if e.Kind != datasources.ErrMalformed || e.Channel != "akulaku-id" || e.Op != "/v1/open/order/list" || !errors.Is(e, cause) {
			t.Fatalf("error %#v", e)
		}
		if !strings.HasPrefix(e.Message, msg) {
			t.Fatalf("message %q does not start with the cause %q", e.Message, msg)
		}
		if sn := Snippet(body); sn != "" {
			quoted := strings.TrimPrefix(e.Message, msg+" in ")
			if quoted == e.Message {
				t.Fatalf("message %q does not quote the body", e.Message)
			}
			q, err := strconv.Unquote(quoted)
			if err != nil {
				t.Fatalf("quote %s: %v", quoted, err)
			}
			checkQuote(t, body, q, 60)
		}
	})
}

// checkQuote checks a body's quote in a message: one line, no longer than
// max characters and an ellipsis, and valid UTF-8 when the body was.
func checkQuote(t *testing.T, body []byte, quote string, max int) {
	t.Helper()
	if strings.ContainsAny(quote, "\n\r\t") {
		t.Fatalf("quote %q spans lines", quote)
	}
	if n := utf8.RuneCountInString(strings.TrimSuffix(quote, "…")); n > max {
		t.Fatalf("quote of %d characters, more than %d: %q", n, max, quote)
	}
	if !utf8.ValidString(quote) {
		t.Fatalf("the quote is not valid UTF-8: %q", quote)
	}
	// Bytes that are not UTF-8 are quoted as U+FFFD.
	if body := strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "\uFFFD")), " "); !strings.HasPrefix(body, strings.TrimSuffix(quote, "…")) {
		t.Fatalf("quote %q is not the start of the body %q", quote, body)
	}
}
