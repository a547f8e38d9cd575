package rules

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

var (
	t0       = time.Date(2026, 11, 23, 14, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	testKey  = []byte("0123456789abcdef0123456789abcdef")
	chanIDs  = []string{"lazada-id", "akulaku-id", "micom-id"}
	chanName = []string{"Lazada ID", "Akulaku ID", "mi.com ID"}
)

const (
	lz = iota
	ak
	mi
)

func newTestSale(cfg Config) *Sale {
	if cfg.PerBuyerLimit == 0 {
		cfg.PerBuyerLimit = 2
	}
	return NewSale(SaleSpec{
		ID: "poco", Start: t0, End: t0.Add(2 * time.Hour), SKUs: []string{"SKU-A", "SKU-B"},
		ChannelIDs: chanIDs, ChannelNames: chanName, Config: cfg,
	}, testKey)
}

// in is one order of a test case.
type in struct {
	ch     int
	id     string
	buyer  string
	phone  string
	addr   datasources.Address
	fp     string
	after  time.Duration // since the sale opened
	qty    int
	status string
	sku    string
}

func (i in) order() *datasources.Order {
	sku := i.sku
	if sku == "" {
		sku = "SKU-A"
	}
	qty := i.qty
	if qty == 0 {
		qty = 1
	}
	st := i.status
	if st == "" {
		st = "pending"
	}
	at := t0.Add(i.after)
	if i.after == 0 {
		at = t0.Add(time.Minute)
	}
	return &datasources.Order{
		ID: i.id, BuyerID: i.buyer, CreatedAt: at, UpdatedAt: at, Status: st,
		Phone: i.phone, Address: i.addr, PaymentFingerprint: i.fp,
		Items: []datasources.Item{{SKU: sku, Quantity: qty}},
	}
}

// uniq gives every order of a case its own address unless it sets one.
func uniq(n int) datasources.Address {
	return addr(fmt.Sprintf("Jl. Sudirman No. %d", 100+n), "RT 01/RW 01", "Jakarta Pusat")
}

func TestRules(t *testing.T) {
	home := addr("Jl. Merdeka No. 12", "RT 03/RW 05", "Jakarta Selatan")
	cases := []struct {
		name   string
		cfg    Config
		orders []in
		want   map[string][]string // order id → rules, for every flagged order
	}{
		{name: "over the limit in one order",
			orders: []in{{ch: lz, id: "1", buyer: "b1", qty: 3}},
			want:   map[string][]string{"1": {OverLimit}}},
		{name: "at the limit in one order is fine",
			orders: []in{{ch: lz, id: "1", buyer: "b1", qty: 2}}},
		{name: "over the limit summed over a buyer's orders",
			orders: []in{{ch: mi, id: "1", buyer: "b1", qty: 2, addr: uniq(1)}, {ch: mi, id: "2", buyer: "b1", qty: 1, addr: uniq(1), after: 2 * time.Minute}},
			want:   map[string][]string{"1": {OverLimit}, "2": {OverLimit}}},
		{name: "the same buyer id on two channels is two accounts",
			orders: []in{{ch: lz, id: "1", buyer: "b1", qty: 2}, {ch: mi, id: "2", buyer: "b1", qty: 2}}},
		{name: "a cancelled order gives its units back",
			orders: []in{{ch: mi, id: "1", buyer: "b1", qty: 2}, {ch: mi, id: "1", buyer: "b1", qty: 2, status: "canceled"}, {ch: mi, id: "2", buyer: "b1", qty: 2, after: 5 * time.Minute}}},
		{name: "an order delivered twice counts once",
			orders: []in{{ch: mi, id: "1", buyer: "b1", qty: 2}, {ch: mi, id: "1", buyer: "b1", qty: 2}}},
		{name: "one phone behind two accounts across channels",
			orders: []in{{ch: ak, id: "1", buyer: "a", phone: "+62 812-3456-7821", addr: uniq(1)}, {ch: mi, id: "2", buyer: "b", phone: "081234567821", addr: uniq(2)}},
			want:   map[string][]string{"1": {SharedPhone}, "2": {SharedPhone}}},
		{name: "masked phones never match",
			orders: []in{{ch: lz, id: "1", buyer: "a", phone: "61****7", addr: uniq(1)}, {ch: lz, id: "2", buyer: "b", phone: "61****7", addr: uniq(2)}, {ch: lz, id: "3", buyer: "c", phone: "61****7", addr: uniq(3)}}},
		{name: "one phone, one account, two orders is fine",
			orders: []in{{ch: ak, id: "1", buyer: "a", phone: "081234567821"}, {ch: ak, id: "2", buyer: "a", phone: "081234567821", after: 3 * time.Minute}}},
		{name: "three accounts at one address across channels",
			orders: []in{{ch: lz, id: "1", buyer: "a", addr: home}, {ch: mi, id: "2", buyer: "b", addr: home}, {ch: mi, id: "3", buyer: "c", addr: home}},
			want:   map[string][]string{"1": {SharedAddress}, "2": {SharedAddress}, "3": {SharedAddress}}},
		{name: "a family of two at one address under the limit",
			orders: []in{{ch: lz, id: "1", buyer: "mum", addr: home, qty: 2}, {ch: mi, id: "2", buyer: "dad", addr: home}, {ch: mi, id: "3", buyer: "dad", addr: home, after: 20 * time.Minute}}},
		{name: "a family of two spelling their address two ways",
			orders: []in{{ch: lz, id: "1", buyer: "mum", addr: home}, {ch: mi, id: "2", buyer: "dad", addr: addr("JALAN MERDEKA 12", "rt 3 rw 5", "jakarta selatan")}}},
		{name: "jigged spellings of one address",
			orders: []in{
				{ch: lz, id: "1", buyer: "a", addr: addr("Jl. Kebon Jeruk Raya No. 27", "RT 03/RW 05", "Jakarta Barat")},
				{ch: mi, id: "2", buyer: "b", addr: addr("JALAN KEBON JERUK RAYA 27 BLOK C", "RT.003/RW.005", "JAKARTA BARAT")},
				{ch: ak, id: "3", buyer: "c", addr: addr("Kebon Jeruk Raya, Jl., no.27A", "RT 3 RW 5", "Jakarta Barat")},
			},
			want: map[string][]string{"1": {SharedAddress, AddressJig}, "2": {SharedAddress, AddressJig}, "3": {SharedAddress, AddressJig}}},
		{name: "masked addresses never match",
			orders: []in{{ch: lz, id: "1", buyer: "a", addr: addr("Jl. M****** No. **", "", "Jakarta")}, {ch: lz, id: "2", buyer: "b", addr: addr("Jl. M****** No. **", "", "Jakarta")}, {ch: lz, id: "3", buyer: "c", addr: addr("Jl. M****** No. **", "", "Jakarta")}}},
		{name: "one payment instrument behind two accounts",
			orders: []in{{ch: mi, id: "1", buyer: "a", fp: "pf_1", addr: uniq(1)}, {ch: mi, id: "2", buyer: "b", fp: "pf_1", addr: uniq(2)}},
			want:   map[string][]string{"1": {SharedPayment}, "2": {SharedPayment}}},
		{name: "velocity: five orders from one account in ten minutes",
			cfg: Config{PerBuyerLimit: 10},
			orders: []in{
				{ch: ak, id: "1", buyer: "a", after: 10 * time.Minute}, {ch: ak, id: "2", buyer: "a", after: 12 * time.Minute},
				{ch: ak, id: "3", buyer: "a", after: 14 * time.Minute}, {ch: ak, id: "4", buyer: "a", after: 16 * time.Minute},
				{ch: ak, id: "5", buyer: "a", after: 19 * time.Minute},
			},
			want: map[string][]string{"1": {Velocity}, "2": {Velocity}, "3": {Velocity}, "4": {Velocity}, "5": {Velocity}}},
		{name: "velocity counts by creation time, whatever the arrival order",
			cfg: Config{PerBuyerLimit: 10},
			orders: []in{
				{ch: ak, id: "5", buyer: "a", after: 19 * time.Minute}, {ch: ak, id: "1", buyer: "a", after: 10 * time.Minute},
				{ch: ak, id: "3", buyer: "a", after: 14 * time.Minute}, {ch: ak, id: "2", buyer: "a", after: 12 * time.Minute},
				{ch: ak, id: "4", buyer: "a", after: 16 * time.Minute},
			},
			want: map[string][]string{"1": {Velocity}, "2": {Velocity}, "3": {Velocity}, "4": {Velocity}, "5": {Velocity}}},
		{name: "five orders spread over an hour are not velocity",
			cfg: Config{PerBuyerLimit: 10},
			orders: []in{
				{ch: ak, id: "1", buyer: "a", after: 10 * time.Minute}, {ch: ak, id: "2", buyer: "a", after: 22 * time.Minute},
				{ch: ak, id: "3", buyer: "a", after: 34 * time.Minute}, {ch: ak, id: "4", buyer: "a", after: 46 * time.Minute},
				{ch: ak, id: "5", buyer: "a", after: 58 * time.Minute},
			}},
		{name: "velocity from one address across accounts",
			cfg: Config{MaxAccountsPerAddress: 10},
			orders: []in{
				{ch: lz, id: "1", buyer: "a", addr: home, after: 5 * time.Minute}, {ch: lz, id: "2", buyer: "b", addr: home, after: 6 * time.Minute},
				{ch: mi, id: "3", buyer: "c", addr: home, after: 7 * time.Minute}, {ch: mi, id: "4", buyer: "d", addr: home, after: 8 * time.Minute},
				{ch: ak, id: "5", buyer: "e", addr: home, after: 9 * time.Minute},
			},
			want: map[string][]string{"1": {Velocity}, "2": {Velocity}, "3": {Velocity}, "4": {Velocity}, "5": {Velocity}}},
		{name: "an order faster than a person after the opening",
			orders: []in{{ch: lz, id: "1", buyer: "a", after: 1200 * time.Millisecond}, {ch: lz, id: "2", buyer: "b", after: 4 * time.Second}},
			want:   map[string][]string{"1": {BotOpening}}},
		{name: "a disabled rule does not fire",
			cfg:    Config{Disabled: []string{BotOpening}},
			orders: []in{{ch: lz, id: "1", buyer: "a", after: 1200 * time.Millisecond}}},
		{name: "orders outside the window or without the sale's SKUs are ignored",
			orders: []in{{ch: lz, id: "1", buyer: "a", qty: 5, after: 3 * time.Hour}, {ch: lz, id: "2", buyer: "a", qty: 5, sku: "OTHER"}, {ch: lz, id: "3", buyer: "a", qty: 5, after: -time.Minute}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newTestSale(c.cfg)
			for _, o := range c.orders {
				s.Observe(o.ch, o.order())
			}
			got := map[string][]string{}
			for _, f := range s.Flags() {
				for _, h := range f.Rules {
					got[f.OrderID] = append(got[f.OrderID], h.ID)
					if h.Reason == "" || h.Reason == h.ID {
						t.Errorf("order %s, rule %s: no reason in words", f.OrderID, h.ID)
					}
				}
			}
			for _, v := range got {
				slices.Sort(v)
			}
			want := map[string][]string{}
			for k, v := range c.want {
				want[k] = slices.Sorted(slices.Values(v))
			}
			if !maps.EqualFunc(got, want, slices.Equal) {
				t.Errorf("flags %v; want %v", got, want)
			}
		})
	}
}

func TestFlagDetails(t *testing.T) {
	s := newTestSale(Config{})
	home := addr("Jl. Kebon Jeruk Raya No. 27", "RT 03/RW 05", "Jakarta Barat")
	s.Observe(lz, in{ch: lz, id: "L1", buyer: "100200300", phone: "61****7", addr: home, qty: 2}.order())
	s.Observe(mi, in{ch: mi, id: "M1", buyer: "u-77", phone: "+62 812-3456-7821", addr: home, qty: 2, after: 90 * time.Second}.order())
	if n := len(s.Flags()); n != 0 {
		t.Fatalf("two accounts at an address: %d flags", n)
	}
	s.Observe(mi, in{ch: mi, id: "M2", buyer: "u-78", phone: "+62 813-0000-0001", addr: addr("JALAN KEBON JERUK RAYA 27 BLOK C", "RT.003/RW.005", "Jakarta Barat"), qty: 2, after: 2 * time.Minute}.order())
	f, ok := s.Flag("lazada-id", "L1")
	if !ok {
		t.Fatal("the first order of the ring is not flagged once the third account arrives")
	}
	if f.State != StateOpen || f.Score != weights[SharedAddress] || f.SKU != "SKU-A" || f.Units != 2 {
		t.Errorf("flag %+v", f)
	}
	if f.Buyer != "buyer 10*****00" {
		t.Errorf("masked buyer %q", f.Buyer)
	}
	want := "3 accounts share one delivery point, written 2 ways: Jl. K**** J**** Raya No. **, RT **/RW **, Jakarta Barat; JALAN K**** J**** RAYA ** BLOK C, RT.***/RW.***, Jakarta Barat (Lazada ID, mi.com ID)"
	if f.Rules[0].Reason != want {
		t.Errorf("reason %q\n want %q", f.Rules[0].Reason, want)
	}
	var ev []string
	for _, r := range f.Evidence {
		ev = append(ev, r.Channel+"/"+r.OrderID+"/"+r.Buyer)
	}
	if strings.Join(ev, " ") != "micom-id/M1/08********21 micom-id/M2/08********01" || f.EvidenceTotal != 2 {
		t.Errorf("evidence %v (total %d)", ev, f.EvidenceTotal)
	}
	// No personal data leaves the evaluator unmasked.
	for _, fl := range s.Flags() {
		txt := fmt.Sprintf("%+v", fl)
		for _, pii := range []string{"Kebon", "3456", "0001", "100200300"} {
			if strings.Contains(txt, pii) {
				t.Errorf("flag shows %q: %s", pii, txt)
			}
		}
	}

	// Changed hands each changed flag once.
	if ch := s.Changed(); len(ch) != 3 {
		t.Errorf("changed: %d flags, want 3", len(ch))
	}
	if ch := s.Changed(); len(ch) != 0 {
		t.Errorf("changed again: %d flags, want 0", len(ch))
	}

	// Review keeps the flag and says who.
	at := t0.Add(time.Hour)
	rf, err := s.Review("micom-id", "M1", Review{By: "ayu", At: at, Note: "known customer"})
	if err != nil || rf.State != StateReviewed || rf.Review.By != "ayu" {
		t.Fatalf("review: %+v, %v", rf, err)
	}
	if _, err := s.Review("micom-id", "nope", Review{By: "ayu"}); err == nil {
		t.Error("reviewing an order that is not flagged succeeded")
	}

	// A cancelled flagged order says so.
	s.Observe(mi, in{ch: mi, id: "M2", buyer: "u-78", addr: home, qty: 2, status: "canceled", after: 2 * time.Minute}.order())
	if f, _ := s.Flag("micom-id", "M2"); f.State != StateCancelled || f.Units != 0 {
		t.Errorf("cancelled order's flag: %+v", f)
	}
}

// A ring writes one house four ways: with a landmark, a description of
// the house, a note to the courier, a letter missing from the street. The
// flag names the spellings it grouped, masked, and what was set aside.
func TestFlagExplainsSpellings(t *testing.T) {
	s := newTestSale(Config{})
	spellings := []datasources.Address{
		addr("Jl. Cempaka Putih Tengah No. 12", "RT 07/RW 02", "Jakarta Pusat"),
		addr("Jln Cempaka Putih Tengah 12 depan Indomaret", "RT 7 RW 2", "Jakarta Pusat"),
		addr("Jl. Cempka Putih Tengah No. 12 (pagar hijau)", "RT 07/RW 02", "Jakarta Pusat"),
		addr("JL CEMPAKA PUTIH TENGAH NO 12 rumah cat biru, titip satpam", "", "Jakarta Pusat"),
	}
	for i, a := range spellings {
		s.Observe(mi, in{ch: mi, id: fmt.Sprint("M", i), buyer: fmt.Sprint("u-", i), addr: a, after: time.Duration(i+1) * time.Minute}.order())
	}
	f, ok := s.Flag("micom-id", "M0")
	if !ok {
		t.Fatal("four accounts at one house written four ways: no flag")
	}
	reasons := map[string]string{}
	for _, h := range f.Rules {
		reasons[h.ID] = h.Reason
	}
	want := "4 spellings of one delivery point by 4 accounts: " +
		"Jl. C****** P**** T***** No. **, RT **/RW **, Jakarta Pusat; " +
		"Jln C****** P**** T***** ** depan I********, RT * RW *, Jakarta Pusat (landmark set aside); " +
		"Jl. C***** P**** T***** No. ** (pagar h****), RT **/RW **, Jakarta Pusat (text in brackets set aside); " +
		"JL C****** P**** T***** NO ** rumah cat b***, titip s*****, Jakarta Pusat (house description, note to the courier set aside)"
	if reasons[AddressJig] != want {
		t.Errorf("address_jig reason\n %q\nwant\n %q", reasons[AddressJig], want)
	}
	if !strings.HasPrefix(reasons[SharedAddress], "4 accounts share one delivery point, written 4 ways: Jl. C****** P**** T***** No. **") {
		t.Errorf("shared_address reason %q", reasons[SharedAddress])
	}
	for _, pii := range []string{"Cempaka", "Indomaret", "hijau", "satpam", "12"} {
		if strings.Contains(fmt.Sprintf("%+v", f), pii) {
			t.Errorf("the flag shows %q: %+v", pii, f)
		}
	}
}

func TestRestoreKeepsReviewsAndLostFlags(t *testing.T) {
	saved := []Flag{
		{Sale: "poco", Channel: "micom-id", OrderID: "M9", Score: 35, State: StateCancelled, Rules: []Hit{{ID: OverLimit, Reason: "3 units"}}},
		{Sale: "poco", Channel: "lazada-id", OrderID: "L1", Score: 35, State: StateReviewed, Review: &Review{By: "ayu"}},
		{Sale: "other", Channel: "lazada-id", OrderID: "X"},
	}
	s := newTestSale(Config{})
	s.Restore(saved)
	s.Observe(lz, in{ch: lz, id: "L1", buyer: "a", qty: 3}.order())
	fs := s.Flags()
	if len(fs) != 2 {
		t.Fatalf("flags %+v", fs)
	}
	l1, _ := s.Flag("lazada-id", "L1")
	if l1.State != StateReviewed || l1.Review == nil || l1.Review.By != "ayu" {
		t.Errorf("replayed flag lost its review: %+v", l1)
	}
	if m9, ok := s.Flag("micom-id", "M9"); !ok || m9.State != StateCancelled {
		t.Errorf("saved flag the replay no longer makes: %+v %v", m9, ok)
	}
}

func TestAnonymousReplayKeepsWhatItsFlagFound(t *testing.T) {
	home := addr("Jl. Merdeka No. 12", "RT 03/RW 05", "Jakarta Selatan")
	first := newTestSale(Config{})
	first.Observe(lz, in{ch: lz, id: "L1", buyer: "a", phone: "081234567821", addr: home}.order())
	first.Observe(mi, in{ch: mi, id: "M1", buyer: "b", phone: "081234567821", addr: home, after: 2 * time.Minute}.order())
	saved := first.Flags()
	if len(saved) != 2 {
		t.Fatalf("flags %+v", saved)
	}

	// The same orders after their personal data was purged: no phone,
	// no street, no buyer id; the city stays.
	purged := func(i in) *datasources.Order {
		o := i.order()
		o.BuyerID, o.Phone, o.Address = "", "", datasources.Address{City: "Jakarta Selatan"}
		return o
	}
	s := newTestSale(Config{})
	s.Restore(saved)
	s.Observe(lz, purged(in{ch: lz, id: "L1", qty: 3}))
	s.Observe(mi, purged(in{ch: mi, id: "M1", after: 2 * time.Minute}))
	s.Observe(mi, purged(in{ch: mi, id: "M2", after: 3 * time.Minute}))
	got := s.Flags()
	if len(got) != 2 {
		t.Fatalf("a city alone must not make a shared address: %+v", got)
	}
	for _, want := range saved {
		f, _ := s.Flag(want.Channel, want.OrderID)
		var ids []string
		for _, h := range f.Rules {
			ids = append(ids, h.ID)
		}
		wantIDs := []string{SharedPhone}
		if want.OrderID == "L1" {
			// 3 units now: over the limit, found afresh beside the rest.
			wantIDs = []string{OverLimit, SharedPhone}
		}
		if !slices.Equal(ids, wantIDs) || f.Buyer != want.Buyer || len(f.Evidence) != 1 || !reflect.DeepEqual(f.Evidence[0], want.Evidence[0]) || f.Rules[len(f.Rules)-1].Reason != want.Rules[len(want.Rules)-1].Reason {
			t.Errorf("flag of %s after the purge:\n%+v\nsaved:\n%+v", want.OrderID, f, want)
		}
	}
	if f, _ := s.Flag("lazada-id", "L1"); f.Score != weights[OverLimit]+weights[SharedPhone] {
		t.Errorf("score %d", f.Score)
	}

	// An order that still has its identities is judged afresh: a
	// threshold raised since takes the hit away.
	s = newTestSale(Config{MaxAccountsPerPhone: 5, MaxAccountsPerAddress: 5})
	s.Restore(saved)
	s.Observe(lz, in{ch: lz, id: "L1", buyer: "a", phone: "081234567821", addr: home}.order())
	s.Observe(mi, in{ch: mi, id: "M1", buyer: "b", phone: "081234567821", addr: home, after: 2 * time.Minute}.order())
	if f, _ := s.Flag("lazada-id", "L1"); len(f.Rules) != len(saved[0].Rules) || s.rulesOf(0) != 0 {
		t.Errorf("with its identities the replay decides: %+v (the saved flag is still listed)", f)
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	k1, err := LoadKey(dir)
	if err != nil || len(k1) != keySize {
		t.Fatalf("first run: %v", err)
	}
	k2, err := LoadKey(dir)
	if err != nil || string(k1) != string(k2) {
		t.Fatalf("second run read another key: %v", err)
	}
	// Hashes made with different keys do not meet.
	a, b := newHasher(k1).sum('p', "081234567821"), newHasher(testKey).sum('p', "081234567821")
	if a == b {
		t.Error("two keys give one hash")
	}
}

// Two ids that share a 64-bit map key must stay two orders and two accounts.
func TestHashKeyCollision(t *testing.T) {
	s := newTestSale(Config{})
	s.Observe(lz, in{ch: lz, id: "1", buyer: "a", qty: 2}.order())
	// Make order "2" and buyer "b" land on the keys of order "1" and buyer "a".
	s.byID[s.strKey(lz, 'o', "2")] = s.byID[s.strKey(lz, 'o', "1")]
	s.accounts[s.strKey(lz, 'b', "b")] = s.accounts[s.strKey(lz, 'b', "a")]
	s.Observe(lz, in{ch: lz, id: "2", buyer: "b", qty: 2}.order())
	if s.Len() != 2 {
		t.Fatalf("%d orders held, want 2", s.Len())
	}
	if fs := s.Flags(); len(fs) != 0 {
		t.Errorf("two buyers of 2 units each were taken for one: %+v", fs)
	}
	if _, ok := s.findOrder(lz, "2"); !ok {
		t.Error("order 2 cannot be found")
	}
	// And an update of order 2 reaches order 2.
	s.Observe(lz, in{ch: lz, id: "2", buyer: "b", qty: 2, status: "canceled"}.order())
	idx, _ := s.findOrder(lz, "2")
	idx1, _ := s.findOrder(lz, "1")
	if s.o(idx).units != 0 || s.o(idx1).units != 2 {
		t.Errorf("the cancellation reached the wrong order: %d and %d units", s.o(idx).units, s.o(idx1).units)
	}
}

// Screens reload the flag list when Version changes: clean orders must not
// change it, or a busy sale would rebuild the list four times a second.
func TestVersionMovesOnlyWithFlags(t *testing.T) {
	s := newTestSale(Config{})
	v0 := s.Version()
	s.Observe(lz, in{ch: lz, id: "1", buyer: "a", addr: uniq(1)}.order())
	s.Observe(lz, in{ch: lz, id: "1", buyer: "a", addr: uniq(1), status: "canceled"}.order())
	if s.Version() != v0 {
		t.Errorf("clean orders moved the version %d → %d", v0, s.Version())
	}
	s.Observe(lz, in{ch: lz, id: "2", buyer: "b", qty: 3, addr: uniq(2)}.order())
	if s.Version() == v0 {
		t.Error("a new flag left the version alone")
	}
}
