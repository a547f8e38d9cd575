package actions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/fanout"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/app/text"
	"github.com/flashdeck/flashdeck/datasources"
)

// Engine is what the actions need from the engine: the sales as they
// stand, and the changes an applied action makes to what it counts.
type Engine interface {
	SaleInfo(id string) (engine.SaleInfo, bool)
	SetChannelEnd(sale, channel string, end time.Time) error
	SetChannelPaused(sale, channel string, paused bool) error
	ReviewFlag(sale, channel, orderID, by, note string) (rules.Flag, error)
	FlagChannels(sale, orderID string) []string
	// Remaining is what remains of a SKU's allocation on a channel.
	Remaining(sale, channel, sku string) (int, bool)
	// NoteStock takes a channel's stock read back after an action as
	// its latest stock reading.
	NoteStock(channel string, readings []datasources.StockReading)
}

// Options configures a Service.
type Options struct {
	// Store keeps the audit trail, in the application's database.
	Store  *store.Store
	Engine Engine
	// Now is the sale clock (extensions are in sale time); time.Now by default.
	Now func() time.Time
	// Timeout bounds one channel's request (with the reads it needs
	// first), and again its read-back, for a sale of up to one batch of
	// SKUs (default 30 s); each further batch of 50 SKUs adds PerBatch.
	Timeout time.Duration
	// PerBatch is the time a channel's part of an action gets for every
	// further 50 SKUs (default 3 s): a 1,400-SKU pause on Lazada is 28
	// reads, 28 updates and 28 read-backs, each waiting its turn in the
	// channel's call budget and through any ban.
	PerBatch time.Duration
	// ReconcileEvery is how often results left unknown are read back
	// again (default 15 s).
	ReconcileEvery time.Duration
	// OnResult is called each time a channel reaches a result other than
	// pending (the flashdeck_actions_total counter).
	OnResult func(kind Kind, channel string, r Result)
	Logger   *slog.Logger
}

// Service carries out actions and keeps their audit trail.
type Service struct {
	opt   Options
	audit *audit

	// mu serialises the check of an idempotency key with the creation of
	// its record, and guards running.
	mu      sync.Mutex
	running map[string]bool // action id → a goroutine is working on it

	// subs hands out the ids of actions that change.
	subs fanout.Fanout[string]
}

