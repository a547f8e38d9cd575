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
// first cleared (so nothing v points to is written through), then set
// from its JSON; a null leaves it cleared. set may not name the lists in
// parts (they have patches of their own); names v does not have are
// ignored, as the JSON decoder ignores them.
func applyFields[T any](v T, set Fields, parts []string) (T, error) {
	out := v
	rv := reflect.ValueOf(&out).Elem()
	fs := fieldsOf(rv.Type())
	for k, val := range set {
		if slices.Contains(parts, k) {
			return v, fmt.Errorf("field %q is a list with patches of its own", k)
		}
		i := slices.IndexFunc(fs, func(f field) bool { return f.name == k })
		if i < 0 {
			continue
		}
		fv := rv.FieldByIndex(fs[i].index)
		fv.SetZero()
		if err := json.Unmarshal(val, fv.Addr().Interface()); err != nil {
			return v, fmt.Errorf("field %q: %w", k, err)
		}
	}
	return out, nil
}
