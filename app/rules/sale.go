package rules

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/text"
	"github.com/flashdeck/flashdeck/datasources"
)

// Identity kinds an order is grouped by.
const (
	kAccount = iota // one buyer account on one channel
	kPhone
	kAddress
	kPayment
	nKinds
)

var kindWords = [nKinds]text.Text{text.New("account"), text.New("phone"), text.New("address"), text.New("payment instrument")}

// smallGroup is the size up to which a group's distinct accounts are
// counted by scanning its orders; larger groups keep a set.
const smallGroup = 16

// maxVariants bounds the spellings remembered per address.
const maxVariants = 8

// ord is what the evaluator keeps of an order: no personal data, only
// group references and a masked phone packed in 32 bits.
type ord struct {
	id      strRef
	created int64 // unix ms
	units   int32 // units of the sale's SKUs, 0 when cancelled
	ch      uint16
	sku     int16
	own     ruleBit // rules fired by the order alone
	phone   uint32  // packed masked phone, 0 when none
	groups  [nKinds]int32
}

// group is every order sharing one identity. Most identities have one or
// two orders, so a group keeps those inline and grows an extension only
// when a third comes (or a second spelling of its address).
type group struct {
	// first and second are the orders of a group of one or two, by
	// creation time; larger groups list theirs in the extension.
	first, second int32
	ext           int32 // index in Sale.exts, -1 until needed
	accounts      int32 // distinct accounts
	units         int32 // account groups: units not cancelled
	fired         ruleBit
	chans         uint64 // bit per channel index (first 64)
	// ref is, in an account group, its buyer id (0 for an order without
	// one: an account of its own); in an address group, the first spelling
	// kept. One field for both: a group is of one kind only.
	ref strRef
}

// groupExt holds what only larger groups need.
type groupExt struct {
	orders   []int32  // by creation time
	variants []uint64 // address groups: further spellings kept (strRefs)
	seen     map[int32]struct{}
}

// chunked is an append-only array in fixed chunks: growing it never copies
// what is there, which matters at a million orders (a doubling slice would
// copy hundreds of megabytes and stall the garbage collector).
type chunked[T any] struct {
	chunks [][]T
	n      int
}

const chunkBits = 14

func (c *chunked[T]) add(v T) int32 {
	if c.n>>chunkBits == len(c.chunks) {
		c.chunks = append(c.chunks, make([]T, 0, 1<<chunkBits))
	}
	k := &c.chunks[len(c.chunks)-1]
	*k = append(*k, v)
	c.n++
	return int32(c.n - 1)
}

func (c *chunked[T]) at(i int32) *T { return &c.chunks[i>>chunkBits][i&(1<<chunkBits-1)] }

func (c *chunked[T]) len() int { return c.n }

// Sale evaluates one sale's orders. It is not safe for concurrent use: the
// engine calls it under its own lock.
type Sale struct {
	id       string
	cfg      Config
	disabled ruleBit
	start    int64
	end      int64
	skus     map[string]int16
	skuNames []string
	channels []string // display names by channel index
	chanIDs  []string

	hash   *hasher
	places places

	orders chunked[ord]
	// The maps are keyed by hashes, not strings: with no pointers in them
	// the garbage collector never scans their million entries, and a
	// lookup is one probe of a compact table. byID and accounts check
	// each hit against the stored id, and the key two ids share goes to
	// spill, so their keys are 32 bits (an 8-byte entry; about a hundred
	// ids of a million spill). keyed holds digests of personal data that
	// nothing is kept to check a hit against: 64 bits, so that two
	// buyers never share one.
	byID     map[uint32]int32 // channel and order id → index
	accounts map[uint32]int32 // channel and buyer id → group
	spill    map[string]int32
	keyed    [nKinds]map[uint64]int32
	strs     arena
	seeds    []maphash.Seed // per kind of id (order, buyer, no buyer) and channel
	groups   chunked[group]
	exts     chunked[groupExt]

	dirty    map[int32]struct{}
	flagged  map[int32]struct{} // every flagged order
	prior    map[string]Flag    // restored flags, by Key
	reviews  map[string]Review
	version  uint64
	nch      int
	two      [2]int32
	phoneBuf [24]byte
	spellBuf []byte
}

// SaleSpec describes a sale to evaluate.
type SaleSpec struct {
	ID         string
	Start, End time.Time
	SKUs       []string
	// ChannelIDs and ChannelNames are indexed by the channel index given
	// to Observe.
	ChannelIDs   []string
	ChannelNames []string
	Config       Config
}