// New opens the audit trail and returns a service. Call Recover before
// taking requests after a restart.
func New(o Options) (*Service, error) {
	if o.Engine == nil || o.Store == nil {
		return nil, errors.New("actions: Store and Engine are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.PerBatch <= 0 {
		o.PerBatch = 3 * time.Second
	}
	if o.ReconcileEvery <= 0 {
		o.ReconcileEvery = 15 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{opt: o, audit: openAudit(o.Store), running: map[string]bool{}, subs: fanout.Fanout[string]{Buffer: 64}}, nil
}

// Subscribe returns a channel that receives the id of every action that
// changes. Slow readers miss ids, never block the service: read the audit
// trail again on the next one.
func (s *Service) Subscribe() (<-chan string, func()) { return s.subs.Subscribe() }

func (s *Service) notify(id string) { s.subs.Send(id) }

// Get returns an action by id.
func (s *Service) Get(id string) (Action, error) { return s.audit.get(id) }

// List returns the actions that pass the filter, newest first.
func (s *Service) List(f Filter) ([]Action, error) {
	var out []Action
	err := s.audit.each(func(a *Action) bool {
		if f.Match(a) {
			out = append(out, *a)
		}
		return f.Limit <= 0 || len(out) < f.Limit
	})
	return out, err
}

// target is one channel an action will act on, resolved.
type target struct {
	ch     engine.SaleChannelInfo
	ctl    datasources.Controller // nil: a manual step
	manual bool
}

// plan is a request resolved against the sale: the channels, the
// extension's end, and the effect per channel in words.
type plan struct {
	req     Request
	sale    engine.SaleInfo
	targets []target
	until   time.Time
	// asked is the end asked for when until is it rounded up to the minute.
	asked time.Time
	// units is what cap_stock caps the SKU at.
	units   *int
	summary text.Text
	effects []text.Text
}

// Plan resolves a request without acting: what the confirmation dialog
// shows. The error names the field that is wrong.
func (s *Service) Plan(req Request) (Action, error) {
	p, err := s.plan(req)
	if err != nil {
		return Action{}, err
	}
	return p.action(User{}, s.opt.Now()), nil
}

func (s *Service) plan(req Request) (*plan, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	si, ok := s.opt.Engine.SaleInfo(req.Sale)
	if !ok {
		return nil, invalid("sale", "no sale %q in the configuration", req.Sale)
	}
	p := &plan{req: req, sale: si}
	names := s.channelsMeant(req, si)
	if len(req.Channels) == 0 && (req.Kind == CancelOrder || req.Kind == ReviewOrder) {
		switch len(names) {
		case 0:
			return nil, invalid("order_id", "order %s is not a flagged order of %s; name its channel in channels", req.OrderID, req.Sale)
		case 1:
		default:
			return nil, invalid("channels", "order id %s is flagged on %s; name one", req.OrderID, strings.Join(names, " and "))
		}
	}
	for _, id := range names {
		c, ok := si.Channel(id)
		if !ok {
			return nil, invalid("channels", "%q is not a channel of %s", id, si.Name)
		}
		if c.Source == nil {
			return nil, invalid("channels", "%s is closed (not polled); nothing to act on there", c.Name)
		}
		if slices.ContainsFunc(p.targets, func(t target) bool { return t.ch.ID == id }) {
			return nil, invalid("channels", "%s is named twice", id)
		}
		if req.Kind == CapStock && !slices.Contains(c.SKUs, req.SKU) {
			return nil, invalid("sku", "%q is not a SKU of %s on %s", req.SKU, si.Name, c.Name)
		}
		p.targets = append(p.targets, targetFor(c, req.Kind, req.SKU))
	}
	if req.Kind == CapStock {
		n, ok := s.opt.Engine.Remaining(req.Sale, p.targets[0].ch.ID, req.SKU)
		if !ok {
			return nil, invalid("sku", "no figures for %s on %s yet", req.SKU, p.targets[0].ch.Name)
		}
		p.units = &n
	}
	if len(p.targets) == 0 {
		return nil, invalid("channels", "%s runs on no open channel", si.Name)
	}
	if req.Kind == Extend {
		if err := p.resolveUntil(s.opt.Now()); err != nil {
			return nil, err
		}
	}
	p.describe()
	return p, nil
}

// targetFor is how an action of kind k reaches a channel: through its
// API when it has one for k, else as a manual step (a review touches no
// channel at all).
func targetFor(c engine.SaleChannelInfo, k Kind, sku string) target {
	if k == CapStock {
		// One SKU is capped: its reads and its request name it alone.
		c.SKUs = []string{sku}
	}
	t := target{ch: c}
	if ctl, ok := c.Source.(datasources.Controller); ok && supports(c.Caps, k) && (k != CapStock || canCap(ctl)) {
		t.ctl = ctl
	} else if k != ReviewOrder {
		t.manual = true
	}
	return t
}

// canCap reports whether a channel's client can lower a SKU's stock.
func canCap(ctl datasources.Controller) bool {
	_, ok := ctl.(datasources.StockCapper)
	return ok
}

// supports reports whether a channel's API can do an action kind.
func supports(c datasources.Capabilities, k Kind) bool {
	switch k {
	case Pause:
		return c.Pause
	case Resume:
		return c.Resume
	case Extend:
		return c.Extend
	case CancelOrder:
		return c.CancelOrder
	case CapStock:
		// Capped by a stock update, judged by a stock read.
		return c.Stock
	}
	return false
}

// channelsMeant are the channels a request names, or the ones it means
// by naming none: an order's channel where it is flagged, or every open
// channel of the sale.
func (s *Service) channelsMeant(req Request, si engine.SaleInfo) []string {
	switch {
	case len(req.Channels) > 0:
		return req.Channels
	case req.Kind == CancelOrder || req.Kind == ReviewOrder:
		return s.opt.Engine.FlagChannels(req.Sale, req.OrderID)
	}
	var names []string
	for _, c := range si.Channels {
		if c.Source != nil {
			names = append(names, c.ID)
		}
	}
	return names
}

// resolveUntil turns "by" into an end time and checks the end is later
// than now and than the sale's end on every channel named.
func (p *plan) resolveUntil(now time.Time) error {
	until := p.req.Until
	if p.req.By != "" {
		d, _ := time.ParseDuration(p.req.By)
		base := time.Time{}
		for _, t := range p.targets {
			if t.ch.End.After(base) {
				base = t.ch.End
			}
		}
		until = base.Add(d)
	}
	field := "until"
	if p.req.By != "" {
		field = "by"
	}
	// Sale ends are kept to the minute (Lazada's sale times are
	// yyyy-MM-dd HH:mm): an end with seconds becomes the next whole
	// minute, never an earlier one, and the confirmation says so.
	// Bounded before anything else is done with it: an end past what
	// the config allows (or past year 9999 in some zone) is refused
	// here, with the limit, instead of reaching the channels, the
	// saved state and every snapshot.
	if max := p.sale.MaxEnd; !max.IsZero() && ceilMinute(until).After(max) {
		limit := max.Sub(p.sale.End)
		words := span(limit).String()
		if limit%(24*time.Hour) == 0 {
			words = fmt.Sprintf("%d days", limit/(24*time.Hour))
		}
		return invalid(field, "a sale may be extended at most %s past its configured end (%s), to %s at the latest (max_extension in the sale's config)",
			words, p.sale.End.In(p.sale.Location).Format("2006-01-02 15:04"), max.In(p.sale.Location).Format("2006-01-02 15:04 MST"))
	}
	if m := ceilMinute(until); !m.Equal(until) {
		p.asked, until = until, m
	}
	if !until.After(now) {
		return invalid(field, "the new end %s is not in the future", until.In(p.sale.Location).Format("2006-01-02 15:04"))
	}
	for _, t := range p.targets {
		if !until.After(t.ch.End) {
			return invalid(field, "the new end %s is not later than the sale's end on %s (%s)",
				until.In(p.sale.Location).Format("2006-01-02 15:04"), t.ch.Name, t.ch.End.In(p.sale.Location).Format("2006-01-02 15:04"))
		}
	}
	p.until = until
	return nil
}

// action builds the audit record of a plan, every channel pending (a
// manual step waits for its confirmation).
func (p *plan) action(u User, now time.Time) Action {
	a := Action{
		Key: p.req.IdempotencyKey, Kind: p.req.Kind, Sale: p.sale.ID, SaleName: p.sale.Name,
		Until: p.until, By: p.req.By, OrderID: p.req.OrderID, SKU: p.req.SKU, Units: p.units, Reason: strings.TrimSpace(p.req.Reason),
		User: u.Name, Role: u.Role, CreatedAt: now, UpdatedAt: now, Summary: p.summary.String(), SummaryText: p.summary,
	}
	for i, t := range p.targets {
		r := ChannelResult{Channel: t.ch.ID, ChannelName: t.ch.Name, Effect: p.effects[i].String(), EffectText: p.effects[i], Result: Pending, Updated: now}
		if t.manual {
			r.Result = Manual
			r.say(p.manualStep(t.ch))
		}
		a.Channels = append(a.Channels, t.ch.ID)
		a.Results = append(a.Results, r)
	}
	return a
}

// Submit carries out an action and returns it with its per-channel
// results once every channel has answered (or timed out and been read
// back). A request whose idempotency key was seen before returns the
// first action, marked Replayed, and reaches no channel.
func (s *Service) Submit(ctx context.Context, u User, req Request) (Action, error) {
	if !u.CanAct() {
		return Action{}, ErrForbidden
	}
	if err := req.check(); err != nil {
		return Action{}, err
	}
	s.mu.Lock()
	if prev, ok, err := s.audit.byKey(u.Name, req.IdempotencyKey); err != nil || ok {
		s.mu.Unlock()
		return s.replay(&req, prev, err)
	}
	p, err := s.plan(req)
	if err != nil {
		s.mu.Unlock()
		return Action{}, err
	}
	a := p.action(u, time.Now())
	a.SaleAt = s.opt.Now()
	// The record is on disk before any request leaves.
	rec, created, err := s.audit.create(&a)
	if err != nil || !created {
		s.mu.Unlock()
		return s.replay(&req, rec, err)
	}
	s.running[rec.ID] = true
	s.mu.Unlock()
	s.opt.Logger.Info("action", "id", rec.ID, "kind", rec.Kind, "sale", rec.Sale, "channels", strings.Join(rec.Channels, ","), "user", u.Name, "reason", rec.Reason)
	s.notify(rec.ID)
	for _, r := range rec.Results {
		if r.Result == Manual {
			s.count(rec.Kind, r.Channel, Manual)
		}
	}
	return s.run(ctx, rec.ID, p, nil)
}

// replay answers a repeated idempotency key: the first action, when the
// request is the same one; ErrKeyReused otherwise. A request that names
// no channels is compared by the channels it means (every open one of
// the sale), so it never replays an action on one channel.
func (s *Service) replay(req *Request, prev Action, err error) (Action, error) {
	if err != nil {
		return Action{}, err
	}
	if len(req.Channels) == 0 {
		if si, ok := s.opt.Engine.SaleInfo(req.Sale); ok {
			r := *req
			r.Channels = s.channelsMeant(r, si)
			req = &r
		}
	}
	if !req.sameAs(&prev) {
		return Action{}, fmt.Errorf("%w (%s, %s)", ErrKeyReused, prev.ID, prev.Summary)
	}
	prev.Replayed = true
	return prev, nil
}

// run works on the pending channels of an action (only those in only,
// when given) in parallel and returns the action when all have answered.
func (s *Service) run(ctx context.Context, id string, p *plan, only []string) (Action, error) {
	defer func() {
		s.mu.Lock()
		delete(s.running, id)
		s.mu.Unlock()
	}()
	a, err := s.audit.get(id)
	if err != nil {
		return Action{}, err
	}
	var wg sync.WaitGroup
	for _, t := range p.targets {
		r, _ := a.Result(t.ch.ID)
		if t.manual || r.Result != Pending || only != nil && !slices.Contains(only, t.ch.ID) {
			continue
		}
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout(t))
			defer cancel()
			s.execute(cctx, a.ID, t)
		})
	}
	wg.Wait()
	return s.audit.get(id)
}

