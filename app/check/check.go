// Package check answers, before a sale, whether every configured channel
// works: it reaches each one with its credentials, reads one page of
// orders, reads the stock of every SKU the sales allocate to it and, where
// the channel can tell, the sale's end and pause state there. It only
// reads: no pause, resume, extend or cancel is ever sent.
//
// `flashdeck check` prints its Report; the desktop runs the same check when
// it opens a configuration and shows it in Channels. No Fyne import.
package check

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/text"
	"github.com/flashdeck/flashdeck/datasources"
)

// Status is the outcome of a step or of a whole channel.
type Status string

// Statuses. A channel is OK when none of its steps failed, Failed when one
// did, Skipped when it is disabled.
const (
	OK           Status = "ok"
	Failed       Status = "failed"
	Skipped      Status = "skipped"
	NotSupported Status = "not_supported"
)

// Step names, in the order they run.
const (
	StepReach  = "reach"
	StepOrders = "orders"
	StepStock  = "stock"
	StepSale   = "sale"
)

// stepTitles are the steps in words, as the text report and the desktop
// show them.
var stepTitles = map[string]text.Text{
	StepReach:  text.New("reach and credentials"),
	StepOrders: text.New("orders, last hour"),
	StepStock:  text.New("stock"),
	StepSale:   text.New("sale state"),
}

// Defaults.
const (
	// DefaultTimeout bounds the whole check of one channel.
	DefaultTimeout = 30 * time.Second
	// DefaultOrdersSince is how far back the page of orders starts.
	DefaultOrdersSince = time.Hour
	// maxListed is how many SKUs a message names before "… and N more".
	maxListed = 20
	// grace is how long after its timeout a channel's client is waited for
	// when it ignores its context (a bug): then the check reports it as
	// hanging and moves on instead of hanging with it.
	grace = 3 * time.Second
)

// Options tune a check; the zero value is the defaults.
type Options struct {
	// Timeout bounds all the calls to one channel (DefaultTimeout when 0).
	Timeout time.Duration
	// Now is the sale clock (the config's clock, else time.Now, when nil):
	// the page of orders is read from OrdersSince before it.
	Now func() time.Time
	// OrdersSince is how far back the page of orders starts
	// (DefaultOrdersSince when 0).
	OrdersSince time.Duration
	// Unbuilt holds, by channel id, why an enabled channel has no client
	// (a credential's environment variable is not set): the channel is
	// reported failed with that reason, the others are still checked.
	Unbuilt map[string]error
}

// Report is the result of a check.
type Report struct {
	// Config is the file checked ("" for a config built in code).
	Config string `json:"config,omitempty"`
	// At is when the check started (wall clock); SaleClock is the sale
	// clock then (they differ when a simulator plays the sale faster).
	At        time.Time `json:"at"`
	SaleClock time.Time `json:"sale_clock"`
	// Timeout is the bound of each channel's calls, e.g. "30s".
	Timeout string `json:"timeout"`
	// OK is true when no step of any enabled channel failed.
	OK bool `json:"ok"`
	// ExitCode is what `flashdeck check` exits with: 0 OK, 1 a step failed.
	ExitCode int `json:"exit_code"`
	// Summary is the report in one sentence; SummaryText the same as a
	// text each screen writes in its language (app/text).
	Summary     string    `json:"summary"`
	SummaryText text.Text `json:"summary_text,omitzero"`
	Channels    []Channel `json:"channels"`

	loc *time.Location // the first sale's zone, for times in words
	cur string         // the first sale's currency, for numbers in words
}

// Channel is what the check found on one channel.
type Channel struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Status is OK, Failed, or Skipped (a disabled channel).
	Status Status `json:"status"`
	// Reason says why a channel was skipped.
	Reason     string  `json:"reason,omitempty"`
	DurationMS float64 `json:"duration_ms"`
	Steps      []Step  `json:"steps,omitempty"`
	// Orders is how many orders the page of orders held (absent when it
	// was not read).
	Orders *int `json:"orders,omitempty"`
	// SKUs is what the stock step found (absent when it was not read).
	SKUs *SKUs `json:"skus,omitempty"`
	// Sales is each sale's state on the channel (absent when not read).
	Sales []SaleState `json:"sales,omitempty"`
}

