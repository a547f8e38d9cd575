package serve

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/metrics"
	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/lazada"
)

// POST /webhooks/lazada takes Lazada's push messages (DESIGN.md section 7:
// a public HTTPS endpoint, a signed body, a 200 within 500 ms). The
// signature, not a bearer token, says who sent it: hex(HMAC-SHA256(app_key
// + body, app_secret)) of the app of one of the configured Lazada channels.
// The handler only verifies, reads and queues: the order itself is read
// from the channel in the background (engine.QueueOrder), so a slow
// channel never slows the answer.
//
// Before it reads anything the handler checks how the push is sent
// (Content-Type: application/json), and after the signature the message's
// own timestamp: a message stamped further than lazada.PushWindow from this
// server's clock is refused, and one taken already within the window is
// acknowledged with a 200 (Lazada delivers again what got no 200) without
// reading the channel again.

// lazadaApp is one Lazada app (app key and secret) and the channels it
// reads: one app may serve a seller in several markets.
type lazadaApp struct {
	key, secret string
	channels    []lazadaChannel
}

type lazadaChannel struct{ id, market string }

// lazadaApps reads the app key and secret of every enabled Lazada channel,
// the way the collector reads them (environment, or keyring). An error
// names the channel and the variable, never a value.
func lazadaApps(cfg *config.Config, lookup config.Lookup) ([]*lazadaApp, error) {
	var apps []*lazadaApp
	for i := range cfg.Channels {
		ch := &cfg.Channels[i]
		if ch.Kind != datasources.KindLazada || !ch.IsEnabled() {
			continue
		}
		key, err := cfg.Secret(lookup, ch.ID, "app_key_env", ch.AppKeyEnv)
		if err != nil {
			return nil, err
		}
		secret, err := cfg.Secret(lookup, ch.ID, "app_secret_env", ch.AppSecretEnv)
		if err != nil {
			return nil, err
		}
		key = strings.TrimSpace(key)
		if key == "" || secret == "" {
			return nil, fmt.Errorf("%s: channel %s: app_key_env and app_secret_env are needed to verify Lazada's pushes", where(cfg), ch.ID)
		}
		c := lazadaChannel{id: ch.ID, market: strings.ToUpper(strings.TrimSpace(ch.Market))}
		i := slices.IndexFunc(apps, func(a *lazadaApp) bool { return a.key == key && a.secret == secret })
		if i < 0 {
			apps = append(apps, &lazadaApp{key: key, secret: secret})
			i = len(apps) - 1
		}
		apps[i].channels = append(apps[i].channels, c)
	}
	return apps, nil
}

// verify returns the app that signed body, or nil. Every app is checked,
// each in constant time, whichever matches.
func (s *Server) verifyLazada(body []byte, authorization string) *lazadaApp {
	var found *lazadaApp
	for _, a := range s.lazadaApps {
		if lazada.VerifyPush(a.key, a.secret, body, authorization) && found == nil {
			found = a
		}
	}
	return found
}

// channelsFor lists the app's channels in a market ("" or a channel
// without a market matches any).
func (a *lazadaApp) channelsFor(market string) []string {
	var out []string
	for _, c := range a.channels {
		if market == "" || c.market == "" || c.market == market {
			out = append(out, c.id)
		}
	}
	return out
}

// label is the channel a message from this app is counted under before
// its site is known: the app's only channel, or "unknown".
func (a *lazadaApp) label() string {
	if len(a.channels) == 1 {
		return a.channels[0].id
	}
	return metrics.WebhookUnknownChannel
}

// webhookAnswer is the body of a 200: Lazada reads only the status code.
type webhookAnswer struct {
	Status   string   `json:"status"`
	OrderID  string   `json:"order_id,omitempty"`
	Channels []string `json:"channels,omitempty"`
	Reason   string   `json:"reason,omitempty"`
}

func (s *Server) countWebhook(channel, result string) {
	if s.opt.Metrics != nil && s.opt.Metrics.Webhooks != nil {
		s.opt.Metrics.Webhooks.WithLabelValues(channel, result).Inc()
	}
}

// webhookTooLarge counts and logs a push refused for its size, before it
// is read (so before its signature is known).
func (s *Server) webhookTooLarge(r *http.Request) {
	s.countWebhook(metrics.WebhookUnknownChannel, metrics.WebhookMalformed)
	s.opt.Logger.Warn("webhook refused", "route", route(r), "status", http.StatusRequestEntityTooLarge,
		"why", fmt.Sprintf("a body of %d bytes, more than %d", r.ContentLength, lazada.MaxPushBody), "remote", r.RemoteAddr)
}

