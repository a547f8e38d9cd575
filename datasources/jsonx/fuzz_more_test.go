package jsonx

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/datasources"
)

// Fuzz targets for the loosely typed numbers, ids and prices channels send,
// through json.Unmarshal as the channel clients decode them. Seeds are in
// testdata/fuzz; run one with go test -fuzz=FuzzInt ./datasources/jsonx

// scalarText is what a JSON value says, read independently of scalar: the
// trimmed text of a string, the literal of a number, "" for null. ok is
// false for anything else (an object, an array, true).
func scalarText(b []byte) (text string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return "", false
	}
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return strings.TrimSpace(v), true
	case json.Number:
		return v.String(), true
	}
	return "", false
}

// FuzzInt: a count or quantity read as an Int is what its text says, and
// reads back the same written as a number or as a string.
func FuzzInt(f *testing.F) {
	for _, s := range []string{`500`, `"500"`, `""`, `null`, `" 42 "`, `5e2`, `"5e2"`, `1.5`, `-7`, `9223372036854775807`, `"9223372036854775808"`, `1e300`, `true`, `{}`, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n Int
		if err := json.Unmarshal(b, &n); err != nil {
			return
		}
		text, ok := scalarText(b)
		if !ok {
			t.Fatalf("%s is not a number, a string or null, yet read as %d", b, n)
		}
		if i, err := strconv.ParseInt(text, 10, 64); err == nil && int64(n) != i {
			t.Fatalf("%s read as %d, want %d", b, n, i)
		} else if err != nil && text != "" {
			fl, ferr := strconv.ParseFloat(text, 64)
			if ferr != nil || fl != math.Trunc(fl) || float64(n) != fl {
				t.Fatalf("%s (%q) read as %d", b, text, n)
			}
		}
		if text == "" && n != 0 {
			t.Fatalf("%s read as %d, want 0", b, n)
		}
		s := strconv.FormatInt(int64(n), 10)
		for _, back := range []string{s, strconv.Quote(s)} {
			var m Int
			if err := json.Unmarshal([]byte(back), &m); err != nil || m != n {
				t.Fatalf("%s → %d → %s → %d, %v", b, n, back, m, err)
			}
		}
	})
}

// FuzzString: an id read as a String keeps every digit of a number and the
// trimmed text of a string, and reads back the same.
func FuzzString(f *testing.F) {
	for _, s := range []string{`"12345678901234567"`, `12345678901234567890`, `" a b "`, `null`, `""`, `1e5`, `-0.5`, `"\u00e9\n"`, `true`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s String
		if err := json.Unmarshal(b, &s); err != nil {
			return
		}
		text, ok := scalarText(b)
		if !ok || string(s) != text {
			t.Fatalf("%s read as %q, want %q (%v)", b, s, text, ok)
		}
		back, err := json.Marshal(string(s))
		if err != nil {
			t.Fatal(err)
		}
		var s2 String
		if err := json.Unmarshal(back, &s2); err != nil || s2 != s {
			t.Fatalf("%s → %q → %s → %q, %v", b, s, back, s2, err)
		}
	})
}

// FuzzMoney: a price read as Money is ParseMoney of its text, and reads
// back the same written as a decimal number or string.
func FuzzMoney(f *testing.F) {
	for _, s := range []string{`"106.00"`, `106`, `"1,999,000.50"`, `"0.125"`, `null`, `""`, `-5.5`, `"-0.01"`, `1e3`, `"92233720368547758.07"`, `"1O6.00"`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Money
		if err := json.Unmarshal(b, &m); err != nil {
			return
		}
		text, ok := scalarText(b)
		if !ok {
			t.Fatalf("%s is not a number, a string or null, yet read as %d", b, m)
		}
		want, err := ParseMoney(text)
		if err != nil || datasources.Money(m) != want {
			t.Fatalf("%s read as %d, but ParseMoney(%q) = %d, %v", b, m, text, want, err)
		}
		dec := decimal(datasources.Money(m))
		for _, back := range []string{dec, strconv.Quote(dec)} {
			var m2 Money
			if err := json.Unmarshal([]byte(back), &m2); err != nil || m2 != m {
				t.Fatalf("%s → %d → %s → %d, %v", b, m, back, m2, err)
			}
		}
	})
}

// decimal writes hundredths as a decimal amount ("-1999000.05").
func decimal(m datasources.Money) string {
	sign := ""
	u := uint64(m)
	if m < 0 {
		sign, u = "-", uint64(-(m+1))+1
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + strconv.FormatUint(u/10%10, 10) + strconv.FormatUint(u%10, 10)
}
