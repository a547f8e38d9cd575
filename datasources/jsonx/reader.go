package jsonx

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Reader reads one JSON text in a single pass, for the decoders a channel
// writes by hand for its busiest answers (a page of orders): no reflection,
// no check of the whole text before the decoding, no copy of a nested value
// kept raw, and no allocation but the strings kept.
//
// It reads strictly: whatever it cannot read exactly as encoding/json
// would (an escaped key, a nesting deeper than encoding/json allows) is an
// error, so that a decoder built on it can leave such a text to
// encoding/json, whose result and words are then the contract. Once an
// error is met, every later read does nothing and Err reports the first.
type Reader struct {
	b     []byte
	i     int
	err   error
	depth int
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// NewReader reads b, which must not change while it is read.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Err is the first error met, nil when none.
func (r *Reader) Err() error { return r.err }

// Fail records an error of the caller's at the current offset (the first
// one wins) and stops the reading.
func (r *Reader) Fail(msg string) {
	if r.err == nil {
		r.err = fmt.Errorf("offset %d: %s", r.i, msg)
	}
	r.i = len(r.b)
}

func (r *Reader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next byte that is not white space, 0 at the end.
func (r *Reader) peek() byte {
	r.ws()
	if r.i >= len(r.b) || r.err != nil {
		return 0
	}
	return r.b[r.i]
}

// End checks that nothing but white space follows the value read, and
// returns Err.
func (r *Reader) End() error {
	if r.ws(); r.i < len(r.b) {
		r.Fail("data after the value")
	}
	return r.err
}

// Null reads a null and reports true when the next value is one; any other
// value is left to be read.
func (r *Reader) Null() bool {
	if r.peek() != 'n' {
		return false
	}
	r.literal("null")
	return r.err == nil
}

func (r *Reader) literal(word string) {
	if len(r.b)-r.i < len(word) || string(r.b[r.i:r.i+len(word)]) != word {
		r.Fail("invalid literal")
		return
	}
	r.i += len(word)
}

// PeekObject reports whether the next value is an object, reading nothing.
func (r *Reader) PeekObject() bool { return r.peek() == '{' }

// Fields reads an object: it yields each key (valid until the next read),
// and the caller reads or skips its value before the next. A null yields
// nothing; any other value is an error.
func (r *Reader) Fields(yield func(key []byte) bool) { r.fields(yield, true) }

// fields reads an object; plainOnly refuses a key with an escape or a
// byte outside printable ASCII (which encoding/json may match to a field
// by folding its case: a decoder cannot tell), else it is yielded as its
// raw token, quotes included.
func (r *Reader) fields(yield func(key []byte) bool, plainOnly bool) {
	if !r.open('{', '}', "an object") {
		return
	}
	for {
		if r.peek() != '"' {
			r.Fail("expected a key")
			return
		}
		key, plain := r.str()
		if r.err != nil {
			return
		}
		if !plain && plainOnly {
			r.Fail("an escaped key")
			return
		}
		if r.peek() != ':' {
			r.Fail("expected a colon")
			return
		}
		r.i++
		if !yield(key) || r.err != nil || !r.next('}', "object") {
			return
		}
	}
}

// Elems reads an array: it yields once for each element, which the caller
// reads or skips before the next. A null yields nothing; any other value is
// an error.
func (r *Reader) Elems(yield func() bool) {
	if !r.open('[', ']', "an array") {
		return
	}
	for {
		if r.peek() == 0 {
			r.Fail("unexpected end")
			return
		}
		if !yield() || r.err != nil || !r.next(']', "array") {
			return
		}
	}
}

// open enters an object or array begun by start: false when the value is
// null or the container empty (both read), or not one (failed); true when
// its first member is next.
func (r *Reader) open(start, end byte, what string) bool {
	switch r.peek() {
	case 'n':
		r.literal("null")
		return false
	case start:
	default:
		r.Fail("expected " + what)
		return false
	}
	if !r.enter() {
		return false
	}
	r.i++
	if r.peek() == end {
		r.i++
		r.depth--
		return false
	}
	return true
}

// next reads what follows a member: true after a comma, false at the
// container's end (read) or on anything else (failed).
func (r *Reader) next(end byte, what string) bool {
	switch r.peek() {
	case ',':
		r.i++
		return true
	case end:
		r.i++
		r.depth--
		return false
	}
	r.Fail("expected a comma or the " + what + "'s end")
	return false
}

func (r *Reader) enter() bool {
	r.depth++
	if r.depth > maxDepth {
		r.Fail("nested too deep")
		return false
	}
	return true
}

// str reads a string token at r.i (a quote) and returns its content. plain
// is false when the content has an escape or a byte outside printable
// ASCII: it is then the raw token, quotes included, for unquote.
func (r *Reader) str() (s []byte, plain bool) {
	start := r.i
	r.i++
	for j := r.i; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			r.i = j + 1
			return r.b[start+1 : j], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return r.slowStr(start)
		}
	}
	r.Fail("unterminated string")
	return nil, false
}

