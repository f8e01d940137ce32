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

// span reads the object's from and to: a range of game time within a run
// of the given duration.
func (o *object) span(duration time.Duration, dst *Span) error {
	if err := firstErr(o.duration("from", &dst.From), o.duration("to", &dst.To)); err != nil {
		return err
	}
	switch {
	case dst.To < dst.From:
		return o.bad("to", "%v is before from's %v", dst.To, dst.From)
	case dst.To > duration:
		return o.bad("to", "%v is after the run ends at %v", dst.To, duration)
	}
	return nil
}

// intRange reads a whole number n (the range n to n) or a list [min,
// max] of whole numbers with lo ≤ min ≤ max ≤ hi.
func (o *object) intRange(key string, lo, hi int, dst *[2]int) error {
	var xs []float64
	if err := o.choices(key, &xs); err != nil || xs == nil {
		return err
	}
	if !o.isList(key) {
		xs = append(xs, xs[0])
	}
	if len(xs) != 2 {
		return o.bad(key, "want a whole number or a list [min, max], got %d numbers", len(xs))
	}
	for _, x := range xs {
		if x != math.Trunc(x) || x < float64(lo) || x > float64(hi) {
			return o.bad(key, "want whole numbers from %d to %d, got %v", lo, hi, x)
		}
	}
	if xs[0] > xs[1] {
		return o.bad(key, "min %v is more than max %v", xs[0], xs[1])
	}
	*dst = [2]int{int(xs[0]), int(xs[1])}
	return nil
}

// choices reads a number or a non-empty list of numbers to draw from.
func (o *object) choices(key string, dst *[]float64) error {
	if !o.has(key) {
		return nil
	}
	if !o.isList(key) {
		var x float64
		if err := o.number(key, &x); err != nil {
			return err
		}
		*dst = []float64{x}
		return nil
	}
	items, err := o.list(key)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return o.bad(key, "want at least one number to draw from")
	}
	out := make([]float64, len(items))
	for i, it := range items {
		elem := &object{path: o.path, vals: map[string]json.RawMessage{fmt.Sprintf("%s[%d]", key, i): it}}
		if err := elem.number(fmt.Sprintf("%s[%d]", key, i), &out[i]); err != nil {
			return err
		}
	}
	*dst = out
	return nil
}

func (o *object) isList(key string) bool {
	v := bytes.TrimSpace(o.vals[key])
	return len(v) > 0 && v[0] == '['
}
