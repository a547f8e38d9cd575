// Package remote is the desktop's side of a collector (`flashdeck serve`):
// it reads the collector's snapshot stream and acts through its API, so the
// same screens run against a collector elsewhere as against the engine in
// process. A war-room of desktops then makes one set of channel calls, and
// no laptop holds a channel credential.
//
// The collector itself appears in every snapshot as one more channel
// (CollectorID): while the stream is lost it is down, every figure is
// marked stale and keeps its age, and the client reconnects by itself.
package remote

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/delta"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/fanout"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/datasources/httpx"
)

// CollectorID is the id of the pseudo-channel that stands for the collector.
const CollectorID = "collector"

// CollectorKind is its kind, as the Channels view shows it.
const CollectorKind = "collector"

// Reconnection back-off: from the first to the longest wait.
const (
	firstWait = 500 * time.Millisecond
	maxWait   = 5 * time.Second
)

// actionTimeout bounds an action's answer: the collector itself allows
// three minutes for every channel and its read-back.
const actionTimeout = 4 * time.Minute

// Options configures a client.
type Options struct {
	// URL is the collector's base URL (http://host:port or https://…).
	URL string
	// Token is the bearer token (FLASHDECK_TOKEN).
	Token string
	// CAFile, when set, is a PEM file of the certificates that may sign the
	// collector's TLS certificate (a room's own CA or a self-signed one).
	CAFile string
	// IdleTimeout is how long a stream may stay silent before it counts as
	// lost; the collector's keepalive is far shorter. Default 30 s.
	IdleTimeout time.Duration
	// MaxBehind is how far behind the collector's stream the client may
	// fall (deltas waiting to be read, on a busy desktop) before it drops
	// them and opens the stream again for the snapshot whole. Default 10 s.
	MaxBehind time.Duration
	// StreamEvery, when set, asks the collector's stream for a slower pace
	// than its default (one of serve.StreamPaces(): 1s, 2s, 5s): a desktop
	// that redraws once a second need not decode and apply the deltas in
	// between.
	StreamEvery time.Duration
	Logger      *slog.Logger
	// Transport overrides the HTTP transport (tests).
	Transport http.RoundTripper
}

// Status is the state of the connection to the collector.
type Status struct {
	Connected bool
	// Since is when it was last connected or lost.
	Since time.Time
	// Err is why it was lost ("" while connected).
	Err string
}

// Client is a connection to one collector.
type Client struct {
	opt    Options
	host   string
	api    *resty.Client // reads: retried
	act    *resty.Client // actions: sent once, never retried
	stream *resty.Client // the stream: no timeout

	snap atomic.Pointer[engine.Snapshot]

	mu        sync.Mutex
	snaps     fanout.Fanout[*engine.Snapshot]
	acts      fanout.Fanout[string]
	onConnect []func(actions.User)
	// held is the collector's last snapshot as it sent it (without the
	// collector's own channel): deltas apply on it, and a lost collector
	// is shown from it. lastAt is when it arrived.
	held   *engine.Snapshot
	lastAt time.Time
	// lostData is lostOf (a snapshot held) as JSON, for lostSnapshot.
	lostOf   *engine.Snapshot
	lostData []byte
	status   Status
	user     actions.User
	flags    map[string][]rules.Flag
	received atomic.Uint64
	// paceRefused is set once the collector refused StreamEvery (a
	// collector from before paces, or a pace it does not offer): the
	// stream is then read at its default pace.
	paceRefused atomic.Bool
	losses      atomic.Uint64
	resyncs     atomic.Uint64
	// audit is the collector's audit trail as last read, newest first:
	// List filters it here, so the screens never wait on the network.
	audit     []actions.Action
	auditKick chan struct{}
}

