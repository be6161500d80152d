package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/trustlab/trustlab"
)

// statusOf is the HTTP status of each error code; a code not listed
// (trustlab.EINTERNAL among them) is answered 500.
var statusOf = map[string]int{
	"":                     http.StatusOK,
	trustlab.EINVALID:      http.StatusBadRequest,
	trustlab.ENOTFOUND:     http.StatusNotFound,
	trustlab.ECONFLICT:     http.StatusConflict,
	trustlab.EUNAUTHORIZED: http.StatusUnauthorized,
	codeForbidden:          http.StatusForbidden,
	trustlab.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	trustlab.EUNAVAILABLE:  http.StatusNotImplemented,
	trustlab.ELIMIT:        http.StatusUnprocessableEntity,
	trustlab.ETOOMANY:      http.StatusTooManyRequests,
	trustlab.EMEDIATYPE:    http.StatusUnsupportedMediaType,
}

// StatusCode maps an error code to its HTTP status (statusOf): the one
// place where the API decides how a kind of failure is answered.
func StatusCode(code string) int {
	if status, ok := statusOf[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail names the kind of error, says what went wrong and lists each
// invalid field with its allowed range.
type ErrorDetail struct {
	Code    string                `json:"code"`
	Message string                `json:"message"`
	Fields  []trustlab.FieldError `json:"fields,omitempty"`
}

// writeError answers err with its status code and an ErrorBody. Internal
// errors are logged and answered without their detail.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := trustlab.ErrorCode(err)
	body := ErrorBody{Error: ErrorDetail{Code: code, Message: err.Error()}}
	switch code {
	case trustlab.EINTERNAL:
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		body.Error.Message = "internal error (see the server log)"
	case trustlab.EINVALID:
		body.Error.Fields = trustlab.FieldErrors(err)
		body.Error.Message = strings.ReplaceAll(err.Error(), "\n", "; ")
	}
	if code == trustlab.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="trustlab"`)
	}
	writeJSON(w, StatusCode(code), body)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 64<<10 {
			buf.Reset()
			bufPool.Put(buf)
		}
	}()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"cannot encode the response"}}`, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(buf.Len())}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// decodeJSON reads exactly one JSON object from the body (at most limit
// bytes) into v, strictly: unknown fields, duplicate keys, keys in another
// case than their field's, invalid UTF-8 and null where v has no pointer
// for it are refused (checkStrict).
func decodeJSON(r *http.Request, w http.ResponseWriter, limit int64, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return jsonError(err)
	}
	return unmarshalStrict(body, v)
}

// unmarshalStrict decodes body into v (a pointer) as decodeJSON does.
func unmarshalStrict(body []byte, v any) error {
	if err := checkStrict(body, reflect.TypeOf(v).Elem()); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return trustlab.Errorf(trustlab.EINVALID, "body: one JSON object expected, found more data after it")
	}
	return nil
}

// jsonError turns a decoding error into a domain error naming the field.
func jsonError(err error) error {
	var mbe *http.MaxBytesError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var de *trustlab.Error
	switch {
	case errors.As(err, &mbe):
		return trustlab.Errorf(trustlab.ETOOLARGE, "body: larger than the limit of %d bytes", mbe.Limit)
	case errors.As(err, &de):
		return trustlab.Invalid(de)
	case errors.As(err, &se):
		return trustlab.Errorf(trustlab.EINVALID, "body: malformed JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return trustlab.Invalid(trustlab.FieldErrorf(field, "", "got a JSON %s, want %s", te.Value, jsonType(te.Type.Kind().String())))
	case errors.Is(err, io.EOF):
		return trustlab.Errorf(trustlab.EINVALID, "body: empty; a JSON object expected")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return trustlab.Errorf(trustlab.EINVALID, "body: truncated JSON")
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return trustlab.Invalid(trustlab.FieldErrorf(strings.Trim(f, `"`), "", "unknown field"))
	}
	// Errors of UnmarshalText (for example an unknown game) name their
	// field themselves.
	return trustlab.Errorf(trustlab.EINVALID, "body: %s", strings.TrimPrefix(msg, "json: "))
}

func jsonType(kind string) string {
	switch kind {
	case "float64", "float32", "int", "int64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "struct", "map", "ptr":
		return "an object"
	case "slice":
		return "an array"
	}
	return fmt.Sprintf("a %s", kind)
}
