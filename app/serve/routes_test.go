package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// access is who may use a route.
type access int

const (
	// open: anyone (GET /healthz).
	open access = iota
	// scrape: anyone, or only the metrics token when metrics_token_env is set.
	scrape
	// read: any user's bearer token.
	read
	// act: an operator's bearer token; a viewer's is 403.
	act
	// signed: a Lazada push signature; bearer tokens open nothing.
	signed
)

// route is one route of the API as a client calls it.
type route struct {
	// pattern is the route as the server registers it (Server.Routes).
	pattern      string
	method, path string
	body         string
	access       access
	// stream: the answer does not end; only its status is read.
	stream bool
	// params are the query parameters it takes, as a refusal lists them
	// ("" for none).
	params string
}

// routes lists every route of the API. TestEveryRouteChecksWhoAsks fails
// when the server registers one that is not here: add it.
var routes = []route{
	{pattern: "GET /healthz", method: "GET", path: "/healthz", access: open},
	{pattern: "GET /metrics", method: "GET", path: "/metrics", access: scrape, params: "name[]"},
	{pattern: "GET /api/v1/snapshot", method: "GET", path: "/api/v1/snapshot", access: read},
	{pattern: "GET /api/v1/attention", method: "GET", path: "/api/v1/attention", access: read},
	{pattern: "GET /api/v1/flags", method: "GET", path: "/api/v1/flags", access: read, params: "sale, channel, state, rule, min_score, limit"},
	{pattern: "GET /api/v1/audit", method: "GET", path: "/api/v1/audit", access: read, params: "sale, channel, kind, user, result, q, limit, format"},
	{pattern: "GET /api/v1/actions/{id}", method: "GET", path: "/api/v1/actions/nope", access: read},
	{pattern: "GET /api/v1/stream", method: "GET", path: "/api/v1/stream", access: read, stream: true, params: "deltas"},
	{pattern: "GET /api/v1/whoami", method: "GET", path: "/api/v1/whoami", access: read},
	{pattern: "GET /api/v1/report", method: "GET", path: "/api/v1/report", access: read, params: "sale"},
	{pattern: "GET /api/v1/timeline", method: "GET", path: "/api/v1/timeline", access: read, params: "sale"},
	{pattern: "POST /api/v1/actions/plan", method: "POST", path: "/api/v1/actions/plan", access: act,
		body: `{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"route table","idempotency_key":"routes-plan"}`},
	{pattern: "POST /api/v1/actions", method: "POST", path: "/api/v1/actions", access: act,
		body: `{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"route table","idempotency_key":"routes-1"}`},
	{pattern: "POST /api/v1/actions/{id}/retry", method: "POST", path: "/api/v1/actions/nope/retry", access: act},
	{pattern: "POST /api/v1/actions/{id}/confirm", method: "POST", path: "/api/v1/actions/nope/confirm", access: act, body: `{"channel":"akulaku-id"}`},
	{pattern: "POST /webhooks/lazada", method: "POST", path: "/webhooks/lazada", access: signed,
		// Stamped when the tests start: a push is taken only within
		// 10 minutes of its stamp.
		body: fmt.Sprintf(`{"seller_id":"1","message_type":13,"data":{"status":"normal"},"timestamp":%d,"site":"lazada_id"}`, time.Now().Unix())},
}

// credential is what a request carries.
type credential struct {
	name string
	// token is a bearer token; sign signs the body as the Lazada channel.
	token string
	sign  bool
}

var (
	noToken   = credential{name: "no token"}
	badToken  = credential{name: "unknown token", token: "nobody-secret"}
	viewer    = credential{name: "viewer", token: "wall-secret"}
	operator  = credential{name: "operator", token: "ayu-secret"}
	scraper   = credential{name: "metrics token", token: "metrics-secret"}
	lazadaSig = credential{name: "lazada signature", sign: true}
)

// want is the status a credential gets on a route: an exact code, or
// (when 0) anything but 401 and 403.
func want(a access, c credential, metricsToken bool) int {
	switch a {
	case open:
		return http.StatusOK
	case scrape:
		if !metricsToken || c == scraper {
			return http.StatusOK
		}
		return http.StatusUnauthorized
	case read, act:
		switch c {
		case noToken, badToken, scraper, lazadaSig:
			return http.StatusUnauthorized
		case viewer:
			if a == act {
				return http.StatusForbidden
			}
		}
		return 0
	case signed:
		if c == lazadaSig {
			return http.StatusOK
		}
		return http.StatusUnauthorized
	}
	panic("unknown access")
}