// set records a channel's new result (synced) and reports it.
func (s *Service) set(id, channel string, fn func(r *ChannelResult)) (Action, error) {
	return s.setOwing(id, channel, nil, 0, fn)
}

// setOwing is set with the stock owed on the channel changed by delta in
// the same transaction (see audit.updateOwing).
func (s *Service) setOwing(id, channel string, delta []datasources.StockReading, sign int, fn func(r *ChannelResult)) (Action, error) {
	a, err := s.audit.updateOwing(id, channel, delta, sign, func(a *Action) error {
		r, ok := a.Result(channel)
		if !ok {
			return fmt.Errorf("action %s has no channel %s", id, channel)
		}
		fn(r)
		r.Updated = time.Now()
		a.UpdatedAt = r.Updated
		return nil
	})
	if err != nil {
		s.opt.Logger.Error("audit write failed", "action", id, "channel", channel, "err", err)
		return a, err
	}
	s.notify(id)
	return a, nil
}

func (s *Service) count(k Kind, channel string, r Result) {
	if s.opt.OnResult != nil {
		s.opt.OnResult(k, channel, r)
	}
}

// meta is what travels with one request: its idempotency key on the
// channel is the action's key and id (keys are the user's own, ids are
// unique), the channel and the attempt, so a retry after a refusal is a
// new request and a replay of one is not.
func meta(a *Action, channel string, attempt int) datasources.ActionMeta {
	return datasources.ActionMeta{Key: fmt.Sprintf("%s:%s:%s:%d", a.Key, a.ID, channel, attempt), Reason: a.Reason, Actor: a.User}
}

