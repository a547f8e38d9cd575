package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/delta"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/fanout"
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
	EventDelta    = "delta"
	EventAction   = "action"
)

// StreamEvery is the least time between two snapshots on the stream. The
// engine publishes up to four times a second; at launch scale every one
// costs each desktop a delta to decode and apply, for figures a poll old.
// The newest snapshot of the wait is the one sent, so a desktop is never
// more than this behind the collector's snapshot on its account.
const StreamEvery = 500 * time.Millisecond

// streamPaces are the paces a client may ask the stream for (?every=):
// StreamEvery, the default, and slower ones for a desktop that redraws
// less often than that (a remote desktop redraws once a second, and each
// delta it is sent costs it decoding and applying, wanted or not). Each
// pace's deltas are computed once for every stream on it; a slower pace
// sends a subset of the default pace's snapshots, so that a snapshot is
// still encoded once for all. A fixed list keeps that work bounded.
var streamPaces = []time.Duration{StreamEvery, time.Second, 2 * time.Second, 5 * time.Second}

// StreamPaces are the paces a client may ask the stream for (?every=), the
// default (StreamEvery) first.
func StreamPaces() []time.Duration { return slices.Clone(streamPaces) }

// pace is one pace of the stream: the snapshots sent at it and the deltas
// between them, shared by every stream on it.
type pace struct {
	every  time.Duration
	out    fanout.Fanout[*engine.Snapshot]
	deltas deltaCache
	once   sync.Once
	// sent is the last snapshot sent at a slower pace: a stream joining it
	// starts from it, the snapshot its deltas go on from.
	sent atomic.Pointer[engine.Snapshot]
}

func newPaces() map[time.Duration]*pace {
	ps := make(map[time.Duration]*pace, len(streamPaces))
	for _, d := range streamPaces {
		// A stream behind skips to the newest, as the engine's own do.
		ps[d] = &pace{every: d, out: fanout.Fanout[*engine.Snapshot]{Buffer: 1, Latest: true}}
	}
	return ps
}

// paceOf reads a stream's ?every= (streamQuery has checked it).
func paceOf(v string) time.Duration {
	if d, err := time.ParseDuration(v); err == nil && slices.Contains(streamPaces, d) {
		return d
	}
	return StreamEvery
}

// deltaHistory is how many deltas the collector keeps: a client a few
// snapshots behind is sent the deltas it missed, one further behind the
// whole snapshot.
const deltaHistory = 16

