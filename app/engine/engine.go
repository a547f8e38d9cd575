// Package engine is flashdeck's monitoring core: one poller per channel,
// incremental ingest of orders into per SKU × channel figures, channel
// health, and immutable snapshots for the screens, the API and the metrics.
// It never imports Fyne.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/fanout"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

// Hooks let other layers (metrics) observe the engine without it knowing them.
type Hooks struct {
	// OnPoll is called after each poll of a channel with its duration and
	// its error (nil on success).
	OnPoll func(channel string, d time.Duration, err error)
	// OnFresh is called, when a snapshot is published, once per channel
	// with the orders it shows for the first time that were created while
	// the channel was polled live (not read back from a backfill or the
	// store): the wall time from each order's creation to the publication.
	OnFresh func(channel string, ds []time.Duration)
}

// Options configure an engine.
type Options struct {
	Config *config.Config
	// Sources by channel id, for the enabled channels.
	Sources map[string]datasources.Source
	Store   *store.Store
	// Now is the sale clock (time.Now unless a simulator runs time faster).
	Now func() time.Time
	// ClockSpeed is how many sale seconds pass in a wall second (1 when
	// zero): freshness is measured in wall time.
	ClockSpeed float64
	Hooks      Hooks
	Logger     *slog.Logger
	// MaxPagesPerPoll bounds one poll so a long backfill still publishes
	// progress and yields to the schedule (default 20).
	MaxPagesPerPoll int
	// PublishEvery is the least time between two snapshots (default 250ms).
	PublishEvery time.Duration
	// FlagKey is the key personal data is hashed with for the scalper
	// rules; by default the one in the store's directory (rules.LoadKey).
	FlagKey []byte
	// Offline builds an engine that only reads the store (Load, then
	// Snapshot, History…): no channel needs a client, and Run refuses.
	Offline bool
	// PurgeEvery is how often the personal data whose retention ended
	// (personal_data_days) is purged from the store, besides at start
	// (default 1h).
	PurgeEvery time.Duration
}

// Engine polls the channels and keeps the figures. Start it with Run.
type Engine struct {
	opt   Options
	cfg   *config.Config
	now   func() time.Time
	log   *slog.Logger
	store *store.Store

	mu       sync.Mutex // guards everything below and the channel states
	channels []*channel
	chByID   map[string]*channel
	sales    []*sale
	cells    []cell
	// unsavedFlags are flags whose last write failed, retried with the next.
	unsavedFlags []rules.Flag
	// saveFlagsMu makes flag saves write in the order their changes were
	// taken: the pollers and the reader of pushed orders all save, and an
	// older version of a flag must not land after a newer one.
	saveFlagsMu sync.Mutex

	dirty atomic.Bool
	// setAside describes the saved state Load could not use.
	setAside atomic.Pointer[[]string]
	snap     atomic.Pointer[Snapshot]
	seq      uint64
	// controlMu serialises changes of a sale's end and pause, each saved
	// whole: two at once must not save each other's old half.
	controlMu sync.Mutex
	// subs hands each snapshot to its readers, the newest one always.
	subs     fanout.Fanout[*Snapshot]
	started  atomic.Bool
	loadDone chan struct{}
}

type sale struct {
	cfg   *config.Sale
	rules *rules.Sale
	// onChan[i] is true when channel i takes part in the sale.
	onChan []bool
	flags  flagCache
	start  int64 // unix ms
	end    int64 // the configured end
	// endOn[i] is the end on channel i (later than end once extended);
	// pausedOn[i] is true while flashdeck has the sale paused there.
	endOn    []int64
	pausedOn []bool
	skus     []saleSKU
	// perMin[i] is units per minute on channel i over the whole sale
	// (history.go).
	perMin []minuteSeries
	// chans lists the channels this sale runs on, in config order.
	chans []int
}

type saleSKU struct {
	cfg   *config.SKU
	cells []int32 // one per channel the SKU is allocated on
}