// execute is one channel's part of an action, in a straight line. The
// record is on disk already (Submit wrote it before this); then: prepare
// what the request needs (the stock a pause takes, saved before anything
// is sent), send the request once, read the channel back, and settle the
// result from what the channel shows — never from its answer alone.
func (s *Service) execute(ctx context.Context, id string, t target) {
	ch := t.ch.ID
	a, err := s.set(id, ch, func(r *ChannelResult) { r.Attempts++; r.say(text.Text{}) })
	if err != nil {
		return
	}
	if a.Kind == ReviewOrder {
		// A review is flashdeck's own record: nothing to send or read back.
		_, err := s.opt.Engine.ReviewFlag(a.Sale, ch, a.OrderID, a.User, a.Reason)
		v := verdict{result: Applied}
		if err != nil {
			v = verdict{result: Failed, msg: text.New("%s", err.Error()), refused: true}
		}
		s.settle(id, t, v)
		return
	}
	st, err := s.prepare(ctx, &a, t)
	if err != nil {
		s.settle(id, t, verdict{result: Failed, msg: text.New("%s", err.Error()), refused: true})
		return
	}
	answer := s.send(ctx, &a, t, st)
	// The read-back gets time of its own: the request may have used all
	// of ctx's.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout(t))
	defer cancel()
	s.settle(id, t, s.verify(rctx, &a, t, st, answer))
}

