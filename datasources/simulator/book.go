package simulator

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// Order statuses inside the simulator, dialect-neutral. Each dialect maps
// them to its own words or codes.
const (
	StatusPending     = "pending" // paid, waiting for the seller
	StatusReadyToShip = "ready_to_ship"
	StatusShipped     = "shipped"
	StatusCanceled    = "canceled"
)

var statusNames = [...]string{StatusPending, StatusReadyToShip, StatusShipped, StatusCanceled}

const (
	stPending uint8 = iota
	stReady
	stShipped
	stCanceled
)

// tick is the granularity of order generation. Fixed, so the orders played
// depend only on the seed and sale time, never on when anyone polled.
const tick = int64(time.Second / time.Millisecond)

type order struct {
	id      uint64
	buyer   int32 // negative: a plant's buyer (see Book.buyer)
	created int64 // sale time, unix ms
	updated int64
	status  uint8
	logPos  int32 // position of this order's latest entry in Book.log
	items   []item
}

type item struct {
	sku       int32
	qty       int16
	cancelled bool
}

type logEntry struct {
	at  int64
	idx int32
}

type event struct {
	at   int64
	seq  uint64 // scheduling order, for ties (see eventQueue)
	idx  int32
	kind uint8 // stReady or stCanceled
}

// skuState is one SKU's stock and listing on a channel. Its stock follows
// Lazada's inventory logic: an order moves units from sellable to
// reserved (Lazada's occupyQuantity), a cancellation moves them back to
// sellable, and ready-to-ship takes them out of reserved; the total
// (Lazada's totalQuantity) is sellable + reserved. Unpaid orders, whose
// units Lazada withholds (withholdQuantity), do not occur: the
// simulator's orders start paid.
type skuState struct {
	// sellable is what buyers can order, per warehouse (Book.warehouses).
	// Orders take from the first warehouse first, then the next; units
	// that come back (a cancellation) go to the first.
	sellable []int
	// reserved is the units of orders neither ready to ship nor
	// cancelled. The book keeps them all on the first warehouse: it does
	// not track which warehouse an order's units came from.
	reserved int
	sold     int // units in orders not cancelled
	end      time.Time
	paused   bool
	locked   int       // units a platform campaign holds (Lazada's channelInventories)
	lockedAt time.Time // sale time the campaign's hold began
	// The listing as the seller last set it (the end is above): list
	// price, sale price and the sale price's start. The start is
	// reported only; selling begins with the sale and ends at end.
	price, salePrice datasources.Money
	start            time.Time
}

// available is the SKU's sellable stock over every warehouse.
func (s *skuState) available() int {
	n := 0
	for _, v := range s.sellable {
		n += v
	}
	return n
}

// take moves qty ordered units from sellable to reserved, the first
// warehouse's first. Callers checked that qty units are available.
func (s *skuState) take(qty int) {
	s.sold += qty
	s.reserved += qty
	for w := range s.sellable {
		n := min(qty, s.sellable[w])
		s.sellable[w] -= n
		if qty -= n; qty == 0 {
			return
		}
	}
}

// giveBack returns the units of a cancelled order line: out of reserved
// when the order had not reached ready-to-ship, and back to the first
// warehouse's sellable stock either way.
func (s *skuState) giveBack(qty int, wasPending bool) {
	s.sold -= qty
	if wasPending {
		s.reserved -= qty
	}
	s.sellable[0] += qty
}

// clone copies the state, its warehouses included.
func (s skuState) clone() skuState {
	s.sellable = slices.Clone(s.sellable)
	return s
}

// Book is one simulated channel's order book: the ground truth the dialect
// handlers serve and the tests compare against. Orders are generated lazily
// up to the clock's now on every read, one sale-second at a time from a
// seeded generator, so the same seed plays the same sale however it is polled.
type Book struct {
	mu     sync.Mutex
	spec   ChannelSpec
	sale   SaleSpec
	skus   []SKUSpec
	clock  *Clock
	rng    *rand.Rand
	pool   int
	idBase uint64
	gBase  uint64 // global index of buyer 0 (see buyers.go)

	genUntil int64 // orders generated for sale time < genUntil (ms)
	orders   []order
	byID     map[uint64]int32
	log      []logEntry // every update, sorted by time
	live     liveIndex  // which log entries are their order's latest
	events   eventQueue // scheduled status changes
	state    []skuState
	skuIdx   map[string]int32
	cum      []float64     // cumulative popularity for weighted picks
	bought   map[int32]int // units ordinary buyers ordered, cancelled or not
	faults   Faults
	unlisted map[int32]bool // Faults.Unlisted by SKU index
	ban      banState
	af       actionFaults
	reads    orderReads
	// warehouses are the seller's warehouse codes, the default first.
	warehouses []string

	plants      []plant // this channel's scripted orders, by time
	nextPlant   int     // plants[nextPlant:] are still to come
	plantBuyers []Buyer // buyer -(k+1) is plantBuyers[k]
	planted     []PlantedOrder
	decoys      []PlantedOrder
}

