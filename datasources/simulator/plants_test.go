package simulator

import (
	"cmp"
	"encoding/json"
	"fmt"
	"github.com/flashdeck/flashdeck/app/rules"
	"io"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// demoServer plays the demo scenario from t0 up to t0+at.
func demoServer(t *testing.T, seed int64, at time.Duration) (*Server, *Clock) {
	t.Helper()
	clock := NewManualClock(t0.Add(at))
	srv, err := New(DemoScenario(t0, 0, seed), clock)
	if err != nil {
		t.Fatal(err)
	}
	return srv, clock
}

// afterSale is late enough for the whole demo sale and every acceptance.
const afterSale = 2*time.Hour + 15*time.Minute

// scripted is the set of ids (channel/id) of planted orders and decoys.
func scripted(srv *Server) map[string]bool {
	out := map[string]bool{}
	for _, ch := range srv.Channels() {
		b := srv.Book(ch)
		for _, p := range append(b.Planted(), b.Decoys()...) {
			out[ch+"/"+p.ID] = true
		}
	}
	return out
}

func TestDemoPlantsAppearAsScripted(t *testing.T) {
	srv, _ := demoServer(t, 42, afterSale)
	sc := srv.Scenario
	planted, decoys := 0, 0
	for _, ch := range srv.Channels() {
		b := srv.Book(ch)
		all, _ := b.Updates(Query{})
		byKey := map[string]OrderView{}
		for _, o := range all {
			byKey[o.BuyerID+"@"+o.CreatedAt.Format(time.RFC3339Nano)] = o
		}
		var want []Plant
		for _, p := range sc.Plants {
			if p.Channel == ch {
				want = append(want, p)
			}
		}
		slices.SortStableFunc(want, func(x, y Plant) int { return cmp.Compare(x.At, y.At) })
		var wantPlanted, wantDecoys []PlantedOrder
		for _, p := range want {
			at := t0.Add(p.At).Truncate(time.Millisecond)
			o, ok := byKey[p.Buyer.ID+"@"+at.Format(time.RFC3339Nano)]
			if !ok {
				t.Errorf("%s: no order of buyer %s at %v (%s)", ch, p.Buyer.ID, p.At, p.Kind)
				continue
			}
			if !reflect.DeepEqual(o.Buyer, p.Buyer) {
				t.Errorf("%s %s: buyer %+v, want %+v", ch, o.ID, o.Buyer, p.Buyer)
			}
			if len(o.Items) != 1 || o.Items[0].SKU != p.SKU || o.Items[0].Qty != p.Qty {
				t.Errorf("%s %s: items %+v, want %d × %s", ch, o.ID, o.Items, p.Qty, p.SKU)
			}
			// Accepted a few minutes later, never cancelled.
			if o.Status != StatusReadyToShip || o.UpdatedAt.Sub(o.CreatedAt) < 2*time.Minute || o.UpdatedAt.Sub(o.CreatedAt) > 10*time.Minute {
				t.Errorf("%s %s: %s at %v, created %v", ch, o.ID, o.Status, o.UpdatedAt, o.CreatedAt)
			}
			po := PlantedOrder{ID: o.ID, Kind: p.Kind}
			if p.Decoy {
				wantDecoys = append(wantDecoys, po)
			} else {
				wantPlanted = append(wantPlanted, po)
			}
		}
		// Plants take their order ids in time order, like every order.
		if got := b.Planted(); !slices.Equal(got, wantPlanted) {
			t.Errorf("%s: planted %v, want %v", ch, got, wantPlanted)
		}
		if got := b.Decoys(); !slices.Equal(got, wantDecoys) {
			t.Errorf("%s: decoys %v, want %v", ch, got, wantDecoys)
		}
		planted += len(wantPlanted)
		decoys += len(wantDecoys)
	}
	// Every plant of the demo finds its stock: none is skipped.
	if planted != 40 || decoys != 17 {
		t.Errorf("%d planted and %d decoys, want 40 and 17", planted, decoys)
	}
}

func TestPlantsAppearAtTheirTime(t *testing.T) {
	srv, clock := demoServer(t, 42, 0)
	count := func() (orders, planted int) {
		for _, ch := range srv.Channels() {
			orders += srv.Book(ch).OrderCount()
			planted += len(srv.Book(ch).Planted())
		}
		return orders, planted
	}
	// Orders appear a whole sale second at a time: the bots of the first
	// second (eight of them, under 1 s) once it has passed.
	clock.Set(t0.Add(999 * time.Millisecond))
	if o, p := count(); o != 0 || p != 0 {
		t.Fatalf("before the first second passed: %d orders, %d planted", o, p)
	}
	clock.Set(t0.Add(time.Second))
	if o, p := count(); o != 8 || p != 8 {
		t.Fatalf("after the first second: %d orders, %d planted, want the 8 bots", o, p)
	}
	// No human checks out in the first three seconds: only the bots did.
	clock.Set(t0.Add(3 * time.Second))
	if o, p := count(); o != 15 || p != 15 {
		t.Fatalf("after three seconds: %d orders, %d planted, want the 15 bots", o, p)
	}
	clock.Set(t0.Add(4 * time.Second))
	if o, _ := count(); o == 15 {
		t.Fatal("no ordinary buyer in the fourth second of the surge")
	}
}

func TestCleanBuyersStayClean(t *testing.T) {
	for _, seed := range []int64{1, 42} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			srv, _ := demoServer(t, seed, afterSale)
			limit := srv.Scenario.Sale.PerBuyerLimit
			// What scripted buyers use: clean ones must meet none of it.
			plantPhones, plantFPs, plantAddrs := map[string]bool{}, map[string]bool{}, map[string]bool{}
			for _, p := range srv.Scenario.Plants {
				plantPhones[normPhone(p.Buyer.Phone)] = true
				plantFPs[p.Buyer.PaymentFP] = true
				plantAddrs[normAddress(p.Buyer.Address)] = true
			}
			skip := scripted(srv)
			units := map[string]int{}     // account → units, cancelled or not
			phones := map[string]string{} // normalised phone → account
			fps := map[string]string{}    // payment fingerprint → account
			addrs := map[string]string{}  // address as written → account
			keys := map[string]string{}   // normalised address → account
			seen := func(m map[string]string, k, acct, what string) {
				if other, ok := m[k]; ok && other != acct {
					t.Errorf("%s and %s share %s %q", other, acct, what, k)
				}
				m[k] = acct
			}
			accounts := 0
			for _, ch := range srv.Channels() {
				all, _ := srv.Book(ch).Updates(Query{})
				for _, o := range all {
					if skip[ch+"/"+o.ID] {
						continue
					}
					if o.CreatedAt.Before(t0.Add(3 * time.Second)) {
						t.Errorf("%s %s: an ordinary buyer checked out at %v", ch, o.ID, o.CreatedAt.Sub(t0))
					}
					acct := ch + "/" + o.BuyerID
					if units[acct] == 0 {
						accounts++
					}
					for _, it := range o.Items {
						units[acct] += it.Qty
					}
					if units[acct] > limit {
						t.Errorf("%s bought %d units, over the limit of %d", acct, units[acct], limit)
					}
					a := o.Buyer.Address
					phone, key := normPhone(o.Buyer.Phone), normAddress(a)
					seen(phones, phone, acct, "phone")
					seen(fps, o.Buyer.PaymentFP, acct, "payment fingerprint")
					seen(addrs, a.Line1+"|"+a.Line2+"|"+a.City, acct, "address")
					seen(keys, key, acct, "normalised address")
					if plantPhones[phone] || plantFPs[o.Buyer.PaymentFP] || plantAddrs[key] {
						t.Errorf("%s %s: ordinary buyer %s shares an identity with a plant: %+v", ch, o.ID, acct, o.Buyer)
					}
					if len(phone) != 13 || !strings.HasPrefix(phone, "08") {
						t.Errorf("%s: phone %q", acct, o.Buyer.Phone)
					}
				}
			}
			if accounts < 5000 {
				t.Fatalf("only %d ordinary accounts: the check proves little", accounts)
			}
		})
	}
}

