package ramcalc

import "github.com/tdewolff/parse/v2/js"

// walker visits a module's AST once for both jobs: the checker's early
// errors (check.go) and the collector's references (refs.go). It follows
// acorn-walk's order, which fixes the order references are recorded in.
// It stops at the first early error: a refused module has no cost.
type walker struct {
	check *checker
	deps  *collector
}

// walkModule is parseOnlyCalculateDeps for one module, with the early
// errors acorn raises first.
func walkModule(syms *symtab, module string, ast *js.AST) (*graph, []string, error) {
	w := &walker{check: &checker{}, deps: newCollector(syms, module)}
	w.check.moduleBindings(ast.List)
	w.check.blockFunctions(ast.List)
	st := walkState{key: syms.id(module + globalSuffix), top: true}
	w.deps.refs(st.key)
	w.stmts(ast.List, &fnScope{}, st)
	if w.check.err != nil {
		return nil, nil, w.check.err
	}
	return w.deps.g, w.deps.imports, w.deps.err
}

func (w *walker) stmts(list []js.IStmt, sc *fnScope, st walkState) {
	for _, s := range list {
		w.stmt(s, sc, st)
	}
}

func (w *walker) loopBody(s js.IStmt, sc *fnScope, st walkState) {
	sc.loops++
	sc.breakables++
	w.stmt(s, sc, st)
	sc.loops--
	sc.breakables--
}

func (w *walker) stmt(s js.IStmt, sc *fnScope, st walkState) {
	if w.check.err != nil {
		return
	}
	switch n := s.(type) {
	case *js.BlockStmt:
		w.check.blockFunctions(n.List)
		w.stmts(n.List, sc, st)
	case *js.ExprStmt:
		w.expr(n.Value, sc, st)
	case *js.IfStmt:
		w.deps.keyword(st, 0)
		w.expr(n.Cond, sc, st)
		w.stmt(n.Body, sc, st)
		if n.Else != nil {
			w.stmt(n.Else, sc, st)
		}
	case *js.DoWhileStmt:
		w.deps.keyword(st, 2)
		w.expr(n.Cond, sc, st)
		w.loopBody(n.Body, sc, st)
	case *js.WhileStmt:
		w.deps.keyword(st, 2)
		w.expr(n.Cond, sc, st)
		w.loopBody(n.Body, sc, st)
	case *js.ForStmt:
		w.deps.keyword(st, 1)
		if d, ok := n.Init.(*js.VarDecl); ok {
			w.varDecl(d, sc, st)
		} else if n.Init != nil {
			w.expr(n.Init, sc, st)
		}
		if n.Cond != nil {
			w.expr(n.Cond, sc, st)
		}
		if n.Post != nil {
			w.expr(n.Post, sc, st)
		}
		w.loopBody(n.Body, sc, st)
	case *js.ForInStmt:
		w.forInit(n.Init, sc, st)
		w.expr(n.Value, sc, st)
		w.loopBody(n.Body, sc, st)
	case *js.ForOfStmt:
		w.forInit(n.Init, sc, st)
		w.expr(n.Value, sc, st)
		w.loopBody(n.Body, sc, st)
	case *js.SwitchStmt:
		w.expr(n.Init, sc, st)
		sc.breakables++
		for i := range n.List {
			if n.List[i].Cond != nil {
				w.expr(n.List[i].Cond, sc, st)
			}
			w.stmts(n.List[i].List, sc, st)
		}
		sc.breakables--
	case *js.BranchStmt:
		w.check.branch(n, sc)
	case *js.ReturnStmt:
		if n.Value != nil {
			w.expr(n.Value, sc, st)
		}
	case *js.WithStmt:
		w.check.fail("'with' in strict mode")
	case *js.LabelledStmt:
		w.check.pushLabel(n, sc)
		w.stmt(n.Value, sc, st)
		sc.labels = sc.labels[:len(sc.labels)-1]
	case *js.ThrowStmt:
		w.expr(n.Value, sc, st)
	case *js.TryStmt:
		w.stmt(n.Body, sc, st)
		// tdewolff sets Binding only with a catch clause.
		if n.Binding != nil {
			w.binding(n.Binding, sc, st)
			w.check.catchParam(n)
		}
		if n.Catch != nil {
			w.stmt(n.Catch, sc, st)
		}
		if n.Finally != nil {
			w.stmt(n.Finally, sc, st)
		}
	case *js.VarDecl:
		w.varDecl(n, sc, st)
	case *js.FuncDecl:
		w.function(n, true, st)
	case *js.ClassDecl:
		w.class(n, sc, st)
	case *js.ImportStmt:
		w.check.importStmt(n)
		w.deps.importStmt(n, st)
	case *js.ExportStmt:
		w.export(n, sc, st)
	}
}

func (w *walker) export(n *js.ExportStmt, sc *fnScope, st walkState) {
	w.check.exportStmt(n)
	switch d := n.Decl.(type) {
	case nil:
		w.deps.exportList(n, st)
	case *js.VarDecl:
		w.varDecl(d, sc, st)
	case *js.FuncDecl:
		w.function(d, true, st)
	case *js.ClassDecl:
		w.class(d, sc, st)
	default:
		w.expr(d, sc, st)
	}
}