// NewSale builds an evaluator. key is the personal-data key (LoadKey).
func NewSale(spec SaleSpec, key []byte) *Sale {
	s := &Sale{
		id: spec.ID, cfg: spec.Config.withDefaults(),
		start: spec.Start.UnixMilli(), end: spec.End.UnixMilli(),
		skus: map[string]int16{}, skuNames: spec.SKUs,
		chanIDs: spec.ChannelIDs, channels: spec.ChannelNames,
		hash: newHasher(key), places: newPlaces(), nch: len(spec.ChannelIDs),
		byID: map[uint32]int32{}, accounts: map[uint32]int32{}, spill: map[string]int32{}, dirty: map[int32]struct{}{}, flagged: map[int32]struct{}{},
		prior: map[string]Flag{}, reviews: map[string]Review{},
	}
	for i, k := range spec.SKUs {
		s.skus[k] = int16(i)
	}
	for _, id := range s.cfg.Disabled {
		s.disabled |= bitOf[id]
	}
	if s.cfg.PerBuyerLimit <= 0 {
		s.disabled |= bitOverLimit
	}
	for k := range s.keyed {
		s.keyed[k] = map[uint64]int32{}
	}
	for range 3 * s.nch {
		s.seeds = append(s.seeds, maphash.MakeSeed())
	}
	return s
}

// ID is the sale id.
func (s *Sale) ID() string { return s.id }

// Version changes whenever a flag changed (not for every order).
func (s *Sale) Version() uint64 { return s.version }

// Len is how many of the sale's orders the evaluator holds.
func (s *Sale) Len() int { return s.orders.len() }

func (s *Sale) o(i int32) *ord   { return s.orders.at(i) }
func (s *Sale) g(i int32) *group { return s.groups.at(i) }

// members returns a group's orders by creation time. The slice is only
// valid until the next call.
func (s *Sale) members(g *group) []int32 {
	if g.ext >= 0 {
		if o := s.exts.at(g.ext).orders; o != nil {
			return o
		}
	}
	s.two[0], s.two[1] = g.first, g.second
	if g.second < 0 {
		return s.two[:1]
	}
	return s.two[:]
}

func (s *Sale) size(g *group) int {
	if g.ext >= 0 {
		if o := s.exts.at(g.ext).orders; o != nil {
			return len(o)
		}
	}
	if g.second < 0 {
		return 1
	}
	return 2
}

// Observe evaluates a new order, or applies an update (a cancellation) of
// one already seen. Orders outside the sale window or without the sale's
// SKUs are ignored.
func (s *Sale) Observe(ch int, o *datasources.Order) {
	if ch < 0 || ch >= s.nch {
		return
	}
	units, sku, in := s.saleUnits(o)
	if !in {
		return
	}
	if idx, seen := s.findOrder(ch, o.ID); seen {
		s.update(idx, units)
		return
	}
	created := o.CreatedAt.UnixMilli()
	if created < s.start || created >= s.end {
		return
	}
	idx := s.orders.add(ord{id: s.strs.add(o.ID), created: created, units: int32(units), ch: uint16(ch), sku: sku, groups: [nKinds]int32{-1, -1, -1, -1}})
	r := s.o(idx)
	s.putOrder(ch, o.ID, idx)

	// Own rules.
	if lim := s.cfg.PerBuyerLimit; lim > 0 && units > lim {
		r.own |= bitOverLimit
	}
	if created-s.start < s.cfg.MinCheckout.Milliseconds() {
		r.own |= bitBotOpening
	}
	r.own &^= s.disabled

	// Identities. A group is created on first sight with the order inline.
	r.groups[kAccount] = s.accountGroup(ch, o, idx)
	if d, ok := phoneDigits(s.phoneBuf[:0], o.Phone); ok {
		r.phone = packPhone(d)
		r.groups[kPhone] = s.keyedGroup(kPhone, s.hash.sumBytes('p', d), idx)
	}
	if g, ok := s.place(&o.Address, idx); ok {
		r.groups[kAddress] = g
	}
	if fp := strings.TrimSpace(o.PaymentFingerprint); fp != "" && !strings.Contains(fp, "*") {
		r.groups[kPayment] = s.keyedGroup(kPayment, s.hash.sum('f', fp), idx)
	}
	if r.own != 0 {
		s.mark(idx)
	}
	for k := range nKinds {
		if g := r.groups[k]; g >= 0 {
			s.join(k, g, idx)
		}
	}
}

