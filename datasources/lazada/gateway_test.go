package lazada_test

import (
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources/lazada"
)

// The app of Lazada's signing guide: every fake gateway checks signatures
// with its secret.
const (
	appKey = "123456"
	secret = "helloworld"
)

// fastCalls is the call rate of every test client that is not about
// pacing: high enough that the pacer never shapes a test's timing.
const fastCalls = 1000

// request is one call a fake gateway received.
type request struct {
	method, path string
	// query and form are the parameters of the URL and of the POST body.
	query, form map[string]string
	// at is when the request arrived; answered is when the gateway
	// decided its answer, just before writing it: a ban it announces runs
	// from then, and the client, which reads the answer later, cannot
	// start waiting it out any earlier.
	at, answered time.Time
	answer       string
}

// params is every parameter of the request, query and form together, as
// Lazada signs them.
func (r request) params() map[string]string {
	out := maps.Clone(r.query)
	maps.Copy(out, r.form)
	return out
}

// gateway is a fake Lazada gateway. answers holds, per API path, the
// bodies it answers in turn, the last one again and again; a path without
// answers is refused as Lazada refuses an unknown path. Every request is
// recorded, and its signature checked with the package's Sign (whose
// agreement with Lazada's own example TestContractSigning checks): a wrong
// one is answered IncompleteSignature, as Lazada does.
type gateway struct {
	mu      sync.Mutex
	answers map[string][]string
	reqs    []request
	// bad counts requests whose signature did not check out.
	bad int
}

// newGateway serves a gateway with the answers given and returns a client
// of it for market ID, changed by change when it is not nil.
func newGateway(t *testing.T, answers map[string][]string, change func(*lazada.Config)) (*gateway, *lazada.Client) {
	t.Helper()
	g := &gateway{answers: answers}
	hs := httptest.NewServer(g)
	t.Cleanup(hs.Close)
	cfg := lazada.Config{
		ID: channel, Market: "ID", BaseURL: hs.URL + "/rest", AuthURL: hs.URL + "/auth/rest",
		AppKey: appKey, AppSecret: secret, AccessToken: "tok", Timeout: 5 * time.Second,
		CallsPerSecond: fastCalls,
	}
	if change != nil {
		change(&cfg)
	}
	c, err := lazada.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if n := g.badSignatures(); n > 0 {
			t.Errorf("%d requests carried a wrong signature", n)
		}
	})
	return g, c
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := request{method: r.Method, path: strings.TrimPrefix(r.URL.Path, "/rest"), at: time.Now(),
		query: map[string]string{}, form: map[string]string{}}
	for k, v := range r.URL.Query() {
		s.query[k] = v[0]
	}
	if r.Method == http.MethodPost {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		for k, v := range form {
			s.form[k] = v[0]
		}
	}
	p := s.params()
	signed := p["sign"] != "" && p["sign"] == lazada.Sign(s.path, p, secret)
	// The request is recorded before it is answered: the client's next
	// request may arrive before this handler returns, and must find this
	// one counted.
	g.mu.Lock()
	n := 0
	for _, q := range g.reqs {
		if q.path == s.path {
			n++
		}
	}
	bodies := g.answers[s.path]
	switch {
	case !signed:
		g.bad++
		s.answer = `{"type":"ISV","code":"IncompleteSignature","message":"The request signature does not conform to lazop standards","request_id":"0b0"}`
	case len(bodies) == 0:
		s.answer = `{"type":"ISV","code":"InvalidApiPath","message":"The specified API path is invalid","request_id":"0b0"}`
	default:
		s.answer = bodies[min(n, len(bodies)-1)]
	}
	s.answered = time.Now()
	g.reqs = append(g.reqs, s)
	g.mu.Unlock()
	_, _ = io.WriteString(w, s.answer)
}

// of lists the requests to path, in the order they arrived.
func (g *gateway) of(path string) []request {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []request
	for _, s := range g.reqs {
		if s.path == path {
			out = append(out, s)
		}
	}
	return out
}

// all lists every request, in the order they arrived.
func (g *gateway) all() []request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]request(nil), g.reqs...)
}

func (g *gateway) badSignatures() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.bad
}
