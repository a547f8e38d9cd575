package rules

import (
	"strings"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/app/text"
	"github.com/flashdeck/flashdeck/internal/ascii"

	"github.com/flashdeck/flashdeck/datasources"
)

// Place is a shipping address read into the parts that locate a house:
// the house number, the street (type, name, qualifiers such as Barat or
// Tengah, numbers such as Soi 71 or SS 2/24), the RT/RW, the areas
// (kelurahan, kecamatan, taman, barangay, moo, phường…), an estate's block,
// a building's tower, floor and unit, the city and the post code. What does
// not locate the house is set aside: landmarks ("depan Indomaret"), text in
// brackets, descriptions of the house ("rumah cat hijau", "green gate"),
// notes to the courier ("titip satpam"), and the floor, room or unit made
// up on a house that is not a building of many homes.
//
// Two places are one delivery point when SamePlace says so. A Place holds
// the address's words in memory only; it is never shown or stored.
type Place struct {
	text []byte // the parts' text; the spans index it

	house, unit, block, tower, floor, building, estate span
	city, post, extra                                  span
	areas                                              [nAreas]span
	streets                                            [2]street
	nStreets                                           uint8
	letter                                             byte // after the house number: 12A
	cityKind                                           byte // 'k' kota, 'b' kabupaten
	inBuilding                                         bool
	rt, rw                                             uint16
	dirs                                               uint16 // compass words among the words left over
	aside                                              Aside
}

// span is a part of Place.text.
type span struct{ off, n uint16 }

func (p *Place) s(sp span) string { return string(p.text[sp.off : sp.off+sp.n]) }
func (p *Place) b(sp span) []byte { return p.text[sp.off : sp.off+sp.n] }

// street is one street of an address: type, name (skeleton words and
// numbers, space separated), qualifiers.
type street struct {
	typ  uint8
	name span
	qual uint16
}

// Aside is what was set aside from an address, as bits.
type Aside uint16

// What an address can have set aside.
const (
	AsideLandmark Aside = 1 << iota
	AsideBrackets
	AsideDescription
	AsideNote
	AsideFloor
	AsideUnit
)

var asideWords = []struct {
	bit  Aside
	word text.Text
}{
	{AsideLandmark, text.New("landmark")}, {AsideBrackets, text.New("text in brackets")}, {AsideDescription, text.New("house description")},
	{AsideNote, text.New("note to the courier")}, {AsideFloor, text.New("floor")}, {AsideUnit, text.New("unit")},
}

// Text lists what was set aside, as a text each screen translates.
func (a Aside) Text() text.Text {
	var ws []text.Text
	for _, w := range asideWords {
		if a&w.bit != 0 {
			ws = append(ws, w.word)
		}
	}
	return text.Join(ws, ", ")
}

// String lists what was set aside, in words: "landmark, floor".
func (a Aside) String() string {
	var ws []string
	for _, w := range asideWords {
		if a&w.bit != 0 {
			ws = append(ws, w.word.String())
		}
	}
	return strings.Join(ws, ", ")
}

// Token kinds of use: what consumed a token.
const (
	uFree = iota
	uAside
	uRT
	uHouse
	uBlock
	uUnit
	uTower
	uFloor
	uBuilding
	uArea
	uEstate
	uCity
	uPost
	uStreet
	uMarker
)

// tok is one word or number of an address, folded.
type tok struct {
	off, n uint16
	seg    uint16
	info   wordInfo
	sep    byte // before it: ' ' space or start, 'g' glued (12a, rt03), '/', '-', '.' (5.5)
	num    bool // digits only
	dot    bool // a '.' right after it
	hash   bool // right after '#'
	ord    bool // an ordinal written 1st, 2nd…
	first  bool // first token of its segment
	used   uint8
}

// parser reads addresses into a Place, reusing its buffers: it is one
// per evaluator and not safe for concurrent use.
type parser struct {
	fold []byte
	toks []tok
	runs []run
	scr  []byte
	pl   Place
	// hFrom and hTo are the first and last tokens of the house number
	// (its marker included), -1 when none.
	hFrom, hTo int
	// cityCache remembers how City fields read.
	cityCache map[string]cityRead
}

// run is a stretch of free tokens of one segment.
type run struct {
	from, to int // token indexes [from, to)
	typ      uint8
	typeAt   int // token of the type word, -1 for none
	used     bool
}

// ParseAddress reads an address. ok is false when it does not locate a
// house: masked by the channel, no house number, or nothing but numbers.
func ParseAddress(a datasources.Address) (Place, bool) {
	var p parser
	ok := p.parse(a)
	pl := p.pl
	pl.text = append([]byte(nil), pl.text...)
	return pl, ok
}

// tb is token i's folded text, valid until the next parse.
func (p *parser) tb(i int) []byte {
	return p.fold[p.toks[i].off : p.toks[i].off+p.toks[i].n]
}

// is reports whether token i is the word w.
func (p *parser) is(i int, w string) bool { return string(p.tb(i)) == w }

// word reports whether token i exists and is a free word.
func (p *parser) freeWord(i int) bool {
	return i >= 0 && i < len(p.toks) && p.toks[i].used == uFree && !p.toks[i].num
}

func (p *parser) sameSeg(i, j int) bool {
	return i >= 0 && j >= 0 && i < len(p.toks) && j < len(p.toks) && p.toks[i].seg == p.toks[j].seg
}

func (p *parser) parse(a datasources.Address) bool {
	p.fold, p.toks, p.runs = p.fold[:0], p.toks[:0], p.runs[:0]
	p.pl = Place{text: p.pl.text[:0]}
	p.hFrom, p.hTo = -1, -1
	if strings.Contains(a.Line1, "*") || strings.Contains(a.Line2, "*") || strings.Contains(a.City, "*") {
		return false // masked by the channel
	}
	if strings.TrimSpace(a.Line1) == "" && strings.TrimSpace(a.Line2) == "" {
		return false // a city alone is a crowd, not a place
	}
	var seg uint16
	p.tokenize(a.Line1, &seg)
	p.tokenize(a.Line2, &seg)
	p.setAside()
	p.markers()
	p.leading()
	p.cityField(a.City)
	p.postField(a.PostCode)
	p.makeRuns()
	p.cities()
	if pl := &p.pl; pl.house.n == 0 && pl.block.n > 0 && ascii.Digits(pl.s(pl.block)) {
		// Blk 123 (Singapore): the block is the house.
		pl.house, pl.block = pl.block, span{}
	} else if pl.house.n == 0 && pl.unit.n > 0 && (pl.inBuilding || pl.tower.n > 0 || pl.building.n > 0) {
		pl.house = pl.unit // a flat's number is its unit: "Room 305, Building B"
	}
	p.streets()
	p.building()
	p.leftovers()
	pl := &p.pl
	if pl.house.n == 0 {
		return false
	}
	if pl.nStreets == 0 && pl.estate.n == 0 && pl.building.n == 0 && pl.tower.n == 0 && pl.block.n == 0 {
		// A house number and nothing to find the street by, unless an area
		// narrows it down (a barangay and phase, a purok, a moo, a thôn).
		any := false
		for _, a := range pl.areas {
			any = any || a.n > 0
		}
		if !any {
			return false
		}
	}
	return true
}

