package wave

import (
	"reflect"
	"testing"
	"time"
)

// TestCloneSharesNothing fills every exported field of a wave and of a
// person, down to the last slice, map and pointer, and checks that the
// clone equals it and shares none of them: a field added and forgotten
// by Clone fails here.
func TestCloneSharesNothing(t *testing.T) {
	tests := []struct {
		name  string
		clone func(t *testing.T) (original, clone any)
	}{
		{"Wave", func(t *testing.T) (any, any) {
			var w Wave
			fill(t, reflect.ValueOf(&w).Elem(), 0)
			return w, w.Clone()
		}},
		{"Person", func(t *testing.T) (any, any) {
			var p Person
			fill(t, reflect.ValueOf(&p).Elem(), 0)
			return p, p.Clone()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			original, c := tt.clone(t)
			if !reflect.DeepEqual(original, c) {
				t.Fatalf("the clone differs:\n%+v\n%+v", original, c)
			}
			var shared []string
			sharedReferences(reflect.ValueOf(original), reflect.ValueOf(c), tt.name, &shared)
			for _, path := range shared {
				t.Errorf("the clone shares %s with the original", path)
			}
		})
	}
}

func TestCloneKeepsNilAndEmpty(t *testing.T) {
	w := Wave{ID: "b3", Enrolments: []Enrolment{{FV: "BUF", Activities: []Activity{}}}}
	c := w.Clone()
	e := c.Enrolments[0]
	if c.Snoozes != nil || c.Notices != nil || e.Contacts != nil || e.ContactSince != nil || e.Auth != nil || e.Workflow != nil {
		t.Errorf("a nil field became non-nil: %+v", c)
	}
	if e.Activities == nil {
		t.Error("an empty list became nil")
	}
}

// fill sets every exported field reachable from v to a value that is not
// zero: two elements in a slice, one entry in a map, a pointer to a
// filled value.
func fill(t *testing.T, v reflect.Value, depth int) {
	t.Helper()
	if depth > 10 {
		t.Fatalf("%s nests too deep to fill", v.Type())
	}
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Date(2027, 1, 20, 12, 0, 0, 0, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), depth+1)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, depth+1)
		fill(t, e, depth+1)
		v.SetMapIndex(k, e)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), depth+1)
	default:
		t.Fatalf("fill does not know how to fill a %s", v.Type())
	}
}

// sharedReferences appends the path of every slice, map and pointer that a
// and b, equal values, both reach at the same address.
func sharedReferences(a, b reflect.Value, path string, shared *[]string) {
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				sharedReferences(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name, shared)
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && a.UnsafePointer() == b.UnsafePointer() {
			*shared = append(*shared, path)
		}
		for i := range a.Len() {
			sharedReferences(a.Index(i), b.Index(i), path+"[i]", shared)
		}
	case reflect.Map:
		if a.Len() > 0 && a.UnsafePointer() == b.UnsafePointer() {
			*shared = append(*shared, path)
		}
		for it := a.MapRange(); it.Next(); {
			sharedReferences(it.Value(), b.MapIndex(it.Key()), path+"[k]", shared)
		}
	case reflect.Pointer:
		if !a.IsNil() && a.UnsafePointer() == b.UnsafePointer() {
			*shared = append(*shared, path)
		}
		if !a.IsNil() {
			sharedReferences(a.Elem(), b.Elem(), path, shared)
		}
	}
}