func TestEveryRouteChecksWhoAsks(t *testing.T) {
	for _, metricsToken := range []bool{false, true} {
		name := "metrics open"
		o := roomOptions{users: roomUsers, env: map[string]string{"T_AYU": "ayu-secret", "T_WALL": "wall-secret"}}
		if metricsToken {
			name = "metrics token"
			o.metricsTokenEnv, o.env["T_METRICS"] = "T_METRICS", "metrics-secret"
		}
		t.Run(name, func(t *testing.T) {
			r := startRoom(t, o)
			registered := r.api.Routes()
			for _, p := range registered {
				if !slices.ContainsFunc(routes, func(rt route) bool { return rt.pattern == p }) {
					t.Errorf("route %q is served but not in the route table: add it", p)
				}
			}
			key, secret := r.sim.Server.Creds.LazadaAppKey, r.sim.Server.Creds.LazadaAppSecret
			for _, rt := range routes {
				t.Run(rt.pattern, func(t *testing.T) {
					if !slices.Contains(registered, rt.pattern) && notServed(t, r.srv.URL, rt) {
						t.Fatalf("%s is in the route table but not served", rt.pattern)
					}
					for _, c := range []credential{noToken, badToken, viewer, operator, scraper, lazadaSig} {
						req, err := http.NewRequest(rt.method, r.srv.URL+rt.path, strings.NewReader(rt.body))
						if err != nil {
							t.Fatal(err)
						}
						if rt.body != "" {
							req.Header.Set("Content-Type", "application/json")
						}
						if c.token != "" {
							req.Header.Set("Authorization", "Bearer "+c.token)
						}
						if c.sign {
							req.Header.Set("Authorization", signPush(key, secret, rt.body))
						}
						code, body := send(t, req, rt.stream)
						w := want(rt.access, c, metricsToken)
						switch {
						case w == 0 && (code == 401 || code == 403):
							t.Errorf("%s with %s: %d, want neither 401 nor 403: %s", rt.pattern, c.name, code, body)
						case w != 0 && code != w:
							t.Errorf("%s with %s: %d, want %d: %s", rt.pattern, c.name, code, w, body)
						}
						if code >= 500 {
							t.Errorf("%s with %s: %d %s", rt.pattern, c.name, code, body)
						}
					}
				})
			}
			// The operator's pause went through; nothing else acted.
			if got := r.sim.Server.Book("micom-id").ActionCount("pause"); got != 1 {
				t.Errorf("micom-id paused %d times, want 1 (the operator's)", got)
			}
		})
	}
}

// notServed reports whether the API answers an operator's request on the
// route with its 404 for unknown endpoints (a route added with
// s.mux.Handle instead of s.handle is missing from Routes, yet served).
func notServed(t *testing.T, base string, rt route) bool {
	t.Helper()
	req, _ := http.NewRequest(rt.method, base+rt.path, strings.NewReader(rt.body))
	req.Header.Set("Authorization", "Bearer ayu-secret")
	code, body := send(t, req, rt.stream)
	return code == http.StatusNotFound && strings.Contains(body, "no such endpoint")
}

