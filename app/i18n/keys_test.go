package i18n

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sources are the packages whose texts are translated, relative to this
// package, and the report's template: the screens' own texts (lang.L), and
// the sentences the domain records for them (text.New).
var (
	sourceDirs = []string{"../ui", "../report", "../attention", "../alerts", ".", "../actions", "../rules", "../check"}
	templates  = []string{"../report/report.html.tmpl"}
)

// templateKey finds {{t "…"}} and (t "…") in a template.
var templateKey = regexp.MustCompile(`\bt ("(?:[^"\\]|\\.)*")`)

// sourceKeys reads every literal key of the sources: the first argument of
// lang.L, lang.X and lang.N, and of key (ui's marker for keys looked up
// later), and the template's t calls. It returns them with where each is.
func sourceKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range sourceDirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 || !isKeyCall(call.Fun) {
					return true
				}
				lit, ok := call.Args[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
				}
				if !HasWords(s) {
					// "%s": punctuation, never looked up (i18n.Text).
					return true
				}
				keys[s] = fset.Position(lit.Pos()).String()
				return true
			})
		}
	}
	for _, name := range templates {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			s, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatalf("%s: %s: %v", name, m[1], err)
			}
			keys[s] = name
		}
	}
	return keys
}

func isKeyCall(fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return ok && (x.Name == "lang" && slices.Contains([]string{"L", "X", "N", "XN"}, f.Sel.Name) ||
			x.Name == "text" && f.Sel.Name == "New")
	case *ast.Ident:
		return f.Name == "key"
	}
	return false
}

func readTranslations(t *testing.T, l string) map[string]string {
	t.Helper()
	b, err := translations.ReadFile("translations/" + l + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("translations/%s.json: %v", l, err)
	}
	return m
}

// TestEveryKeyTranslated fails on a text of the screens or the report
// missing from a translation, and on a translation no text uses any more.
func TestEveryKeyTranslated(t *testing.T) {
	keys := sourceKeys(t)
	if len(keys) < 100 {
		t.Fatalf("found %d keys in %v: the scan is broken", len(keys), sourceDirs)
	}
	for _, l := range Languages {
		tr := readTranslations(t, l)
		for k, at := range keys {
			v, ok := tr[k]
			if !ok {
				t.Errorf("%s.json: no translation of %q (%s)", l, k, at)
				continue
			}
			if strings.Count(v, "%") != strings.Count(k, "%") {
				t.Errorf("%s.json: %q has other verbs than its key %q", l, v, k)
			}
			if l == "en" && v != k {
				t.Errorf("en.json: %q is not its key %q: keys are the English text", v, k)
			}
		}
		for k := range tr {
			if _, ok := keys[k]; !ok {
				t.Errorf("%s.json: %q is used nowhere any more", l, k)
			}
		}
	}
}
