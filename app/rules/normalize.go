package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/datasources"
)

// NormalizePhone reduces a phone number to its digits in national form
// (+62 812… and 0812… are one number). ok is false when the number cannot
// identify anyone: a channel already masked it (Lazada's "61****7"), or it
// is too short to be a real number.
func NormalizePhone(raw string) (digits string, ok bool) {
	var buf [24]byte
	d, ok := phoneDigits(buf[:0], raw)
	return string(d), ok
}

// phoneDigits is NormalizePhone appending to dst, without allocating.
func phoneDigits(dst []byte, raw string) ([]byte, bool) {
	if strings.ContainsAny(raw, "*xX•") {
		return nil, false
	}
	b := dst
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	// Indonesian and Malaysian numbers arrive as +62/62 or 0: keep the
	// national form so both spellings meet.
	switch {
	case len(b) >= 11 && b[0] == '6' && b[1] == '2', len(b) >= 10 && b[0] == '6' && b[1] == '0':
		b[1] = '0'
		b = b[1:]
	}
	if len(b) < 8 {
		return nil, false
	}
	return b, true
}

// abbreviations map the short forms of street words (Indonesian and
// English) to one spelling, so "Jl." and "Jalan", "St" and "Street" meet.
var abbreviations = map[string]string{
	"jl": "jalan", "jln": "jalan", "jalan": "jalan",
	"gg": "gang", "gang": "gang",
	"st": "street", "str": "street", "street": "street",
	"rd": "road", "road": "road",
	"ave": "avenue", "av": "avenue", "avenue": "avenue",
	"blvd": "boulevard", "boulevard": "boulevard",
	"ln": "lane", "lane": "lane",
	"dr": "drive", "drive": "drive",
	"kel": "kelurahan", "kelurahan": "kelurahan",
	"kec": "kecamatan", "kecamatan": "kecamatan",
	"kab": "kabupaten", "kabupaten": "kabupaten",
	"kav": "kavling", "kavling": "kavling",
	"komp": "kompleks", "kompleks": "kompleks", "komplek": "kompleks",
	"perum": "perumahan", "perumahan": "perumahan",
	"raya": "raya",
}

// fillers carry no identity: "No. 12" and "12" are one house.
var fillers = map[string]bool{"no": true, "nomor": true, "nomer": true, "number": true, "nr": true, "num": true}

// unitMarkers introduce unit-number noise: the marker and the short token
// after it are dropped ("Blok A", "Unit 3", "Apt 4B", "Lt. 2", "#12").
var unitMarkers = map[string]bool{
	"unit": true, "apt": true, "apartment": true, "apartemen": true, "blok": true, "block": true, "blk": true,
	"lantai": true, "lt": true, "floor": true, "fl": true, "room": true, "rm": true, "kamar": true,
	"suite": true, "ste": true, "tower": true, "twr": true,
}

// numberedMarkers bind the number after them, so "RT 3 RW 5" and
// "RT 5 RW 3" stay different after the tokens are sorted.
var numberedMarkers = map[string]bool{"rt": true, "rw": true}

// NormalizeAddress returns the matching key of a shipping address: the
// street lines and the city, lower case, punctuation gone, abbreviations
// expanded, unit-number noise dropped, and the words sorted so that field
// order does not matter. Name, region, post code and country are left out:
// channels fill them differently. ok is false when the channel masked the
// address or too little of it is left to identify a place.
func NormalizeAddress(a datasources.Address) (key string, ok bool) {
	var n normalizer
	b, ok := n.address(a)
	return string(b), ok
}

// normalizer keeps its buffers between addresses: the rules engine
// normalises one address per order and must not allocate much doing so.
type normalizer struct {
	buf  []byte
	toks []string
	out  []string
	key  []byte
}

// address is NormalizeAddress into the normalizer's buffer, valid until
// the next call.
func (n *normalizer) address(a datasources.Address) ([]byte, bool) {
	if strings.Contains(a.Line1, "*") || strings.Contains(a.Line2, "*") || strings.Contains(a.City, "*") {
		return nil, false
	}
	if strings.TrimSpace(a.Line1) == "" && strings.TrimSpace(a.Line2) == "" {
		// A city alone is a crowd, not a place: an order whose street
		// lines were purged (or never given) shares it with thousands.
		return nil, false
	}
	// One lower-case copy of the three parts, split once.
	n.buf = lowerASCII(lowerASCII(lowerASCII(n.buf[:0], a.Line1), a.Line2), a.City)
	n.toks = tokensOf(n.toks[:0], string(n.buf))
	toks := n.toks
	out := n.out[:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t == "#":
			i++ // "# 12": the unit number follows
			continue
		case unitMarkers[t]:
			if i+1 < len(toks) && len(toks[i+1]) <= 4 {
				i++
			}
			continue
		case fillers[t]:
			continue
		case numberedMarkers[t]:
			if i+1 < len(toks) && isDigits(toks[i+1]) {
				out = append(out, numbered(t, trimZeros(toks[i+1])))
				i++
				continue
			}
		}
		if full, ok := abbreviations[t]; ok {
			out = append(out, full)
			continue
		}
		if num, rest := splitNumber(t); num != "" {
			// "12a", "12-b": the letter is unit noise on the house number.
			if rest == "" || len(rest) <= 2 {
				out = append(out, num)
				continue
			}
		}
		if len(t) == 1 && t[0] >= 'a' && t[0] <= 'z' {
			continue // a lone letter: "12 A", "Blok A" spelled apart
		}
		out = append(out, t)
	}
	n.out = out
	if len(out) < 2 {
		return nil, false
	}
	slices.Sort(out)
	out = slices.Compact(out)
	n.key = n.key[:0]
	for i, t := range out {
		if i > 0 {
			n.key = append(n.key, ' ')
		}
		n.key = append(n.key, t...)
	}
	return n.key, true
}