// Faults are what a simulated channel is told to do wrong, on demand.
type Faults struct {
	// Down: every request is answered 503 (the store's servers fell over).
	Down bool `json:"down"`
	// RateLimited: answered with the dialect's rate-limit error.
	RateLimited bool `json:"rate_limited"`
	// Latency is added before every answer.
	Latency time.Duration `json:"latency"`
	// Malformed: answers are cut off halfway (truncated JSON).
	Malformed bool `json:"malformed"`
	// Garbled: answers are well-formed JSON of the wrong shape, with a 200.
	Garbled bool `json:"garbled"`
	// TokenExpired: the current access token is refused until refreshed.
	TokenExpired bool `json:"token_expired"`
	// Ban arms a rate-limit ban (Lazada only; JSON "ban":"3s"): the next
	// request is refused with ApiCallLimit, "this ban will last N
	// seconds", and so is every request for that long (wall time) after
	// it. Each request that arrives during the ban counts as a violation
	// (Book.BanViolations). The fault is spent when the ban starts.
	Ban time.Duration `json:"ban"`
	// Unlisted are SKUs whose listing on this channel stopped selling (a
	// broken product page, a storefront redirected elsewhere): buyers
	// who would have bought one here buy nothing of it, while the other
	// channels go on selling it. From the sale time the fault is set
	// (the book is brought up to then first).
	Unlisted []string `json:"unlisted,omitempty"`
}

// banState is a rate-limit ban in force (see Faults.Ban).
type banState struct {
	from       time.Time // wall time the ban began (its first refusal)
	until      time.Time // wall time the ban ends
	secs       int       // its length as the refusal names it
	violations int       // requests that arrived during a ban
}

// NewBook creates the order book of one channel of the scenario.
func NewBook(sc *Scenario, ch ChannelSpec, clock *Clock) *Book {
	b := &Book{
		spec:   ch,
		sale:   sc.Sale,
		skus:   sc.SKUs,
		clock:  clock,
		pool:   ch.BuyerPool,
		byID:   map[uint64]int32{},
		skuIdx: map[string]int32{},
		bought: map[int32]int{},
	}
	b.pool = poolOf(ch)
	// Buyers are numbered globally across the scenario's channels, so that
	// ordinary buyers of different channels never share an identity.
	for _, c := range sc.Channels {
		if c.ID == ch.ID {
			break
		}
		b.gBase += uint64(poolOf(c))
	}
	h := fnv64(ch.ID)
	b.rng = rand.New(rand.NewPCG(uint64(sc.Seed), h))
	switch ch.Kind {
	case datasources.KindAkulaku:
		b.idBase = 1_200_000_000_000_000_000 // 19 digits, as Akulaku's ids are
	case datasources.KindLazada:
		b.idBase = 400_000_000_000_000
	default:
		b.idBase = 5_000_000_000
	}
	b.idBase += (h % 1000) * 1_000_000
	b.warehouses = ch.Warehouses
	if len(b.warehouses) == 0 {
		b.warehouses = []string{DefaultWarehouse}
	}
	start, end := sc.Sale.Start, sc.Sale.End
	if ch.Kind == datasources.KindLazada {
		// Lazada keeps a sale price's window to the minute: the channel
		// holds, and sells until, the minute the scenario's times fall in.
		start, end = start.Truncate(time.Minute), end.Truncate(time.Minute)
	}
	b.state = make([]skuState, len(sc.SKUs))
	total := 0.0
	b.cum = make([]float64, len(sc.SKUs))
	for i, s := range sc.SKUs {
		b.skuIdx[s.SKU] = int32(i)
		alloc := ch.Allocated[s.SKU]
		b.state[i] = skuState{
			sellable: splitStock(alloc, len(b.warehouses)), end: end,
			price: s.ListPrice, salePrice: s.FlashPrice, start: start,
		}
		w := s.Popularity
		if w <= 0 {
			w = 1
		}
		if alloc == 0 {
			w = 0
		}
		total += w
		b.cum[i] = total
	}
	b.genUntil = sc.Sale.Start.UnixMilli()
	b.addPlants(sc)
	return b
}

