package rules

import (
	"strings"
)

// SamePlace reports whether two addresses are one delivery point: the
// same house number on the same street (a typo or two in a long name
// allowed, a qualifier such as Barat or Tengah never), in the same city,
// with no part that both give and that differs: RT/RW, kelurahan,
// barangay, moo or any other area, post code, an estate's block, a
// building's tower, floor and unit. A part only one of them gives is no
// difference: a buyer may leave out the RT/RW or the post code.
func SamePlace(a, b *Place) bool {
	if a.house.n == 0 || string(a.b(a.house)) != string(b.b(b.house)) {
		return false
	}
	if a.letter != 0 && b.letter != 0 && a.letter != b.letter {
		return false
	}
	if a.city.n > 0 && b.city.n > 0 && !sameCity(a.s(a.city), b.s(b.city)) {
		return false
	}
	if a.cityKind != 0 && b.cityKind != 0 && a.cityKind != b.cityKind {
		return false
	}
	if a.post.n > 0 && b.post.n > 0 && string(a.b(a.post)) != string(b.b(b.post)) {
		return false
	}
	if a.rt != 0 && b.rt != 0 && a.rt != b.rt || a.rw != 0 && b.rw != 0 && a.rw != b.rw {
		return false
	}
	for k := range nAreas {
		if a.areas[k].n > 0 && b.areas[k].n > 0 && !similarNames(a.s(a.areas[k]), b.s(b.areas[k])) {
			return false
		}
	}
	if a.block.n > 0 && b.block.n > 0 && string(a.b(a.block)) != string(b.b(b.block)) {
		return false
	}
	if a.estate.n > 0 && b.estate.n > 0 && !similarNames(a.s(a.estate), b.s(b.estate)) {
		return false
	}
	if a.inBuilding && b.inBuilding {
		if a.building.n > 0 && b.building.n > 0 && !similarNames(a.s(a.building), b.s(b.building)) {
			return false
		}
		for _, f := range [...]func(*Place) span{
			func(p *Place) span { return p.tower },
			func(p *Place) span { return p.floor },
			func(p *Place) span { return p.unit },
		} {
			x, y := f(a), f(b)
			if x.n > 0 && y.n > 0 && string(a.b(x)) != string(b.b(y)) {
				return false
			}
		}
	}
	switch {
	case a.nStreets > 0 && b.nStreets > 0:
		if !sameStreet(a, &a.streets[0], b, &b.streets[0]) {
			return false
		}
		if a.nStreets > 1 && b.nStreets > 1 && !sameStreet(a, &a.streets[1], b, &b.streets[1]) {
			return false
		}
	case a.nStreets != b.nStreets && !(a.inBuilding && b.inBuilding):
		// A street against none: only if the other's estate or building
		// has the street's name ("Perum Citraland" and "Citraland").
		x, y := a, b
		if x.nStreets == 0 {
			x, y = b, a
		}
		name := x.s(x.streets[0].name)
		if name == "" || !similarNames(name, y.s(y.estate)) && !similarNames(name, y.s(y.building)) {
			return false
		}
	}
	if a.dirs != 0 && b.dirs != 0 && a.dirs != b.dirs {
		return false
	}
	return true
}

// sameCity compares two cities' names: known cities by name, a city the
// word list does not know with a typo allowed.
func sameCity(x, y string) bool {
	if x == y {
		return true
	}
	kx, ky := cityAliases[cityKey(x)] == x, cityAliases[cityKey(y)] == y
	if kx && ky {
		return false
	}
	return similarNames(x, y)
}

func sameStreet(a *Place, sa *street, b *Place, sb *street) bool {
	if !typesAgree(sa.typ, sb.typ) {
		return false
	}
	if sa.qual&^qRaya != sb.qual&^qRaya {
		return false
	}
	x, y := a.s(sa.name), b.s(sb.name)
	if similarNames(x, y) {
		return true
	}
	// A name that ran into the next field: "Persiaran Kewajipan USJ 1"
	// against "Persiaran Kewajipan, USJ 1".
	return ranOn(x, y, b.s(b.extra)) || ranOn(y, x, a.s(a.extra))
}

// ranOn reports whether long is short (or a typo of it) followed by
// words that the other address has apart.
func ranOn(long, short, apart string) bool {
	if short == "" || apart == "" {
		return false
	}
	n := strings.Count(short, " ") + 1
	cut := 0
	for range n {
		i := strings.IndexByte(long[cut:], ' ')
		if i < 0 {
			return false
		}
		cut += i + 1
	}
	if !similarNames(long[:cut-1], short) {
		return false
	}
	for w := range strings.FieldsSeq(long[cut:]) {
		if !containsWord(apart, w) {
			return false
		}
	}
	return true
}

func containsWord(list, w string) bool {
	for f := range strings.FieldsSeq(list) {
		if f == w {
			return true
		}
	}
	return false
}

