package jsrt

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/parser"
	"github.com/evanw/esbuild/pkg/api"
)

// moduleKey names a module instance: a hash of the file text and of the
// keys of the modules its imports resolved to. It stands in for the game's
// key, the text with each import specifier replaced by the imported
// module's blob URL, so it shares exactly when the game does.
type moduleKey [sha256.Size]byte

// module is one evaluated instance. The realm keeps every instance for its
// lifetime, as the browser's module map does (REMOTE_API.md §5.4).
type module struct {
	key        moduleKey
	name       string
	deps       map[string]*module
	exports    *goja.Object
	evaluating bool
}

// transformKey is what a transform depends on: the text, and the file
// name the source map records.
type transformKey struct{ base, text string }

// transformed is a file's text turned into a CommonJS function expression.
type transformed struct {
	code  string
	specs []string
}

// wrapperPrefix opens the function each module body runs in; it sits on
// its own line, and the source map is shifted by one line to match. It
// binds only the two names esbuild's output uses and renames user code
// away from: a script's own top-level "exports" must stay legal.
const wrapperPrefix = "(function (require, module) {\n"

// forbiddenPathChars may not appear in a game file path.
const forbiddenPathChars = "*?[]!\\~|#\"' "

// ResolveImport applies the game's rule for an import specifier: resolved
// from the root (not the importing file's folder), a leading "/" dropped,
// "." and ".." folded, ".js" appended when missing. The RAM calculator and
// the loader share this rule.
func ResolveImport(spec string) (string, error) {
	if strings.HasPrefix(spec, "http://") || strings.HasPrefix(spec, "https://") {
		return "", fmt.Errorf("%w: %s", ErrURLImport, spec)
	}
	p := spec
	if !strings.HasSuffix(p, ".js") {
		p += ".js"
	}
	clean, ok := cleanPath(p)
	if !ok {
		return "", fmt.Errorf("%w: import %q", ErrInvalidPath, spec)
	}
	return clean, nil
}

// cleanPath normalizes a file path by the game's grammar, or reports it
// invalid.
func cleanPath(p string) (string, bool) {
	p = strings.TrimPrefix(p, "/")
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		switch s {
		case "":
			return "", false
		case ".":
		case "..":
			if len(out) == 0 {
				return "", false
			}
			out = out[:len(out)-1]
		default:
			if strings.ContainsAny(s, forbiddenPathChars) {
				return "", false
			}
			out = append(out, s)
		}
	}
	if last := segs[len(segs)-1]; last == "." || last == ".." || len(out) == 0 {
		return "", false
	}
	name := out[len(out)-1]
	if dot := strings.LastIndexByte(name, '.'); dot <= 0 || dot == len(name)-1 {
		return "", false
	}
	return strings.Join(out, "/"), true
}

// LoadModule returns the exports of the script at path on host, evaluating
// it and its imports only where no instance with the same key exists.
// Imports resolve on the same host. A failed evaluation is not kept, so
// the next load tries again, as in the game.
func (r *Realm) LoadModule(host, file string) (*goja.Object, error) {
	if r.closed {
		return nil, ErrClosed
	}
	clean, ok := cleanPath(file)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrInvalidPath, file)
	}
	if !strings.HasSuffix(clean, ".js") {
		return nil, fmt.Errorf("%w: %s/%s", ErrNotScript, host, clean)
	}
	var m *module
	var err error
	// Evaluating the whole graph inside one JS call keeps promise jobs
	// queued until every module ran, as one ES module graph evaluation
	// would.
	if callErr := r.inJS(func() {
		st := &loadState{host: host, done: map[string]*module{}}
		m, err = r.load(st, clean)
	}); callErr != nil && err == nil {
		err = callErr
	}
	if err != nil {
		return nil, err
	}
	return m.exports, nil
}

// loadState is one LoadModule's walk of an import graph.
type loadState struct {
	host     string
	visiting []string
	done     map[string]*module
}