// mark notes that order idx's flag changed (for Changed) and keeps the set
// of flagged orders, which only grows: a fired rule stays fired.
func (s *Sale) mark(idx int32) {
	if s.rulesOf(idx) == 0 {
		return
	}
	s.dirty[idx] = struct{}{}
	s.flagged[idx] = struct{}{}
	s.version++
}

// variants is how many spellings of its address a group has seen.
func (s *Sale) variants(gr *group) int {
	n := 0
	if gr.ref != 0 {
		n = 1
	}
	if gr.ext >= 0 {
		n += len(s.exts.at(gr.ext).variants)
	}
	return n
}

// ext returns a group's extension, creating it.
func (s *Sale) ext(g int32) *groupExt {
	gr := s.g(g)
	if gr.ext < 0 {
		gr.ext = s.exts.add(groupExt{})
	}
	return s.exts.at(gr.ext)
}

// saleUnits counts the order's units of the sale's SKUs (0 when the order
// is cancelled) and reports whether the order concerns the sale at all.
func (s *Sale) saleUnits(o *datasources.Order) (units int, sku int16, in bool) {
	sku = -1
	cancelled := o.IsCancelled()
	for _, it := range o.Items {
		k, ok := s.skus[it.SKU]
		if !ok {
			continue
		}
		if sku < 0 {
			sku = k
		}
		in = true
		if !cancelled && !it.Cancelled && it.Quantity > 0 {
			units += it.Quantity
		}
	}
	return units, sku, in
}

// update applies a later version of an order: only its units can change.
// A rule that fired stays fired: cancelling a scalper's order does not make
// the scalping not have happened.
func (s *Sale) update(idx int32, units int) {
	r := s.o(idx)
	delta := int32(units) - r.units
	if delta == 0 {
		return
	}
	r.units = int32(units)
	if g := r.groups[kAccount]; g >= 0 {
		s.g(g).units += delta
		s.checkLimit(g)
	}
	s.mark(idx)
}

func (s *Sale) accountGroup(ch int, o *datasources.Order, idx int32) int32 {
	buyer, kind := o.BuyerID, byte('b')
	if buyer == "" {
		// No buyer id: the order is an account of its own.
		buyer, kind = o.ID, 'n'
	}
	k := s.strKey(ch, kind, buyer)
	g, ok := s.accounts[k]
	if ok && !s.isAccount(g, ch, kind, buyer) {
		g, ok = s.spill[spillKey(ch, kind, buyer)]
		if !ok {
			g = s.newAccount(kind, buyer, idx)
			s.spill[spillKey(ch, kind, buyer)] = g
		}
		return g
	}
	if !ok {
		g = s.newAccount(kind, buyer, idx)
		s.accounts[k] = g
	}
	return g
}

func (s *Sale) newAccount(kind byte, buyer string, idx int32) int32 {
	label := strRef(0)
	if kind == 'b' {
		label = s.strs.add(buyer)
	}
	return s.groups.add(group{first: idx, second: -1, ext: -1, ref: label})
}

// isAccount checks that group g really is this buyer's account on ch.
func (s *Sale) isAccount(g int32, ch int, kind byte, buyer string) bool {
	gr := s.g(g)
	first := s.o(gr.first)
	if int(first.ch) != ch {
		return false
	}
	if kind == 'n' {
		return gr.ref == 0 && s.strs.eq(first.id, buyer)
	}
	return gr.ref != 0 && s.strs.eq(gr.ref, buyer)
}

// findOrder looks an order up by channel and id.
func (s *Sale) findOrder(ch int, id string) (int32, bool) {
	idx, ok := s.byID[s.strKey(ch, 'o', id)]
	if !ok {
		return 0, false
	}
	if r := s.o(idx); int(r.ch) == ch && s.strs.eq(r.id, id) {
		return idx, true
	}
	idx, ok = s.spill[spillKey(ch, 'o', id)]
	return idx, ok
}

func (s *Sale) putOrder(ch int, id string, idx int32) {
	k := s.strKey(ch, 'o', id)
	if _, taken := s.byID[k]; taken {
		s.spill[spillKey(ch, 'o', id)] = idx
		return
	}
	s.byID[k] = idx
}

func spillKey(ch int, kind byte, v string) string {
	return fmt.Sprintf("%c/%d/%s", kind, ch, v)
}