// cell is one SKU of one sale on one channel.
type cell struct {
	sale, sku, ch int
	allocated     int
	sold          int
	rate          ring
	// soldAtStock is sold when the channel's stock of the SKU was last
	// read: the stock reading is judged against what remained then, not
	// against a count that has moved on since. behindAtStock is how far
	// (sale time) the count was behind the channel's newest order then.
	soldAtStock   int
	behindAtStock time.Duration
}

type channel struct {
	cfg  *config.Channel
	idx  int
	src  datasources.Source
	caps datasources.Capabilities
	skus map[string][]int32 // seller SKU → cells
	// saleSKUs are the seller SKUs the configured sales have on this
	// channel, in config order: what a stock read asks for (a catalogue
	// walk would read products no sale has, and Lazada stops paging a
	// catalogue at offset 10,000).
	saleSKUs []string
	orders   orderIndex
	cursor   datasources.Cursor
	spark    ring

	stock   map[string]datasources.StockReading
	stockAt time.Time
	// stockWall is the wall time each SKU's stock was read.
	stockWall map[string]time.Time
	// latestOrder is the creation time (unix ms, sale clock) of the newest
	// order read: how far the count is behind the channel.
	latestOrder int64

	state       string
	lastSuccess time.Time
	lastError   string
	lastErrorAt time.Time
	downSince   time.Time
	failures    int
	latency     time.Duration
	nextPoll    time.Time
	rateLimited bool
	lastStock   time.Time
	// lastHotStock is when the selling SKUs' stock was last read (with
	// the rest, or alone: stockDue).
	lastHotStock time.Time
	backfill     Backfill
	// push queues the orders the channel pushed (nil when it does not).
	push *pushQueue
	// fresh holds the creation times (unix ms, sale clock) of orders first
	// seen while polling live, until the next snapshot is published.
	fresh []int64
	// health lists the changes of state (history.go); recorded is the
	// state last recorded ("" before the first poll), unsavedHealth the
	// changes not written to the store yet.
	health        []store.HealthChange
	recorded      string
	unsavedHealth []store.HealthChange
}

// New builds an engine from the configuration. It loads nothing and polls
// nothing until Run.
func New(opt Options) (*Engine, error) {
	if opt.Config == nil {
		return nil, errors.New("engine: no configuration")
	}
	if opt.Store == nil {
		return nil, errors.New("engine: no store")
	}
	opt.applyDefaults()
	e := &Engine{
		opt: opt, cfg: opt.Config, now: opt.Now, log: opt.Logger, store: opt.Store,
		chByID: map[string]*channel{}, subs: fanout.Fanout[*Snapshot]{Buffer: 1, Latest: true}, loadDone: make(chan struct{}),
	}
	if err := e.buildChannels(); err != nil {
		return nil, err
	}
	e.buildCells()
	key, err := flagKey(opt)
	if err != nil {
		return nil, err
	}
	e.buildSaleRules(key)
	e.snap.Store(e.build())
	return e, nil
}

// applyDefaults fills in the options left zero.
func (opt *Options) applyDefaults() {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.MaxPagesPerPoll <= 0 {
		opt.MaxPagesPerPoll = 20
	}
	if opt.ClockSpeed <= 0 {
		opt.ClockSpeed = 1
	}
	if opt.PublishEvery <= 0 {
		opt.PublishEvery = 250 * time.Millisecond
	}
	if opt.PurgeEvery <= 0 {
		opt.PurgeEvery = time.Hour
	}
}

// buildChannels makes a channel of each configured one, in config order,
// with its client; a closed storefront (enabled: false) has none and is
// shown disabled.
func (e *Engine) buildChannels() error {
	for i := range e.cfg.Channels {
		cc := &e.cfg.Channels[i]
		ch := &channel{
			cfg: cc, idx: i, skus: map[string][]int32{}, orders: newOrderIndex(),
			stock: map[string]datasources.StockReading{}, stockWall: map[string]time.Time{}, state: StateDegraded, lastError: "not polled yet",
			spark: newRing(time.Minute, 30),
		}
		if !cc.IsEnabled() {
			ch.state, ch.lastError = StateDisabled, ""
		} else {
			src := e.opt.Sources[cc.ID]
			if src == nil && !e.opt.Offline {
				return fmt.Errorf("engine: channel %s has no client", cc.ID)
			}
			if src != nil {
				ch.src = src
				ch.caps = src.Capabilities()
				ch.push = newPushQueue(ch)
			}
		}
		e.channels = append(e.channels, ch)
		e.chByID[cc.ID] = ch
	}
	return nil
}