// timeout is the time a channel's request, or its read-back, gets: more
// for a sale of many SKUs (see Options.PerBatch).
func (s *Service) timeout(t target) time.Duration {
	const batch = 50
	extra := max(len(t.ch.SKUs)-1, 0) / batch
	return s.opt.Timeout + time.Duration(extra)*s.opt.PerBatch
}

// prepare reads and records, before anything is sent, what the request and
// its judgement need. An error means nothing was sent.
func (s *Service) prepare(ctx context.Context, a *Action, t target) (*step, error) {
	ch := t.ch.ID
	r, _ := a.Result(ch)
	st := &step{target: datasources.SaleTarget{SaleID: a.Sale, SKUs: t.ch.SKUs}, meta: meta(a, ch, r.Attempts)}
	switch a.Kind {
	case Pause:
		before, err := t.ctl.ReadSale(ctx, st.target)
		if err != nil {
			return nil, fmt.Errorf("could not read the sale before pausing, so nothing was sent: %w", err)
		}
		st.before = &before
		// What the pause may take is owed back, with the reading it came
		// from, before it goes out: a crash after the request must not
		// lose what a resume gives back. The read-back trims it to what
		// the pause really took.
		var owe []datasources.StockReading
		if before.ByStock {
			owe = before.SKUs
		}
		if _, err := s.setOwing(a.ID, ch, owe, 1, func(r *ChannelResult) { r.Before = &before; r.Sent = nil }); err != nil {
			return nil, fmt.Errorf("could not save the stock to give back, so nothing was sent: %w", err)
		}
	case Resume:
		owed, err := s.audit.owed(a.Sale, ch)
		if err != nil {
			return nil, fmt.Errorf("nothing was sent: %w", err)
		}
		st.owed = &owed
		if owedUnits(owed) > 0 {
			// The stock just before the resume: what the read-back
			// compares with to see the units given back.
			pre, err := t.ctl.ReadSale(ctx, st.target)
			if err != nil {
				return nil, fmt.Errorf("could not read the sale before resuming, so nothing was sent: %w", err)
			}
			st.before = &pre
		}
		if _, err := s.set(a.ID, ch, func(r *ChannelResult) { r.Before = st.before; r.Sent = st.owed }); err != nil {
			return nil, err
		}
	case CapStock:
		before, err := t.ctl.ReadSale(ctx, st.target)
		if err != nil {
			return nil, fmt.Errorf("could not read %s's stock before capping it, so nothing was sent: %w", a.SKU, err)
		}
		if a.Units == nil {
			return nil, fmt.Errorf("the record says no number of units to cap %s at, so nothing was sent", a.SKU)
		}
		st.before = &before
		if _, err := s.set(a.ID, ch, func(r *ChannelResult) { r.Before = &before }); err != nil {
			return nil, err
		}
	case Extend:
		// The engine counts orders up to the new end from now on: the
		// channel may sell past the old end as soon as it has the request.
		if _, err := s.set(a.ID, ch, func(r *ChannelResult) {
			if r.PrevEnd.IsZero() {
				r.PrevEnd = t.ch.End
			}
		}); err != nil {
			return nil, err
		}
		if err := s.opt.Engine.SetChannelEnd(a.Sale, ch, a.Until); err != nil {
			return nil, fmt.Errorf("nothing was sent: %w", err)
		}
	}
	return st, nil
}