func (r *Realm) load(st *loadState, file string) (*module, error) {
	if m, ok := st.done[file]; ok {
		return m, nil
	}
	for i, p := range st.visiting {
		if p == file {
			chain := append(append([]string{}, st.visiting[i:]...), file)
			return nil, fmt.Errorf("%w on %s: %s", ErrImportCycle, st.host, strings.Join(chain, " -> "))
		}
	}
	st.visiting = append(st.visiting, file)
	defer func() { st.visiting = st.visiting[:len(st.visiting)-1] }()

	name := st.host + "/" + file
	text, ok := r.cfg.Files.Read(st.host, file)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoSuchFile, name)
	}
	tr, err := r.transform(name, file, text)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(text)))
	h.Write(n[:])
	h.Write([]byte(text))
	deps := make(map[string]*module, len(tr.specs))
	for _, spec := range tr.specs {
		target, err := ResolveImport(spec)
		if err != nil {
			return nil, fmt.Errorf("%w (in %s)", err, name)
		}
		dep, err := r.load(st, target)
		if err != nil {
			return nil, fmt.Errorf("%w (imported by %s)", err, name)
		}
		deps[spec] = dep
		h.Write(dep.key[:])
	}
	var key moduleKey
	h.Sum(key[:0])
	if m, ok := r.modules[key]; ok {
		st.done[file] = m
		return m, nil
	}
	m := &module{key: key, name: name, deps: deps}
	r.modules[key] = m
	if err := r.evaluate(m, tr); err != nil {
		delete(r.modules, key)
		return nil, err
	}
	st.done[file] = m
	return m, nil
}

// transform turns a file into a CommonJS function with esbuild, once per
// text and file name (the name goes into the source map).
func (r *Realm) transform(name, file, text string) (*transformed, error) {
	base := path.Base(file)
	ck := transformKey{base: base, text: text}
	if t, ok := r.transforms[ck]; ok {
		return t, nil
	}
	res := api.Transform(text, api.TransformOptions{
		Loader:         api.LoaderJS,
		Format:         api.FormatCommonJS,
		Target:         api.ES2022,
		Supported:      gojaUnsupported(),
		Sourcemap:      api.SourceMapExternal,
		SourcesContent: api.SourcesContentExclude,
		Sourcefile:     base,
		LogLevel:       api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		e := res.Errors[0]
		loc := ""
		if e.Location != nil {
			loc = fmt.Sprintf(":%d:%d", e.Location.Line, e.Location.Column+1)
		}
		if strings.Contains(e.Text, "Top-level await") {
			return nil, fmt.Errorf("%w: %s%s: esbuild cannot emit it as CommonJS; move the await into main or a function",
				ErrTopLevelAwait, name, loc)
		}
		return nil, fmt.Errorf("%w: %s%s: %s", ErrSyntax, name, loc, e.Text)
	}
	smap, err := shiftSourceMap(res.Map)
	if err != nil {
		return nil, fmt.Errorf("jsrt: %s: source map: %w", name, err)
	}
	code := wrapperPrefix + string(res.Code) +
		"\n//# sourceMappingURL=data:application/json;base64," + base64.StdEncoding.EncodeToString(smap) + "\n})"
	prg, err := goja.Parse("jsrt", code, parser.WithDisableSourceMaps)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: goja: %v", ErrSyntax, name, err)
	}
	specs, err := staticImports(prg)
	if err != nil {
		return nil, fmt.Errorf("jsrt: %s: %w", name, err)
	}
	t := &transformed{code: code, specs: specs}
	r.transforms[ck] = t
	return t, nil
}

// gojaUnsupported lists the ES2022 features goja lacks, so esbuild lowers
// them (async generators, for await) or defers them to run time (regexp
// flags goja cannot parse). Dynamic import() becomes a require call that
// fails once evaluation is over, as it fails in the game.
func gojaUnsupported() map[string]bool {
	return map[string]bool{
		"async-generator":      false,
		"for-await":            false,
		"dynamic-import":       false,
		"regexp-match-indices": false,
		"regexp-set-notation":  false,
	}
}

// shiftSourceMap moves every mapping down one line, past wrapperPrefix.
func shiftSourceMap(raw []byte) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	mappings, _ := m["mappings"].(string)
	m["mappings"] = ";" + mappings
	return json.Marshal(m)
}

// staticImports finds the specifiers esbuild turned static imports into:
// require("x") calls at the top level of the module body, alone or as an
// argument of its helpers (__toESM, __reExport). Calls inside functions,
// which is where dynamic import() ends up, are not imports.
func staticImports(prg *ast.Program) ([]string, error) {
	var body []ast.Statement
	if len(prg.Body) == 1 {
		if es, ok := prg.Body[0].(*ast.ExpressionStatement); ok {
			if fl, ok := es.Expression.(*ast.FunctionLiteral); ok {
				body = fl.Body.List
			}
		}
	}
	if body == nil && len(prg.Body) != 1 {
		return nil, errors.New("module wrapper has an unexpected shape")
	}
	var specs []string
	for _, st := range body {
		switch s := st.(type) {
		case *ast.VariableStatement:
			for _, b := range s.List {
				specs = requireArgs(b.Initializer, specs)
			}
		case *ast.LexicalDeclaration:
			for _, b := range s.List {
				specs = requireArgs(b.Initializer, specs)
			}
		case *ast.ExpressionStatement:
			specs = requireArgs(s.Expression, specs)
		}
	}
	return specs, nil
}

