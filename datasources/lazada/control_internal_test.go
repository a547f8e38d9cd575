package lazada

import (
	"testing"
	"time"
)

func TestChooseReason(t *testing.T) {
	documented := []cancelOption{
		{ID: "10000019", Name: "Sourcing Delay"},
		{ID: "10000021", Name: "Out of Stock"},
		{ID: "10000023", Name: "Wrong Price or Pricing Error"},
		{ID: "10000031", Name: "Customer Requested"},
	}
	for _, tc := range []struct {
		name      string
		opts      []cancelOption
		preferred string
		want      string
		ok        bool
	}{
		{"first harmless", documented, "", "10000019", true},
		{"configured and offered", documented, "10000031", "10000031", true},
		{"configured but not offered", documented, "42", "10000019", true},
		{"configured zeroes the stock", documented, "10000023", "10000019", true},
		{"only harmful by id", []cancelOption{{ID: "10000021", Name: "Habis"}, {ID: "10000023"}}, "", "", false},
		{"only harmful by name", []cancelOption{{ID: "7", Name: "OUT-OF-STOCK"}, {ID: "8", Name: "Incorrect pricing"}}, "", "", false},
		{"no id", []cancelOption{{Name: "Sourcing Delay"}}, "", "", false},
		{"nothing offered", nil, "10000019", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := chooseReason(tc.opts, tc.preferred)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("chose %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestCeilMinute: Lazada keeps sale times to the minute, so an end asked
// for between minutes is the next whole minute, never an earlier one.
func TestCeilMinute(t *testing.T) {
	at := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ in, want time.Time }{
		{at, at},
		{at.Add(time.Nanosecond), at.Add(time.Minute)},
		{at.Add(time.Second), at.Add(time.Minute)},
		{at.Add(59*time.Second + 999*time.Millisecond), at.Add(time.Minute)},
		{at.Add(time.Minute), at.Add(time.Minute)},
		// In a zone whose offset is not whole minutes from UTC the
		// minute is still UTC's (Truncate works on absolute time), which
		// for every Lazada market (UTC+7, UTC+8) is the local minute.
		{time.Date(2026, 11, 23, 21, 30, 1, 0, time.FixedZone("UTC+7", 7*3600)), time.Date(2026, 11, 23, 21, 31, 0, 0, time.FixedZone("UTC+7", 7*3600))},
	} {
		if got := CeilMinute(tc.in); !got.Equal(tc.want) {
			t.Errorf("CeilMinute(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestItemIDList(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{[]string{"400000000000001", "12"}, "[400000000000001,12]"},
		{[]string{"a\"b", "7"}, `["a\"b",7]`},
	} {
		if got := itemIDList(tc.ids); got != tc.want {
			t.Errorf("itemIDList(%q) = %s, want %s", tc.ids, got, tc.want)
		}
	}
}