// Step is one read made of a channel.
type Step struct {
	// Name is StepReach, StepOrders, StepStock or StepSale; Title says it
	// in words.
	Name       string  `json:"name"`
	Title      string  `json:"title"`
	Status     Status  `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	// Detail is what the step found, in words.
	Detail string `json:"detail,omitempty"`
	// Reason says why the step failed, was skipped or is not supported:
	// for a channel's error its own text, which names the channel, the call
	// and the kind of failure.
	Reason string `json:"reason,omitempty"`
	// ErrorKind labels a channel error (datasources.ErrorKind.Label():
	// unavailable, timeout, rate_limited, auth, …).
	ErrorKind string `json:"error_kind,omitempty"`
	// Warnings are findings worth a look that do not fail the step (stock a
	// campaign locks, an end that differs from the configured one).
	Warnings []string `json:"warnings,omitempty"`
}

// SKUs is what the stock step found.
type SKUs struct {
	// Configured is how many SKUs the sales allocate to the channel.
	Configured int `json:"configured"`
	// Known is how many of them the channel has.
	Known int `json:"known"`
	// Unknown are the configured SKUs the channel does not have.
	Unknown []string `json:"unknown,omitempty"`
	// Sellable is the sellable stock of the known SKUs, added up.
	Sellable int `json:"sellable"`
	// NoStock are known SKUs with no sellable stock.
	NoStock []string `json:"no_stock,omitempty"`
	// Locked are SKUs whose stock a platform campaign holds (Lazada's
	// channelInventories): the channel refuses to change them (4170).
	Locked []LockedSKU `json:"locked,omitempty"`
}

// LockedSKU is a SKU with stock a platform campaign holds.
type LockedSKU struct {
	SKU   string `json:"sku"`
	Units int    `json:"units"`
}

// SaleState is one sale as the channel has it.
type SaleState struct {
	Sale          string    `json:"sale"`
	Name          string    `json:"name"`
	ConfiguredEnd time.Time `json:"configured_end"`
	// ChannelEnd is the end the channel has (absent when it has none).
	ChannelEnd time.Time `json:"channel_end,omitzero"`
	// EndDiffers is true when the channel's end is not the configured one
	// (to the minute: Lazada keeps sale times at minute precision).
	EndDiffers bool `json:"end_differs"`
	Paused     bool `json:"paused"`
	// Error is the channel's error when the sale could not be read.
	Error string `json:"error,omitempty"`
}

// Run checks every channel of cfg, the enabled ones in parallel, each with
// the client sources holds for it, and returns when all are done or out of
// time. A disabled channel is listed as skipped. It never calls a change.
func Run(ctx context.Context, cfg *config.Config, sources map[string]datasources.Source, o Options) Report {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.OrdersSince <= 0 {
		o.OrdersSince = DefaultOrdersSince
	}
	if o.Now == nil {
		o.Now = time.Now
		if cfg != nil && cfg.Clock != nil {
			o.Now = cfg.Clock.Now
		}
	}
	r := Report{At: time.Now(), SaleClock: o.Now(), Timeout: o.Timeout.String(), loc: time.Local}
	if cfg == nil {
		r.finish()
		return r
	}
	r.Config = cfg.Path
	if len(cfg.Sales) > 0 {
		r.loc, r.cur = cfg.Sales[0].Location(), cfg.Sales[0].Currency
	}
	r.Channels = make([]Channel, len(cfg.Channels))
	var wg sync.WaitGroup
	for i := range cfg.Channels {
		cc := &cfg.Channels[i]
		ch := &r.Channels[i]
		*ch = Channel{ID: cc.ID, Name: cc.DisplayName(), Kind: cc.Kind}
		if !cc.IsEnabled() {
			ch.Status, ch.Reason = Skipped, disabledReason(cc)
			continue
		}
		src := sources[cc.ID]
		if src == nil {
			why := "no client was built for it"
			if err := o.Unbuilt[cc.ID]; err != nil {
				why = err.Error()
			}
			*ch = noClient(*ch, why)
			continue
		}
		p := plan{cfg: cfg, ch: cc, src: src, o: o, loc: r.loc, cur: r.cur}
		wg.Go(func() { *ch = p.run(ctx) })
	}
	wg.Wait()
	r.finish()
	return r
}

func disabledReason(cc *config.Channel) string {
	if cc.ReplacedBy != "" {
		return "disabled: a closed storefront, replaced by " + cc.ReplacedBy + " (history kept, not called)"
	}
	return "disabled (enabled: false): not called"
}

// noClient is a channel that could not be built: its first step failed
// with why, the others were not tried.
func noClient(ch Channel, why string) Channel {
	ch.Status = Failed
	ch.Steps = newSteps()
	ch.Steps[0].Status, ch.Steps[0].Reason, ch.Steps[0].ErrorKind = Failed, why, "config"
	skipRest(ch.Steps, "the channel's client could not be built")
	return ch
}

func newSteps() []Step {
	out := make([]Step, 0, 4)
	for _, n := range []string{StepReach, StepOrders, StepStock, StepSale} {
		out = append(out, Step{Name: n, Title: stepTitles[n].String()})
	}
	return out
}

// skipRest marks every step not run yet as skipped, saying why.
func skipRest(steps []Step, why string) {
	for i := range steps {
		if steps[i].Status == "" {
			steps[i].Status, steps[i].Reason = Skipped, why
		}
	}
}

// finish sets the verdict, exit code and summary.
func (r *Report) finish() {
	var passed, skipped []string
	var failed []text.Text
	for _, c := range r.Channels {
		switch c.Status {
		case OK:
			passed = append(passed, c.Name)
		case Failed:
			what := text.New("%s", c.Name)
			if s := c.FirstFailure(); s != nil {
				what = text.New("%s (%s)", c.Name, titleText(s.Name, s.Title))
			}
			failed = append(failed, what)
		case Skipped:
			skipped = append(skipped, c.Name)
		}
	}
	r.OK = len(failed) == 0
	r.ExitCode = 0
	if !r.OK {
		r.ExitCode = 1
	}
	enabled := len(passed) + len(failed)
	channels := text.New("%s enabled channels", enabled)
	if enabled == 1 {
		channels = text.New("1 enabled channel")
	}
	var t text.Text
	switch {
	case enabled == 0:
		t = text.New("no enabled channel: nothing was checked")
	case len(failed) == 0:
		t = text.New("all %s passed", channels)
	default:
		t = text.New("%s of %s passed; failed: %s", len(passed), channels, text.Join(failed, ", "))
	}
	if len(skipped) > 0 {
		t = text.New("%s; skipped (disabled): %s", t, strings.Join(skipped, ", "))
	}
	r.SummaryText, r.Summary = t, t.String()
}

// titleText is a step's title as a text; title itself for a step of a
// report from a newer flashdeck.
func titleText(step, title string) text.Text {
	if t, ok := stepTitles[step]; ok {
		return t
	}
	return text.New("%s", title)
}

// Location is the zone the report writes times in: the first sale's, so
// that they read as the sale's own (local time for a report without one).
func (r *Report) Location() *time.Location {
	if r.loc == nil {
		return time.Local
	}
	return r.loc
}

// FirstFailure is the first failed step, or nil.
func (c *Channel) FirstFailure() *Step {
	for i := range c.Steps {
		if c.Steps[i].Status == Failed {
			return &c.Steps[i]
		}
	}
	return nil
}

// Counts returns how many steps passed and how many apply (every step but
// the ones the channel does not support).
func (c *Channel) Counts() (ok, applicable int) {
	for _, s := range c.Steps {
		switch s.Status {
		case OK:
			ok++
			applicable++
		case NotSupported:
		default:
			applicable++
		}
	}
	return ok, applicable
}

// Short is the channel's result in a few words, for the desktop's row:
// "Check: 4/4 ok", "Check: 2/2 ok (2 not supported)", or the first
// failure ("Check ✗ stock: …").
func (c *Channel) Short() string { return c.ShortText().String() }

// ShortText is Short as a text each screen writes in its language. A
// failure's reason is quoted as the step recorded it (for a channel's
// error, the channel's own words).
func (c *Channel) ShortText() text.Text {
	switch c.Status {
	case Skipped:
		return text.New("Check: skipped, %s", c.Reason)
	case Failed:
		if s := c.FirstFailure(); s != nil {
			return text.New("Check ✗ %s: %s", titleText(s.Name, s.Title), s.Reason)
		}
	}
	ok, n := c.Counts()
	var notes []text.Text
	if ns := len(c.Steps) - n; ns > 0 {
		notes = append(notes, text.New("%s not supported", ns))
	}
	switch w := c.warnings(); {
	case w == 1:
		notes = append(notes, text.New("1 warning"))
	case w > 1:
		notes = append(notes, text.New("%s warnings", w))
	}
	if len(notes) > 0 {
		return text.New("Check: %s/%s ok (%s)", ok, n, text.Join(notes, ", "))
	}
	return text.New("Check: %s/%s ok", ok, n)
}

func (c *Channel) warnings() int {
	n := 0
	for _, s := range c.Steps {
		n += len(s.Warnings)
	}
	return n
}

// Why a step does not apply to a channel.
const (
	noOrders = "the channel's API lists no orders"
	noStock  = "the channel's API has no stock call: check the stock of the sale's SKUs in its seller center"
	noSale   = "the channel's API has no sale state: pause and extend there are manual steps"
)

// plan is the check of one channel.
type plan struct {
	cfg *config.Config
	ch  *config.Channel
	src datasources.Source
	o   Options
	loc *time.Location
	cur string
}

// runner holds a channel's result while its steps run, so that a client
// that never returns can be reported as hanging.
type runner struct {
	mu        sync.Mutex
	ch        Channel
	cur       int // index of the step running, -1 between steps
	curStart  time.Time
	abandoned bool
}

// run checks the channel within its timeout. The steps run on a goroutine
// of their own: a client that ignores its context (it should not) is left
// behind after a grace period rather than holding the whole check.
func (p plan) run(parent context.Context) Channel {
	start := time.Now()
	ctx, cancel := context.WithTimeout(parent, p.o.Timeout)
	defer cancel()
	r := &runner{cur: -1}
	r.ch = Channel{ID: p.ch.ID, Name: p.ch.DisplayName(), Kind: p.ch.Kind, Steps: newSteps()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			// A client's bug must not take the check (or the desktop) down.
			if v := recover(); v != nil {
				r.fail(fmt.Sprintf("the %s client failed unexpectedly: %v", p.ch.Kind, v))
			}
		}()
		p.steps(ctx, r)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t := time.NewTimer(grace)
		select {
		case <-done:
		case <-t.C:
			r.fail(fmt.Sprintf("no answer within %s, and the client did not give up: the channel hangs", p.o.Timeout))
		}
		t.Stop()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.abandoned = true // a late step must not write into the result any more
	ch := r.ch
	ch.Steps = slices.Clone(r.ch.Steps)
	ch.Sales = slices.Clone(r.ch.Sales)
	skipRest(ch.Steps, "not reached in time")
	ch.DurationMS = ms(time.Since(start))
	ch.Status = OK
	if ch.FirstFailure() != nil {
		ch.Status = Failed
	}
	return ch
}

// fail marks the step running (or the next one) failed with why, and the
// rest skipped.
func (r *runner) fail(why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.abandoned {
		return
	}
	i := r.cur
	if i < 0 {
		for i = 0; i < len(r.ch.Steps) && r.ch.Steps[i].Status != ""; i++ {
		}
	}
	if i < len(r.ch.Steps) {
		s := &r.ch.Steps[i]
		s.Status, s.Reason = Failed, why
		if !r.curStart.IsZero() && r.cur >= 0 {
			s.DurationMS = ms(time.Since(r.curStart))
		}
	}
	skipRest(r.ch.Steps, "the step before it never finished")
	r.abandoned = true
}

// step runs one step: fn fills in a copy of it, which is kept unless the
// channel was given up on meanwhile. It returns the step's status.
func (r *runner) step(i int, fn func(s *Step)) Status {
	r.mu.Lock()
	if r.abandoned {
		r.mu.Unlock()
		return Failed
	}
	s := r.ch.Steps[i]
	r.cur, r.curStart = i, time.Now()
	r.mu.Unlock()
	t0 := time.Now()
	fn(&s)
	s.DurationMS = ms(time.Since(t0))
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.abandoned {
		return Failed
	}
	r.ch.Steps[i] = s
	r.cur, r.curStart = -1, time.Time{}
	return s.Status
}

// set records findings beside the steps (under the runner's lock).
func (r *runner) set(fn func(ch *Channel)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.abandoned {
		fn(&r.ch)
	}
}

// skip marks the remaining steps skipped with why.
func (r *runner) skip(why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.abandoned {
		skipRest(r.ch.Steps, why)
	}
}

// steps runs the four steps in turn. A channel that cannot be reached is
// not asked for more: every call would fail the same way, and each would
// spend the channel's call budget and the check's time.
func (p plan) steps(ctx context.Context, r *runner) {
	// What the channel's API cannot do is said up front, so that a channel
	// that is down still shows it as not supported rather than skipped.
	r.set(func(ch *Channel) {
		caps := p.src.Capabilities()
		if !caps.Orders {
			ch.Steps[1].Status, ch.Steps[1].Reason = NotSupported, noOrders
		}
		if !caps.Stock {
			ch.Steps[2].Status, ch.Steps[2].Reason = NotSupported, noStock
		}
		if _, ok := p.src.(datasources.Controller); !ok {
			ch.Steps[3].Status, ch.Steps[3].Reason = NotSupported, noSale
		}
	})
	if r.step(0, func(s *Step) { p.reach(ctx, s) }) != OK {
		r.skip("the channel was not reached")
		return
	}
	st := r.step(1, func(s *Step) { p.orders(ctx, s, r) })
	if st == Failed && ctx.Err() != nil {
		r.skip(p.outOfTime(ctx))
		return
	}
	skus := p.saleSKUs()
	st = r.step(2, func(s *Step) { p.stock(ctx, s, r, skus) })
	if st == Failed && ctx.Err() != nil {
		r.skip(p.outOfTime(ctx))
		return
	}
	r.step(3, func(s *Step) { p.sale(ctx, s, r) })
}

func (p plan) outOfTime(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("the channel's %s (--timeout) ran out", p.o.Timeout)
	}
	return "the check was cancelled"
}

// failed records a channel error on a step. When the channel's time ran
// out, the reason says so first: the error alone ("context deadline
// exceeded") does not tell a manager that the channel hangs.
func (p plan) failed(ctx context.Context, s *Step, err error) {
	s.Status = Failed
	s.ErrorKind = datasources.KindOf(err).Label()
	s.Reason = err.Error()
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		s.Reason = fmt.Sprintf("no answer within %s (the check's time for a channel, --timeout): %v", p.o.Timeout, err)
		s.ErrorKind = datasources.ErrTimeout.Label()
	case ctx.Err() != nil:
		s.Reason = "the check was cancelled: " + err.Error()
	}
}

// reach proves the channel answers and takes the credentials (Health:
// Lazada's /seller/get, Akulaku's smallest order-list call, the brand
// store's /v1/health).
func (p plan) reach(ctx context.Context, s *Step) {
	if err := p.src.Health(ctx); err != nil {
		p.failed(ctx, s, err)
		return
	}
	s.Status = OK
	switch p.src.Kind() {
	case datasources.KindLazada:
		s.Detail = "the seller answered (/seller/get): app key, signature and access token accepted"
	case datasources.KindAkulaku:
		s.Detail = "an order-list call answered: app id, token and key accepted from this IP"
	case datasources.KindBrandstore:
		s.Detail = "the store's /v1/health answered ok: token accepted"
	default:
		s.Detail = "the channel answered and accepted the credentials"
	}
}

// orders reads one page of orders updated in the last OrdersSince.
func (p plan) orders(ctx context.Context, s *Step, r *runner) {
	if !p.src.Capabilities().Orders {
		s.Status, s.Reason = NotSupported, noOrders
		return
	}
	since := p.o.Now().Add(-p.o.OrdersSince)
	page, err := p.src.Orders(ctx, datasources.Cursor{UpdatedAfter: since})
	if err != nil {
		p.failed(ctx, s, err)
		return
	}
	n := len(page.Orders)
	r.set(func(ch *Channel) { ch.Orders = &n })
	s.Status = OK
	s.Detail = fmt.Sprintf("%s updated since %s on the first page", plural(n, "order", "orders"), format.Clock(since, p.loc))
	if page.Total >= 0 && page.Total > n {
		s.Detail += " (" + format.Count(page.Total, p.cur) + " in all)"
	}
	if page.More {
		s.Detail += "; more pages waiting"
	}
}

// saleSKUs lists, in config order and once each, the SKUs the sales
// allocate to the channel.
func (p plan) saleSKUs() []string {
	var out []string
	seen := map[string]bool{}
	for _, sl := range p.cfg.Sales {
		for _, k := range sl.SKUs {
			if _, ok := k.Allocated[p.ch.ID]; !ok {
				continue
			}
			sku := strings.TrimSpace(k.SKU)
			if sku != "" && !seen[sku] {
				seen[sku] = true
				out = append(out, sku)
			}
		}
	}
	return out
}

// stock reads every configured SKU and says which ones the channel does not
// know, which have no sellable stock and which a campaign locks.
func (p plan) stock(ctx context.Context, s *Step, r *runner, skus []string) {
	if !p.src.Capabilities().Stock {
		s.Status, s.Reason = NotSupported, noStock
		return
	}
	if len(skus) == 0 {
		s.Status, s.Reason = Skipped, "no configured sale allocates a SKU to this channel"
		return
	}
	rs, err := p.src.Stock(ctx, skus)
	if err != nil {
		p.failed(ctx, s, err)
		return
	}
	got := make(map[string]datasources.StockReading, len(rs))
	for _, rd := range rs {
		got[strings.TrimSpace(rd.SKU)] = rd
	}
	found := SKUs{Configured: len(skus)}
	for _, sku := range skus {
		rd, ok := got[sku]
		if !ok {
			found.Unknown = append(found.Unknown, sku)
			continue
		}
		found.Known++
		found.Sellable += max(rd.Sellable, 0)
		if rd.Sellable <= 0 {
			found.NoStock = append(found.NoStock, sku)
		}
		if rd.Locked > 0 {
			found.Locked = append(found.Locked, LockedSKU{SKU: sku, Units: rd.Locked})
		}
	}
	r.set(func(ch *Channel) { ch.SKUs = &found })
	s.Detail = fmt.Sprintf("%d of %d configured SKUs known; %s units sellable", found.Known, found.Configured, format.Count(found.Sellable, p.cur))
	if len(found.Unknown) == 0 {
		s.Detail = fmt.Sprintf("all %s known; %s units sellable", plural(found.Configured, "configured SKU", "configured SKUs"), format.Count(found.Sellable, p.cur))
	}
	if len(found.NoStock) > 0 {
		s.Warnings = append(s.Warnings, fmt.Sprintf("no sellable stock (sold out, or not loaded yet): %s", list(found.NoStock)))
	}
	if len(found.Locked) > 0 {
		names := make([]string, len(found.Locked))
		for i, l := range found.Locked {
			names[i] = fmt.Sprintf("%s (%s units)", l.SKU, format.Count(l.Units, p.cur))
		}
		s.Warnings = append(s.Warnings, fmt.Sprintf("stock locked by a platform campaign, so a pause or extend of it will be refused (4170): %s", list(names)))
	}
	if len(found.Unknown) > 0 {
		s.Status = Failed
		s.ErrorKind = "unknown_sku"
		s.Reason = fmt.Sprintf("%d of %d configured SKUs unknown to the channel: %s", len(found.Unknown), found.Configured, list(found.Unknown))
		return
	}
	s.Status = OK
}

// sale reads each sale's end and pause state where the channel has a sale
// API (a datasources.Controller); only ReadSale is called.
func (p plan) sale(ctx context.Context, s *Step, r *runner) {
	ctl, ok := p.src.(datasources.Controller)
	if !ok {
		s.Status, s.Reason = NotSupported, noSale
		return
	}
	var states []SaleState
	var notes, warns []string
	var firstErr error
	for _, sl := range p.cfg.Sales {
		var skus []string
		for _, k := range sl.SKUs {
			if _, ok := k.Allocated[p.ch.ID]; ok {
				skus = append(skus, k.SKU)
			}
		}
		if len(skus) == 0 {
			continue
		}
		loc := sl.Location()
		st := SaleState{Sale: sl.ID, Name: sl.Name, ConfiguredEnd: sl.End}
		sc, err := ctl.ReadSale(ctx, datasources.SaleTarget{SaleID: sl.ID, SKUs: skus})
		if err != nil {
			st.Error = err.Error()
			states = append(states, st)
			if firstErr == nil {
				firstErr = err
			}
			if ctx.Err() != nil {
				break
			}
			continue
		}
		st.ChannelEnd, st.Paused = sc.End, sc.Paused
		note := sl.Name + ": "
		switch {
		case sc.End.IsZero():
			warns = append(warns, fmt.Sprintf("%s: the channel has no sale end (configured %s)", sl.Name, when(sl.End, loc)))
			note += "no end on the channel"
		case !sc.End.Truncate(time.Minute).Equal(sl.End.Truncate(time.Minute)):
			st.EndDiffers = true
			warns = append(warns, fmt.Sprintf("%s: ends %s on the channel, configured %s", sl.Name, when(sc.End, loc), when(sl.End, loc)))
			note += "ends " + when(sc.End, loc) + " on the channel"
		default:
			note += "ends " + when(sc.End, loc) + " as configured"
		}
		if sc.Paused {
			warns = append(warns, sl.Name+": paused on the channel (it sells nothing until resumed)")
			note += "; paused"
		} else {
			note += "; not paused"
		}
		states = append(states, st)
		notes = append(notes, note)
	}
	r.set(func(ch *Channel) { ch.Sales = states })
	s.Detail, s.Warnings = strings.Join(notes, "; "), warns
	switch {
	case firstErr != nil:
		p.failed(ctx, s, firstErr)
	case len(states) == 0:
		s.Status, s.Reason = Skipped, "no configured sale allocates a SKU to this channel"
	default:
		s.Status = OK
	}
}

// when writes a time as "23 Nov 23:59 WIB".
func when(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format("2 Jan ") + format.Clock(t, loc)
}

// list names up to maxListed items, then "… and N more".
func list(items []string) string {
	if len(items) <= maxListed {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:maxListed], ", ") + fmt.Sprintf(" … and %d more", len(items)-maxListed)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ms is a duration in milliseconds, to a tenth.
func ms(d time.Duration) float64 {
	return float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
}