// New checks the options and makes a client; Run connects it.
func New(o Options) (*Client, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--remote %q: not a collector URL (e.g. https://collector.example:9464)", o.URL)
	}
	if u.User != nil || u.RawQuery != "" {
		// Not repeated: a token or password in the URL would land in the
		// terminal, the shell's history's neighbours and any log.
		return nil, fmt.Errorf("--remote %s://%s: the URL carries a user, password or query (not repeated here): give the collector's base URL alone and the token in FLASHDECK_TOKEN", u.Scheme, u.Host)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("--remote %q: give the collector's base URL, without a path", o.URL)
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 30 * time.Second
	}
	if o.MaxBehind <= 0 {
		o.MaxBehind = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Transport == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if o.CAFile != "" {
			pem, err := os.ReadFile(o.CAFile)
			if err != nil {
				return nil, fmt.Errorf("--remote-ca: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("--remote-ca %s: no PEM certificate in the file", o.CAFile)
			}
			tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
		o.Transport = tr
	}
	o.Transport = decoding{next: o.Transport}
	base := strings.TrimRight(u.String(), "/")
	hopt := httpx.Options{BaseURL: base, Transport: o.Transport, UserAgent: "flashdeck-desktop"}
	c := &Client{
		opt: o, host: u.Host,
		api:   httpx.ReadClient(hopt),
		snaps: fanout.Fanout[*engine.Snapshot]{Buffer: 1, Latest: true},
		acts:  fanout.Fanout[string]{Buffer: 64},
		flags: map[string][]rules.Flag{},
		// One refresh of the audit trail waiting at most: a burst of
		// action events makes one read.
		auditKick: make(chan struct{}, 1),
		user:      actions.User{Name: "?", Role: config.RoleViewer},
	}
	hopt.Timeout = actionTimeout
	c.act = httpx.ActionClient(hopt)
	c.stream = resty.New().SetTransport(o.Transport).SetBaseURL(base).SetHeader("User-Agent", "flashdeck-desktop")
	for _, r := range []*resty.Client{c.api, c.act, c.stream} {
		if o.Token != "" {
			r.SetAuthToken(o.Token)
		}
	}
	c.status = Status{Since: time.Now(), Err: o.URL + ": not connected yet"}
	c.snap.Store(c.lostSnapshot(time.Now()))
	return c, nil
}

// URL is the collector's base URL.
func (c *Client) URL() string { return c.opt.URL }

// Host is the collector's host:port, as titles show it.
func (c *Client) Host() string { return c.host }

// User is who the collector says the token belongs to (a viewer named "?"
// until it has answered).
func (c *Client) User() actions.User {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user
}

// Status is the state of the connection.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

// Received counts the snapshots read from the stream.
func (c *Client) Received() uint64 { return c.received.Load() }

// Losses counts the times a connected stream was lost.
func (c *Client) Losses() uint64 { return c.losses.Load() }

// Resyncs counts the times a delta did not apply on the snapshot held (one
// was missed) and the stream was opened again for the snapshot whole.
func (c *Client) Resyncs() uint64 { return c.resyncs.Load() }

// errResync ends a stream whose deltas no longer apply: Run opens it again
// at once, for the snapshot whole, without counting the collector lost.
var errResync = errors.New("a delta was missed")

// OnConnect registers fn to be called, off the caller's goroutine, with the
// token's user each time the stream (re)connects.
func (c *Client) OnConnect(fn func(actions.User)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onConnect = append(c.onConnect, fn)
	if c.status.Connected {
		// Connected before the caller registered: it must hear of it too.
		go fn(c.user)
	}
}

// WhoAmI asks the collector whose token this is.
func (c *Client) WhoAmI(ctx context.Context) (actions.User, error) {
	var who struct{ Name, Role string }
	if err := c.get(ctx, "/api/v1/whoami", nil, &who); err != nil {
		return actions.User{}, err
	}
	if who.Role != config.RoleOperator && who.Role != config.RoleViewer {
		return actions.User{}, fmt.Errorf("%s/api/v1/whoami: unknown role %q", c.opt.URL, who.Role)
	}
	u := actions.User{Name: who.Name, Role: who.Role}
	c.mu.Lock()
	c.user = u
	c.mu.Unlock()
	return u, nil
}

// Snapshot is the latest snapshot (never nil).
func (c *Client) Snapshot() *engine.Snapshot { return c.snap.Load() }

// RefreshEvery is how often the screens need to show a new snapshot: once
// a second: the figures it shows are a poll old at best, and the
// collector publishes several times a second at launch scale;
// the client itself takes every snapshot as it comes.
func (c *Client) RefreshEvery() time.Duration { return time.Second }

// Subscribe returns a channel that receives each new snapshot, as
// engine.Engine.Subscribe does: a slow reader skips to the newest.
func (c *Client) Subscribe() (<-chan *engine.Snapshot, func()) {
	return c.snaps.Subscribe(c.Snapshot())
}

// SubscribeActions returns a channel that receives the id of every action
// the collector reports changed, as actions.Service.Subscribe does.
func (c *Client) SubscribeActions() (<-chan string, func()) { return c.acts.Subscribe() }

func (c *Client) publish(s *engine.Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.publishLocked(s)
}

// publishLost publishes the lost snapshot, unless the stream connected
// meanwhile: a stale "collector down" must never follow a live snapshot.
func (c *Client) publishLost() {
	c.mu.Lock()
	up := c.status.Connected
	c.mu.Unlock()
	if up {
		// Nothing to show, and nothing to build: a lost snapshot is a
		// copy of the whole last one (megabytes at launch scale), which
		// a connected desktop must not make every second.
		return
	}
	s := c.lostSnapshot(time.Now())
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.status.Connected {
		c.publishLocked(s)
	}
}

func (c *Client) publishLocked(s *engine.Snapshot) {
	c.snap.Store(s)
	c.snaps.Send(s)
}

// Run keeps the stream connected until ctx ends: it reconnects with a
// growing, jittered wait (0.5 s to 5 s), and while it is lost publishes the
// last snapshot every second with the collector down and every figure stale.
func (c *Client) Run(ctx context.Context) {
	lostTick := time.NewTicker(time.Second)
	defer lostTick.Stop()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-lostTick.C:
				c.publishLost()
			}
		}
	}()
	go c.auditLoop(ctx)
	wait := firstWait
	for ctx.Err() == nil {
		got, err := c.streamOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errResync) {
			c.resyncs.Add(1)
			c.opt.Logger.Info("collector stream resynchronised", "url", c.opt.URL, "why", err)
			continue
		}
		c.lose(err)
		if got > 0 {
			wait = firstWait
		}
		// Jitter keeps a room of desktops from reconnecting in step after
		// the collector restarts.
		d := wait/2 + rand.N(wait/2+1)
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
		wait = min(wait*2, maxWait)
	}
}

