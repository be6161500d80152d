package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
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
// Malformed JSON is left to the decoder, which reports it with its offset.
// It allocates only to report a problem.
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
	var pathBuf [8]segment
	s := strictScanner{b: body, path: pathBuf[:0]}
	if err := s.value(t); err != nil && err != errMalformed {
		return err
	}
	return nil
}

// errMalformed stops the check at malformed JSON, which the decoder reports.
var errMalformed = errors.New("malformed JSON")

// maxDepth is encoding/json's nesting limit; deeper is the decoder's error.
const maxDepth = 10000

// strictScanner walks a JSON text once, checking it against a Go type.
type strictScanner struct {
	b    []byte
	i    int
	path []segment // where the value being read is, for messages
}

// segment is an object key or an array index on the path to a value.
type segment struct {
	key   []byte
	index int // -1 for a key
}

// where names the current value: "situation.gain", "outcomes[2]", or
// "body" at the top.
func (s *strictScanner) where() string {
	var sb strings.Builder
	for _, p := range s.path {
		if p.index >= 0 {
			sb.WriteString("[" + strconv.Itoa(p.index) + "]")
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.Write(p.key)
	}
	if sb.Len() == 0 {
		return "body"
	}
	return sb.String()
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func (s *strictScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value reads one value meant for t (nil: any value, checked only for
// duplicate keys and surrogates).
func (s *strictScanner) value(t reflect.Type) error {
	if len(s.path) > maxDepth {
		return errMalformed
	}
	s.ws()
	if s.i >= len(s.b) {
		return errMalformed
	}
	nullable := t == nil || t.Kind() == reflect.Interface || t.Kind() == reflect.Pointer
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t.Kind() == reflect.Interface ||
		reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType)) {
		t = nil // its own decoder reads it; still no duplicate keys
	}
	switch s.b[s.i] {
	case '{':
		return s.object(t)
	case '[':
		return s.array(t)
	case '"':
		_, _, err := s.str()
		return err
	case 'n':
		if !bytes.HasPrefix(s.b[s.i:], []byte("null")) {
			return errMalformed
		}
		s.i += 4
		if !nullable {
			return trustlab.Invalid(trustlab.FieldErrorf(s.where(), "", "null: must be %s", describe(t)))
		}
		return nil
	}
	for s.i < len(s.b) { // a number, true or false: the decoder checks it
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return nil
		}
		s.i++
	}
	return nil
}

// str reads a string at s.i, returning its contents (between the quotes,
// escapes undone only when escaped is true) and refusing unpaired
// surrogate escapes.
func (s *strictScanner) str() (raw []byte, escaped bool, err error) {
	start := s.i + 1
	for i := start; i < len(s.b); i++ {
		switch s.b[i] {
		case '"':
			s.i = i + 1
			return s.b[start:i], escaped, nil
		case '\\':
			escaped = true
			if i+1 >= len(s.b) {
				return nil, false, errMalformed
			}
			if s.b[i+1] != 'u' {
				i++
				continue
			}
			r, ok := hex4(s.b, i+2)
			if !ok {
				return nil, false, errMalformed
			}
			switch {
			case r >= 0xD800 && r < 0xDC00:
				if i+7 < len(s.b) && s.b[i+6] == '\\' && s.b[i+7] == 'u' {
					if r2, ok := hex4(s.b, i+8); ok && r2 >= 0xDC00 && r2 < 0xE000 {
						i += 11
						continue
					}
				}
				return nil, false, trustlab.Errorf(trustlab.EINVALID, "body: the \\u escape at byte %d is an unpaired UTF-16 surrogate, which is no character", i)
			case r >= 0xDC00 && r < 0xE000:
				return nil, false, trustlab.Errorf(trustlab.EINVALID, "body: the \\u escape at byte %d is an unpaired UTF-16 surrogate, which is no character", i)
			}
			i += 5
		}
	}
	return nil, false, errMalformed
}

// key reads an object key as its decoded bytes.
func (s *strictScanner) key() ([]byte, error) {
	raw, escaped, err := s.str()
	if err != nil || !escaped {
		return raw, err
	}
	var k string
	if json.Unmarshal(s.b[s.i-len(raw)-2:s.i], &k) != nil {
		return nil, errMalformed
	}
	return []byte(k), nil
}

func (s *strictScanner) object(t reflect.Type) error {
	s.i++ // {
	var fields map[string]reflect.Type
	var elem reflect.Type
	switch {
	case t != nil && t.Kind() == reflect.Struct:
		fields = structFields(t)
	case t != nil && t.Kind() == reflect.Map:
		elem = t.Elem()
	}
	var seenBuf [16][]byte
	seen := seenBuf[:0]
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			return errMalformed
		}
		k, err := s.key()
		if err != nil {
			return err
		}
		s.path = append(s.path, segment{key: k, index: -1})
		for _, o := range seen {
			if bytes.Equal(o, k) {
				return trustlab.Invalid(trustlab.FieldErrorf(s.where(), "", "duplicate key: each key may appear once in an object"))
			}
		}
		seen = append(seen, k)
		vt := elem
		if fields != nil {
			var ok bool
			if vt, ok = fields[string(k)]; !ok {
				for name := range fields {
					if strings.EqualFold(name, string(k)) {
						return trustlab.Invalid(trustlab.FieldErrorf(s.where(), "", "unknown field; did you mean %q? (keys are case-sensitive)", name))
					}
				}
			}
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return errMalformed
		}
		s.i++
		if done, err := s.member(vt, '}'); done || err != nil {
			return err
		}
	}
}

func (s *strictScanner) array(t reflect.Type) error {
	s.i++ // [
	var elem reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil
	}
	for n := 0; ; n++ {
		s.path = append(s.path, segment{index: n})
		if done, err := s.member(elem, ']'); done || err != nil {
			return err
		}
	}
}

// member scans the value of an object's key or an array's element (its
// segment the last of the path, which it drops), then the comma after it
// or the closing bracket end, which makes it done.
func (s *strictScanner) member(t reflect.Type, end byte) (done bool, err error) {
	if err := s.value(t); err != nil {
		return false, err
	}
	s.path = s.path[:len(s.path)-1]
	s.ws()
	if s.i >= len(s.b) {
		return false, errMalformed
	}
	switch s.b[s.i] {
	case ',':
		s.i++
		return false, nil
	case end:
		s.i++
		return true, nil
	}
	return false, errMalformed
}

// describe names what a JSON value for t must be.
func describe(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	return jsonType(t.Kind().String())
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// structFields returns the JSON names of t's fields (embedded structs'
// fields included, as encoding/json promotes them) with their types.
func structFields(t reflect.Type) map[string]reflect.Type {
	if v, ok := fieldCache.Load(t); ok {
		return v.(map[string]reflect.Type)
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
	fieldCache.Store(t, fields)
	return fields
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
