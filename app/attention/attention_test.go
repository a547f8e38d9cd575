package attention

import (
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
)

var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// snap is a live sale of one SKU on two channels, with the units each sold.
func snap(at time.Duration, soldA, soldB int) *engine.Snapshot {
	cellA := engine.CellSnap{Channel: "a", Figures: engine.Figures{Allocated: 1000, Sold: soldA, Remaining: 1000 - soldA}}
	cellB := engine.CellSnap{Channel: "b", Figures: engine.Figures{Allocated: 1000, Sold: soldB, Remaining: 1000 - soldB}}
	return &engine.Snapshot{
		At: t0.Add(at), Wall: t0.Add(at),
		Channels: []engine.ChannelSnap{{ID: "a", Name: "Chan A", State: engine.StateOK}, {ID: "b", Name: "Chan B", State: engine.StateOK}},
		Sales: []engine.SaleSnap{{ID: "s", Name: "Sale", State: engine.SaleLive,
			Channels: []engine.SaleChannelSnap{{Channel: "a"}, {Channel: "b"}},
			SKUs: []engine.SKUSnap{{SKU: "X", Figures: engine.Figures{Allocated: 2000, Sold: soldA + soldB, Remaining: 2000 - soldA - soldB},
				Channels: []engine.CellSnap{cellA, cellB}}}}},
	}
}

func kinds(l List) string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Kind+":"+it.Target.Channel)
	}
	return strings.Join(out, ",")
}

func TestStalledListing(t *testing.T) {
	for _, tc := range []struct {
		name string
		// sold on a and b at each 30 s step
		steps [][2]int
		want  string
	}{
		{"both sell", [][2]int{{0, 0}, {10, 10}, {20, 20}, {30, 30}, {40, 40}, {50, 50}, {60, 60}}, ""},
		{"a stops, b sells", [][2]int{{0, 0}, {10, 10}, {20, 20}, {20, 30}, {20, 40}, {20, 50}, {20, 60}}, "stalled_listing:a"},
		{"a stops, b sells little", [][2]int{{0, 0}, {10, 10}, {20, 20}, {20, 22}, {20, 24}, {20, 26}, {20, 28}}, ""},
		{"a stops too briefly", [][2]int{{0, 0}, {10, 10}, {20, 20}, {20, 60}, {20, 80}}, ""},
		{"both stop", [][2]int{{0, 0}, {10, 10}, {20, 20}, {20, 20}, {20, 20}, {20, 20}, {20, 20}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewTracker(Options{})
			var l List
			for i, s := range tc.steps {
				l = tr.Observe(snap(time.Duration(i)*30*time.Second, s[0], s[1]), nil)
			}
			if got := kinds(l); got != tc.want {
				t.Errorf("got %q, want %q (%+v)", got, tc.want, l.Items)
			}
			if tc.want != "" && len(l.Items) > 0 {
				it := l.Items[0]
				if it.Rank != 1 || it.Target != (Target{Tab: TabSKUs, Sale: "s", SKU: "X", Channel: "a"}) || !strings.HasPrefix(it.Why, "Chan A sold no X for 2m while other channels sold 40") {
					t.Errorf("item: %+v", it)
				}
				if l.Counts[KindStalled] != 1 || l.Counts[KindChannel] != 0 {
					t.Errorf("counts: %v", l.Counts)
				}
			}
		})
	}
	// A paused channel, or a sold-out listing, is not stalled.
	tr := NewTracker(Options{})
	for i, s := range [][2]int{{0, 0}, {10, 10}, {20, 20}, {20, 40}, {20, 60}, {20, 80}, {20, 100}} {
		sn := snap(time.Duration(i)*30*time.Second, s[0], s[1])
		sn.Sales[0].Channels[0].Paused = true
		if l := tr.Observe(sn, nil); len(l.Items) != 0 {
			t.Fatalf("paused: %+v", l.Items)
		}
	}
}

func TestOtherKindsAndRanks(t *testing.T) {
	tr := NewTracker(Options{MaxSellout: 2})
	s := snap(0, 0, 0)
	tr.Observe(s, nil)
	s = snap(time.Minute, 10, 10)
	s.Channels[1].State, s.Channels[1].DownSince, s.Channels[1].LastError = engine.StateDown, t0, "503\nService Unavailable"
	s.Channels[0].State, s.Channels[0].ConsecutiveFailures = engine.StateDegraded, 1
	s.Sales[0].Flags = engine.FlagSummary{Open: 7, Reviewed: 1}
	eta := t0.Add(4 * time.Minute)
	for i := range 4 { // four listings selling out, two listed
		e := eta.Add(time.Duration(i) * time.Minute)
		cell := engine.CellSnap{Channel: "a", Figures: engine.Figures{Allocated: 10, Remaining: 5, Rate1m: 2, ETASellout: &e}}
		k := engine.SKUSnap{SKU: "S" + string(rune('0'+i)), Figures: engine.Figures{Allocated: 10, Remaining: 5, Rate1m: 2}, Channels: []engine.CellSnap{cell}}
		s.Sales[0].SKUs = append(s.Sales[0].SKUs, k)
	}
	manual := []actions.Action{{ID: "act-1", Kind: "pause", Sale: "s", Summary: "Pause Sale on Chan B", Results: []actions.ChannelResult{
		{Channel: "a", Result: actions.Applied},
		{Channel: "b", ChannelName: "Chan B", Result: actions.Manual, Message: "pause it in the seller centre"},
	}}}
	l := tr.Observe(s, manual)
	var got []string
	for _, it := range l.Items {
		got = append(got, it.Why)
	}
	want := []string{
		"Chan B is down for 1m: 503 Service Unavailable",
		"Pause Sale on Chan B waits for a manual step on Chan B: pause it in the seller centre",
		"Chan A is degraded",
		"8 orders flagged in the last 1m on Sale (7 open)",
		"S0 sells out on Chan A in 3m: 5 left at 1.7/min",
		"S1 sells out on Chan A in 4m: 5 left at 1.2/min",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if l.Counts[KindSellout] != 4 || l.Counts[KindChannel] != 2 || l.Counts[KindManual] != 1 || l.Counts[KindFlags] != 1 {
		t.Errorf("counts %v", l.Counts)
	}
	if l.Items[1].Target != (Target{Tab: TabActions, Sale: "s", Channel: "b", Action: "act-1"}) || l.Items[5].Rank != 6 {
		t.Errorf("targets/ranks: %+v", l.Items)
	}
	// A channel not polled yet is starting, not degraded.
	if _, ok := channelItem(engine.ChannelSnap{ID: "c", State: engine.StateDegraded, LastError: "not polled yet"}, t0); ok {
		t.Error("a channel not polled yet is listed")
	}
	// Flags that stop rising leave the list once the window has passed.
	s2 := snap(7*time.Minute, 10, 10)
	s2.Sales[0].Flags = engine.FlagSummary{Open: 7, Reviewed: 1}
	if l := tr.Observe(s2, nil); l.Counts[KindFlags] != 0 {
		t.Errorf("flags still rising: %+v", l.Items)
	}
	if l := tr.List(); len(l.Items) != 0 || !l.At.Equal(t0.Add(7*time.Minute)) {
		t.Errorf("List: %+v", l)
	}
}