// lose records the stream as lost and shows it at once.
func (c *Client) lose(err error) {
	c.mu.Lock()
	was := c.status.Connected
	since := c.status.Since // still lost, or never connected: since then
	if was {
		since = time.Now()
	}
	c.status = Status{Since: since, Err: err.Error()}
	c.mu.Unlock()
	if was {
		c.losses.Add(1)
		c.opt.Logger.Warn("collector lost", "url", c.opt.URL, "err", err)
	} else {
		c.opt.Logger.Debug("collector still unreachable", "url", c.opt.URL, "err", err)
	}
	c.publishLost()
}

// streamOnce reads one connection of the stream until it fails, and returns
// how many snapshots it delivered.
func (c *Client) streamOnce(ctx context.Context) (int, error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The watchdog: a stream silent for IdleTimeout is a lost stream, even
	// when no TCP error says so (a collector frozen, a network cut).
	var idle atomic.Bool
	dog := time.AfterFunc(c.opt.IdleTimeout, func() { idle.Store(true); cancel() })
	defer dog.Stop()
	alive := func() { dog.Reset(c.opt.IdleTimeout) }

	// Deltas after the first snapshot, at the pace asked for (README:
	// Stream format).
	open := func(paced bool) (*resty.Response, error) {
		req := c.stream.R().SetContext(sctx).SetDoNotParseResponse(true).
			SetHeader("Accept", "text/event-stream").SetQueryParam("deltas", "1")
		if paced {
			req.SetQueryParam("every", c.opt.StreamEvery.String())
		}
		return req.Get("/api/v1/stream")
	}
	paced := c.opt.StreamEvery > 0 && !c.paceRefused.Load()
	res, err := open(paced)
	if err != nil {
		return 0, c.transportError(err, idle.Load())
	}
	if paced && res.StatusCode() == http.StatusBadRequest {
		b, _ := io.ReadAll(io.LimitReader(res.RawBody(), 4<<10))
		res.RawBody().Close()
		if !bytes.Contains(b, []byte(`every`)) {
			return 0, c.statusError("/api/v1/stream", res.StatusCode(), b)
		}
		// The pace only spares this desktop work: a collector that does
		// not offer it is read at its default pace rather than not at all.
		c.paceRefused.Store(true)
		c.opt.Logger.Warn("the collector does not send its stream at this pace: reading it at its default", "every", c.opt.StreamEvery, "answer", strings.TrimSpace(string(b)))
		if res, err = open(false); err != nil {
			return 0, c.transportError(err, idle.Load())
		}
	}
	body := res.RawBody()
	defer body.Close()
	if res.StatusCode() != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(body, 4<<10))
		return 0, c.statusError("/api/v1/stream", res.StatusCode(), b)
	}
	// Who the token belongs to can change with the collector's config:
	// ask again on every connection.
	u, err := c.WhoAmI(sctx)
	if err != nil {
		return 0, err
	}
	r := newSSEReader(body, MaxEvent)
	got := 0
	// How long after its making a snapshot arrives: the least seen is the
	// network and the two clocks' difference; more than MaxBehind beyond
	// it is a backlog of deltas the desktop could not keep up with.
	var least time.Duration
	behind := func(wall time.Time) time.Duration {
		d := time.Since(wall)
		if got == 0 || d < least {
			least = d
		}
		return d - least
	}
	for {
		ev, err := r.Next(alive)
		if err != nil {
			if ctx.Err() != nil {
				return got, ctx.Err()
			}
			if errors.Is(err, ErrEventTooLarge) {
				return got, fmt.Errorf("%s/api/v1/stream: an event over %d MB", c.opt.URL, MaxEvent>>20)
			}
			return got, c.transportError(err, idle.Load())
		}
		alive()
		switch ev.Name {
		case "snapshot", "delta":
			var s *engine.Snapshot
			if ev.Name == "snapshot" {
				s, err = c.decode(ev.Data, time.Now())
				if err == nil {
					behind(s.Wall)
				}
			} else {
				s, err = c.applyDelta(ev.Data, time.Now(), behind)
			}
			if errors.Is(err, errSkip) {
				continue
			}
			if err != nil {
				if errors.Is(err, errResync) {
					return got, err
				}
				return got, fmt.Errorf("%s/api/v1/stream: %s cannot be read: %w", c.opt.URL, ev, err)
			}
			if got == 0 {
				c.connected(u, s)
			} else {
				c.publish(s)
			}
			got++
			c.received.Add(1)
		case "action":
			var a struct{ ID string }
			if json.Unmarshal(ev.Data, &a) == nil && a.ID != "" {
				c.kickAudit()
			}
		default:
			// Events of a newer collector are ignored.
		}
	}
}

