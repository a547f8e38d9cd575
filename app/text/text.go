// Package text keeps the sentences flashdeck's domain writes for people —
// an action's summary and its result on each channel, a flag's reasons,
// the pre-sale check's findings — as their English format and its
// arguments rather than as finished strings. Each screen then writes them
// in its reader's language (app/i18n), while the English rendering stays
// what the API, the CSV exports and the logs carry, as before.
//
// The key is the English format with %s for every argument, the same
// convention as the screens' own texts: a translation keeps the verbs and
// may move the words around them. Arguments are verbatim text (names, ids,
// a channel's own error), counts, decimals, times, lists of names and
// nested phrases, each rendered the reader's way. The package imports
// nothing of Fyne: the domain stays testable without a display.
package text

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Text is a sentence: its English format (the translation key) and its
// arguments. The zero Text is empty.
type Text struct {
	Key  string `json:"key"`
	Args []Arg  `json:"args,omitempty"`
}

// Arg is one argument of a Text. Exactly one of its fields is set; an Arg
// with none renders as the empty string.
type Arg struct {
	// S is shown as it is: a name, an id, a channel's own words.
	S string `json:"s,omitempty"`
	// N is a count, grouped the reader's way.
	N *int64 `json:"n,omitempty"`
	// F is a decimal shown with one digit after the mark.
	F *float64 `json:"f,omitempty"`
	// T is a phrase, translated itself.
	T *Text `json:"t,omitempty"`
	// At is a time, shown in Zone (an IANA name; UTC when empty or
	// unknown) with Layout, a Go layout whose day and month names are
	// the reader's.
	At     *time.Time `json:"at,omitempty"`
	Zone   string     `json:"zone,omitempty"`
	Layout string     `json:"layout,omitempty"`
	// List is names joined the reader's way: "A, B and C".
	List []string `json:"list,omitempty"`
	// Parts are phrases joined with Sep ("; ").
	Parts []Text `json:"parts,omitempty"`
	Sep   string `json:"sep,omitempty"`
}

// New makes a Text of a key and its arguments: strings are shown as they
// are, integers as counts, float64 as a decimal, a Text as a phrase, an Arg
// as itself; anything else as fmt prints it.
func New(key string, args ...any) Text {
	t := Text{Key: key}
	if len(args) > 0 {
		t.Args = make([]Arg, len(args))
		for i, a := range args {
			t.Args[i] = arg(a)
		}
	}
	return t
}

func arg(a any) Arg {
	switch v := a.(type) {
	case Arg:
		return v
	case string:
		return Arg{S: v}
	case int:
		n := int64(v)
		return Arg{N: &n}
	case int8:
		return num(int64(v))
	case int16:
		return num(int64(v))
	case int32:
		return num(int64(v))
	case uint8:
		return num(int64(v))
	case uint16:
		return num(int64(v))
	case uint32:
		return num(int64(v))
	case int64:
		return Arg{N: &v}
	case float64:
		return Arg{F: &v}
	case Text:
		return Arg{T: &v}
	case []string:
		return Arg{List: v}
	}
	return Arg{S: fmt.Sprint(a)}
}

func num(n int64) Arg { return Arg{N: &n} }

// Time is a time argument shown in loc with a Go layout ("15:04",
// "Mon 2 Jan 15:04").
func Time(t time.Time, loc *time.Location, layout string) Arg {
	zone := ""
	if loc != nil {
		zone = loc.String()
		t = t.In(loc)
	}
	return Arg{At: &t, Zone: zone, Layout: layout}
}

// Empty reports whether t has no key.
func (t Text) Empty() bool { return t.Key == "" }

// Lang writes a Text's parts in one language.
type Lang interface {
	// Translate is the format for a key.
	Translate(key string) string
	// Count writes a count.
	Count(n int64) string
	// Decimal writes a number with one digit after the mark.
	Decimal(f float64) string
	// Time writes a time (already in its zone) with a Go layout.
	Time(t time.Time, layout string) string
	// And is the word between the last two names of a list, with its
	// spaces: " and ".
	And() string
}

