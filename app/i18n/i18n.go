// Package i18n bundles flashdeck's translations (English and Bahasa
// Indonesia) and picks the language: from --lang when given, else from the
// system locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE). Strings are looked
// up with Fyne's lang package (lang.L, lang.X, lang.N), which needs no
// display, so the report and the command line use it too.
//
// Convention for texts with figures: the format string itself is the key
// and is translated first, then filled by fmt: fmt.Sprintf(lang.L("%s
// sold"), n). The key is the English text, so a missing translation shows
// English, never a bare key; a test checks every key of the sources is in
// both files.
package i18n

import (
	"embed"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
	"unicode"

	"fyne.io/fyne/v2/lang"

	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/text"
)

//go:embed translations
var translations embed.FS

// Languages are the languages that ship, as --lang takes them.
var Languages = []string{"en", "id"}

var (
	mu      sync.Mutex
	added   bool
	current = "en"
)

// Setup loads the translations and makes want ("en", "id", or "" for the
// system's: Indonesian when its locale is, else English) the language of
// every later lookup, Fyne's own texts included (translations/fyne.id.json),
// and of app/format's numbers and dates. It returns the language picked.
func Setup(want string) (string, error) {
	want = strings.ToLower(strings.TrimSpace(want))
	if want != "" && !supported(want) {
		return "", fmt.Errorf("language %q: flashdeck speaks %s", want, strings.Join(Languages, ", "))
	}
	mu.Lock()
	defer mu.Unlock()
	if want == "" {
		// A system in another language Fyne knows (French, say) would
		// otherwise get Fyne's French beside flashdeck's English, and an
		// error logged for every text flashdeck has not in French.
		want = "en"
		if systemIsIndonesian() {
			want = "id"
		}
	}
	// Fyne's lang reads the locale from the environment each time
	// translations are added; there is no other way to force one. LC_ALL
	// wins over LC_MESSAGES, LANG and LANGUAGE.
	if err := os.Setenv("LC_ALL", want); err != nil {
		return "", fmt.Errorf("language %q: %w", want, err)
	}
	var err error
	if !added {
		err = lang.AddTranslationsFS(translations, "translations")
		added = true
	} else {
		// Re-adding the same file re-reads the locale.
		var data []byte
		data, err = translations.ReadFile("translations/en.json")
		if err == nil {
			err = lang.AddTranslationsForLocale(data, "en")
		}
	}
	if err != nil {
		return "", fmt.Errorf("translations: %w", err)
	}
	current = want
	format.SetLanguage(current)
	return current, nil
}

// Current is the language Setup picked ("en" before Setup).
func Current() string {
	mu.Lock()
	defer mu.Unlock()
	return current
}

func supported(l string) bool {
	for _, s := range Languages {
		if s == l {
			return true
		}
	}
	return false
}

func systemIsIndonesian() bool {
	return strings.HasPrefix(string(lang.SystemLocale()), "id")
}

// Text writes a sentence the domain recorded (app/text) in the desktop's
// language. fallback, the English words recorded beside it, is shown for a
// record older than texts (no key) or one whose text is damaged.
func Text(t text.Text, fallback string) string {
	if t.Empty() || !t.Valid() {
		return fallback
	}
	return t.In(desktop{})
}

// desktop writes texts in the language Setup picked.
type desktop struct{}

func (desktop) Translate(key string) string {
	if !HasWords(key) {
		// "%s", "%s (%s)": punctuation, not a text to look up.
		return key
	}
	// A translation with other verbs than its key is not used (text.In).
	return lang.L(key)
}

func (desktop) Count(n int64) string     { return format.Int(n, thousandsSep()) }
func (desktop) Decimal(f float64) string { return format.Decimal(f, "") }
func (desktop) Time(t time.Time, layout string) string {
	return format.Layout(t, layout)
}
func (desktop) And() string { return lang.L(" and ") }

// thousandsSep is the language's: "." in Indonesian, "," in English.
func thousandsSep() string {
	if format.Language() == "id" {
		return "."
	}
	return ","
}

// HasWords reports whether a key has words besides its verbs: "%s (%s)"
// has none, and is never looked up.
func HasWords(key string) bool {
	return strings.ContainsFunc(strings.NewReplacer("%s", "", "%d", "", "%%", "").Replace(key), unicode.IsLetter)
}