// connected marks the stream connected and publishes its first snapshot
// in one step, so that no lost snapshot can come between them.
func (c *Client) connected(u actions.User, first *engine.Snapshot) {
	c.mu.Lock()
	was := c.status
	c.status = Status{Connected: true, Since: time.Now()}
	c.publishLocked(first)
	hooks := append([]func(actions.User){}, c.onConnect...)
	c.mu.Unlock()
	c.opt.Logger.Info("collector connected", "url", c.opt.URL, "user", u.Name, "role", u.Role, "was", was.Err)
	for _, fn := range hooks {
		go fn(u)
	}
	// The audit trail may have changed while the stream was lost.
	c.kickAudit()
}

// kickAudit asks for the audit trail to be read again.
func (c *Client) kickAudit() {
	select {
	case c.auditKick <- struct{}{}:
	default: // one is waiting already
	}
}

// auditLimit is how much of the audit trail the client keeps: more than
// the screens show (500).
const auditLimit = 2000

// auditLoop reads the audit trail whenever it is asked to, then tells the
// screens, until ctx ends.
func (c *Client) auditLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.auditKick:
		}
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		var out struct {
			Actions []actions.Action `json:"actions"`
		}
		err := c.get(rctx, "/api/v1/audit", url.Values{"limit": {strconv.Itoa(auditLimit)}}, &out)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				c.opt.Logger.Warn("audit trail not read; keeping the last one", "err", err)
			}
			continue
		}
		c.mu.Lock()
		c.audit = fresher(out.Actions, c.audit)
		c.mu.Unlock()
		c.notifyAction("")
	}
}

