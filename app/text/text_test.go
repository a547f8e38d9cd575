package text

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// upper is a made-up second language: keys upper-cased, counts in
// brackets, "&" between the last two names, days and months as numbers.
type upper struct{}

func (upper) Translate(key string) string {
	return strings.ReplaceAll(strings.ToUpper(key), "%S", "%s")
}
func (upper) Count(n int64) string     { return "[" + English.Count(n) + "]" }
func (upper) Decimal(f float64) string { return strings.Replace(English.Decimal(f), ".", ",", 1) }
func (upper) Time(t time.Time, layout string) string {
	return t.Format(strings.NewReplacer("Mon ", "", "Jan", "01").Replace(layout))
}
func (upper) And() string { return " & " }

func TestRender(t *testing.T) {
	at := time.Date(2026, 12, 7, 17, 30, 0, 0, time.UTC)
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	cases := []struct {
		name          string
		in            Text
		english, tran string
	}{
		{"plain", New("the sale is paused there"), "the sale is paused there", "THE SALE IS PAUSED THERE"},
		{"count and name", New("%s units in order %s", 1234, "L-9"), "1234 units in order L-9", "[1234] UNITS IN ORDER L-9"},
		{"decimal", New("placed %s s after", 2.25), "placed 2.2 s after", "PLACED 2,2 S AFTER"},
		{"nested", New("read back: %s", New("%s at 0 sellable", New("%s SKUs", 10))), "read back: 10 SKUs at 0 sellable", "READ BACK: [10] SKUS AT 0 SELLABLE"},
		{"list", New("Pause %s on %s", "POCO", []string{"Lazada ID", "Akulaku ID", "mi.com ID"}), "Pause POCO on Lazada ID, Akulaku ID and mi.com ID", "PAUSE POCO ON Lazada ID, Akulaku ID & mi.com ID"},
		{"one name", New("on %s", []string{"Lazada ID"}), "on Lazada ID", "ON Lazada ID"},
		{"time in its zone", New("ends at %s", Time(at, jakarta, "Mon 2 Jan 15:04 MST")), "ends at Tue 8 Dec 00:30 WIB", "ENDS AT 8 12 00:30 WIB"},
		{"joined", Join([]Text{New("a %s", 1), New("b")}, "; "), "a 1; b", "A [1]; B"},
		{"join of one", Join([]Text{New("b")}, "; "), "b", "B"},
		{"percent kept", New("100%% of %s", 5), "100% of 5", "100% OF [5]"},
		{"empty", Text{}, "", ""},
		{"any other type", New("%s", time.Duration(90*time.Second)), "1m30s", "1m30s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.in.String(); got != c.english {
				t.Errorf("English %q, want %q", got, c.english)
			}
			if got := c.in.In(upper{}); got != c.tran {
				t.Errorf("translated %q, want %q", got, c.tran)
			}
			// What the database and the API carry reads back the same.
			b, err := json.Marshal(c.in)
			if err != nil {
				t.Fatal(err)
			}
			var back Text
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if got := back.In(upper{}); got != c.tran {
				t.Errorf("after JSON %s: %q, want %q", b, got, c.tran)
			}
		})
	}
}

// A translation whose verbs differ from its key's would print fmt's
// complaints: the key is used instead.
type broken struct{ upper }

func (broken) Translate(key string) string { return "%d " + key }

func TestTranslationWithOtherVerbs(t *testing.T) {
	if got, want := New("%s units", 3).In(broken{}), "[3] units"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestValid(t *testing.T) {
	cases := []struct {
		in   Text
		want bool
	}{
		{New("%s of %s", 1, 2), true},
		{New("100%% done"), true},
		{Text{Key: "%s of %s", Args: []Arg{{S: "1"}}}, false},          // an argument lost
		{Text{Key: "%d units", Args: []Arg{{S: "1"}}}, false},          // a verb fmt would complain of
		{Text{Key: "cut at %", Args: nil}, false},                      // a verb cut off
		{Text{Key: "a %s", Args: []Arg{{T: &Text{Key: "%s"}}}}, false}, // damaged inside
		{Text{}, true},
	}
	for _, c := range cases {
		if got := c.in.Valid(); got != c.want {
			t.Errorf("%+v: Valid %v, want %v", c.in, got, c.want)
		}
	}
}

// FuzzRender: a text read back from a damaged record never panics, and
// one that is Valid renders without fmt's complaints.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		`{"key":"%s of %s","args":[{"n":1},{"t":{"key":"%s SKUs","args":[{"n":2}]}}]}`,
		`{"key":"ends %s","args":[{"at":"2026-12-07T17:00:00Z","zone":"Asia/Jakarta","layout":"15:04"}]}`,
		`{"key":"%s","args":[{"parts":[{"key":"a"},{"key":"b"}],"sep":"; "}]}`,
		`{"key":"on %s","args":[{"list":["A","B"]}]}`,
		`{"key":"%d %x %","args":[{}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var x Text
		if json.Unmarshal(b, &x) != nil {
			return
		}
		s := x.In(upper{})
		if x.Valid() && strings.Contains(s, "%!") {
			t.Fatalf("valid text %s rendered %q", b, s)
		}
	})
}
