// Package attention answers a launch manager's question at launch scale:
// of 5,600 rows, which need me now? From the engine's snapshots (and the
// actions waiting for a person) it keeps a short ranked list: listings
// that stopped selling while the same SKU sells elsewhere, channels down
// or degraded, actions waiting for a manual step, flags rising, SKUs
// selling out soonest. Each item says why in one line and names the row
// it is about (a tab and the row's key), so a screen can open it.
//
// A stalled listing is only seen over time, so a Tracker keeps what it
// needs from one snapshot to the next; it is fed every snapshot (a few a
// second) and is cheap on launch scale.
package attention

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/i18n"
)

// Kinds of item, as the API and the metric name them.
const (
	KindStalled  = "stalled_listing"
	KindChannel  = "channel"
	KindManual   = "manual_step"
	KindFlags    = "flags_rising"
	KindSellout  = "selling_out"
	kindsInOrder = 5
)

// Kinds lists every kind, so a metric shows 0 for the ones absent.
var Kinds = [kindsInOrder]string{KindStalled, KindChannel, KindManual, KindFlags, KindSellout}

// Tabs an item opens.
const (
	TabSKUs     = "skus"
	TabChannels = "channels"
	TabFlagged  = "flagged"
	TabActions  = "actions"
)

// Target is the row an item is about: the tab and the row's key there
// (those of its fields that apply).
type Target struct {
	Tab     string `json:"tab"`
	Sale    string `json:"sale,omitempty"`
	SKU     string `json:"sku,omitempty"`
	Channel string `json:"channel,omitempty"`
	Action  string `json:"action,omitempty"`
}

// Item is one thing that needs someone.
type Item struct {
	// Rank is the item's place in the list, 1 first.
	Rank   int    `json:"rank"`
	Kind   string `json:"kind"`
	Why    string `json:"why"`
	Target Target `json:"target"`
	// score orders the list: the higher, the sooner someone must look.
	score float64
}

// List is the ranked list, with how many items of each kind were found
// (the list itself is cut at Options.MaxItems to fit a screen).
type List struct {
	At     time.Time      `json:"at"`
	Items  []Item         `json:"items"`
	Counts map[string]int `json:"counts"`
}

// Options tune what counts; zero values take the defaults.
type Options struct {
	// MaxItems is the longest list (12: what fits the Overview beside the
	// channels at launch scale).
	MaxItems int
	// MaxSellout is how many selling-out listings are listed at most (5):
	// at a launch dozens sell out, and they must not hide the rest.
	MaxSellout int
	// SelloutWithin is how soon a listing must be selling out to be
	// listed (15 minutes of sale time).
	SelloutWithin time.Duration
	// StallAfter is how long (sale time) a listing must have sold nothing
	// to be a stalled listing (2 minutes)...
	StallAfter time.Duration
	// StallExpected ...and how many units it would have sold meanwhile,
	// judged from the other channels' sales of the SKU and its share (20:
	// a healthy listing sells none of twenty expected units with a chance
	// of 2 in a billion, so a launch of 5,600 listings raises no false
	// alarm).
	StallExpected float64
	// FlagsWindow and FlagsRise: flags are rising when at least FlagsRise
	// orders were flagged over the last FlagsWindow of sale time (5, 5m).
	FlagsWindow time.Duration
	FlagsRise   int
}

func (o *Options) defaults() {
	if o.MaxItems <= 0 {
		o.MaxItems = 12
	}
	if o.MaxSellout <= 0 {
		o.MaxSellout = 5
	}
	if o.SelloutWithin <= 0 {
		o.SelloutWithin = 15 * time.Minute
	}
	if o.StallAfter <= 0 {
		o.StallAfter = 2 * time.Minute
	}
	if o.StallExpected <= 0 {
		o.StallExpected = 20
	}
	if o.FlagsWindow <= 0 {
		o.FlagsWindow = 5 * time.Minute
	}
	if o.FlagsRise <= 0 {
		o.FlagsRise = 5
	}
}

// saleCells are a sale's listings in the order its snapshots list them
// (SKU by SKU, channel by channel), so that each is found by its place,
// not by hashing three strings 5,600 times a snapshot; the names at each
// place are checked, and a sale whose SKUs changed is laid out again.
type saleCells struct {
	skus, chans []string
	cells       []cell
	gen         uint64
}