// send makes the request, once.
func (s *Service) send(ctx context.Context, a *Action, t target, st *step) error {
	switch a.Kind {
	case Pause:
		return t.ctl.PauseSale(ctx, st.target, *st.before, st.meta)
	case Resume:
		return t.ctl.ResumeSale(ctx, st.target, *st.owed, st.meta)
	case Extend:
		return t.ctl.ExtendSale(ctx, st.target, a.Until, st.meta)
	case CancelOrder:
		return t.ctl.CancelOrder(ctx, a.OrderID, st.meta)
	case CapStock:
		return t.ctl.(datasources.StockCapper).CapStock(ctx, st.target, *st.before, map[string]int{a.SKU: *a.Units}, st.meta)
	}
	return fmt.Errorf("action kind %q has nothing to send", a.Kind)
}

// verdict is a channel's result as settled, with its words.
type verdict struct {
	result Result
	msg    text.Text
	// refused: the channel said no, so nothing changed there.
	refused bool
	// partial: the read-back saw the change made for some SKUs only.
	partial bool
	// found is the read-back behind it (nil when there was none).
	found *datasources.SaleControl
	// given are the SKUs a resume's read-back shows their units back.
	given []string
}

// errNoAnswer stands for the answer of a request whose answer was never
// seen (flashdeck stopped, or the read-back after it failed before).
var errNoAnswer = &datasources.Error{Kind: datasources.ErrTimeout, Message: "no answer was recorded"}

