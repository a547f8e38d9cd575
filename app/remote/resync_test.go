package remote_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/remote"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// dropper stands between desktops and a collector and loses deltas off
// the stream: the nth delta of each stream it carries (counting from 1),
// as a network path that lost a message would. Everything else passes.
type dropper struct {
	target *url.URL
	nth    int
	// stall, when set, holds the stream that long at the nth delta
	// instead of dropping it: the events behind it wait, then all come
	// at once, as to a desktop too busy to read them.
	stall   time.Duration
	dropped atomic.Int64
	deltas  atomic.Int64
	proxy   *httputil.ReverseProxy
}

func newDropper(t *testing.T, collector string, nth int, stall time.Duration) *httptest.Server {
	u, _ := url.Parse(collector)
	d := &dropper{target: u, nth: nth, stall: stall, proxy: httputil.NewSingleHostReverseProxy(u)}
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	return srv
}

func (d *dropper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/stream" {
		d.proxy.ServeHTTP(w, r)
		return
	}
	req, _ := http.NewRequestWithContext(r.Context(), "GET", d.target.String()+r.URL.RequestURI(), nil)
	req.Header = r.Header.Clone()
	req.Header.Del("Accept-Encoding") // plain text, to read the events
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	w.Header().Set("Content-Type", res.Header.Get("Content-Type"))
	w.WriteHeader(res.StatusCode)
	rc := http.NewResponseController(w)
	br := bufio.NewReaderSize(res.Body, 1<<20)
	var event []string
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return
		}
		event = append(event, l)
		if l != "\n" {
			continue
		}
		if strings.Contains(strings.Join(event, ""), "\nevent: delta\n") {
			if d.deltas.Add(1) == int64(d.nth) && d.stall > 0 {
				time.Sleep(d.stall) // Time itself must pass: the fault is a stream held up that long
			} else if d.deltas.Load() == int64(d.nth) {
				d.dropped.Add(1)
				event = event[:0]
				continue
			}
		}
		if _, err := io.WriteString(w, strings.Join(event, "")); err != nil {
			return
		}
		_ = rc.Flush()
		event = event[:0]
	}
}

// TestRemoteThatMissedADeltaResyncs: a desktop whose stream lost a delta
// sees that the next one does not apply on the snapshot it holds, opens
// the stream again for the snapshot whole, and goes on equal, byte for
// byte, to the collector's snapshot; it never shows the collector lost.
func TestRemoteThatMissedADeltaResyncs(t *testing.T) {
	r := newRoom(t)
	r.selling()
	proxy := newDropper(t, r.url(), 2, 0)
	c := connect(t, proxy.URL, viewerToken)
	testwait.For(t, 20*time.Second, "the desktop never resynchronised after a lost delta", func() bool { return c.Resyncs() >= 1 })
	var got, want string
	testwait.Until(t, 20*time.Second, func() string {
		local, rem := r.c.Engine.Snapshot(), c.Snapshot()
		if rem.Seq != local.Seq || len(rem.Channels) < 2 {
			return "not at the collector's snapshot yet"
		}
		b, _ := json.Marshal(local)
		got, want = withoutCollector(rem), string(b)
		if got != want {
			return "the desktop's snapshot differs from the collector's:\n" + got[:min(len(got), 400)] + "\n" + want[:min(len(want), 400)]
		}
		return ""
	})
	if collectorOf(c.Snapshot()).State != engine.StateOK {
		t.Errorf("collector shown %s after a resync", collectorOf(c.Snapshot()).State)
	}
	if c.Losses() != 0 {
		t.Errorf("%d losses: a resync is not a lost collector", c.Losses())
	}
}

// TestRemoteFarBehindResyncs: a desktop whose deltas arrive far behind the
// collector's stream (held up, then all at once) does not work through
// the backlog: it opens the stream again for the snapshot whole, and is
// equal to the collector's snapshot again.
func TestRemoteFarBehindResyncs(t *testing.T) {
	r := newRoom(t)
	r.selling()
	proxy := newDropper(t, r.url(), 2, 2*time.Second)
	c, err := remote.New(remote.Options{URL: proxy.URL, Token: viewerToken, MaxBehind: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	testwait.For(t, 20*time.Second, "the desktop never resynchronised after falling behind", func() bool { return c.Resyncs() >= 1 })
	testwait.Until(t, 20*time.Second, func() string {
		local, rem := r.c.Engine.Snapshot(), c.Snapshot()
		if rem.Seq != local.Seq || len(rem.Channels) < 2 {
			return "not at the collector's snapshot yet"
		}
		b, _ := json.Marshal(local)
		if withoutCollector(rem) != string(b) {
			return "the desktop's snapshot differs from the collector's"
		}
		return ""
	})
	if c.Losses() != 0 {
		t.Errorf("%d losses: a resync is not a lost collector", c.Losses())
	}
}