// layout returns the sale's cells for a snapshot of it, laid out again
// (carrying over what is known of each listing) when its SKUs changed.
func (sc *saleCells) layout(sale *engine.SaleSnap) {
	i := 0
	same := true
	for _, k := range sale.SKUs {
		for _, c := range k.Channels {
			if i >= len(sc.cells) || sc.skus[i] != k.SKU || sc.chans[i] != c.Channel {
				same = false
			}
			i++
		}
	}
	if same && i == len(sc.cells) {
		return
	}
	old := make(map[[2]string]cell, len(sc.cells))
	for j := range sc.cells {
		old[[2]string{sc.skus[j], sc.chans[j]}] = sc.cells[j]
	}
	sc.skus, sc.chans, sc.cells = make([]string, 0, i), make([]string, 0, i), make([]cell, 0, i)
	for _, k := range sale.SKUs {
		for _, c := range k.Channels {
			st, ok := old[[2]string{k.SKU, c.Channel}]
			if !ok {
				st = cell{sold: -1} // new: counted from its first snapshot
			}
			sc.skus, sc.chans, sc.cells = append(sc.skus, k.SKU), append(sc.chans, c.Channel), append(sc.cells, st)
		}
	}
}

// cell is what a Tracker remembers of a listing: when it last sold, and
// what the SKU's other channels had sold then.
type cell struct {
	sold   int
	since  time.Time
	others int
}

// flagSample is a sale's flagged orders at a moment.
type flagSample struct {
	at    time.Time
	total int
}

// Tracker keeps the attention list. Safe for concurrent use.
type Tracker struct {
	opt Options
	mu  sync.Mutex
	// sales by id; gen marks the ones the last snapshot had, so a sale
	// that left the configuration is forgotten.
	sales map[string]*saleCells
	flags map[string][]flagSample
	last  List
	gen   uint64
	// soon is Observe's scratch list of listings selling out, kept
	// between snapshots (empty: it must not hold a snapshot alive).
	soon []sellout
}

// NewTracker returns an empty tracker.
func NewTracker(o Options) *Tracker {
	o.defaults()
	return &Tracker{opt: o, sales: map[string]*saleCells{}, flags: map[string][]flagSample{},
		last: List{Items: []Item{}, Counts: zeroCounts()}}
}

func zeroCounts() map[string]int {
	m := make(map[string]int, len(Kinds))
	for _, k := range Kinds {
		m[k] = 0
	}
	return m
}

