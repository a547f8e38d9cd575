package simulator_test

import (
	"fmt"
	"github.com/flashdeck/flashdeck/app/rules"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/brandstore"
	"github.com/flashdeck/flashdeck/datasources/lazada"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/datasources/sourcetest"
)

// TestDemoScalpersAreFoundAndNobodyElse reads the whole demo sale through
// the real channel clients (so with Lazada's masked phones, and payment
// fingerprints from the brand store only) and runs flashdeck's rules
// engine over it, with its defaults. The orders
// they flag must be exactly the planted ones: every plant is found by the
// rule it was planted for, no ordinary order and no decoy is flagged.
func TestDemoScalpersAreFoundAndNobodyElse(t *testing.T) {
	for _, seed := range []int64{42, 7} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { testScalpers(t, seed) })
	}
}

func testScalpers(t *testing.T, seed int64) {
	t0 := time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)
	clock := simulator.NewManualClock(t0.Add(2*time.Hour + 15*time.Minute))
	sc := simulator.DemoScenario(t0, 0, seed)
	srv, err := simulator.New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	lz, err := lazada.New(lazada.Config{
		ID: "lazada-id", Market: "ID", BaseURL: srv.BaseURL("lazada-id"), AuthURL: srv.AuthURL("lazada-id"),
		AppKey: srv.Creds.LazadaAppKey, AppSecret: srv.Creds.LazadaAppSecret,
		AccessToken: srv.Creds.LazadaAccessToken, RefreshToken: srv.Creds.LazadaRefreshToken,
		Timeout: 5 * time.Second, Now: clock.Now, CallsPerSecond: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	bs, err := brandstore.New(brandstore.Config{ID: "micom-id", Market: "ID", BaseURL: srv.BaseURL("micom-id"), Token: srv.Creds.StoreToken, Timeout: 5 * time.Second, Now: clock.Now, CallsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	sources := []datasources.Source{lz, akuClient(t, srv, nil), bs}

	var ids, names []string
	for _, s := range sources {
		ids, names = append(ids, s.ID()), append(names, s.ID())
	}
	var skus []string
	for _, k := range sc.SKUs {
		skus = append(skus, k.SKU)
	}
	eval := rules.NewSale(rules.SaleSpec{
		ID: sc.Sale.ID, Start: sc.Sale.Start, End: sc.Sale.End, SKUs: skus,
		ChannelIDs: ids, ChannelNames: names, Config: rules.Config{PerBuyerLimit: sc.Sale.PerBuyerLimit},
	}, []byte("0123456789abcdef0123456789abcdef"))
	var orders []flagged
	for ci, s := range sources {
		l := sourcetest.Ledger{}
		l.Poll(t, s, datasources.Cursor{UpdatedAfter: t0.Add(-time.Minute)})
		if len(l) != srv.Book(s.ID()).OrderCount() {
			t.Fatalf("%s: read %d orders of %d", s.ID(), len(l), srv.Book(s.ID()).OrderCount())
		}
		for _, o := range l {
			eval.Observe(ci, &o)
			orders = append(orders, flagged{channel: s.ID(), Order: o, rules: map[string]bool{}})
		}
	}
	fired := map[string]map[string]bool{}
	for _, f := range eval.Flags() {
		fired[f.Key()] = map[string]bool{}
		for _, h := range f.Rules {
			fired[f.Key()][h.ID] = true
		}
	}
	for i := range orders {
		if r := fired[orders[i].channel+"/"+orders[i].ID]; r != nil {
			orders[i].rules = r
		}
	}

	truth := srv.Truth()
	planted, decoys := map[string]string{}, map[string]bool{}
	for ch, l := range truth.Planted {
		for _, p := range l {
			planted[ch+"/"+p.ID] = p.Kind
		}
	}
	for ch, l := range truth.Decoys {
		for _, p := range l {
			decoys[ch+"/"+p.ID] = true
		}
	}
	// The rule each kind of plant is there to trip.
	expect := map[string]string{
		simulator.PlantResellerRing: "shared_address", simulator.PlantBotOpening: "bot_opening",
		simulator.PlantAddressJig: "address_jig", simulator.PlantOverLimit: "over_limit",
		simulator.PlantSharedPhone: "shared_phone",
	}
	found, ringCards := 0, 0
	for _, o := range orders {
		id := o.channel + "/" + o.ID
		kind, isPlant := planted[id]
		switch {
		case isPlant && !o.rules[expect[kind]]:
			t.Errorf("%s (%s) not flagged %s: %v", id, kind, expect[kind], o.rules)
		case !isPlant && len(o.rules) > 0:
			t.Errorf("%s (decoy %v) flagged %v: %+v %q %q", id, decoys[id], o.rules, o.Address, o.Phone, o.PaymentFingerprint)
		}
		if isPlant {
			found++
		}
		if kind == simulator.PlantResellerRing && o.rules["shared_payment"] {
			ringCards++
		}
	}
	if found != len(planted) || found != 40 {
		t.Errorf("%d of %d planted orders read, want 40", found, len(planted))
	}
	if ringCards != 2 || len(decoys) != 17 {
		t.Errorf("%d ring orders share a card (want 2), %d decoys (want 17)", ringCards, len(decoys))
	}
}

type flagged struct {
	channel string
	datasources.Order
	rules map[string]bool
}