// fresher is the audit trail read, with each action the client holds a
// later state of kept at that state: a read that began while an action
// was still under way (an action event kicks it) must not undo the final
// answer that remember put in meanwhile. Actions held that the read does
// not have, and that are not older than its newest, were created after it
// began: they are kept too.
func fresher(read, held []actions.Action) []actions.Action {
	at := make(map[string]int, len(read))
	for i, a := range read {
		at[a.ID] = i
	}
	var newest time.Time
	if len(read) > 0 {
		newest = read[0].CreatedAt
	}
	var created []actions.Action
	for _, h := range held {
		i, ok := at[h.ID]
		switch {
		case ok && h.UpdatedAt.After(read[i].UpdatedAt):
			read[i] = h
		case !ok && !h.CreatedAt.Before(newest):
			created = append(created, h)
		}
	}
	return append(created, read...)
}

// remember puts an action the collector answered into the audit trail
// kept here, so the screens show it before the next read.
func (c *Client) remember(a actions.Action) {
	if a.ID == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.audit {
		if c.audit[i].ID == a.ID {
			c.audit[i] = a
			return
		}
	}
	c.audit = append([]actions.Action{a}, c.audit...)
}

func (c *Client) notifyAction(id string) { c.acts.Send(id) }

// decode reads a snapshot, holds it, and returns it with the collector,
// up, among its channels.
func (c *Client) decode(data []byte, at time.Time) (*engine.Snapshot, error) {
	var s engine.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	if s.Wall.IsZero() {
		return nil, errors.New("no wall time: not a snapshot")
	}
	return c.hold(&s, at), nil
}

// errSkip is a delta to a snapshot already held (sent twice): nothing to do.
var errSkip = errors.New("a delta to a snapshot already held")

// applyDelta applies a delta to the snapshot held: what it makes is held
// and returned as decode's is. A delta on another snapshot than the one
// held means one was missed, and one that comes too late (behind) a
// backlog: errResync, either way.
func (c *Client) applyDelta(data []byte, at time.Time, behind func(time.Time) time.Duration) (*engine.Snapshot, error) {
	d, err := delta.Decode(data)
	if err != nil {
		return nil, err
	}
	if late := behind(d.Wall); late > c.opt.MaxBehind {
		return nil, fmt.Errorf("%w: %s behind the collector's stream", errResync, late.Round(time.Second))
	}
	c.mu.Lock()
	held := c.held
	c.mu.Unlock()
	if held == nil {
		return nil, fmt.Errorf("%w: delta %d before any snapshot", errResync, d.Seq)
	}
	if d.Seq <= held.Seq {
		return nil, errSkip
	}
	s, err := delta.Apply(held, d)
	var be *delta.BaseError
	if errors.As(err, &be) {
		return nil, fmt.Errorf("%w: %v", errResync, err)
	}
	if err != nil {
		return nil, err
	}
	return c.hold(s, at), nil
}

// hold keeps s as the collector sent it, and returns a copy of it with the
// collector, up, among its channels (s itself is never changed: deltas
// apply on it).
func (c *Client) hold(s *engine.Snapshot, at time.Time) *engine.Snapshot {
	c.mu.Lock()
	c.held, c.lastAt = s, at
	c.mu.Unlock()
	pub := *s
	c.addCollector(&pub, engine.ChannelSnap{State: engine.StateOK, LastSuccess: at, Latency: max(at.Sub(s.Wall), 0)})
	return &pub
}

func (c *Client) addCollector(s *engine.Snapshot, cs engine.ChannelSnap) {
	cs.ID, cs.Kind = CollectorID, CollectorKind
	cs.Name = "Collector " + c.host
	// The collector publishes about once a second: three seconds without
	// news turns its age red, as three missed polls do for a channel.
	cs.PollInterval = time.Second
	cs.Old = engine.OldAt(cs.LastSuccess, s.Wall, cs.PollInterval)
	for _, ch := range s.Channels {
		cs.Orders += ch.Orders
	}
	s.Channels = append([]engine.ChannelSnap{cs}, s.Channels...)
}