// strKey hashes a channel's string (an order id, a buyer id) into a map
// key, with a seed of its own per kind and channel so that equal strings of
// different kinds or channels seldom meet (and are told apart when they
// do: see byID).
func (s *Sale) strKey(ch int, kind byte, v string) uint32 {
	k := 0
	switch kind {
	case 'b':
		k = 1
	case 'n':
		k = 2
	}
	return uint32(maphash.String(s.seeds[k*s.nch+ch], v))
}

func (s *Sale) keyedGroup(kind int, key uint64, idx int32) int32 {
	if g, ok := s.keyed[kind][key]; ok {
		return g
	}
	g := s.groups.add(group{first: idx, second: -1, ext: -1})
	s.keyed[kind][key] = g
	return g
}

// join adds order idx to group g of the given kind and re-evaluates the
// group's rules.
func (s *Sale) join(kind int, g, idx int32) {
	gr := s.g(g)
	r := s.o(idx)
	if r.ch < 64 {
		gr.chans |= 1 << r.ch
	}
	pos := 0
	if gr.first == idx {
		// A new group: the order is already its only member.
		gr.accounts = 1
		if kind == kAccount {
			gr.units = r.units
		}
	} else {
		if kind == kAccount {
			gr.units += r.units
		} else if s.unseenAccount(gr, r.groups[kAccount]) {
			gr.accounts++
		}
		pos = s.insert(g, idx)
		gr = s.g(g)
		if gr.ext < 0 {
			// Still a group of two: nothing more to keep.
		} else if e := s.exts.at(gr.ext); e.seen != nil {
			e.seen[r.groups[kAccount]] = struct{}{}
		} else if kind != kAccount && len(e.orders) > smallGroup {
			e.seen = make(map[int32]struct{}, len(e.orders))
			for _, o := range e.orders {
				e.seen[s.o(o).groups[kAccount]] = struct{}{}
			}
		}
	}

	var fire ruleBit
	switch kind {
	case kAccount:
		s.checkLimit(g)
	case kPhone:
		if int(gr.accounts) > s.cfg.MaxAccountsPerPhone {
			fire |= bitSharedPhone
		}
	case kAddress:
		if int(gr.accounts) > s.cfg.MaxAccountsPerAddress {
			fire |= bitSharedAddress
		}
		if gr.accounts >= 2 && s.variants(gr) >= s.cfg.JigVariants {
			fire |= bitAddressJig
		}
	case kPayment:
		if int(gr.accounts) > s.cfg.MaxAccountsPerPayment {
			fire |= bitSharedPayment
		}
	}
	if gr.second >= 0 && s.dense(s.members(gr), pos) {
		fire |= bitVelocity
	}
	s.fire(g, fire)
	if s.g(g).fired != 0 {
		s.mark(idx)
		s.touch(g)
	}
}

// insert adds order idx to a group in creation order (the velocity window
// slides over them) and returns its position.
func (s *Sale) insert(g, idx int32) int {
	gr := s.g(g)
	t := s.o(idx).created
	if gr.second < 0 {
		if s.o(gr.first).created > t {
			gr.first, gr.second = idx, gr.first
			return 0
		}
		gr.second = idx
		return 1
	}
	e := s.ext(g)
	if e.orders == nil {
		gr = s.g(g)
		e.orders = make([]int32, 2, 4)
		e.orders[0], e.orders[1] = gr.first, gr.second
	}
	pos, _ := slices.BinarySearchFunc(e.orders, t, func(i int32, t int64) int {
		return cmp.Compare(s.o(i).created, t)
	})
	e.orders = slices.Insert(e.orders, pos, idx)
	return pos
}

// unseenAccount reports whether account a has no order in the group yet.
func (s *Sale) unseenAccount(gr *group, a int32) bool {
	if gr.ext >= 0 && s.exts.at(gr.ext).seen != nil {
		_, ok := s.exts.at(gr.ext).seen[a]
		return !ok
	}
	for _, o := range s.members(gr) {
		if s.o(o).groups[kAccount] == a {
			return false
		}
	}
	return true
}

// dense reports whether VelocityOrders orders of the group, including the
// one at pos, fall within VelocityWindow.
func (s *Sale) dense(orders []int32, pos int) bool {
	n := s.cfg.VelocityOrders
	w := s.cfg.VelocityWindow.Milliseconds()
	for j := max(pos-n+1, 0); j <= pos && j+n-1 < len(orders); j++ {
		if s.o(orders[j+n-1]).created-s.o(orders[j]).created <= w {
			return true
		}
	}
	return false
}