// buildCells makes the sales and a cell for each SKU on each channel it
// is allocated on; each channel learns its sales' SKUs and their cells.
func (e *Engine) buildCells() {
	for si := range e.cfg.Sales {
		sc := &e.cfg.Sales[si]
		s := &sale{cfg: sc, start: sc.Start.UnixMilli(), end: sc.End.UnixMilli()}
		seen := map[int]bool{}
		for ki := range sc.SKUs {
			k := &sc.SKUs[ki]
			ss := saleSKU{cfg: k}
			// Channels in config order, so every listing is stable.
			for _, ch := range e.channels {
				n, ok := k.Allocated[ch.cfg.ID]
				if !ok {
					continue
				}
				ci := int32(len(e.cells))
				e.cells = append(e.cells, cell{sale: si, sku: ki, ch: ch.idx, allocated: n, rate: newRing(5*time.Second, 60)})
				ss.cells = append(ss.cells, ci)
				if len(ch.skus[k.SKU]) == 0 {
					ch.saleSKUs = append(ch.saleSKUs, k.SKU)
				}
				ch.skus[k.SKU] = append(ch.skus[k.SKU], ci)
				if !seen[ch.idx] {
					seen[ch.idx] = true
					s.chans = append(s.chans, ch.idx)
				}
			}
			s.skus = append(s.skus, ss)
		}
		e.sales = append(e.sales, s)
	}
}

// flagKey is the key that seals the flags' evidence: the one given, or
// the one kept beside the store.
func flagKey(opt Options) ([]byte, error) {
	if opt.FlagKey != nil {
		return opt.FlagKey, nil
	}
	k, err := rules.LoadKey(filepath.Dir(opt.Store.Path()))
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return k, nil
}

// buildSaleRules gives each sale its per-channel state (on the channel,
// its end there, paused) and its rules.
func (e *Engine) buildSaleRules(key []byte) {
	for _, s := range e.sales {
		s.onChan = make([]bool, len(e.channels))
		s.endOn = make([]int64, len(e.channels))
		s.pausedOn = make([]bool, len(e.channels))
		s.perMin = make([]minuteSeries, len(e.channels))
		for i := range s.endOn {
			s.endOn[i] = s.end
		}
		for _, ci := range s.chans {
			s.onChan[ci] = true
		}
		s.rules = rules.NewSale(saleRules(s.cfg, e.channels), key)
	}
}

// saleRules describes a sale to the rules engine.
func saleRules(c *config.Sale, chans []*channel) rules.SaleSpec {
	spec := rules.SaleSpec{
		ID: c.ID, Start: c.Start, End: c.End,
		Config: rules.Config{
			PerBuyerLimit:         c.PerBuyerLimit,
			MaxAccountsPerPhone:   c.FlagRules.MaxAccountsPerPhone,
			MaxAccountsPerAddress: c.FlagRules.MaxAccountsPerAddress,
			MaxAccountsPerPayment: c.FlagRules.MaxAccountsPerPayment,
			VelocityOrders:        c.FlagRules.VelocityOrders,
			VelocityWindow:        c.FlagRules.VelocityWindow.D(),
			MinCheckout:           c.FlagRules.MinCheckout.D(),
			JigVariants:           c.FlagRules.JigVariants,
			Disabled:              c.FlagRules.Disabled,
		},
	}
	for _, k := range c.SKUs {
		spec.SKUs = append(spec.SKUs, k.SKU)
	}
	for _, ch := range chans {
		spec.ChannelIDs = append(spec.ChannelIDs, ch.cfg.ID)
		spec.ChannelNames = append(spec.ChannelNames, ch.cfg.DisplayName())
	}
	return spec
}

