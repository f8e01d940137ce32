package ramcalc

import (
	"bytes"
	"fmt"

	"github.com/tdewolff/parse/v2/js"
)

// The game parses with acorn (sourceType module, so strict mode), which
// raises early errors that tdewolff's parser does not. The checker adds
// the ones a real script could plausibly contain, so that what the game
// refuses to start is refused here too. Known gaps are listed in doc.go.
// The walker (walk.go) calls these rules as it visits each node.

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

func (c *checker) importStmt(n *js.ImportStmt) {
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
}

func (c *checker) exportStmt(n *js.ExportStmt) {
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
}

// catchParam: only a plain catch parameter may be redeclared by var.
func (c *checker) catchParam(n *js.TryStmt) {
	if _, simple := n.Binding.(*js.Var); simple || n.Catch == nil {
		return
	}
	params, vars := map[string]bool{}, map[string]bool{}
	boundNames(n.Binding, params)
	varNames(n.Catch, vars)
	for name := range params {
		if vars[name] {
			c.fail("identifier '%s' has already been declared", name)
		}
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

// pushLabel checks a label and its body and pushes it; the walker pops it
// after the body.
func (c *checker) pushLabel(n *js.LabelledStmt, sc *fnScope) {
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

// deleteOperand checks the operand of delete.
func (c *checker) deleteOperand(x js.IExpr) {
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

// property checks an object literal's property other than a spread or a
// method; proto says whether a __proto__ setter came before.
func (c *checker) property(p *js.Property, proto *bool) {
	if p.Init != nil {
		c.fail("shorthand property assignments are valid only in destructuring patterns")
	}
	if p.Name == nil || !p.Name.IsIdent([]byte("__proto__")) {
		return
	}
	// {__proto__} shorthand is not a prototype setter; tdewolff does not
	// keep the difference, so assume shorthand.
	if v, short := p.Value.(*js.Var); !short || string(v.Data) != "__proto__" {
		if *proto {
			c.fail("redefinition of __proto__ property")
		}
		*proto = true
	}
}

func (c *checker) accessorParams(m *js.MethodDecl) {
	if m.Get && (len(m.Params.List) != 0 || m.Params.Rest != nil) {
		c.fail("getter should have no params")
	}
	if m.Set && (len(m.Params.List) != 1 || m.Params.Rest != nil) {
		c.fail("setter should have exactly one param")
	}
}

// directive checks a function body's 'use strict' against its parameters.
func (c *checker) directive(p *js.Params, body *js.BlockStmt) {
	if len(body.List) == 0 {
		return
	}
	if _, ok := body.List[0].(*js.DirectivePrologueStmt); !ok {
		return
	}
	simple := p.Rest == nil
	for i := range p.List {
		if _, ok := p.List[i].Binding.(*js.Var); !ok || p.List[i].Default != nil {
			simple = false
		}
	}
	if !simple {
		c.fail("illegal 'use strict' directive in function with non-simple parameter list")
	}
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

// pushClass checks a class's element names, before its body is walked,
// and pushes its private names; the walker pops them after the body.
func (c *checker) pushClass(cl *js.ClassDecl) {
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
}
