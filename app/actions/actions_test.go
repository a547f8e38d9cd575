package actions

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
)

func TestDesktopUser(t *testing.T) {
	users := []config.User{{Name: "ayu", Role: RoleOperator}, {Name: "wall", Role: RoleViewer}}
	cases := []struct {
		users []config.User
		name  string
		want  User
	}{
		{nil, "budi", User{"budi", RoleOperator}},
		{users, "ayu", User{"ayu", RoleOperator}},
		{users, "wall", User{"wall", RoleViewer}},
		{users, "budi", User{"budi", RoleViewer}},
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
		if got := span(d); got != want {
			t.Errorf("span(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	a := Action{ID: "A1", Kind: Pause, Sale: "s", User: "ayu", Reason: "=HYPERLINK(\"x\")",
		Results: []ChannelResult{{Channel: "lazada-id", Result: Applied}, {Channel: "akulaku-id", Result: Manual}}}
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
	if rows[2][9] != "akulaku-id" || rows[2][11] != "manual" {
		t.Errorf("second row %v", rows[2])
	}
}