// lowerASCII appends s in lower case and a line break (a word boundary).
func lowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return append(append(dst, strings.ToLower(s)...), '\n')
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return append(dst, '\n')
}

// rtNames are the usual "rt3", "rw12" tokens, made once.
var rtNames = func() map[string][]string {
	m := map[string][]string{}
	for _, k := range []string{"rt", "rw"} {
		for i := range 100 {
			m[k] = append(m[k], fmt.Sprint(k, i))
		}
	}
	return m
}()

// numbered is marker and number as one token ("rt" and "3" → "rt3").
func numbered(marker, num string) string {
	if n, err := strconv.Atoi(num); err == nil && n >= 0 && n < 100 {
		if t := rtNames[marker]; t != nil {
			return t[n]
		}
	}
	return marker + num
}

// tokensOf splits lower-case s into words and numbers, appending to out;
// "#" stays a token of its own because it introduces a unit number.
func tokensOf(out []string, s string) []string {
	base := len(out)
	start := -1
	skip := 0
	for i, r := range s {
		if i < skip {
			continue
		}
		switch {
		case r == '#':
			// "#05-12" (a Singapore unit) is one unit number: drop it whole.
			if start >= 0 {
				out, start = append(out, s[start:i]), -1
			}
			j := i + 1
			for j < len(s) && (s[j] == '-' || s[j] >= '0' && s[j] <= '9' || s[j] >= 'a' && s[j] <= 'z') {
				j++
			}
			skip = j
			if j == i+1 {
				out = append(out, "#") // "# 12": the number follows as a word
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
		default:
			if start >= 0 {
				out, start = append(out, s[start:i]), -1
			}
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	// "no12" and "rt03": a marker glued to its number.
	for i := base; i < len(out); i++ {
		t := out[i]
		for _, m := range [...]string{"no", "rt", "rw"} {
			if len(t) > len(m) && strings.HasPrefix(t, m) && isDigits(t[len(m):]) {
				out[i] = t[:len(m)]
				out = slices.Insert(out, i+1, t[len(m):])
				break
			}
		}
	}
	return out
}

// splitNumber splits a token that starts with digits: "12a" → "12", "a".
// Leading zeros go: "03" and "3" are one number.
func splitNumber(t string) (num, rest string) {
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return "", t
	}
	return trimZeros(t[:i]), t[i:]
}

func trimZeros(d string) string {
	d = strings.TrimLeft(d, "0")
	if d == "" {
		return "0"
	}
	return d
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MaskPhone shows the first two and the last two digits of a number and a
// star for each digit between: "081234567821" → "08********21". A number
// the channel already masked is shown as the channel gave it.
func MaskPhone(raw string) string {
	if strings.Contains(raw, "*") {
		return raw
	}
	d, ok := NormalizePhone(raw)
	if !ok {
		if raw == "" {
			return ""
		}
		return strings.Repeat("*", min(utf8.RuneCountInString(raw), 8))
	}
	return d[:2] + strings.Repeat("*", len(d)-4) + d[len(d)-2:]
}

// MaskAddress keeps the shape of a street line and hides what identifies
// it: street-type words ("Jl.", "No.", "RT") stay, every other word keeps
// its first letter, every digit becomes a star. "Jl. Merdeka No. 12" →
// "Jl. M****** No. **".
func MaskAddress(line string) string {
	var b strings.Builder
	b.Grow(len(line))
	word := -1
	flush := func(end int) {
		if word < 0 {
			return
		}
		w := line[word:end]
		lw := strings.ToLower(w)
		if _, ok := abbreviations[lw]; ok || fillers[lw] || numberedMarkers[lw] || unitMarkers[lw] {
			b.WriteString(w)
		} else {
			first := true
			for _, r := range w {
				switch {
				case unicode.IsDigit(r):
					b.WriteByte('*')
				case first:
					b.WriteRune(r)
				default:
					b.WriteByte('*')
				}
				first = false
			}
		}
		word = -1
	}
	for i, r := range line {
		if unicode.IsLetter(r) {
			if word < 0 {
				word = i
			}
			continue
		}
		flush(i)
		if unicode.IsDigit(r) {
			b.WriteByte('*')
		} else {
			b.WriteRune(r)
		}
	}
	flush(len(line))
	return b.String()
}