// slowStr finds the end of a string with escapes or non-ASCII bytes,
// checking its escapes and control characters as encoding/json does.
func (r *Reader) slowStr(start int) ([]byte, bool) {
	for j := start + 1; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			r.i = j + 1
			return r.b[start:r.i], false
		case c < 0x20:
			r.i = j
			r.Fail("control character in a string")
			return nil, false
		case c == '\\':
			j++
			if j >= len(r.b) {
				break
			}
			switch r.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(r.b) || !isHex4(r.b[j+1:j+5]) {
					r.i = j
					r.Fail("invalid escape in a string")
					return nil, false
				}
				j += 4
			default:
				r.i = j
				r.Fail("invalid escape in a string")
				return nil, false
			}
		}
	}
	r.Fail("unterminated string")
	return nil, false
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// unquote turns a string token into its text as encoding/json does
// (invalid UTF-8 and lone surrogates become U+FFFD).
func unquote(tok []byte, plain bool) (string, error) {
	if plain || utf8.Valid(tok) && !hasByte(tok, '\\') {
		if !plain {
			tok = tok[1 : len(tok)-1]
		}
		return string(tok), nil
	}
	var s string
	err := json.Unmarshal(tok, &s)
	return s, err
}

func hasByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// number reads a number token at r.i, checked against JSON's grammar.
func (r *Reader) number() []byte {
	start, b := r.i, r.b
	j := r.i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && '1' <= b[j] && b[j] <= '9':
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
	default:
		r.i = j
		r.Fail("invalid number")
		return nil
	}
	if j < len(b) && b[j] == '.' {
		j++
		k := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == k {
			r.i = j
			r.Fail("invalid number")
			return nil
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == k {
			r.i = j
			r.Fail("invalid number")
			return nil
		}
	}
	r.i = j
	return b[start:j]
}

// Text reads a string as a plain Go string field would take it: its text,
// untrimmed. A null reads as "" with null true (encoding/json leaves such
// a field as it was); any other value is an error.
func (r *Reader) Text() (s string, null bool) {
	switch r.peek() {
	case '"':
		tok, plain := r.str()
		if r.err != nil {
			return "", false
		}
		s, err := unquote(tok, plain)
		if err != nil {
			r.Fail(err.Error())
		}
		return s, false
	case 'n':
		r.literal("null")
		return "", true
	}
	r.Fail("expected a string")
	return "", false
}

// scalar reads what the loose types (String, Int, Money) accept: a string
// (trimmed), a number (its digits as written), or null ("").
func (r *Reader) scalar() string {
	switch c := r.peek(); {
	case c == '"':
		tok, plain := r.str()
		if r.err != nil {
			return ""
		}
		if plain {
			return string(trimASCII(tok))
		}
		s, err := unquote(tok, false)
		if err != nil {
			r.Fail(err.Error())
		}
		return strings.TrimSpace(s)
	case c == '-' || '0' <= c && c <= '9':
		return string(r.number())
	case c == 'n':
		r.literal("null")
		return ""
	case c == 0:
		r.Fail("unexpected end")
		return ""
	}
	r.Fail("expected a number or string")
	return ""
}