// tokenize folds a line and splits it into tokens; segments end at commas,
// line ends, brackets and spaced dashes.
func (p *parser) tokenize(s string, seg *uint16) {
	*seg++
	start := -1 // start of the current token in p.fold
	digit := false
	sep := byte(' ')
	hash := false
	depth := 0
	first := true
	end := func() {
		if start < 0 {
			return
		}
		t := tok{off: uint16(start), n: uint16(len(p.fold) - start), seg: *seg, sep: sep, num: digit, hash: hash, first: first}
		if depth > 0 {
			t.used = uAside
			p.pl.aside |= AsideBrackets
		}
		p.toks = append(p.toks, t)
		start, sep, hash, first = -1, ' ', false, false
	}
	newSeg := func() {
		end()
		*seg++
		sep, first = ' ', true
	}
	if len(s) > 0xfff {
		s = s[:0xfff]
	}
	for i, w := 0, 0; i < len(s); i += w {
		r, n := rune(s[i]), 1
		if r >= 0x80 {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		w = n
		if c := byte(r); r < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			// The common case: an ASCII letter.
			if start >= 0 && digit {
				end()
				sep = 'g'
			}
			if start < 0 {
				start, digit = len(p.fold), false
			}
			p.fold = append(p.fold, c|0x20)
			continue
		}
		if r >= '0' && r <= '9' {
			if start >= 0 && !digit {
				end()
				sep = 'g'
			}
			if start < 0 {
				start, digit = len(p.fold), true
			}
			p.fold = append(p.fold, byte(r))
			continue
		}
		mark := len(p.fold)
		var isLetter bool
		p.fold, isLetter = foldRune(p.fold, r)
		if isLetter {
			if start >= 0 && digit {
				// A letter after digits starts a token of its own: move it.
				var letter [utf8.UTFMax]byte
				n := copy(letter[:], p.fold[mark:])
				p.fold = p.fold[:mark]
				end()
				sep = 'g'
				start, digit = len(p.fold), false
				p.fold = append(p.fold, letter[:n]...)
				continue
			}
			if start < 0 {
				start, digit = mark, false
			}
			continue
		}
		var prev, next byte
		if i > 0 {
			prev = s[i-1]
		}
		if i+n < len(s) {
			next = s[i+n]
		}
		switch r {
		case '\'', '’', '`':
			// Sa'aba: one word.
		case '.', ',':
			if prev >= '0' && prev <= '9' && next >= '0' && next <= '9' {
				end()
				sep = '.' // 5.5 and 5,5: a decimal
				continue
			}
			if r == ',' {
				newSeg()
				continue
			}
			if start >= 0 || len(p.toks) > 0 {
				end()
				if len(p.toks) > 0 && p.toks[len(p.toks)-1].seg == *seg {
					p.toks[len(p.toks)-1].dot = true
				}
			}
		case ';', '\n', '\r', '|':
			newSeg()
		case '(', '[', '{':
			newSeg()
			depth++
		case ')', ']', '}':
			newSeg()
			depth = max(depth-1, 0)
		case '-', '–', '—':
			if (prev == ' ' || prev == 0) && (next == ' ' || next == 0) {
				newSeg()
				continue
			}
			end()
			if sep == ' ' {
				sep = '-'
			}
		case '/', '\\':
			end()
			sep = '/'
		case '#':
			end()
			hash = true
		default:
			end()
		}
	}
	end()
}

// lookup finds token i in the word table.
func (p *parser) lookup(i int) wordInfo {
	t := &p.toks[i]
	if t.num {
		return 0
	}
	return wordTable[string(p.tb(i))]
}

// setAside marks landmarks, descriptions, notes and floors, and the
// ordinal endings of numbers (1st, 2nd).
func (p *parser) setAside() {
	for i := range p.toks {
		p.toks[i].info = p.lookup(i)
	}
	// Ordinals: "1st", "2nd", "3rd", "4th" are numbers.
	out := p.toks[:0]
	for i := range p.toks {
		t := p.toks[i]
		if i > 0 && t.sep == 'g' && p.toks[i-1].num && !t.num {
			switch string(p.tb(i)) {
			case "st", "nd", "rd", "th":
				out[len(out)-1].ord = true
				out[len(out)-1].dot = t.dot
				continue
			}
		}
		out = append(out, t)
	}
	p.toks = out
	for i := 0; i < len(p.toks); i++ {
		t := &p.toks[i]
		if t.used != uFree || t.num {
			continue
		}
		w := string(p.tb(i))
		cls := t.info.class()
		var bit Aside
		switch {
		case cls == wLandmark:
			switch w {
			case "doi":
				if !p.nextIs(i, "dien") {
					continue
				}
			case "gan", "canh", "sau", "truoc", "harap", "tabi", "likod", "masuk", "pinggir":
				if !p.freeWord(i+1) || !p.sameSeg(i, i+1) {
					continue
				}
			}
			bit = AsideLandmark
		case w == "in" && p.nextIs(i, "front"), w == "next" && p.nextIs(i, "to"), w == "ke" && p.nextIs(i, "ben"):
			bit = AsideLandmark
		case cls == wNote:
			bit = AsideNote
		case cls == wDesc:
			bit = AsideDescription
		case w == "nha" && (p.nextIs(i, "mau") || p.nextClass(i, wColour)):
			bit = AsideDescription
		case cls == wColour && p.nextClass(i, wDesc):
			bit = AsideDescription
		case cls == wFloor && p.numberAfter(i):
			p.toks[i].used = uFloor
			p.takeNumber(i+1, uFloor)
			p.pl.floor = p.put(p.tb(i + 1))
			continue
		default:
			continue
		}
		// A street named after the word: "Jl. Rumah Sakit", "Jalan Masjid".
		if j := p.prevFree(i); j >= 0 && p.sameSeg(i, j) && p.toks[j].info.class() == wType && !suffixType(uint8(p.toks[j].info.arg())) && j == i-1 {
			continue
		}
		// Written before the street, a landmark ends where the street's type
		// starts ("depan masjid Jl. Merdeka 5"), unless it leads into an
		// alley ("masuk gang samping Alfamart").
		atStart := p.segStart(i) && w != "masuk"
		p.pl.aside |= bit
		for j := i; j < len(p.toks) && p.sameSeg(i, j); j++ {
			if j > i && p.stopsAside(j, bit, atStart) {
				break
			}
			if p.toks[j].used == uFree || p.toks[j].used == uMarker {
				p.toks[j].used = uAside
			}
		}
	}
	// "2nd floor": the ordinal before the word.
	for i := 1; i < len(p.toks); i++ {
		if p.toks[i].info.class() == wFloor && p.toks[i].used == uFree && p.toks[i-1].ord && p.toks[i-1].used == uFree {
			p.toks[i].used, p.toks[i-1].used = uFloor, uFloor
			p.pl.floor = p.put(p.tb(i - 1))
		}
	}
}