// checkLimit fires over_limit on an account whose units exceed the limit.
func (s *Sale) checkLimit(g int32) {
	if lim := s.cfg.PerBuyerLimit; lim > 0 && int(s.g(g).units) > lim {
		s.fire(g, bitOverLimit)
	}
}

// fire sets rules on a group. Newly fired rules change the flag of every
// order in the group, earlier ones included.
func (s *Sale) fire(g int32, bits ruleBit) {
	bits &^= s.disabled
	gr := s.g(g)
	if bits&^gr.fired == 0 {
		return
	}
	gr.fired |= bits
	for _, o := range s.members(gr) {
		s.mark(o)
	}
}

// touch marks a fired group's orders as changed while the group is small
// enough for their stored evidence to be kept whole; beyond that their
// stored evidence is already full.
func (s *Sale) touch(g int32) {
	gr := s.g(g)
	if s.size(gr) > EvidenceCap {
		return
	}
	for _, o := range s.members(gr) {
		s.mark(o)
	}
}

// rulesOf is the set of rules fired for an order.
func (s *Sale) rulesOf(idx int32) ruleBit {
	r := s.o(idx)
	bits := r.own
	for _, g := range r.groups {
		if g >= 0 {
			bits |= s.g(g).fired
		}
	}
	return bits
}

// packPhone keeps what a masked phone shows: the first two and the last
// two digits and the length.
func packPhone(d []byte) uint32 {
	n := len(d)
	return uint32(d[0]-'0')<<28 | uint32(d[1]-'0')<<24 | uint32(d[n-2]-'0')<<20 | uint32(d[n-1]-'0')<<16 | uint32(min(n, 0xffff))
}

func unpackPhone(p uint32) string {
	if p == 0 {
		return ""
	}
	n := int(p & 0xffff)
	return string([]byte{'0' + byte(p>>28&0xf), '0' + byte(p>>24&0xf)}) + strings.Repeat("*", max(n-4, 0)) +
		string([]byte{'0' + byte(p>>20&0xf), '0' + byte(p>>16&0xf)})
}

// strRef is a string kept in an arena: chunk, offset and length packed in
// 64 bits, 0 for none; or a number kept in the reference itself
// (numericRef).
type strRef uint64

// arena stores strings in large pointer-free chunks, so a million order
// ids cost the garbage collector nothing to scan.
type arena struct {
	chunks [][]byte
}

const arenaChunk = 1 << 20

// numericRef marks a reference that holds a number itself: ids made of
// decimal digits (an order id, a buyer id) take no bytes in the arena.
// Chunk references never reach it (that would take 32 GiB of strings).
const numericRef = strRef(1) << 63

// inlineNumber reads a string of decimal digits, without a leading zero
// (so that the number gives it back exactly), below 2^63.
func inlineNumber(s string) (strRef, bool) {
	if s == "" || len(s) > 19 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + uint64(d)
	}
	if n >= 1<<63 {
		return 0, false
	}
	return numericRef | strRef(n), true
}

// add stores s (cut at 65535 bytes) and returns its reference.
func (a *arena) add(s string) strRef {
	if r, ok := inlineNumber(s); ok {
		return r
	}
	s = s[:min(len(s), 0xffff)]
	if len(a.chunks) == 0 || len(a.chunks[len(a.chunks)-1])+len(s) > arenaChunk {
		a.chunks = append(a.chunks, make([]byte, 0, max(arenaChunk, len(s))))
	}
	c := len(a.chunks) - 1
	off := len(a.chunks[c])
	a.chunks[c] = append(a.chunks[c], s...)
	// +1 on the chunk so that no reference is 0.
	return strRef(uint64(c+1)<<48 | uint64(off)<<16 | uint64(len(s)))
}

// eq reports whether the stored string is v, without copying it.
func (a *arena) eq(r strRef, v string) bool {
	if r == 0 {
		return false
	}
	if r&numericRef != 0 {
		n, ok := inlineNumber(v)
		return ok && n == r
	}
	c := int(r>>48) - 1
	off := int(r >> 16 & 0xffffffff)
	return string(a.chunks[c][off:off+int(r&0xffff)]) == v
}

// get returns the string (a copy: the caller may keep it).
func (a *arena) get(r strRef) string {
	if r == 0 {
		return ""
	}
	if r&numericRef != 0 {
		return strconv.FormatUint(uint64(r&^numericRef), 10)
	}
	c := int(r>>48) - 1
	off := int(r >> 16 & 0xffffffff)
	n := int(r & 0xffff)
	return string(a.chunks[c][off : off+n])
}
