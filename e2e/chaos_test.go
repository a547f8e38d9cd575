package e2e

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"
)

// TestChaosKillMidPoll is the chaos suite's process scenario: the collector
// is killed with SIGKILL again and again while it reads a large sale, and
// restarted on the same state_dir each time. At the end it must hold
// exactly the simulator's orders and units: none lost, none counted twice.
// `make test` kills it twice on a smaller sale; `make chaos` five times on
// the launch-scale one.
func TestChaosKillMidPoll(t *testing.T) {
	peak, kills := "20000", 2
	if os.Getenv("FLASHDECK_CHAOS") == "full" {
		peak, kills = "50000", 5
	}
	state := t.TempDir()
	// A finished sale: every order is there to read, and the truth holds still.
	open := time.Now().Add(-40 * time.Minute).Truncate(time.Second).Format(time.RFC3339)
	simURL, cfg, env := launchSim(t, state, "--peak", peak, "--seed", "21", "--sale-start", open)
	var tr scaleTruth
	if err := getJSON(simURL+"/_sim/truth", &tr); err != nil {
		t.Fatal(err)
	}
	apiAddr := freePort(t)
	api := "http://" + apiAddr
	// held is what the collector showed when it was last killed: each
	// restart must read further than that before it is killed again, or
	// a kill would land on the replay alone, never mid-poll.
	var held int
	for k := range kills {
		srv := start(t, env, "serve", "--config", cfg, "--listen", apiAddr)
		srv.waitLine(t, "listening on")
		// Kill it while it is reading: after more orders are in than at
		// the last kill, never after all of them.
		testwait.Until(t, time.Minute, func() string {
			var s scaleSnap
			if err := getJSON(api+"/api/v1/snapshot", &s); err != nil {
				return err.Error()
			}
			n := 0
			for _, c := range s.Channels {
				n += c.Orders
			}
			if n <= held {
				return "no progress yet"
			}
			held = n
			return ""
		})
		if held >= tr.total() {
			t.Fatalf("kill %d: all %d orders were read before the kill; the scenario proves nothing", k+1, held)
		}
		if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-srv.done
		srv.done <- nil // start's cleanup expects an exit
		t.Logf("kill %d: SIGKILL with %d of %d orders held", k+1, held, tr.total())
	}
	srv := start(t, env, "serve", "--config", cfg, "--listen", apiAddr)
	srv.waitLine(t, "listening on")
	matchTruth(t, 10*time.Minute, simURL, api)
	fmt.Printf("kill mid-poll: %d SIGKILLs while reading %d orders; after the last restart every order and unit equals the truth\n", kills, tr.total())
}