func (p *parser) nextIs(i int, w string) bool {
	return i+1 < len(p.toks) && p.sameSeg(i, i+1) && p.is(i+1, w)
}

func (p *parser) nextClass(i int, c uint8) bool {
	return i+1 < len(p.toks) && p.sameSeg(i, i+1) && p.toks[i+1].info.class() == c
}

func (p *parser) numberAfter(i int) bool {
	return i+1 < len(p.toks) && p.sameSeg(i, i+1) && p.toks[i+1].num && p.toks[i+1].used == uFree
}

// segStart reports whether token i is the first unused token of its segment.
func (p *parser) segStart(i int) bool {
	for j := i - 1; j >= 0 && p.sameSeg(i, j); j-- {
		if p.toks[j].used == uFree {
			return false
		}
	}
	return true
}

func (p *parser) prevFree(i int) int {
	for j := i - 1; j >= 0; j-- {
		if p.toks[j].used == uFree {
			return j
		}
	}
	return -1
}

// stopsAside reports whether token j ends a landmark, description or note:
// RT/RW, an area marker, a post code, and, for one written before the
// street, the street's type.
func (p *parser) stopsAside(j int, bit Aside, atStart bool) bool {
	t := &p.toks[j]
	switch t.info.class() {
	case wRT, wRW:
		return true
	case wType:
		return atStart && !suffixType(uint8(t.info.arg()))
	case wLandmark, wNote:
		return bit == AsideDescription
	}
	return t.num && t.n >= 5 && t.sep == ' '
}

// takeNumber marks token i and the numbers joined to it ("99/12",
// "05-12", "27a") as used by u, returning the last token taken.
func (p *parser) takeNumber(i int, u uint8) int {
	p.toks[i].used = u
	j := i
	for j+1 < len(p.toks) && p.sameSeg(j, j+1) && (p.toks[j+1].sep == '/' || p.toks[j+1].sep == '-' || p.toks[j+1].sep == '.' || p.toks[j+1].sep == 'g') && p.toks[j+1].used == uFree {
		if p.toks[j+1].sep == 'g' && !p.toks[j+1].num && p.toks[j+1].n > 2 {
			break // "12Jalan": not a suffix
		}
		j++
		p.toks[j].used = u
	}
	return j
}

// value writes the tokens i..j as one value: numbers without leading zeros,
// letters lower case, joined by '/' where the address had '/' and by '-'
// otherwise ("a-12-03" → "a-12-3", "C-22" → "c22"). The letter glued after
// a house number is returned apart.
func (p *parser) value(i, j int, splitLetter bool) (span, byte) {
	start := len(p.pl.text)
	var letter byte
	for k := i; k <= j; k++ {
		t := &p.toks[k]
		w := p.tb(k)
		if k > i {
			prevNum := p.toks[k-1].num
			switch {
			case t.sep == '/':
				p.pl.text = append(p.pl.text, '/')
			case t.sep == '.':
				p.pl.text = append(p.pl.text, '.')
			case t.sep == 'g' || prevNum != t.num && t.sep == '-':
				// "c22", "c-22", "12a"
			default:
				p.pl.text = append(p.pl.text, '-')
			}
		}
		if t.num {
			p.pl.text = append(p.pl.text, trimZeros(w)...)
			continue
		}
		if splitLetter && k == j && k > i && len(w) <= 2 && p.toks[k-1].num && (t.sep == 'g' || t.sep == '-') {
			letter = w[0]
			if t.sep == '-' && len(p.pl.text) > start && p.pl.text[len(p.pl.text)-1] == '-' {
				p.pl.text = p.pl.text[:len(p.pl.text)-1]
			}
			continue
		}
		p.pl.text = append(p.pl.text, w...)
	}
	return span{uint16(start), uint16(len(p.pl.text) - start)}, letter
}

func (p *parser) put(b []byte) span {
	start := len(p.pl.text)
	p.pl.text = append(p.pl.text, b...)
	return span{uint16(start), uint16(len(b))}
}

func (p *parser) putString(s string) span {
	start := len(p.pl.text)
	p.pl.text = append(p.pl.text, s...)
	return span{uint16(start), uint16(len(s))}
}

