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

// moduleWalker is parseOnlyCalculateDeps: it walks one module's AST in
// acorn-walk's order and records references the way the game's visitors
// do. Only identifier references and non-computed member names are
// recorded; binding positions (acorn's "Pattern") are not.
type moduleWalker struct {
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

func walkModule(syms *symtab, module string, ast *js.AST) (*graph, []string, error) {
	w := &moduleWalker{
		syms: syms, module: module, g: newGraph(),
		members: map[int32]*keyRefs{}, curKey: -1,
		aliases: map[int32]int32{},
		special: [3]int32{syms.id(refIf), syms.id(refFor), syms.id(refWhile)},
		undef:   syms.id("undefined"),
	}
	st := walkState{key: syms.id(module + globalSuffix), top: true}
	w.refs(st.key)
	for _, s := range ast.List {
		w.stmt(s, st)
	}
	return w.g, w.imports, w.err
}

// keyRefs dedups one key's references; small per-key maps stay in cache
// where one map of all pairs would not.
type keyRefs struct {
	has  map[int32]struct{}
	last map[int32]int32 // name → alias+1 in force when last added
}

func (w *moduleWalker) refs(key int32) *keyRefs {
	if key == w.curKey {
		return w.cur
	}
	k := w.members[key]
	if k == nil {
		k = &keyRefs{has: map[int32]struct{}{}, last: map[int32]int32{}}
		w.members[key] = k
		w.g.touch(key)
	}
	w.curKey, w.cur = key, k
	return k
}

func (w *moduleWalker) add(key, ref int32) {
	k := w.refs(key)
	if _, ok := k.has[ref]; !ok {
		k.has[ref] = struct{}{}
		w.g.sets[key] = append(w.g.sets[key], ref)
	}
}

// addRef records name (and its import alias and module-qualified form)
// as referenced under key.
func (w *moduleWalker) addRef(key int32, module string, name int32) {
	k := w.refs(key)
	aliasKey := name
	if w.syms.names[name] == undefinedRef {
		aliasKey = w.undef
	}
	alias, aliased := w.aliases[aliasKey]
	var qual int32
	if module == w.module {
		tag := int32(0)
		if aliased {
			tag = alias + 1
		}
		if prev, ok := k.last[name]; ok && prev == tag {
			return
		}
		k.last[name] = tag
		for int(name) >= len(w.qual) {
			w.qual = append(w.qual, 0)
		}
		if qual = w.qual[name] - 1; qual < 0 {
			qual = w.syms.id(module + "." + jsName(w.syms.names[name]))
			w.qual[name] = qual + 1
		}
	} else {
		qual = w.syms.id(module + "." + jsName(w.syms.names[name]))
	}
	if aliased {
		w.add(key, alias)
	}
	w.add(key, qual)
	w.add(key, name)
}

// ident is the game's Identifier visitor.
func (w *moduleWalker) ident(st walkState, raw []byte) {
	if id := w.syms.ident(raw); !w.syms.proto[id] {
		w.addRef(st.key, w.module, id)
	}
}

func (w *moduleWalker) stmts(list []js.IStmt, st walkState) {
	for _, s := range list {
		w.stmt(s, st)
	}
}

func (w *moduleWalker) stmt(s js.IStmt, st walkState) {
	switch n := s.(type) {
	case *js.BlockStmt:
		w.stmts(n.List, st)
	case *js.ExprStmt:
		w.expr(n.Value, st)
	case *js.IfStmt:
		w.addRef(st.key, w.module, w.special[0])
		w.expr(n.Cond, st)
		w.stmt(n.Body, st)
		if n.Else != nil {
			w.stmt(n.Else, st)
		}
	case *js.DoWhileStmt:
		w.addRef(st.key, w.module, w.special[2])
		w.expr(n.Cond, st)
		w.stmt(n.Body, st)
	case *js.WhileStmt:
		w.addRef(st.key, w.module, w.special[2])
		w.expr(n.Cond, st)
		w.stmt(n.Body, st)
	case *js.ForStmt:
		w.addRef(st.key, w.module, w.special[1])
		if d, ok := n.Init.(*js.VarDecl); ok {
			w.varDecl(d, st)
		} else if n.Init != nil {
			w.expr(n.Init, st)
		}
		if n.Cond != nil {
			w.expr(n.Cond, st)
		}
		if n.Post != nil {
			w.expr(n.Post, st)
		}
		w.stmt(n.Body, st)
	case *js.ForInStmt:
		w.forInit(n.Init, st)
		w.expr(n.Value, st)
		w.stmt(n.Body, st)
	case *js.ForOfStmt:
		w.forInit(n.Init, st)
		w.expr(n.Value, st)
		w.stmt(n.Body, st)
	case *js.SwitchStmt:
		w.expr(n.Init, st)
		for i := range n.List {
			if n.List[i].Cond != nil {
				w.expr(n.List[i].Cond, st)
			}
			w.stmts(n.List[i].List, st)
		}
	case *js.ReturnStmt:
		if n.Value != nil {
			w.expr(n.Value, st)
		}
	case *js.WithStmt:
		w.expr(n.Cond, st)
		w.stmt(n.Body, st)
	case *js.LabelledStmt:
		w.stmt(n.Value, st)
	case *js.ThrowStmt:
		w.expr(n.Value, st)
	case *js.TryStmt:
		w.stmt(n.Body, st)
		if n.Catch != nil {
			if n.Binding != nil {
				w.binding(n.Binding, st)
			}
			w.stmt(n.Catch, st)
		}
		if n.Finally != nil {
			w.stmt(n.Finally, st)
		}
	case *js.VarDecl:
		w.varDecl(n, st)
	case *js.FuncDecl:
		w.funcDecl(n, st)
	case *js.ClassDecl:
		w.class(n, st)
	case *js.ImportStmt:
		w.importStmt(n, st)
	case *js.ExportStmt:
		w.exportStmt(n, st)
	}
}

// funcDecl is a FunctionDeclaration. Under the top-level visitors it gets
// its own key, so that an imported module's functions count only when
// referenced; inside such a function, nested declarations share its key.
func (w *moduleWalker) funcDecl(f *js.FuncDecl, st walkState) {
	if st.top {
		name := defaultExport
		if f.Name != nil {
			name = identName(f.Name.Data)
		}
		st = walkState{key: w.syms.id(w.module + "." + name)}
	}
	w.function(&f.Params, &f.Body, st)
}

func (w *moduleWalker) function(p *js.Params, body *js.BlockStmt, st walkState) {
	for i := range p.List {
		w.bindingElement(&p.List[i], st)
	}
	if p.Rest != nil {
		w.binding(p.Rest, st)
	}
	w.stmts(body.List, st)
}

func (w *moduleWalker) varDecl(d *js.VarDecl, st walkState) {
	for i := range d.List {
		w.bindingElement(&d.List[i], st)
	}
}

func (w *moduleWalker) bindingElement(e *js.BindingElement, st walkState) {
	if e.Binding != nil {
		w.binding(e.Binding, st)
	}
	if e.Default != nil {
		w.expr(e.Default, st)
	}
}

// binding walks a declaration pattern: names bound are free; computed
// keys and default values are ordinary expressions.
func (w *moduleWalker) binding(b js.IBinding, st walkState) {
	switch n := b.(type) {
	case *js.BindingArray:
		for i := range n.List {
			w.bindingElement(&n.List[i], st)
		}
		if n.Rest != nil {
			w.binding(n.Rest, st)
		}
	case *js.BindingObject:
		for i := range n.List {
			if k := n.List[i].Key; k != nil && k.IsComputed() {
				w.expr(k.Computed, st)
			}
			w.bindingElement(&n.List[i].Value, st)
		}
	}
}

// forInit is acorn-walk's ForInit for for-in/of: a declaration, or the
// left side walked as an expression, so a plain identifier there counts
// while destructuring targets do not.
func (w *moduleWalker) forInit(e js.IExpr, st walkState) {
	switch n := e.(type) {
	case *js.VarDecl:
		w.varDecl(n, st)
	case *js.ArrayExpr, *js.ObjectExpr:
		w.pattern(n, st)
	default:
		w.expr(e, st)
	}
}

// pattern walks an assignment target (acorn's Pattern): a plain
// identifier is free, a member expression is walked as usual.
func (w *moduleWalker) pattern(e js.IExpr, st walkState) {
	switch n := e.(type) {
	case *js.Var:
	case *js.GroupExpr:
		w.pattern(n.X, st)
	case *js.ArrayExpr:
		for _, el := range n.List {
			if el.Value != nil {
				w.pattern(el.Value, st)
			}
		}
	case *js.ObjectExpr:
		for i := range n.List {
			p := &n.List[i]
			if p.Spread {
				w.pattern(p.Value, st)
				continue
			}
			if p.Name != nil && p.Name.IsComputed() {
				w.expr(p.Name.Computed, st)
			}
			w.pattern(p.Value, st)
			if p.Init != nil {
				w.expr(p.Init, st)
			}
		}
	case *js.BinaryExpr:
		if n.Op == js.EqToken {
			w.pattern(n.X, st)
			w.expr(n.Y, st)
		} else {
			w.expr(n, st)
		}
	default:
		w.expr(e, st)
	}
}

func isAssignOp(tt js.TokenType) bool {
	switch tt {
	case js.EqToken, js.MulEqToken, js.DivEqToken, js.ModEqToken, js.ExpEqToken, js.AddEqToken,
		js.SubEqToken, js.LtLtEqToken, js.GtGtEqToken, js.GtGtGtEqToken, js.BitAndEqToken,
		js.BitXorEqToken, js.BitOrEqToken, js.AndEqToken, js.OrEqToken, js.NullishEqToken:
		return true
	}
	return false
}

func (w *moduleWalker) expr(e js.IExpr, st walkState) {
	switch n := e.(type) {
	case *js.Var:
		if !isPrivate(n.Data) {
			w.ident(st, n.Data)
		}
	case *js.ArrayExpr:
		for _, el := range n.List {
			if el.Value != nil {
				w.expr(el.Value, st)
			}
		}
	case *js.ObjectExpr:
		for i := range n.List {
			p := &n.List[i]
			if p.Spread {
				w.expr(p.Value, st)
				continue
			}
			if p.Name != nil && p.Name.IsComputed() {
				w.expr(p.Name.Computed, st)
			}
			if m, ok := p.Value.(*js.MethodDecl); ok {
				w.method(m, st)
			} else if p.Value != nil {
				w.expr(p.Value, st)
			}
			if p.Init != nil {
				w.expr(p.Init, st)
			}
		}
	case *js.TemplateExpr:
		if n.Tag != nil {
			w.expr(n.Tag, st)
		}
		for _, part := range n.List {
			w.expr(part.Expr, st)
		}
	case *js.GroupExpr:
		w.expr(n.X, st)
	case *js.DotExpr:
		// The game's MemberExpression visitor walks the property too, so
		// x.hack charges hack whatever x is.
		w.expr(n.X, st)
		if lit, ok := n.Y.(js.LiteralExpr); ok {
			w.ident(st, lit.Data)
		}
	case *js.IndexExpr:
		w.expr(n.X, st)
		w.expr(n.Y, st)
	case *js.NewExpr:
		w.expr(n.X, st)
		if n.Args != nil {
			w.args(n.Args, st)
		}
	case *js.CallExpr:
		w.expr(n.X, st)
		w.args(&n.Args, st)
	case *js.UnaryExpr:
		w.expr(n.X, st)
	case *js.BinaryExpr:
		if isAssignOp(n.Op) {
			w.pattern(n.X, st)
		} else {
			w.expr(n.X, st)
		}
		w.expr(n.Y, st)
	case *js.CondExpr:
		w.expr(n.Cond, st)
		w.expr(n.X, st)
		w.expr(n.Y, st)
	case *js.YieldExpr:
		if n.X != nil {
			w.expr(n.X, st)
		}
	case *js.ArrowFunc:
		w.function(&n.Params, &n.Body, st)
	case *js.CommaExpr:
		for _, x := range n.List {
			w.expr(x, st)
		}
	case *js.FuncDecl:
		// A function expression: never the top-level override.
		w.function(&n.Params, &n.Body, st)
	case *js.ClassDecl:
		w.class(n, st)
	}
}

func (w *moduleWalker) args(a *js.Args, st walkState) {
	for _, arg := range a.List {
		w.expr(arg.Value, st)
	}
}

// method walks a method: its name only when computed, then the function.
func (w *moduleWalker) method(m *js.MethodDecl, st walkState) {
	if m.Name.PropertyName.IsComputed() {
		w.expr(m.Name.PropertyName.Computed, st)
	}
	w.function(&m.Params, &m.Body, st)
}

func (w *moduleWalker) class(c *js.ClassDecl, st walkState) {
	if c.Extends != nil {
		w.expr(c.Extends, st)
	}
	for _, el := range c.List {
		switch {
		case el.StaticBlock != nil:
			w.stmts(el.StaticBlock.List, st)
		case el.Method != nil:
			w.method(el.Method, st)
		default:
			if el.Field.Name.PropertyName.IsComputed() {
				w.expr(el.Field.Name.PropertyName.Computed, st)
			}
			if el.Field.Init != nil {
				w.expr(el.Field.Init, st)
			}
		}
	}
}

// importStmt is the game's ImportDeclaration visitor: the module's global
// scope always depends on the imported module's global scope; a named
// import maps the local name to that module's function, a default or
// namespace import depends on the whole module.
func (w *moduleWalker) importStmt(n *js.ImportStmt, st walkState) {
	spec, ok := stringValue(n.Module)
	if !ok {
		w.fail(errBadString)
		return
	}
	w.imports = append(w.imports, spec)
	w.add(st.key, w.syms.id(spec+globalSuffix))
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
			w.aliases[w.syms.ident(a.Binding)] = w.syms.id(spec + "." + jsName(exportName(imported)))
		}
	}
	if whole {
		w.add(st.key, w.syms.id(spec+".*"))
	}
}

