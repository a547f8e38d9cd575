package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/store/storetest"

	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// TestCopiedDatabaseGivesAwayNoBuyer runs the demo sale through the real
// binaries (`flashdeck simulate`, and `flashdeck serve` writing
// flashdeck.db), stops the collector, and reads the database file as
// someone who copied it would, with strings(1): no phone number, street
// address or name of a simulated buyer may be in it. The buyers are the
// simulator's own, replayed in process from the same seed and opening.
func TestCopiedDatabaseGivesAwayNoBuyer(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(t.TempDir(), "keys", "data.key")
	simAddr, apiAddr := freePort(t), freePort(t)
	// Opened three hours ago: every order of the two-hour sale is placed.
	opened := time.Now().Add(-3 * time.Hour).Format(time.RFC3339)
	sim := start(t, nil, "simulate", "--listen", simAddr, "--out", dir, "--seed", "7", "--sale-start", opened)
	sim.waitLine(t, "flashdeck simulate: serving")
	envText, err := os.ReadFile(filepath.Join(dir, "flashdeck-sim.env"))
	if err != nil {
		t.Fatal(err)
	}
	env := append(parseEnv(t, string(envText)), "FLASHDECK_DATA_KEY_FILE="+keyFile)
	cfg := filepath.Join(dir, "flashdeck-sim.yaml")
	stateDir := filepath.Join(dir, "state")
	text, _ := os.ReadFile(cfg)
	text = []byte(strings.Replace(string(text), "state_dir: ./flashdeck-sim-data", "state_dir: "+stateDir, 1))
	os.WriteFile(cfg, text, 0o644)

	srv := start(t, env, "serve", "--config", cfg, "--listen", apiAddr)
	srv.waitLine(t, "listening on")
	api := "http://" + apiAddr
	var tr truth
	if err := getJSON("http://"+simAddr+"/_sim/truth", &tr); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	testwait.Until(t, 60*time.Second, func() string {
		var s snapshot
		if err := getJSON(api+"/api/v1/snapshot", &s); err != nil {
			return err.Error()
		}
		return mismatch(s, tr, "ok")
	})
	var flags struct {
		Flags []struct {
			OrderID string `json:"order_id"`
		} `json:"flags"`
	}
	if err := getJSON(api+"/api/v1/flags", &flags); err != nil {
		t.Fatal(err)
	}
	if len(flags.Flags) == 0 {
		t.Fatal("the demo's scalpers were not flagged: the flags' text would not be tested")
	}
	t.Logf("the collector matched the simulator in %s", time.Since(began).Round(time.Millisecond))
	srv.stop(t) // a clean stop: everything written is in the file

	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("data key: %v %v", st, err)
	}
	raw, err := os.ReadFile(filepath.Join(stateDir, "flashdeck.db"))
	if err != nil {
		t.Fatal(err)
	}
	found := storetest.Printable(raw)

	// The same sale, replayed in process: its buyers.
	at, _ := time.Parse(time.RFC3339, opened)
	replay, err := simulator.New(simulator.DemoScenario(at, 0, 7), simulator.NewManualClock(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	truthHere := replay.Truth()
	// Every value looked for, by length: one pass over the text per
	// length finds them all (a search per value would read the text tens
	// of thousands of times).
	byLen := map[int]map[string]string{} // length → value → where it is from
	orders := 0
	for _, ch := range replay.Channels() {
		if truthHere.Orders[ch] == 0 || !equalSold(truthHere.Sold[ch], tr.Sold[ch]) {
			t.Fatalf("the replayed sale is not the simulated one on %s: %v vs %v", ch, truthHere.Sold[ch], tr.Sold[ch])
		}
		views, _ := replay.Book(ch).Updates(simulator.Query{})
		for _, o := range views {
			b := o.Buyer
			for _, v := range []string{b.Phone, strings.TrimPrefix(b.Phone, "0"), b.Address.Line1, b.Address.Line2, b.Name} {
				if len(v) >= 6 {
					if byLen[len(v)] == nil {
						byLen[len(v)] = map[string]string{}
					}
					byLen[len(v)][v] = "order " + o.ID + " on " + ch
				}
			}
			orders++
		}
	}
	leaks := map[string]string{}
	for n, values := range byLen {
		for i := 0; i+n <= len(found); i++ {
			if from, ok := values[found[i:i+n]]; ok {
				leaks[found[i:i+n]] = from
			}
		}
	}
	for v, from := range leaks {
		t.Errorf("%s: %q is readable in flashdeck.db", from, v)
	}
	t.Logf("%d orders' buyers looked for in %d bytes of printable text (of a %d-byte file)", orders, len(found), len(raw))
}

func equalSold(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
