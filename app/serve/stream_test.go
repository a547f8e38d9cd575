package serve_test

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/serve"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// sseEvent is one event as a test reads it off the wire.
type sseEvent struct {
	id, name string
	data     string
}

// readEvent reads the next event, skipping comments and the retry line.
func readEvent(t *testing.T, r *bufio.Reader) sseEvent {
	t.Helper()
	var ev sseEvent
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		l = strings.TrimSuffix(l, "\n")
		switch {
		case l == "":
			if ev.data != "" {
				return ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(l, "id: "):
			ev.id = l[4:]
		case strings.HasPrefix(l, "event: "):
			ev.name = l[7:]
		case strings.HasPrefix(l, "data: "):
			ev.data = l[6:]
		}
	}
}

func openStream(t *testing.T, url, token string) (*http.Response, *bufio.Reader) {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/api/v1/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res, bufio.NewReader(res.Body)
}

func TestStreamSendsSnapshotsAndActions(t *testing.T) {
	users := []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_AYU"}, {Name: "wall", Role: "viewer", TokenEnv: "T_WALL"}}
	srv, c, _ := setup(t, users, map[string]string{"T_AYU": "ayu-secret", "T_WALL": "wall-secret"})
	if code, _ := get(t, srv.URL+"/api/v1/stream", ""); code != 401 {
		t.Errorf("stream without a token: %d, want 401", code)
	}
	res, r := openStream(t, srv.URL, "wall-secret")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	first := readEvent(t, r)
	var snap struct {
		Seq   uint64            `json:"seq"`
		Sales []json.RawMessage `json:"sales"`
	}
	if first.name != serve.EventSnapshot || json.Unmarshal([]byte(first.data), &snap) != nil || len(snap.Sales) == 0 {
		t.Fatalf("first event %q: %.200s", first.name, first.data)
	}
	if first.id != strconv.FormatUint(snap.Seq, 10) || snap.Seq == 0 || snap.Seq > c.Engine.Snapshot().Seq {
		t.Errorf("first snapshot id %q seq %d, collector at %d", first.id, snap.Seq, c.Engine.Snapshot().Seq)
	}
	// The engine republishes at least once a second: the next one follows.
	second := readEvent(t, r)
	next, _ := strconv.ParseUint(second.id, 10, 64)
	if second.name != serve.EventSnapshot || next <= snap.Seq {
		t.Errorf("second event %q id %q after seq %d", second.name, second.id, snap.Seq)
	}
	// An action shows on every stream as its id.
	code, body := post(t, srv.URL+"/api/v1/actions", "ayu-secret", `{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"test","idempotency_key":"k-stream-1"}`)
	if code != 200 {
		t.Fatalf("action: %d %s", code, body)
	}
	testwait.Until(t, 10*time.Second, func() string {
		ev := readEvent(t, r)
		if ev.name != serve.EventAction {
			return "no action event on the stream"
		}
		if !strings.Contains(ev.data, `"id":"A`) {
			t.Errorf("action event %q", ev.data)
		}
		return ""
	})
}

// A stream outlives the server's write timeout: each event has its own
// deadline.
func TestStreamOutlivesTheWriteTimeout(t *testing.T) {
	srv, _, _ := setup(t, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Config.Handler, WriteTimeout: 500 * time.Millisecond}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	_, r := openStream(t, "http://"+ln.Addr().String(), "")
	// Time itself must pass: the stream must outlive the write timeout
	// several times over, so events are counted over a span.
	start := time.Now()
	n := 0
	for time.Since(start) < 2500*time.Millisecond {
		readEvent(t, r)
		n++
	}
	if n < 3 {
		t.Errorf("%d events in 2.5 s", n)
	}
}

func TestWhoAmI(t *testing.T) {
	users := []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_AYU"}, {Name: "wall", Role: "viewer", TokenEnv: "T_WALL"}}
	srv, _, _ := setup(t, users, map[string]string{"T_AYU": "ayu-secret", "T_WALL": "wall-secret"})
	for tok, want := range map[string]string{"ayu-secret": `"role": "operator"`, "wall-secret": `"role": "viewer"`} {
		if code, body := get(t, srv.URL+"/api/v1/whoami", tok); code != 200 || !strings.Contains(body, want) {
			t.Errorf("whoami with %s: %d %s", tok, code, body)
		}
	}
	if code, _ := get(t, srv.URL+"/api/v1/whoami", ""); code != 401 {
		t.Errorf("whoami without a token: %d", code)
	}
}

// Stopping the collector ends its streams at once: http.Server.Shutdown
// alone would wait on them until it gave up.
func TestCloseStreamsEndsThemAtOnce(t *testing.T) {
	_, c, sim := setup(t, nil, nil)
	api, err := serve.New(serve.Options{Config: sim.Config, Lookup: sim.Lookup(), Engine: c.Engine, Metrics: c.Metrics, Actions: c.Actions})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	_, r := openStream(t, srv.URL, "")
	readEvent(t, r)
	ended := make(chan error, 1)
	go func() {
		for {
			if _, err := r.ReadString('\n'); err != nil {
				ended <- err
				return
			}
		}
	}()
	api.CloseStreams()
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream still open 5 s after CloseStreams")
	}
}
