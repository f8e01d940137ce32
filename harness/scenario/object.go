package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// object is one JSON object of a scenario file, read strictly: keys are
// matched exactly (encoding/json would ignore case), given once, and any
// key a reader does not allow is named in the error.
type object struct {
	path string
	keys []string // file order
	vals map[string]json.RawMessage
}

func parseObject(path string, raw json.RawMessage) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, &Error{path, ErrBadValue, "want an object, got " + describe(raw)}
	}
	o := &object{path: path, vals: make(map[string]json.RawMessage)}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, &Error{path, ErrSyntax, err.Error()}
		}
		key := tok.(string) // an object's tokens alternate key, value
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, &Error{path, ErrSyntax, err.Error()}
		}
		if _, dup := o.vals[key]; dup {
			return nil, &Error{path, ErrDuplicateKey, fmt.Sprintf("key %q given twice", key)}
		}
		o.keys = append(o.keys, key)
		o.vals[key] = v
	}
	return o, nil
}

// describe names a JSON value's type for messages.
func describe(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string " + string(raw)
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "the number " + string(raw)
}

// allow rejects the first key, in file order, that is not in allowed.
func (o *object) allow(allowed ...string) error {
	for _, k := range o.keys {
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if !ok {
			return &Error{o.path, ErrUnknownKey, fmt.Sprintf("unknown key %q (allowed: %s)", k, strings.Join(allowed, ", "))}
		}
	}
	return nil
}

func (o *object) has(key string) bool {
	_, ok := o.vals[key]
	return ok
}

func (o *object) require(keys ...string) error {
	for _, k := range keys {
		if !o.has(k) {
			return &Error{o.path, ErrMissingKey, fmt.Sprintf("key %q is required", k)}
		}
	}
	return nil
}

// bad reports an invalid value of key.
func (o *object) bad(key, format string, args ...any) error {
	return &Error{o.at(key), ErrBadValue, fmt.Sprintf(format, args...)}
}

// at is the path of one of the object's keys.
func (o *object) at(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

func (o *object) str(key string, dst *string) error {
	v, ok := o.vals[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(v, dst); err != nil || bytes.TrimSpace(v)[0] != '"' {
		return o.bad(key, "want a string, got %s", describe(v))
	}
	return nil
}

func (o *object) boolean(key string, dst *bool) error {
	v, ok := o.vals[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(v, dst); err != nil || bytes.TrimSpace(v)[0] == 'n' {
		return o.bad(key, "want true or false, got %s", describe(v))
	}
	return nil
}

func (o *object) number(key string, dst *float64) error {
	v, ok := o.vals[key]
	if !ok {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err != nil || bytes.TrimSpace(v)[0] == '"' {
		return o.bad(key, "want a number, got %s", describe(v))
	}
	x, err := n.Float64()
	if err != nil || math.IsInf(x, 0) {
		return o.bad(key, "number %s is out of range", n)
	}
	*dst = x
	return nil
}

// integer reads a whole number in [lo, hi].
func (o *object) integer(key string, lo, hi float64, dst *float64) error {
	var x float64
	if !o.has(key) {
		return nil
	}
	if err := o.number(key, &x); err != nil {
		return err
	}
	if x != math.Trunc(x) || x < lo || x > hi {
		return o.bad(key, "want a whole number from %v to %v, got %v", lo, hi, x)
	}
	*dst = x
	return nil
}

func (o *object) strings(key string, dst *[]string) error {
	items, err := o.list(key)
	if err != nil || items == nil {
		return err
	}
	out := make([]string, len(items))
	for i, it := range items {
		if err := json.Unmarshal(it, &out[i]); err != nil || bytes.TrimSpace(it)[0] != '"' {
			return o.bad(fmt.Sprintf("%s[%d]", key, i), "want a string, got %s", describe(it))
		}
	}
	*dst = out
	return nil
}

func (o *object) list(key string) ([]json.RawMessage, error) {
	v, ok := o.vals[key]
	if !ok {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(v, &items); err != nil || bytes.TrimSpace(v)[0] != '[' {
		return nil, o.bad(key, "want a list, got %s", describe(v))
	}
	if items == nil {
		items = []json.RawMessage{}
	}
	return items, nil
}

func (o *object) object(key string) (*object, error) {
	v, ok := o.vals[key]
	if !ok {
		return nil, nil
	}
	return parseObject(o.at(key), v)
}

// duration reads a game time written as Go writes durations ("90s",
// "12m", "1h30m"); it may not be negative.
func (o *object) duration(key string, dst *time.Duration) error {
	var s string
	v, ok := o.vals[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(v, &s); err != nil || bytes.TrimSpace(v)[0] != '"' {
		return o.bad(key, `want a duration such as "90s", "12m" or "1h30m", got %s`, describe(v))
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return o.bad(key, `want a duration such as "90s", "12m" or "1h30m", got %q`, s)
	}
	*dst = d
	return nil
}

// args reads script arguments: strings, numbers (as float64, the only JS
// number) and booleans.
func (o *object) args(key string, dst *[]any) error {
	items, err := o.list(key)
	if err != nil || items == nil {
		return err
	}
	out := make([]any, len(items))
	for i, it := range items {
		var v any
		if err := json.Unmarshal(it, &v); err != nil {
			return o.bad(key, "%v", err)
		}
		switch v.(type) {
		case string, float64, bool:
			out[i] = v
		default:
			return o.bad(fmt.Sprintf("%s[%d]", key, i), "want a string, number or boolean, got %s", describe(it))
		}
	}
	*dst = out
	return nil
}