// frameCache holds the latest snapshot encoded, as JSON and as its SSE
// frame, so that a snapshot is encoded once however many clients read it.
// It keeps the one before too: the streams of a slower pace may still be
// sending it when the default pace's next comes, and two snapshots asked
// for in turn must not be encoded again at each turn (megabytes each at
// launch scale).
type frameCache struct {
	mu   sync.Mutex
	snap *engine.Snapshot
	enc  encoded
	// zipped is the JSON compressed, by coding, made on first use.
	zipped map[string][]byte
	// prev and prevEnc are the snapshot before snap, encoded.
	prev    *engine.Snapshot
	prevEnc encoded
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
	if c.prev == s {
		return c.prevEnc
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
	if c.snap != nil && s.Seq < c.snap.Seq {
		// An older one asked for late: kept beside the latest, not over it.
		c.prev, c.prevEnc = s, e
		return e
	}
	c.prev, c.prevEnc = c.snap, c.enc
	c.snap, c.enc, c.zipped = s, e, nil
	return e
}

// compressed is the JSON of snapshot s in coding, compressed once per
// snapshot for every client that asks; js is its JSON (from get).
func (c *frameCache) compressed(s *engine.Snapshot, js []byte, coding string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != s {
		// A newer snapshot came meanwhile: this answer is the last of s.
		return compress(coding, js)
	}
	if b, ok := c.zipped[coding]; ok {
		return b
	}
	b := compress(coding, js)
	if c.zipped == nil {
		c.zipped = map[string][]byte{}
	}
	c.zipped[coding] = b
	return b
}

// deltaCache holds the deltas between the snapshots the stream has sent,
// each computed once, as its SSE frame, however many clients read it.
type deltaCache struct {
	mu sync.Mutex
	// cur is the latest snapshot the cache has seen; curOK says whether
	// it was encoded whole (a delta from or to a snapshot with a sale
	// set aside would not give the same snapshot back).
	cur   *engine.Snapshot
	curOK bool
	// hist is the latest deltas, oldest first, each from its base to its seq.
	hist []deltaFrame
}

type deltaFrame struct {
	base, seq uint64
	frame     []byte
}

// path returns the delta frames that take a client holding snapshot from
// to snapshot s, computing the delta to s if s is new; nil when no chain
// of deltas does (the client is sent s whole). ok says s was encoded whole.
func (c *deltaCache) path(s *engine.Snapshot, ok bool, from uint64, log *slog.Logger) [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != s && (c.cur == nil || s.Seq > c.cur.Seq) {
		if c.cur != nil && c.curOK && ok {
			if f := deltaFrameOf(c.cur, s, log); f != nil {
				c.hist = append(c.hist, *f)
				if len(c.hist) > deltaHistory {
					c.hist = slices.Delete(c.hist, 0, len(c.hist)-deltaHistory)
				}
			}
		}
		c.cur, c.curOK = s, ok
	}
	var out [][]byte
	for at := from; at != s.Seq; {
		i := slices.IndexFunc(c.hist, func(f deltaFrame) bool { return f.base == at })
		if i < 0 || c.hist[i].seq > s.Seq {
			return nil
		}
		out = append(out, c.hist[i].frame)
		at = c.hist[i].seq
	}
	return out
}

// deltaFrameOf is the SSE frame of the delta from a to b, or nil when
// there is none (the snapshots differ in shape, or it cannot be encoded).
func deltaFrameOf(a, b *engine.Snapshot, log *slog.Logger) *deltaFrame {
	d, err := delta.Diff(a, b)
	if err != nil {
		if !errors.Is(err, delta.ErrShape) {
			log.Warn("stream: no delta; the next snapshot goes whole", "from", a.Seq, "to", b.Seq, "err", err)
		}
		return nil
	}
	js, err := json.Marshal(d)
	if err != nil {
		log.Warn("stream: the delta cannot be encoded; the next snapshot goes whole", "from", a.Seq, "to", b.Seq, "err", err)
		return nil
	}
	f := make([]byte, 0, len(js)+64)
	f = fmt.Appendf(f, "id: %d\nevent: %s\ndata: ", b.Seq, EventDelta)
	f = append(f, js...)
	return &deltaFrame{base: a.Seq, seq: b.Seq, frame: append(f, "\n\n"...)}
}

// stream is GET /api/v1/stream: Server-Sent Events carrying every new
// snapshot whole (event "snapshot", id = its sequence number), the id of
// every action that changes (event "action"), and a keepalive comment.
// A client that falls behind skips to the newest snapshot: it never sees
// an old one after a newer, and never holds up the engine or other clients.
//
// With ?deltas=1 the stream sends the first snapshot whole, then deltas
// (event "delta", app/delta), each naming the snapshot it applies on;
// a client that fell behind further than the deltas kept is sent the
// snapshot whole again. The stream is compressed (zstd or gzip) when the
// client accepts it, flushed after each event. README: Stream format.
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
	deltas := r.URL.Query().Get("deltas") == "1"
	p := s.paces[paceOf(r.URL.Query().Get("every"))]
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Add("Vary", "Accept-Encoding")
	var zw flushWriter
	if coding := negotiate(r.Header.Get("Accept-Encoding")); coding != "" {
		h.Set("Content-Encoding", coding)
		zw = newCompressor(coding, w)
		defer zw.Close()
	}
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a reverse proxy must not hold events back
	snaps, unsub := s.streamSubscribe(p)
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
		if zw != nil {
			// Each event is flushed through the compressor: a client
			// must not wait for the next one to read this one.
			if _, err := zw.Write(b); err != nil || zw.Flush() != nil {
				return false
			}
			return rc.Flush() == nil
		}
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// held is the snapshot a delta client holds, once holding.
	var held uint64
	holding := false
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
			if holding && snap.Seq <= held {
				continue // sent already (the first, then the pacer's)
			}
			e := s.frames.get(snap)
			if e.err != nil {
				// Nothing of this snapshot can be sent; the stream
				// stays open for the next one (and /healthz says why).
				s.opt.Logger.Error("stream: cannot encode the snapshot", "seq", snap.Seq, "err", e.err)
				continue
			}
			if deltas && holding {
				if path := p.deltas.path(snap, len(e.problems) == 0, held, s.opt.Logger); path != nil {
					for _, f := range path {
						if !write(f) {
							return
						}
					}
					held = snap.Seq
					sent++
					continue
				}
			} else if deltas {
				// The cache must know every snapshot a client starts from.
				p.deltas.path(snap, len(e.problems) == 0, snap.Seq, s.opt.Logger)
			}
			if !write(e.frame) {
				return
			}
			held, holding = snap.Seq, true
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

// streamSubscribe subscribes a stream to the engine's snapshots at pace
// p, starting with the latest (at a slower pace, the last it sent). One
// goroutine paces them for every stream on p, so that all see the same
// snapshots and each delta is computed once. The default pace reads the
// engine; a slower one reads the default's, sending the first snapshot
// at least its pace (less half the default's) after the last one sent: a
// subset of the default's snapshots, each sent the moment it comes. One
// that would come too soon waits, and is sent if no newer one came half
// the default pace after its pace's time (the engine gone quiet).
//
// A stream joining a slower pace starts from the last snapshot sent at it,
// not the engine's latest: the pace's deltas go on from that one, and a
// newer start would leave the streams already on the pace without a delta
// to the next (each would be sent it whole).
func (s *Server) streamSubscribe(p *pace) (<-chan *engine.Snapshot, func()) {
	p.once.Do(func() {
		if p.every == StreamEvery {
			src, unsub := s.opt.Engine.Subscribe()
			go s.paceEngine(p, src, unsub)
			return
		}
		src, unsub := s.streamSubscribe(s.paces[StreamEvery])
		go s.paceSlower(p, src, unsub)
	})
	first := s.opt.Engine.Snapshot()
	if sent := p.sent.Load(); sent != nil {
		first = sent
	}
	return p.out.Subscribe(first)
}

// paceEngine sends the engine's snapshots at StreamEvery at most, the
// newest of each wait.
func (s *Server) paceEngine(p *pace, src <-chan *engine.Snapshot, unsub func()) {
	defer unsub()
	var last time.Time
	for {
		var snap *engine.Snapshot
		select {
		case <-s.closing:
			return
		case snap = <-src:
		}
		if wait := p.every - time.Since(last); wait > 0 {
			t := time.NewTimer(wait)
			for waiting := true; waiting; {
				select {
				case <-s.closing:
					t.Stop()
					return
				case snap = <-src:
				case <-t.C:
					waiting = false
				}
			}
		}
		last = time.Now()
		p.out.Send(snap)
	}
}

// paceSlower sends the default pace's snapshots at p's pace.
func (s *Server) paceSlower(p *pace, src <-chan *engine.Snapshot, unsub func()) {
	defer unsub()
	var (
		last    time.Time
		pending *engine.Snapshot
		flush   = time.NewTimer(time.Hour)
	)
	flush.Stop()
	defer flush.Stop()
	send := func(snap *engine.Snapshot) {
		flush.Stop()
		last, pending = time.Now(), nil
		p.sent.Store(snap)
		p.out.Send(snap)
	}
	for {
		select {
		case <-s.closing:
			return
		case snap := <-src:
			// The default pace's next snapshot is due StreamEvery after
			// this one: half of it is the tolerance of a pace's time.
			if time.Since(last) >= p.every-StreamEvery/2 {
				send(snap)
				continue
			}
			if pending == nil {
				// Not at the pace's time itself: the default pace's next
				// snapshot comes then, and must win (the held one would
				// go out half a pace late, and so would every one after).
				flush.Reset(time.Until(last.Add(p.every + StreamEvery/2)))
			}
			pending = snap
		case <-flush.C:
			if pending != nil {
				send(pending)
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
