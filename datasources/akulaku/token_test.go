package akulaku

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

const (
	testClientID     = "test-client"
	testClientSecret = "test-client-secret-7f3a"
	testShop         = "2500000000000000001"
)

// tokenFake is an Akulaku that issues tokens with a lifetime on its own
// (sale) clock and refuses expired ones, as the real one is understood to.
type tokenFake struct {
	t *testing.T

	mu        sync.Mutex
	now       time.Time
	expiresIn any // expires_in answered; nil leaves it out
	issued    map[string]time.Time
	refresh   map[string]bool
	seq       int
	grants    []string // grant_type of each token call
	listCalls int
	refused   int
	// tokenAnswer, when set, answers the token endpoint instead.
	tokenAnswer func(w http.ResponseWriter, r *http.Request)
	// tokenDelay holds each token answer back (to overlap callers).
	tokenDelay time.Duration
	// refuseAll refuses every access token.
	refuseAll bool
}

func (f *tokenFake) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *tokenFake) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func (f *tokenFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fail := func(code, msg string) {
		fmt.Fprintf(w, `{"success":false,"errCode":%q,"errMsg":%q,"data":null}`, code, msg)
	}
	switch r.URL.Path {
	case PathToken:
		// Time itself must pass: a slow token service.
		time.Sleep(f.tokenDelay)
		f.mu.Lock()
		defer f.mu.Unlock()
		q := r.URL.Query()
		f.grants = append(f.grants, q.Get("grant_type"))
		for _, h := range []string{"sign", "app-id", "access-token", "timestamp"} {
			if r.Header.Get(h) != "" {
				f.t.Errorf("token call with header %s", h)
			}
		}
		if f.tokenAnswer != nil {
			f.tokenAnswer(w, r)
			return
		}
		if r.Method != http.MethodGet || q.Get("client_id") != testClientID || q.Get("client_secret") != testClientSecret || q.Get("scope") != "select" {
			fail("CLIENT_INVALID", "bad client")
			return
		}
		switch q.Get("grant_type") {
		case "client_credentials":
		case "refresh_token":
			if !f.refresh[q.Get("refresh_token")] {
				fail("REFRESH_TOKEN_INVALID", "refresh token invalid")
				return
			}
			delete(f.refresh, q.Get("refresh_token"))
		default:
			fail("PARAM_INVALID", "grant_type")
			return
		}
		f.seq++
		access, refresh := fmt.Sprintf("at-%d-abcdef", f.seq), fmt.Sprintf("rt-%d-abcdef", f.seq)
		life := 7199
		if n, ok := f.expiresIn.(int); ok {
			life = n
		}
		f.issued[access] = f.now.Add(time.Duration(life) * time.Second)
		f.refresh[refresh] = true
		data := map[string]any{"access_token": access, "refresh_token": refresh}
		if f.expiresIn != nil {
			data["expires_in"] = f.expiresIn
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"success": true, "errCode": nil, "errMsg": nil, "data": data})
	case PathOrderList:
		f.mu.Lock()
		defer f.mu.Unlock()
		f.listCalls++
		exp, ok := f.issued[r.Header.Get("access-token")]
		if r.Header.Get("access-token") == "static-token-abc" {
			exp, ok = f.now.Add(time.Hour), true
		}
		if !ok || !f.now.Before(exp) || f.refuseAll {
			f.refused++
			fail(CodeTokenExpired, "access token expired")
			return
		}
		body, _ := io.ReadAll(r.Body)
		var req map[string]json.Number
		_ = json.Unmarshal(body, &req)
		if req["shopId"].String() != testShop {
			fail(CodeNoPermission, "no permission for this shop")
			return
		}
		_, _ = io.WriteString(w, `{"success":true,"errCode":null,"errMsg":null,"data":{"totalPages":0,"result":[]}}`)
	default:
		http.NotFound(w, r)
	}
}