// Load replays the saved orders, cursors and stock into memory. Run calls
// it; call it directly to read a state_dir without polling.
func (e *Engine) Load() error {
	if err := e.restoreFlags(); err != nil {
		return err
	}
	// Extensions and pauses first: the replay counts orders inside the
	// windows they give.
	if err := e.restoreControls(); err != nil {
		return err
	}
	// Personal data past its retention goes before the replay: it never
	// reaches memory again.
	e.purgePersonalData()
	for _, ch := range e.channels {
		if err := e.restoreChannel(ch); err != nil {
			return err
		}
	}
	// Flags the replay made (or changed) are written back: a state_dir from
	// before the rules existed gets its flags on first start.
	if err := e.saveFlags(); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	e.dirty.Store(true)
	e.publish()
	return nil
}

// restoreFlags hands the saved flags (and their review states) to every
// sale's rules.
func (e *Engine) restoreFlags() error {
	saved, err := e.store.Flags()
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.sales {
		s.rules.Restore(saved)
	}
	return nil
}

// restoreControls applies the saved extensions and pauses. A saved end the
// sale no longer allows is set aside (and logged): the configured end
// counts.
func (e *Engine) restoreControls() error {
	controls, aside, err := e.store.Controls()
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	for _, c := range controls {
		s, ch := e.saleLocked(c.Sale), e.chByID[c.Channel]
		if s == nil || ch == nil {
			continue
		}
		if !c.End.IsZero() {
			if err := endAllowed(s.cfg, c.End); err != nil {
				why := fmt.Sprintf("the saved end of %s on %s: %v", c.Sale, c.Channel, err)
				if err := e.store.SetControlAside(c.Sale, c.Channel, why); err != nil {
					return fmt.Errorf("engine: %w", err)
				}
				aside = append(aside, why+"; set aside, the configured end counts")
				continue
			}
		}
		e.mu.Lock()
		s.applyControl(ch.idx, c)
		s.rules.ExtendEnd(s.endTime())
		e.mu.Unlock()
	}
	for _, why := range aside {
		e.log.Error("saved state not loaded", "why", why)
	}
	e.setAside.Store(&aside)
	return nil
}