// similarNames compares two names written as skeleton words and numbers:
// the numbers must be the same, the letters may differ by a typo or two
// in a long name (none under five letters, one under nine, two from
// nine), never in the first letter. A word written as its initial matches
// the word ("S Parman", "Siswondo Parman").
func similarNames(x, y string) bool {
	if x == y {
		return true
	}
	if !sameNumbers(x, y) || compass(x) != compass(y) {
		return false
	}
	var bx, by [64]byte
	lx, ly := letters(bx[:0], x), letters(by[:0], y)
	if len(lx) == 0 || len(ly) == 0 {
		return len(lx) == len(ly)
	}
	if lx[0] != ly[0] {
		return false
	}
	if withinTypos(lx, ly) {
		return true
	}
	return initials(x, y)
}

// compassWords are the qualifiers' skeletons: "Teachers Village East" and
// "… West" are two places however close their letters.
// It is filled once the word table is (see placewords.go).
var compassWords = map[string]uint16{}

// compass is the set of qualifiers among a name's words.
func compass(s string) uint16 {
	var q uint16
	for w := range strings.FieldsSeq(s) {
		q |= compassWords[w]
	}
	return q
}

// typoBudget is how many edits a name of n letters may have.
func typoBudget(n int) int {
	switch {
	case n < 5:
		return 0
	case n < 9:
		return 1
	}
	return 2
}

func withinTypos(x, y []byte) bool {
	k := typoBudget(min(len(x), len(y)))
	return editDistance(x, y, k) <= k
}

// initials compares word by word, a single letter standing for a word.
func initials(x, y string) bool {
	fx, fy := strings.Fields(x), strings.Fields(y)
	if len(fx) != len(fy) {
		return false
	}
	single := false
	for i := range fx {
		a, b := fx[i], fy[i]
		switch {
		case a == b:
		case len(a) == 1 && b[0] == a[0], len(b) == 1 && a[0] == b[0]:
			single = true
		case a[0] == b[0] && withinTypos([]byte(a), []byte(b)):
		default:
			return false
		}
	}
	return single
}

// letters appends the letters of s, without spaces or digits.
func letters(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && !(c >= '0' && c <= '9') && c != '/' && c != '.' && c != '-' {
			dst = append(dst, c)
		}
	}
	return dst
}

// sameNumbers reports whether x and y have the same numbers, in order.
func sameNumbers(x, y string) bool {
	i, j := 0, 0
	for {
		for i < len(x) && !(x[i] >= '0' && x[i] <= '9') {
			i++
		}
		for j < len(y) && !(y[j] >= '0' && y[j] <= '9') {
			j++
		}
		if i == len(x) || j == len(y) {
			return i == len(x) && j == len(y)
		}
		for i < len(x) && j < len(y) && (isNumByte(x[i]) || isNumByte(y[j])) {
			if x[i] != y[j] {
				return false
			}
			i++
			j++
		}
		if i < len(x) && isNumByte(x[i]) || j < len(y) && isNumByte(y[j]) {
			return false
		}
	}
}

func isNumByte(c byte) bool { return c >= '0' && c <= '9' || c == '/' || c == '.' }

// editDistance is the optimal string alignment distance of x and y (an
// insertion, a deletion, a substitution or two adjacent letters swapped
// count one), or max+1 once it is sure to exceed max.
func editDistance(x, y []byte, max int) int {
	if d := len(x) - len(y); d > max || -d > max {
		return max + 1
	}
	if len(x) > 62 || len(y) > 62 {
		if string(x) == string(y) {
			return 0
		}
		return max + 1
	}
	var rows [3][64]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(y); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}

// Key is the place's parts in one string: two addresses with one Key are
// one delivery point (the converse needs SamePlace: a typo changes the Key).
func (p *Place) Key() string {
	var b strings.Builder
	field := func(name, v string) {
		if v == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(v, " ", "_"))
	}
	field("house", p.s(p.house))
	if p.letter != 0 {
		field("letter", string(p.letter))
	}
	for i := range int(p.nStreets) {
		s := &p.streets[i]
		v := typeNames[s.typ] + ":" + p.s(s.name)
		if q := s.qual &^ qRaya; q != 0 {
			v += ":" + quals(q)
		}
		field("street", v)
	}
	if p.rt != 0 {
		field("rt", itoa(int(p.rt)))
	}
	if p.rw != 0 {
		field("rw", itoa(int(p.rw)))
	}
	for k := range nAreas {
		field(areaNames[k], p.s(p.areas[k]))
	}
	field("block", p.s(p.block))
	field("estate", p.s(p.estate))
	if p.inBuilding {
		field("building", p.s(p.building))
		field("tower", p.s(p.tower))
		field("floor", p.s(p.floor))
		field("unit", p.s(p.unit))
	}
	field("city", p.s(p.city))
	field("post", p.s(p.post))
	return b.String()
}

var qualNames = []string{"raya", "barat", "timur", "utara", "selatan", "tengah", "dalam", "luar", "north", "south", "east", "west", "extension", "upper", "lower"}

func quals(q uint16) string {
	var ws []string
	for i, n := range qualNames {
		if q&(1<<i) != 0 {
			ws = append(ws, n)
		}
	}
	return strings.Join(ws, "+")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