// markers reads RT/RW, house numbers, blocks, units, towers, buildings,
// areas and estates with their values, and post codes.
func (p *parser) markers() {
	pl := &p.pl
	var hashAt = -1
	for i := 0; i < len(p.toks); i++ {
		t := &p.toks[i]
		if t.used != uFree {
			continue
		}
		if t.num {
			if t.hash {
				j := p.takeNumber(i, uUnit)
				if j > i && p.toks[i+1].sep == '-' && p.toks[i+1].num {
					pl.unit, _ = p.value(i, j, false) // #05-12: a unit of a building
					pl.inBuilding = true
				} else if hashAt < 0 {
					hashAt = i
					for k := i; k <= j; k++ {
						p.toks[k].used = uFree
					}
					i = j
				}
				continue
			}
			singapore := t.n == 6 && t.sep == 'g' && i > 0 && p.is(i-1, "s") // S560123
			if t.n >= 5 && t.n <= 6 && (t.sep == ' ' || singapore) && pl.post.n == 0 && !p.joinedAfter(i) {
				if singapore {
					p.toks[i-1].used = uPost
				}
				t.used = uPost
				pl.post = p.put(p.tb(i))
			}
			continue
		}
		w := string(p.tb(i))
		// A marker right after a street type is part of the street's
		// name: "Jalan Kampung Baru", "Jl. Taman Sari".
		afterType := i > 0 && p.toks[i-1].used == uFree && p.toks[i-1].info.class() == wType && !suffixType(uint8(p.toks[i-1].info.arg())) && p.sameSeg(i, i-1)
		switch cls := t.info.class(); {
		case cls == wRT:
			p.rtrw(i)
		case cls == wRW && p.numberAfter(i):
			t.used = uRT
			p.toks[i+1].used = uRT
			pl.rw = atoi16(p.tb(i + 1))
		case cls == wHouse:
			if w == "so" && p.nextIs(i, "nha") {
				// số nhà 18: the house number after both words.
				t.used = uMarker
				i++
				t = &p.toks[i]
				t.used = uFree
			}
			if !p.numberAfter(i) && !(w == "kav" || w == "kavling" || w == "kavl") {
				continue
			}
			if i+1 >= len(p.toks) || !p.sameSeg(i, i+1) || p.toks[i+1].used != uFree {
				continue
			}
			if t.info.arg() == 1 && i > 0 && p.toks[i-1].used == uBlock {
				continue // a lot after a block: read with the block
			}
			if b := i + 2; t.info.arg() == 1 && b+1 < len(p.toks) && p.sameSeg(i, b+1) && p.toks[i+1].num && p.toks[b].info.class() == wBlock && p.toks[b+1].used == uFree {
				// Lot 7 Blk 3: the block and the lot, the other way round.
				for k := i; k <= b+1; k++ {
					p.toks[k].used = uHouse
				}
				p.blockLotValue(b+1, i+1)
				p.hFrom, p.hTo = i, b+1
				i = b + 1
				continue
			}
			t.used = uMarker
			j := p.takeNumber(i+1, uHouse)
			if pl.house.n == 0 {
				pl.house, pl.letter = p.value(i+1, j, true)
				p.hFrom, p.hTo = i, j
			}
			i = j
		case cls == wBlock && !afterType:
			p.blockLot(i)
		case w == "b" && t.sep != 'g' && i+3 < len(p.toks) && p.toks[i+1].num && p.toks[i+1].sep == 'g' && p.is(i+2, "l") && p.toks[i+3].num && p.toks[i+3].sep == 'g':
			// B5 L12: block 5, lot 12.
			for k := i; k <= i+3; k++ {
				p.toks[k].used = uHouse
			}
			p.blockLotValue(i+1, i+3)
			i += 3
		case cls == wUnit || w == "apt" || w == "p" || w == "can" && p.nextIs(i, "ho"):
			if w == "can" {
				p.toks[i+1].used = uMarker
				t.used = uMarker
				i++
				t = &p.toks[i]
			}
			if !p.numberAfter(i) && !(i+1 < len(p.toks) && p.sameSeg(i, i+1) && p.toks[i+1].used == uFree && p.toks[i+1].n <= 2 && p.alnumUnit(i+1)) {
				if w == "apt" && p.freeWord(i+1) && p.sameSeg(i, i+1) {
					p.buildingName(i, false)
				} else if w == "p" {
					p.area(i, aWard)
				}
				continue
			}
			if w == "p" && p.toks[i+1].num && p.toks[i+1].n < 3 {
				p.area(i, aWard) // P.10: phường 10
				continue
			}
			t.used = uMarker
			j := p.takeNumber(i+1, uUnit)
			pl.unit, _ = p.value(i+1, j, false)
			i = j
		case cls == wTower && i+1 < len(p.toks) && p.sameSeg(i, i+1) && p.toks[i+1].used == uFree && (p.toks[i+1].info.class() == wNone || p.toks[i+1].n <= 2):
			t.used = uTower
			j := p.takeNumber(i+1, uTower)
			pl.tower, _ = p.value(i+1, j, false)
			i = j
		case cls == wBuilding && !afterType && (p.numberAfter(i) || p.alnumUnit(i+1) && p.toks[i+1].n <= 2):
			// "Apartment 4B": the unit.
			t.used = uMarker
			j := p.takeNumber(i+1, uUnit)
			pl.unit, _ = p.value(i+1, j, false)
			i = j
		case cls == wBuilding && !afterType:
			p.buildingName(i, t.info.arg() == 1)
		case w == "chung" && p.nextIs(i, "cu"):
			p.toks[i+1].info = wordInfo(wBuilding)
			t.used = uMarker
		case cls == wArea && !afterType:
			p.area(i, int(t.info.arg()))
		case cls == wEstate && !afterType:
			p.estate(i)
		case cls == wAreaPost:
			p.estatePost(i)
		}
	}
	if hashAt >= 0 {
		j := p.takeNumber(hashAt, uHouse)
		if pl.house.n == 0 {
			pl.house, pl.letter = p.value(hashAt, j, true)
			p.hFrom, p.hTo = hashAt, j
		} else {
			// "#5" on a house that has its number: a unit made up.
			for k := hashAt; k <= j; k++ {
				p.toks[k].used = uUnit
			}
			if pl.unit.n == 0 {
				pl.unit, _ = p.value(hashAt, j, false)
			}
		}
	}
}

// joinedAfter reports whether the number at i is joined to the next token.
func (p *parser) joinedAfter(i int) bool {
	return i+1 < len(p.toks) && p.sameSeg(i, i+1) && (p.toks[i+1].sep == '/' || p.toks[i+1].sep == '-' || p.toks[i+1].sep == '.')
}

// alnumUnit reports whether token i starts a unit such as "A-12-3" or "4B".
func (p *parser) alnumUnit(i int) bool {
	return i+1 < len(p.toks) && p.sameSeg(i, i+1) && p.toks[i+1].num && (p.toks[i+1].sep == '-' || p.toks[i+1].sep == 'g')
}

func atoi16(s []byte) uint16 {
	n := 0
	for i := 0; i < len(s) && i < 5; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return uint16(min(n, 0xffff))
}

// rtrw reads "RT 03/RW 05", "RT/RW 003/005", "RT 3 RW 5", "RT03RW05",
// "RT 3/5".
func (p *parser) rtrw(i int) {
	pl := &p.pl
	next := func(j int) bool { return j < len(p.toks) && p.sameSeg(i, j) && p.toks[j].used == uFree }
	if next(i+1) && p.toks[i+1].info.class() == wRW && p.toks[i+1].sep == '/' {
		// RT/RW 003/005
		if next(i+2) && p.toks[i+2].num && next(i+3) && p.toks[i+3].num {
			for k := i; k <= i+3; k++ {
				p.toks[k].used = uRT
			}
			pl.rt, pl.rw = atoi16(p.tb(i+2)), atoi16(p.tb(i+3))
		}
		return
	}
	if !next(i+1) || !p.toks[i+1].num {
		return
	}
	p.toks[i].used, p.toks[i+1].used = uRT, uRT
	pl.rt = atoi16(p.tb(i + 1))
	if next(i+2) && p.toks[i+2].num && p.toks[i+2].sep == '/' {
		p.toks[i+2].used = uRT
		pl.rw = atoi16(p.tb(i + 2))
	}
}

