package simulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// Dialect builds the HTTP handler that serves one channel's book in that
// channel's own API dialect. Requests reach it with the "/{channel id}"
// prefix removed.
type Dialect func(b *Book, cr *Credentials) http.Handler

var (
	dialectsMu sync.Mutex
	dialects   = map[string]Dialect{}
)

// registerDialect is called from each dialect file's init.
func registerDialect(kind string, d Dialect) {
	dialectsMu.Lock()
	defer dialectsMu.Unlock()
	dialects[kind] = d
}

// Server serves every channel of a scenario on one loopback listener, each
// under its own path prefix: http://127.0.0.1:PORT/{channel id}/…
// Its /_sim/ endpoints inject faults and show the ground truth.
type Server struct {
	Scenario Scenario
	Clock    *Clock
	Creds    *Credentials

	books map[string]*Book
	mux   *http.ServeMux
	srv   *http.Server
	ln    net.Listener
	url   string
}

// New builds a simulator for the scenario. It serves nothing until Start.
func New(sc Scenario, clock *Clock) (*Server, error) {
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	cr, err := NewCredentials(sc.Seed)
	if err != nil {
		return nil, err
	}
	s := &Server{Scenario: sc, Clock: clock, Creds: cr, books: map[string]*Book{}, mux: http.NewServeMux()}
	for _, ch := range sc.Channels {
		b := NewBook(&s.Scenario, ch, clock)
		s.books[ch.ID] = b
		dialectsMu.Lock()
		d := dialects[ch.Kind]
		dialectsMu.Unlock()
		if d == nil {
			return nil, fmt.Errorf("simulator: no dialect for kind %q", ch.Kind)
		}
		prefix := "/" + ch.ID
		s.mux.Handle(prefix+"/", http.StripPrefix(prefix, withFaults(b, d(b, cr))))
	}
	s.mux.HandleFunc("GET /_sim/truth", s.handleTruth)
	s.mux.HandleFunc("GET /_sim/faults", s.handleFaults)
	s.mux.HandleFunc("POST /_sim/faults/{channel}", s.handleSetFaults)
	s.mux.HandleFunc("POST /_sim/action-faults/{channel}/{op}", s.handleActionFault)
	s.mux.HandleFunc("GET /_sim/clock", s.handleClock)
	s.mux.HandleFunc("POST /_sim/stock/{channel}", s.handleStock)
	return s, nil
}

// Book returns the order book of a channel, or nil.
func (s *Server) Book(channel string) *Book { return s.books[channel] }

// Handler is the simulator's whole HTTP surface (for httptest servers).
func (s *Server) Handler() http.Handler { return s.mux }

// Start listens on addr ("127.0.0.1:0" for any free port) and serves in the
// background. It returns the base URL, e.g. http://127.0.0.1:40123.
func (s *Server) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("simulator: listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s.mux, ReadHeaderTimeout: 5 * time.Second}
	s.url = "http://" + ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	return s.url, nil
}

// URL is the base URL after Start.
func (s *Server) URL() string { return s.url }

// BaseURL is the base URL a client of the given channel is configured with.
func (s *Server) BaseURL(channel string) string {
	b := s.books[channel]
	if b == nil {
		return ""
	}
	if b.spec.Kind == datasources.KindLazada {
		return s.url + "/" + channel + "/rest"
	}
	return s.url + "/" + channel
}

// AuthURL is the Lazada token service URL for a simulated Lazada channel.
func (s *Server) AuthURL(channel string) string { return s.url + "/" + channel + "/auth/rest" }

// Close stops serving at once (a channel outage, seen from the client).
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Close()
}

// Shutdown stops gracefully.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}

