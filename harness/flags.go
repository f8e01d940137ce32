package harness

import (
	"errors"
	"strconv"
	"strings"

	"github.com/dop251/goja"

	"ramfarm/harness/world/jsval"
)

// flags is ns.flags: the script's args parsed against a schema of
// [name, default] pairs, the default's type saying how a value is read
// (boolean: present means true; number, string: the next arg; array: each
// occurrence appends). Unknown options throw, as the game's parser does.
func (b *nsBuilder) flags(schema goja.Value) goja.Value {
	vm := b.vm
	type spec struct {
		def  goja.Value
		kind string // "bool", "number", "string", "array"
	}
	specs := map[string]*spec{}
	var order []string
	rows, _ := schema.Export().([]any)
	for i := range rows {
		row, ok := schema.(*goja.Object).Get(strconv.Itoa(i)).(*goja.Object)
		if !ok {
			b.throw("flags", errors.New("schema entries must be [name, default] pairs"))
		}
		name := row.Get("0").String()
		def := row.Get("1")
		s := &spec{def: def}
		switch def.Export().(type) {
		case bool:
			s.kind = "bool"
		case int64, float64:
			s.kind = "number"
		case []any:
			s.kind = "array"
		default:
			s.kind = "string"
		}
		specs[name] = s
		order = append(order, name)
	}
	out := vm.NewObject()
	values := map[string]goja.Value{}
	var arrays = map[string][]any{}
	var positional []any
	argv := make([]string, len(b.p.Args))
	for i, a := range b.p.Args {
		argv[i] = jsArgString(a)
	}
	for i := 0; i < len(argv); i++ {
		tok := argv[i]
		if tok == "--" {
			for _, rest := range argv[i+1:] {
				positional = append(positional, rest)
			}
			break
		}
		var name, value string
		hasValue := false
		switch {
		case strings.HasPrefix(tok, "--") && len(tok) > 2:
			name = tok[2:]
			if eq := strings.IndexByte(name, '='); eq >= 0 {
				name, value, hasValue = name[:eq], name[eq+1:], true
			}
		case strings.HasPrefix(tok, "-") && len(tok) == 2 && !isDigit(tok[1]):
			name = tok[1:]
		default:
			positional = append(positional, tok)
			continue
		}
		s, ok := specs[name]
		if !ok {
			b.throw("flags", errors.New("unknown or unexpected option: "+tok))
		}
		if s.kind == "bool" {
			values[name] = vm.ToValue(true)
			continue
		}
		if !hasValue {
			if i+1 >= len(argv) {
				b.throw("flags", errors.New("option requires argument: "+tok))
			}
			i++
			value = argv[i]
		}
		switch s.kind {
		case "number":
			values[name] = vm.ToValue(jsval.ParseFloat(value))
			if f, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
				values[name] = vm.ToValue(f)
			}
		case "array":
			arrays[name] = append(arrays[name], value)
		default:
			values[name] = vm.ToValue(value)
		}
	}
	for _, name := range order {
		s := specs[name]
		switch {
		case s.kind == "array" && arrays[name] != nil:
			out.Set(name, arrays[name])
		case values[name] != nil:
			out.Set(name, values[name])
		default:
			out.Set(name, s.def)
		}
	}
	if positional == nil {
		positional = []any{}
	}
	out.Set("_", positional)
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// jsArgString is String(arg) for a script argument.
func jsArgString(a any) string {
	switch x := a.(type) {
	case string:
		return x
	case float64:
		return jsval.Format(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}
