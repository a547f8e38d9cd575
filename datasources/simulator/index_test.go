package simulator

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// The live index must agree with a plain count over a slice while entries
// are appended and killed in any order, and the event queue must pop in
// (time, scheduling order).
func TestLiveIndexAndEventQueueAgreeWithNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var x liveIndex
	var naive []int32
	for step := range 5000 {
		if len(naive) == 0 || r.IntN(3) > 0 {
			v := int32(r.IntN(2))
			x.push(v)
			naive = append(naive, v)
		} else if p := r.IntN(len(naive)); naive[p] == 1 {
			x.add(p, -1)
			naive[p] = 0
		}
		n := r.IntN(len(naive) + 1)
		want := 0
		for _, v := range naive[:n] {
			want += int(v)
		}
		if got := x.prefix(n); got != want {
			t.Fatalf("step %d: prefix(%d) = %d, want %d", step, n, got, want)
		}
	}

	var q eventQueue
	for i := range 2000 {
		q.push(event{at: int64(r.IntN(50)), idx: int32(i)})
	}
	prev := event{at: -1}
	for q.len() > 0 {
		ev := q.pop()
		if ev.at < prev.at || (ev.at == prev.at && ev.idx < prev.idx) {
			t.Fatalf("popped %+v after %+v", ev, prev)
		}
		prev = ev
	}
}

// The launch scenario is playable and as big as its name says.
func TestLaunchScenario(t *testing.T) {
	start := time.Date(2026, 11, 11, 11, 0, 0, 0, WIB)
	sc := LaunchScenario(start, 10*time.Minute, 0, LaunchPeakPerMinute, 1)
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(sc.SKUs) != LaunchSKUs || len(sc.Channels) != 4 {
		t.Fatalf("%d SKUs on %d channels", len(sc.SKUs), len(sc.Channels))
	}
	seen := map[string]bool{}
	peak := 0.0
	for _, k := range sc.SKUs {
		if seen[k.SKU] {
			t.Fatalf("SKU %s twice", k.SKU)
		}
		seen[k.SKU] = true
	}
	for _, c := range sc.Channels {
		peak += c.PeakPerMinute
	}
	if math.Abs(peak-LaunchPeakPerMinute) > 1 {
		t.Errorf("peak %v a minute over all channels", peak)
	}
	// Ten sale-seconds at the peak play about peak/6 orders.
	clock := NewManualClock(start.Add(25 * time.Second))
	b := NewBook(&sc, sc.Channels[0], clock)
	before := b.OrderCount()
	clock.Advance(10 * time.Second)
	got := b.OrderCount() - before
	want := sc.Channels[0].PeakPerMinute / 6
	if float64(got) < want*0.8 || float64(got) > want*1.2 {
		t.Errorf("%d orders in 10 s at the peak, want about %.0f", got, want)
	}
}