// pushContentType checks the Content-Type of a push: application/json,
// with a charset parameter only if it is UTF-8 (the body is read as JSON,
// which is UTF-8). A push without a Content-Type is refused too: Lazada's
// push documentation shows "Content-Type: application/json" on every
// message, and the simulator and our fixtures send it; a request without
// one is not Lazada's.
func pushContentType(h string) error {
	if strings.TrimSpace(h) == "" {
		return errors.New("the Content-Type header is missing: Lazada sends its push messages as application/json")
	}
	mt, params, err := mime.ParseMediaType(h)
	if err != nil {
		return fmt.Errorf("the Content-Type %q cannot be read (%v): Lazada sends its push messages as application/json", clipText(h), err)
	}
	if mt != "application/json" {
		return fmt.Errorf("the Content-Type is %s: Lazada sends its push messages as application/json", mt)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return fmt.Errorf("the charset is %q: a push message is JSON, in UTF-8", clipText(cs))
	}
	return nil
}

// pushKey is what the memory of pushes keys a message by: a hash of the
// app and of the signed body (two messages that differ in anything, even a
// trade_order_line_id, are two messages; Lazada treats them so).
func pushKey(app *lazadaApp, body []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(app.key))
	h.Write([]byte{0})
	h.Write(body)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// maxRememberedPushes bounds the memory of pushes taken within the replay
// window (about 8 MiB when full). More pushes than this in one window (far
// more than a channel's queue can read) and the oldest are forgotten
// early: a repeat of one of those is read again, and counted once all the
// same (ingest is idempotent).
const maxRememberedPushes = 1 << 16

// pushMemory remembers the pushes taken, each until the replay window
// around its own timestamp closes (a repeat after that is refused for its
// timestamp anyway), and never more than maxRememberedPushes of them. The
// zero value is ready to use.
type pushMemory struct {
	mu sync.Mutex
	// until maps a push to when it may be forgotten (Unix nanoseconds).
	until map[[sha256.Size]byte]int64
	// ring holds the pushes in the order they were taken: n of them from
	// head on, wrapping. It grows up to the bound, then the oldest goes.
	ring    []rememberedPush
	head, n int
	max     int // maxRememberedPushes when 0
}

type rememberedPush struct {
	key   [sha256.Size]byte
	until int64
}

// seen reports whether the push was taken already and is still
// remembered; if not, it remembers it until the given time. Checking and
// remembering are one step: of two copies arriving together, one is taken.
func (m *pushMemory) seen(key [sha256.Size]byte, until, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := now.UnixNano()
	if u, ok := m.until[key]; ok && u > n {
		return true
	}
	limit := m.max
	if limit <= 0 {
		limit = maxRememberedPushes
	}
	// Forget, oldest first, what has closed and what is over the bound.
	for m.n > 0 && (m.ring[m.head].until <= n || m.n >= limit) {
		m.forgetOldest()
	}
	if m.n == len(m.ring) { // full below the bound: grow
		grown := make([]rememberedPush, min(max(2*len(m.ring), 64), limit))
		for i := range m.n {
			grown[i] = m.ring[(m.head+i)%len(m.ring)]
		}
		m.ring, m.head = grown, 0
	}
	if m.until == nil {
		m.until = map[[sha256.Size]byte]int64{}
	}
	m.until[key] = until.UnixNano()
	m.ring[(m.head+m.n)%len(m.ring)] = rememberedPush{key: key, until: until.UnixNano()}
	m.n++
	return false
}

func (m *pushMemory) forgetOldest() {
	old := m.ring[m.head]
	if m.until[old.key] == old.until {
		delete(m.until, old.key)
	}
	m.ring[m.head] = rememberedPush{}
	m.head = (m.head + 1) % len(m.ring)
	m.n--
}

// len is how many pushes are remembered.
func (m *pushMemory) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.until)
}