// restoreChannel loads one channel's health changes and cursor (or starts its backfill),
// replays its saved orders and restores its last stock readings.
func (e *Engine) restoreChannel(ch *channel) error {
	if err := e.loadHealth(ch); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	c, ok, err := e.store.Cursor(ch.cfg.ID)
	if err != nil {
		return fmt.Errorf("engine: cursor of %s: %w", ch.cfg.ID, err)
	}
	if ok {
		ch.cursor = c
	} else {
		ch.cursor = datasources.Cursor{UpdatedAfter: e.firstWindow(ch)}
		ch.backfill.Active = ch.src != nil
	}
	e.mu.Lock()
	rs, err := e.store.EachOrderStats(ch.cfg.ID, func(o *datasources.Order) error {
		e.ingest(ch, o)
		return nil
	})
	e.mu.Unlock()
	if err != nil {
		return fmt.Errorf("engine: orders of %s: %w", ch.cfg.ID, err)
	}
	if rs.Unreadable() > 0 {
		e.log.Warn("orders whose buyers' personal data is unreadable: they count in every figure, but the scalper rules cannot match their phones, addresses or accounts",
			"channel", ch.cfg.ID, "unreadable", rs.Unreadable(), "of", rs.Orders, "sealed_with_a_lost_key", rs.LostKey, "damaged", rs.Damaged)
	}
	st, at, err := e.store.Stock(ch.cfg.ID)
	if err != nil {
		return fmt.Errorf("engine: stock of %s: %w", ch.cfg.ID, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	wallNow, saleNow := time.Now(), e.now()
	for k, r := range st {
		ch.stock[k] = r
		e.markStockRead(ch, k)
		// Saved in sale time; its age carries over to wall time.
		ch.stockWall[k] = wallNow.Add(at[k].Sub(saleNow))
		if at[k].After(ch.stockAt) {
			ch.stockAt = at[k]
		}
	}
	return nil
}

// saveFlags writes the flags changed since the last save. A failed write
// keeps them for the next attempt.
func (e *Engine) saveFlags() error {
	e.saveFlagsMu.Lock()
	defer e.saveFlagsMu.Unlock()
	e.mu.Lock()
	fs := e.unsavedFlags
	e.unsavedFlags = nil
	for _, s := range e.sales {
		fs = append(fs, s.rules.Changed()...)
	}
	e.mu.Unlock()
	if err := e.store.SaveFlags(fs); err != nil {
		e.mu.Lock()
		e.unsavedFlags = append(fs, e.unsavedFlags...)
		e.mu.Unlock()
		return err
	}
	return nil
}

// firstWindow is where a channel with no saved cursor starts reading: an
// hour before the earliest sale it takes part in opens.
func (e *Engine) firstWindow(ch *channel) time.Time {
	var first time.Time
	for _, s := range e.sales {
		for _, ci := range s.chans {
			if ci == ch.idx && (first.IsZero() || s.cfg.Start.Before(first)) {
				first = s.cfg.Start
			}
		}
	}
	if first.IsZero() {
		first = e.now()
	}
	return first.Add(-time.Hour)
}

// Run loads the saved state, then polls every enabled channel until ctx
// ends. It returns after every poller has stopped.
func (e *Engine) Run(ctx context.Context) error {
	if e.opt.Offline {
		return errors.New("engine: an offline engine only reads the store")
	}
	if !e.started.CompareAndSwap(false, true) {
		return errors.New("engine: already running")
	}
	if err := e.Load(); err != nil {
		return err
	}
	close(e.loadDone)
	var wg sync.WaitGroup
	for _, ch := range e.channels {
		if ch.src == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.pollLoop(ctx, ch)
		}()
		if ch.push != nil {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.pushLoop(ctx, ch)
			}()
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.publishLoop(ctx)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.purgeLoop(ctx)
	}()
	wg.Wait()
	return nil
}

// Loaded is closed once the saved state has been replayed.
func (e *Engine) Loaded() <-chan struct{} { return e.loadDone }

// ingest applies one order (new, or an update of one already seen). It
// undoes the order's previous contribution and adds the new one, so an
// order delivered twice counts once and a cancellation takes its units
// back. Callers hold e.mu.
func (e *Engine) ingest(ch *channel, o *datasources.Order) {
	u := o.UpdatedAt.UnixMilli()
	if at := o.CreatedAt.UnixMilli(); at > ch.latestOrder {
		ch.latestOrder = at
	}
	prev, seen := ch.orders.get(o.ID)
	if seen && prev.updated > u {
		return // an older version than the one applied
	}
	var one [1]orderLine
	for _, l := range ch.orders.lines(&prev, &one) {
		e.count(ch, l, prev.created, -1)
	}
	created := o.CreatedAt.UnixMilli()
	lines := ch.orders.scratch[:0]
	if !o.IsCancelled() {
		for _, it := range o.Items {
			if it.Cancelled || it.Quantity <= 0 {
				continue
			}
			for _, ci := range ch.skus[it.SKU] {
				s := e.sales[e.cells[ci].sale]
				if created < s.start || created >= s.endOn[ch.idx] {
					continue
				}
				lines = append(lines, orderLine{cell: ci, units: int32(it.Quantity)})
			}
		}
	}
	for _, l := range lines {
		e.count(ch, l, created, 1)
	}
	ch.orders.scratch = lines
	ch.orders.put(o.ID, prev, seen, u, created)
	for _, s := range e.sales {
		if s.onChan[ch.idx] {
			s.rules.Observe(ch.idx, o)
		}
	}
}

// count adds a line's units (sign 1) or takes them back (sign -1), at the
// order's creation time.
func (e *Engine) count(ch *channel, l orderLine, at int64, sign int32) {
	c := &e.cells[l.cell]
	units := sign * l.units
	c.sold += int(units)
	c.rate.add(at, float64(units))
	ch.spark.add(at, float64(units))
	s := e.sales[c.sale]
	s.perMin[ch.idx].add(s.start, at, units)
}

// pollLoop polls one channel until ctx ends.
func (e *Engine) pollLoop(ctx context.Context, ch *channel) {
	interval := ch.cfg.PollInterval.D()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		start := time.Now()
		more, err := e.pollOnce(ctx, ch)
		if ctx.Err() != nil {
			return
		}
		d := time.Since(start)
		if e.opt.Hooks.OnPoll != nil {
			e.opt.Hooks.OnPoll(ch.cfg.ID, d, err)
		}
		delay := e.record(ch, d, more, err, interval)
		e.saveHealth(ch)
		timer.Reset(delay)
	}
}

