package brandstore_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/brandstore"
)

const token = "s3cret-store-token"

// newClient returns a client of a store served by h.
func newClient(t *testing.T, h http.Handler, mod ...func(*brandstore.Config)) *brandstore.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := brandstore.Config{ID: "micom-id", Market: "ID", BaseURL: srv.URL, Token: token, Timeout: 2 * time.Second}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := brandstore.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// answer serves one fixed answer to every request.
func answer(status int, header map[string]string, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
}

func asError(t *testing.T, err error) *datasources.Error {
	t.Helper()
	var e *datasources.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *datasources.Error", err, err)
	}
	return e
}

func TestNewChecksConfig(t *testing.T) {
	ok := brandstore.Config{ID: "micom-id", BaseURL: "https://store-api.example.com", Token: token}
	tests := []struct {
		name    string
		mod     func(*brandstore.Config)
		wantErr string
	}{
		{"https", func(*brandstore.Config) {}, ""},
		{"loopback http", func(c *brandstore.Config) { c.BaseURL = "http://127.0.0.1:8080/micom-id" }, ""},
		{"localhost http", func(c *brandstore.Config) { c.BaseURL = "http://localhost:8080" }, ""},
		{"ipv6 loopback", func(c *brandstore.Config) { c.BaseURL = "http://[::1]:8080" }, ""},
		{"plain http off the machine", func(c *brandstore.Config) { c.BaseURL = "http://store-api.example.com" }, "plain http is refused"},
		{"no scheme", func(c *brandstore.Config) { c.BaseURL = "store-api.example.com" }, "not an absolute URL"},
		{"ftp", func(c *brandstore.Config) { c.BaseURL = "ftp://store-api.example.com" }, "must be https"},
		{"no token", func(c *brandstore.Config) { c.Token = " " }, "Token required"},
		{"no id nor url", func(c *brandstore.Config) { c.ID, c.BaseURL = "", "" }, "ID, BaseURL required"},
		{"page too big", func(c *brandstore.Config) { c.PageSize = 501 }, "PageSize 501"},
		{"token with a newline", func(c *brandstore.Config) { c.Token = "abc\ndef" }, "white space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.mod(&cfg)
			c, err := brandstore.New(cfg)
			if tt.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New: got %v, want an error with %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("the error shows the token: %v", err)
			}
		})
	}
}

func TestIdentityAndCapabilities(t *testing.T) {
	c := newClient(t, answer(200, nil, "{}"))
	if c.ID() != "micom-id" || c.Kind() != datasources.KindBrandstore {
		t.Errorf("ID, Kind = %q, %q", c.ID(), c.Kind())
	}
	want := datasources.Capabilities{Orders: true, Stock: true, Pause: true, Resume: true, Extend: true, CancelOrder: true}
	if got := c.Capabilities(); got != want {
		t.Errorf("Capabilities = %+v, want %+v", got, want)
	}
}

func TestHealth(t *testing.T) {
	var gotAuth, gotPath, gotAccept string
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotPath, gotAccept = r.Header.Get("Authorization"), r.URL.Path, r.Header.Get("Accept")
		_, _ = w.Write([]byte(`{"status":"ok","time":"2026-11-23T14:05:00.000+07:00"}`))
	})
	if err := newClient(t, ok).Health(context.Background()); err != nil {
		t.Fatalf("Health: %v", err)
	}
	if gotAuth != "Bearer "+token || gotPath != brandstore.PathHealth || gotAccept != "application/json" {
		t.Errorf("request: Authorization %q, path %q, Accept %q", gotAuth, gotPath, gotAccept)
	}

	tests := []struct {
		name string
		h    http.Handler
		kind datasources.ErrorKind
	}{
		{"not ok", answer(200, nil, `{"status":"degraded","time":"2026-11-23T14:05:00Z"}`), datasources.ErrUnavailable},
		{"no status", answer(200, nil, `{"time":"2026-11-23T14:05:00Z"}`), datasources.ErrMalformed},
		{"html", answer(200, nil, `<html>maintenance</html>`), datasources.ErrMalformed},
		{"refused", answer(401, nil, `{"error":{"code":"unauthorized","message":"unknown bearer token"}}`), datasources.ErrAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newClient(t, tt.h).Health(context.Background())
			if e := asError(t, err); e.Kind != tt.kind || e.Op != brandstore.PathHealth || e.Channel != "micom-id" {
				t.Errorf("Health: %v (kind %v), want kind %v", err, e.Kind, tt.kind)
			}
		})
	}
}