// trimASCII trims what strings.TrimSpace would from printable ASCII.
func trimASCII(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}

// String reads a String: a string or a number as text, null as "".
func (r *Reader) String() String { return String(r.scalar()) }

// Int reads an Int as Int.UnmarshalJSON does.
func (r *Reader) Int() Int {
	s := r.scalar()
	if r.err != nil || s == "" {
		return 0
	}
	v, err := parseInt(s)
	if err != nil {
		r.Fail(err.Error())
	}
	return v
}

// Money reads a Money as Money.UnmarshalJSON does.
func (r *Reader) Money() Money {
	s := r.scalar()
	if r.err != nil || s == "" {
		return 0
	}
	v, err := ParseMoney(s)
	if err != nil {
		r.Fail(err.Error())
	}
	return Money(v)
}

// Bool reads a boolean; a null reads as false with null true
// (encoding/json leaves a bool field as it was, and sets a *bool to nil).
func (r *Reader) Bool() (v, null bool) {
	switch r.peek() {
	case 't':
		r.literal("true")
		return true, false
	case 'f':
		r.literal("false")
		return false, false
	case 'n':
		r.literal("null")
		return false, true
	}
	r.Fail("expected true or false")
	return false, false
}

// Skip reads any value and checks it.
func (r *Reader) Skip() {
	switch c := r.peek(); {
	case c == '{':
		r.fields(func([]byte) bool {
			r.Skip()
			return true
		}, false)
	case c == '[':
		for range r.Elems {
			r.Skip()
		}
	case c == '"':
		r.str()
	case c == '-' || '0' <= c && c <= '9':
		r.number()
	case c == 't':
		r.literal("true")
	case c == 'f':
		r.literal("false")
	case c == 'n':
		r.literal("null")
	case c == 0:
		r.Fail("unexpected end")
	default:
		r.Fail("invalid character")
	}
}

// Raw reads any value and returns its text, white space around it left
// out. It shares the memory of the text read.
func (r *Reader) Raw() []byte {
	r.ws()
	start := r.i
	r.Skip()
	if r.err != nil {
		return nil
	}
	return r.b[start:r.i]
}

// FoldsTo reports whether a key the reader yielded (printable ASCII) is
// name spelt in another case or the same: encoding/json matches a field's
// name without regard to case, so a decoder that meets such a key leaves
// the text to encoding/json.
func FoldsTo(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := range len(name) {
		a, b := key[i], name[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// ErrFallback is what a hand-written decoder reports for a text it leaves
// to encoding/json although it may well be valid (a key spelt in another
// case, a field given twice).
var ErrFallback = errors.New("jsonx: left to encoding/json")

// TextInto reads a plain string field into dst: a null leaves it as it
// was, as encoding/json does.
func (r *Reader) TextInto(dst *string) {
	if s, null := r.Text(); !null {
		*dst = s
	}
}

// SkipUnknown passes over the value of a key the decoder does not read.
// A key that is one of names spelt in another case, which encoding/json
// would match, is ErrFallback: the text is left to encoding/json.
func (r *Reader) SkipUnknown(key []byte, names []string) error {
	for _, n := range names {
		if FoldsTo(key, n) {
			return ErrFallback
		}
	}
	r.Skip()
	return nil
}

// List reads a list field into dst, each element with read; a null leaves
// dst as it was. seen is the field's flag in the object being read: a key
// given twice is ErrFallback (encoding/json keeps the last, merged).
// capHint is the room made for the usual number of elements.
func List[T any](r *Reader, seen *bool, dst *[]T, capHint int, read func(*Reader, *T) error) error {
	if *seen {
		return ErrFallback
	}
	*seen = true
	if r.Null() {
		return nil
	}
	*dst = make([]T, 0, capHint)
	for range r.Elems {
		*dst = append(*dst, *new(T))
		if err := read(r, &(*dst)[len(*dst)-1]); err != nil {
			return err
		}
	}
	return nil
}
