package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/trustlab/trustlab"
)

// Strict JSON: encoding/json takes the last of duplicate keys, matches keys
// to fields without regard to case, turns invalid UTF-8 (and unpaired
// \u surrogate escapes) into U+FFFD and decodes null into a struct as
// nothing at all. checkStrict refuses each of these before the body is
// decoded, so that two different bodies never decode to one value.

// checkStrict checks body, a JSON document meant for a value of type t:
// valid UTF-8 without unpaired surrogate escapes, no duplicate keys in any
// object, object keys that match a field of t only exactly (not in another
// case), and no null where t has no pointer (or interface) to hold it.
// Syntax errors are left to the decoder, which reports them with their
// offset.
func checkStrict(body []byte, t reflect.Type) error {
	if !utf8.Valid(body) {
		i := 0
		for i < len(body) {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return trustlab.Errorf(trustlab.EINVALID, "body: invalid UTF-8 at byte %d: JSON text must be UTF-8", i)
	}
	if i := loneSurrogate(body); i >= 0 {
		return trustlab.Errorf(trustlab.EINVALID, "body: the \\u escape at byte %d is an unpaired UTF-16 surrogate, which is no character", i)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := walkStrict(dec, t, "")
	if _, ok := err.(syntaxOrEOF); ok {
		return nil // malformed JSON: the decoder reports it with its offset
	}
	return err
}

// syntaxOrEOF marks a token error: malformed JSON, reported by the decoder.
type syntaxOrEOF struct{ error }

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// walkStrict reads one value from dec, checking it against t (nil: any
// value, checked only for duplicate keys). path names the value in
// messages ("" for the body).
func walkStrict(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxOrEOF{err}
	}
	nullable := t == nil || t.Kind() == reflect.Interface || t.Kind() == reflect.Pointer
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && t.Kind() == reflect.Interface {
		t = nil
	}
	custom := t != nil && (reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType))
	if tok == nil {
		if !nullable {
			field := path
			if field == "" {
				field = "body"
			}
			return trustlab.Invalid(trustlab.FieldErrorf(field, "", "null: must be %s", describe(t)))
		}
		return nil
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar: its type is the decoder's to check
	}
	if custom {
		t = nil // its own decoder reads it; still no duplicate keys
	}
	switch d {
	case '{':
		var fields map[string]reflect.Type
		var folded map[string]string
		var elem reflect.Type
		switch {
		case t != nil && t.Kind() == reflect.Struct:
			fields, folded = structFields(t)
		case t != nil && t.Kind() == reflect.Map:
			elem = t.Elem()
		}
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return syntaxOrEOF{err}
			}
			key, _ := kt.(string)
			name := join(path, key)
			if seen[key] {
				return trustlab.Invalid(trustlab.FieldErrorf(name, "", "duplicate key: each key may appear once in an object"))
			}
			seen[key] = true
			vt := elem
			if fields != nil {
				var ok bool
				if vt, ok = fields[key]; !ok {
					if exact, ok := folded[strings.ToLower(key)]; ok {
						return trustlab.Invalid(trustlab.FieldErrorf(name, "", "unknown field; did you mean %q? (keys are case-sensitive)", exact))
					}
				}
			}
			if err := walkStrict(dec, vt, name); err != nil {
				return err
			}
		}
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walkStrict(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return syntaxOrEOF{err}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names what a JSON value for t must be.
func describe(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	return jsonType(t.Kind().String())
}

var fieldCache sync.Map // reflect.Type -> [2]any{map[string]reflect.Type, map[string]string}

// structFields returns the JSON names of t's fields (embedded structs'
// fields included, as encoding/json promotes them) with their types, and
// the same names by their lower case.
func structFields(t reflect.Type) (map[string]reflect.Type, map[string]string) {
	if v, ok := fieldCache.Load(t); ok {
		p := v.([2]any)
		return p[0].(map[string]reflect.Type), p[1].(map[string]string)
	}
	fields := map[string]reflect.Type{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					add(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := fields[name]; !dup {
				fields[name] = f.Type
			}
		}
	}
	add(t)
	folded := make(map[string]string, len(fields))
	for name := range fields {
		folded[strings.ToLower(name)] = name
	}
	fieldCache.Store(t, [2]any{fields, folded})
	return fields, folded
}

// loneSurrogate returns the offset of the first \u escape inside a JSON
// string that is an unpaired UTF-16 surrogate, or -1.
func loneSurrogate(b []byte) int {
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !in {
			if c == '"' {
				in = true
			}
			continue
		}
		switch c {
		case '"':
			in = false
		case '\\':
			if i+1 < len(b) && b[i+1] == 'u' {
				r, ok := hex4(b, i+2)
				switch {
				case !ok:
				case r >= 0xD800 && r < 0xDC00:
					if i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
						if r2, ok := hex4(b, i+8); ok && r2 >= 0xDC00 && r2 < 0xE000 {
							i += 11
							continue
						}
					}
					return i
				case r >= 0xDC00 && r < 0xE000:
					return i
				}
				i += 5
				continue
			}
			i++ // skip the escaped character
		}
	}
	return -1
}

// hex4 parses four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
