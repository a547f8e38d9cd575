// Package ascii holds the small tests of ASCII text that several parsers of
// outside data share.
package ascii

// Digits reports whether s is one or more ASCII digits and nothing else.
func Digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
