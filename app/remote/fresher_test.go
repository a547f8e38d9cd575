package remote

import (
	"slices"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
)

// An audit read that began while an action was under way must not undo
// the final state the action's own answer put in meanwhile.
func TestAuditReadKeepsTheFresherState(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	act := func(id string, created, updated int, result actions.Result) actions.Action {
		return actions.Action{ID: id, CreatedAt: t0.Add(time.Duration(created) * time.Second), UpdatedAt: t0.Add(time.Duration(updated) * time.Second),
			Results: []actions.ChannelResult{{Channel: "lazada-id", Result: result}}}
	}
	cases := []struct {
		name       string
		read, held []actions.Action
		want       []string // id:result, newest first
	}{
		{"stale read loses to the answer", []actions.Action{act("A2", 5, 6, actions.Pending), act("A1", 1, 2, actions.Applied)},
			[]actions.Action{act("A2", 5, 9, actions.Applied)}, []string{"A2:applied", "A1:applied"}},
		{"newer read wins", []actions.Action{act("A2", 5, 9, actions.Failed)},
			[]actions.Action{act("A2", 5, 6, actions.Pending)}, []string{"A2:failed"}},
		{"action created after the read began is kept", []actions.Action{act("A1", 1, 2, actions.Applied)},
			[]actions.Action{act("A3", 7, 8, actions.Applied), act("A1", 1, 2, actions.Applied)}, []string{"A3:applied", "A1:applied"}},
		{"one older than the read's window is dropped", []actions.Action{act("A5", 10, 11, actions.Applied)},
			[]actions.Action{act("A0", 0, 1, actions.Applied)}, []string{"A5:applied"}},
		{"empty read keeps what was held", nil, []actions.Action{act("A1", 1, 2, actions.Manual)}, []string{"A1:manual"}},
	}
	for _, c := range cases {
		var got []string
		for _, a := range fresher(c.read, c.held) {
			got = append(got, a.ID+":"+string(a.Results[0].Result))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