// DefaultWarehouse is the warehouse code of a channel that names none:
// Lazada's code for a seller's own (dropshipping) stock.
const DefaultWarehouse = "dropshipping"

// splitStock splits a SKU's allocation over n warehouses: every warehouse
// after the first holds a tenth of it (rounded down), the first the rest.
func splitStock(alloc, n int) []int {
	out := make([]int, n)
	out[0] = alloc
	for w := 1; w < n; w++ {
		out[w] = alloc / 10
		out[0] -= alloc / 10
	}
	return out
}

// poolOf is how many distinct ordinary buyers shop on a channel.
func poolOf(ch ChannelSpec) int {
	if ch.BuyerPool <= 0 {
		return 20000
	}
	return ch.BuyerPool
}

// Spec returns the channel's specification.
func (b *Book) Spec() ChannelSpec { return b.spec }

// Sale returns the sale's specification.
func (b *Book) Sale() SaleSpec { return b.sale }

// Now is the sale time now.
func (b *Book) Now() time.Time { return b.clock.Now() }

// Faults returns the faults currently injected.
func (b *Book) Faults() Faults {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.faults
}

// SetFaults replaces the injected faults.
func (b *Book) SetFaults(f Faults) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(f.Unlisted) > 0 || len(b.unlisted) > 0 {
		// Orders up to now were placed while the listing still sold.
		b.advance()
	}
	b.faults = f
	b.unlisted = nil
	for _, sku := range f.Unlisted {
		if i, ok := b.skuIdx[sku]; ok {
			if b.unlisted == nil {
				b.unlisted = map[int32]bool{}
			}
			b.unlisted[i] = true
		}
	}
}

// TakeBan is asked by a dialect for every request it receives, before
// anything else, with the wall time the request arrived. banned says the
// request must be refused as rate limited by a ban of secs seconds: one is
// in force, or Faults.Ban armed one and this request starts it. A request
// that arrived after the ban began counts as a violation of it; one that
// was already on its way (it arrived before, and waited for the book) is
// refused without counting: its client could not have known. Bans run in
// wall time, as a client waits them out.
func (b *Book) TakeBan(arrived time.Time) (secs int, banned bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if now.Before(b.ban.until) {
		if arrived.After(b.ban.from) {
			b.ban.violations++
		}
		return b.ban.secs, true
	}
	if d := b.faults.Ban; d > 0 {
		b.faults.Ban = 0
		b.ban.from, b.ban.until = now, now.Add(d)
		b.ban.secs = int((d + time.Second - 1) / time.Second)
		return b.ban.secs, true
	}
	return 0, false
}

// BanViolations is how many requests arrived while a rate-limit ban was in
// force, not counting the one that started each ban: a test's proof that a
// client made no call during a ban.
func (b *Book) BanViolations() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ban.violations
}

// advance generates orders and applies scheduled changes up to now. Callers hold mu.
func (b *Book) advance() {
	now := b.clock.Now().UnixMilli()
	endAll := b.sale.End.UnixMilli()
	for _, s := range b.state {
		endAll = max(endAll, s.end.UnixMilli())
	}
	for b.genUntil+tick <= now {
		t0 := b.genUntil
		b.genUntil += tick
		var entries []logEntry
		// Scheduled changes first: a cancellation returns stock that this
		// second's buyers may then take.
		for b.events.len() > 0 && b.events.peek().at < b.genUntil {
			ev := b.events.pop()
			if e, ok := b.apply(ev); ok {
				entries = append(entries, e)
			}
		}
		if t0 < endAll {
			entries = b.arrivals(t0, entries)
		}
		slices.SortFunc(entries, func(x, y logEntry) int {
			return cmp.Or(cmp.Compare(x.at, y.at), cmp.Compare(b.orders[x.idx].id, b.orders[y.idx].id))
		})
		for _, e := range entries {
			b.appendLog(e)
		}
	}
}

// appendLog records an update as its order's latest. Callers hold mu.
func (b *Book) appendLog(e logEntry) {
	o := &b.orders[e.idx]
	if o.logPos >= 0 {
		b.live.add(int(o.logPos), -1)
	}
	o.logPos = int32(len(b.log))
	b.log = append(b.log, e)
	b.live.push(1)
}