// In writes t in a language.
func (t Text) In(l Lang) string {
	if t.Key == "" {
		return ""
	}
	if len(t.Args) == 0 {
		return l.Translate(t.Key)
	}
	vals := make([]any, len(t.Args))
	for i, a := range t.Args {
		vals[i] = a.in(l)
	}
	f := l.Translate(t.Key)
	if verbs(f) != verbs(t.Key) {
		// A translation with other verbs than its key would print fmt's
		// complaints: the English is better.
		f = t.Key
	}
	return fmt.Sprintf(f, vals...)
}

// verbs is a format's verbs in order, %% aside: "ss" for "%s of %s".
func verbs(f string) string {
	var b []byte
	for i := 0; i < len(f); i++ {
		if f[i] == '%' && i+1 < len(f) {
			if f[i+1] != '%' {
				b = append(b, f[i+1])
			}
			i++
		}
	}
	return string(b)
}

func (a Arg) in(l Lang) string {
	switch {
	case a.N != nil:
		return l.Count(*a.N)
	case a.F != nil:
		return l.Decimal(*a.F)
	case a.T != nil:
		return a.T.In(l)
	case a.At != nil:
		return l.Time(a.At.In(location(a.Zone)), a.Layout)
	case a.List != nil:
		return joinNames(a.List, l.And())
	case a.Parts != nil:
		out := make([]string, len(a.Parts))
		for i, p := range a.Parts {
			out[i] = p.In(l)
		}
		return strings.Join(out, a.Sep)
	}
	return a.S
}

// joinNames joins names: "A", "A and B", "A, B and C".
func joinNames(names []string, and string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + and + names[len(names)-1]
}

// String is t in English, as the API and the logs carry it.
func (t Text) String() string { return t.In(English) }

// English writes texts as flashdeck's sources do: the key itself, counts
// without grouping, English day and month names.
var English Lang = english{}

type english struct{}

func (english) Translate(key string) string { return key }
func (english) Count(n int64) string        { return strconv.FormatInt(n, 10) }
func (english) Decimal(f float64) string    { return strconv.FormatFloat(f, 'f', 1, 64) }
func (english) Time(t time.Time, layout string) string {
	return t.Format(layout)
}
func (english) And() string { return " and " }

var (
	locMu sync.Mutex
	locs  = map[string]*time.Location{}
)

// location loads a zone once; an unknown one (a record written on a
// machine with another zone database) is UTC rather than an error.
func location(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	locMu.Lock()
	defer locMu.Unlock()
	if l, ok := locs[name]; ok {
		return l
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	locs[name] = l
	return l
}

// Join is texts joined with sep, as one Text (sep is punctuation, not
// translated).
func Join(parts []Text, sep string) Text {
	switch len(parts) {
	case 0:
		return Text{}
	case 1:
		return parts[0]
	}
	return Text{Key: "%s", Args: []Arg{{Parts: parts, Sep: sep}}}
}

// Valid reports whether a Text read from outside (the database, the API)
// renders as it says: one %s per argument and nothing else but %%. The
// screens show the English words of one that is not (see app/i18n).
func (t Text) Valid() bool {
	n := 0
	for i := 0; i < len(t.Key); i++ {
		if t.Key[i] != '%' {
			continue
		}
		if i+1 >= len(t.Key) {
			return false
		}
		switch t.Key[i+1] {
		case '%':
		case 's':
			n++
		default:
			return false
		}
		i++
	}
	if n != len(t.Args) {
		return false
	}
	for _, a := range t.Args {
		if a.T != nil && !a.T.Valid() {
			return false
		}
		for _, p := range a.Parts {
			if !p.Valid() {
				return false
			}
		}
	}
	return true
}
