package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
)

// Stream timing. A desktop treats a stream silent for StreamIdleTimeout as
// lost, so the keepalive comes well within it.
const (
	StreamKeepalive   = 10 * time.Second
	StreamIdleTimeout = 3 * StreamKeepalive
	// streamWriteWait is how long one event may take to reach a client: a
	// client that cannot take it by then is dropped (it reconnects and
	// gets the latest snapshot whole), so it never holds the others back.
	streamWriteWait = 20 * time.Second
	// streamRetryMillis is the SSE reconnection delay offered to clients.
	streamRetryMillis = 2000
)

// Stream event names (the SSE "event:" field).
const (
	EventSnapshot = "snapshot"
	EventAction   = "action"
)

// frameCache holds the latest snapshot encoded, as JSON and as its SSE
// frame, so that a snapshot is encoded once however many clients read it.
type frameCache struct {
	mu   sync.Mutex
	snap *engine.Snapshot
	enc  encoded
}

// encoded is one snapshot's encoding.
type encoded struct {
	json, frame []byte
	// problems names the parts set aside (Snapshot.Encode); err is set
	// when nothing could be encoded.
	problems []string
	err      error
}

// get returns the encoding of s, encoding it on first use.
func (c *frameCache) get(s *engine.Snapshot) encoded {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap == s {
		return c.enc
	}
	b, problems, err := s.Encode()
	e := encoded{json: b, problems: problems, err: err}
	if err == nil {
		// Compact JSON holds no newline, so the whole snapshot is one data line.
		f := make([]byte, 0, len(b)+64)
		f = fmt.Appendf(f, "id: %d\nevent: %s\ndata: ", s.Seq, EventSnapshot)
		f = append(f, b...)
		e.frame = append(f, "\n\n"...)
	}
	c.snap, c.enc = s, e
	return e
}

// stream is GET /api/v1/stream: Server-Sent Events carrying every new
// snapshot whole (event "snapshot", id = its sequence number), the id of
// every action that changes (event "action"), and a keepalive comment.
// A client that falls behind skips to the newest snapshot: it never sees
// an old one after a newer, and never holds up the engine or other clients.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	select {
	case <-s.closing:
		writeError(w, http.StatusServiceUnavailable, "the collector is stopping")
		return
	default:
	}
	rc := http.NewResponseController(w)
	// A stream is one long request: the server's read timeout is for
	// reading a request, and must not end a stream that is still wanted.
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a reverse proxy must not hold events back
	snaps, unsub := s.opt.Engine.Subscribe()
	defer unsub()
	var acts <-chan string
	if s.opt.Actions != nil {
		a, unsubActs := s.opt.Actions.Subscribe()
		defer unsubActs()
		acts = a
	}
	user, _ := UserFrom(r.Context())
	s.opt.Logger.Info("stream opened", "remote", r.RemoteAddr, "user", user.Name)
	start := time.Now()
	sent := 0
	defer func() {
		s.opt.Logger.Info("stream closed", "remote", r.RemoteAddr, "user", user.Name, "after", time.Since(start).Round(time.Second), "snapshots", sent)
	}()

	write := func(b []byte) bool {
		// The server's write timeout is for short answers; a stream sets its
		// own deadline for each event instead.
		_ = rc.SetWriteDeadline(time.Now().Add(streamWriteWait))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	w.WriteHeader(http.StatusOK)
	if !write([]byte("retry: " + strconv.Itoa(streamRetryMillis) + "\n\n")) {
		return
	}
	ping := time.NewTicker(StreamKeepalive)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.closing:
			// The collector is stopping: end the stream now, so that
			// desktops see it go at once rather than when the shutdown
			// gives up waiting on their long-lived requests.
			return
		case snap := <-snaps:
			e := s.frames.get(snap)
			if e.err != nil {
				// Nothing of this snapshot can be sent; the stream
				// stays open for the next one (and /healthz says why).
				s.opt.Logger.Error("stream: cannot encode the snapshot", "seq", snap.Seq, "err", e.err)
				continue
			}
			if !write(e.frame) {
				return
			}
			sent++
		case id := <-acts:
			b, _ := json.Marshal(map[string]string{"id": id})
			if !write(fmt.Appendf(nil, "event: %s\ndata: %s\n\n", EventAction, b)) {
				return
			}
		case t := <-ping.C:
			if !write([]byte(": keepalive " + t.UTC().Format(time.RFC3339) + "\n\n")) {
				return
			}
		}
	}
}

// CloseStreams ends every open stream and refuses new ones (503). Register it
// with http.Server.RegisterOnShutdown: Shutdown waits for active requests,
// and a stream never ends by itself.
func (s *Server) CloseStreams() {
	s.closeOnce.Do(func() { close(s.closing) })
}

// whoami is GET /api/v1/whoami: the user behind the token, so that a
// remote desktop can say who it acts as.
func (s *Server) whoami(w http.ResponseWriter, r *http.Request) {
	u, ok := UserFrom(r.Context())
	if !ok {
		// No users configured: anyone reads, nobody acts.
		u = actions.User{Name: "anonymous", Role: config.RoleViewer}
	}
	writeJSON(w, http.StatusOK, map[string]string{"name": u.Name, "role": u.Role})
}

// actionPlan is POST /api/v1/actions/plan: what an action would do on each
// channel, without doing it (the confirmation dialog shows it).
func (s *Server) actionPlan(w http.ResponseWriter, r *http.Request) {
	var req actions.Request
	if !decodeBody(w, r, &req) {
		return
	}
	a, err := s.opt.Actions.Plan(req)
	if err != nil {
		actionError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}