// apply performs one scheduled status change.
func (b *Book) apply(ev event) (logEntry, bool) {
	o := &b.orders[ev.idx]
	if o.status == stCanceled || o.status >= ev.kind {
		return logEntry{}, false
	}
	for i := range o.items {
		it := &o.items[i]
		if it.cancelled {
			continue
		}
		switch ev.kind {
		case stCanceled:
			it.cancelled = true
			b.state[it.sku].giveBack(int(it.qty), o.status == stPending)
		case stReady:
			// Ready to ship: the units leave the channel's stock.
			b.state[it.sku].reserved -= int(it.qty)
		}
	}
	o.status = ev.kind
	o.updated = ev.at
	return logEntry{at: ev.at, idx: ev.idx}, true
}

// humanDelay is how long after the sale opens the first ordinary buyer
// can have checked out: no human is faster. Orders before it are bots (the
// scenario's plants), and a rules engine may flag them as such.
const humanDelay = 3 * tick

// rate is the expected orders per second at ms after the sale opened:
// nothing in the first seconds (see humanDelay), then a surge that decays
// to a steady trickle.
func (b *Book) rate(sinceOpen int64) float64 {
	peak := b.spec.PeakPerMinute / 60
	x := float64(sinceOpen) / 1000
	switch {
	case sinceOpen < humanDelay:
		// Ticks are whole seconds from the opening, so a tick starting at
		// humanDelay is the first with ordinary buyers.
		return 0
	case x < 20:
		return peak * (0.3 + 0.7*x/20)
	default:
		return peak * (0.15 + 0.85*math.Exp(-(x-20)/180))
	}
}

// maxDraws is how many buyers an arrival tries before giving up: the ones
// drawn may all have bought their limit already.
const maxDraws = 5

// arrivals generates the orders of the sale second starting at t0: the
// ordinary buyers' and the plants due in it, in time order, appended to out.
func (b *Book) arrivals(t0 int64, out []logEntry) []logEntry {
	// Ordinary arrival times are drawn first and whole; plants take no
	// draws from the seeded generator (only stock, which ordinary buyers
	// then find gone).
	n := poisson(b.rng, b.rate(t0-b.sale.Start.UnixMilli()))
	offs := make([]int64, n)
	for i := range offs {
		offs[i] = b.rng.Int64N(tick)
	}
	slices.Sort(offs)
	for _, off := range offs {
		at := t0 + off
		out = b.plantsBefore(at, out)
		e, ok, done := b.arrival(at)
		if done {
			break // nothing left to sell at this moment
		}
		if ok {
			out = append(out, e)
		}
	}
	return b.plantsBefore(t0+tick, out)
}

// arrival is one ordinary buyer arriving at `at`. ok is false when no
// order comes of it; done when nothing can be sold at all.
func (b *Book) arrival(at int64) (e logEntry, ok, done bool) {
	sku, open := b.pick(at)
	if !open {
		return logEntry{}, false, true
	}
	// An ordinary buyer never exceeds the per-buyer limit: one who has
	// bought the limit already is not drawn, and the quantity is capped.
	lim := b.sale.PerBuyerLimit
	buyer, found := int32(0), false
	for range maxDraws {
		buyer = int32(b.rng.IntN(b.pool))
		if lim <= 0 || b.bought[buyer] < lim {
			found = true
			break
		}
	}
	if !found {
		return logEntry{}, false, false
	}
	qty := 1
	if b.rng.Float64() < 0.15 {
		qty = 2
	}
	if lim > 0 {
		qty = min(qty, lim-b.bought[buyer])
	}
	st := &b.state[sku]
	qty = min(qty, st.available())
	st.take(qty)
	b.bought[buyer] += qty
	idx := b.newOrder(buyer, at, sku, qty)
	// Later: most orders are accepted within minutes, a few are cancelled
	// by the buyer — both are updates the pollers must pick up.
	if b.rng.Float64() < 0.03 {
		b.schedule(event{at: at + 60_000 + b.rng.Int64N(19*60_000), idx: idx, kind: stCanceled})
	} else {
		b.schedule(event{at: at + 120_000 + b.rng.Int64N(8*60_000), idx: idx, kind: stReady})
	}
	return logEntry{at: at, idx: idx}, true, false
}