// blockLot reads a block: "Blok C5", "Blk 5 Lot 12", "Blok AA3/15",
// "Blk 123" (a Singapore block is the house number; decided later).
func (p *parser) blockLot(i int) {
	pl := &p.pl
	j := i + 1
	if j >= len(p.toks) || !p.sameSeg(i, j) || p.toks[j].used != uFree {
		return
	}
	if !p.toks[j].num && p.toks[j].n > 3 {
		return // "Block" in a name
	}
	p.toks[i].used = uMarker
	end := j
	for end+1 < len(p.toks) && p.sameSeg(end, end+1) && p.toks[end+1].used == uFree && (p.toks[end+1].sep == 'g' || p.toks[end+1].sep == '-' && !p.toks[end].num) {
		end++
	}
	for k := j; k <= end; k++ {
		p.toks[k].used = uBlock
	}
	// Blk 5 Lot 12 (the Philippines): block and lot are the house.
	if l := end + 1; l+1 < len(p.toks) && p.sameSeg(i, l+1) && p.toks[l].info.class() == wHouse && p.toks[l].info.arg() == 1 && p.toks[l+1].num {
		p.toks[l].used = uMarker
		p.toks[l+1].used = uHouse
		p.blockLotValue(j, l+1)
		return
	}
	pl.block, _ = p.value(j, end, false)
	// Blok AA3/15: the house number after the slash.
	if n := end + 1; n < len(p.toks) && p.sameSeg(i, n) && p.toks[n].num && p.toks[n].sep == '/' && p.toks[n].used == uFree && pl.house.n == 0 {
		k := p.takeNumber(n, uHouse)
		pl.house, pl.letter = p.value(n, k, true)
		p.hFrom, p.hTo = i, k
	}
}

// blockLotValue makes block b and lot l the house number "b-l".
func (p *parser) blockLotValue(b, l int) {
	pl := &p.pl
	if pl.house.n != 0 {
		return
	}
	start := len(pl.text)
	pl.text = append(pl.text, "blk"...)
	pl.text = append(pl.text, trimZeros(p.tb(b))...)
	pl.text = append(pl.text, "-lot"...)
	pl.text = append(pl.text, trimZeros(p.tb(l))...)
	pl.house = span{uint16(start), uint16(len(pl.text) - start)}
	p.hFrom, p.hTo = max(b-1, 0), l
}

// words writes the free words from token i on (at most max of them, up to
// a used token, a marker or the segment's end) as skeleton words, marking
// them used by u. The first word is taken whatever it is; a number or a
// Roman numeral after the words ends the name and is part of it ("Taman
// Universiti 2", "Molino III").
func (p *parser) words(i, max int, u uint8, stopAtNumber bool) (span, int) {
	start := len(p.pl.text)
	j := i
	for ; j < len(p.toks) && j-i < max && p.sameSeg(i, j) && p.toks[j].used == uFree; j++ {
		t := &p.toks[j]
		if j > i {
			if n := roman(p.tb(j)); (t.num && t.n <= 3 && t.sep == ' ' || n > 0 && !t.num) && stopAtNumber {
				t.used = u
				p.pl.text = append(p.pl.text, ' ')
				if n > 0 && !t.num {
					p.pl.text = append(p.pl.text, romanDigits[n]...)
				} else {
					p.pl.text = append(p.pl.text, trimZeros(p.tb(j))...)
				}
				j++
				break
			}
			if t.num && stopAtNumber {
				break
			}
			switch t.info.class() {
			case wType, wArea, wRT, wRW, wHouse, wBlock, wUnit, wTower, wFloor, wEstate, wBuilding, wAreaPost, wCityPre:
				if !p.is(j, "desa") || j != i+1 {
					goto done
				}
			}
		}
		t.used = u
		if len(p.pl.text) > start {
			p.pl.text = append(p.pl.text, ' ')
		}
		p.pl.text = p.appendWord(p.pl.text, j)
	}
done:
	return span{uint16(start), uint16(len(p.pl.text) - start)}, j
}

// appendWord writes token i as a word of a name: abbreviations expanded,
// numbers without leading zeros, letters as their skeleton.
func (p *parser) appendWord(dst []byte, i int) []byte {
	t := &p.toks[i]
	if t.num {
		return append(dst, trimZeros(p.tb(i))...)
	}
	switch t.info.class() {
	case wAbbr:
		return appendSkeleton(dst, expansions[t.info.arg()])
	case wArea:
		if full, ok := areaWords[string(p.tb(i))]; ok {
			return appendSkeleton(dst, full)
		}
	}
	return appendSkeleton(dst, p.tb(i))
}

// area reads an area marker's value: a number ("Moo 5", "P.10", "Quận 1")
// or the words after it ("Kel. Rawamangun", "Taman Desa Tebrau").
func (p *parser) area(i, kind int) {
	pl := &p.pl
	j := i + 1
	if j >= len(p.toks) || !p.sameSeg(i, j) || p.toks[j].used != uFree {
		return
	}
	w := string(p.tb(i))
	if len(w) == 1 && !p.toks[i].dot && p.toks[j].sep != 'g' {
		return // a single letter is a marker only as "P." or "Q1"
	}
	if len(w) == 1 && !p.toks[j].num {
		// "P. Burgos St.", "Jl. A. Yani": an initial in a street's name.
		for k := 0; k < len(p.toks); k++ {
			if p.sameSeg(i, k) && p.toks[k].info.class() == wType {
				return
			}
		}
	}
	if w == "desa" && i > 0 && p.toks[i-1].used == uArea || pl.areas[kind].n > 0 {
		return // part of a name ("Taman Desa Tebrau"), or given already
	}
	p.toks[i].used = uMarker
	if p.toks[j].num {
		k := p.takeNumber(j, uArea)
		pl.areas[kind], _ = p.value(j, k, false)
		return
	}
	pl.areas[kind], _ = p.words(j, 5, uArea, true)
}

// estate reads a housing estate's name after Perumahan, Komplek, Cluster.
func (p *parser) estate(i int) {
	if !p.freeWord(i+1) || !p.sameSeg(i, i+1) {
		return
	}
	p.toks[i].used = uMarker
	p.pl.estate, _ = p.words(i+1, 4, uEstate, true)
}

// estatePost reads an estate named before its marker: "Teachers Village
// East", "BF Homes"; a compass word after it is part of the name.
func (p *parser) estatePost(i int) {
	from := i
	for from > 0 && p.sameSeg(from-1, i) && p.freeWord(from-1) && p.toks[from-1].info.class() != wType && i-from < 4 {
		from--
	}
	if from == i {
		return
	}
	p.toks[i].used = uMarker
	sp, _ := p.words(from, i-from, uEstate, true)
	if j := i + 1; p.freeWord(j) && p.sameSeg(i, j) && p.toks[j].info.class() == wQual {
		p.toks[j].used = uEstate
		p.pl.text = append(p.pl.text, ' ')
		p.pl.text = appendSkeleton(p.pl.text, p.tb(j))
		sp.n = uint16(len(p.pl.text)) - sp.off
	}
	p.pl.estate = sp
}