// exportStmt covers the game's ExportNamedDeclaration visitor and
// acorn-walk's defaults for the other export forms.
func (w *moduleWalker) exportStmt(n *js.ExportStmt, st walkState) {
	if n.Decl != nil {
		switch d := n.Decl.(type) {
		case *js.FuncDecl:
			w.funcDecl(d, st)
		case *js.ClassDecl:
			w.class(d, st)
		case *js.VarDecl:
			w.varDecl(d, st)
		default:
			w.expr(d, st)
		}
		return
	}
	var source string
	if n.Module != nil {
		var ok bool
		if source, ok = stringValue(n.Module); !ok {
			w.fail(errBadString)
			return
		}
	}
	if len(n.List) == 1 && (string(n.List[0].Binding) == "*" && n.List[0].Name == nil || string(n.List[0].Name) == "*") {
		// export * [as name] from: not followed; acorn-walk visits the
		// exported name as an identifier.
		if exported := n.List[0]; exported.Name != nil && !isQuoted(exported.Binding) {
			w.ident(st, exported.Binding)
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
		exported := w.syms.id(w.module + "." + jsName(exportName(a.Binding)))
		localName := exportName(local)
		if n.Module != nil {
			w.addRef(exported, source, w.syms.id(localName))
			w.imports = append(w.imports, source)
		} else if exportName(a.Binding) != localName {
			w.addRef(exported, w.module, w.syms.id(localName))
		}
	}
}

func (w *moduleWalker) fail(err error) {
	if w.err == nil {
		w.err = err
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
