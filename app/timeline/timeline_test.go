package timeline

import (
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/store"
)

var start = time.Date(2026, 11, 23, 14, 0, 0, 0, time.FixedZone("WIB", 7*3600))

func at(d time.Duration) time.Time { return start.Add(d) }

func change(d time.Duration, state string) store.HealthChange {
	return store.HealthChange{Channel: "c", At: at(d), State: state, Error: state + " why"}
}

func TestBands(t *testing.T) {
	m := time.Minute
	for _, tc := range []struct {
		name   string
		health []store.HealthChange
		want   []Band // From, To, State only
	}{
		{"none", nil, nil},
		{"healthy throughout", []store.HealthChange{change(-m, engine.StateOK)}, nil},
		{"down then back", []store.HealthChange{change(0, engine.StateOK), change(3*m+10*time.Second, engine.StateDown), change(7*m, engine.StateOK)},
			[]Band{{From: 3, To: 7, State: BandDown}}},
		{"back within its minute", []store.HealthChange{change(3*m, engine.StateDown), change(3*m+20*time.Second, engine.StateOK)},
			[]Band{{From: 3, To: 4, State: BandDown}}},
		{"degraded, then down, then back", []store.HealthChange{change(2*m, engine.StateDegraded), change(4*m, engine.StateDown), change(9*m+30*time.Second, engine.StateOK)},
			[]Band{{From: 2, To: 4, State: BandDegraded}, {From: 4, To: 10, State: BandDown}}},
		{"degraded and down at once: no empty band", []store.HealthChange{change(5*m, engine.StateDegraded), change(5*m, engine.StateDown), change(6*m, engine.StateOK)},
			[]Band{{From: 5, To: 6, State: BandDown}}},
		{"down before the sale opened, into it", []store.HealthChange{change(-10*m, engine.StateDown), change(2*m, engine.StateOK)},
			[]Band{{From: 0, To: 2, State: BandDown}}},
		{"down and back before the sale", []store.HealthChange{change(-10*m, engine.StateDown), change(-2*m, engine.StateOK)}, nil},
		{"still down: to the end", []store.HealthChange{change(50*m, engine.StateDown)},
			[]Band{{From: 50, To: 60, State: BandDown}}},
		{"after the sale", []store.HealthChange{change(61*m, engine.StateDown)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := bands(0, engine.ChannelHistory{Health: tc.health}, start, at(time.Hour), 60)
			if len(got) != len(tc.want) {
				t.Fatalf("bands %+v, want %+v", got, tc.want)
			}
			for i, b := range got {
				if w := tc.want[i]; b.From != w.From || b.To != w.To || b.State != w.State || b.Why == "" {
					t.Errorf("band %d: [%d, %d) %s (why %q), want [%d, %d) %s", i, b.From, b.To, b.State, b.Why, w.From, w.To, w.State)
				}
			}
		})
	}
}

func TestBuild(t *testing.T) {
	h := engine.SaleHistory{ID: "s", Start: start, End: at(90*time.Minute + 30*time.Second), Channels: []engine.ChannelHistory{
		{ID: "a", Name: "A", Allocated: 100, PerMinute: []int32{5, 0, 7}},
		{ID: "b", Name: "B", Allocated: 50, PerMinute: []int32{1, 1}},
	}}
	acts := []actions.Action{
		{Sale: "s", Kind: actions.Extend, User: "ayu", Reason: "demand", SaleAt: at(30 * time.Minute), CreatedAt: at(-time.Hour)},
		{Sale: "s", Kind: actions.Pause, User: "ayu", By: "", Reason: "bots", CreatedAt: at(2*time.Minute + 5*time.Second)}, // an old record: wall time
		{Sale: "s", Kind: actions.ReviewOrder, User: "ayu", SaleAt: at(time.Minute)},
		{Sale: "other", Kind: actions.Pause, SaleAt: at(time.Minute)},
		{Sale: "s", Kind: actions.Resume, User: "ayu", SaleAt: at(-5 * time.Minute)},
	}
	flags := []rules.Flag{{Sale: "s", CreatedAt: at(30 * time.Second)}, {Sale: "s", CreatedAt: at(2 * time.Minute)}, {Sale: "other", CreatedAt: at(0)}, {Sale: "s", CreatedAt: at(-time.Minute)}}
	m := Build(Input{History: h, Now: at(2*time.Minute + 10*time.Second), Actions: acts, Flags: flags})

	if m.Minutes != 91 || m.Now != 3 || m.Allocated != 150 {
		t.Errorf("minutes %d, now %d, allocated %d; want 91, 3, 150", m.Minutes, m.Now, m.Allocated)
	}
	if m.Sold[0] != 6 || m.Sold[1] != 7 || m.Sold[2] != 14 || m.Sold[90] != 14 {
		t.Errorf("sold %v…, want 6, 7, 14 and 14 to the end", m.Sold[:4])
	}
	if m.Flags[0] != 1 || m.Flags[1] != 1 || m.Flags[2] != 2 {
		t.Errorf("flags %v…, want 1, 1, 2", m.Flags[:4])
	}
	if len(m.Markers) != 3 {
		t.Fatalf("markers %+v, want the resume, pause and extension of this sale", m.Markers)
	}
	for i, want := range []struct {
		kind   string
		minute int
	}{{"resume", 0}, {"pause", 2}, {"extend", 30}} {
		if k := m.Markers[i]; k.Kind != want.kind || k.Minute != want.minute {
			t.Errorf("marker %d: %s at %d, want %s at %d", i, k.Kind, k.Minute, want.kind, want.minute)
		}
	}
	if l := m.Markers[1].Label(); l != "14:02  pause — by ayu: bots" {
		t.Errorf("label %q", l)
	}

	// A sale with nothing yet still has an axis.
	empty := Build(Input{History: engine.SaleHistory{ID: "e", Start: start, End: start}})
	if empty.Minutes != 1 || len(empty.Sold) != 1 {
		t.Errorf("an empty sale: %d minutes", empty.Minutes)
	}
}
