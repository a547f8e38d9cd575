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

func TestSamePlaceForms(t *testing.T) {
	// Each case: spellings of one delivery point.
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
		{"landmark, description, note, typo", []datasources.Address{
			addr("Jl. Cempaka Putih Tengah No. 12", "RT 07/RW 02", "Jakarta Pusat"),
			addr("Jl. Cempaka Putih Tengah No. 12 depan Indomaret (pagar hijau)", "RT 07/RW 02", "Jakarta Pusat"),
			addr("Jl. Cempka Putih Tengah 12, rumah cat biru, titip satpam", "RT 7 RW 2", "Jakarta Pusat"),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			first, ok := ParseAddress(c.forms[0])
			if !ok {
				t.Fatalf("%+v: not read", c.forms[0])
			}
			for _, f := range c.forms[1:] {
				p, ok := ParseAddress(f)
				if !ok || !SamePlace(&first, &p) {
					t.Errorf("%+v\n read %q (ok %v)\n  not the place %q", f, p.Key(), ok, first.Key())
				}
			}
		})
	}
}

func TestSamePlaceDifferent(t *testing.T) {
	cases := []struct{ a, b datasources.Address }{
		{addr("Jl. Merdeka No. 12", "", "Jakarta"), addr("Jl. Merdeka No. 13", "", "Jakarta")},
		{addr("Jl. Merdeka No. 7", "", "Bandung"), addr("Jl. Merdeka No. 17", "", "Bandung")},
		{addr("Jl. Merdeka No. 12", "RT 03/RW 05", "Jakarta"), addr("Jl. Merdeka No. 12", "RT 05/RW 03", "Jakarta")},
		{addr("Jl. Merdeka No. 12", "", "Jakarta Pusat"), addr("Jl. Merdeka No. 12", "", "Bandung")},
		{addr("12 Baker Street", "", "London"), addr("12 Baker Road", "", "London")},
		{addr("Jl. Cempaka Putih Tengah No. 12", "", "Jakarta Pusat"), addr("Jl. Cempaka Putih Barat No. 12", "", "Jakarta Pusat")},
	}
	for _, c := range cases {
		a, _ := ParseAddress(c.a)
		b, _ := ParseAddress(c.b)
		if SamePlace(&a, &b) {
			t.Errorf("%+v and %+v read as one place: %q, %q", c.a, c.b, a.Key(), b.Key())
		}
	}
}

func TestParseAddressRefuses(t *testing.T) {
	for _, a := range []datasources.Address{
		addr("Jl. M****** No. **", "", "Jakarta"), // masked by the channel
		addr("", "", ""),
		addr("No. 5", "", ""),
		addr("Blok A", "", ""),
		addr("Jl. Merdeka", "", "Bandung"), // no house number
		addr("", "", "Jakarta Selatan"),    // the street purged: a city alone
		{City: "Jakarta Selatan", Region: "DKI Jakarta", Country: "Indonesia"},
	} {
		if p, ok := ParseAddress(a); ok {
			t.Errorf("%+v read as %q; want refused", a, p.Key())
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
		{"+62 812-3456-789", "08123456789", true},
		{"62812 3456 789", "08123456789", true},
		{"0812 3456 789", "08123456789", true},
		{"0062 812 3456 789", "08123456789", true},
		{"+62 (0)812 3456 789", "08123456789", true},
		{"+63 917 123 4567", "09171234567", true},
		{"0917-123-4567", "09171234567", true},
		{"+66 81 234 5678", "0812345678", true},
		{"+84 912 345 678", "0912345678", true},
		{"+65 9123 4567", "91234567", true},
		{"9123 4567", "91234567", true},
		{"+62 812-****-789", "", false},
		{"0812•••789", "", false},
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

// FuzzParseAddress reads two addresses of any text and checks what the
// evaluator relies on: reading never fails badly, a place is the same
// place as itself, SamePlace is symmetric and never holds for different
// house numbers or for places the blocking prefilter keeps apart, and a
// parser reused after another address reads as a new one does.
func FuzzParseAddress(f *testing.F) {
	seeds := [][6]string{
		{"Jl. Kebon Jeruk Raya No. 27 depan Indomaret", "RT 03/RW 05", "Jakarta Barat", "JALAN KEBON JERUK RAYA 27 BLOK C", "RT.003/RW.005", "JAKARTA BARAT"},
		{"12 ngõ 34 Trần Duy Hưng, P. Trung Hòa", "", "Hà Nội", "Số 12, ngõ 34, phố Trần Duy Hưng", "", "Thành phố Hà Nội"},
		{"99/12 M.5 Soi Sukhumvit 71 Sukhumvit Rd.", "", "Bangkok", "99/12 Moo 5, Soi Sukhumvit 71", "", "Krung Thep"},
		{"Blk 5 Lot 12 Phase 2, Sampaguita St., Brgy. San Isidro", "", "Antipolo City", "B5 L12 Sampaguita St.", "", "Antipolo"},
		{"A-12-3, Residensi Vista, Jalan Ampang", "", "KL", "Unit A-12-03, Residensi Vista", "", "Kuala Lumpur"},
		{"Blk 123 Ang Mo Kio Ave 3 #05-12 Singapore 560123", "", "", "#", "(((", "-"},
		{"Jl. M****** No. **", "", "Jakarta", "no12", "rt03rw05", "ϒ"},
		{"Kebon Jeruk Raya, Jl., no.27", "", "", "1st 2nd 3rd St.", "Km 5,5", "Kab. Bandung"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	var reused parser
	f.Fuzz(func(t *testing.T, l1a, l2a, cityA, l1b, l2b, cityB string) {
		a, b := addr(l1a, l2a, cityA), addr(l1b, l2b, cityB)
		pa, oka := ParseAddress(a)
		pb, okb := ParseAddress(b)
		if oka {
			if !SamePlace(&pa, &pa) {
				t.Fatalf("%+v (%q) is not the same place as itself", a, pa.Key())
			}
			reused.parse(b)
			if reused.parse(a) != oka || reused.pl.Key() != pa.Key() {
				t.Fatalf("%+v reads %q after another address, %q alone", a, reused.pl.Key(), pa.Key())
			}
		}
		if !oka || !okb {
			return
		}
		same := SamePlace(&pa, &pb)
		if same != SamePlace(&pb, &pa) {
			t.Fatalf("SamePlace is not symmetric for %q and %q", pa.Key(), pb.Key())
		}
		if !same {
			return
		}
		if pa.s(pa.house) != pb.s(pb.house) {
			t.Fatalf("%q and %q: one place with two house numbers", pa.Key(), pb.Key())
		}
		ia, ib := pa.streetInitial(), pb.streetInitial()
		if pa.rt != 0 && pb.rt != 0 && pa.rt != pb.rt || pa.rw != 0 && pb.rw != 0 && pa.rw != pb.rw || ia != 0 && ib != 0 && ia != ib {
			t.Fatalf("%q and %q are one place, but the blocking prefilter keeps them apart", pa.Key(), pb.Key())
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
