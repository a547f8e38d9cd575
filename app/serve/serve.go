// Package serve is the collector's HTTP API (DESIGN.md section 10):
// /healthz, /metrics and /api/v1/*, with bearer tokens and roles.
package serve

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/attention"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/metrics"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/datasources/lazada"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options for the API server.
type Options struct {
	Config  *config.Config
	Lookup  config.Lookup
	Engine  *engine.Engine
	Metrics *metrics.Metrics
	// Actions carries out POST /api/v1/actions; nil refuses every action.
	Actions *actions.Service
	Logger  *slog.Logger
	// MaxSnapshotAge is how old the latest snapshot may be before
	// /healthz is unhealthy (default 30 s; the engine republishes every
	// second).
	MaxSnapshotAge time.Duration
	// Now is the wall clock a push message's timestamp is checked against
	// (time.Now when nil).
	Now func() time.Time
	// Attention is the list GET /api/v1/attention serves (the collector's
	// tracker); nil serves an empty list.
	Attention func() attention.List
}

// Server serves the API.
type Server struct {
	opt          Options
	users        []user
	metricsToken string
	mux          *http.ServeMux
	frames       frameCache
	// paces are the stream's paces (streamPaces), each with its deltas.
	paces     map[time.Duration]*pace
	closing   chan struct{}
	closeOnce sync.Once
	routes    []string
	// lazadaApps are the Lazada apps whose pushes are taken, with their
	// channels (one app may serve several markets).
	lazadaApps []*lazadaApp
	// pushes remembers the pushes taken within the replay window.
	pushes pushMemory
}

type user struct {
	name, role string
	sum        [32]byte // sha256 of the token: compared in constant time
}

type ctxKey struct{}

// UserFrom returns the authenticated user of a request, if any.
func UserFrom(ctx context.Context) (actions.User, bool) {
	u, ok := ctx.Value(ctxKey{}).(actions.User)
	return u, ok
}