// verify settles a request from its answer and the channel's read-back. A
// clear refusal changed nothing and needs no read-back. Anything else —
// an OK, an answer lost, a batch half applied — is read back, and only
// what the channel shows decides: "applied" only when the read-back shows
// the new state.
func (s *Service) verify(ctx context.Context, a *Action, t target, st *step, answer error) verdict {
	if answer != nil && !datasources.OutcomeUnknown(answer) {
		return verdict{result: Failed, msg: text.New("%s", answer.Error()), refused: true}
	}
	if t.ctl == nil {
		return verdict{result: Unknown, msg: text.New("no client to read the channel back with")}
	}
	var (
		f     finding
		found *datasources.SaleControl
		given []string
		err   error
	)
	switch a.Kind {
	case CancelOrder:
		var o datasources.Order
		if o, err = t.ctl.ReadOrder(ctx, a.OrderID); err == nil {
			f = judgeCancel(o)
		}
	default:
		var c datasources.SaleControl
		if c, err = t.ctl.ReadSale(ctx, st.target); err == nil {
			found = &c
			switch a.Kind {
			case Pause:
				f = judgePause(st.before, c)
			case Resume:
				f, given = judgeResume(st.before, st.owed, c)
			case Extend:
				f = judgeExtend(a.Until, c, s.location(a.Sale))
			case CapStock:
				f = judgeCap(a.SKU, *a.Units, c)
				// A real read of the channel: the figures need not wait
				// for the next stock poll to show it.
				s.opt.Engine.NoteStock(t.ch.ID, c.SKUs)
			}
		}
	}
	// said is what the channel answered; nil when no answer was seen.
	var said *text.Text
	switch {
	case answer == nil:
		ok := text.New("%s answered OK", t.ch.Name)
		said = &ok
	case answer != errNoAnswer:
		unclear := text.New("no clear answer (%s)", answer.Error())
		said = &unclear
	}
	if err != nil {
		if said != nil {
			return verdict{result: Unknown, msg: text.New("%s, but the read-back failed (%s); flashdeck reads it again", *said, err.Error())}
		}
		return verdict{result: Unknown, msg: text.New("the read-back failed (%s); flashdeck reads it again", err.Error())}
	}
	v := verdict{found: found, given: given, partial: f.partial}
	switch {
	case f.done:
		v.result, v.msg = Applied, text.New("read back: %s", f.words)
		if said != nil && answer != nil {
			v.msg = text.New("%s; read back: %s", *said, f.words)
		}
	case f.partial:
		v.result, v.msg = Failed, text.New("partly applied: %s", f.words)
		if answer != nil && answer != errNoAnswer {
			v.msg = text.New("partly applied: %s (%s)", f.words, answer.Error())
		}
	default:
		v.result = Failed
		switch {
		case answer == nil:
			v.msg = text.New("%s, but %s", *said, f.words)
		case answer == errNoAnswer:
			v.msg = text.New("read back: %s: it did not take effect there", f.words)
		default:
			v.msg = text.New("%s; read back: %s: it did not take effect there", *said, f.words)
		}
	}
	return v
}

// location is the sale's zone, for the times a finding names.
func (s *Service) location(sale string) *time.Location {
	if si, ok := s.opt.Engine.SaleInfo(sale); ok && si.Location != nil {
		return si.Location
	}
	return time.Local
}

// settle records a channel's verdict and makes flashdeck follow what the
// channel now shows: the stock owed back (in the same transaction as the
// result), then the engine's pause and end. A verdict that leaves the
// result unknown changes nothing but the record: reconciliation reads the
// channel again.
func (s *Service) settle(id string, t target, v verdict) {
	ch := t.ch.ID
	a, err := s.audit.get(id)
	if err != nil {
		return
	}
	r, ok := a.Result(ch)
	if !ok {
		return
	}
	var (
		delta []datasources.StockReading
		sign  int
		side  func() error
	)
	if v.result != Unknown {
		delta, sign, side = s.follow(&a, r, v)
	}
	msg := v.msg
	if _, err := s.setOwing(id, ch, delta, sign, func(r *ChannelResult) { r.Result = v.result; r.say(msg) }); err != nil {
		return
	}
	if side != nil {
		if err := side(); err != nil {
			msg = notRecorded(msg, err)
			_, _ = s.set(id, ch, func(r *ChannelResult) { r.say(msg) })
		}
	}
	s.count(a.Kind, ch, v.result)
	s.opt.Logger.Info("action result", "id", id, "channel", ch, "result", v.result, "message", msg.String())
}