// buildingName reads a building's name: after the word ("Apartemen
// Kalibata City", "Chung cư Sky Center") or before it ("Light Residences",
// "Residensi Vista" reads after).
func (p *parser) buildingName(i int, post bool) {
	w := string(p.tb(i))
	if post && (w == "residensi" || !p.freeWord(i-1) || !p.sameSeg(i, i-1)) {
		post = false
	}
	p.toks[i].used = uMarker
	if post {
		from := i
		for from > 0 && p.sameSeg(from-1, i) && p.freeWord(from-1) && i-from < 4 {
			from--
		}
		p.pl.building, _ = p.words(from, i-from, uBuilding, true)
		return
	}
	if p.freeWord(i+1) && p.sameSeg(i, i+1) {
		p.pl.building, _ = p.words(i+1, 4, uBuilding, true)
	} else if p.pl.building.n == 0 {
		p.pl.building = p.putString(w)
	}
}

// leading takes the number a segment starts with as the house number
// ("12 Jalan SS 2/24", "99/12 Moo 5", "#32 Purok 3", "5B Phổ Quang") when
// no marker gave one; "A-12-3" at the start is a unit of a building.
func (p *parser) leading() {
	pl := &p.pl
	for i := range p.toks {
		t := &p.toks[i]
		if !t.first || t.used != uFree {
			continue
		}
		if !t.num {
			// A-12-3: a condominium unit.
			if t.n <= 2 && i+2 < len(p.toks) && p.toks[i+1].num && p.toks[i+1].sep == '-' && p.toks[i+2].num && p.toks[i+2].sep == '-' && p.sameSeg(i, i+2) {
				j := p.takeNumber(i, uUnit)
				if pl.unit.n == 0 {
					pl.unit, _ = p.value(i, j, false)
				}
				pl.inBuilding = true
			}
			continue
		}
		if pl.house.n != 0 {
			return
		}
		if t.n > 4 && !p.joinedAfter(i) {
			continue // a post code
		}
		j := p.takeNumber(i, uHouse)
		pl.house, pl.letter = p.value(i, j, true)
		p.hFrom, p.hTo = i, j
		return
	}
}

// cityField reads the city the channel gave. Channels fill it from a
// list, so the few values there are are read once and remembered.
func (p *parser) cityField(city string) {
	if c, ok := p.cityCache[city]; ok {
		if c.ok {
			p.pl.city, p.pl.cityKind = p.putString(c.name), c.kind
		}
		return
	}
	var c cityRead
	c.name, c.kind, c.ok = p.readCity(city)
	if p.cityCache == nil {
		p.cityCache = map[string]cityRead{}
	}
	if len(p.cityCache) < maxCities {
		p.cityCache[strings.Clone(city)] = c
	}
	if c.ok {
		p.pl.city, p.pl.cityKind = p.putString(c.name), c.kind
	}
}

// maxCities bounds the cities a parser remembers.
const maxCities = 4096

// cityRead is a City field as read.
type cityRead struct {
	name string
	kind byte
	ok   bool
}

// readCity reads a City field: the first part that is a known city, or
// the first part.
func (p *parser) readCity(city string) (name string, kind byte, found bool) {
	if strings.TrimSpace(city) == "" {
		return "", 0, false
	}
	start := len(p.scr)
	for part := range strings.SplitSeq(city, ",") {
		p.scr = p.scr[:start]
		for _, r := range part {
			p.scr, _ = foldRune(p.scr, r)
			if r >= '0' && r <= '9' {
				p.scr = append(p.scr, byte(r))
			}
			if r == ' ' || r == '.' || r == '-' {
				p.scr = append(p.scr, ' ')
			}
		}
		if n, k, ok := cityName(string(p.scr[start:])); ok {
			if n != "" || !found {
				name, kind, found = n, k, true
			}
			if n != "" {
				break
			}
		}
	}
	p.scr = p.scr[:start]
	return name, kind, found
}

// cityName is the known name of a city as written ("Kota Bandung",
// "Jakbar", "Bandug"), "" for a region, and ok false when s is empty.
// A city that is not known keeps its letters.
func cityName(s string) (name string, kind byte, ok bool) {
	f := strings.Fields(s)
	for len(f) > 0 && f[len(f)-1] != "" && ascii.Digits(f[len(f)-1]) {
		f = f[:len(f)-1] // a post code after the city
	}
	if len(f) == 0 {
		return "", 0, false
	}
	try := func(ws []string) (string, bool) {
		k := cityKey(strings.Join(ws, ""))
		if n, ok := cityAliases[k]; ok {
			return n, true
		}
		if n, ok := cityByDeletion[k]; ok && len(k) >= 4 {
			return n, true
		}
		return "", false
	}
	if n, ok := try(f); ok {
		return n, 0, true
	}
	// Prefixes and suffixes that are not the name.
	for len(f) > 1 {
		switch f[0] {
		case "kota", "kotamadya", "kodya":
			kind = 'k'
			f = f[1:]
			continue
		case "kab", "kabupaten":
			kind = 'b'
			f = f[1:]
			continue
		case "adm", "administrasi", "city", "of", "mueang", "muang", "amphoe", "tp", "thanh", "pho", "bandar", "wp", "wilayah", "persekutuan", "daerah", "khusus", "ibukota":
			f = f[1:]
			continue
		}
		break
	}
	if len(f) > 1 && (f[len(f)-1] == "city" || f[len(f)-1] == "cty") {
		f = f[:len(f)-1]
	}
	if n, ok := try(f); ok {
		return n, kind, true
	}
	return string(appendSkeleton(nil, strings.Join(f, " "))), kind, true
}

// postField reads the post code the channel gave.
func (p *parser) postField(post string) {
	start := len(p.pl.text)
	for i := 0; i < len(post); i++ {
		if c := post[i]; c >= '0' && c <= '9' {
			p.pl.text = append(p.pl.text, c)
		}
	}
	if n := len(p.pl.text) - start; n >= 4 {
		p.pl.post = span{uint16(start), uint16(n)}
	} else {
		p.pl.text = p.pl.text[:start]
	}
}

// makeRuns groups the free tokens into runs (within a segment, with no
// used token between them) and splits them at street types.
func (p *parser) makeRuns() {
	for i := 0; i < len(p.toks); {
		if p.toks[i].used != uFree {
			i++
			continue
		}
		j := i
		for j < len(p.toks) && p.toks[j].used == uFree && p.sameSeg(i, j) {
			j++
		}
		p.splitRun(i, j)
		i = j
	}
}

