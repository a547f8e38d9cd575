package ui

import (
	"context"
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

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/app/text"
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
	// English again only once the demo's collector has stopped (cleanups
	// run last first): its attention list looks texts up meanwhile, and
	// Fyne's lang is not safe to set up while it is read.
	t.Cleanup(func() { _, _ = i18n.Setup("en"); format.SetLanguage("") })
	r := demotest.Start(t, demotest.Options{Into: 3 * time.Minute})
	eng := r.Collector.Engine
	testwait.Until(t, 30*time.Second, func() string {
		if s := eng.Snapshot(); len(s.Sales) == 0 || s.Sales[0].Sold == 0 {
			return "the demo has sold nothing yet"
		}
		return ""
	})
	snap := eng.Snapshot()

	// Words both languages use: names, loan words, what a command line
	// takes. A word of en.json found in id.json and not listed here is an
	// English text left untranslated.
	shared := map[string]bool{}
	for _, w := range strings.Fields(`api audit bot check collector config csv d data demo desktop f file
		flash flashdeck healthz id listing manual mode ok operator oversell per png report s sale sku skus
		snapshot status tab unit users v yaml`) {
		shared[w] = true
	}
	english := translationWords(t, "en")
	for w := range translationWords(t, "id") {
		if english[w] && !shared[w] {
			t.Errorf("id.json uses the English word %q: a text left untranslated?", w)
		}
		delete(english, w)
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

	// The buyers' masked ids are the channels' data, as the names are:
	// texts that are one of them (cut short on screen) are not read. The
	// rules' reasons, the actions' summaries and results are the domain's
	// texts (app/text) and must read in Indonesian like the rest.
	// One reading of the flags, for the screen and for this list: the
	// demo goes on flagging.
	flags := eng.Flags(snap.Sales[0].ID)
	maskedID := func(b text.Text) {
		for _, a := range b.Args {
			for _, w := range words(a.S) {
				names[w] = true
			}
		}
	}
	for _, f := range flags {
		maskedID(f.BuyerText)
		for _, e := range f.Evidence {
			maskedID(e.BuyerText)
		}
	}

	// A pause on every channel: an API result read back, and a manual
	// step (Akulaku has no API for it), for the Actions tab to show.
	ayu := actions.User{Name: "ayu", Role: config.RoleOperator}
	paused, err := r.Collector.Actions.Submit(context.Background(), ayu, actions.Request{
		Kind: actions.Pause, Sale: snap.Sales[0].ID, Reason: "bot di checkout", IdempotencyKey: "lang-test-pause"})
	if err != nil {
		t.Fatal(err)
	}
	if len(paused.Results) < 2 || paused.SummaryText.Empty() {
		t.Fatalf("the pause has %d results and summary text %+v: the test sees less than it should", len(paused.Results), paused.SummaryText)
	}

	test.NewTempApp(t)
	d := NewDashboard(snap)
	// An operator, so that the Actions tab shows its controls; a flagged
	// order picked, so that the Flagged tab shows its details.
	d.goRun = func(f func()) { f() }
	d.SetActions(r.Collector.Actions, actions.User{Name: "ayu", Role: config.RoleOperator})
	d.SetFlags(flags)
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1400, 900))
	found := map[string][]string{}
	look := func(view string) {
		var texts []string
		texts = append(texts, visibleTexts(w.Canvas().Content())...)
		for _, it := range d.tabs.Items {
			texts = append(texts, it.Text)
		}
		for _, tx := range texts {
			for _, wd := range words(tx) {
				if len(wd) > 2 && english[wd] && !names[wd] {
					found[view] = append(found[view], wd+" in "+strconv.Quote(tx))
				}
			}
		}
	}
	d.actions.show(paused)
	for i, name := range tabNames {
		d.SelectTab(name)
		if d.tabs.SelectedIndex() != i {
			t.Fatalf("tab %q did not open", name)
		}
		d.Apply(eng.Snapshot())
		look(name)
	}
	d.ToggleWall()
	d.Apply(eng.Snapshot())
	look("wall")
	if len(d.flagged.all) == 0 {
		t.Error("the demo flagged no order by now: the Flagged tab was looked at empty")
	}
	for tab, ws := range found {
		sort.Strings(ws)
		t.Errorf("tab %s shows English: %s", tab, strings.Join(ws, "; "))
	}
}
