package ui

import (
	"encoding/json"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// words splits a text into its words of letters, lower case.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}

// translationWords reads a translation file's values as a set of words.
func translationWords(t *testing.T, l string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("../i18n/translations/" + l + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	for _, v := range m {
		for _, w := range words(v) {
			set[w] = true
		}
	}
	return set
}

// visibleTexts is every text drawn in o that is shown.
func visibleTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject, shown bool)
	walk = func(o fyne.CanvasObject, shown bool) {
		shown = shown && o.Visible()
		if !shown {
			return
		}
		if tx, ok := o.(*canvas.Text); ok && strings.TrimSpace(tx.Text) != "" {
			out = append(out, tx.Text)
		}
		switch c := o.(type) {
		case *fyne.Container:
			for _, ch := range c.Objects {
				walk(ch, shown)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(c).Objects() {
				walk(ch, shown)
			}
		}
	}
	walk(o, true)
	return out
}

// The desktop in Bahasa Indonesia on the demo: no tab shows an English
// word of the translations (a word of en.json that id.json does not use
// too), the names of the demo's sale, channels and products aside.
func TestDashboardInIndonesian(t *testing.T) {
	if _, err := i18n.Setup("id"); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = i18n.Setup("en"); format.SetLanguage("") }()
	r := demotest.Start(t, demotest.Options{Into: 3 * time.Minute})
	eng := r.Collector.Engine
	testwait.Until(t, 30*time.Second, func() string {
		if s := eng.Snapshot(); len(s.Sales) == 0 || s.Sales[0].Sold == 0 {
			return "the demo has sold nothing yet"
		}
		return ""
	})
	snap := eng.Snapshot()

	english := translationWords(t, "en")
	for w := range translationWords(t, "id") {
		delete(english, w) // shared words: SKU, OK, flashdeck, listing…
	}
	names := map[string]bool{}
	for _, s := range snap.Sales {
		for _, w := range words(s.Name + " " + s.ID) {
			names[w] = true
		}
	}
	for _, c := range snap.Channels {
		for _, w := range words(c.Name + " " + c.ID + " " + c.Kind) {
			names[w] = true
		}
	}
	for _, s := range r.Collector.Config.Sales {
		for _, k := range s.SKUs {
			for _, w := range words(k.SKU + " " + k.Name) {
				names[w] = true
			}
		}
	}

	test.NewTempApp(t)
	d := NewDashboard(snap)
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1400, 900))
	found := map[string][]string{}
	for i, name := range tabNames {
		d.SelectTab(name)
		if d.tabs.SelectedIndex() != i {
			t.Fatalf("tab %q did not open", name)
		}
		d.Apply(eng.Snapshot())
		var texts []string
		texts = append(texts, visibleTexts(w.Canvas().Content())...)
		for _, it := range d.tabs.Items {
			texts = append(texts, it.Text)
		}
		for _, tx := range texts {
			for _, wd := range words(tx) {
				if len(wd) > 2 && english[wd] && !names[wd] {
					found[name] = append(found[name], wd+" in "+strconv.Quote(tx))
				}
			}
		}
	}
	for tab, ws := range found {
		sort.Strings(ws)
		t.Errorf("tab %s shows English: %s", tab, strings.Join(ws, "; "))
	}
}
