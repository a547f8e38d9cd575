package engine

import (
	"bytes"
	"testing"
	"time"
)

// The age past which figures count as old is decided in the snapshot, for
// the channel and every figure behind it, so that screens only read it.
func TestOldAfterThreePolls(t *testing.T) {
	cases := []struct {
		name string
		ago  time.Duration // since the last success; 0: never read
		want bool
	}{
		{"never read is not old: there is nothing to age", 0, false},
		{"one poll ago", 15 * time.Second, false},
		{"just under three polls", 3*15*time.Second - 2*time.Second, false},
		{"past three polls", 3*15*time.Second + time.Second, true},
		{"an hour ago", time.Hour, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, ch := testEngine(t, saleStart.Add(5*time.Minute))
			if tc.ago > 0 {
				ch.lastSuccess = time.Now().Add(-tc.ago)
			}
			s := e.build()
			got := map[string]bool{
				"channel":         s.Channels[0].Old,
				"sale":            s.Sales[0].Old,
				"sale on channel": s.Sales[0].Channels[0].Old,
				"SKU":             s.Sales[0].SKUs[0].Old,
				"cell":            s.Sales[0].SKUs[0].Channels[0].Old,
			}
			for what, old := range got {
				if old != tc.want {
					t.Errorf("%s: old = %v, want %v", what, old, tc.want)
				}
			}
			b, _, err := s.Encode()
			if err != nil {
				t.Fatal(err)
			}
			// A new field only, absent when false: older clients read
			// the same document as before.
			if n := bytes.Count(b, []byte(`"old":true`)); (n > 0) != tc.want {
				t.Errorf(`"old":true appears %d times in the JSON`, n)
			}
			if bytes.Contains(b, []byte(`"old":false`)) {
				t.Error(`"old":false written: the field must be left out when false`)
			}
		})
	}
}

// A snapshot shown later than it was taken (a desktop's last one while its
// collector is lost) is marked again at its new wall time.
func TestMarkOldReDatesASnapshot(t *testing.T) {
	e, ch := testEngine(t, saleStart.Add(5*time.Minute))
	ch.lastSuccess = time.Now().Add(-time.Second)
	s := e.build()
	if s.Channels[0].Old || s.Sales[0].Old {
		t.Fatal("fresh figures marked old")
	}
	s.Wall = s.Wall.Add(time.Minute)
	s.MarkOld()
	k := s.Sales[0].SKUs[1]
	if !s.Channels[0].Old || !s.Sales[0].Old || !s.Sales[0].Channels[0].Old || !k.Old || !k.Channels[0].Old {
		t.Errorf("a minute later (polls every 15 s) not all old: channel %v sale %v sale channel %v SKU %v cell %v",
			s.Channels[0].Old, s.Sales[0].Old, s.Sales[0].Channels[0].Old, k.Old, k.Channels[0].Old)
	}
}