// List is the list as of the last Observe.
func (t *Tracker) List() List {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

// Observe takes a new snapshot and the actions waiting for a manual step
// (nil when there are none, or no actions are known), and returns the
// list it makes.
func (t *Tracker) Observe(s *engine.Snapshot, manual []actions.Action) List {
	if s == nil {
		return t.List()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var items []Item
	chans := map[string]engine.ChannelSnap{}
	for _, c := range s.Channels {
		chans[c.ID] = c
		if it, ok := channelItem(c, s.Wall); ok {
			items = append(items, it)
		}
	}
	t.gen++
	soon := t.soon[:0]
	for i := range s.Sales {
		sale := &s.Sales[i]
		items = append(items, t.stalled(s.At, sale, chans)...)
		if it, ok := t.flagsRising(s.At, sale); ok {
			items = append(items, it)
		}
		soon = t.sellingOut(s.At, sale, soon)
	}
	for id, sc := range t.sales {
		if sc.gen != t.gen {
			delete(t.sales, id)
		}
	}
	for _, a := range manual {
		items = append(items, manualItems(a)...)
	}
	slices.SortFunc(soon, func(a, b sellout) int { return cmp.Compare(b.score, a.score) })
	counts := zeroCounts()
	for _, it := range items {
		counts[it.Kind]++
	}
	counts[KindSellout] = len(soon)
	for _, so := range soon[:min(len(soon), t.opt.MaxSellout)] {
		items = append(items, selloutItem(so, chans))
	}
	clear(soon)
	t.soon = soon[:0]
	slices.SortStableFunc(items, func(a, b Item) int { return cmp.Compare(b.score, a.score) })
	items = items[:min(len(items), t.opt.MaxItems)]
	for i := range items {
		items[i].Rank = i + 1
	}
	if items == nil {
		items = []Item{}
	}
	t.last = List{At: s.At, Items: items, Counts: counts}
	return t.last
}

// Scores: the order of urgency. A channel down loses every sale on it; a
// stalled listing loses one SKU's; a manual step is an action half done;
// then degraded channels, rising flags, and sell-outs (what a launch is
// for, listed to be watched, not fixed), soonest first.
const (
	scoreDown     = 1000
	scoreStalled  = 900
	scoreManual   = 800
	scoreDegraded = 700
	scoreFlags    = 600
	scoreSellout  = 500
)

func channelItem(c engine.ChannelSnap, now time.Time) (Item, bool) {
	name := c.Name
	if name == "" {
		name = c.ID
	}
	why := ""
	score := 0.0
	switch c.State {
	case engine.StateDown:
		score = scoreDown
		why = fmt.Sprintf(lang.L("%s is down"), name)
		if !c.DownSince.IsZero() && now.After(c.DownSince) {
			why += fmt.Sprintf(lang.L(" for %s"), short(now.Sub(c.DownSince)))
		}
	case engine.StateDegraded:
		if c.LastSuccess.IsZero() && c.ConsecutiveFailures == 0 {
			return Item{}, false // not polled yet: starting, not failing
		}
		score = scoreDegraded
		why = fmt.Sprintf(lang.L("%s is degraded"), name)
		if c.RateLimited {
			why += lang.L(" (rate limited)")
		}
	default:
		return Item{}, false
	}
	if c.LastError != "" {
		why += ": " + oneLine(c.LastError, 100)
	}
	return Item{Kind: KindChannel, Why: why, Target: Target{Tab: TabChannels, Channel: c.ID}, score: score}, true
}

// stalled finds the listings of a live sale that sold nothing for
// StallAfter while the SKU's other channels sold enough that this one
// should have sold StallExpected units. Its share is what it had sold of
// the SKU when it last sold, or, before it has sold enough to tell, its
// share of the allocation.
func (t *Tracker) stalled(at time.Time, sale *engine.SaleSnap, chans map[string]engine.ChannelSnap) []Item {
	var out []Item
	// selling: the channels whose listings can sell (polled fine, the
	// sale not paused there), looked up once per channel, not per listing.
	selling := make(map[string]bool, len(chans))
	for id, c := range chans {
		selling[id] = c.State == engine.StateOK
	}
	for _, sc := range sale.Channels {
		selling[sc.Channel] = selling[sc.Channel] && !sc.Paused
	}
	live := sale.State == engine.SaleLive
	sc := t.sales[sale.ID]
	if sc == nil {
		sc = &saleCells{}
		t.sales[sale.ID] = sc
	}
	sc.gen = t.gen
	sc.layout(sale)
	i := 0
	for _, k := range sale.SKUs {
		for _, c := range k.Channels {
			st := &sc.cells[i]
			i++
			others := k.Sold - c.Sold
			if c.Sold != st.sold {
				st.sold, st.since, st.others = c.Sold, at, others
				continue
			}
			if others < st.others {
				st.others = others // cancellations elsewhere
			}
			if !live || c.Remaining <= 0 || c.Allocated <= 0 || !selling[c.Channel] {
				// Not selling for a reason flashdeck knows (or a
				// channel item says). Start counting afresh when it
				// could sell again.
				st.since, st.others = at, others
				continue
			}
			silent := at.Sub(st.since)
			if silent < t.opt.StallAfter {
				continue
			}
			// Its share as of when it last sold: the silence since would
			// lower a share measured now.
			share := float64(c.Allocated) / float64(max(k.Allocated, 1))
			if st.sold >= 10 && st.sold+st.others >= 50 {
				share = float64(st.sold) / float64(st.sold+st.others)
			}
			if share <= 0 || share >= 0.95 {
				continue // all its sales are here: nothing to compare with
			}
			elsewhere := others - st.others
			expected := float64(elsewhere) * share / (1 - share)
			if expected < t.opt.StallExpected {
				continue
			}
			name := chans[c.Channel].Name
			if name == "" {
				name = c.Channel
			}
			out = append(out, Item{
				Kind: KindStalled,
				Why: fmt.Sprintf(lang.L("%s sold no %s for %s while other channels sold %s (about %s expected here): listing broken or storefront closed?"),
					name, k.SKU, short(silent), format.Count(elsewhere, sale.Currency), format.Count(int(math.Round(expected)), sale.Currency)),
				Target: Target{Tab: TabSKUs, Sale: sale.ID, SKU: k.SKU, Channel: c.Channel},
				score:  scoreStalled + min(expected/10, 99),
			})
		}
	}
	return out
}

// flagsRising lists a sale whose flagged orders grew by FlagsRise or more
// over the last FlagsWindow of sale time.
func (t *Tracker) flagsRising(at time.Time, sale *engine.SaleSnap) (Item, bool) {
	f := sale.Flags
	total := f.Open + f.Reviewed + f.Cancelled
	hist := append(t.flags[sale.ID], flagSample{at, total})
	// Keep one sample before the window, to measure it whole.
	cut := 0
	for cut+1 < len(hist) && at.Sub(hist[cut+1].at) >= t.opt.FlagsWindow {
		cut++
	}
	hist = hist[cut:]
	t.flags[sale.ID] = hist
	rise := total - hist[0].total
	if rise < t.opt.FlagsRise || f.Open == 0 {
		return Item{}, false
	}
	return Item{
		Kind:   KindFlags,
		Why:    fmt.Sprintf(lang.L("%d orders flagged in the last %s on %s (%d open)"), rise, short(min(at.Sub(hist[0].at), t.opt.FlagsWindow)), sale.Name, f.Open),
		Target: Target{Tab: TabFlagged, Sale: sale.ID},
		score:  scoreFlags + min(float64(rise), 99),
	}, true
}

// sellout is a listing selling out soon, found on every snapshot: at
// launch scale there are thousands, of which the list shows a few, so its
// words are written only for those (selloutItem).
type sellout struct {
	score float64
	left  time.Duration
	sale  *engine.SaleSnap
	sku   *engine.SKUSnap
	cell  *engine.CellSnap
}

// sellingOut appends to out the listings of a live sale that sell out
// within SelloutWithin at their current rate: per channel, as allocations
// are (a SKU sells out on one channel long before the others, and that
// channel's allocation is what a manager moves). Observe sorts them,
// soonest first.
func (t *Tracker) sellingOut(at time.Time, sale *engine.SaleSnap, out []sellout) []sellout {
	if sale.State != engine.SaleLive {
		return out
	}
	for i := range sale.SKUs {
		k := &sale.SKUs[i]
		for j := range k.Channels {
			c := &k.Channels[j]
			if c.ETASellout == nil || c.Remaining <= 0 {
				continue
			}
			left := c.ETASellout.Sub(at)
			if left > t.opt.SelloutWithin {
				continue
			}
			out = append(out, sellout{
				// Sooner is higher, within the band.
				score: scoreSellout + 99 - min(left.Minutes()*99/t.opt.SelloutWithin.Minutes(), 99),
				left:  left, sale: sale, sku: k, cell: c,
			})
		}
	}
	return out
}

// selloutItem is a listing selling out, in words.
func selloutItem(so sellout, chans map[string]engine.ChannelSnap) Item {
	k, c, left := so.sku, so.cell, so.left
	name := k.Name
	if name == "" {
		name = k.SKU
	}
	ch := chans[c.Channel].Name
	if ch == "" {
		ch = c.Channel
	}
	return Item{
		Kind: KindSellout,
		// The rate the ETA was taken at (the last minute's, or the
		// last five's when the last minute sold nothing).
		Why:    fmt.Sprintf(lang.L("%s sells out on %s in %s: %s left at %s"), name, ch, short(max(left, 0)), format.Count(c.Remaining, so.sale.Currency), format.Rate(float64(c.Remaining)/max(left.Minutes(), 1.0/60), so.sale.Currency)),
		Target: Target{Tab: TabSKUs, Sale: so.sale.ID, SKU: k.SKU, Channel: c.Channel},
		score:  so.score,
	}
}

// manualItems lists an action's channels that wait for a person.
func manualItems(a actions.Action) []Item {
	var out []Item
	for _, r := range a.Results {
		if r.Result != actions.Manual || r.ConfirmedBy != "" {
			continue
		}
		name := r.ChannelName
		if name == "" {
			name = r.Channel
		}
		what := i18n.Text(a.SummaryText, a.Summary)
		if what == "" {
			what = string(a.Kind)
		}
		why := fmt.Sprintf(lang.L("%s waits for a manual step on %s"), what, name)
		if r.Message != "" {
			why += ": " + oneLine(i18n.Text(r.MessageText, r.Message), 100)
		}
		out = append(out, Item{Kind: KindManual, Why: why,
			Target: Target{Tab: TabActions, Sale: a.Sale, Channel: r.Channel, Action: a.ID}, score: scoreManual})
	}
	return out
}

// short writes a duration as a person says it, in the desktop's language:
// 45s, 4m, 1h20m (45 dtk, 4 mnt, 1 j 20 mnt).
func short(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf(lang.L("%ds"), int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf(lang.L("%dm"), int(d.Minutes()))
	default:
		return fmt.Sprintf(lang.L("%dh%02dm"), int(d.Hours()), int(d.Minutes())%60)
	}
}

// oneLine is s on one line, cut at n runes.
func oneLine(s string, n int) string {
	r := []rune(s)
	for i, c := range r {
		if c == '\n' || c == '\r' || c == '\t' {
			r[i] = ' '
		}
	}
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}
