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
	"github.com/flashdeck/flashdeck/datasources"
	bolt "go.etcd.io/bbolt"
)

// Engine is what the actions need from the engine: the sales as they
// stand, and the changes an applied action makes to what it counts.
type Engine interface {
	SaleInfo(id string) (engine.SaleInfo, bool)
	SetChannelEnd(sale, channel string, end time.Time) error
	SetChannelPaused(sale, channel string, paused bool) error
	ReviewFlag(sale, channel, orderID, by, note string) (rules.Flag, error)
	FlagChannels(sale, orderID string) []string
}

// Options configures a Service.
type Options struct {
	DB     *bolt.DB
	Engine Engine
	// Now is the sale clock (extensions are in sale time); time.Now by default.
	Now func() time.Time
	// Timeout bounds one channel's part of an action, read-back included
	// (default 30 s).
	Timeout time.Duration
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
	if o.Engine == nil || o.DB == nil {
		return nil, errors.New("actions: DB and Engine are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.ReconcileEvery <= 0 {
		o.ReconcileEvery = 15 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	au, err := openAudit(o.DB)
	if err != nil {
		return nil, err
	}
	return &Service{opt: o, audit: au, running: map[string]bool{}, subs: fanout.Fanout[string]{Buffer: 64}}, nil
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
	summary string
	effects []string
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
	names := req.Channels
	switch {
	case len(names) > 0:
	case req.Kind == CancelOrder || req.Kind == ReviewOrder:
		names = s.opt.Engine.FlagChannels(req.Sale, req.OrderID)
		switch len(names) {
		case 0:
			return nil, invalid("order_id", "order %s is not a flagged order of %s; name its channel in channels", req.OrderID, req.Sale)
		case 1:
		default:
			return nil, invalid("channels", "order id %s is flagged on %s; name one", req.OrderID, strings.Join(names, " and "))
		}
	default:
		for _, c := range si.Channels {
			if c.Source != nil {
				names = append(names, c.ID)
			}
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
		p.targets = append(p.targets, targetFor(c, req.Kind))
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
func targetFor(c engine.SaleChannelInfo, k Kind) target {
	t := target{ch: c}
	if ctl, ok := c.Source.(datasources.Controller); ok && supports(c.Caps, k) {
		t.ctl = ctl
	} else if k != ReviewOrder {
		t.manual = true
	}
	return t
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
	}
	return false
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
		Until: p.until, By: p.req.By, OrderID: p.req.OrderID, Reason: strings.TrimSpace(p.req.Reason),
		User: u.Name, Role: u.Role, CreatedAt: now, UpdatedAt: now, Summary: p.summary,
	}
	for i, t := range p.targets {
		r := ChannelResult{Channel: t.ch.ID, ChannelName: t.ch.Name, Effect: p.effects[i], Result: Pending, Updated: now}
		if t.manual {
			r.Result = Manual
			r.Message = manualStep(p.req.Kind, p.sale, t.ch, p.until, p.req.OrderID)
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
	if prev, ok, err := s.audit.byKey(req.IdempotencyKey); err != nil || ok {
		s.mu.Unlock()
		return replay(&req, prev, err)
	}
	p, err := s.plan(req)
	if err != nil {
		s.mu.Unlock()
		return Action{}, err
	}
	a := p.action(u, time.Now())
	// The record is on disk before any request leaves.
	rec, created, err := s.audit.create(&a)
	if err != nil || !created {
		s.mu.Unlock()
		return replay(&req, rec, err)
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

func replay(req *Request, prev Action, err error) (Action, error) {
	if err != nil {
		return Action{}, err
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
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opt.Timeout)
			defer cancel()
			s.act(cctx, &a, t)
		})
	}
	wg.Wait()
	return s.audit.get(id)
}

// set records a channel's new result (synced) and reports it.
func (s *Service) set(id, channel string, fn func(r *ChannelResult)) (Action, error) {
	a, err := s.audit.update(id, func(a *Action) error {
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
// channel is the action's key, the channel and the attempt, so a retry
// after a refusal is a new request and a replay of one is not.
func meta(a *Action, channel string, attempt int) datasources.ActionMeta {
	return datasources.ActionMeta{Key: fmt.Sprintf("%s:%s:%d", a.Key, channel, attempt), Reason: a.Reason, Actor: a.User}
}

// act makes one channel's request and records its result.
func (s *Service) act(ctx context.Context, a *Action, t target) {
	ch := t.ch.ID
	cur, err := s.set(a.ID, ch, func(r *ChannelResult) { r.Attempts++; r.Message = "" })
	if err != nil {
		return
	}
	r, _ := cur.Result(ch)
	m := meta(&cur, ch, r.Attempts)
	st := datasources.SaleTarget{SaleID: a.Sale, SKUs: t.ch.SKUs}
	switch a.Kind {
	case ReviewOrder:
		_, err := s.opt.Engine.ReviewFlag(a.Sale, ch, a.OrderID, a.User, a.Reason)
		s.finish(ctx, &cur, t, err, false)
		return
	case Pause:
		before, err := t.ctl.ReadSale(ctx, st)
		if err != nil {
			s.finish(ctx, &cur, t, fmt.Errorf("could not read the sale before pausing, so nothing was sent: %w", err), false)
			return
		}
		// What resume restores is on disk before the pause goes out.
		if !before.Paused {
			if err := s.audit.rememberBefore(a.Sale, ch, before); err != nil {
				s.finish(ctx, &cur, t, fmt.Errorf("could not save the stock to restore, so nothing was sent: %w", err), false)
				return
			}
		}
		if _, err := s.set(a.ID, ch, func(r *ChannelResult) { r.Before = &before }); err != nil {
			return
		}
		err = t.ctl.PauseSale(ctx, st, m)
		s.finish(ctx, &cur, t, err, datasources.OutcomeUnknown(err))
	case Resume:
		prev, _, err := s.audit.before(a.Sale, ch)
		if err != nil {
			s.finish(ctx, &cur, t, err, false)
			return
		}
		err = t.ctl.ResumeSale(ctx, st, prev, m)
		s.finish(ctx, &cur, t, err, datasources.OutcomeUnknown(err))
	case Extend:
		// The engine counts orders up to the new end from now on: the
		// channel may sell past the old end as soon as it has the request.
		if _, err := s.set(a.ID, ch, func(r *ChannelResult) {
			if r.PrevEnd.IsZero() {
				r.PrevEnd = t.ch.End
			}
		}); err != nil {
			return
		}
		if err := s.opt.Engine.SetChannelEnd(a.Sale, ch, a.Until); err != nil {
			s.finish(ctx, &cur, t, err, false)
			return
		}
		err = t.ctl.ExtendSale(ctx, st, a.Until, m)
		s.finish(ctx, &cur, t, err, datasources.OutcomeUnknown(err))
	case CancelOrder:
		err := t.ctl.CancelOrder(ctx, a.OrderID, m)
		s.finish(ctx, &cur, t, err, datasources.OutcomeUnknown(err))
	}
}

// finish records the answer of a request: applied, failed with the
// channel's words, or unknown, in which case the channel is read back at
// once.
func (s *Service) finish(ctx context.Context, a *Action, t target, err error, unclear bool) {
	switch {
	case err == nil:
		s.settle(a.ID, t, outcome{applied: true}, "")
	case unclear:
		msg := "no clear answer (" + err.Error() + "); reading the channel back"
		if _, werr := s.set(a.ID, t.ch.ID, func(r *ChannelResult) { r.Result, r.Message = Unknown, msg }); werr != nil {
			return
		}
		// The read-back gets time of its own: the request may have used
		// all of ctx's.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opt.Timeout)
		defer cancel()
		if !s.readBack(rctx, a.ID, t) {
			s.count(a.Kind, t.ch.ID, Unknown)
		}
	default:
		// A refusal: nothing changed at the channel.
		s.settle(a.ID, t, outcome{refused: true}, err.Error())
	}
}

// outcome is what is known about a channel's part of an action when it is
// settled.
type outcome struct {
	applied bool
	// refused: the channel said no, so nothing changed there (not a
	// read-back finding, which may see a change half made).
	refused bool
	// partial: a read-back saw the change made for some SKUs only.
	partial bool
}

// settle makes a channel's result final and makes the engine follow what
// the channel now does.
func (s *Service) settle(id string, t target, o outcome, msg string) {
	a, err := s.audit.get(id)
	if err != nil {
		return
	}
	ch := t.ch.ID
	r, ok := a.Result(ch)
	if !ok {
		return
	}
	var side error
	switch {
	case o.applied:
		side = s.applySide(&a, ch)
	case a.Kind == Extend && !o.partial && !r.PrevEnd.IsZero():
		// Not extended: the engine's window goes back, unless another
		// action moved it since. (Half extended, the SKUs that were sell
		// past the old end, and the window stays to count them.)
		if si, ok := s.opt.Engine.SaleInfo(a.Sale); ok {
			if c, ok := si.Channel(ch); ok && c.End.Equal(a.Until) {
				side = s.opt.Engine.SetChannelEnd(a.Sale, ch, r.PrevEnd)
			}
		}
	case a.Kind == Pause && o.refused && r.Before != nil && !r.Before.Paused:
		// The stock saved for a resume belongs to a pause that never
		// happened; a later pause reads the stock again.
		side = s.audit.forget(a.Sale, ch)
	}
	if side != nil {
		msg = strings.TrimSpace(msg + " (flashdeck could not record it: " + side.Error() + ")")
	}
	res := Failed
	if o.applied {
		res = Applied
	}
	if _, err := s.set(id, ch, func(r *ChannelResult) { r.Result, r.Message = res, msg }); err == nil {
		s.count(a.Kind, ch, res)
		s.opt.Logger.Info("action result", "id", id, "channel", ch, "result", res, "message", msg)
	}
}

// applySide is what an applied action changes in flashdeck itself.
func (s *Service) applySide(a *Action, ch string) error {
	switch a.Kind {
	case Pause:
		return s.opt.Engine.SetChannelPaused(a.Sale, ch, true)
	case Resume:
		if err := s.audit.forget(a.Sale, ch); err != nil {
			return err
		}
		return s.opt.Engine.SetChannelPaused(a.Sale, ch, false)
	case Extend:
		return s.opt.Engine.SetChannelEnd(a.Sale, ch, a.Until)
	}
	return nil
}

// readBack settles an unknown result by reading the channel: the action
// took effect or it did not. A failed read leaves it unknown for the
// next reconciliation, and returns false.
func (s *Service) readBack(ctx context.Context, id string, t target) bool {
	a, err := s.audit.get(id)
	if err != nil {
		return false
	}
	if a.Kind == ReviewOrder {
		// A review is flashdeck's own record: doing it again is harmless.
		_, err := s.opt.Engine.ReviewFlag(a.Sale, t.ch.ID, a.OrderID, a.User, a.Reason)
		s.finish(ctx, &a, t, err, false)
		return true
	}
	if t.ctl == nil {
		return false
	}
	st := datasources.SaleTarget{SaleID: a.Sale, SKUs: t.ch.SKUs}
	var done, partial bool
	var finding string
	switch a.Kind {
	case Pause:
		var c datasources.SaleControl
		c, err = t.ctl.ReadSale(ctx, st)
		done = c.Paused
		finding = map[bool]string{true: "the sale is paused there", false: "the sale is still selling there"}[c.Paused]
	case Resume:
		var c datasources.SaleControl
		c, err = t.ctl.ReadSale(ctx, st)
		done, finding = s.resumed(a.Sale, t, c)
	case Extend:
		var c datasources.SaleControl
		c, err = t.ctl.ReadSale(ctx, st)
		done = !c.End.Before(a.Until)
		finding = "the sale ends at " + c.End.Format("2006-01-02 15:04") + " there"
		if n := endsFrom(c, a.Until); !done && n > 0 {
			partial = true
			finding = fmt.Sprintf("%d of %d SKUs end at the new time, the others at %s: partly applied", n, len(c.SKUs), c.End.Format("2006-01-02 15:04"))
		}
	case CancelOrder:
		var o datasources.Order
		o, err = t.ctl.ReadOrder(ctx, a.OrderID)
		done = o.IsCancelled()
		finding = "the order is " + o.Status
	}
	if err != nil {
		msg := "still unknown: the read-back failed too (" + err.Error() + "); flashdeck reads it again"
		_, _ = s.set(id, t.ch.ID, func(r *ChannelResult) { r.Result, r.Message = Unknown, msg })
		return false
	}
	if done {
		s.settle(id, t, outcome{applied: true}, "read back after an unclear answer: "+finding)
		return true
	}
	if partial {
		s.settle(id, t, outcome{partial: true}, "read back after an unclear answer: "+finding+"; Retry sends it again")
		return true
	}
	s.settle(id, t, outcome{}, "read back after an unclear answer: "+finding+"; it is not in effect there, and Retry is safe")
	return true
}

// resumed judges a read-back after a resume. Where the stock to restore
// was saved (Lazada), every SKU that had stock must have some again: one
// SKU selling again proves only that one batch, or a buyer's cancellation,
// got through.
func (s *Service) resumed(sale string, t target, c datasources.SaleControl) (bool, string) {
	prev, ok, err := s.audit.before(sale, t.ch.ID)
	// Only Lazada's pause is stock at 0; a paused brand store keeps its
	// stock, and a SKU sold out there says nothing about the resume.
	if t.ch.Kind != datasources.KindLazada || err != nil || !ok || len(prev.SKUs) == 0 || len(c.SKUs) == 0 {
		return !c.Paused, map[bool]string{true: "the sale is still paused there", false: "the sale is selling there"}[c.Paused]
	}
	now := map[string]int{}
	for _, r := range c.SKUs {
		now[r.SKU] = r.Sellable
	}
	var still []string
	for _, r := range prev.SKUs {
		if r.Sellable > 0 && now[r.SKU] == 0 {
			still = append(still, r.SKU)
		}
	}
	if len(still) == 0 {
		return true, "every SKU has its stock back there"
	}
	return false, fmt.Sprintf("%d of %d SKUs are still at 0 there (%s)", len(still), len(prev.SKUs), strings.Join(still[:min(len(still), 5)], ", "))
}

// endsFrom counts the SKUs whose sale ends at or after until.
func endsFrom(c datasources.SaleControl, until time.Time) int {
	n := 0
	for _, r := range c.SKUs {
		if !r.SaleEnd.IsZero() && !r.SaleEnd.Before(until) {
			n++
		}
	}
	return n
}