// splitRun cuts a run at each street type: "Jl Kaliurang Km 5,5 Gg
// Pandega Marta" is two streets; "Nimmanhaemin Soi 9" is a name and a soi.
func (p *parser) splitRun(from, to int) {
	cur := run{from: from, to: to, typeAt: -1}
	for k := from; k < to; k++ {
		t := &p.toks[k]
		if t.info.class() != wType || t.num {
			continue
		}
		typ := uint8(t.info.arg())
		if suffixType(typ) {
			if k == from {
				continue // "St. Paul", a name
			}
			if typ == tStreet && k+1 < to && !p.toks[k+1].num && p.toks[k+1].info.class() != wQual {
				continue // St. as saint
			}
			// The name is before it, the qualifiers and numbers right after it.
			end := k + 1
			for end < to && (p.toks[end].info.class() == wQual || p.toks[end].num && end == k+1) {
				end++
			}
			if cur.typeAt >= 0 {
				// A street with its type before: it ends at its last number
				// ("Soi Sukhumvit 71 Sukhumvit Rd."), and this one's name
				// starts after; with no number the two types name one street.
				cut := -1
				for m := cur.typeAt + 1; m < k; m++ {
					if p.toks[m].num && m+1 < k && !p.toks[m+1].num {
						cut = m + 1
					}
				}
				if cut < 0 {
					continue
				}
				c := cur
				c.to = cut
				p.runs = append(p.runs, c)
				cur = run{from: cut, to: to, typeAt: -1}
			}
			cur.to, cur.typ, cur.typeAt = end, typ, k
			p.runs = append(p.runs, cur)
			cur = run{from: end, to: to, typeAt: -1}
			k = end - 1
			continue
		}
		if k > cur.from {
			c := cur
			c.to = k
			p.runs = append(p.runs, c)
		}
		cur = run{from: k, to: to, typ: typ, typeAt: k}
	}
	if cur.from < cur.to {
		p.runs = append(p.runs, cur)
	}
}

// cities takes runs that name a known city or region out of the streets:
// "Jakarta Barat - Jl Kebon Jeruk Raya 27", "…, Tondo, Manila 1012".
func (p *parser) cities() {
	pl := &p.pl
	for r := range p.runs {
		ru := &p.runs[r]
		if ru.typeAt >= 0 {
			continue
		}
		from, to := ru.from, ru.to
		p.scr = p.scr[:0]
		for k := from; k < to; k++ {
			p.scr = append(p.scr, p.tb(k)...)
			p.scr = append(p.scr, ' ')
		}
		name, kind, _ := cityName(string(p.scr))
		known := false
		if n, ok := cityAliases[cityKey(name)]; ok && n == name {
			known = true
		}
		if !known && (name != "" || !p.regionRun(from, to)) {
			if !p.is(from, "kota") && !p.is(from, "kab") && !p.is(from, "kabupaten") {
				continue
			}
		}
		ru.used = true
		for k := from; k < to; k++ {
			p.toks[k].used = uCity
		}
		if pl.city.n == 0 && name != "" {
			pl.city, pl.cityKind = p.putString(name), kind
		}
	}
}

// regionRun reports whether a run names a region ("DKI Jakarta", "Selangor").
func (p *parser) regionRun(from, to int) bool {
	p.scr = p.scr[:0]
	for k := from; k < to; k++ {
		p.scr = append(p.scr, p.tb(k)...)
	}
	n, ok := cityAliases[string(p.scr)]
	return ok && n == ""
}

// streets picks the street of the house and the one it is off, reads their
// names, and takes a house number from the end of a street's run when
// nothing else gave one ("Jl Kebon Jeruk Raya 27").
func (p *parser) streets() {
	pl := &p.pl
	// A typed run with no name takes the name next to it: "ngõ 34 Trần
	// Duy Hưng", "Nimmanhaemin Soi 9", "Kebon Jeruk Raya, Jl., no.27".
	for r := range p.runs {
		ru := &p.runs[r]
		if ru.used || ru.typeAt < 0 || p.hasName(ru) {
			continue
		}
		o := p.neighbourRun(r)
		if n := r + 1; o < 0 && alleyType(ru.typ) && n < len(p.runs) && !p.runs[n].used && p.runs[n].typeAt >= 0 && p.runs[n].from == ru.to {
			o = n // ngõ 34 phố Trần Duy Hưng: the alley of that street
		}
		if o >= 0 {
			p.runs[o].used = true
			ru.from, ru.to = min(ru.from, p.runs[o].from), max(ru.to, p.runs[o].to)
		}
	}
	// The house from the end of a run, when nothing gave one.
	if pl.house.n == 0 {
		for r := range p.runs {
			ru := &p.runs[r]
			if ru.used {
				continue
			}
			if k := p.trailingNumber(ru); k >= 0 {
				j := p.takeNumber(k, uHouse)
				p.hFrom, p.hTo = k, j
				pl.house, pl.letter = p.value(k, j, true)
				break
			}
		}
	}
	// The street of the house: the typed run nearest the house number in
	// its segment, else the first typed run, else an untyped run right
	// next to the house number ("45 Le Loi", "Kemang Timur 41").
	best, second := -1, -1
	score := func(r int) int {
		ru := &p.runs[r]
		switch {
		case p.hFrom < 0 || !p.sameSeg(ru.from, p.hFrom):
			return 1 << 20
		case p.hFrom >= ru.to:
			return p.hFrom - ru.to
		case p.hTo < ru.from:
			return ru.from - p.hTo - 1
		}
		return 0 // the house number is inside the run
	}
	for r := range p.runs {
		if p.runs[r].used || p.runs[r].typeAt < 0 {
			continue
		}
		if best < 0 || score(r) < score(best) {
			best = r
		}
	}
	for r := range p.runs {
		if !p.runs[r].used && p.runs[r].typeAt >= 0 && r != best {
			second = r
			break
		}
	}
	if best < 0 {
		for r := range p.runs {
			if p.runs[r].used || score(r) != 0 || !p.hasWord(&p.runs[r]) {
				continue
			}
			if ru := &p.runs[r]; p.toks[p.hFrom].info.class() == wBlock && ru.to == p.hFrom {
				// "Citraland Blok A3/20": the estate's name, before its block.
				if pl.estate.n == 0 {
					ru.used = true
					pl.estate, _ = p.words(ru.from, ru.to-ru.from, uEstate, true)
				}
				continue
			}
			best = r
			break
		}
	}
	for _, r := range [...]int{best, second} {
		if r < 0 {
			continue
		}
		p.runs[r].used = true
		if s, ok := p.street(&p.runs[r]); ok {
			pl.streets[pl.nStreets] = s
			pl.nStreets++
		}
	}
}

func (p *parser) hasName(ru *run) bool {
	for k := ru.from; k < ru.to; k++ {
		if k != ru.typeAt && !p.toks[k].num && p.toks[k].info.class() != wQual && p.toks[k].info.class() != wType {
			return true
		}
	}
	return false
}

func (p *parser) hasWord(ru *run) bool {
	for k := ru.from; k < ru.to; k++ {
		if !p.toks[k].num {
			return true
		}
	}
	return false
}

