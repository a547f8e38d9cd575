package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/datasources"
)

// NormalizePhone reduces a phone number to its digits in national form,
// so that the ways one number is written meet: "+62 812-3456-789",
// "62812 3456 789", "0062 812 3456 789", "+62 (0)812 3456 789" and
// "0812 3456 789" are one number, and likewise for the other Lazada
// markets (+60 Malaysia, +63 the Philippines, +66 Thailand, +84 Vietnam,
// whose national numbers start with 0, and +65 Singapore, whose do not).
// ok is false when the number cannot identify anyone: a channel already
// masked it (Lazada's "61****7"), or it is too short to be a real number.
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
	if len(b) > 4 && b[0] == '0' && b[1] == '0' {
		b = b[2:] // 00 62…: the international prefix
	}
	if len(b) >= 10 && b[0] != '0' {
		switch cc := string(b[:2]); cc {
		case "62", "60", "63", "66", "84":
			// The country code for the national trunk 0: "62 812…" is
			// "0812…"; "62 0812…" (the 0 written anyway) is too.
			if b[2] == '0' {
				b = b[2:]
			} else {
				b[1] = '0'
				b = b[1:]
			}
		case "65":
			if len(b) == 10 {
				b = b[2:] // Singapore: eight digits, no trunk prefix
			}
		}
	}
	if len(b) < 8 {
		return nil, false
	}
	return b, true
}

// NormalizeAddress returns the parts of a shipping address that locate a
// house, in one string (Place.Key): two addresses with one key are one
// delivery point. The converse does not hold: a typo, or a part one
// spelling leaves out, changes the key; SamePlace decides. ok is false
// when the channel masked the address or it locates no house.
func NormalizeAddress(a datasources.Address) (key string, ok bool) {
	p, ok := ParseAddress(a)
	if !ok {
		return "", false
	}
	return p.Key(), true
}

// trimZeros drops the leading zeros of a number: "03" is 3, "00" is 0.
func trimZeros[S ~string | ~[]byte](d S) S {
	i := 0
	for i < len(d)-1 && d[i] == '0' {
		i++
	}
	return d[i:]
}

// clearWord reports whether a word may be shown as it is: a street type,
// a marker of a part (No., RT, Kel., Blok, Unit…), "Raya", or a word that
// opens a landmark, a description or a note. None names a place.
func clearWord(w string) bool {
	var buf [24]byte
	if len(w) > len(buf) {
		return false
	}
	lw := buf[:0]
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lw = append(lw, c)
	}
	info, ok := wordTable[string(lw)]
	if !ok {
		return false
	}
	switch info.class() {
	case wType, wHouse, wBlock, wUnit, wTower, wFloor, wBuilding, wArea, wAreaPost, wEstate,
		wRT, wRW, wKm, wLandmark, wDesc, wNote, wCityPre:
		return true
	case wQual:
		return info.arg() == qRaya
	}
	return false
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
// it: the words an address is read by ("Jl.", "No.", "RT", "Blok",
// "depan", "rumah") stay, every other word keeps its first letter, every
// digit becomes a star. "Jl. Merdeka No. 12" → "Jl. M****** No. **".
func MaskAddress(line string) string {
	var b strings.Builder
	b.Grow(len(line))
	word := -1
	flush := func(end int) {
		if word < 0 {
			return
		}
		w := line[word:end]
		if clearWord(w) {
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
