package actions

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/flashdeck/flashdeck/app/text"
)

// planOf rebuilds the targets of a recorded action from the sale as it
// stands, for a retry or a read-back.
func (s *Service) planOf(a *Action) (*plan, error) {
	si, ok := s.opt.Engine.SaleInfo(a.Sale)
	if !ok {
		return nil, fmt.Errorf("action %s: sale %q is no longer configured", a.ID, a.Sale)
	}
	p := &plan{req: Request{Kind: a.Kind, Sale: a.Sale, OrderID: a.OrderID, SKU: a.SKU}, sale: si, until: a.Until, units: a.Units}
	for _, id := range a.Channels {
		c, ok := si.Channel(id)
		if !ok || c.Source == nil {
			return nil, fmt.Errorf("action %s: channel %q is no longer configured", a.ID, id)
		}
		p.targets = append(p.targets, targetFor(c, a.Kind, a.SKU))
	}
	return p, nil
}

// Retry sends the action again to the channels where it failed, as new
// requests (an attempt number in their idempotency keys). Channels that
// applied it, or whose result is still unknown, are left alone.
func (s *Service) Retry(ctx context.Context, u User, id string) (Action, error) {
	if !u.CanAct() {
		return Action{}, ErrForbidden
	}
	s.mu.Lock()
	if s.running[id] {
		s.mu.Unlock()
		return Action{}, ErrBusy
	}
	a, err := s.audit.get(id)
	if err != nil {
		s.mu.Unlock()
		return Action{}, fmt.Errorf("action %s: %w", id, err)
	}
	var failed []string
	for _, r := range a.Results {
		if r.Result == Failed {
			failed = append(failed, r.Channel)
		}
	}
	if len(failed) == 0 {
		s.mu.Unlock()
		return a, nil
	}
	p, err := s.planOf(&a)
	if err != nil {
		s.mu.Unlock()
		return Action{}, err
	}
	for _, ch := range failed {
		if _, err := s.set(id, ch, func(r *ChannelResult) { r.Result = Pending; r.say(text.New("retry by %s", u.Name)) }); err != nil {
			s.mu.Unlock()
			return Action{}, err
		}
	}
	s.running[id] = true
	s.mu.Unlock()
	s.opt.Logger.Info("action retry", "id", id, "channels", failed, "user", u.Name)
	return s.run(ctx, id, p, failed)
}

// ConfirmManual records that a person did a manual step on a channel (in
// its seller centre), who and when, and makes flashdeck follow it.
func (s *Service) ConfirmManual(u User, id, channel string) (Action, error) {
	if !u.CanAct() {
		return Action{}, ErrForbidden
	}
	a, err := s.audit.get(id)
	if err != nil {
		return Action{}, fmt.Errorf("action %s: %w", id, err)
	}
	r, ok := a.Result(channel)
	if !ok {
		return Action{}, invalid("channel", "action %s has no channel %q", id, channel)
	}
	if r.Result != Manual {
		return Action{}, invalid("channel", "%s has no manual step in action %s (its result is %s)", r.ChannelName, id, r.Result)
	}
	if r.ConfirmedBy != "" {
		return a, nil // confirmed already: a second click changes nothing
	}
	side := s.applySide(&a, channel)
	a, err = s.set(id, channel, func(r *ChannelResult) {
		r.ConfirmedBy, r.ConfirmedAt = u.Name, time.Now()
		done := text.New("done by hand in the seller centre, confirmed by %s", u.Name)
		if side != nil {
			done = notRecorded(done, side)
		}
		r.say(done)
	})
	if err == nil {
		s.opt.Logger.Info("manual step confirmed", "id", id, "channel", channel, "user", u.Name)
	}
	return a, err
}

// Recover runs once at start, before any new request is taken: a channel
// whose request was under way when flashdeck stopped (a crash, a kill) is
// marked unknown, never resent. Run reads them back.
func (s *Service) Recover() error {
	var ids []string
	err := s.audit.each(func(a *Action) bool {
		if slices.ContainsFunc(a.Results, func(r ChannelResult) bool { return r.Result == Pending }) {
			ids = append(ids, a.ID)
		}
		return true
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		a, err := s.audit.update(id, func(a *Action) error {
			for i := range a.Results {
				if r := &a.Results[i]; r.Result == Pending {
					r.Result, r.Updated = Unknown, time.Now()
					r.say(text.New("flashdeck stopped before the channel answered; reading the channel back"))
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		s.opt.Logger.Warn("action left in flight by a stop", "id", id, "kind", a.Kind, "sale", a.Sale)
		s.notify(id)
	}
	return nil
}

// Run reads back unknown results at once and then every ReconcileEvery,
// until ctx ends.
func (s *Service) Run(ctx context.Context) {
	s.reconcile(ctx)
	t := time.NewTicker(s.opt.ReconcileEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.reconcile(ctx)
		}
	}
}

// reconcile reads back every unknown result once.
func (s *Service) reconcile(ctx context.Context) {
	type job struct {
		id string
		t  target
	}
	// The ids first, and nothing else inside bbolt's read transaction: a
	// lock taken in it (ours, the engine's) could wait on a writer that
	// waits for the transaction to end.
	var unknown []Action
	_ = s.audit.each(func(a *Action) bool {
		if slices.ContainsFunc(a.Results, func(r ChannelResult) bool { return r.Result == Unknown }) {
			unknown = append(unknown, *a)
		}
		return true
	})
	var jobs []job
	for i := range unknown {
		a := &unknown[i]
		s.mu.Lock()
		busy := s.running[a.ID]
		s.mu.Unlock()
		if busy {
			continue
		}
		p, err := s.planOf(a)
		if err != nil {
			s.opt.Logger.Warn("cannot reconcile", "err", err)
			continue
		}
		for _, t := range p.targets {
			if r, _ := a.Result(t.ch.ID); r.Result == Unknown {
				jobs = append(jobs, job{a.ID, t})
			}
		}
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			return
		}
		cctx, cancel := context.WithTimeout(ctx, s.timeout(j.t))
		s.readBack(cctx, j.id, j.t)
		cancel()
	}
}
