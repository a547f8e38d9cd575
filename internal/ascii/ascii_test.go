package ascii

import "testing"

func TestDigits(t *testing.T) {
	for s, want := range map[string]bool{"": false, "0": true, "5001": true, "12a": false, " 1": false, "١٢": false, "-1": false} {
		if got := Digits(s); got != want {
			t.Errorf("Digits(%q) = %v, want %v", s, got, want)
		}
	}
}