// A small crowd against a big stock: buyers who reached the limit are not
// drawn again, and nobody buys over it.
func TestBuyersNeverExceedTheLimit(t *testing.T) {
	clock := NewManualClock(t0)
	sc := Scenario{
		Seed: 5,
		Sale: SaleSpec{ID: "crowd", Name: "crowd", Start: t0, End: t0.Add(time.Hour), PerBuyerLimit: 2},
		SKUs: []SKUSpec{{SKU: "A", Name: "A", Popularity: 1}, {SKU: "B", Name: "B", Popularity: 1}},
		Channels: []ChannelSpec{{
			ID: "lazada-id", Kind: datasources.KindLazada, Market: "ID", Name: "Lazada ID",
			Allocated: map[string]int{"A": 10000, "B": 10000}, PeakPerMinute: 600, BuyerPool: 40,
		}},
	}
	srv, err := New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(t0.Add(10 * time.Minute))
	all, _ := srv.Book("lazada-id").Updates(Query{})
	units := map[string]int{}
	for _, o := range all {
		for _, it := range o.Items {
			units[o.BuyerID] += it.Qty
		}
	}
	total := 0
	for id, n := range units {
		if n > 2 {
			t.Errorf("buyer %s bought %d units", id, n)
		}
		total += n
	}
	// Most of the crowd reach the limit; the last ones are hard to draw.
	if len(units) > 40 || total < 60 {
		t.Errorf("%d buyers bought %d units", len(units), total)
	}
}

