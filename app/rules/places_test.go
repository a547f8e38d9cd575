package rules

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/flashdeck/flashdeck/datasources"
)

// labelled is one pair of the corpus in testdata/places.txt.
type labelled struct {
	line   int
	same   bool
	market string
	what   string
	a, b   datasources.Address
}

func readCorpus(t testing.TB) []labelled {
	t.Helper()
	path := "testdata/places.txt"
	if p := os.Getenv("PLACES"); p != "" {
		path = p
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	var cur *labelled
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "same ") || strings.HasPrefix(line, "different "):
			f := strings.SplitN(line, " ", 3)
			if len(f) < 3 {
				t.Fatalf("places.txt:%d: %q", n, line)
			}
			out = append(out, labelled{line: n, same: f[0] == "same", market: f[1], what: f[2]})
			cur = &out[len(out)-1]
		case strings.HasPrefix(line, "a: ") || strings.HasPrefix(line, "b: "):
			if cur == nil {
				t.Fatalf("places.txt:%d: an address before a label", n)
			}
			p := strings.Split(line[3:], "|")
			for len(p) < 4 {
				p = append(p, "")
			}
			a := datasources.Address{Line1: strings.TrimSpace(p[0]), Line2: strings.TrimSpace(p[1]), City: strings.TrimSpace(p[2]), PostCode: strings.TrimSpace(p[3])}
			if line[0] == 'a' {
				cur.a = a
			} else {
				cur.b = a
			}
		default:
			t.Fatalf("places.txt:%d: %q", n, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, c := range out {
		if c.a.Line1 == "" || c.b.Line1 == "" {
			t.Fatalf("places.txt:%d: a pair needs a: and b:", c.line)
		}
	}
	return out
}

// score is precision and recall over labelled pairs.
type score struct{ tp, fp, fn, tn int }

func (s *score) add(same, said bool) {
	switch {
	case same && said:
		s.tp++
	case same:
		s.fn++
	case said:
		s.fp++
	default:
		s.tn++
	}
}

func (s score) precision() float64 { return float64(s.tp) / float64(max(s.tp+s.fp, 1)) }
func (s score) recall() float64    { return float64(s.tp) / float64(max(s.tp+s.fn, 1)) }

func (s score) String() string {
	return fmt.Sprintf("precision %.3f, recall %.3f (%d same pairs found, %d missed; %d different pairs kept apart, %d merged)",
		s.precision(), s.recall(), s.tp, s.fn, s.tn, s.fp)
}

// TestPlaceCorpus measures the matcher on the labelled corpus: precision
// must be 1.000 (no two delivery points taken for one) and recall at
// least 0.97 (go test -v -run PlaceCorpus ./app/rules prints both, by
// market, and every pair it gets wrong).
func TestPlaceCorpus(t *testing.T) {
	corpus := readCorpus(t)
	if len(corpus) < 300 && os.Getenv("PLACES") == "" {
		t.Fatalf("%d pairs in the corpus, want at least 300", len(corpus))
	}
	var all score
	byMarket := map[string]*score{}
	var markets []string
	for _, c := range corpus {
		pa, oka := ParseAddress(c.a)
		pb, okb := ParseAddress(c.b)
		said := oka && okb && SamePlace(&pa, &pb)
		if back := oka && okb && SamePlace(&pb, &pa); back != said {
			t.Errorf("places.txt:%d: SamePlace is not symmetric", c.line)
		}
		all.add(c.same, said)
		if byMarket[c.market] == nil {
			byMarket[c.market] = &score{}
			markets = append(markets, c.market)
		}
		byMarket[c.market].add(c.same, said)
		if said != c.same {
			t.Logf("places.txt:%d %s %s (%s): said same=%v\n  a: %s (ok %v)\n  b: %s (ok %v)", c.line, map[bool]string{true: "same", false: "different"}[c.same], c.market, c.what, said,
				pa.Key(), oka, pb.Key(), okb)
		}
	}
	for _, m := range markets {
		t.Logf("%s: %v", m, *byMarket[m])
	}
	t.Logf("all %d pairs: %v", len(corpus), all)
	if all.precision() < 1 || all.recall() < 0.97 {
		t.Errorf("precision %.3f (want 1.000), recall %.3f (want ≥ 0.970)", all.precision(), all.recall())
	}
}

// TestPlaceCorpusThroughTheRules measures the corpus as the evaluator
// sees it: the two addresses of a pair ordered by two accounts, found
// through the blocking keys, grouped or not.
func TestPlaceCorpusThroughTheRules(t *testing.T) {
	var all score
	for _, c := range readCorpus(t) {
		s := newTestSale(Config{})
		s.Observe(lz, in{ch: lz, id: "A", buyer: "a", addr: c.a}.order())
		s.Observe(mi, in{ch: mi, id: "B", buyer: "b", addr: c.b, after: 2 * time.Minute}.order())
		ga, gb := s.o(0).groups[kAddress], s.o(1).groups[kAddress]
		said := ga >= 0 && ga == gb
		all.add(c.same, said)
		if said != c.same {
			t.Logf("places.txt:%d %s (%s): grouped=%v", c.line, c.market, c.what, said)
		}
	}
	t.Logf("through the rules: %v", all)
	if all.precision() < 1 || all.recall() < 0.97 {
		t.Errorf("precision %.3f (want 1.000), recall %.3f (want ≥ 0.970)", all.precision(), all.recall())
	}
}

// A new spelling is compared with the few places filed under its house
// number and city, never with the sale's addresses in general.
func TestPlaceLookupIsIncremental(t *testing.T) {
	s := newBenchSale()
	const n = 50_000
	for i := range n {
		ch, o := benchOrder(i)
		s.Observe(ch, o)
	}
	before := s.places.compared
	// A new spelling of order 7's house, with a landmark: one candidate.
	ch, o := benchOrder(7)
	o.ID, o.BuyerID = "new-order", "new-buyer"
	o.Address.Line1 += " depan Indomaret"
	s.Observe(ch, o)
	if got := s.places.compared - before; got < 1 || got > 3 {
		t.Errorf("%d spellings compared for one new order among %d", got, n)
	}
	idx, _ := s.findOrder(ch, "new-order")
	first, _ := s.findOrder(ch, "400000000007")
	if s.o(idx).groups[kAddress] != s.o(first).groups[kAddress] {
		t.Error("the new spelling did not find its house")
	}
	// Over the whole sale, a few comparisons an order.
	if per := float64(s.places.compared) / n; per > 1 {
		t.Errorf("%.2f spellings compared per order", per)
	}
}

// A place is every spelling it keeps: a spelling that is one with the
// first but not with the second does not join (differences do not chain).
func TestPlaceJoinsOnlyWhatAllItsSpellingsAre(t *testing.T) {
	s := newTestSale(Config{})
	s.Observe(lz, in{ch: lz, id: "1", buyer: "a", addr: addr("Jl. Merdeka No. 12", "", "Bandung")}.order())
	s.Observe(lz, in{ch: lz, id: "2", buyer: "b", addr: addr("Jl. Merdeka No. 12", "RT 01/RW 04", "Bandung")}.order())
	s.Observe(lz, in{ch: lz, id: "3", buyer: "c", addr: addr("Jl. Merdeka 12", "RT 02/RW 04", "Bandung")}.order())
	g := func(id string) int32 { i, _ := s.findOrder(lz, id); return s.o(i).groups[kAddress] }
	if g("1") != g("2") {
		t.Error("an address without RT/RW is not the same place as one with")
	}
	if g("3") == g("1") {
		t.Error("RT 02 joined the place that has RT 01")
	}
}

// FuzzKeptSpelling: a spelling kept for a place reads back as it was
// given (less any zero byte), and the way a flag shows it has no digit.
func FuzzKeptSpelling(f *testing.F) {
	f.Add("Jl. Kebon Jeruk Raya No. 27 depan Indomaret", "RT 03/RW 05", "Jakarta Barat", "11530", uint16(AsideLandmark))
	f.Add("", "", "", "", uint16(0))
	f.Add("a\x00b", "\x00", "Hà Nội", "١٢٣", uint16(0xffff))
	s := newTestSale(Config{}) // one for every input: each keeps 1 MiB of arena
	f.Fuzz(func(t *testing.T, l1, l2, city, post string, aside uint16) {
		a := datasources.Address{Line1: l1, Line2: l2, City: city, PostCode: post}
		ref := s.storeSpelling(&a, Aside(aside))
		got, gotAside := s.spellingOf(ref)
		clean := func(v string) string { return strings.ReplaceAll(v, "\x00", "") }
		want := datasources.Address{Line1: clean(l1), Line2: clean(l2), City: clean(city), PostCode: clean(post)}
		if len(want.Line1)+len(want.Line2)+len(want.City)+len(want.PostCode) < 0xfff0 && (got != want || gotAside != Aside(uint8(aside))) {
			t.Fatalf("kept %+v (%d), read back %+v (%d)", want, aside, got, gotAside)
		}
		// Shown in a flag (the city aside, which is shown as given), no
		// digit of the lines or the post code appears.
		a.City = ""
		g := s.groups.add(group{first: 0, second: -1, ext: -1, ref: s.storeSpelling(&a, Aside(aside))})
		if _, words := s.spellings(s.g(g)); strings.ContainsFunc(words.String(), unicode.IsDigit) {
			t.Fatalf("a flag shows a digit: %q", words.String())
		}
	})
}