// TestErrorsFollowTheContract checks every failure a store (or the proxy
// in front of it) can answer maps to the right kind, with the store's own
// code and words, and never shows the token.
func TestErrorsFollowTheContract(t *testing.T) {
	const page = `{"orders":[],"next_cursor":null,"has_more":false,"total":0}`
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		kind       datasources.ErrorKind
		code       string
		msg        string // in the message
		retryAfter time.Duration
	}{
		{"unknown token", 401, map[string]string{"WWW-Authenticate": "Bearer"}, `{"error":{"code":"unauthorized","message":"unknown bearer token"}}`,
			datasources.ErrAuth, "unauthorized", "unknown bearer token", 0},
		{"expired token", 401, nil, `{"error":{"code":"token_expired","message":"the access token has expired"}}`,
			datasources.ErrAuth, "token_expired", "expired", 0},
		{"forbidden", 403, nil, `{"error":{"code":"forbidden","message":"this token is read-only"}}`,
			datasources.ErrAuth, "forbidden", "read-only", 0},
		{"rate limited", 429, map[string]string{"Retry-After": "7"}, `{"error":{"code":"rate_limited","message":"slow down"}}`,
			datasources.ErrRateLimited, "rate_limited", "slow down", 7 * time.Second},
		{"rate limited, bare", 429, nil, ``,
			datasources.ErrRateLimited, "HTTP 429", "", time.Second},
		{"down behind a proxy", 503, map[string]string{"Content-Type": "text/html"}, `<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>`,
			datasources.ErrUnavailable, "HTTP 503", "Service Temporarily Unavailable", 0},
		{"maintenance", 503, map[string]string{"Retry-After": "30"}, `{"error":{"code":"unavailable","message":"in maintenance"}}`,
			datasources.ErrUnavailable, "unavailable", "in maintenance", 0},
		{"internal", 500, nil, `{"error":{"code":"internal","message":"database timeout","request_id":"r-81"}}`,
			datasources.ErrUnavailable, "internal", "database timeout (request r-81)", 0},
		{"bad parameter", 400, nil, `{"error":{"code":"invalid_parameter","message":"limit must be between 1 and 500"}}`,
			datasources.ErrRejected, "invalid_parameter", "limit must be", 0},
		{"not found", 404, nil, `404 page not found`,
			datasources.ErrRejected, "HTTP 404", "404 page not found", 0},
		{"token echoed", 401, nil, `{"error":{"code":"unauthorized","message":"token ` + token + ` is unknown"}}`,
			datasources.ErrAuth, "unauthorized", "token [token] is unknown", 0},
		{"html with 200", 200, nil, `<html><body>Welcome to mi.com</body></html>`,
			datasources.ErrMalformed, "", "Welcome to mi.com", 0},
		{"truncated", 200, nil, page[:len(page)/2],
			datasources.ErrMalformed, "", `in "{\"orders\":[]`, 0},
		{"not a page", 200, nil, `{"data":{"orders":[]}}`,
			datasources.ErrMalformed, "", `no "has_more"`, 0},
		{"more without cursor", 200, nil, `{"orders":[],"next_cursor":null,"has_more":true,"total":3}`,
			datasources.ErrMalformed, "", "next_cursor is empty", 0},
		{"wrong types", 200, nil, `{"orders":{},"has_more":"no"}`,
			datasources.ErrMalformed, "", "cannot unmarshal", 0},
		{"bad price", 200, nil, orderPageJSON(`"1.999.000,00"`, `"2026-11-23T14:00:03.125+07:00"`),
			datasources.ErrMalformed, "", "not an amount", 0},
		{"bad time", 200, nil, orderPageJSON(`"1999000.00"`, `"23/11/2026 14:00"`),
			datasources.ErrMalformed, "", "is not an RFC 3339 time", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, answer(tt.status, tt.header, tt.body))
			_, err := c.Orders(context.Background(), datasources.Cursor{})
			e := asError(t, err)
			if e.Kind != tt.kind || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("got kind %v, code %q, message %q; want %v, %q, containing %q", e.Kind, e.Code, e.Message, tt.kind, tt.code, tt.msg)
			}
			if e.RetryAfter != tt.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", e.RetryAfter, tt.retryAfter)
			}
			if e.Channel != "micom-id" || e.Op != brandstore.PathOrders {
				t.Errorf("Channel, Op = %q, %q", e.Channel, e.Op)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("the error shows the token: %v", err)
			}
			if datasources.KindOf(err) != tt.kind {
				t.Errorf("KindOf = %v", datasources.KindOf(err))
			}
		})
	}
}

func orderPageJSON(price, updated string) string {
	return `{"orders":[{"id":"1","buyer_id":"b","phone":null,"shipping_address":{"name":"A","line1":"L","city":"C","country":"ID"},` +
		`"payment_fingerprint":null,"status":"paid","created_at":"2026-11-23T14:00:03.125+07:00","updated_at":` + updated +
		`,"currency":"IDR","items":[{"id":"11","sku":"S","qty":1,"unit_price":` + price + `,"cancelled":false}]}],` +
		`"next_cursor":null,"has_more":false,"total":1}`
}

func TestTransportFailures(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		})
		c := newClient(t, slow, func(cfg *brandstore.Config) { cfg.Timeout = 100 * time.Millisecond })
		_, err := c.Orders(context.Background(), datasources.Cursor{})
		if e := asError(t, err); e.Kind != datasources.ErrTimeout {
			t.Errorf("got %v, want a timeout", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		c, err := brandstore.New(brandstore.Config{ID: "micom-id", BaseURL: url, Token: token})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Stock(context.Background(), nil)
		if e := asError(t, err); e.Kind != datasources.ErrUnavailable || e.Op != brandstore.PathStock {
			t.Errorf("got %v, want unavailable", err)
		}
		if strings.Contains(err.Error(), token) {
			t.Errorf("the error shows the token: %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		c := newClient(t, answer(200, nil, `{"status":"ok","time":"2026-11-23T14:05:00Z"}`))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := c.Health(ctx); datasources.KindOf(err) == 0 {
			t.Errorf("got %v, want a *datasources.Error", err)
		}
	})

}
