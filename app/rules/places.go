package rules

import (
	"hash/maphash"
	"strings"

	"github.com/flashdeck/flashdeck/datasources"
)

// places finds the delivery point of each new order's address among the
// ones seen, incrementally: an address spelled as one seen before is one
// map lookup; a new spelling is read into its parts and compared only with
// the few delivery points that share a blocking key with it (its house
// number and city, its house number and post code), never with every
// address of the sale.
//
// A delivery point is an address group. It keeps the spellings it was
// reached by (up to maxVariants): a new spelling joins it only if it is
// the same place as every one of them, so that small differences cannot
// chain one house into its neighbour. The spellings are kept in the
// string arena, in memory only: they are read again to compare a
// candidate and masked to explain a flag, never stored or shown in clear.
type places struct {
	seed maphash.Seed
	// spell maps a spelling (lines, city, post code) to its group, or to
	// -1 when it locates no house.
	spell map[uint64]int32
	// blocks maps a blocking key to its list of spellings.
	blocks map[uint64]int32
	lists  [][]blockEntry
	// p reads the new address, q a candidate's spelling.
	p, q  parser
	keys  [2]uint64
	tried []int32
	// compared counts the spellings read to compare with a new one.
	compared int
}

// maxCandidates bounds the places a new spelling is compared with. Past
// the prefilter a block rarely holds more than a few; one that holds more
// (many streets of one initial with one house number in one city) would
// make a single order cost milliseconds, and is taken as a new place
// rather than searched further.
const maxCandidates = 48

// blockEntry is a spelling in a block, with what rules most candidates
// out without reading them: RT, RW and the street name's first letter.
type blockEntry struct {
	group  int32
	rt, rw uint8
	first  byte
	_      byte
}

func newPlaces() places {
	return places{seed: maphash.MakeSeed(), spell: map[uint64]int32{}, blocks: map[uint64]int32{}}
}

// spellingHash identifies a spelling of an address.
func (pl *places) spellingHash(a *datasources.Address) uint64 {
	var h maphash.Hash
	h.SetSeed(pl.seed)
	h.WriteString(a.Line1)
	h.WriteByte(0)
	h.WriteString(a.Line2)
	h.WriteByte(0)
	h.WriteString(a.City)
	h.WriteByte(0)
	h.WriteString(a.PostCode)
	return h.Sum64()
}

// place returns the address group of order idx's address, creating it,
// and whether the address locates a house at all.
func (s *Sale) place(a *datasources.Address, idx int32) (int32, bool) {
	pl := &s.places
	h := pl.spellingHash(a)
	if g, ok := pl.spell[h]; ok {
		return g, g >= 0
	}
	if !pl.p.parse(*a) {
		pl.spell[h] = -1
		return -1, false
	}
	p := &pl.p.pl
	pl.blockKeys(p)
	g := s.findPlace(p)
	if g < 0 {
		g = s.groups.add(group{first: idx, second: -1, ext: -1})
	}
	pl.spell[h] = g
	if s.addSpelling(g, a, p.aside) {
		e := blockEntry{group: g, rt: uint8(min(p.rt, 255)), rw: uint8(min(p.rw, 255)), first: p.streetInitial()}
		for _, k := range pl.keys {
			if k == 0 {
				continue
			}
			b, ok := pl.blocks[k]
			if !ok {
				b = int32(len(pl.lists))
				pl.lists = append(pl.lists, nil)
				pl.blocks[k] = b
			}
			pl.lists[b] = append(pl.lists[b], e)
		}
	}
	return g, true
}

// blockKeys sets the keys a place is filed under: its house number with
// its city, and with its post code when it has one.
func (pl *places) blockKeys(p *Place) {
	key := func(kind byte, v []byte) uint64 {
		var h maphash.Hash
		h.SetSeed(pl.seed)
		h.WriteByte(kind)
		h.Write(p.b(p.house))
		h.WriteByte(0)
		h.Write(v)
		return h.Sum64() | 1 // never 0: 0 is no key
	}
	pl.keys = [2]uint64{key('c', p.b(p.city)), 0}
	if p.post.n > 0 {
		pl.keys[1] = key('p', p.b(p.post))
	}
}

