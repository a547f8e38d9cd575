package jsonx

import (
	"encoding/json"
	"testing"

	"github.com/flashdeck/flashdeck/datasources"
)

func TestDecodeStringOrNumber(t *testing.T) {
	var v struct {
		N  Int    `json:"n"`
		ID String `json:"id"`
		P  Money  `json:"p"`
	}
	cases := []struct {
		in   string
		n    int64
		id   string
		p    datasources.Money
		fail bool
	}{
		{`{"n":"500","id":"1234567890123456789","p":"106.00"}`, 500, "1234567890123456789", 10600, false},
		{`{"n":500,"id":1234567890123456789,"p":106}`, 500, "1234567890123456789", 10600, false},
		{`{"n":"","id":null,"p":null}`, 0, "", 0, false},
		{`{"n":"5e2","p":"1,999,000.50"}`, 500, "", 199900050, false},
		{`{"p":"0.125"}`, 0, "", 13, false},
		{`{"n":"abc"}`, 0, "", 0, true},
		{`{"n":1.5}`, 0, "", 0, true},
		{`{"p":"1O6.00"}`, 0, "", 0, true},
		{`{"n":true}`, 0, "", 0, true},
		{`{"n":{}}`, 0, "", 0, true},
	}
	for _, c := range cases {
		v.N, v.ID, v.P = 0, "", 0
		err := json.Unmarshal([]byte(c.in), &v)
		if c.fail {
			if err == nil {
				t.Errorf("%s: no error", c.in)
			}
			continue
		}
		if err != nil || int64(v.N) != c.n || string(v.ID) != c.id || datasources.Money(v.P) != c.p {
			t.Errorf("%s: got %d %q %d %v", c.in, v.N, v.ID, v.P, err)
		}
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"106.00", "1,999,000", "-5.5", "0.125", ".5", "", "9999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		// Whatever parses must be stable through its own decimal form.
		neg := m < 0
		a := int64(m)
		if neg {
			a = -a
		}
		s2 := itoa(a/100) + "." + pad2(a%100)
		if neg {
			s2 = "-" + s2
		}
		m2, err := ParseMoney(s2)
		if err != nil || m2 != m {
			t.Fatalf("%q → %d → %q → %d, %v", s, m, s2, m2, err)
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
func pad2(n int64) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}
