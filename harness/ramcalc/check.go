package ramcalc

import (
	"bytes"
	"fmt"

	"github.com/tdewolff/parse/v2/js"
)

// The game parses with acorn (sourceType module, so strict mode), which
// raises early errors that tdewolff's parser does not. checkModule adds
// the ones a real script could plausibly contain, so that what the game
// refuses to start is refused here too. Known gaps are listed in doc.go.

// fnScope is what a function boundary resets: labels, loop nesting, and
// where new.target, super and arguments may appear.
type fnScope struct {
	labels     []label
	loops      int
	breakables int
	newTarget  bool
	superProp  bool
	superCall  bool
	fieldInit  bool
}

type label struct {
	name   string
	isLoop bool
}

type checker struct {
	privates []map[string]bool // private names of the enclosing classes
	err      error
}

func (c *checker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

func checkModule(ast *js.AST) error {
	c := &checker{}
	c.moduleBindings(ast.List)
	c.blockFunctions(ast.List)
	sc := &fnScope{}
	for _, s := range ast.List {
		if c.err != nil {
			break
		}
		c.stmt(s, sc)
	}
	return c.err
}

// moduleBindings checks import bindings against each other and the
// module's declarations, and export lists against both.
func (c *checker) moduleBindings(list []js.IStmt) {
	declared := map[string]bool{}
	for _, s := range list {
		switch n := s.(type) {
		case *js.ExportStmt:
			if n.Decl != nil {
				declNames(n.Decl, declared)
			}
		case js.IExpr:
			declNames(n, declared)
		}
		varNames(s, declared)
	}
	imported := map[string]bool{}
	for _, s := range list {
		n, ok := s.(*js.ImportStmt)
		if !ok {
			continue
		}
		locals := [][]byte{}
		if n.Default != nil {
			locals = append(locals, n.Default)
		}
		for _, a := range n.List {
			if a.Binding != nil {
				locals = append(locals, a.Binding)
			}
		}
		for _, l := range locals {
			name := identName(l)
			if imported[name] || declared[name] {
				c.fail("identifier '%s' has already been declared", name)
				return
			}
			imported[name] = true
		}
	}
	exported := map[string]bool{}
	addExport := func(name string) {
		if exported[name] {
			c.fail("duplicate export '%s'", name)
		}
		exported[name] = true
	}
	for _, s := range list {
		n, ok := s.(*js.ExportStmt)
		if !ok {
			continue
		}
		switch {
		case n.Default:
			addExport("default")
		case n.Decl != nil:
			names := map[string]bool{}
			declNames(n.Decl, names)
			for name := range names {
				addExport(name)
			}
		case len(n.List) == 1 && n.List[0].Name == nil && string(n.List[0].Binding) == "*":
		case len(n.List) == 1 && string(n.List[0].Name) == "*":
			addExport(specifierName(n.List[0].Binding))
		default:
			for _, a := range n.List {
				if a.Binding == nil {
					continue
				}
				local := a.Binding
				if a.Name != nil {
					local = a.Name
				}
				if n.Module == nil {
					if isQuoted(local) {
						c.fail("a string literal cannot be used as an exported binding without 'from'")
					} else if name := identName(local); !declared[name] && !imported[name] {
						c.fail("export '%s' is not defined", name)
					}
				}
				addExport(specifierName(a.Binding))
			}
		}
	}
}

func specifierName(b []byte) string {
	if isQuoted(b) {
		s, _ := stringValue(b)
		return s
	}
	return identName(b)
}

// declNames adds the names a top-level declaration binds.
func declNames(e js.IExpr, into map[string]bool) {
	switch d := e.(type) {
	case *js.VarDecl:
		for i := range d.List {
			boundNames(d.List[i].Binding, into)
		}
	case *js.FuncDecl:
		if d.Name != nil {
			into[identName(d.Name.Data)] = true
		}
	case *js.ClassDecl:
		if d.Name != nil {
			into[identName(d.Name.Data)] = true
		}
	}
}

// blockFunctions checks function declarations of a block or the module
// top level, where they are lexical in strict code: tdewolff treats them
// as var-scoped and lets a second function or a var of the same name by.
func (c *checker) blockFunctions(list []js.IStmt) {
	funcs, vars := map[string]bool{}, map[string]bool{}
	for _, s := range list {
		f, ok := s.(*js.FuncDecl)
		if e, export := s.(*js.ExportStmt); export {
			f, ok = e.Decl.(*js.FuncDecl)
		}
		if ok && f.Name != nil {
			name := identName(f.Name.Data)
			if funcs[name] {
				c.fail("identifier '%s' has already been declared", name)
			}
			funcs[name] = true
		}
		varNames(s, vars)
	}
	for name := range funcs {
		if vars[name] {
			c.fail("identifier '%s' has already been declared", name)
		}
	}
}

// varNames adds the var-declared names hoisted out of a statement.
func varNames(s js.IStmt, into map[string]bool) {
	switch n := s.(type) {
	case *js.VarDecl:
		if n.TokenType == js.VarToken {
			declNames(n, into)
		}
	case *js.BlockStmt:
		for _, x := range n.List {
			varNames(x, into)
		}
	case *js.IfStmt:
		varNames(n.Body, into)
		if n.Else != nil {
			varNames(n.Else, into)
		}
	case *js.WhileStmt:
		varNames(n.Body, into)
	case *js.DoWhileStmt:
		varNames(n.Body, into)
	case *js.ForStmt:
		if d, ok := n.Init.(*js.VarDecl); ok {
			varNames(d, into)
		}
		varNames(n.Body, into)
	case *js.ForInStmt:
		if d, ok := n.Init.(*js.VarDecl); ok {
			varNames(d, into)
		}
		varNames(n.Body, into)
	case *js.ForOfStmt:
		if d, ok := n.Init.(*js.VarDecl); ok {
			varNames(d, into)
		}
		varNames(n.Body, into)
	case *js.SwitchStmt:
		for i := range n.List {
			for _, x := range n.List[i].List {
				varNames(x, into)
			}
		}
	case *js.TryStmt:
		varNames(n.Body, into)
		if n.Catch != nil {
			varNames(n.Catch, into)
		}
		if n.Finally != nil {
			varNames(n.Finally, into)
		}
	case *js.LabelledStmt:
		varNames(n.Value, into)
	case *js.ExportStmt:
		if d, ok := n.Decl.(*js.VarDecl); ok {
			varNames(d, into)
		}
	}
}

func boundNames(b js.IBinding, into map[string]bool) {
	switch n := b.(type) {
	case *js.Var:
		into[identName(n.Data)] = true
	case *js.BindingArray:
		for i := range n.List {
			boundNames(n.List[i].Binding, into)
		}
		boundNames(n.Rest, into)
	case *js.BindingObject:
		for i := range n.List {
			boundNames(n.List[i].Value.Binding, into)
		}
		if n.Rest != nil {
			into[identName(n.Rest.Data)] = true
		}
	}
}

// isStrictReserved reports names a module may not use as identifiers.
func isStrictReserved(name string) bool {
	switch name {
	case "implements", "interface", "let", "package", "private", "protected", "public",
		"static", "yield", "await", "enum":
		return true
	}
	return false
}

func (c *checker) name(raw []byte) string {
	name := identName(raw)
	if isStrictReserved(name) {
		c.fail("the keyword '%s' is reserved", name)
	}
	return name
}

func (c *checker) bindingName(raw []byte) {
	if name := c.name(raw); name == "eval" || name == "arguments" {
		c.fail("binding %s in strict mode", name)
	}
}

func (c *checker) stmts(list []js.IStmt, sc *fnScope) {
	for _, s := range list {
		c.stmt(s, sc)
	}
}

func (c *checker) loopBody(s js.IStmt, sc *fnScope) {
	sc.loops++
	sc.breakables++
	c.stmt(s, sc)
	sc.loops--
	sc.breakables--
}

func (c *checker) stmt(s js.IStmt, sc *fnScope) {
	if c.err != nil {
		return
	}
	switch n := s.(type) {
	case *js.BlockStmt:
		c.blockFunctions(n.List)
		c.stmts(n.List, sc)
	case *js.ExprStmt:
		c.expr(n.Value, sc)
	case *js.IfStmt:
		c.expr(n.Cond, sc)
		c.stmt(n.Body, sc)
		if n.Else != nil {
			c.stmt(n.Else, sc)
		}
	case *js.DoWhileStmt:
		c.expr(n.Cond, sc)
		c.loopBody(n.Body, sc)
	case *js.WhileStmt:
		c.expr(n.Cond, sc)
		c.loopBody(n.Body, sc)
	case *js.ForStmt:
		if d, ok := n.Init.(*js.VarDecl); ok {
			c.varDecl(d, sc)
		} else if n.Init != nil {
			c.expr(n.Init, sc)
		}
		if n.Cond != nil {
			c.expr(n.Cond, sc)
		}
		if n.Post != nil {
			c.expr(n.Post, sc)
		}
		c.loopBody(n.Body, sc)
	case *js.ForInStmt:
		c.forInit(n.Init, sc)
		c.expr(n.Value, sc)
		c.loopBody(n.Body, sc)
	case *js.ForOfStmt:
		c.forInit(n.Init, sc)
		c.expr(n.Value, sc)
		c.loopBody(n.Body, sc)
	case *js.SwitchStmt:
		c.expr(n.Init, sc)
		sc.breakables++
		for i := range n.List {
			if n.List[i].Cond != nil {
				c.expr(n.List[i].Cond, sc)
			}
			c.stmts(n.List[i].List, sc)
		}
		sc.breakables--
	case *js.BranchStmt:
		c.branch(n, sc)
	case *js.ReturnStmt:
		if n.Value != nil {
			c.expr(n.Value, sc)
		}
	case *js.WithStmt:
		c.fail("'with' in strict mode")
	case *js.LabelledStmt:
		c.labelled(n, sc)
	case *js.ThrowStmt:
		c.expr(n.Value, sc)
	case *js.TryStmt:
		c.stmt(n.Body, sc)
		if n.Binding != nil {
			c.binding(n.Binding, sc)
			if _, simple := n.Binding.(*js.Var); !simple && n.Catch != nil {
				// Only a plain catch parameter may be redeclared by var.
				params, vars := map[string]bool{}, map[string]bool{}
				boundNames(n.Binding, params)
				varNames(n.Catch, vars)
				for name := range params {
					if vars[name] {
						c.fail("identifier '%s' has already been declared", name)
					}
				}
			}
		}
		if n.Catch != nil {
			c.stmt(n.Catch, sc)
		}
		if n.Finally != nil {
			c.stmt(n.Finally, sc)
		}
	case *js.VarDecl:
		c.varDecl(n, sc)
	case *js.FuncDecl:
		c.function(n, sc)
	case *js.ClassDecl:
		c.class(n, sc)
	case *js.ImportStmt:
		if _, ok := stringValue(n.Module); !ok {
			c.fail("bad module specifier %s", n.Module)
		}
		if n.Default != nil {
			c.bindingName(n.Default)
		}
		for _, a := range n.List {
			if a.Binding != nil {
				c.bindingName(a.Binding)
			}
		}
	case *js.ExportStmt:
		c.export(n, sc)
	}
}

func (c *checker) export(n *js.ExportStmt, sc *fnScope) {
	if n.Module != nil {
		if _, ok := stringValue(n.Module); !ok {
			c.fail("bad module specifier %s", n.Module)
		}
	}
	for _, a := range n.List {
		for _, b := range [][]byte{a.Name, a.Binding} {
			if isQuoted(b) {
				if _, ok := stringValue(b); !ok {
					c.fail("bad export name %s", b)
				}
			}
		}
	}
	switch d := n.Decl.(type) {
	case nil:
	case *js.VarDecl:
		c.varDecl(d, sc)
	case *js.FuncDecl:
		c.function(d, sc)
	case *js.ClassDecl:
		c.class(d, sc)
	default:
		c.expr(d, sc)
	}
}

func (c *checker) branch(n *js.BranchStmt, sc *fnScope) {
	kind := "break"
	if n.Type == js.ContinueToken {
		kind = "continue"
	}
	if n.Label == nil {
		if sc.loops == 0 && (kind == "continue" || sc.breakables == 0) {
			c.fail("unsyntactic %s", kind)
		}
		return
	}
	name := identName(n.Label)
	for i := len(sc.labels) - 1; i >= 0; i-- {
		if sc.labels[i].name == name {
			if kind == "continue" && !sc.labels[i].isLoop {
				c.fail("unsyntactic continue")
			}
			return
		}
	}
	c.fail("undefined label '%s'", name)
}

func (c *checker) labelled(n *js.LabelledStmt, sc *fnScope) {
	name := c.name(n.Label)
	for _, l := range sc.labels {
		if l.name == name {
			c.fail("label '%s' is already declared", name)
		}
	}
	body := n.Value
	for {
		inner, ok := body.(*js.LabelledStmt)
		if !ok {
			break
		}
		body = inner.Value
	}
	isLoop := false
	switch b := body.(type) {
	case *js.ForStmt, *js.ForInStmt, *js.ForOfStmt, *js.WhileStmt, *js.DoWhileStmt:
		isLoop = true
	case *js.FuncDecl:
		c.fail("in strict mode code, functions can only be declared at top level or inside a block")
	case *js.ClassDecl:
		c.fail("lexical declaration cannot appear in a single-statement context")
	case *js.VarDecl:
		if b.TokenType != js.VarToken {
			c.fail("lexical declaration cannot appear in a single-statement context")
		}
	}
	sc.labels = append(sc.labels, label{name, isLoop})
	c.stmt(n.Value, sc)
	sc.labels = sc.labels[:len(sc.labels)-1]
}

func (c *checker) varDecl(d *js.VarDecl, sc *fnScope) {
	for i := range d.List {
		c.bindingElement(&d.List[i], sc)
	}
}

func (c *checker) bindingElement(e *js.BindingElement, sc *fnScope) {
	if e.Binding != nil {
		c.binding(e.Binding, sc)
	}
	if e.Default != nil {
		c.expr(e.Default, sc)
	}
}

func (c *checker) binding(b js.IBinding, sc *fnScope) {
	switch n := b.(type) {
	case *js.Var:
		c.bindingName(n.Data)
	case *js.BindingArray:
		for i := range n.List {
			c.bindingElement(&n.List[i], sc)
		}
		if n.Rest != nil {
			c.binding(n.Rest, sc)
		}
	case *js.BindingObject:
		for i := range n.List {
			if k := n.List[i].Key; k != nil && k.IsComputed() {
				c.expr(k.Computed, sc)
			}
			c.bindingElement(&n.List[i].Value, sc)
		}
		if n.Rest != nil {
			c.bindingName(n.Rest.Data)
		}
	}
}

func (c *checker) forInit(e js.IExpr, sc *fnScope) {
	if d, ok := e.(*js.VarDecl); ok {
		c.varDecl(d, sc)
		return
	}
	c.target(e, true, sc)
}

// target checks an assignment target: a variable or member expression,
// or with patterns allowed a destructuring array or object.
func (c *checker) target(e js.IExpr, patterns bool, sc *fnScope) {
	switch n := e.(type) {
	case *js.Var:
		if name := c.name(n.Data); name == "eval" || name == "arguments" {
			c.fail("assigning to %s in strict mode", name)
		}
	case *js.GroupExpr:
		c.target(n.X, false, sc)
	case *js.DotExpr, *js.IndexExpr:
		if inOptionalChain(e) {
			c.fail("optional chaining cannot appear in left-hand side")
		}
		c.expr(e, sc)
	case *js.ArrayExpr:
		if !patterns {
			c.fail("invalid assignment target")
			return
		}
		for i, el := range n.List {
			switch {
			case el.Value == nil:
			case el.Spread:
				if i != len(n.List)-1 {
					c.fail("comma is not permitted after the rest element")
				}
				if a, ok := el.Value.(*js.BinaryExpr); ok && a.Op == js.EqToken {
					c.fail("rest elements cannot have a default value")
				}
				c.target(el.Value, true, sc)
			default:
				c.targetWithDefault(el.Value, sc)
			}
		}
	case *js.ObjectExpr:
		if !patterns {
			c.fail("invalid assignment target")
			return
		}
		for i := range n.List {
			p := &n.List[i]
			switch {
			case p.Spread:
				c.target(p.Value, false, sc)
			case p.Name == nil:
				c.fail("object pattern can't contain a method")
			default:
				if p.Name.IsComputed() {
					c.expr(p.Name.Computed, sc)
				}
				c.targetWithDefault(p.Value, sc)
				if p.Init != nil {
					c.expr(p.Init, sc)
				}
			}
		}
	default:
		c.fail("invalid assignment target")
	}
}

func (c *checker) targetWithDefault(e js.IExpr, sc *fnScope) {
	if a, ok := e.(*js.BinaryExpr); ok && a.Op == js.EqToken {
		c.target(a.X, true, sc)
		c.expr(a.Y, sc)
		return
	}
	c.target(e, true, sc)
}

// inOptionalChain reports whether e is part of an a?.b chain.
func inOptionalChain(e js.IExpr) bool {
	for {
		switch n := e.(type) {
		case *js.DotExpr:
			if n.Optional {
				return true
			}
			e = n.X
		case *js.IndexExpr:
			if n.Optional {
				return true
			}
			e = n.X
		case *js.CallExpr:
			if n.Optional {
				return true
			}
			e = n.X
		case *js.TemplateExpr:
			if n.Optional {
				return true
			}
			if n.Tag == nil {
				return false
			}
			e = n.Tag
		default:
			return false
		}
	}
}

func isLiteral(e js.IExpr, tt js.TokenType) bool {
	switch n := e.(type) {
	case js.LiteralExpr:
		return n.TokenType == tt
	case *js.LiteralExpr:
		return n.TokenType == tt
	}
	return false
}

func (c *checker) superProp(sc *fnScope) {
	if !sc.superProp {
		c.fail("'super' keyword outside a method")
	}
}

func (c *checker) private(raw []byte) {
	name := string(raw)
	for i := len(c.privates) - 1; i >= 0; i-- {
		if c.privates[i][name] {
			return
		}
	}
	c.fail("private field '%s' must be declared in an enclosing class", name)
}

func (c *checker) expr(e js.IExpr, sc *fnScope) {
	if c.err != nil {
		return
	}
	switch n := e.(type) {
	case *js.Var:
		if isPrivate(n.Data) {
			c.private(n.Data)
			return
		}
		if name := c.name(n.Data); name == "arguments" && sc.fieldInit {
			c.fail("cannot use 'arguments' in class field initializer")
		}
	case js.LiteralExpr:
		c.literal(&n)
	case *js.LiteralExpr:
		c.literal(n)
	case *js.ArrayExpr:
		for _, el := range n.List {
			if el.Value != nil {
				c.expr(el.Value, sc)
			}
		}
	case *js.ObjectExpr:
		c.object(n, sc)
	case *js.TemplateExpr:
		if n.Tag != nil {
			if inOptionalChain(n.Tag) {
				c.fail("optional chaining cannot appear in the tag of tagged template expressions")
			}
			c.expr(n.Tag, sc)
		} else {
			for _, p := range n.List {
				c.templateChunk(p.Value)
			}
			c.templateChunk(n.Tail)
		}
		for _, p := range n.List {
			c.expr(p.Expr, sc)
		}
	case *js.GroupExpr:
		c.expr(n.X, sc)
	case *js.DotExpr:
		if isLiteral(n.X, js.SuperToken) {
			c.superProp(sc)
		} else {
			c.expr(n.X, sc)
		}
		if v, ok := n.Y.(*js.Var); ok {
			c.private(v.Data)
		}
	case *js.IndexExpr:
		if isLiteral(n.X, js.SuperToken) {
			c.superProp(sc)
		} else {
			c.expr(n.X, sc)
		}
		c.expr(n.Y, sc)
	case *js.NewTargetExpr:
		if !sc.newTarget {
			c.fail("'new.target' can only be used in functions and class static block")
		}
	case *js.NewExpr:
		c.expr(n.X, sc)
		if n.Args != nil {
			c.args(n.Args, sc)
		}
	case *js.CallExpr:
		switch {
		case isLiteral(n.X, js.ImportToken):
			if len(n.Args.List) != 1 || n.Args.List[0].Rest {
				c.fail("import() takes exactly one argument")
			}
		case isLiteral(n.X, js.SuperToken):
			if !sc.superCall {
				c.fail("super() call outside constructor of a subclass")
			}
		default:
			c.expr(n.X, sc)
		}
		c.args(&n.Args, sc)
	case *js.UnaryExpr:
		c.unary(n, sc)
	case *js.BinaryExpr:
		if isAssignOp(n.Op) {
			c.target(n.X, n.Op == js.EqToken, sc)
		} else {
			c.expr(n.X, sc)
		}
		c.expr(n.Y, sc)
	case *js.CondExpr:
		c.expr(n.Cond, sc)
		c.expr(n.X, sc)
		c.expr(n.Y, sc)
	case *js.YieldExpr:
		if n.X != nil {
			c.expr(n.X, sc)
		}
	case *js.ArrowFunc:
		inner := &fnScope{newTarget: sc.newTarget, superProp: sc.superProp, superCall: sc.superCall, fieldInit: sc.fieldInit}
		c.body(&n.Params, &n.Body, inner)
	case *js.CommaExpr:
		for _, x := range n.List {
			c.expr(x, sc)
		}
	case *js.FuncDecl:
		c.function(n, sc)
	case *js.ClassDecl:
		c.class(n, sc)
	}
}

func (c *checker) args(a *js.Args, sc *fnScope) {
	for _, arg := range a.List {
		c.expr(arg.Value, sc)
	}
}

func (c *checker) unary(n *js.UnaryExpr, sc *fnScope) {
	switch n.Op {
	case js.DeleteToken:
		x := n.X
		for {
			g, ok := x.(*js.GroupExpr)
			if !ok {
				break
			}
			x = g.X
		}
		if _, ok := x.(*js.Var); ok {
			c.fail("deleting local variable in strict mode")
		}
		if d, ok := x.(*js.DotExpr); ok {
			if _, private := d.Y.(*js.Var); private {
				c.fail("private fields can not be deleted")
			}
		}
	case js.PreIncrToken, js.PreDecrToken, js.PostIncrToken, js.PostDecrToken:
		c.target(n.X, false, sc)
		return
	}
	c.expr(n.X, sc)
}

func (c *checker) literal(n *js.LiteralExpr) {
	switch n.TokenType {
	case js.StringToken:
		if len(n.Data) >= 2 {
			if _, msg := cook(n.Data[1:len(n.Data)-1], false, false); msg != "" {
				c.fail("%s", msg)
			}
		}
	case js.RegExpToken:
		flags := n.Data[bytes.LastIndexByte(n.Data, '/')+1:]
		seen := map[byte]bool{}
		for _, f := range flags {
			if bytes.IndexByte([]byte("dgimsuyv"), f) < 0 || seen[f] {
				c.fail("invalid regular expression flags")
			}
			seen[f] = true
		}
		if seen['u'] && seen['v'] {
			c.fail("invalid regular expression flags")
		}
	}
}

// templateChunk checks an untagged template's text, given with its
// delimiters (` or } before, ` or ${ after).
func (c *checker) templateChunk(raw []byte) {
	if len(raw) < 2 {
		return
	}
	body := raw[1:]
	if bytes.HasSuffix(body, []byte("${")) {
		body = body[:len(body)-2]
	} else {
		body = body[:len(body)-1]
	}
	if _, msg := cook(body, true, false); msg != "" {
		c.fail("%s", msg)
	}
}

func (c *checker) object(n *js.ObjectExpr, sc *fnScope) {
	proto := false
	for i := range n.List {
		p := &n.List[i]
		if p.Spread {
			c.expr(p.Value, sc)
			continue
		}
		if m, ok := p.Value.(*js.MethodDecl); ok {
			c.method(m, false, sc)
			continue
		}
		if p.Init != nil {
			c.fail("shorthand property assignments are valid only in destructuring patterns")
		}
		if p.Name != nil {
			if p.Name.IsComputed() {
				c.expr(p.Name.Computed, sc)
			} else if p.Name.IsIdent([]byte("__proto__")) {
				// {__proto__} shorthand is not a prototype setter; tdewolff
				// does not keep the difference, so assume shorthand.
				if v, short := p.Value.(*js.Var); !short || string(v.Data) != "__proto__" {
					if proto {
						c.fail("redefinition of __proto__ property")
					}
					proto = true
				}
			}
		}
		c.expr(p.Value, sc)
	}
}

// method checks a class or object method; derived is whether it is the
// constructor of a class with an extends clause.
func (c *checker) method(m *js.MethodDecl, derived bool, sc *fnScope) {
	if m.Name.PropertyName.IsComputed() {
		c.expr(m.Name.PropertyName.Computed, sc)
	}
	if m.Get && (len(m.Params.List) != 0 || m.Params.Rest != nil) {
		c.fail("getter should have no params")
	}
	if m.Set && (len(m.Params.List) != 1 || m.Params.Rest != nil) {
		c.fail("setter should have exactly one param")
	}
	c.body(&m.Params, &m.Body, &fnScope{newTarget: true, superProp: true, superCall: derived})
}

func (c *checker) function(f *js.FuncDecl, sc *fnScope) {
	if f.Name != nil {
		c.bindingName(f.Name.Data)
	}
	c.body(&f.Params, &f.Body, &fnScope{newTarget: true})
}

func (c *checker) body(p *js.Params, body *js.BlockStmt, sc *fnScope) {
	simple := p.Rest == nil
	for i := range p.List {
		e := &p.List[i]
		if _, ok := e.Binding.(*js.Var); !ok || e.Default != nil {
			simple = false
		}
		c.bindingElement(e, sc)
	}
	if p.Rest != nil {
		c.binding(p.Rest, sc)
	}
	if len(body.List) > 0 && !simple {
		if _, ok := body.List[0].(*js.DirectivePrologueStmt); ok {
			c.fail("illegal 'use strict' directive in function with non-simple parameter list")
		}
	}
	c.stmts(body.List, sc)
}

// privateDecl records a private name; only a getter and a setter may
// share one.
func (c *checker) privateDecl(el js.ClassElement, name string, privates map[string]bool, accessors map[string]string) {
	if name == "#constructor" {
		c.fail("classes can't have an element named '#constructor'")
	}
	kind := ""
	if m := el.Method; m != nil && (m.Get || m.Set) {
		kind = "get"
		if m.Set {
			kind = "set"
		}
	}
	if privates[name] {
		if prev := accessors[name]; kind == "" || prev == "" || prev == kind {
			c.fail("identifier '%s' has already been declared", name)
		}
		kind = ""
	}
	privates[name] = true
	accessors[name] = kind
}

func (c *checker) class(cl *js.ClassDecl, sc *fnScope) {
	if cl.Name != nil {
		c.bindingName(cl.Name.Data)
	}
	if cl.Extends != nil {
		c.expr(cl.Extends, sc)
	}
	privates := map[string]bool{}
	accessors := map[string]string{} // private name → "get", "set" or "" once complete
	ctors := 0
	for _, el := range cl.List {
		var name js.ClassElementName
		static, isMethod := false, false
		switch {
		case el.StaticBlock != nil:
			continue
		case el.Method != nil:
			name, static, isMethod = el.Method.Name, el.Method.Static, true
		default:
			name, static = el.Field.Name, el.Field.Static
		}
		if name.Private != nil {
			c.privateDecl(el, string(name.Private.Data), privates, accessors)
			continue
		}
		switch {
		case name.PropertyName.IsComputed():
		case name.PropertyName.IsIdent([]byte("constructor")):
			if !isMethod {
				c.fail("classes can't have a field named 'constructor'")
			} else if m := el.Method; !static && (m.Get || m.Set || m.Async || m.Generator) {
				c.fail("constructor can't be a special method")
			} else if !static {
				ctors++
			}
		case name.PropertyName.IsIdent([]byte("prototype")) && static:
			c.fail("classes may not have a static property named 'prototype'")
		}
	}
	if ctors > 1 {
		c.fail("duplicate constructor in the same class")
	}
	c.privates = append(c.privates, privates)
	for _, el := range cl.List {
		switch {
		case el.StaticBlock != nil:
			c.stmts(el.StaticBlock.List, &fnScope{newTarget: true, superProp: true, fieldInit: true})
		case el.Method != nil:
			ctor := !el.Method.Static && el.Method.Name.PropertyName.IsIdent([]byte("constructor"))
			c.method(el.Method, ctor && cl.Extends != nil, sc)
		default:
			if el.Field.Name.PropertyName.IsComputed() {
				c.expr(el.Field.Name.PropertyName.Computed, sc)
			}
			if el.Field.Init != nil {
				c.expr(el.Field.Init, &fnScope{newTarget: true, superProp: true, fieldInit: true})
			}
		}
	}
	c.privates = c.privates[:len(c.privates)-1]
}