// lostSnapshot is the last snapshot as it stands with the collector lost:
// the same figures with their real ages, all marked stale, and the
// collector down, so that the screens say so as they do for a down channel.
func (c *Client) lostSnapshot(now time.Time) *engine.Snapshot {
	c.mu.Lock()
	held, lastAt, st := c.held, c.lastAt, c.status
	c.mu.Unlock()
	var s engine.Snapshot
	if held != nil {
		// A fresh copy: the screens may still hold the last one, and
		// deltas apply on the one held.
		_ = json.Unmarshal(c.heldJSON(held), &s)
	}
	if !s.At.IsZero() && !s.Wall.IsZero() {
		s.At = s.At.Add(now.Sub(s.Wall))
	} else {
		s.At = now
	}
	s.Wall = now
	markStale(&s)
	s.MarkOld()
	down := st.Since
	if down.IsZero() {
		down = now
	}
	// What the channels are doing now is not known: the last word was the
	// collector's. None is shown OK on news that old.
	for i := range s.Channels {
		ch := &s.Channels[i]
		if ch.State == engine.StateDisabled {
			continue
		}
		was := strings.ToUpper(ch.State)
		if ch.State != engine.StateOK && ch.LastError != "" {
			was += ": " + ch.LastError
		}
		ch.LastError, ch.LastErrorAt = "not known while the collector is lost (it was "+was+")", down
		if ch.State == engine.StateOK {
			ch.State = engine.StateDegraded // a worse state is kept
		}
	}
	c.addCollector(&s, engine.ChannelSnap{
		State: engine.StateDown, LastSuccess: lastAt, LastError: st.Err, // it names the collector's URL
		LastErrorAt: now, DownSince: down,
	})
	return &s
}

// heldJSON is the snapshot held as JSON, made once for each snapshot held:
// while the collector is lost it is read again every second.
func (c *Client) heldJSON(held *engine.Snapshot) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lostOf != held {
		c.lostOf, c.lostData = held, nil
		if b, err := json.Marshal(held); err == nil {
			c.lostData = b
		}
	}
	return c.lostData
}

// markStale marks every figure of a snapshot stale: nothing in it is being
// kept up to date while the collector is lost.
func markStale(s *engine.Snapshot) {
	for i := range s.Sales {
		sl := &s.Sales[i]
		sl.Stale = true
		for j := range sl.Channels {
			sl.Channels[j].Stale = true
		}
		for j := range sl.SKUs {
			sku := &sl.SKUs[j]
			sku.Stale = true
			for k := range sku.Channels {
				sku.Channels[k].Stale = true
			}
		}
	}
}

// transportError names a failed connection in the words a room needs.
func (c *Client) transportError(err error, idle bool) error {
	if idle {
		return fmt.Errorf("%s: the stream was silent for %s", c.opt.URL, c.opt.IdleTimeout)
	}
	return fmt.Errorf("%s: %w", c.opt.URL, err)
}

// apiError is an error answer of the collector. It unwraps to the actions
// error it stands for, so the screens treat it as they treat a local one.
type apiError struct {
	Status  int
	Message string
	kind    error
}

func (e *apiError) Error() string { return e.Message }
func (e *apiError) Unwrap() error { return e.kind }

// RefusedError is the collector refusing the token (401).
type RefusedError struct{ URL string }

func (e *RefusedError) Error() string {
	return e.URL + " refused the token (401): set FLASHDECK_TOKEN to the token of one of its users"
}