func requireArgs(e ast.Expression, specs []string) []string {
	call, ok := e.(*ast.CallExpression)
	if !ok {
		return specs
	}
	if id, ok := call.Callee.(*ast.Identifier); ok && id.Name == "require" && len(call.ArgumentList) == 1 {
		if s, ok := call.ArgumentList[0].(*ast.StringLiteral); ok {
			return append(specs, s.Value.String())
		}
	}
	for _, a := range call.ArgumentList {
		specs = requireArgs(a, specs)
	}
	return specs
}

// evaluate runs a new instance's body with a require that hands out the
// already loaded imports.
func (r *Realm) evaluate(m *module, tr *transformed) error {
	prg, err := goja.Parse(m.name, tr.code, parser.WithSourceMapLoader(noSourceMapFiles))
	if err != nil {
		return fmt.Errorf("%w: %s: goja: %v", ErrSyntax, m.name, err)
	}
	compiled, err := goja.CompileAST(prg, true)
	if err != nil {
		return fmt.Errorf("%w: %s: goja: %v", ErrSyntax, m.name, err)
	}
	fv, err := r.vm.RunProgram(compiled)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrEvaluate, m.name, err)
	}
	fn, ok := goja.AssertFunction(fv)
	if !ok {
		return fmt.Errorf("jsrt: %s: module wrapper is not a function", m.name)
	}
	holder := r.vm.NewObject()
	if err := holder.Set("exports", r.vm.NewObject()); err != nil {
		return err
	}
	m.exports = holder.Get("exports").ToObject(r.vm)
	require := func(c goja.FunctionCall) goja.Value {
		spec := c.Argument(0).String()
		if !m.evaluating {
			panic(r.vm.NewTypeError("Failed to fetch dynamically imported module: " + spec))
		}
		dep, ok := m.deps[spec]
		if !ok {
			panic(r.vm.NewTypeError("require is not defined in ES modules: require(" + spec + ")"))
		}
		return dep.exports
	}
	m.evaluating = true
	_, err = r.call(fn, goja.Undefined(), r.vm.ToValue(require), holder)
	m.evaluating = false
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrEvaluate, m.name, err)
	}
	m.exports = holder.Get("exports").ToObject(r.vm)
	return nil
}

// noSourceMapFiles keeps goja from reading a sourceMappingURL a script
// names from disk; the only map used is the inline one from esbuild.
func noSourceMapFiles(string) ([]byte, error) {
	return nil, errors.New("jsrt: source map files are not loaded")
}

// InJS runs fn inside a JS call, so promise jobs it queues, from JS it
// calls as well, wait for it to finish and then run before InJS returns
// (when called at the top): one task in the browser's terms. Without it
// each call from Go into JS that returns to the top runs the jobs queued
// so far.
func (r *Realm) InJS(fn func()) error {
	if r.closed {
		return ErrClosed
	}
	// A native function called straight from Go leaves goja's call stack
	// empty, and every call into JS under it would run the jobs at its
	// return: a JS frame stays on the stack while fn runs.
	if r.task == nil {
		v, err := r.vm.RunString("(f) => { f(); }")
		if err != nil {
			return err
		}
		r.task, _ = goja.AssertFunction(v)
	}
	_, err := r.call(r.task, goja.Undefined(), r.vm.ToValue(func(goja.FunctionCall) goja.Value {
		fn()
		return goja.Undefined()
	}))
	return err
}

func (r *Realm) inJS(fn func()) error {
	tramp, _ := goja.AssertFunction(r.vm.ToValue(func(goja.FunctionCall) goja.Value {
		fn()
		return goja.Undefined()
	}))
	_, err := r.call(tramp, goja.Undefined())
	return err
}

// CallMain starts exports.main(ns) as the game does, awaiting it: done
// runs from a promise job once main has settled, with its result or a
// *JSError for what it threw or rejected with. The error is for a missing
// main or a closed or broken realm.
func (r *Realm) CallMain(exports *goja.Object, ns goja.Value, done func(result goja.Value, err error)) error {
	if r.closed {
		return ErrClosed
	}
	if exports == nil {
		return ErrNoMain
	}
	main := exports.Get("main")
	if _, ok := goja.AssertFunction(main); !ok {
		return ErrNoMain
	}
	ok := func(c goja.FunctionCall) goja.Value {
		done(c.Argument(0), nil)
		return goja.Undefined()
	}
	fail := func(c goja.FunctionCall) goja.Value {
		v := c.Argument(0)
		done(goja.Undefined(), &JSError{Value: v, text: r.describe(v)})
		return goja.Undefined()
	}
	_, err := r.call(r.js.runMain, goja.Undefined(), main, ns, r.vm.ToValue(ok), r.vm.ToValue(fail))
	return err
}