// newOrder appends a pending order of one line, whose stock the caller has
// taken, and returns its index.
func (b *Book) newOrder(buyer int32, at int64, sku int32, qty int) int32 {
	idx := int32(len(b.orders))
	b.orders = append(b.orders, order{
		id: b.idBase + uint64(idx) + 1, buyer: buyer, created: at, updated: at,
		status: stPending, items: []item{{sku: sku, qty: int16(qty)}}, logPos: -1,
	})
	b.byID[b.orders[idx].id] = idx
	return idx
}

func (b *Book) schedule(ev event) { b.events.push(ev) }

// pick chooses a SKU that can be sold at `at`, weighted by popularity.
func (b *Book) pick(at int64) (int32, bool) {
	open := func(i int) bool {
		s := &b.state[i]
		return !s.paused && s.available() > 0 && at < s.end.UnixMilli() && at >= b.sale.Start.UnixMilli() && !b.unlisted[int32(i)]
	}
	total := b.cum[len(b.cum)-1]
	if total <= 0 {
		return 0, false
	}
	for range 8 {
		r := b.rng.Float64() * total
		i := sort.SearchFloat64s(b.cum, r)
		if i < len(b.cum) && open(i) {
			return int32(i), true
		}
	}
	// Popular SKUs sold out: fall back to any SKU still on sale.
	start := b.rng.IntN(len(b.state))
	for k := range b.state {
		i := (start + k) % len(b.state)
		if open(i) {
			return int32(i), true
		}
	}
	return 0, false
}