func (c *Client) statusError(path string, status int, body []byte) error {
	var env struct {
		Error struct {
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	msg := ""
	if json.Unmarshal(body, &env) == nil && env.Error.Message != "" {
		msg = env.Error.Message
	} else {
		msg = httpx.Snippet(body)
	}
	switch status {
	case http.StatusBadRequest:
		if env.Error.Field != "" {
			return &actions.InvalidError{Field: env.Error.Field, Message: strings.TrimPrefix(msg, env.Error.Field+": ")}
		}
	case http.StatusUnauthorized:
		return &RefusedError{URL: c.opt.URL}
	case http.StatusForbidden:
		return &apiError{status, msg, actions.ErrForbidden}
	case http.StatusNotFound:
		return &apiError{status, msg, actions.ErrNotFound}
	case http.StatusConflict:
		return &apiError{status, msg, actions.ErrBusy}
	case http.StatusUnprocessableEntity:
		return &apiError{status, msg, actions.ErrKeyReused}
	}
	return &apiError{Status: status, Message: fmt.Sprintf("%s%s: %d %s: %s", c.opt.URL, path, status, http.StatusText(status), msg)}
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	req := c.api.R().SetContext(ctx)
	if q != nil {
		req.SetQueryParamsFromValues(q)
	}
	res, err := req.Get(path)
	return c.answer(path, res, err, out)
}

func (c *Client) post(ctx context.Context, path string, body, out any) error {
	res, err := c.act.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetBody(body).Post(path)
	return c.answer(path, res, err, out)
}

func (c *Client) answer(path string, res *resty.Response, err error, out any) error {
	if err != nil {
		return fmt.Errorf("%s%s: %w", c.opt.URL, path, err)
	}
	if res.StatusCode() != http.StatusOK {
		return c.statusError(path, res.StatusCode(), res.Body())
	}
	if err := json.Unmarshal(res.Body(), out); err != nil {
		return fmt.Errorf("%s%s: the answer is not what a collector sends: %w (%s)", c.opt.URL, path, err, httpx.Snippet(res.Body()))
	}
	return nil
}

// Flags returns the flagged orders of a sale ("" for every sale). When the
// collector cannot be reached it returns the last list it gave.
func (c *Client) Flags(sale string) []rules.Flag {
	fl, _ := c.FetchFlags(sale)
	return fl
}

// FetchFlags reads the flagged orders of a sale from the collector; on
// failure it returns the last list it read, and the error.
func (c *Client) FetchFlags(sale string) ([]rules.Flag, error) {
	var out struct {
		Flags []rules.Flag `json:"flags"`
	}
	q := url.Values{}
	if sale != "" {
		q.Set("sale", sale)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.get(ctx, "/api/v1/flags", q, &out); err != nil {
		c.opt.Logger.Warn("flags: keeping the last list", "err", err)
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.flags[sale], err
	}
	c.mu.Lock()
	c.flags[sale] = out.Flags
	c.mu.Unlock()
	return out.Flags, nil
}

// Plan asks the collector what an action would do, without doing it.
func (c *Client) Plan(req actions.Request) (actions.Action, error) {
	var a actions.Action
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := c.post(ctx, "/api/v1/actions/plan", req, &a)
	return a, err
}

// Submit carries out an action through the collector. The user is the
// token's: the collector decides who acts, never the desktop. A request
// that got no answer is not sent again here: its idempotency key makes a
// retry safe, and the audit trail shows whether it was carried out.
func (c *Client) Submit(ctx context.Context, _ actions.User, req actions.Request) (actions.Action, error) {
	var a actions.Action
	err := c.post(ctx, "/api/v1/actions", req, &a)
	if err != nil && !isAnswer(err) {
		err = fmt.Errorf("%w; the action may have been carried out: see its key %s in the audit trail before sending it again", err, req.IdempotencyKey)
	}
	if err == nil {
		c.remember(a)
	}
	return a, err
}

// isAnswer reports whether the collector answered the request for itself
// (a 4xx): a 5xx may come from a proxy that gave up while the action ran.
func isAnswer(err error) bool {
	var ae *apiError
	var ie *actions.InvalidError
	var re *RefusedError
	return errors.As(err, &ae) && ae.Status < 500 || errors.As(err, &ie) || errors.As(err, &re)
}

// Retry sends an action again to the channels where it failed.
func (c *Client) Retry(ctx context.Context, _ actions.User, id string) (actions.Action, error) {
	var a actions.Action
	err := c.post(ctx, "/api/v1/actions/"+url.PathEscape(id)+"/retry", struct{}{}, &a)
	if err == nil {
		c.remember(a)
	}
	return a, err
}

// ConfirmManual records that a manual step was done by hand.
func (c *Client) ConfirmManual(_ actions.User, id, channel string) (actions.Action, error) {
	var a actions.Action
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := c.post(ctx, "/api/v1/actions/"+url.PathEscape(id)+"/confirm", map[string]string{"channel": channel}, &a)
	if err == nil {
		c.remember(a)
	}
	return a, err
}

// List filters the audit trail as last read from the collector (kept up to
// date by the stream's action events): it never waits on the network, so
// the screens can call it on the UI goroutine.
func (c *Client) List(f actions.Filter) ([]actions.Action, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []actions.Action{}
	for i := range c.audit {
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
		if f.Match(&c.audit[i]) {
			out = append(out, c.audit[i])
		}
	}
	return out, nil
}
