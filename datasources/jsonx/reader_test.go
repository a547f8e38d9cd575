package jsonx

import (
	"encoding/json"
	"testing"

	"github.com/flashdeck/flashdeck/datasources"
)

// TestReaderFields reads the loose types through a Reader as their
// UnmarshalJSON reads them, and refuses what encoding/json refuses.
func TestReaderFields(t *testing.T) {
	cases := []struct {
		in   string
		n    int64
		id   string
		p    datasources.Money
		s    string
		fail bool
	}{
		{`{"n":"500","id":"1234567890123456789","p":"106.00","s":"a b "}`, 500, "1234567890123456789", 10600, "a b ", false},
		{`{"n":500,"id":1234567890123456789,"p":106,"x":{"y":[1,true,null,"\u00e9"]}}`, 500, "1234567890123456789", 10600, "", false},
		{` {"n":"","id":null,"p":null,"s":null} `, 0, "", 0, "", false},
		{`{"n":"5e2","p":"1,999,000.50","id":" 7 ","s":"caf\u00e9\n"}`, 500, "7", 199900050, "café\n", false},
		{`null`, 0, "", 0, "", false},
		{`{"n":"abc"}`, 0, "", 0, "", true},
		{`{"n":1.5}`, 0, "", 0, "", true},
		{`{"n":true}`, 0, "", 0, "", true},
		{`{"s":1}`, 0, "", 0, "", true},
		{`{"n":01}`, 0, "", 0, "", true},
		{`{"n":1,}`, 0, "", 0, "", true},
		{`{"n":1} {}`, 0, "", 0, "", true},
		{`{"n":1}` + "\x00", 0, "", 0, "", true},
		{`{"s":"a` + "\x01" + `"}`, 0, "", 0, "", true},
		{`{"s":"\x"}`, 0, "", 0, "", true},
		{`{"N":1}`, 0, "", 0, "", false}, // not a key of ours: skipped
		{`{"n\u0041":1}`, 0, "", 0, "", true},
		{`[1]`, 0, "", 0, "", true},
		{``, 0, "", 0, "", true},
	}
	for _, c := range cases {
		var n Int
		var id String
		var p Money
		var s string
		r := NewReader([]byte(c.in))
		for k := range r.Fields {
			switch string(k) {
			case "n":
				n = r.Int()
			case "id":
				id = r.String()
			case "p":
				p = r.Money()
			case "s":
				if v, null := r.Text(); !null {
					s = v
				}
			default:
				r.Skip()
			}
		}
		err := r.End()
		if c.fail {
			if err == nil {
				t.Errorf("%s: no error", c.in)
			}
			continue
		}
		if err != nil || int64(n) != c.n || string(id) != c.id || datasources.Money(p) != c.p || s != c.s {
			t.Errorf("%s: n=%d id=%q p=%d s=%q err=%v", c.in, n, id, p, s, err)
		}
	}
}

// FuzzReaderSkip checks the reader's grammar against encoding/json's: it
// reads a text whole exactly when encoding/json calls it valid.
func FuzzReaderSkip(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e+3,"x\u00e9\n",true,false,null,{}]}`, `[]`, `"\ud800"`, `0`, `-0.0E-0`, `{"a":1,}`, `[01]`, "\"\xff\"", `{"\u0041":1}`, ` 1 `, `[[[]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(b)
		r.Skip()
		err := r.End()
		if valid := json.Valid(b); valid != (err == nil) {
			t.Fatalf("%q: encoding/json valid %v, reader error %v", b, valid, err)
		}
	})
}
