package ramcalc

import (
	"bytes"

	"github.com/tdewolff/parse/v2/js"
)

// Names the game's RamCalculations.ts uses as graph keys and references.
const (
	globalSuffix  = ".__GLOBAL__"
	defaultExport = "__SPECIAL_DEFAULT_EXPORT__"
	refIf         = "__SPECIAL_referenceIf"
	refFor        = "__SPECIAL_referenceFor"
	refWhile      = "__SPECIAL_referenceWhile"
	// undefinedRef stands for a JavaScript undefined pushed as a reference
	// (the .name of a string-literal export specifier). The game throws on
	// it, and the throw becomes a syntax error.
	undefinedRef = "\x00undefined"
)

// isProtoName: Object.getOwnPropertyNames(Object.prototype). The game
// skips identifiers with these names, and a bare reference with one of
// them makes its graph walk throw.
func isProtoName(name string) bool {
	switch name {
	case "constructor", "__defineGetter__", "__defineSetter__", "hasOwnProperty",
		"__lookupGetter__", "__lookupSetter__", "isPrototypeOf", "propertyIsEnumerable",
		"toString", "valueOf", "__proto__", "toLocaleString":
		return true
	}
	return false
}

// jsName is how JavaScript concatenates a name: undefined prints as such.
func jsName(name string) string {
	if name == undefinedRef {
		return "undefined"
	}
	return name
}

// symtab interns the strings of one calculation: graph keys and
// references become small integers, which keeps big bundles fast.
type symtab struct {
	ids   map[string]int32
	names []string
	proto []bool // isProtoName, per symbol
}

func newSymtab() *symtab { return &symtab{ids: map[string]int32{}} }

func (t *symtab) id(s string) int32 {
	if id, ok := t.ids[s]; ok {
		return id
	}
	id := int32(len(t.names))
	t.ids[s] = id
	t.names = append(t.names, s)
	t.proto = append(t.proto, isProtoName(s))
	return id
}

// ident interns an identifier as written, escapes decoded.
func (t *symtab) ident(raw []byte) int32 {
	if bytes.IndexByte(raw, '\\') < 0 {
		if id, ok := t.ids[string(raw)]; ok {
			return id
		}
	}
	return t.id(identName(raw))
}

// lookup is a symbol's id, or -1 if the string never occurred.
func (t *symtab) lookup(s string) int32 {
	if id, ok := t.ids[s]; ok {
		return id
	}
	return -1
}

// graph is the game's dependencyMap: each key (a module's global scope or
// one of its top-level functions) maps to the references made under it.
// Keys and references keep insertion order, which fixes the order the
// game sums costs in, and so the last bits of the raw total.
type graph struct {
	keys []int32
	sets map[int32][]int32
}

func newGraph() *graph { return &graph{sets: map[int32][]int32{}} }

func (g *graph) touch(key int32) {
	if _, ok := g.sets[key]; !ok {
		g.keys = append(g.keys, key)
		g.sets[key] = nil
	}
}

// merge is Object.assign(dependencyMap, other): a key already present
// keeps its position and takes the new value.
func (g *graph) merge(o *graph) {
	for _, k := range o.keys {
		g.touch(k)
		g.sets[k] = o.sets[k]
	}
}

// walkState is acorn-walk's state plus whether the top-level visitors (the
// FunctionDeclaration override) are still in force.
type walkState struct {
	key int32
	top bool
}

// collector is the recording half of parseOnlyCalculateDeps: the game's
// visitors, called by the walker (walk.go) in acorn-walk's order. Only
// identifier references and non-computed member names are recorded;
// binding positions (acorn's "Pattern") are not.
type collector struct {
	syms    *symtab
	module  string
	g       *graph
	members map[int32]*keyRefs // per key: what is in g, for dedup
	curKey  int32              // the key of cur, the last one used
	cur     *keyRefs
	qual    []int32         // name → module.name symbol + 1
	aliases map[int32]int32 // internalToExternal
	imports []string        // additionalModules, raw specifiers
	special [3]int32        // refIf, refFor, refWhile
	undef   int32           // the symbol named "undefined"
	err     error
}

func newCollector(syms *symtab, module string) *collector {
	return &collector{
		syms: syms, module: module, g: newGraph(),
		members: map[int32]*keyRefs{}, curKey: -1,
		aliases: map[int32]int32{},
		special: [3]int32{syms.id(refIf), syms.id(refFor), syms.id(refWhile)},
		undef:   syms.id("undefined"),
	}
}

// keyRefs dedups one key's references; small per-key maps stay in cache
// where one map of all pairs would not.
type keyRefs struct {
	has  map[int32]struct{}
	last map[int32]int32 // name → alias+1 in force when last added
}

func (d *collector) refs(key int32) *keyRefs {
	if key == d.curKey {
		return d.cur
	}
	k := d.members[key]
	if k == nil {
		k = &keyRefs{has: map[int32]struct{}{}, last: map[int32]int32{}}
		d.members[key] = k
		d.g.touch(key)
	}
	d.curKey, d.cur = key, k
	return k
}