func (s *Server) lazadaWebhook(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// Lazada posts to the callback URL as it is set on its console: a
	// query string there is a mistake, seen at once when the console
	// verifies the URL.
	if e := checkQuery(route(r), r.URL.RawQuery, nil); e != nil {
		s.countWebhook(metrics.WebhookUnknownChannel, metrics.WebhookMalformed)
		s.opt.Logger.Warn("webhook refused", "route", route(r), "status", http.StatusBadRequest, "why", e.message, "remote", r.RemoteAddr)
		writeQueryError(w, e)
		return
	}
	if err := pushContentType(r.Header.Get("Content-Type")); err != nil {
		s.countWebhook(metrics.WebhookUnknownChannel, metrics.WebhookMalformed)
		s.opt.Logger.Warn("webhook refused", "route", route(r), "status", http.StatusUnsupportedMediaType, "why", err.Error(), "remote", r.RemoteAddr)
		writeError(w, http.StatusUnsupportedMediaType, err.Error())
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.countWebhook(metrics.WebhookUnknownChannel, metrics.WebhookMalformed)
		s.opt.Logger.Warn("webhook refused", "route", route(r), "why", "reading the body: "+err.Error(), "remote", r.RemoteAddr)
		if !tooLarge(w, err) {
			writeError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		}
		return
	}
	auth := r.Header.Get("Authorization")
	var app *lazadaApp
	why := ""
	switch {
	case strings.TrimSpace(auth) == "":
		why = "the Authorization header is missing: Lazada signs every push with hex(HMAC-SHA256(app_key + body, app_secret))"
	case len(s.lazadaApps) == 0 || s.opt.Engine == nil:
		why = "no Lazada channel is configured here, so no push can be verified"
	default:
		if app = s.verifyLazada(body, auth); app == nil {
			why = "the Authorization header is not the signature of this body by the app of any Lazada channel configured here"
		}
	}
	if app == nil {
		s.countWebhook(metrics.WebhookUnknownChannel, metrics.WebhookForged)
		s.opt.Logger.Warn("webhook refused", "route", route(r), "status", http.StatusUnauthorized, "why", why, "remote", r.RemoteAddr, "bytes", len(body))
		writeError(w, http.StatusUnauthorized, why)
		return
	}
	p, err := lazada.ParsePush(body)
	if err != nil {
		s.countWebhook(app.label(), metrics.WebhookMalformed)
		s.opt.Logger.Warn("webhook malformed", "route", route(r), "channel", app.label(), "error", err.Error(), "remote", r.RemoteAddr)
		writeError(w, http.StatusBadRequest, "push message: "+err.Error())
		return
	}
	now := s.opt.Now()
	if err := p.CheckTime(now, lazada.PushWindow); err != nil {
		s.countWebhook(app.label(), metrics.WebhookStale)
		s.opt.Logger.Warn("webhook refused", "route", route(r), "status", http.StatusBadRequest, "channel", app.label(), "why", err.Error(), "remote", r.RemoteAddr)
		writeError(w, http.StatusBadRequest, "push message: "+err.Error())
		return
	}
	if s.pushes.seen(pushKey(app, body), p.Timestamp.Add(lazada.PushWindow), now) {
		s.countWebhook(app.label(), metrics.WebhookDuplicate)
		s.opt.Logger.Debug("webhook duplicate", "channel", app.label(), "message_type", p.MessageType, "timestamp", p.Timestamp, "remote", r.RemoteAddr)
		ans := webhookAnswer{Status: metrics.WebhookDuplicate, Reason: "this message was taken already: a repeated delivery is acknowledged, not read again"}
		if p.Order != nil {
			ans.OrderID = p.Order.ID
		}
		writeJSON(w, http.StatusOK, ans)
		return
	}
	if !p.NamesOrder() {
		s.countWebhook(app.label(), metrics.WebhookIgnored)
		s.opt.Logger.Debug("webhook ignored", "channel", app.label(), "message_type", p.MessageType, "site", p.Site)
		writeJSON(w, http.StatusOK, webhookAnswer{Status: metrics.WebhookIgnored, Reason: fmt.Sprintf("message_type %d is not a trade order (0) or reverse order (10) message", p.MessageType)})
		return
	}
	if strings.TrimSpace(p.Site) != "" && p.Market == "" {
		// A site named but not known: reading the order in every market of
		// the app would spend their call budgets on the wrong channels.
		s.countWebhook(app.label(), metrics.WebhookIgnored)
		s.opt.Logger.Info("webhook ignored: unknown site", "site", p.Site, "order", p.Order.ID)
		writeJSON(w, http.StatusOK, webhookAnswer{Status: metrics.WebhookIgnored, OrderID: p.Order.ID,
			Reason: fmt.Sprintf("site %q is not a Lazada market flashdeck knows", p.Site)})
		return
	}
	chans := app.channelsFor(p.Market)
	if len(chans) == 0 {
		s.countWebhook(app.label(), metrics.WebhookIgnored)
		s.opt.Logger.Info("webhook ignored: no channel here serves its site", "site", p.Site, "order", p.Order.ID)
		writeJSON(w, http.StatusOK, webhookAnswer{Status: metrics.WebhookIgnored, OrderID: p.Order.ID,
			Reason: fmt.Sprintf("site %q: no Lazada channel of this app serves that market here", p.Site)})
		return
	}
	ans := webhookAnswer{Status: metrics.WebhookAccepted, OrderID: p.Order.ID, Channels: chans}
	for _, ch := range chans {
		result := metrics.WebhookAccepted
		res, err := s.opt.Engine.QueueOrder(ch, p.Order.ID, p.Order.UpdatedAt)
		switch {
		case err != nil:
			result = metrics.WebhookIgnored
			s.opt.Logger.Info("webhook ignored", "channel", ch, "order", p.Order.ID, "error", err.Error())
		case res == engine.PushDropped:
			result = metrics.WebhookDropped
		}
		if len(chans) == 1 {
			ans.Status = result
		}
		s.countWebhook(ch, result)
		s.opt.Logger.Debug("webhook", "channel", ch, "order", p.Order.ID, "order_status", p.Order.Status,
			"result", result, "queue", res.String(), "duration", time.Since(start))
	}
	writeJSON(w, http.StatusOK, ans)
}
