package collector_test

import (
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/rules"
)

// TestPlantedAbuseIsFlaggedAndCleanOrdersAreNot plays the demo's first half
// hour, with the abuse the simulator plants (a reseller ring across Lazada
// and mi.com, a bot burst at the opening second, jigged addresses and rings
// writing one house the ways buyers do, buyers over the limit, a shared
// phone) and the look-alikes that must be left alone (families of two, the
// rings' neighbours), through the real clients and engine. It prints
// precision and recall (go test -v -run Planted ./app/collector).
func TestPlantedAbuseIsFlaggedAndCleanOrdersAreNot(t *testing.T) {
	sim, clock := startDemo(t)
	clock.Advance(25 * time.Minute)
	c := start(t, sim, clock)
	converge(t, c, sim)

	truth := sim.Server.Truth()
	planted := map[string]string{} // channel/order → kind
	for ch, os := range truth.Planted {
		for _, o := range os {
			planted[ch+"/"+o.ID] = o.Kind
		}
	}
	decoys := map[string]bool{}
	for ch, os := range truth.Decoys {
		for _, o := range os {
			decoys[ch+"/"+o.ID] = true
		}
	}
	if len(planted) < 25 || len(decoys) < 8 {
		t.Fatalf("the demo planted %d orders and %d decoys; the scenario changed?", len(planted), len(decoys))
	}
	flagged := map[string]rules.Flag{}
	for _, f := range c.Engine.Flags("") {
		flagged[f.Key()] = f
	}
	tp, fp, fn := 0, 0, 0
	for k, f := range flagged {
		if _, ok := planted[k]; ok {
			tp++
			continue
		}
		fp++
		why := "a clean order"
		if decoys[k] {
			why = "a look-alike's order"
		}
		t.Errorf("%s flagged: %s (rules %v)", why, k, f.Rules)
	}
	for k, kind := range planted {
		if _, ok := flagged[k]; !ok {
			fn++
			t.Errorf("planted %s order %s not flagged", kind, k)
		}
	}
	clean := 0
	for _, n := range truth.Orders {
		clean += n
	}
	clean -= len(planted)
	precision := float64(tp) / float64(max(tp+fp, 1))
	recall := float64(tp) / float64(max(tp+fn, 1))
	t.Logf("orders: %d planted, %d clean (%d of them look-alikes: families of two, rings' neighbours); flagged %d", len(planted), clean, len(decoys), len(flagged))
	t.Logf("precision %.3f (%d true, %d false positives), recall %.3f (%d missed)", precision, tp, fp, recall, fn)

	// Each kind of abuse is caught by the rule it is about.
	wantRule := map[string]string{
		"reseller_ring": rules.SharedAddress, "bot_opening": rules.BotOpening, "address_jig": rules.AddressJig,
		"over_limit": rules.OverLimit, "shared_phone": rules.SharedPhone,
	}
	for k, kind := range planted {
		f, ok := flagged[k]
		if !ok || wantRule[kind] == "" {
			continue
		}
		hit := false
		for _, h := range f.Rules {
			hit = hit || h.ID == wantRule[kind]
		}
		if !hit {
			t.Errorf("%s order %s flagged by %v, not by %s", kind, k, f.Rules, wantRule[kind])
		}
	}

	// A review survives a restart, and the flags come back before any poll.
	var some rules.Flag
	for _, f := range flagged {
		some = f
		break
	}
	if _, err := c.Engine.ReviewFlag(some.Sale, some.Channel, some.OrderID, "ayu", "checked by phone"); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	sim.Close() // nothing to poll: what shows comes from the database
	c = start(t, sim, clock)
	defer c.Close()
	after := c.Engine.Flags("")
	if len(after) != len(flagged) {
		t.Errorf("%d flags after restart, %d before", len(after), len(flagged))
	}
	for _, f := range after {
		if f.Key() == some.Key() && (f.State != rules.StateReviewed || f.Review == nil || f.Review.By != "ayu") {
			t.Errorf("review lost across the restart: %+v", f)
		}
	}
}