// send makes a request and returns its status and (for a stream, the
// start of) its body.
func send(t *testing.T, req *http.Request, stream bool) (int, string) {
	t.Helper()
	if stream {
		ctx, cancel := context.WithTimeout(req.Context(), 3*time.Second)
		defer cancel()
		req = req.WithContext(ctx)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	var b []byte
	if stream && res.StatusCode == http.StatusOK {
		b = make([]byte, 256)
		n, _ := res.Body.Read(b)
		b = b[:n]
	} else {
		b, _ = io.ReadAll(res.Body)
	}
	return res.StatusCode, string(b)
}

// queryCase is a query sent to a route and what it must answer: 400 with
// the parameter named and words in the message, or 200.
type queryCase struct {
	query string
	code  int
	param string
	want  []string
}

// routeQueries are the queries each route is asked, besides the ones
// every route is asked (TestEveryRouteChecksItsQuery). The demo's sale is
// poco-m3-launch on lazada-id, akulaku-id and micom-id.
var routeQueries = map[string][]queryCase{
	"GET /metrics": {
		{query: "name[]=flashdeck_channel_up&name[]=go_goroutines", code: 200, want: []string{"flashdeck_channel_up{"}},
		{query: "name=flashdeck_channel_up", code: 400, param: "name"},
	},
	"GET /api/v1/flags": {
		{query: "sale=poco-m3-launch&channel=lazada-id&state=open&rule=bot_opening&min_score=1&limit=5", code: 200},
		{query: "sale=&channel=", code: 200},
		{query: "channel=nope", code: 400, param: "channel", want: []string{`channel=\"nope\": no such channel; the configured channels are lazada-id, akulaku-id, micom-id`}},
		{query: "sale=nope", code: 400, param: "sale", want: []string{`sale=\"nope\": no such sale; the configured sales are poco-m3-launch`}},
		{query: "state=closed", code: 400, param: "state", want: []string{"use one of open, reviewed, cancelled"}},
		{query: "rule=nope", code: 400, param: "rule", want: []string{"bot_opening"}},
		{query: "min_score=-1", code: 400, param: "min_score", want: []string{"not a whole number"}},
		{query: "limit=ten", code: 400, param: "limit", want: []string{"not a whole number"}},
		{query: "state=open&state=reviewed", code: 400, param: "state", want: []string{"state is given 2 times"}},
	},
	"GET /api/v1/audit": {
		{query: "sale=poco-m3-launch&channel=micom-id&kind=pause&user=ayu&result=applied&q=bots&limit=3&format=csv", code: 200},
		{query: "channel=nope", code: 400, param: "channel", want: []string{"no such channel"}},
		{query: "sale=nope", code: 400, param: "sale", want: []string{"no such sale"}},
		{query: "kind=stop", code: 400, param: "kind", want: []string{"use one of pause, resume, extend, cancel_order, review_order"}},
		{query: "result=done", code: 400, param: "result", want: []string{"use one of pending, applied, failed, manual, unknown"}},
		{query: "format=xml", code: 400, param: "format", want: []string{"use one of json, csv"}},
		{query: "limit=-1", code: 400, param: "limit", want: []string{"not a whole number"}},
	},
	"GET /api/v1/stream": {
		{query: "deltas=2", code: 400, param: "deltas", want: []string{"use one of 0, 1"}},
	},
	"GET /api/v1/actions/{id}": {
		// A path parameter that names nothing stays a 404.
		{query: "", code: 404, want: []string{"no such action"}},
	},
}

// TestEveryRouteChecksItsQuery: one rule for the query of every route. An
// unknown parameter is a 400 naming it and the parameters the route takes
// (or saying it takes none), a query that cannot be read is a 400, and so
// is an unknown value of a known parameter, naming it and what it may be.
func TestEveryRouteChecksItsQuery(t *testing.T) {
	o := roomOptions{users: roomUsers, env: map[string]string{"T_AYU": "ayu-secret", "T_WALL": "wall-secret", "T_METRICS": "metrics-secret"},
		metricsTokenEnv: "T_METRICS"}
	r := startRoom(t, o)
	key, secret := r.sim.Server.Creds.LazadaAppKey, r.sim.Server.Creds.LazadaAppSecret
	for _, rt := range routes {
		t.Run(rt.pattern, func(t *testing.T) {
			takes := rt.pattern + " takes no query parameters"
			if rt.params != "" {
				takes = "is not a query parameter of " + rt.pattern + ": it takes " + rt.params
			}
			cases := append([]queryCase{
				{query: "bogus=1", code: 400, param: "bogus", want: []string{`\"bogus\"`, takes}},
				{query: "%zz", code: 400, want: []string{`the query string cannot be read: invalid URL escape \"%zz\"`}},
				{query: "a=1;b=2", code: 400, want: []string{"the query string cannot be read"}},
			}, routeQueries[rt.pattern]...)
			for _, c := range cases {
				req, err := http.NewRequest(rt.method, r.srv.URL+rt.path+"?"+c.query, strings.NewReader(rt.body))
				if err != nil {
					t.Fatal(err)
				}
				if rt.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				switch rt.access {
				case scrape:
					req.Header.Set("Authorization", "Bearer metrics-secret")
				case read:
					req.Header.Set("Authorization", "Bearer wall-secret")
				case act:
					req.Header.Set("Authorization", "Bearer ayu-secret")
				case signed:
					req.Header.Set("Authorization", signPush(key, secret, rt.body))
				}
				code, body := send(t, req, rt.stream)
				var e struct {
					Error struct{ Message, Parameter string } `json:"error"`
				}
				switch {
				case code != c.code:
					t.Errorf("?%s: %d %s, want %d", c.query, code, body, c.code)
				case code == 400 && (json.Unmarshal([]byte(body), &e) != nil || e.Error.Parameter != c.param):
					t.Errorf("?%s: %s, want the parameter %q named", c.query, body, c.param)
				}
				for _, w := range c.want {
					if !strings.Contains(body, w) {
						t.Errorf("?%s: %s, want %s in it", c.query, body, w)
					}
				}
			}
		})
	}
	// A refused push is counted like the others (before its signature is
	// looked at, so under no channel).
	if got := webhooks(r, "unknown", "malformed"); got != 3 {
		t.Errorf(`flashdeck_webhooks_total{channel="unknown",result="malformed"} = %v, want 3 (three refused queries)`, got)
	}
	if lines := r.logs.lines("webhook refused", "status=400", `route="POST /webhooks/lazada"`); len(lines) != 3 {
		t.Errorf("%d log lines for the refused queries of the webhook, want 3:\n%s", len(lines), r.logs)
	}
	// Nothing refused reached a channel.
	if got := r.sim.Server.Book("micom-id").ActionCount("pause"); got != 0 {
		t.Errorf("micom-id paused %d times by refused requests", got)
	}
}