// findPlace returns the group of the delivery point p is, or -1.
func (s *Sale) findPlace(p *Place) int32 {
	pl := &s.places
	pl.tried = pl.tried[:0]
	first := p.streetInitial()
	for _, k := range pl.keys {
		b, ok := pl.blocks[k]
		if k == 0 || !ok {
			continue
		}
		for _, e := range pl.lists[b] {
			if e.rt != 0 && p.rt != 0 && uint16(e.rt) != min(p.rt, 255) ||
				e.rw != 0 && p.rw != 0 && uint16(e.rw) != min(p.rw, 255) ||
				e.first != 0 && first != 0 && e.first != first {
				continue
			}
			if containsGroup(pl.tried, e.group) {
				continue
			}
			if len(pl.tried) == maxCandidates {
				return -1 // a crowd on one house number: taken as a new place
			}
			pl.tried = append(pl.tried, e.group)
			if s.samePlaceAsGroup(p, e.group) {
				return e.group
			}
		}
	}
	return -1
}

func containsGroup(gs []int32, g int32) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

// samePlaceAsGroup reports whether p is the same place as every spelling
// group g keeps.
func (s *Sale) samePlaceAsGroup(p *Place, g int32) bool {
	gr := s.g(g)
	ok := s.eachSpelling(gr, func(ref strRef) bool {
		s.places.compared++
		a, _ := s.spellingOf(ref)
		return s.places.q.parse(a) && SamePlace(p, &s.places.q.pl)
	})
	return ok
}

// eachSpelling calls f with each spelling a group keeps, first to last,
// and reports whether f returned true for all.
func (s *Sale) eachSpelling(gr *group, f func(strRef) bool) bool {
	if gr.ref == 0 {
		return true
	}
	if !f(gr.ref) {
		return false
	}
	if gr.ext >= 0 {
		for _, v := range s.exts.at(gr.ext).variants {
			if !f(strRef(v)) {
				return false
			}
		}
	}
	return true
}

// addSpelling keeps a new spelling of group g's address, unless it keeps
// maxVariants already, and reports whether it did.
func (s *Sale) addSpelling(g int32, a *datasources.Address, aside Aside) bool {
	gr := s.g(g)
	n := s.variants(gr)
	if n >= maxVariants {
		return false
	}
	ref := s.storeSpelling(a, aside)
	if n == 0 {
		gr.ref = ref
		return true
	}
	e := s.ext(g)
	e.variants = append(e.variants, uint64(ref))
	return true
}

// storeSpelling keeps a spelling in the arena: what was set aside, then
// the lines, city and post code, separated by zero bytes.
func (s *Sale) storeSpelling(a *datasources.Address, aside Aside) strRef {
	b := s.spellBuf[:0]
	b = append(b, byte(aside))
	for i, f := range [...]string{a.Line1, a.Line2, a.City, a.PostCode} {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, strings.ReplaceAll(f, "\x00", "")...)
	}
	s.spellBuf = b
	return s.strs.add(string(b))
}

// spellingOf reads a kept spelling back.
func (s *Sale) spellingOf(ref strRef) (datasources.Address, Aside) {
	v := s.strs.get(ref)
	if v == "" {
		return datasources.Address{}, 0
	}
	aside := Aside(v[0])
	f := strings.SplitN(v[1:], "\x00", 4)
	for len(f) < 4 {
		f = append(f, "")
	}
	return datasources.Address{Line1: f[0], Line2: f[1], City: f[2], PostCode: f[3]}, aside
}

// streetInitial is the first letter of the place's street name, 0 when it
// has none: two places whose streets start with different letters are
// never one (SamePlace allows no typo in a name's first letter).
func (p *Place) streetInitial() byte {
	if p.nStreets == 0 {
		return 0
	}
	for _, c := range p.b(p.streets[0].name) {
		if c >= 'a' && c <= 'z' || c >= 0x80 {
			return c
		}
	}
	return 0
}