// Truth is the ground truth of every channel: units sold per SKU, orders
// taken, and which orders were planted abuse (see Plant).
type Truth struct {
	SaleTime time.Time                 `json:"sale_time"`
	Sold     map[string]map[string]int `json:"sold"`   // channel → SKU → units
	Orders   map[string]int            `json:"orders"` // channel → orders taken
	// Planted lists, per channel, the orders plants created so far, in
	// order id order: what a rules engine should flag. Every channel is
	// present, with an empty list when nothing was planted.
	Planted map[string][]PlantedOrder `json:"planted"`
	// Decoys lists, per channel, the scripted clean look-alikes (families
	// sharing an address) a rules engine should not flag.
	Decoys map[string][]PlantedOrder `json:"decoys"`
	// Actions counts, per channel, the action requests applied by
	// operation (pause, resume, extend, cancel); replays of an idempotency
	// key are not counted.
	Actions map[string]map[string]int `json:"actions"`
	// BanViolations counts, per channel, the requests that arrived while
	// a rate-limit ban (Faults.Ban) was in force, not counting the one
	// that started it: 0 proves a client made no call during a ban.
	BanViolations map[string]int `json:"ban_violations"`
}

// Truth reads the ground truth now.
func (s *Server) Truth() Truth {
	t := Truth{
		SaleTime: s.Clock.Now(), Sold: map[string]map[string]int{}, Orders: map[string]int{},
		Planted: map[string][]PlantedOrder{}, Decoys: map[string][]PlantedOrder{},
		Actions: map[string]map[string]int{}, BanViolations: map[string]int{},
	}
	for id, b := range s.books {
		t.Sold[id] = b.Sold()
		t.Orders[id] = b.OrderCount()
		t.Planted[id] = b.Planted()
		t.Decoys[id] = b.Decoys()
		t.BanViolations[id] = b.BanViolations()
		t.Actions[id] = map[string]int{}
		for _, op := range []string{OpPause, OpResume, OpExtend, OpCancel} {
			t.Actions[id][op] = b.ActionCount(op)
		}
	}
	return t
}

// Planted lists, per channel, the orders planted so far (see Truth.Planted).
func (s *Server) Planted() map[string][]PlantedOrder {
	out := make(map[string][]PlantedOrder, len(s.books))
	for id, b := range s.books {
		out[id] = b.Planted()
	}
	return out
}

func (s *Server) handleTruth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Truth())
}

func (s *Server) handleFaults(w http.ResponseWriter, r *http.Request) {
	out := map[string]Faults{}
	for id, b := range s.books {
		out[id] = b.Faults()
	}
	writeJSON(w, http.StatusOK, out)
}

// handleSetFaults takes {"down":true,"latency":"10s","ban":"3s",...};
// latency and ban as Go durations.
func (s *Server) handleSetFaults(w http.ResponseWriter, r *http.Request) {
	b := s.books[r.PathValue("channel")]
	if b == nil {
		http.Error(w, "no such channel", http.StatusNotFound)
		return
	}
	var in struct {
		Faults
		Latency string `json:"latency"`
		Ban     string `json:"ban"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
		http.Error(w, "bad faults: "+err.Error(), http.StatusBadRequest)
		return
	}
	f := in.Faults
	if in.Latency != "" {
		d, err := time.ParseDuration(in.Latency)
		if err != nil {
			http.Error(w, "bad latency: "+err.Error(), http.StatusBadRequest)
			return
		}
		f.Latency = d
	}
	if in.Ban != "" {
		d, err := time.ParseDuration(in.Ban)
		if err != nil {
			http.Error(w, "bad ban: "+err.Error(), http.StatusBadRequest)
			return
		}
		f.Ban = d
	}
	b.SetFaults(f)
	writeJSON(w, http.StatusOK, f)
}

// handleActionFault arms a fault for the next action requests of one
// operation: {"mode":"timeout","delay":"60s","times":1}, {"mode":"fail"},
// {"mode":"ignore"} or {"mode":"detail","skus":["A"]} (see ActionFault).
func (s *Server) handleActionFault(w http.ResponseWriter, r *http.Request) {
	b := s.books[r.PathValue("channel")]
	if b == nil {
		http.Error(w, "no such channel", http.StatusNotFound)
		return
	}
	op := r.PathValue("op")
	switch op {
	case OpPause, OpResume, OpExtend, OpCancel:
	default:
		http.Error(w, "op: use pause, resume, extend or cancel", http.StatusBadRequest)
		return
	}
	var in struct {
		Mode  string   `json:"mode"`
		Delay string   `json:"delay"`
		Times int      `json:"times"`
		SKUs  []string `json:"skus"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12)).Decode(&in); err != nil {
		http.Error(w, "bad fault: "+err.Error(), http.StatusBadRequest)
		return
	}
	if !slices.Contains(ActionFaultModes, in.Mode) {
		http.Error(w, "mode: use "+strings.Join(ActionFaultModes, ", "), http.StatusBadRequest)
		return
	}
	if (in.Mode == "ignore" || in.Mode == "detail") && b.Spec().Kind != datasources.KindLazada {
		// Only the Lazada dialect answers them; another would apply the action.
		http.Error(w, "mode "+in.Mode+": Lazada channels only", http.StatusBadRequest)
		return
	}
	f := ActionFault{Mode: in.Mode, Times: in.Times, SKUs: in.SKUs}
	if in.Delay != "" {
		d, err := time.ParseDuration(in.Delay)
		if err != nil {
			http.Error(w, "bad delay: "+err.Error(), http.StatusBadRequest)
			return
		}
		f.Delay = d
	}
	b.SetActionFault(op, f)
	writeJSON(w, http.StatusOK, f)
}

