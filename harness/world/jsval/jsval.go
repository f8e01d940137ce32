// Package jsval holds the few JavaScript value rules the harness's game
// model must reproduce in Go: how JS prints and parses numbers, how
// Math.round rounds, and how netscript converts an argument to a number,
// down to the text of the errors it throws. The model's error messages
// embed numbers, so "was 1.5" and "was 1e+21" must read exactly as the
// game's do.
package jsval

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// Special stands for the JS values Go has no natural form for. Go nil is
// taken to mean JS null (that is what JSON and goja's Export give), so
// Undefined must be passed explicitly where the difference matters.
type Special int

const (
	// Undefined is JS undefined.
	Undefined Special = iota + 1
	// Null is JS null; nil means the same.
	Null
)

// IsNullish reports whether v is JS null or undefined (nil counts as null).
func IsNullish(v any) bool { return v == nil || v == Undefined || v == Null }

// Error is an error a netscript function throws. Error() is the game's text
// word for word (callers add the "fn: " prefix where the game does), and
// Kind lets Go callers match it with errors.Is.
type Error struct {
	Kind error
	Msg  string
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Kind }

// Kinds of Number's errors.
var (
	ErrNaN       = errors.New("jsval: argument is NaN")
	ErrNotNumber = errors.New("jsval: argument is not a number")
)

// Number converts v the way the game's helpers.number does: a number is
// taken as is (NaN throws), a string goes through parseFloat (a NaN result
// throws), anything else throws a type error naming argName.
func Number(argName string, v any) (float64, error) {
	if s, ok := v.(string); ok {
		if x := ParseFloat(s); !math.IsNaN(x) {
			return x, nil
		}
	} else if x, ok := ToFloat(v); ok {
		if math.IsNaN(x) {
			return 0, &Error{ErrNaN, "'" + argName + "' is NaN."}
		}
		return x, nil
	}
	return 0, &Error{ErrNotNumber, "'" + argName + "' should be a number. " + debugType(v)}
}

// ToFloat returns the value of a Go number of any built-in numeric type,
// and false for anything else.
func ToFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

// IsPositiveInteger is the game's isPositiveInteger: an integer > 0
// (Infinity is not an integer).
func IsPositiveInteger(x float64) bool {
	return x > 0 && !math.IsInf(x, 0) && x == math.Trunc(x)
}

// debugType describes a value the way the game's error messages do.
// Objects are shown through Go's JSON encoding, which may order keys and
// escape characters differently from JSON.stringify.
func debugType(v any) string {
	switch x := v.(type) {
	case nil:
		return "Is null."
	case Special:
		if x == Undefined {
			return "Is undefined."
		}
		return "Is null."
	case string:
		return "Is of type 'string', value: " + friendly(x)
	case bool:
		return "Is of type 'boolean', value: '" + strconv.FormatBool(x) + "'"
	}
	if f, ok := ToFloat(v); ok {
		return "Is of type 'number', value: " + Format(f)
	}
	if reflect.ValueOf(v).Kind() == reflect.Func {
		return "Is a function."
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "Is of type 'object', value: ???"
	}
	return "Is of type 'object', value: '" + clip(string(b)) + "'"
}

// friendly quotes a string as the game's userFriendlyString does.
func friendly(s string) string {
	if s == "" {
		return "empty string"
	}
	return "'" + clip(s) + "'"
}

// clip shortens s to 12 UTF-16 units plus "..." when it is longer than 15,
// counting as JS string length does.
func clip(s string) string {
	u := utf16.Encode([]rune(s))
	if len(u) <= 15 {
		return s
	}
	return string(utf16.Decode(u[:12])) + "..."
}

// Round is JS Math.round: the nearest integer, halves rounded up toward
// +Inf (Go's math.Round rounds them away from zero), and -0 for inputs in
// [-0.5, -0].
func Round(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r := math.Floor(x)
	if x-r >= 0.5 {
		r++
	}
	if r == 0 && math.Signbit(x) {
		return math.Copysign(0, -1)
	}
	return r
}

// Format prints x as JS String(x) does (Number::toString with radix 10).
func Format(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case x == 0:
		return "0"
	case x < 0:
		return "-" + Format(-x)
	case math.IsInf(x, 1):
		return "Infinity"
	}
	// Shortest round-trip digits, as ECMAScript requires; Go picks the
	// same digits (the closest candidate when several are shortest).
	e := strconv.FormatFloat(x, 'e', -1, 64) // d.ddddde±XX
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	k := len(digits)
	n, _ := strconv.Atoi(exp)
	n++ // value = 0.digits × 10^n
	switch {
	case k <= n && n <= 21:
		return digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return "0." + strings.Repeat("0", -n) + digits
	}
	sign := "+"
	if n-1 < 0 {
		sign = "-"
	}
	p := strconv.Itoa(abs(n - 1))
	if k == 1 {
		return digits + "e" + sign + p
	}
	return digits[:1] + "." + digits[1:] + "e" + sign + p
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// ParseFloat is JS parseFloat: leading white space is skipped, then the
// longest prefix that is a decimal literal (or "Infinity", with an
// optional sign) is converted; no such prefix gives NaN. Hex, binary and
// numeric separators are not decimal literals, so "0x10" gives 0.
func ParseFloat(s string) float64 {
	s = strings.TrimLeftFunc(s, isJSSpace)
	body := s
	if body != "" && (body[0] == '+' || body[0] == '-') {
		body = body[1:]
	}
	if strings.HasPrefix(body, "Infinity") {
		if s[0] == '-' {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	n := decimalPrefix(body)
	if n == 0 {
		return math.NaN()
	}
	lit := s[:len(s)-len(body)+n]
	x, err := strconv.ParseFloat(lit, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return math.NaN() // unreachable: lit is a well-formed decimal
	}
	return x // ±Inf or ±0 on overflow or underflow, as in JS
}

// decimalPrefix returns the length of the longest unsigned decimal literal
// at the start of s: digits [. digits] [e[±]digits], or . digits [...].
func decimalPrefix(s string) int {
	i := digitsAt(s, 0)
	intDigits := i
	frac := 0
	if i < len(s) && s[i] == '.' {
		frac = digitsAt(s, i+1) - (i + 1)
		if intDigits > 0 || frac > 0 {
			i += 1 + frac
		}
	}
	if intDigits == 0 && frac == 0 {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if end := digitsAt(s, j); end > j {
			i = end
		}
	}
	return i
}

func digitsAt(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// isJSSpace is StrWhiteSpaceChar: JS WhiteSpace and LineTerminator.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u2028', '\u2029', '\ufeff':
		return true
	}
	return unicode.Is(unicode.Zs, r)
}
