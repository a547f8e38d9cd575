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

// fieldsDiff is the fields of *b that differ from *a's (both pointers to
// one struct type), without the lists named in skip; a field b leaves
// out is a null. nil when none differ.
func fieldsDiff(a, b any, skip []string) (Fields, error) {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	var set Fields
	for _, f := range fieldsOf(va.Type()) {
		if slices.Contains(skip, f.name) {
			continue
		}
		fa, fb := va.FieldByIndex(f.index), vb.FieldByIndex(f.index)
		if same(fa, fb) {
			continue
		}
		if set == nil {
			set = Fields{}
		}
		if f.omit && empty(fb) {
			set[f.name] = null
			continue
		}
		raw, err := json.Marshal(fb.Interface())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		set[f.name] = raw
	}
	return set, nil
}

var null = json.RawMessage("null")

// applyFields is v with the fields of set changed: each named field is
// first cleared (so nothing v points to is written through), then all are
// set from their JSON in one decoding; a null leaves a field cleared. set
// may not name the lists in parts (they have patches of their own); names
// v does not have are ignored, as the JSON decoder ignores them.
func applyFields[T any](v T, set Fields, parts []string) (T, error) {
	out := v
	rv := reflect.ValueOf(&out).Elem()
	byName := fieldIndex(rv.Type())
	obj := make([]byte, 0, 256)
	obj = append(obj, '{')
	for k, val := range set {
		if slices.Contains(parts, k) {
			return v, fmt.Errorf("field %q is a list with patches of its own", k)
		}
		f, ok := byName[k]
		if !ok {
			continue
		}
		rv.FieldByIndex(f.index).SetZero()
		if len(obj) > 1 {
			obj = append(obj, ',')
		}
		name, _ := json.Marshal(k)
		obj = append(append(append(obj, name...), ':'), val...)
	}
	obj = append(obj, '}')
	if err := json.Unmarshal(obj, &out); err != nil {
		return v, err
	}
	return out, nil
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