func TestIdentitiesAreBijective(t *testing.T) {
	if gcd(addressMul, addressSpace) != 1 {
		t.Fatalf("addressMul %d does not permute %d addresses", addressMul, addressSpace)
	}
	phones, fps, keys := map[string]uint64{}, map[string]uint64{}, map[string]uint64{}
	check := func(m map[string]uint64, k string, g uint64) {
		if o, ok := m[k]; ok {
			t.Fatalf("buyers %d and %d share %q", o, g, k)
		}
		m[k] = g
	}
	for g := range uint64(200_000) {
		check(phones, cleanPhone(g), g)
		check(fps, paymentFP(g), g)
		check(keys, normAddress(cleanAddress(g, fnv64(fmt.Sprint(g)))), g)
	}
	// And at the far end of the address space.
	for g := addressSpace - 20_000; g < addressSpace; g++ {
		check(keys, normAddress(cleanAddress(g, fnv64(fmt.Sprint(g)))), g)
	}
	for k := range 1000 {
		if _, ok := fps[PlantFP(k)]; ok {
			t.Fatalf("PlantFP(%d) is an ordinary buyer's", k)
		}
	}
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func TestTruthListsPlantedOrders(t *testing.T) {
	srv, clock := demoServer(t, 42, time.Second)
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	get := func() []byte {
		res, err := hs.Client().Get(hs.URL + "/_sim/truth")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return body
	}
	// One second in: bots on Lazada and mi.com, nothing on Akulaku, which
	// is listed empty rather than missing or null.
	body := get()
	var raw struct {
		Planted map[string]json.RawMessage `json:"planted"`
		Decoys  map[string]json.RawMessage `json:"decoys"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	if string(raw.Planted["akulaku-id"]) != "[]" || string(raw.Decoys["lazada-id"]) != "[]" {
		t.Fatalf("empty lists: %s", body)
	}
	var first []map[string]string
	if err := json.Unmarshal(raw.Planted["lazada-id"], &first); err != nil || len(first) != 5 {
		t.Fatalf("lazada planted %s", raw.Planted["lazada-id"])
	}
	if o := first[0]; len(o) != 2 || o["kind"] != PlantBotOpening || o["id"] == "" {
		t.Fatalf("planted order %v", o)
	}

	clock.Set(t0.Add(afterSale))
	var tr Truth
	if err := json.Unmarshal(get(), &tr); err != nil {
		t.Fatal(err)
	}
	if want := srv.Planted(); !reflect.DeepEqual(tr.Planted, want) {
		t.Fatalf("truth lists %v, Planted says %v", tr.Planted, want)
	}
	kinds := map[string]int{}
	for ch, l := range tr.Planted {
		for _, p := range l {
			kinds[p.Kind]++
			if _, ok := srv.Book(ch).Order(p.ID); !ok {
				t.Errorf("%s: planted order %s is not served", ch, p.ID)
			}
		}
	}
	want := map[string]int{PlantResellerRing: 6, PlantBotOpening: 15, PlantAddressJig: 13, PlantOverLimit: 4, PlantSharedPhone: 2}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("planted kinds %v, want %v", kinds, want)
	}
}

func TestSameSeedSamePlayOnEveryChannel(t *testing.T) {
	// One server read once, the other every 13 seconds: the same orders,
	// plants and truth on every channel.
	a, _ := demoServer(t, 9, 30*time.Minute)
	b, cb := demoServer(t, 9, 0)
	for d := time.Duration(0); d <= 30*time.Minute; d += 13 * time.Second {
		cb.Set(t0.Add(d))
		for _, ch := range b.Channels() {
			b.Book(ch).Updates(Query{Limit: 5})
		}
	}
	cb.Set(t0.Add(30 * time.Minute))
	for _, ch := range a.Channels() {
		oa, _ := a.Book(ch).Updates(Query{})
		ob, _ := b.Book(ch).Updates(Query{})
		if len(oa) == 0 || !reflect.DeepEqual(oa, ob) {
			t.Errorf("%s: different sales: %d vs %d orders", ch, len(oa), len(ob))
		}
	}
	if ta, tb := a.Truth(), b.Truth(); !reflect.DeepEqual(ta, tb) {
		t.Errorf("different truths:\n%+v\n%+v", ta, tb)
	}
}

func TestPlantsWithoutStockAreSkipped(t *testing.T) {
	clock := NewManualClock(t0)
	buyer := func(id string) Buyer {
		return Buyer{ID: id, Name: "Test Buyer", Phone: "081200000" + id[len(id)-3:], Address: address("Jl. Uji No. 1", "RT 01/RW 01", "Bandung", "Jawa Barat", "40111"), PaymentFP: PlantFP(0)}
	}
	sc := Scenario{
		Seed: 1,
		Sale: SaleSpec{ID: "tiny", Name: "tiny", Start: t0, End: t0.Add(time.Hour), PerBuyerLimit: 2},
		SKUs: []SKUSpec{{SKU: "A", Name: "A", Popularity: 1}, {SKU: "B", Name: "B", Popularity: 1}},
		Channels: []ChannelSpec{{
			// No ordinary buyers: only the plants buy.
			ID: "micom-id", Kind: datasources.KindBrandstore, Market: "ID", Name: "mi.com", Allocated: map[string]int{"A": 3},
		}},
		Plants: []Plant{
			{Channel: "micom-id", At: 20 * time.Second, Buyer: buyer("1000000002"), SKU: "A", Qty: 2, Kind: "second"},
			{Channel: "micom-id", At: 10 * time.Second, Buyer: buyer("1000000001"), SKU: "A", Qty: 2, Kind: "first"},
			{Channel: "micom-id", At: 30 * time.Second, Buyer: buyer("1000000003"), SKU: "A", Qty: 1, Kind: "third"},
			{Channel: "micom-id", At: 40 * time.Second, Buyer: buyer("1000000004"), SKU: "B", Qty: 1, Kind: "not allocated"},
			{Channel: "micom-id", At: 2 * time.Hour, Buyer: buyer("1000000005"), SKU: "A", Qty: 1, Kind: "after the sale"},
			{Channel: "lazada-id", At: time.Second, Buyer: buyer("1000000006"), SKU: "A", Qty: 1, Kind: "another channel"},
		},
	}
	srv, err := New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(t0.Add(3 * time.Hour))
	b := srv.Book("micom-id")
	got := b.Planted()
	if len(got) != 2 || got[0].Kind != "first" || got[1].Kind != "third" {
		t.Fatalf("planted %v, want first and third (the second finds 1 unit left)", got)
	}
	if n := b.OrderCount(); n != 2 {
		t.Fatalf("%d orders", n)
	}
	if sold := b.Sold(); sold["A"] != 3 {
		t.Fatalf("sold %v", sold)
	}
	o, ok := b.Order(got[0].ID)
	if !ok || o.BuyerID != "1000000001" || !o.CreatedAt.Equal(t0.Add(10*time.Second)) || o.Status != StatusReadyToShip {
		t.Fatalf("first plant served as %+v", o)
	}
}

func TestValidatePlants(t *testing.T) {
	ok := DemoScenario(t0, 0, 1)
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*Plant){
		"unknown SKU":      func(p *Plant) { p.SKU = "NOPE" },
		"no units":         func(p *Plant) { p.Qty = 0 },
		"before the sale":  func(p *Plant) { p.At = -time.Second },
		"buyer id letters": func(p *Plant) { p.Buyer.ID = "abc" },
		"no kind":          func(p *Plant) { p.Kind = "" },
		"no channel":       func(p *Plant) { p.Channel = "" },
	} {
		sc := DemoScenario(t0, 0, 1)
		sc.Plants = slices.Clone(sc.Plants)
		change(&sc.Plants[3])
		if err := sc.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	big := DemoScenario(t0, 0, 1)
	big.Channels[0].BuyerPool = int(addressSpace)
	if err := big.Validate(); err == nil {
		t.Error("more buyers than addresses accepted")
	}
}

// normPhone and normAddress are the rules engine's own matching keys ("" when
// it would not match on them).
func normPhone(p string) string {
	d, _ := rules.NormalizePhone(p)
	return d
}

func normAddress(a datasources.Address) string {
	k, _ := rules.NormalizeAddress(a)
	return k
}

// The demo's rings write one house many ways, and their neighbours look
// like them: the rules' address matcher must read each ring as one
// delivery point and no neighbour as a ring's.
func TestDemoRingsAreOnePlaceAndNeighboursAreNot(t *testing.T) {
	sc := DemoScenario(t0, 0, 1)
	type placed struct {
		p     rules.Place
		kind  string
		buyer string
	}
	var rings, clean []placed
	for _, pl := range sc.Plants {
		p, ok := rules.ParseAddress(pl.Buyer.Address)
		if !ok {
			t.Fatalf("%s plant %s: address %+v not read", pl.Kind, pl.Buyer.ID, pl.Buyer.Address)
		}
		switch pl.Kind {
		case PlantResellerRing, PlantAddressJig:
			rings = append(rings, placed{p, pl.Kind, pl.Buyer.ID})
		case DecoyNeighbour, DecoyFamily:
			clean = append(clean, placed{p, pl.Kind, pl.Buyer.ID})
		}
	}
	// Rings: groups of addresses that are all one place.
	var groups [][]placed
	for _, r := range rings {
		found := false
		for i, g := range groups {
			if rules.SamePlace(&g[0].p, &r.p) {
				for _, o := range g {
					if !rules.SamePlace(&o.p, &r.p) {
						t.Errorf("ring buyers %s and %s: not one place (%q, %q)", o.buyer, r.buyer, o.p.Key(), r.p.Key())
					}
				}
				groups[i] = append(groups[i], r)
				found = true
				break
			}
		}
		if !found {
			groups = append(groups, []placed{r})
		}
	}
	var sizes []int
	for _, g := range groups {
		sizes = append(sizes, len(g))
	}
	if want := []int{6, 4, 5, 4}; !slices.Equal(sizes, want) {
		t.Errorf("rings of %v spellings, want %v", sizes, want)
	}
	for _, c := range clean {
		for _, r := range rings {
			if rules.SamePlace(&c.p, &r.p) {
				t.Errorf("%s %s (%q) read as the ring's place %q", c.kind, c.buyer, c.p.Key(), r.p.Key())
			}
		}
	}
}
