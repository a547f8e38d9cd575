package collector_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/app/store/storetest"

	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestDemoDatabaseGivesAwayNoBuyer collects the demo sale, with its
// scalper rings, and reads the database file as a thief would: no phone
// number, street address or name of a simulated buyer is in it.
func TestDemoDatabaseGivesAwayNoBuyer(t *testing.T) {
	sim, clock := startDemo(t)
	key := filepath.Join(t.TempDir(), "keys", "data.key")
	sim.Config.DataKeyFile = key
	c := start(t, sim, clock)
	s := converge(t, c, sim)
	if len(c.Engine.Flags("")) == 0 {
		t.Fatal("the demo's scalpers were not flagged: the flags' text would not be tested")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(key); err != nil {
		t.Fatalf("the data key is not where data_key_file says: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(sim.Config.StateDir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	text := storetest.Printable(raw)
	checked := 0
	for _, ch := range sim.Server.Channels() {
		orders, _ := sim.Server.Book(ch).Updates(simulator.Query{})
		for _, o := range orders {
			b := o.Buyer
			for _, v := range []string{b.Phone, strings.TrimPrefix(b.Phone, "0"), b.Address.Line1, b.Address.Line2, b.Name, b.PaymentFP} {
				if len(v) >= 6 && strings.Contains(text, v) {
					t.Errorf("order %s of %s: %q is readable in the database", o.ID, ch, v)
				}
			}
			checked++
		}
	}
	if checked == 0 || s.Sales[0].Sold == 0 {
		t.Fatal("no orders to check")
	}
	t.Logf("%d simulated orders checked against %d bytes of printable text", checked, len(text))

	// Restarted on a key file that is not the database's: refused,
	// naming the database and the key file.
	other := filepath.Join(t.TempDir(), "other.key")
	sim.Config.DataKeyFile = other
	_, err = collector.Start(collector.Options{Config: sim.Config, Lookup: sim.Lookup(), Now: clock.Now})
	if err == nil || !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), filepath.Join(sim.Config.StateDir, store.FileName)) {
		t.Fatalf("another key: %v", err)
	}
	// On its own key: every figure is back.
	sim.Config.DataKeyFile = key
	c = start(t, sim, clock)
	defer c.Close()
	if d := diff(c.Engine.Snapshot(), sim.Server.Truth()); d != "" {
		t.Fatalf("after restart: %s", d)
	}
	if got := len(c.Engine.Flags("")); got == 0 {
		t.Error("flags lost across the restart")
	}
}
