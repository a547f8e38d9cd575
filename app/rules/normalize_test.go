package rules

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/datasources"
)

func addr(line1, line2, city string) datasources.Address {
	return datasources.Address{Line1: line1, Line2: line2, City: city}
}

func TestNormalizeAddressSame(t *testing.T) {
	// Each case: spellings that must meet on one key.
	cases := []struct {
		name  string
		forms []datasources.Address
	}{
		{"jalan abbreviations and case", []datasources.Address{
			addr("Jl. Merdeka No. 12", "RT 03/RW 05", "Jakarta Selatan"),
			addr("JALAN MERDEKA NO 12", "rt 3 / rw 5", "jakarta selatan"),
			addr("Jln Merdeka Nomor 12", "RT.003/RW.005", "Jakarta Selatan"),
		}},
		{"unit-number noise", []datasources.Address{
			addr("Jl. Kebon Jeruk Raya No. 27", "RT 03/RW 05", "Jakarta Barat"),
			addr("Jl. Kebon Jeruk Raya No. 27 Blok C", "RT 03/RW 05", "Jakarta Barat"),
			addr("Jl. Kebon Jeruk Raya No.27A", "RT03/RW05", "Jakarta Barat"),
			addr("Jl. Kebon Jeruk Raya 27, Unit 3", "RT 3 RW 5", "Jakarta Barat"),
			addr("Jl. Kebon Jeruk Raya #4 No. 27", "RT 03 / RW 05", "Jakarta Barat"),
		}},
		{"field order and punctuation", []datasources.Address{
			addr("Kebon Jeruk Raya, Jl., no.27", "RT 03/RW 05", "Jakarta Barat"),
			addr("Jakarta Barat - Jl Kebon Jeruk Raya 27", "RW 05, RT 03", ""),
		}},
		{"english street words", []datasources.Address{
			addr("12 Baker Street", "Apt 4B", "London"),
			addr("Apartment 4B, 12 Baker St.", "", "LONDON"),
			addr("12B baker st", "", "London"),
		}},
		{"road and avenue", []datasources.Address{
			addr("221 Orchard Rd, #05-12", "", "Singapore"),
			addr("221 Orchard Road", "", "Singapore"),
		}},
		{"gang and lantai", []datasources.Address{
			addr("Gg. Mawar No. 8, Lt. 2", "", "Bandung"),
			addr("Gang Mawar 8", "", "Bandung"),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, ok := NormalizeAddress(c.forms[0])
			if !ok {
				t.Fatalf("%+v: not normalised", c.forms[0])
			}
			for _, f := range c.forms[1:] {
				got, ok := NormalizeAddress(f)
				if !ok || got != want {
					t.Errorf("%+v\n got %q (ok %v)\nwant %q", f, got, ok, want)
				}
			}
		})
	}
}

func TestNormalizeAddressDifferent(t *testing.T) {
	cases := []struct{ a, b datasources.Address }{
		{addr("Jl. Merdeka No. 12", "", "Jakarta"), addr("Jl. Merdeka No. 13", "", "Jakarta")},
		{addr("Jl. Merdeka No. 12", "RT 03/RW 05", "Jakarta"), addr("Jl. Merdeka No. 12", "RT 05/RW 03", "Jakarta")},
		{addr("Jl. Merdeka No. 12", "", "Jakarta"), addr("Jl. Merdeka No. 12", "", "Bandung")},
		{addr("12 Baker Street", "", "London"), addr("12 Baker Road", "", "London")},
	}
	for _, c := range cases {
		a, _ := NormalizeAddress(c.a)
		b, _ := NormalizeAddress(c.b)
		if a == b {
			t.Errorf("%+v and %+v both normalise to %q", c.a, c.b, a)
		}
	}
}