// poisson draws from a Poisson distribution with mean l.
func poisson(r *rand.Rand, l float64) int {
	if l <= 0 {
		return 0
	}
	if l > 30 {
		n := int(math.Round(l + math.Sqrt(l)*r.NormFloat64()))
		return max(n, 0)
	}
	L, k, p := math.Exp(-l), 0, 1.0
	for {
		p *= r.Float64()
		if p <= L {
			return k
		}
		k++
	}
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// OrderView is an order as a dialect handler serves it.
type OrderView struct {
	ID        string
	BuyerID   string
	Buyer     Buyer
	CreatedAt time.Time
	UpdatedAt time.Time
	// Status is one of the Status* constants.
	Status string
	Items  []ItemView
}

// ItemView is one order line. Lazada's dialect expands Qty into Qty items.
type ItemView struct {
	ID        string // stable line id
	SKU       string
	Name      string
	Qty       int
	Price     datasources.Money
	Cancelled bool
}

// Query selects orders by the time of their latest update.
type Query struct {
	After  time.Time // strictly after; zero means from the beginning
	Before time.Time // at or before; zero means up to now
	Offset int
	Limit  int // 0 means all
}

// Updates returns the orders whose latest update falls in the query's
// window, ordered by update time then id, paged by Offset/Limit, and the
// total count in the window.
func (b *Book) Updates(q Query) (page []OrderView, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	lo := 0
	if !q.After.IsZero() {
		a := q.After.UnixMilli()
		lo = sort.Search(len(b.log), func(i int) bool { return b.log[i].at > a })
	}
	hi := len(b.log)
	if !q.Before.IsZero() {
		bf := q.Before.UnixMilli()
		hi = sort.Search(len(b.log), func(i int) bool { return b.log[i].at > bf })
	}
	total = b.live.prefix(hi) - b.live.prefix(lo)
	if q.Offset >= total {
		return nil, total
	}
	skipped := 0
	for p := lo; p < hi && (q.Limit <= 0 || len(page) < q.Limit); p++ {
		e := b.log[p]
		if b.orders[e.idx].logPos != int32(p) {
			continue // superseded by a later update
		}
		if skipped < q.Offset {
			skipped++
			continue
		}
		page = append(page, b.view(e.idx))
	}
	return page, total
}

// orderReads counts the reads of one order on its own (a dialect's
// one-order call, such as Lazada's /order/get).
type orderReads struct {
	mu sync.Mutex
	n  map[string]int
}

// OrderReads is how many times the order was read on its own through the
// channel's API (Lazada's /order/get), whatever the answer: a test's proof
// of how often a pushed order was read.
func (b *Book) OrderReads(id string) int {
	b.reads.mu.Lock()
	defer b.reads.mu.Unlock()
	return b.reads.n[id]
}

// countOrderRead records one read of an order on its own.
func (b *Book) countOrderRead(id string) {
	b.reads.mu.Lock()
	defer b.reads.mu.Unlock()
	if b.reads.n == nil {
		b.reads.n = map[string]int{}
	}
	b.reads.n[id]++
}

// Order returns one order by its id.
func (b *Book) Order(id string) (OrderView, bool) {
	var n uint64
	if _, err := fmt.Sscan(id, &n); err != nil {
		return OrderView{}, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	idx, ok := b.byID[n]
	if !ok {
		return OrderView{}, false
	}
	return b.view(idx), true
}

func (b *Book) view(idx int32) OrderView {
	o := &b.orders[idx]
	v := OrderView{
		ID:        fmt.Sprint(o.id),
		Buyer:     b.buyer(o.buyer),
		CreatedAt: time.UnixMilli(o.created).In(b.sale.Start.Location()),
		UpdatedAt: time.UnixMilli(o.updated).In(b.sale.Start.Location()),
		Status:    statusNames[o.status],
	}
	v.BuyerID = v.Buyer.ID
	for i, it := range o.items {
		s := b.skus[it.sku]
		v.Items = append(v.Items, ItemView{
			ID: fmt.Sprintf("%d%02d", o.id, i+1), SKU: s.SKU, Name: s.Name,
			Qty: int(it.qty), Price: s.FlashPrice, Cancelled: it.cancelled,
		})
	}
	return v
}

// StockView is one SKU's stock and sale state on this channel.
type StockView struct {
	SKU  string
	Name string
	// Allocated is Sold + Sellable: the units the channel has had to sell.
	Allocated int
	// Sold is the units in orders not cancelled.
	Sold int
	// Sellable is what buyers can order now, over every warehouse
	// (Lazada's sellableQuantity).
	Sellable int
	// Reserved is the units of orders neither ready to ship nor cancelled
	// (Lazada's occupyQuantity). Sellable + Reserved is the SKU's total
	// stock (Lazada's totalQuantity).
	Reserved int
	// Warehouses is the stock per warehouse, the default first; the book
	// keeps every reserved unit on the first.
	Warehouses []WarehouseStock
	Price      datasources.Money
	SalePrice  datasources.Money
	SaleStart  time.Time
	SaleEnd    time.Time
	State      datasources.SaleState
	// Locked is how many units a platform campaign holds (SetLocked):
	// Lazada's channelInventories, and the reason it refuses a decrease
	// of the SKU's stock with error 4170.
	Locked int
	// LockedFrom is the sale time the campaign's hold began.
	LockedFrom time.Time
}

// WarehouseStock is one warehouse's stock of a SKU.
type WarehouseStock struct {
	Code     string
	Sellable int
	Reserved int
}

// Stock returns every SKU allocated to this channel, now.
func (b *Book) Stock() []StockView {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	now := b.clock.Now()
	var out []StockView
	for i, s := range b.skus {
		st := b.state[i]
		// By the channel's allocation, not the current one: a SKU whose
		// sellable stock was set to 0 before it sold anything (a pause)
		// is still on the channel.
		if b.spec.Allocated[s.SKU] == 0 {
			continue
		}
		v := StockView{
			SKU: s.SKU, Name: s.Name, Allocated: st.sold + st.available(), Sold: st.sold,
			Sellable: st.available(), Reserved: st.reserved, Price: st.price, SalePrice: st.salePrice,
			SaleStart: st.start, SaleEnd: st.end, Locked: st.locked, LockedFrom: st.lockedAt,
		}
		for w, code := range b.warehouses {
			ws := WarehouseStock{Code: code, Sellable: st.sellable[w]}
			if w == 0 {
				ws.Reserved = st.reserved
			}
			v.Warehouses = append(v.Warehouses, ws)
		}
		switch {
		case now.Before(b.sale.Start):
			v.State = datasources.SaleScheduled
		case !now.Before(st.end):
			v.State = datasources.SaleEnded
		case st.paused:
			v.State = datasources.SalePaused
		case v.Sellable <= 0:
			v.State = datasources.SaleSoldOut
		default:
			v.State = datasources.SaleActive
		}
		out = append(out, v)
	}
	return out
}

// Sold is the ground truth: units sold per SKU (orders not cancelled), now.
func (b *Book) Sold() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	out := make(map[string]int, len(b.skus))
	for i, s := range b.skus {
		if b.spec.Allocated[s.SKU] > 0 {
			out[s.SKU] = b.state[i].sold
		}
	}
	return out
}

// OrderCount is how many orders the channel has taken so far.
func (b *Book) OrderCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance()
	return len(b.orders)
}