func (s *Server) handleClock(w http.ResponseWriter, r *http.Request) {
	wall, sale, speed := s.Clock.Anchor()
	writeJSON(w, http.StatusOK, map[string]any{"now": s.Clock.Now(), "wall_anchor": wall, "sale_anchor": sale, "speed": speed})
}

// Channels lists the channel ids in a stable order.
func (s *Server) Channels() []string {
	ids := make([]string, 0, len(s.books))
	for id := range s.books {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// withFaults applies the faults every dialect shares: an outage, added
// latency, truncated answers and answers of the wrong shape. Rate limits and expired tokens are
// answered by each dialect in its own words.
func withFaults(b *Book, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := b.Faults()
		if f.Latency > 0 {
			select {
			case <-time.After(f.Latency):
			case <-r.Context().Done():
				return
			}
		}
		if f.Down {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"))
			return
		}
		if f.Garbled {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"data":"maintenance","orders":7,"code":{"x":[]},"success":"yes"}`))
			return
		}
		if f.Malformed {
			rec := &recorder{header: http.Header{}, code: http.StatusOK}
			next.ServeHTTP(rec, r)
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			body := rec.buf.Bytes()
			w.WriteHeader(rec.code)
			_, _ = w.Write(body[:len(body)/2])
			return
		}
		next.ServeHTTP(w, r)
	})
}

type recorder struct {
	header http.Header
	code   int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(p []byte) (int, error) { return r.buf.Write(p) }
func (r *recorder) WriteHeader(code int)        { r.code = code }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// trimPrefix is a small helper for dialects that route by path.
func trimPrefix(p, prefix string) (string, bool) {
	if !strings.HasPrefix(p, prefix) {
		return "", false
	}
	return strings.TrimPrefix(p, prefix), true
}

var _ = trimPrefix

// handleStock sets a SKU's sellable stock on a channel, as a seller (or a
// colleague in the seller centre) would behind flashdeck's back:
// {"sku": "POCO-M3-464-BLK", "sellable": 200}.
func (s *Server) handleStock(w http.ResponseWriter, r *http.Request) {
	b := s.books[r.PathValue("channel")]
	if b == nil {
		http.Error(w, "no such channel", http.StatusNotFound)
		return
	}
	var in struct {
		SKU      string `json:"sku"`
		Sellable *int   `json:"sellable"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12)).Decode(&in); err != nil || in.Sellable == nil {
		http.Error(w, `bad stock: want {"sku": "…", "sellable": n}`, http.StatusBadRequest)
		return
	}
	if err := b.SetSellable(in.SKU, *in.Sellable); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