// function walks a function declaration (decl) or expression; only a
// declaration can take a key of its own.
func (w *walker) function(f *js.FuncDecl, decl bool, st walkState) {
	if f.Name != nil {
		w.check.bindingName(f.Name.Data)
	}
	if decl {
		st = w.deps.funcState(f, st)
	}
	w.body(&f.Params, &f.Body, &fnScope{newTarget: true}, st)
}

func (w *walker) body(p *js.Params, body *js.BlockStmt, sc *fnScope, st walkState) {
	for i := range p.List {
		w.bindingElement(&p.List[i], sc, st)
	}
	if p.Rest != nil {
		w.binding(p.Rest, sc, st)
	}
	w.check.directive(p, body)
	w.stmts(body.List, sc, st)
}

func (w *walker) varDecl(d *js.VarDecl, sc *fnScope, st walkState) {
	for i := range d.List {
		w.bindingElement(&d.List[i], sc, st)
	}
}

func (w *walker) bindingElement(e *js.BindingElement, sc *fnScope, st walkState) {
	if e.Binding != nil {
		w.binding(e.Binding, sc, st)
	}
	if e.Default != nil {
		w.expr(e.Default, sc, st)
	}
}

// binding walks a declaration pattern: names bound are checked but not
// references; computed keys and default values are ordinary expressions.
func (w *walker) binding(b js.IBinding, sc *fnScope, st walkState) {
	switch n := b.(type) {
	case *js.Var:
		w.check.bindingName(n.Data)
	case *js.BindingArray:
		for i := range n.List {
			w.bindingElement(&n.List[i], sc, st)
		}
		if n.Rest != nil {
			w.binding(n.Rest, sc, st)
		}
	case *js.BindingObject:
		for i := range n.List {
			if k := n.List[i].Key; k != nil && k.IsComputed() {
				w.expr(k.Computed, sc, st)
			}
			w.bindingElement(&n.List[i].Value, sc, st)
		}
		if n.Rest != nil {
			w.check.bindingName(n.Rest.Data)
		}
	}
}

// forInit walks a for-in/of head. acorn-walk's ForInit walks a plain
// left side as an expression, so a name there counts, while names in a
// destructuring target do not.
func (w *walker) forInit(e js.IExpr, sc *fnScope, st walkState) {
	if d, ok := e.(*js.VarDecl); ok {
		w.varDecl(d, sc, st)
		return
	}
	w.target(e, true, true, sc, st)
}

// target walks an assignment target: a variable or member expression, or
// with patterns allowed a destructuring array or object. named says a
// plain name here is a reference: acorn-walk walks update operands and
// for-in/of heads as expressions, assignment left sides and destructuring
// as patterns.
func (w *walker) target(e js.IExpr, patterns, named bool, sc *fnScope, st walkState) {
	c := w.check
	switch n := e.(type) {
	case *js.Var:
		if name := c.name(n.Data); name == "eval" || name == "arguments" {
			c.fail("assigning to %s in strict mode", name)
		}
		if named && !isPrivate(n.Data) {
			w.deps.ident(st, n.Data)
		}
	case *js.GroupExpr:
		w.target(n.X, false, named, sc, st)
	case *js.DotExpr, *js.IndexExpr:
		if inOptionalChain(e) {
			c.fail("optional chaining cannot appear in left-hand side")
		}
		w.expr(e, sc, st)
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
				w.target(el.Value, true, false, sc, st)
			default:
				w.targetWithDefault(el.Value, sc, st)
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
				w.target(p.Value, false, false, sc, st)
			case p.Name == nil:
				c.fail("object pattern can't contain a method")
			default:
				if p.Name.IsComputed() {
					w.expr(p.Name.Computed, sc, st)
				}
				w.targetWithDefault(p.Value, sc, st)
				if p.Init != nil {
					w.expr(p.Init, sc, st)
				}
			}
		}
	default:
		c.fail("invalid assignment target")
	}
}

