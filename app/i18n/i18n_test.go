package i18n

import (
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/flashdeck/flashdeck/app/format"
)

func TestSetup(t *testing.T) {
	defer func() { _, _ = Setup("en"); format.SetLanguage("") }()
	cases := []struct {
		want, pause, sold, quit string
	}{
		{"id", "Jeda", "1.234", "Keluar"},
		{"en", "Pause", "1,234", "Quit"},
		{"id", "Jeda", "1.234", "Keluar"},
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
		// Fyne's own texts (its menus, dialogs) follow too.
		if q := lang.L("Quit"); q != c.quit {
			t.Errorf("%s: Fyne's Quit is %q, want %q", c.want, q, c.quit)
		}
		if s := format.Count(1234, "MYR"); s != c.sold {
			t.Errorf("%s: 1234 is written %q, want %q", c.want, s, c.sold)
		}
	}
	if _, err := Setup("fr"); err == nil {
		t.Error("Setup(fr) took a language flashdeck does not ship")
	}
}

// Without --lang the system locale decides: Indonesian when it is, else
// English, even in a language Fyne itself speaks.
func TestSetupFromTheSystem(t *testing.T) {
	defer func() { _, _ = Setup("en"); format.SetLanguage("") }()
	for _, c := range []struct{ locale, want string }{
		{"id_ID.UTF-8", "id"},
		{"fr_FR.UTF-8", "en"},
		{"en_SG.UTF-8", "en"},
		{"id", "id"},
	} {
		t.Setenv("LC_ALL", c.locale)
		got, err := Setup("")
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("locale %s: picked %q, want %q", c.locale, got, c.want)
		}
	}
}