func (d *collector) add(key, ref int32) {
	k := d.refs(key)
	if _, ok := k.has[ref]; !ok {
		k.has[ref] = struct{}{}
		d.g.sets[key] = append(d.g.sets[key], ref)
	}
}

// addRef records name (and its import alias and module-qualified form)
// as referenced under key.
func (d *collector) addRef(key int32, module string, name int32) {
	k := d.refs(key)
	aliasKey := name
	if d.syms.names[name] == undefinedRef {
		aliasKey = d.undef
	}
	alias, aliased := d.aliases[aliasKey]
	var qual int32
	if module == d.module {
		tag := int32(0)
		if aliased {
			tag = alias + 1
		}
		if prev, ok := k.last[name]; ok && prev == tag {
			return
		}
		k.last[name] = tag
		for int(name) >= len(d.qual) {
			d.qual = append(d.qual, 0)
		}
		if qual = d.qual[name] - 1; qual < 0 {
			qual = d.syms.id(module + "." + jsName(d.syms.names[name]))
			d.qual[name] = qual + 1
		}
	} else {
		qual = d.syms.id(module + "." + jsName(d.syms.names[name]))
	}
	if aliased {
		d.add(key, alias)
	}
	d.add(key, qual)
	d.add(key, name)
}

// ident is the game's Identifier visitor.
func (d *collector) ident(st walkState, raw []byte) {
	if id := d.syms.ident(raw); !d.syms.proto[id] {
		d.addRef(st.key, d.module, id)
	}
}

// keyword records the game's reference for an if, for or while.
func (d *collector) keyword(st walkState, which int) {
	d.addRef(st.key, d.module, d.special[which])
}

// funcState is the state inside a function declaration. Under the
// top-level visitors it gets its own key, so that an imported module's
// functions count only when referenced; inside such a function, nested
// declarations share its key.
func (d *collector) funcState(f *js.FuncDecl, st walkState) walkState {
	if !st.top {
		return st
	}
	name := defaultExport
	if f.Name != nil {
		name = identName(f.Name.Data)
	}
	return walkState{key: d.syms.id(d.module + "." + name)}
}

// importStmt is the game's ImportDeclaration visitor: the module's global
// scope always depends on the imported module's global scope; a named
// import maps the local name to that module's function, a default or
// namespace import depends on the whole module.
func (d *collector) importStmt(n *js.ImportStmt, st walkState) {
	spec, ok := stringValue(n.Module)
	if !ok {
		d.fail(errBadString)
		return
	}
	d.imports = append(d.imports, spec)
	d.add(st.key, d.syms.id(spec+globalSuffix))
	whole := n.Default != nil
	for _, a := range n.List {
		switch {
		case a.Binding == nil:
		case string(a.Name) == "*":
			whole = true
		default:
			imported := a.Binding
			if a.Name != nil {
				imported = a.Name
			}
			d.aliases[d.syms.ident(a.Binding)] = d.syms.id(spec + "." + jsName(exportName(imported)))
		}
	}
	if whole {
		d.add(st.key, d.syms.id(spec+".*"))
	}
}

// exportList covers the game's ExportNamedDeclaration visitor and
// acorn-walk's defaults for the export forms without a declaration.
func (d *collector) exportList(n *js.ExportStmt, st walkState) {
	var source string
	if n.Module != nil {
		var ok bool
		if source, ok = stringValue(n.Module); !ok {
			d.fail(errBadString)
			return
		}
	}
	if len(n.List) == 1 && (string(n.List[0].Binding) == "*" && n.List[0].Name == nil || string(n.List[0].Name) == "*") {
		// export * [as name] from: not followed; acorn-walk visits the
		// exported name as an identifier.
		if exported := n.List[0]; exported.Name != nil && !isQuoted(exported.Binding) {
			d.ident(st, exported.Binding)
		}
		return
	}
	for _, a := range n.List {
		if a.Binding == nil {
			continue
		}
		local := a.Binding
		if a.Name != nil {
			local = a.Name
		}
		exported := d.syms.id(d.module + "." + jsName(exportName(a.Binding)))
		localName := exportName(local)
		if n.Module != nil {
			d.addRef(exported, source, d.syms.id(localName))
			d.imports = append(d.imports, source)
		} else if exportName(a.Binding) != localName {
			d.addRef(exported, d.module, d.syms.id(localName))
		}
	}
}

func (d *collector) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func isPrivate(name []byte) bool { return len(name) > 0 && name[0] == '#' }

func isQuoted(b []byte) bool { return len(b) > 0 && (b[0] == '"' || b[0] == '\'') }

// exportName is an import/export specifier's .name: a string-literal
// name has none.
func exportName(b []byte) string {
	if isQuoted(b) {
		return undefinedRef
	}
	return identName(b)
}
