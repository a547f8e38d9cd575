package delta

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
)

// field is one JSON field of a struct: where it is (through embedded
// structs) and whether the encoder leaves it out when empty.
type field struct {
	name  string
	index []int
	omit  bool
}

var fieldCache sync.Map // reflect.Type → []field

// fieldsOf lists the JSON fields of a struct type, as encoding/json
// names them (embedded structs without a tag are flattened).
func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var out []field
	for _, sf := range reflect.VisibleFields(t) {
		if !sf.IsExported() || sf.Anonymous && sf.Tag.Get("json") == "" {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{name: name, index: sf.Index,
			omit: strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")})
	}
	fieldCache.Store(t, out)
	return out
}

var timeType = reflect.TypeFor[time.Time]()

// same reports whether two values of a field encode alike: times by
// their instant (the monotonic reading is not sent), the rest as Go
// compares them deeply.
func same(a, b reflect.Value) bool {
	switch {
	case a.Type() == timeType:
		return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
	case a.Kind() == reflect.Pointer && a.Type().Elem() == timeType:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return same(a.Elem(), b.Elem())
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

// empty reports whether the encoder leaves an omitempty/omitzero field out.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.String:
		return v.Len() == 0
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time).IsZero()
	}
	return v.IsZero()
}

// fieldsDiff is the change from *a to *b (both pointers to one struct
// type), without the lists named in skip: the fields that differ, and
// those b leaves out (unset). Empty when none differ.
func fieldsDiff(a, b any, skip []string) (Change, error) {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	var ch Change
	var obj []byte
	for _, f := range fieldsOf(va.Type()) {
		if slices.Contains(skip, f.name) {
			continue
		}
		fa, fb := va.FieldByIndex(f.index), vb.FieldByIndex(f.index)
		if same(fa, fb) {
			continue
		}
		if f.omit && empty(fb) {
			ch.Unset = append(ch.Unset, f.name)
			continue
		}
		raw, err := json.Marshal(fb.Interface())
		if err != nil {
			return Change{}, fmt.Errorf("%s: %w", f.name, err)
		}
		if obj == nil {
			obj = append(obj, '{')
		} else {
			obj = append(obj, ',')
		}
		name, _ := json.Marshal(f.name)
		obj = append(append(append(obj, name...), ':'), raw...)
	}
	if obj != nil {
		ch.Set = append(obj, '}')
	}
	return ch, nil
}

// applyFields is v with ch applied: the fields named in Unset cleared,
// those in Set decoded onto it in one decoding. Set may not name the
// lists in parts (they have patches of their own); names v does not have
// are ignored, as the JSON decoder ignores them. Nothing v points to is
// written: its pointers, slices and maps are copied first, and a nested
// struct is cleared before it is set whole.
func applyFields[T any](v T, ch Change, parts []string) (T, error) {
	out := v
	rv := reflect.ValueOf(&out).Elem()
	t := rv.Type()
	byName := fieldIndex(t)
	for _, k := range ch.Unset {
		if slices.Contains(parts, k) {
			return v, fmt.Errorf("field %q is a list with patches of its own", k)
		}
		if f, ok := byName[k]; ok {
			rv.FieldByIndex(f.index).SetZero()
		}
	}
	if len(ch.Set) == 0 {
		return out, nil
	}
	if hasNested(t, parts) {
		// The few parts with nested structs (sales, channels): read the
		// names set, to refuse a list and clear what is set.
		var names map[string]json.RawMessage
		if err := json.Unmarshal(ch.Set, &names); err != nil {
			return v, err
		}
		for k := range names {
			if slices.Contains(parts, k) {
				return v, fmt.Errorf("field %q is a list with patches of its own", k)
			}
			if f, ok := byName[k]; ok {
				rv.FieldByIndex(f.index).SetZero()
			}
		}
	} else {
		detach(rv)
	}
	// The lists stay out of the decoding: cleared, then put back, and a
	// Set that named one is refused.
	kept := make([]reflect.Value, len(parts))
	for i, k := range parts {
		if f, ok := byName[k]; ok {
			fv := rv.FieldByIndex(f.index)
			kept[i] = reflect.New(fv.Type()).Elem()
			kept[i].Set(fv)
			fv.SetZero()
		}
	}
	if err := json.Unmarshal(ch.Set, &out); err != nil {
		return v, err
	}
	for i, k := range parts {
		if f, ok := byName[k]; ok {
			fv := rv.FieldByIndex(f.index)
			if !fv.IsZero() {
				return v, fmt.Errorf("field %q is a list with patches of its own", k)
			}
			fv.Set(kept[i])
		}
	}
	return out, nil
}

// detach copies what the flat struct rv points to (its *int, *time.Time),
// so that decoding onto it writes fresh memory, never what an older
// snapshot still holds.
func detach(rv reflect.Value) {
	for _, f := range fieldsOf(rv.Type()) {
		fv := rv.FieldByIndex(f.index)
		if fv.Kind() == reflect.Pointer && !fv.IsNil() {
			c := reflect.New(fv.Type().Elem())
			c.Elem().Set(fv.Elem())
			fv.Set(c)
		}
	}
}

var nestedCache sync.Map // reflect.Type → bool

// hasNested reports whether a struct has a field, other than the lists in
// parts, that decoding would merge into rather than replace: a slice, map
// or struct (a time is a value). A type is always asked with its parts.
func hasNested(t reflect.Type, parts []string) bool {
	if v, ok := nestedCache.Load(t); ok {
		return v.(bool)
	}
	n := false
	for _, f := range fieldsOf(t) {
		if slices.Contains(parts, f.name) {
			continue
		}
		ft := t.FieldByIndex(f.index).Type
		switch {
		case ft == timeType:
		case ft.Kind() == reflect.Slice, ft.Kind() == reflect.Map, ft.Kind() == reflect.Struct, ft.Kind() == reflect.Interface:
			n = true
		case ft.Kind() == reflect.Pointer && ft.Elem() != timeType && ft.Elem().Kind() != reflect.Int:
			n = true
		}
	}
	nestedCache.Store(t, n)
	return n
}

var indexCache sync.Map // reflect.Type → map[string]field

// fieldIndex is fieldsOf by JSON name.
func fieldIndex(t reflect.Type) map[string]field {
	if m, ok := indexCache.Load(t); ok {
		return m.(map[string]field)
	}
	m := map[string]field{}
	for _, f := range fieldsOf(t) {
		m[f.name] = f
	}
	indexCache.Store(t, m)
	return m
}