// New resolves the users' tokens and builds the routes.
func New(o Options) (*Server, error) {
	if o.Lookup == nil {
		o.Lookup = config.EnvLookup
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxSnapshotAge <= 0 {
		o.MaxSnapshotAge = DefaultMaxSnapshotAge
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{opt: o, mux: http.NewServeMux(), closing: make(chan struct{}), paces: newPaces()}
	var err error
	// A token is one user's: two users with one token could not be told
	// apart (the one listed last would take the other's role), so that is
	// refused, naming both and never the token.
	holder := map[[32]byte]int{}
	for i, u := range o.Config.Users {
		tok, ok := lookupToken(o.Lookup, u.TokenEnv)
		if !ok {
			return nil, fmt.Errorf("%s: users[%d] (%s): environment variable %s is not set", where(o.Config), i, u.Name, u.TokenEnv)
		}
		sum := sha256.Sum256([]byte(tok))
		if j, ok := holder[sum]; ok {
			return nil, fmt.Errorf("%s: users[%d] %s and users[%d] %s share one token (%s and %s hold the same value): give each user a token of their own",
				where(o.Config), j, o.Config.Users[j].Name, i, u.Name, o.Config.Users[j].TokenEnv, u.TokenEnv)
		}
		holder[sum] = i
		s.users = append(s.users, user{name: u.Name, role: u.Role, sum: sum})
	}
	if env := o.Config.MetricsTokenEnv; env != "" {
		tok, ok := lookupToken(o.Lookup, env)
		if !ok {
			return nil, fmt.Errorf("%s: metrics_token_env: environment variable %s is not set", where(o.Config), env)
		}
		if j, ok := holder[sha256.Sum256([]byte(tok))]; ok {
			return nil, fmt.Errorf("%s: metrics_token_env: %s holds users[%d] %s's token: give /metrics a token of its own (Prometheus' configuration keeps it)",
				where(o.Config), env, j, o.Config.Users[j].Name)
		}
		s.metricsToken = tok
	}
	if s.lazadaApps, err = lazadaApps(o.Config, o.Lookup); err != nil {
		return nil, err
	}
	// Every route checks its query string (query.go), inside its
	// authentication: nil is a route that takes no parameters.
	s.handle("GET /healthz", s.query(nil, http.HandlerFunc(s.healthz)))
	var mh http.Handler = s.query(metricsQuery, o.Metrics.Handler())
	if s.metricsToken != "" {
		mh = s.requireToken(s.metricsToken, mh)
	}
	s.handle("GET /metrics", mh)
	s.handle("GET /api/v1/snapshot", s.read(s.query(nil, http.HandlerFunc(s.snapshot))))
	s.handle("GET /api/v1/attention", s.read(s.query(nil, http.HandlerFunc(s.attentionList))))
	s.handle("GET /api/v1/flags", s.read(s.query(flagsQuery(o.Config), http.HandlerFunc(s.flags))))
	s.handle("GET /api/v1/audit", s.read(s.query(auditQuery(o.Config), http.HandlerFunc(s.auditList))))
	s.handle("GET /api/v1/actions/{id}", s.read(s.query(nil, http.HandlerFunc(s.actionGet))))
	// Every route that reads a body has a limit, checked before anything
	// else (a body too large is a 413 whoever sends it).
	s.handle("POST /api/v1/actions", limitBody(maxActionBody, s.act(s.query(nil, http.HandlerFunc(s.actionPost)))))
	s.handle("POST /api/v1/actions/{id}/retry", limitBody(maxActionBody, s.act(s.query(nil, http.HandlerFunc(s.actionRetry)))))
	s.handle("POST /api/v1/actions/{id}/confirm", limitBody(maxActionBody, s.act(s.query(nil, http.HandlerFunc(s.actionConfirm)))))
	// deltas=1 asks for deltas after the first snapshot, every=1s for a
	// slower pace (README: Stream format); an EventSource can put them in
	// its URL.
	s.handle(streamRoute, s.read(s.query(streamQuery, http.HandlerFunc(s.stream))))
	s.handle("GET /api/v1/whoami", s.read(s.query(nil, http.HandlerFunc(s.whoami))))
	s.handle("GET /api/v1/report", s.read(s.query(reportQuery(o.Config), http.HandlerFunc(s.report))))
	s.handle("GET /api/v1/timeline", s.read(s.query(reportQuery(o.Config), http.HandlerFunc(s.timeline))))
	s.handle("POST /api/v1/actions/plan", limitBody(maxActionBody, s.act(s.query(nil, http.HandlerFunc(s.actionPlan)))))
	// Authenticated by Lazada's signature of the body, not by a bearer
	// token; it checks its query itself, to count and log a refusal.
	s.handle("POST /webhooks/lazada", limitBodyFunc(lazada.MaxPushBody, http.HandlerFunc(s.lazadaWebhook), s.webhookTooLarge))
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	return s, nil
}

// lookupToken reads a token from its variable, without the white space
// around it: a presented token is trimmed too (bearer), so a variable
// written with a trailing newline (echo TOKEN > file) still matches.
func lookupToken(lookup config.Lookup, env string) (string, bool) {
	tok, ok := lookup(env)
	tok = strings.TrimSpace(tok)
	return tok, ok && tok != ""
}

func where(c *config.Config) string {
	if c.Path == "" {
		return "config"
	}
	return c.Path
}

// handle registers a route and remembers its pattern (Routes). Add every
// route through it: the route table test checks each one for who may ask.
func (s *Server) handle(pattern string, h http.Handler) {
	s.routes = append(s.routes, pattern)
	if s.opt.Metrics != nil && pattern != streamRoute {
		h = promhttp.InstrumentHandlerDuration(s.opt.Metrics.Requests.MustCurryWith(prometheus.Labels{"route": pattern}), h)
	}
	s.mux.Handle(pattern, h)
}

// streamRoute is the one route not timed: a stream lasts as long as its
// desktop.
const streamRoute = "GET /api/v1/stream"

// Routes lists the patterns of every route served ("GET /healthz", "POST
// /api/v1/actions", …), in the order they were added.
func (s *Server) Routes() []string { return slices.Clone(s.routes) }

// AuthRequired reports whether the API needs tokens (users are configured).
func (s *Server) AuthRequired() bool { return len(s.users) > 0 }

// Handler is the whole HTTP surface.
// Answers are compressed when the client accepts it (compress.go).
func (s *Server) Handler() http.Handler { return compressAnswers(s.mux) }

// DefaultMaxSnapshotAge is how old the engine's latest snapshot may be
// before /healthz says publishing has stopped.
const DefaultMaxSnapshotAge = 30 * time.Second

// health is the body of /healthz.
type health struct {
	Status string `json:"status"`
	// Problems say why the status is not ok: a snapshot (or a sale of
	// it) that cannot be published, or one that is too old.
	Problems []string `json:"problems,omitempty"`
	// SetAside is saved state the collector's start could not load; it
	// is reported, not replayed, and does not make the collector unhealthy.
	SetAside []string `json:"set_aside,omitempty"`
}

// healthz is ok while every snapshot can be published whole and is fresh:
// a collector whose desktops cannot be told the truth is not healthy.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	h := health{Status: "ok", SetAside: s.opt.Engine.SetAside()}
	snap := s.opt.Engine.Snapshot()
	h.Problems = s.frames.get(snap).problems
	if age := time.Since(snap.Wall); age > s.opt.MaxSnapshotAge {
		h.Problems = append(h.Problems, fmt.Sprintf("no snapshot published for %s (the last is number %d)", age.Round(time.Second), snap.Seq))
	}
	code := http.StatusOK
	if len(h.Problems) > 0 {
		h.Status, code = "unhealthy", http.StatusServiceUnavailable
	}
	writeJSON(w, code, h)
}

// snapshot answers the latest snapshot, encoded once for every reader (the
// stream's frame cache). A sale that cannot be encoded is answered as
// unpublishable, the others whole; a snapshot that cannot be encoded at
// all is a 500, never a 200 with a cut body.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	snap := s.opt.Engine.Snapshot()
	e := s.frames.get(snap)
	if e.err != nil {
		s.opt.Logger.Error("snapshot: cannot encode", "err", e.err)
		writeError(w, http.StatusInternalServerError, "the snapshot cannot be published: "+e.err.Error())
		return
	}
	body := e.json
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if coding := negotiate(r.Header.Get("Accept-Encoding")); coding != "" && r.Method != http.MethodHead {
		// Compressed once per snapshot, for every client that asks.
		body = s.frames.compressed(snap, e.json, coding)
		w.Header().Set("Content-Encoding", coding)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// flagsAnswer is the body of GET /api/v1/flags.
type flagsAnswer struct {
	Count int          `json:"count"`
	Flags []rules.Flag `json:"flags"`
}

// flags lists flagged orders, the highest score first. Query parameters
// narrow it (checked by flagsQuery before it runs): sale, channel, state
// (open, reviewed, cancelled), rule, min_score, limit.
func (s *Server) flags(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sale, channel, state, rule := q.Get("sale"), q.Get("channel"), q.Get("state"), q.Get("rule")
	// Whole numbers of 0 or more, or empty (0: no minimum, no limit).
	minScore, _ := strconv.Atoi(q.Get("min_score"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	out := flagsAnswer{Flags: []rules.Flag{}}
	for _, f := range s.opt.Engine.Flags(sale) {
		if (channel != "" && f.Channel != channel) || (state != "" && f.State != state) || f.Score < minScore {
			continue
		}
		if rule != "" && !slices.ContainsFunc(f.Rules, func(h rules.Hit) bool { return h.ID == rule }) {
			continue
		}
		out.Count++
		if limit == 0 || len(out.Flags) < limit {
			out.Flags = append(out.Flags, f)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// authenticate finds the user behind a bearer token.
func (s *Server) authenticate(r *http.Request) (actions.User, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := bearer(h)
	if !ok {
		return actions.User{}, false
	}
	sum := sha256.Sum256([]byte(tok))
	var found actions.User
	hit := false
	for _, u := range s.users {
		if subtle.ConstantTimeCompare(sum[:], u.sum[:]) == 1 {
			found, hit = actions.User{Name: u.name, Role: u.role}, true
		}
	}
	return found, hit
}

// bearer reads the token of an Authorization header. The scheme is
// case-insensitive (RFC 9110 section 11.1); a bare token is not a bearer one.
func bearer(h string) (string, bool) {
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	tok := strings.TrimSpace(h[7:])
	return tok, tok != ""
}

// read lets any authenticated user (or anyone, with no users configured) through.
func (s *Server) read(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.AuthRequired() {
			next.ServeHTTP(w, r)
			return
		}
		u, ok := s.authenticate(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="flashdeck"`)
			writeError(w, http.StatusUnauthorized, "a valid bearer token is required")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, u)))
	})
}

func (s *Server) requireToken(tok string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(tok))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := bearer(r.Header.Get("Authorization"))
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="flashdeck metrics"`)
			writeError(w, http.StatusUnauthorized, "a valid bearer token is required")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// writeJSON answers v as JSON with code. v is encoded before anything is
// sent: a value that cannot be encoded is a 500 saying so, never the
// status asked for with a body cut short.
func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		buf.Reset()
		code = http.StatusInternalServerError
		_ = enc.Encode(map[string]any{"error": map[string]string{"message": "the answer cannot be encoded: " + err.Error()}})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]any{"error": map[string]string{"message": msg}})
}

// limitBody caps a route's request body at limit bytes. A body that says
// it is larger (Content-Length) is refused at once with a 413; one that
// turns out larger while read fails the read with an *http.MaxBytesError,
// which the handler answers with tooLarge.
func limitBody(limit int64, next http.Handler) http.Handler {
	return limitBodyFunc(limit, next, nil)
}

// limitBodyFunc is limitBody, calling refused (when set) for a body
// refused by its Content-Length.
func limitBodyFunc(limit int64, next http.Handler, refused func(*http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			if refused != nil {
				refused(r)
			}
			writeTooLarge(w, limit)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// tooLarge answers a 413 when err is a body over its limit, and reports
// whether it did.
func tooLarge(w http.ResponseWriter, err error) bool {
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		return false
	}
	writeTooLarge(w, mbe.Limit)
	return true
}

func writeTooLarge(w http.ResponseWriter, limit int64) {
	// The connection is closed after a body cut short: say so.
	w.Header().Set("Connection", "close")
	writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than this route takes: at most %d bytes (%d KiB)", limit, limit>>10))
}

// HTTPServer wraps the handler with the timeouts a room full of clients needs.
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr: addr, Handler: h,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: 64 << 10,
	}
}