// follow is what a settled result changes in flashdeck itself: the stock
// owed back on the channel (delta, taken off when sign is -1) and what
// the engine shows (side).
func (s *Service) follow(a *Action, r *ChannelResult, v verdict) (delta []datasources.StockReading, sign int, side func() error) {
	sale, ch := a.Sale, r.Channel
	switch a.Kind {
	case Pause:
		// The pause owed back, before it went out, all the stock it read;
		// now only what it really took stays owed.
		if r.Before != nil && r.Before.ByStock {
			excess := addOwed(datasources.SaleControl{}, r.Before.SKUs, 1)
			if !v.refused && v.found != nil {
				excess = addOwed(excess, takenBy(r.Before, *v.found), -1)
			}
			delta, sign = excess.SKUs, -1
		}
		if v.result == Applied {
			side = func() error { return s.opt.Engine.SetChannelPaused(sale, ch, true) }
		}
	case Resume:
		if r.Sent != nil && len(v.given) > 0 {
			delta, sign = only(*r.Sent, v.given), -1
		}
		if v.result == Applied {
			side = func() error { return s.opt.Engine.SetChannelPaused(sale, ch, false) }
		}
	case Extend:
		until, prev := a.Until, r.PrevEnd
		switch {
		case v.result == Applied:
			side = func() error { return s.opt.Engine.SetChannelEnd(sale, ch, until) }
		case !v.partial && !prev.IsZero():
			// Not extended: the engine's window goes back, unless another
			// action moved it since. (Half extended, the SKUs that were
			// sell past the old end, and the window stays to count them.)
			side = func() error {
				if si, ok := s.opt.Engine.SaleInfo(sale); ok {
					if c, ok := si.Channel(ch); ok && c.End.Equal(until) {
						return s.opt.Engine.SetChannelEnd(sale, ch, prev)
					}
				}
				return nil
			}
		}
	}
	return delta, sign, side
}

// applySide is what a manual step confirmed by hand changes in flashdeck.
func (s *Service) applySide(a *Action, ch string) error {
	switch a.Kind {
	case Pause:
		return s.opt.Engine.SetChannelPaused(a.Sale, ch, true)
	case Resume:
		return s.opt.Engine.SetChannelPaused(a.Sale, ch, false)
	case Extend:
		return s.opt.Engine.SetChannelEnd(a.Sale, ch, a.Until)
	}
	return nil
}

// readBack settles an unknown result by reading the channel, with what
// the record kept of the request (the readings before it, what a resume
// sent). A failed read leaves it unknown for the next reconciliation, and
// returns false.
func (s *Service) readBack(ctx context.Context, id string, t target) bool {
	a, err := s.audit.get(id)
	if err != nil {
		return false
	}
	if a.Kind == ReviewOrder {
		// A review is flashdeck's own record: doing it again is harmless.
		s.execute(ctx, id, t)
		return true
	}
	if t.ctl == nil {
		return false
	}
	r, ok := a.Result(t.ch.ID)
	if !ok {
		return false
	}
	st := &step{target: datasources.SaleTarget{SaleID: a.Sale, SKUs: t.ch.SKUs}, before: r.Before, owed: r.Sent}
	if a.Kind == Resume && st.owed == nil {
		st.owed = &datasources.SaleControl{}
	}
	v := s.verify(ctx, &a, t, st, errNoAnswer)
	if v.result == Unknown {
		_, _ = s.set(id, t.ch.ID, func(r *ChannelResult) { r.Result = Unknown; r.say(text.New("still unknown: %s", v.msg)) })
		return false
	}
	s.settle(id, t, v)
	return true
}

// notRecorded adds to a result's message that flashdeck could not follow
// it in its own figures (the engine refused the pause or the new end).
func notRecorded(msg text.Text, err error) text.Text {
	if msg.Empty() {
		return text.New("(flashdeck could not record it: %s)", err.Error())
	}
	return text.New("%s (flashdeck could not record it: %s)", msg, err.Error())
}
