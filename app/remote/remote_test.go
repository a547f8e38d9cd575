package remote_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/remote"
	"github.com/flashdeck/flashdeck/app/serve"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

const (
	opToken     = "op-token-0123456789"
	viewerToken = "viewer-token-0123456789"
)

// room is the demo rig with the collector's API on a loopback port, as
// `flashdeck serve` runs them; restart brings a new collector back on the
// same port and state, as a restarted process would.
type room struct {
	t    *testing.T
	rig  *demotest.Rig
	sim  *demo.Sim
	cfg  *config.Config
	addr string
	c    *collector.Collector
	srv  *http.Server
}

func newRoom(t *testing.T) *room {
	t.Helper()
	rig := demotest.Start(t, demotest.Options{Live: true, Poll: 500 * time.Millisecond, ActionTimeout: 10 * time.Second,
		Users: []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_AYU"}, {Name: "wall", Role: "viewer", TokenEnv: "T_WALL"}},
		Env:   map[string]string{"T_AYU": opToken, "T_WALL": viewerToken}})
	r := &room{t: t, rig: rig, sim: rig.Sim, cfg: rig.Sim.Config, c: rig.Collector}
	r.serve()
	t.Cleanup(r.stop)
	return r
}

// serve serves the current collector's API on the room's port.
func (r *room) serve() {
	r.t.Helper()
	addr := r.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		r.t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.srv = serve.HTTPServer(r.addr, r.rig.API(r.t, r.c).Handler())
	go r.srv.Serve(ln)
}

// restart starts a new collector on the same state and port.
func (r *room) restart() {
	r.c = r.rig.StartCollector(r.t)
	r.serve()
}

// stop ends the API (closing every stream) and the collector.
func (r *room) stop() {
	if r.srv == nil {
		return
	}
	_ = r.srv.Close()
	r.c.Close()
	r.srv = nil
}

// selling waits until the collector has read orders.
func (r *room) selling() {
	r.t.Helper()
	testwait.For(r.t, 15*time.Second, "the collector read no order", func() bool {
		s := r.c.Engine.Snapshot()
		return len(s.Sales) > 0 && s.Sales[0].Sold > 0
	})
}

func (r *room) url() string { return "http://" + r.addr }

func connect(t *testing.T, url, token string) *remote.Client { return demotest.Remote(t, url, token) }

func collectorOf(s *engine.Snapshot) engine.ChannelSnap {
	c, _ := s.Channel(remote.CollectorID)
	return c
}

// withoutCollector is the snapshot as the collector sent it.
func withoutCollector(s *engine.Snapshot) string {
	cp := *s
	cp.Channels = cp.Channels[1:]
	b, _ := json.Marshal(&cp)
	return string(b)
}

func TestRemoteShowsTheCollectorsSnapshot(t *testing.T) {
	r := newRoom(t)
	r.selling()
	c := connect(t, r.url(), viewerToken)
	testwait.For(t, 10*time.Second, "the stream never connected", func() bool { return collectorOf(c.Snapshot()).State == engine.StateOK })
	if u := c.User(); u.Name != "wall" || u.Role != config.RoleViewer {
		t.Errorf("user %+v, want wall (viewer)", u)
	}
	if c.Snapshot().Channels[0].ID != remote.CollectorID {
		t.Errorf("the collector is not the first channel: %+v", c.Snapshot().Channels[0])
	}
	// The same snapshot, seq for seq, as the collector holds.
	var got, want string
	testwait.For(t, 10*time.Second, "no remote snapshot matched the collector's", func() bool {
		local, rem := r.c.Engine.Snapshot(), c.Snapshot()
		if rem.Seq != local.Seq || len(rem.Channels) < 2 {
			return false
		}
		b, _ := json.Marshal(local)
		got, want = withoutCollector(rem), string(b)
		return got == want
	})
	if s := c.Snapshot(); s.Sales[0].Sold == 0 {
		t.Errorf("sold 0 through the stream: %+v", s.Sales[0].Figures)
	}
	if fl := c.Flags(""); len(fl) != len(r.c.Engine.Flags("")) {
		t.Errorf("%d flags through the API, the collector has %d", len(fl), len(r.c.Engine.Flags("")))
	}
}

