package akulaku

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// Fuzz targets for what the token endpoint answers, and for refusals that
// come without the envelope. Seeds are in testdata/fuzz; run one with
// go test -fuzz=FuzzTokenAnswer ./datasources/akulaku

// FuzzTokenAnswer: any answer of the token endpoint gives a token that can
// travel in a header, with a lifetime of a second to 30 days, or a channel
// error at the token endpoint that never carries the client secret and
// never quotes an unreadable answer (it may hold a token).
func FuzzTokenAnswer(f *testing.F) {
	f.Add(200, []byte(`{"success":true,"errCode":null,"errMsg":null,"data":{"access_token":"at-1","refresh_token":"rt-1","expires_in":7199}}`))
	f.Add(200, []byte(`{"success":true,"data":{"access_token":"at-1"}}`))
	f.Add(200, []byte(`{"success":true,"data":{"access_token":"at-1","expires_in":"60"}}`))
	f.Add(200, []byte(`{"success":true,"data":{"access_token":"at-1","expires_in":99999999999999999}}`))
	f.Add(200, []byte(`{"success":true,"data":{"access_token":"at-1","expires_in":-5}}`))
	f.Add(200, []byte(`{"success":true,"data":{"access_token":" ","refresh_token":"rt"}}`))
	f.Add(200, []byte(`{"success":true,"data":{"access_token":"a\u0000b"}}`))
	f.Add(200, []byte(`{"success":true,"data":null}`))
	f.Add(200, []byte(`{"success":true,"data":{"access_token":{"v":1}}}`))
	f.Add(200, []byte(`{"success":true,"data":{"access_token":"fuzz-secret-client-1"`))
	f.Add(200, []byte(`{"success":false,"errCode":"CLIENT_INVALID","errMsg":"bad fuzz-secret-client-1"}`))
	f.Add(401, []byte(`{"error":"invalid_client","error_description":"Bad client credentials"}`))
	f.Add(200, []byte(`{"errcode":500,"errmsg":"invalid appid"}`))
	f.Add(200, []byte(`{"success":false,"errCode":"REQUEST_TOO_FREQUENT","errMsg":"slow"}`))
	f.Add(503, []byte(`<html>down</html>`))
	f.Add(400, []byte(`GET /oapi/auth/oauth/token?client_secret=fuzz-secret-client-1 bad request`))
	fake := &akAnswers{}
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	const secret = "fuzz-secret-client-1"
	keyPEM := testKeyPEM(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		status = httpStatus(status)
		if status >= 502 && status <= 504 {
			status = 500 // the read client would retry these with backoff
		}
		// A new client each time: a token obtained would be kept.
		c, err := New(Config{ID: "akulaku-id", BaseURL: "https://ec-oapi.akulaku.test", AppID: "a", ClientID: "fuzz-client",
			ClientSecret: secret, ShopID: "1", PrivateKeyPEM: keyPEM, Transport: fake, CallsPerSecond: 100000,
			Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		fake.set(status, body)
		fake.mu.Lock()
		fake.path = PathToken
		fake.mu.Unlock()
		tok, _, err := c.accessToken(context.Background(), PathOrderList)
		if err != nil {
			var e *datasources.Error
			if !errors.As(err, &e) || e.Channel != "akulaku-id" || e.Op != PathToken || e.Kind == 0 {
				t.Fatalf("error %#v", err)
			}
			if strings.Contains(e.Error(), secret) {
				t.Fatalf("the error carries the client secret: %v", e)
			}
			if e.Kind == datasources.ErrMalformed && strings.Contains(e.Message, " in \"") {
				t.Fatalf("an unreadable token answer quoted: %v", e)
			}
			if e.Kind == datasources.ErrRateLimited && e.RetryAfter <= 0 {
				t.Fatalf("rate limited without a wait: %v", e)
			}
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("HTTP %d gave a token", status)
		}
		if tok == "" || !headerSafe(tok) {
			t.Fatalf("token %q", tok)
		}
		c.tok.mu.Lock()
		life := c.tok.expires.Sub(now)
		renew := c.tok.expires.Sub(c.tok.renewAt)
		c.tok.mu.Unlock()
		if life < time.Second || life > maxTokenLifetime || renew <= 0 || renew > maxRenewMargin || renew > life/10 {
			t.Fatalf("lifetime %v, renewed %v before", life, renew)
		}
		var ans struct {
			Data tokenData `json:"data"`
		}
		if json.Unmarshal(body, &ans) == nil && strings.TrimSpace(string(ans.Data.AccessToken)) != tok {
			t.Fatalf("token %q is not the answer's %q", tok, ans.Data.AccessToken)
		}
	})
}

// FuzzBareRefusal: a JSON object without success but with an errcode or
// errmsg (any case), or an OAuth error, is a refusal in the channel's own
// words, never malformed; its kind is auth, rate limited, rejected or
// unavailable.
func FuzzBareRefusal(f *testing.F) {
	f.Add(200, "500", "invalid appid")
	f.Add(200, "", "access token expired")
	f.Add(200, "40001", "")
	f.Add(429, "7", "too many requests")
	f.Add(500, "500", "system error")
	f.Add(403, "x", "forbidden: ip not in white list")
	f.Fuzz(func(t *testing.T, status int, code, msg string) {
		status = httpStatus(status)
		// JSON carries valid UTF-8 only: what the channel could send.
		code = strings.TrimSpace(strings.ToValidUTF8(code, "\uFFFD"))
		msg = strings.TrimSpace(strings.ToValidUTF8(msg, "\uFFFD"))
		for _, shape := range []map[string]string{
			{"errcode": code, "errmsg": msg},
			{"errCode": code, "ERRMSG": msg},
			{"error": code, "error_description": msg},
		} {
			body, err := json.Marshal(shape)
			if err != nil {
				return
			}
			_, err = decodeEnvelope("akulaku-id", PathOrderList, status, http.Header{}, body)
			var e *datasources.Error
			if code == "" && msg == "" {
				continue
			}
			if !errors.As(err, &e) {
				t.Fatalf("%s: %v", body, err)
			}
			switch e.Kind {
			case datasources.ErrAuth, datasources.ErrRateLimited, datasources.ErrRejected, datasources.ErrUnavailable:
			default:
				t.Fatalf("%s: kind %v: %v", body, e.Kind, e)
			}
			if e.Code != code && code != "" {
				t.Fatalf("%s: code %q", body, e.Code)
			}
		}
	})
}