// pollOnce reads pages of orders while the channel has more ready (up to
// MaxPagesPerPoll), then stock when it is due. Pages are saved before they
// are applied: a crash between the two replays them harmlessly. A channel
// with many pages ready (a backfill, a catch-up after an outage) has them
// saved in groups of about saveBatch orders, one synced transaction each:
// the disk's sync, not the channel, would otherwise set the pace.
func (e *Engine) pollOnce(ctx context.Context, ch *channel) (more bool, err error) {
	e.mu.Lock()
	var b pending
	b.next = ch.cursor
	e.mu.Unlock()
	for range e.opt.MaxPagesPerPoll {
		page, err := ch.src.Orders(ctx, b.next)
		if err != nil {
			// Pages read before the failure are kept.
			return false, e.flush(ch, &b, err)
		}
		b.orders = append(b.orders, page.Orders...)
		b.next, b.total, b.done = page.Next, page.Total, !page.More
		b.pages++
		more = page.More
		if len(b.orders) >= saveBatch || !page.More {
			if err := e.flush(ch, &b, nil); err != nil {
				return false, err
			}
		}
		if !page.More {
			break
		}
	}
	if err := e.flush(ch, &b, nil); err != nil {
		return false, err
	}
	if skus, full := e.stockDue(ch); len(skus) > 0 {
		readings, err := ch.src.Stock(ctx, skus)
		if err != nil {
			return more, err
		}
		at := e.now()
		if err := e.store.SavePage(ch.cfg.ID, store.Page{Stock: readings, StockAt: at}); err != nil {
			return more, saveError(ch, err)
		}
		e.mu.Lock()
		wall := time.Now()
		for _, r := range readings {
			ch.stock[r.SKU] = r
			ch.stockWall[r.SKU] = wall
			e.markStockRead(ch, r.SKU)
		}
		ch.stockAt = at
		ch.lastHotStock = wall
		if full {
			ch.lastStock = wall
		}
		e.mu.Unlock()
		e.dirty.Store(true)
	}
	return more, nil
}

// saveError is a failed write of the database, reported as the channel's
// failure: its figures cannot move on until they are saved.
func saveError(ch *channel, err error) error {
	return &datasources.Error{Channel: ch.cfg.ID, Op: "save", Kind: datasources.ErrUnavailable, Message: "cannot write the database: " + err.Error(), Err: err}
}

// saveBatch is about how many orders are saved in one transaction when a
// channel has many pages ready.
const saveBatch = 2000

// pending is what a poll read and has not saved yet.
type pending struct {
	orders []datasources.Order
	next   datasources.Cursor
	total  int
	pages  int
	done   bool // the last page read said no more
}

// flush saves the pages read so far with the cursor after them, then
// applies them, and returns cause (or the save's error, which wins).
func (e *Engine) flush(ch *channel, b *pending, cause error) error {
	if b.pages == 0 {
		return cause
	}
	if err := e.store.SavePage(ch.cfg.ID, store.Page{Orders: b.orders, Cursor: &b.next}); err != nil {
		return saveError(ch, err)
	}
	e.mu.Lock()
	for i := range b.orders {
		o := &b.orders[i]
		if e.opt.Hooks.OnFresh != nil && !ch.backfill.Active {
			if !ch.orders.has(o.ID) {
				ch.fresh = append(ch.fresh, o.CreatedAt.UnixMilli())
			}
		}
		e.ingest(ch, o)
	}
	ch.cursor = b.next
	if ch.backfill.Active {
		ch.backfill.Read += len(b.orders)
		if b.total >= 0 {
			ch.backfill.Total = max(b.total, ch.backfill.Read)
		}
		if b.done {
			ch.backfill.Active = false
		}
	}
	e.mu.Unlock()
	*b = pending{next: b.next}
	if err := e.saveFlags(); err != nil {
		return saveError(ch, err)
	}
	e.dirty.Store(true)
	return cause
}

