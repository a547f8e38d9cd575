// Package jsonx decodes the loosely typed numbers channels send: Lazada sends
// "countTotal":"500" in one answer and 500 in the next, prices as "106.00".
package jsonx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/flashdeck/flashdeck/datasources"
)

// Int decodes a JSON number or a string holding one ("500", "", null → 0).
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	s, err := scalar(b)
	if err != nil || s == "" {
		*n = 0
		return err
	}
	*n, err = parseInt(s)
	return err
}

// parseInt reads an integer, also written as a float with nothing after
// the point ("500.0", "5e2").
func parseInt(s string) (Int, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
			return 0, fmt.Errorf("not an integer: %q", s)
		}
		v = int64(f)
	}
	return Int(v), nil
}

// String decodes a JSON string or number into a string: ids arrive as
// 19-digit numbers that float64 would corrupt, so numbers keep their digits.
type String string

// UnmarshalJSON implements json.Unmarshaler.
func (s *String) UnmarshalJSON(b []byte) error {
	v, err := scalar(b)
	*s = String(v)
	return err
}

// Money decodes a price given as a number or string ("106.00", 106, "1,999,000.50")
// into hundredths, exactly (no float rounding).
type Money datasources.Money

// UnmarshalJSON implements json.Unmarshaler.
func (m *Money) UnmarshalJSON(b []byte) error {
	s, err := scalar(b)
	if err != nil || s == "" {
		*m = 0
		return err
	}
	v, err := ParseMoney(s)
	*m = Money(v)
	return err
}

// ParseMoney parses a decimal amount into hundredths, exactly.
func ParseMoney(s string) (datasources.Money, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, nil
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, fmt.Errorf("not an amount: %q", s)
	}
	if whole == "" {
		whole = "0"
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("not an amount: %q", s)
			}
		}
	}
	if len(frac) > 2 {
		// Sub-cent digits: round half up on the third digit.
		up := frac[2] >= '5'
		frac = frac[:2]
		if up {
			w, f, err := centsOf(whole, frac)
			if err != nil {
				return 0, err
			}
			v := w*100 + f + 1
			if neg {
				v = -v
			}
			return datasources.Money(v), nil
		}
	}
	w, f, err := centsOf(whole, frac)
	if err != nil {
		return 0, err
	}
	v := w*100 + f
	if neg {
		v = -v
	}
	return datasources.Money(v), nil
}

func centsOf(whole, frac string) (int64, int64, error) {
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/100-1 {
		return 0, 0, fmt.Errorf("amount out of range: %q", whole)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w, f, nil
}

// scalar returns the text of a JSON string, number, or "" for null.
func scalar(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return "", nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	}
	if b[0] == '-' || (b[0] >= '0' && b[0] <= '9') {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return "", err
		}
		return n.String(), nil
	}
	return "", fmt.Errorf("expected a number or string, got %s", truncate(b))
}

func truncate(b []byte) string {
	if len(b) > 20 {
		return string(b[:20]) + "…"
	}
	return string(b)
}