func (w *walker) targetWithDefault(e js.IExpr, sc *fnScope, st walkState) {
	if a, ok := e.(*js.BinaryExpr); ok && a.Op == js.EqToken {
		w.target(a.X, true, false, sc, st)
		w.expr(a.Y, sc, st)
		return
	}
	w.target(e, true, false, sc, st)
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

func (w *walker) expr(e js.IExpr, sc *fnScope, st walkState) {
	c := w.check
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
		w.deps.ident(st, n.Data)
	case js.LiteralExpr:
		c.literal(&n)
	case *js.LiteralExpr:
		c.literal(n)
	case *js.ArrayExpr:
		for _, el := range n.List {
			if el.Value != nil {
				w.expr(el.Value, sc, st)
			}
		}
	case *js.ObjectExpr:
		w.object(n, sc, st)
	case *js.TemplateExpr:
		if n.Tag != nil {
			if inOptionalChain(n.Tag) {
				c.fail("optional chaining cannot appear in the tag of tagged template expressions")
			}
			w.expr(n.Tag, sc, st)
		} else {
			for _, p := range n.List {
				c.templateChunk(p.Value)
			}
			c.templateChunk(n.Tail)
		}
		for _, p := range n.List {
			w.expr(p.Expr, sc, st)
		}
	case *js.GroupExpr:
		w.expr(n.X, sc, st)
	case *js.DotExpr:
		if isLiteral(n.X, js.SuperToken) {
			c.superProp(sc)
		} else {
			w.expr(n.X, sc, st)
		}
		switch y := n.Y.(type) {
		case js.LiteralExpr:
			// The game's MemberExpression visitor walks the property too,
			// so x.hack charges hack whatever x is.
			w.deps.ident(st, y.Data)
		case *js.Var:
			c.private(y.Data)
		}
	case *js.IndexExpr:
		if isLiteral(n.X, js.SuperToken) {
			c.superProp(sc)
		} else {
			w.expr(n.X, sc, st)
		}
		w.expr(n.Y, sc, st)
	case *js.NewTargetExpr:
		if !sc.newTarget {
			c.fail("'new.target' can only be used in functions and class static block")
		}
	case *js.NewExpr:
		w.expr(n.X, sc, st)
		if n.Args != nil {
			w.args(n.Args, sc, st)
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
			w.expr(n.X, sc, st)
		}
		w.args(&n.Args, sc, st)
	case *js.UnaryExpr:
		switch n.Op {
		case js.DeleteToken:
			c.deleteOperand(n.X)
		case js.PreIncrToken, js.PreDecrToken, js.PostIncrToken, js.PostDecrToken:
			w.target(n.X, false, true, sc, st)
			return
		}
		w.expr(n.X, sc, st)
	case *js.BinaryExpr:
		if isAssignOp(n.Op) {
			w.target(n.X, n.Op == js.EqToken, false, sc, st)
		} else {
			w.expr(n.X, sc, st)
		}
		w.expr(n.Y, sc, st)
	case *js.CondExpr:
		w.expr(n.Cond, sc, st)
		w.expr(n.X, sc, st)
		w.expr(n.Y, sc, st)
	case *js.YieldExpr:
		if n.X != nil {
			w.expr(n.X, sc, st)
		}
	case *js.ArrowFunc:
		inner := &fnScope{newTarget: sc.newTarget, superProp: sc.superProp, superCall: sc.superCall, fieldInit: sc.fieldInit}
		w.body(&n.Params, &n.Body, inner, st)
	case *js.CommaExpr:
		for _, x := range n.List {
			w.expr(x, sc, st)
		}
	case *js.FuncDecl:
		w.function(n, false, st)
	case *js.ClassDecl:
		w.class(n, sc, st)
	}
}

func (w *walker) args(a *js.Args, sc *fnScope, st walkState) {
	for _, arg := range a.List {
		w.expr(arg.Value, sc, st)
	}
}

func (w *walker) object(n *js.ObjectExpr, sc *fnScope, st walkState) {
	proto := false
	for i := range n.List {
		p := &n.List[i]
		if p.Spread {
			w.expr(p.Value, sc, st)
			continue
		}
		if m, ok := p.Value.(*js.MethodDecl); ok {
			w.method(m, false, sc, st)
			continue
		}
		w.check.property(p, &proto)
		if p.Name != nil && p.Name.IsComputed() {
			w.expr(p.Name.Computed, sc, st)
		}
		w.expr(p.Value, sc, st)
	}
}

// method walks a class or object method: its name only when computed,
// then the function. derived is whether it is the constructor of a class
// with an extends clause.
func (w *walker) method(m *js.MethodDecl, derived bool, sc *fnScope, st walkState) {
	if m.Name.PropertyName.IsComputed() {
		w.expr(m.Name.PropertyName.Computed, sc, st)
	}
	w.check.accessorParams(m)
	w.body(&m.Params, &m.Body, &fnScope{newTarget: true, superProp: true, superCall: derived}, st)
}

func (w *walker) class(cl *js.ClassDecl, sc *fnScope, st walkState) {
	if cl.Name != nil {
		w.check.bindingName(cl.Name.Data)
	}
	if cl.Extends != nil {
		w.expr(cl.Extends, sc, st)
	}
	w.check.pushClass(cl)
	for _, el := range cl.List {
		switch {
		case el.StaticBlock != nil:
			w.stmts(el.StaticBlock.List, &fnScope{newTarget: true, superProp: true, fieldInit: true}, st)
		case el.Method != nil:
			ctor := !el.Method.Static && el.Method.Name.PropertyName.IsIdent([]byte("constructor"))
			w.method(el.Method, ctor && cl.Extends != nil, sc, st)
		default:
			if el.Field.Name.PropertyName.IsComputed() {
				w.expr(el.Field.Name.PropertyName.Computed, sc, st)
			}
			if el.Field.Init != nil {
				w.expr(el.Field.Init, &fnScope{newTarget: true, superProp: true, fieldInit: true}, st)
			}
		}
	}
	w.check.privates = w.check.privates[:len(w.check.privates)-1]
}
