package i18n

import (
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/flashdeck/flashdeck/app/format"
)

func TestSetup(t *testing.T) {
	defer func() { _, _ = Setup("en"); format.SetLanguage("") }()
	cases := []struct {
		want, pause, sold string
	}{
		{"id", "Jeda", "1.234"},
		{"en", "Pause", "1,234"},
		{"id", "Jeda", "1.234"},
	}
	for _, c := range cases {
		got, err := Setup(c.want)
		if err != nil {
			t.Fatalf("Setup(%q): %v", c.want, err)
		}
		if got != c.want || Current() != c.want {
			t.Errorf("Setup(%q) picked %q (Current %q)", c.want, got, Current())
		}
		if p := lang.L("Pause"); p != c.pause {
			t.Errorf("%s: Pause is %q, want %q", c.want, p, c.pause)
		}
		if s := format.Count(1234, "MYR"); s != c.sold {
			t.Errorf("%s: 1234 is written %q, want %q", c.want, s, c.sold)
		}
	}
	if _, err := Setup("fr"); err == nil {
		t.Error("Setup(fr) took a language flashdeck does not ship")
	}
}
