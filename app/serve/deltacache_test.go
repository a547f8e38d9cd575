package serve

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
)

func seqSnap(seq uint64, sold int) *engine.Snapshot {
	at := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC).Add(time.Duration(seq) * time.Second)
	return &engine.Snapshot{Seq: seq, At: at, Wall: at, Sales: []engine.SaleSnap{{ID: "s", Figures: engine.Figures{Sold: sold}}}}
}

// The delta cache computes each delta once, sends a client a few
// snapshots behind the deltas it missed in order, and one further behind
// than it keeps (or across a change of shape, or a snapshot not encoded
// whole) nothing: it is sent the snapshot whole.
func TestDeltaCachePaths(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	var c deltaCache
	snaps := []*engine.Snapshot{seqSnap(1, 0)}
	c.path(snaps[0], true, 1, log)
	for i := uint64(2); i <= deltaHistory+5; i++ {
		s := seqSnap(i, int(i))
		snaps = append(snaps, s)
		p := c.path(s, true, i-1, log)
		if len(p) != 1 || !bytes.Contains(p[0], fmt.Appendf(nil, "id: %d\nevent: delta\n", i)) || !bytes.Contains(p[0], fmt.Appendf(nil, `"base":%d`, i-1)) {
			t.Fatalf("client one behind at %d: %q", i, p)
		}
	}
	last := snaps[len(snaps)-1]
	if again := c.path(last, true, last.Seq-1, log); len(again) != 1 || len(c.hist) != deltaHistory {
		t.Errorf("asking again: %d frames, %d kept; want 1 frame, %d kept (computed once)", len(again), len(c.hist), deltaHistory)
	}
	if p := c.path(last, true, last.Seq-3, log); len(p) != 3 {
		t.Errorf("a client three behind got %d frames, want 3", len(p))
	}
	if p := c.path(last, true, last.Seq-deltaHistory-1, log); p != nil {
		t.Errorf("a client further behind than the deltas kept got %d frames, want the snapshot whole", len(p))
	}
	// A snapshot of another shape: no delta to it, nor from an older base.
	other := seqSnap(last.Seq+1, 0)
	other.Sales = append(other.Sales, engine.SaleSnap{ID: "t"})
	if p := c.path(other, true, last.Seq, log); p != nil {
		t.Errorf("across a change of shape: %d frames, want the snapshot whole", len(p))
	}
	// A snapshot with a sale set aside is never a base nor a target.
	bad := seqSnap(other.Seq+1, 1)
	bad.Sales = other.Sales
	if p := c.path(bad, false, other.Seq, log); p != nil {
		t.Errorf("to a snapshot not encoded whole: %d frames", len(p))
	}
}