func TestNormalizeAddressRefuses(t *testing.T) {
	for _, a := range []datasources.Address{
		addr("Jl. M****** No. **", "", "Jakarta"), // masked by the channel
		addr("", "", ""),
		addr("No. 5", "", ""),
		addr("Blok A", "", ""),
		addr("", "", "Jakarta Selatan"), // the street purged: a city alone
		{City: "Jakarta Selatan", Region: "DKI Jakarta", Country: "Indonesia"},
	} {
		if k, ok := NormalizeAddress(a); ok {
			t.Errorf("%+v normalised to %q; want refused", a, k)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"081234567821", "081234567821", true},
		{"+62 812-3456-7821", "081234567821", true},
		{"62812 3456 7821", "081234567821", true},
		{"(0812) 3456 7821", "081234567821", true},
		{"+60 12-345 6789", "0123456789", true},
		{"61****7", "", false}, // Lazada's masking
		{"0812xxxx21", "", false},
		{"12345", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := NormalizePhone(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestMask(t *testing.T) {
	cases := []struct {
		fn       func(string) string
		in, want string
	}{
		{MaskPhone, "0812345621", "08******21"},
		{MaskPhone, "+62 812-3456-7821", "08********21"},
		{MaskPhone, "61****7", "61****7"},
		{MaskAddress, "Jl. Merdeka No. 12", "Jl. M****** No. **"},
		{MaskAddress, "12 Baker Street, Apt 4B", "** B**** Street, Apt *B"},
		{MaskAddress, "Jalan Kebon Jeruk Raya No. 27, RT 03/RW 05", "Jalan K**** J**** Raya No. **, RT **/RW **"},
	}
	for _, c := range cases {
		if got := c.fn(c.in); got != c.want {
			t.Errorf("mask(%q) = %q; want %q", c.in, got, c.want)
		}
	}
	if got := unpackPhone(packPhone([]byte("081234567821"))); got != "08********21" {
		t.Errorf("packed phone shows %q", got)
	}
}

func FuzzNormalizeAddress(f *testing.F) {
	for _, s := range []string{"Jl. Merdeka No. 12", "12B baker st, #05-12", "RT03/RW05", "no12", "", "Ünït 3 Straße 7", "Jl. M****** No. **"} {
		f.Add(s, "RT 03/RW 05", "Jakarta")
	}
	f.Fuzz(func(t *testing.T, l1, l2, city string) {
		k, ok := NormalizeAddress(addr(l1, l2, city))
		if !ok {
			return
		}
		// A key normalises to itself: it is made of sorted, distinct words.
		toks := strings.Fields(k)
		for i := 1; i < len(toks); i++ {
			if toks[i-1] >= toks[i] {
				t.Fatalf("key %q is not sorted and distinct", k)
			}
		}
		// Lower case as far as Unicode has a lower case ("ϒ" has none).
		if strings.ContainsFunc(k, unicode.IsPunct) || k != strings.ToLower(k) {
			t.Fatalf("key %q keeps punctuation or capitals", k)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"081234567821", "+62 812-3456-7821", "61****7", "", "6", "62"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := NormalizePhone(s)
		if !ok {
			return
		}
		if len(d) < 8 || strings.Trim(d, "0123456789") != "" {
			t.Fatalf("NormalizePhone(%q) = %q", s, d)
		}
		if m := MaskPhone(s); len(m) != len(d) || strings.Count(m, "*") != len(d)-4 {
			t.Fatalf("MaskPhone(%q) = %q for %q", s, m, d)
		}
		if unpackPhone(packPhone([]byte(d))) != MaskPhone(s) {
			t.Fatalf("packed mask of %q differs: %q vs %q", s, unpackPhone(packPhone([]byte(d))), MaskPhone(s))
		}
	})
}

func FuzzMaskAddress(f *testing.F) {
	for _, s := range []string{"Jl. Merdeka No. 12", "12 Baker Street", "Ünït 3", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := MaskAddress(s)
		if strings.ContainsFunc(m, unicode.IsDigit) {
			t.Fatalf("MaskAddress(%q) = %q shows a digit", s, m)
		}
		if utf8.ValidString(s) && utf8.RuneCountInString(m) != utf8.RuneCountInString(s) {
			t.Fatalf("MaskAddress(%q) = %q changes the length", s, m)
		}
	})
}