// tokenSetup serves a tokenFake and a client of it with client
// credentials, whose sale clock is the fake's.
func tokenSetup(t *testing.T, change func(*Config)) (*tokenFake, *Client) {
	t.Helper()
	f := &tokenFake{t: t, now: t0, issued: map[string]time.Time{}, refresh: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := Config{
		ID: "akulaku-id", Market: "ID", BaseURL: srv.URL, AppID: "test-app",
		ClientID: testClientID, ClientSecret: testClientSecret, ShopID: testShop,
		PrivateKeyPEM: testKeyPEM(t), Now: f.clock, CallsPerSecond: 1000,
	}
	if change != nil {
		change(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func poll(c *Client) error {
	_, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: t0.Add(-time.Hour)})
	return err
}

// TestTokenRenewedBeforeItExpires: a one-minute token is obtained on the
// first call, kept while it has more than a tenth of its life left, and
// renewed (by its refresh token) before it expires: no call is refused.
func TestTokenRenewedBeforeItExpires(t *testing.T) {
	var renewals []time.Time
	f, c := tokenSetup(t, func(c *Config) { c.OnTokenRenew = func(exp time.Time) { renewals = append(renewals, exp) } })
	f.expiresIn = 60
	for _, step := range []time.Duration{0, 30 * time.Second, 23 * time.Second, time.Second, 50 * time.Second, 7 * time.Second} {
		f.advance(step)
		if err := poll(c); err != nil {
			t.Fatalf("at %v: %v", f.clock().Sub(t0), err)
		}
	}
	// Obtained at 0 s; renewed at 54 s (6 s before the end); then at 111 s
	// (the second token's 6-second margin began at 108 s).
	want := []time.Time{t0.Add(60 * time.Second), t0.Add(114 * time.Second), t0.Add(171 * time.Second)}
	if fmt.Sprint(renewals) != fmt.Sprint(want) {
		t.Errorf("tokens expiring at\n %v\nwant\n %v", renewals, want)
	}
	if fmt.Sprint(f.grants) != "[client_credentials refresh_token refresh_token]" || f.refused != 0 {
		t.Errorf("grants %v, %d calls refused", f.grants, f.refused)
	}
}

// TestTokenLifetimeDefault: without expires_in a token is taken to live
// 7199 s, as a public client assumes; renewed five minutes before.
func TestTokenLifetimeDefault(t *testing.T) {
	var exp time.Time
	f, c := tokenSetup(t, func(c *Config) { c.OnTokenRenew = func(e time.Time) { exp = e } })
	if err := poll(c); err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(t0.Add(DefaultTokenLifetime)) {
		t.Errorf("expires %v", exp)
	}
	f.advance(DefaultTokenLifetime - 5*time.Minute - time.Second)
	if err := poll(c); err != nil || len(f.grants) != 1 {
		t.Fatalf("%v, grants %v", err, f.grants)
	}
	f.advance(time.Second)
	if err := poll(c); err != nil || len(f.grants) != 2 {
		t.Fatalf("%v, grants %v", err, f.grants)
	}
}

// TestRefusedTokenRenewedOnce: a token the channel refuses before its time
// is renewed and the call repeated, once; a channel that refuses every
// token gets ErrAuth after one renewal.
func TestRefusedTokenRenewedOnce(t *testing.T) {
	f, c := tokenSetup(t, nil)
	if err := poll(c); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	clear(f.issued) // revoked
	f.mu.Unlock()
	if err := poll(c); err != nil {
		t.Fatalf("a revoked token was not renewed: %v", err)
	}
	if fmt.Sprint(f.grants) != "[client_credentials refresh_token]" || f.refused != 1 || f.listCalls != 3 {
		t.Errorf("grants %v, %d refused of %d calls", f.grants, f.refused, f.listCalls)
	}
	f.mu.Lock()
	f.refuseAll = true
	f.mu.Unlock()
	err := poll(c)
	var e *datasources.Error
	if !errors.As(err, &e) || e.Kind != datasources.ErrAuth || e.Code != CodeTokenExpired || e.Op != PathOrderList {
		t.Fatalf("refused twice: %v", err)
	}
	if len(f.grants) != 3 || f.listCalls != 5 {
		t.Errorf("%d token calls, %d list calls: want one renewal and one repeat", len(f.grants), f.listCalls)
	}
}

// TestRefreshRefusedFallsBackToClientCredentials: a refresh token the
// endpoint no longer knows does not stop the client.
func TestRefreshRefusedFallsBackToClientCredentials(t *testing.T) {
	f, c := tokenSetup(t, nil)
	f.expiresIn = 60
	if err := poll(c); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	clear(f.refresh)
	f.mu.Unlock()
	f.advance(time.Minute)
	if err := poll(c); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(f.grants) != "[client_credentials refresh_token client_credentials]" || f.refused != 0 {
		t.Errorf("grants %v, %d refused", f.grants, f.refused)
	}
}

// TestConcurrentCallersRenewOnce: callers that find the token due at the
// same time, or refused at the same time, renew it once between them.
func TestConcurrentCallersRenewOnce(t *testing.T) {
	f, c := tokenSetup(t, nil)
	f.expiresIn = 60
	f.tokenDelay = 50 * time.Millisecond
	run := func() {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() { errs <- poll(c) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	run() // no token yet
	if len(f.grants) != 1 {
		t.Fatalf("first token: %d token calls", len(f.grants))
	}
	f.advance(55 * time.Second) // due
	run()
	if len(f.grants) != 2 {
		t.Fatalf("due: %d token calls", len(f.grants))
	}
	f.mu.Lock()
	clear(f.issued) // refused, all at once
	f.mu.Unlock()
	run()
	if len(f.grants) != 3 {
		t.Fatalf("refused: %d token calls, want one renewal", len(f.grants))
	}
}

// TestEarlyRenewalFailureKeepsTheToken: when the renewal due before expiry
// fails, the token still valid is used, and the renewal tried again.
func TestEarlyRenewalFailureKeepsTheToken(t *testing.T) {
	f, c := tokenSetup(t, nil)
	f.expiresIn = 60
	if err := poll(c); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.tokenAnswer = func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "<html>token service down</html>")
	}
	f.mu.Unlock()
	f.advance(56 * time.Second)
	if err := poll(c); err != nil {
		t.Fatalf("the token still had 4 s: %v", err)
	}
	f.advance(4 * time.Second)
	err := poll(c)
	var e *datasources.Error
	if !errors.As(err, &e) || e.Op != PathToken || e.Kind != datasources.ErrUnavailable || e.Code != "HTTP 500" {
		t.Fatalf("expired, and no new one: %v", err)
	}
	f.mu.Lock()
	f.tokenAnswer = nil
	f.mu.Unlock()
	if err := poll(c); err != nil {
		t.Fatal(err)
	}
}

// TestStaticTokenFirst: a configured token is used until refused, then the
// client credentials take over.
func TestStaticTokenFirst(t *testing.T) {
	f, c := tokenSetup(t, func(c *Config) { c.AccessToken = "static-token-abc" })
	if err := poll(c); err != nil || len(f.grants) != 0 {
		t.Fatalf("%v, grants %v", err, f.grants)
	}
	f.mu.Lock()
	f.refuseAll = true
	f.mu.Unlock()
	_ = poll(c)
	if fmt.Sprint(f.grants) != "[client_credentials]" {
		t.Errorf("grants %v", f.grants)
	}
}

// TestTokenEndpointFailures: every failure of the token endpoint is a
// channel error at PathToken in the channel's words or ours, and never
// carries the client secret or a token.
func TestTokenEndpointFailures(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request)
		kind   datasources.ErrorKind
		code   string
		msgHas string
	}{
		{name: "refused in the envelope", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":false,"errCode":"40001","errMsg":"client not found"}`)
		}, kind: datasources.ErrAuth, code: "40001", msgHas: "refused the client credentials: client not found"},
		{name: "OAuth error, 401", answer: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":"invalid_client","error_description":"Bad client credentials"}`)
		}, kind: datasources.ErrAuth, code: "invalid_client", msgHas: "Bad client credentials"},
		{name: "gateway refusal without envelope", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"errcode":500,"errmsg":"invalid appid"}`)
		}, kind: datasources.ErrAuth, code: "500", msgHas: "invalid appid"},
		{name: "rate limited", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":false,"errCode":"REQUEST_TOO_FREQUENT","errMsg":"slow down"}`)
		}, kind: datasources.ErrRateLimited, code: CodeRateLimited},
		{name: "error page echoing the request", answer: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "<html>bad request "+r.URL.String()+"</html>")
		}, kind: datasources.ErrRejected, code: "HTTP 400", msgHas: "[redacted]"},
		{name: "cut-off answer", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"data":{"access_token":"new-secret-token-123`)
		}, kind: datasources.ErrMalformed, msgHas: "token answer cannot be read"},
		{name: "no access token", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"data":{"refresh_token":"new-secret-token-123","expires_in":7199}}`)
		}, kind: datasources.ErrMalformed, msgHas: "no access_token"},
		{name: "token with a newline", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"data":{"access_token":"new-secret-token-123\r\nX: y"}}`)
		}, kind: datasources.ErrMalformed, msgHas: "a header cannot carry"},
		{name: "data a list", answer: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"data":["new-secret-token-123"]}`)
		}, kind: datasources.ErrMalformed, msgHas: "not an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c := tokenSetup(t, nil)
			f.tokenAnswer = tt.answer
			err := poll(c)
			var e *datasources.Error
			if !errors.As(err, &e) || e.Kind != tt.kind || e.Code != tt.code || e.Op != PathToken || e.Channel != "akulaku-id" {
				t.Fatalf("got %v, want %v %q at %s", err, tt.kind, tt.code, PathToken)
			}
			if !strings.Contains(e.Error(), tt.msgHas) {
				t.Errorf("%q does not say %q", e.Error(), tt.msgHas)
			}
			for _, s := range []string{testClientSecret, "new-secret-token-123"} {
				if strings.Contains(fmt.Sprintf("%v %+v", err, e), s) {
					t.Errorf("the error quotes a secret: %v", err)
				}
			}
			if f.listCalls != 0 {
				t.Errorf("%d list calls without a token", f.listCalls)
			}
		})
	}
}

// TestTokenTransportErrorHidesTheSecret: the token call's URL carries the
// client secret; a failed round trip must not repeat it.
func TestTokenTransportErrorHidesTheSecret(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	c, err := New(Config{ID: "akulaku-id", BaseURL: base, AppID: "a", ClientID: testClientID, ClientSecret: testClientSecret,
		ShopID: testShop, PrivateKeyPEM: testKeyPEM(t), CallsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	err = poll(c)
	if datasources.KindOf(err) != datasources.ErrUnavailable {
		t.Fatalf("%v", err)
	}
	var ue *url.Error
	if strings.Contains(fmt.Sprintf("%v %+v", err, errors.Unwrap(err)), testClientSecret) || (errors.As(err, &ue) && strings.Contains(ue.URL, "?")) {
		t.Errorf("the error carries the query: %v", err)
	}
}

// TestTimestampInSeconds and the status map are configuration.
func TestConfiguredAssumptions(t *testing.T) {
	f, c, _ := setup(t, Config{TimestampUnit: UnitSeconds, StatusWords: map[int64]string{7: "refunded", 3: "pending", 5: ""}})
	var ts string
	f.set(func() {
		f.answer = func(w http.ResponseWriter, r *http.Request) {
			ts = r.Header.Get("timestamp")
			_, _ = io.WriteString(w, `{"success":true,"data":{"result":[
			  {"orderId":1,"orderStatus":7,"createTime":"2026-11-23T07:00:00.000+0000","orderItemList":[{"apiSkuId":"A","qty":1}]},
			  {"orderId":2,"orderStatus":3,"createTime":"2026-11-23T07:00:01.000+0000","orderItemList":[{"apiSkuId":"A","qty":1}]},
			  {"orderId":3,"orderStatus":5,"createTime":"2026-11-23T07:00:02.000+0000","orderItemList":[{"apiSkuId":"A","qty":1}]}]}}`)
		}
	})
	p, err := c.Orders(context.Background(), datasources.Cursor{UpdatedAfter: t0.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := strconv.ParseInt(ts, 10, 64); err != nil || len(ts) != 10 || time.Since(time.Unix(n, 0)).Abs() > time.Minute {
		t.Errorf("timestamp %q is not epoch seconds", ts)
	}
	got := []string{p.Orders[0].Status, p.Orders[1].Status, p.Orders[2].Status}
	if fmt.Sprint(got) != "[refunded pending status_5]" || !p.Orders[0].Items[0].Cancelled || p.Orders[1].Items[0].Cancelled {
		t.Errorf("statuses %v, items %+v %+v", got, p.Orders[0].Items, p.Orders[1].Items)
	}
}
