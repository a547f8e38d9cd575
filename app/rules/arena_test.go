package rules

import "testing"

// TestArenaNumbers checks that ids kept inline as numbers read back
// exactly, and only ever equal themselves.
func TestArenaNumbers(t *testing.T) {
	cases := []struct {
		s      string
		inline bool
	}{
		{"0", true},
		{"7", true},
		{"400000000001", true},
		{"9223372036854775807", true},
		{"9223372036854775808", false}, // 2^63
		{"99999999999999999999", false},
		{"007", false},
		{"07", false},
		{"", false},
		{"-7", false},
		{"12a", false},
		{"MI-2026-0001", false},
	}
	var a arena
	refs := make([]strRef, len(cases))
	for i, tc := range cases {
		refs[i] = a.add(tc.s)
		if got := refs[i]&numericRef != 0; got != tc.inline {
			t.Errorf("%q kept inline: %v, want %v", tc.s, got, tc.inline)
		}
	}
	for i, tc := range cases {
		if got := a.get(refs[i]); got != tc.s {
			t.Errorf("%q reads back as %q", tc.s, got)
		}
		for j, other := range cases {
			if got := a.eq(refs[i], other.s); got != (i == j) {
				t.Errorf("%q equal to %q: %v", tc.s, other.s, got)
			}
		}
	}
}
