package actions

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
)

func TestDesktopUser(t *testing.T) {
	users := []config.User{{Name: "ayu", Role: config.RoleOperator}, {Name: "wall", Role: config.RoleViewer}}
	cases := []struct {
		users []config.User
		name  string
		want  User
	}{
		{nil, "budi", User{"budi", config.RoleOperator}},
		{users, "ayu", User{"ayu", config.RoleOperator}},
		{users, "wall", User{"wall", config.RoleViewer}},
		{users, "budi", User{"budi", config.RoleViewer}},
	}
	for _, c := range cases {
		if got := DesktopUser(c.users, c.name); got != c.want {
			t.Errorf("DesktopUser(%v, %q) = %+v, want %+v", c.users, c.name, got, c.want)
		}
	}
}

func TestStatus(t *testing.T) {
	cases := []struct {
		rs   []ChannelResult
		want Result
	}{
		{[]ChannelResult{{Result: Applied}, {Result: Pending}}, Pending},
		{[]ChannelResult{{Result: Applied}, {Result: Failed}, {Result: Unknown}}, Failed},
		{[]ChannelResult{{Result: Applied}, {Result: Unknown}}, Unknown},
		{[]ChannelResult{{Result: Applied}, {Result: Manual}}, Manual},
		{[]ChannelResult{{Result: Applied}, {Result: Manual, ConfirmedBy: "ayu"}}, Applied},
	}
	for _, c := range cases {
		a := Action{Results: c.rs}
		if got := a.Status(); got != c.want {
			t.Errorf("%+v: %s, want %s", c.rs, got, c.want)
		}
	}
}

func TestSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Hour: "1 h", 90 * time.Minute: "1 h 30 min", 45 * time.Minute: "45 min"} {
		if got := span(d).String(); got != want {
			t.Errorf("span(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestCSVCell: what a spreadsheet would run or a terminal obey is defused
// (OWASP CSV injection: a leading = + - @ tab or carriage return gets an
// apostrophe; NUL and the other control characters but tab, line feed
// and carriage return are dropped); anything else is left as written.
func TestCSVCell(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain", "bots on 0812", "bots on 0812"},
		{"empty", "", ""},
		{"formula", `=HYPERLINK("http://x","click")`, `'=HYPERLINK("http://x","click")`},
		{"plus", "+62 812", "'+62 812"},
		{"minus", "-1", "'-1"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"leading tab", "\t=1+1", "'\t=1+1"},
		{"leading carriage return", "\r=1+1", "'\r=1+1"},
		{"leading line feed", "\nsecond line", "\nsecond line"},
		{"tab, line feed and carriage return inside", "a\tb\r\nc", "a\tb\r\nc"},
		{"NUL inside", "bo\x00ts", "bots"},
		{"NUL before a formula", "\x00=1+1", "'=1+1"},
		{"NULs only", "\x00\x00", ""},
		{"bell, escape and DEL", "a\x07b\x1b[31mc\x7f", "ab[31mc"},
		{"C1 control (CSI)", "a\u009b31mb", "a31mb"},
		{"vertical tab and form feed before a formula", "\v\f-2", "'-2"},
		{"not UTF-8", "a\xffb", "a\uFFFDb"},
		{"defused already", "'=1", "'=1"},
		{"apostrophe", "'quoted'", "'quoted'"},
		{"formula later in the cell", "a=1", "a=1"},
		{"Indonesian", "stok habis — dijual ulang", "stok habis — dijual ulang"},
		{"non-breaking space kept", "\u00a0=1", "\u00a0=1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := CSVCell(c.in)
			if got != c.want {
				t.Fatalf("CSVCell(%q) = %q, want %q", c.in, got, c.want)
			}
			if again := CSVCell(got); again != got {
				t.Fatalf("CSVCell(%q) = %q: not idempotent", got, again)
			}
		})
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	a := Action{ID: "A1", Kind: Pause, Sale: "s", User: "ayu", Reason: "=HYPERLINK(\"x\")", OrderID: "\t=cmd|' /C calc'!A0",
		Results: []ChannelResult{{Channel: "lazada-id", Result: Applied, Message: "\x00@SUM(1)"}, {Channel: "akulaku-id", Result: Manual}}}
	var b bytes.Buffer
	if err := WriteCSV(&b, []Action{a}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and one per channel", len(rows))
	}
	if got := rows[1][8]; got != "'=HYPERLINK(\"x\")" {
		t.Errorf("reason cell %q is not defused", got)
	}
	if got := rows[1][6]; got != "'\t=cmd|' /C calc'!A0" {
		t.Errorf("order cell %q is not defused", got)
	}
	if got := rows[1][12]; got != "'@SUM(1)" {
		t.Errorf("message cell %q is not defused", got)
	}
	if rows[2][9] != "akulaku-id" || rows[2][11] != "manual" {
		t.Errorf("second row %v", rows[2])
	}
}

// TestOrderIDIsChecked: cancel_order and review_order take an order id
// as a channel writes one (at most MaxOrderID bytes of printable text, no
// control or format character, no white space around it), channels named
// or not; anything else is refused naming order_id and the limit.
func TestOrderIDIsChecked(t *testing.T) {
	for _, c := range []struct {
		name, id string
		want     string // "" when taken
	}{
		{"Lazada's digits", "570113820018871", ""},
		{"Akulaku's 19 digits", "2500826813492626438", ""},
		{"the store's id with letters and dashes", "MI-ID-2026-000123", ""},
		{"a space inside", "order 12", ""},
		{"64 bytes", strings.Repeat("7", MaxOrderID), ""},
		{"65 bytes", strings.Repeat("7", MaxOrderID+1), "65 bytes long: an order id is at most 64 bytes"},
		{"a line break", "5001\nlevel=ERROR msg=forged", "does not print"},
		{"a carriage return", "5001\r", "does not print"},
		{"NUL", "5001\x00", "does not print (U+0000 at byte 4)"},
		{"a tab", "50\t01", "does not print"},
		{"an escape sequence", "5001\x1b[2J", "U+001B"},
		{"DEL", "5001\x7f", "U+007F"},
		{"a C1 control", "5001\u0085", "U+0085"},
		{"a bidirectional override", "5001\u202e1005", "U+202E"},
		{"a zero-width space", "50\u200b01", "U+200B"},
		{"not UTF-8", "5001\xff", "not UTF-8"},
		{"a space before", " 5001", "white space around it"},
		{"a space after", "5001 ", "white space around it"},
		{"blank", "   ", "required for"},
	} {
		for _, kind := range []Kind{ReviewOrder, CancelOrder} {
			for _, channels := range [][]string{nil, {"micom-id"}} {
				req := Request{Kind: kind, Sale: "s", Channels: channels, OrderID: c.id, Reason: "r", IdempotencyKey: "k"}
				err := req.check()
				var inv *InvalidError
				switch {
				case c.want == "" && err != nil:
					t.Errorf("%s, %s on %v: refused: %v", c.name, kind, channels, err)
				case c.want != "" && (!errors.As(err, &inv) || inv.Field != "order_id" || !strings.Contains(inv.Message, c.want)):
					t.Errorf("%s, %s on %v: %v, want order_id: …%s…", c.name, kind, channels, err, c.want)
				}
			}
		}
	}
}