// neighbourRun finds the untyped run a nameless street takes its name
// from: right after it in its segment (an alley: "ngõ 34 Trần Duy Hưng"),
// else right before it ("Nimmanhaemin Soi 9"), else the run of the
// segment before or after.
func (p *parser) neighbourRun(r int) int {
	ru := &p.runs[r]
	ok := func(o int) bool {
		return o >= 0 && o < len(p.runs) && o != r && !p.runs[o].used && p.runs[o].typeAt < 0 && p.hasWord(&p.runs[o])
	}
	if o := r + 1; ok(o) && p.sameSeg(p.runs[o].from, ru.from) && p.runs[o].from == ru.to {
		return o
	}
	if o := r - 1; ok(o) && p.sameSeg(p.runs[o].from, ru.from) && p.runs[o].to == ru.from {
		return o
	}
	if o := r - 1; ok(o) {
		return o
	}
	if o := r + 1; ok(o) {
		return o
	}
	return -1
}

// trailingNumber is the token of a number ending a street's run after its
// name ("Jl Kebon Jeruk Raya 27", "Kemang Timur 41"), or -1.
func (p *parser) trailingNumber(ru *run) int {
	if ru.typ != tNone && suffixType(ru.typ) {
		return -1
	}
	words := 0
	for k := ru.from; k < ru.to; k++ {
		t := &p.toks[k]
		if t.num {
			if words == 0 || k == ru.typeAt+1 || k > ru.from && p.is(k-1, "km") {
				continue
			}
			if t.sep == '/' || t.sep == '.' || t.ord {
				continue
			}
			return k
		}
		if k != ru.typeAt && t.info.class() != wQual {
			words++
		}
	}
	return -1
}

// street reads a run as a street: its type, qualifiers and name. The
// name ends at the first number after its words (numbers right after the
// type, as in "ngõ 34" or "đường 3 Tháng 2", and after "Km" belong to it);
// what follows ("Jalan Telawi 3 Bangsar Baru") is left over.
func (p *parser) street(ru *run) (street, bool) {
	s := street{typ: ru.typ}
	pl := &p.pl
	start := len(pl.text)
	words, lastNum := 0, false
	for k := ru.from; k < ru.to; k++ {
		t := &p.toks[k]
		if t.used != uFree || k == ru.typeAt {
			if t.used == uFree {
				t.used = uStreet
			}
			continue
		}
		cls := t.info.class()
		if !t.num && lastNum && words > 0 && !suffixType(ru.typ) && cls != wQual && !(k > ru.from && p.is(k-1, "km")) {
			// The name has ended: the rest is left over.
			break
		}
		t.used = uStreet
		switch {
		case cls == wQual:
			s.qual |= uint16(t.info.arg())
			continue
		case cls == wTitle && !(k+1 >= ru.to && words == 0) && !(t.n == 1 && k+1 < ru.to && p.toks[k+1].n == 1 && !p.toks[k+1].num):
			continue // H. Nawi is Haji Nawi; H.R. Rasuna Said keeps its initials
		case cls == wType:
			continue
		}
		if len(pl.text) > start {
			pl.text = append(pl.text, ' ')
		}
		if t.num {
			j := k
			for j+1 < ru.to && (p.toks[j+1].sep == '/' || p.toks[j+1].sep == '.') && p.toks[j+1].num {
				j++
				p.toks[j].used = uStreet
			}
			p.value(k, j, false)
			k = j
			lastNum = true
			continue
		}
		if n := roman(p.tb(k)); n > 0 && words > 0 {
			pl.text = append(pl.text, romanDigits[n]...)
			lastNum = true
			continue
		}
		pl.text = p.appendWord(pl.text, k)
		words++
		lastNum = false
	}
	s.name = span{uint16(start), uint16(len(pl.text) - start)}
	p.alias(&s)
	return s, s.name.n > 0 || s.typ != tNone
}

// alias replaces a street's name by the name it is an alias of.
func (p *parser) alias(s *street) {
	pl := &p.pl
	p.scr = p.scr[:0]
	for _, c := range pl.b(s.name) {
		if c != ' ' {
			p.scr = append(p.scr, c)
		}
	}
	if full, ok := nameAliases[string(p.scr)]; ok {
		s.name = p.putString(full)
	}
}

var romanDigits = [...]string{"", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"}

// roman is the value of a Roman numeral from i to xx, or 0.
func roman(w []byte) int {
	switch string(w) {
	case "i":
		return 1
	case "ii":
		return 2
	case "iii":
		return 3
	case "iv":
		return 4
	case "v":
		return 5
	case "vi":
		return 6
	case "vii":
		return 7
	case "viii":
		return 8
	case "ix":
		return 9
	case "x":
		return 10
	case "xi":
		return 11
	case "xii":
		return 12
	case "xiii":
		return 13
	case "xiv":
		return 14
	case "xv":
		return 15
	case "xvi":
		return 16
	case "xvii":
		return 17
	case "xviii":
		return 18
	case "xix":
		return 19
	case "xx":
		return 20
	}
	return 0
}

// building settles units and floors: in a building of many homes (a
// tower, a named apartment block, a unit written as #05-12 or A-12-3) they
// tell homes apart; on a house they are made up, and set aside.
func (p *parser) building() {
	pl := &p.pl
	if (pl.building.n > 0 || pl.tower.n > 0) && (pl.unit.n > 0 || pl.floor.n > 0 || pl.nStreets == 0) {
		pl.inBuilding = true
	}
	if !pl.inBuilding {
		if pl.unit.n > 0 {
			pl.aside |= AsideUnit
		}
		if pl.floor.n > 0 {
			pl.aside |= AsideFloor
		}
		pl.unit, pl.floor = span{}, span{}
		return
	}
	if pl.house.n == 0 && pl.unit.n > 0 {
		pl.house = pl.unit
	}
	if pl.unit.n == 0 && pl.nStreets == 0 && pl.house.n > 0 {
		pl.unit = pl.house
	}
}

// leftovers keeps the words no part took, for two checks: a street's name
// that ran into the next field ("Jalan Telawi 3 Bangsar Baru"), and
// compass words that tell sibling areas apart ("Sukabumi Utara").
func (p *parser) leftovers() {
	pl := &p.pl
	start := len(pl.text)
	for k := range p.toks {
		t := &p.toks[k]
		if t.used != uFree {
			continue
		}
		if t.info.class() == wQual {
			pl.dirs |= uint16(t.info.arg()) &^ qRaya
		}
		if len(pl.text) > start {
			pl.text = append(pl.text, ' ')
		}
		pl.text = p.appendWord(pl.text, k)
	}
	pl.extra = span{uint16(start), uint16(len(pl.text) - start)}
}