// Failure thresholds: a channel is degraded from its first failure and
// down from the third in a row (or when its last success is older than
// three poll intervals).
const downAfter = 3

// record updates a channel's health after a poll and returns the delay
// before the next one.
func (e *Engine) record(ch *channel, d time.Duration, more bool, err error, interval time.Duration) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.dirty.Store(true)
	now := time.Now()
	ch.latency = d
	var delay time.Duration
	switch {
	case err == nil:
		ch.state = StateOK
		ch.lastSuccess = now
		ch.failures = 0
		ch.rateLimited = false
		ch.downSince = time.Time{}
		if more {
			delay = 0 // backfilling: continue at once (the client still spaces its calls)
		} else {
			delay = jitter(interval, 0.1)
		}
	default:
		ch.failures++
		ch.lastError = describe(err)
		ch.lastErrorAt = now
		kind := datasources.KindOf(err)
		ch.rateLimited = kind == datasources.ErrRateLimited
		if ch.failures >= downAfter && kind != datasources.ErrRateLimited {
			if ch.state != StateDown {
				ch.downSince = now
				e.log.Warn("channel down", "channel", ch.cfg.ID, "error", ch.lastError)
			}
			ch.state = StateDown
		} else if ch.state != StateDown {
			ch.state = StateDegraded
		}
		if kind == datasources.ErrRateLimited {
			// Slow down: honour the channel's wait and never come back
			// sooner than the normal interval.
			delay = max(datasources.RetryAfterOf(err), interval)
		} else {
			// Back off quickly at first, then at the poll interval, so the
			// channel is seen again within one interval after it returns.
			delay = min(jitter(time.Second<<min(ch.failures-1, 10), 0.2), interval)
		}
	}
	ch.nextPoll = now.Add(delay)
	e.noteHealth(ch, describe(err))
	return delay
}

// describe turns an error into words for a manager.
func describe(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func jitter(d time.Duration, frac float64) time.Duration {
	if d <= 0 {
		return 0
	}
	f := 1 + frac*(2*rand.Float64()-1)
	return time.Duration(float64(d) * f)
}

// reportFresh hands the freshness of the orders the new snapshot shows for
// the first time to the OnFresh hook.
func (e *Engine) reportFresh() {
	if e.opt.Hooks.OnFresh == nil {
		return
	}
	now := e.now().UnixMilli()
	var ds []time.Duration
	for _, ch := range e.channels {
		e.mu.Lock()
		fresh := ch.fresh
		ch.fresh = nil
		e.mu.Unlock()
		if len(fresh) == 0 {
			continue
		}
		ds = ds[:0]
		for _, created := range fresh {
			lag := time.Duration(float64(now-created)/e.opt.ClockSpeed) * time.Millisecond
			ds = append(ds, max(lag, 0))
		}
		e.opt.Hooks.OnFresh(ch.cfg.ID, ds)
	}
}

// Snapshot returns the latest snapshot (never nil).
func (e *Engine) Snapshot() *Snapshot { return e.snap.Load() }

// SetAside describes the saved state the last Load could not use and set
// aside (an unreadable record, an end outside what the config allows).
func (e *Engine) SetAside() []string {
	if p := e.setAside.Load(); p != nil {
		return slices.Clone(*p)
	}
	return nil
}

// Subscribe returns a channel that receives each new snapshot. A slow
// reader only ever misses intermediate snapshots, never the latest: the
// channel holds one, replaced when a newer one comes.
func (e *Engine) Subscribe() (<-chan *Snapshot, func()) {
	return e.subs.Subscribe(e.Snapshot())
}

func (e *Engine) publishLoop(ctx context.Context) {
	t := time.NewTicker(e.opt.PublishEvery)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// Ages and rates change with time alone: republish every second
		// even when no order came.
		if e.dirty.Load() || time.Since(last) >= time.Second {
			e.publish()
			last = time.Now()
		}
	}
}

// publish builds a snapshot and hands it to every subscriber.
func (e *Engine) publish() {
	e.dirty.Store(false)
	s := e.build()
	e.snap.Store(s)
	e.reportFresh()
	e.subs.Send(s)
}