// TestRemoteAtASlowerPace: a client asking for the stream at one snapshot
// a second (as the desktop does) is sent them at least 650 ms apart, and
// they are the collector's own, seq for seq.
func TestRemoteAtASlowerPace(t *testing.T) {
	r := newRoom(t)
	r.selling()
	c, err := remote.New(remote.Options{URL: r.url(), Token: viewerToken, IdleTimeout: 5 * time.Second, StreamEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	snaps, unsub := c.Subscribe()
	defer unsub()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	var at []time.Time
	matched := false
	for deadline := time.After(20 * time.Second); len(at) < 6; {
		select {
		case s := <-snaps:
			if len(s.Channels) < 2 || collectorOf(s).State != engine.StateOK {
				continue // not connected yet
			}
			at = append(at, time.Now())
			if local := r.c.Engine.Snapshot(); local.Seq == s.Seq {
				b, _ := json.Marshal(local)
				if got := withoutCollector(s); got != string(b) {
					t.Errorf("snapshot %d differs from the collector's:\n%.300s\n%.300s", s.Seq, got, b)
				}
				matched = true
			}
		case <-deadline:
			t.Fatalf("%d snapshots in 20 s at the 1 s pace", len(at))
		}
	}
	// The first two may be the snapshot whole and the pace's first.
	for i := 2; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < 650*time.Millisecond {
			t.Errorf("snapshots %d and %d came %v apart at the 1 s pace", i-1, i, gap)
		}
	}
	if !matched {
		t.Log("no snapshot arrived while the collector still held it (a busy machine); the stream test compares them")
	}
}

// TestRemoteAtAPaceNotOffered: a collector that refuses the pace asked
// for (one from before paces refuses the parameter the same way) is read
// at its default pace, with a warning saying so, rather than not at all.
func TestRemoteAtAPaceNotOffered(t *testing.T) {
	r := newRoom(t)
	r.selling()
	var logs strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(b []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(b)
	}), nil))
	c, err := remote.New(remote.Options{URL: r.url(), Token: viewerToken, IdleTimeout: 5 * time.Second, StreamEvery: 1500 * time.Millisecond, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	testwait.For(t, 10*time.Second, "the stream never connected", func() bool { return collectorOf(c.Snapshot()).State == engine.StateOK })
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "reading it at its default") || !strings.Contains(logs.String(), "every=1.5s") {
		t.Errorf("no warning naming the pace refused; the log:\n%s", logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func TestRemoteActsThroughTheCollector(t *testing.T) {
	r := newRoom(t)
	r.selling()
	op := connect(t, r.url(), opToken)
	// A second desktop, connected before the action: it can only learn of
	// it from the stream's action event.
	viewer := connect(t, r.url(), viewerToken)
	acts, unsub := viewer.SubscribeActions()
	defer unsub()
	testwait.For(t, 10*time.Second, "the streams never connected", func() bool { return op.Status().Connected && viewer.Status().Connected })
	select {
	case <-acts: // its first read of the audit trail, on connecting
	case <-time.After(5 * time.Second):
		t.Fatal("the audit trail was not read on connecting")
	}
	sale := r.cfg.Sales[0].ID
	req := actions.Request{Kind: actions.Pause, Sale: sale, Reason: "scalper burst", IdempotencyKey: "k-remote-1"}
	plan, err := op.Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Results) != 3 {
		t.Errorf("plan %+v", plan)
	}
	a, err := op.Submit(context.Background(), actions.User{Name: "spoofed", Role: config.RoleOperator}, req)
	if err != nil {
		t.Fatal(err)
	}
	if a.User != "ayu" {
		t.Errorf("acted as %q: the token's user must act, not the one the desktop names", a.User)
	}
	for _, res := range a.Results {
		if res.Channel != "akulaku-id" && res.Result != actions.Applied {
			t.Errorf("%s: %s (%s)", res.Channel, res.Result, res.Message)
		}
	}
	if r.sim.Server.Book("lazada-id").ActionCount(simulator.OpPause) != 1 {
		t.Error("Lazada ID: the pause did not reach the simulator exactly once")
	}
	testwait.For(t, 5*time.Second, "the other desktop never saw the action", func() bool {
		list, _ := viewer.List(actions.Filter{Text: "scalper"})
		return len(list) == 1 && list[0].ID == a.ID
	})
	<-acts
	if list, err := op.List(actions.Filter{Text: "scalper"}); err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("the acting desktop's audit trail: %v %+v", err, list)
	}
	// The same key again answers the first action: sent once.
	again, err := op.Submit(context.Background(), actions.User{}, req)
	if err != nil || again.ID != a.ID || !again.Replayed {
		t.Errorf("replayed key: %v %+v", err, again)
	}

	_, err = viewer.Submit(context.Background(), actions.User{Name: "wall", Role: config.RoleOperator}, actions.Request{Kind: actions.Resume, Sale: sale, Reason: "x", IdempotencyKey: "k-remote-2"})
	if !errors.Is(err, actions.ErrForbidden) {
		t.Errorf("a viewer's action: %v, want forbidden", err)
	}
	_, err = op.Submit(context.Background(), actions.User{}, actions.Request{Kind: actions.Extend, Sale: sale, By: "forever", Reason: "x", IdempotencyKey: "k-remote-3"})
	var inv *actions.InvalidError
	if !errors.As(err, &inv) || inv.Field != "by" {
		t.Errorf("a bad field: %v, want an InvalidError naming by", err)
	}
}

func TestRemoteWrongTokenIsRefused(t *testing.T) {
	r := newRoom(t)
	c, err := remote.New(remote.Options{URL: r.url(), Token: "not-a-token"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.WhoAmI(context.Background())
	var refused *remote.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "FLASHDECK_TOKEN") {
		t.Fatalf("wrong token: %v", err)
	}
	c = connect(t, r.url(), "not-a-token")
	testwait.For(t, 5*time.Second, "a refused stream not shown on the collector", func() bool {
		return strings.Contains(collectorOf(c.Snapshot()).LastError, "refused the token")
	})
}

func TestRemoteShowsTheCollectorLostAndReconnects(t *testing.T) {
	r := newRoom(t)
	r.selling()
	c := connect(t, r.url(), viewerToken)
	testwait.For(t, 10*time.Second, "the stream never connected", func() bool { s := c.Snapshot(); return c.Status().Connected && len(s.Sales) > 0 && s.Sales[0].Sold > 0 })
	before := c.Snapshot()
	sold := before.Sales[0].Sold

	r.stop()
	testwait.For(t, 5*time.Second, "the collector's loss not shown", func() bool { return collectorOf(c.Snapshot()).State == engine.StateDown })
	lost := c.Snapshot()
	if !lost.Sales[0].Stale || !lost.Sales[0].SKUs[0].Stale || !lost.Sales[0].Channels[0].Stale {
		t.Error("figures not marked stale while the collector is lost")
	}
	if lost.Sales[0].Sold < sold || lost.Sales[0].Sold == 0 {
		t.Errorf("sold %d while lost, was %d: the last values must stay", lost.Sales[0].Sold, sold)
	}
	for _, ch := range lost.Channels[1:] {
		if ch.State == engine.StateOK || !strings.Contains(ch.LastError, "collector is lost") {
			t.Errorf("%s shown %s (%q) while the collector is lost: its state is not known", ch.ID, ch.State, ch.LastError)
		}
	}
	col := collectorOf(lost)
	if !strings.Contains(col.LastError, r.url()) || col.DownSince.IsZero() || col.LastSuccess.IsZero() {
		t.Errorf("the collector's row: %+v", col)
	}
	// Ages keep moving while it is lost.
	testwait.For(t, 5*time.Second, "the lost snapshot is not republished", func() bool { return c.Snapshot().Wall.After(lost.Wall) })

	r.restart()
	testwait.For(t, 15*time.Second, "no reconnection after the collector restarted", func() bool {
		s := c.Snapshot()
		return collectorOf(s).State == engine.StateOK && len(s.Sales) > 0 && !s.Sales[0].Stale
	})
	if got := c.Snapshot().Sales[0].Sold; got < sold {
		t.Errorf("sold %d after the restart, %d before", got, sold)
	}
}

// A --remote URL is the collector's base URL alone: a path is refused
// naming it, and a user, password or query is refused without repeating
// them (the token belongs in FLASHDECK_TOKEN).
func TestRemoteURLIsTheBaseURLAlone(t *testing.T) {
	cases := []struct{ url, want, secret string }{
		{"ftp://collector:9464", "not a collector URL", ""},
		{"https://collector:9464/api/v1", "without a path", ""},
		{"https://ayu:s3cret-pass@collector:9464", "carries a user, password or query", "s3cret-pass"},
		{"https://collector:9464/?access_token=tok-7Hq2", "carries a user, password or query", "tok-7Hq2"},
	}
	for _, tc := range cases {
		_, err := remote.New(remote.Options{URL: tc.url})
		if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.secret != "" && strings.Contains(err.Error(), tc.secret)) {
			t.Errorf("%s: %v, want %q without the secret", tc.url, err, tc.want)
		}
	}
	if _, err := remote.New(remote.Options{URL: "https://collector:9464/"}); err != nil {
		t.Errorf("a base URL: %v", err)
	}
}
