package ramcalc

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/js"

	"ramfarm/gamedata"
)

// The game's RamCostConstants used by the static calculator.
const (
	BaseCost    = 1.6  // every script
	MaxCost     = 1024 // cap on a script's RAM
	domCost     = 25   // document, window
	hacknetCost = 4    // the identifier hacknet
)

// initialModule is the main script's name in the reference graph. The
// game uses a name no real import specifier starts with, so only the main
// script's keys seed the walk.
const initialModule = "__SPECIAL_INITIAL_MODULE__"

// Error is a failed calculation; Code is the game's RamCalculationErrorCode,
// Msg says where and why.
type Error struct {
	Code int
	Msg  string
}

// The game's error codes.
const (
	CodeSyntax = -1 // a script does not parse
	CodeImport = -2 // an import is missing or its path is invalid
)

func (e *Error) Error() string { return e.Msg }

// Is matches errors by code, so errors.Is(err, ErrSyntax) works for any
// syntax error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is. A script whose RAM cannot be computed cannot
// be started in the game.
var (
	ErrSyntax        = &Error{Code: CodeSyntax, Msg: "ramcalc: syntax error"}
	ErrMissingImport = &Error{Code: CodeImport, Msg: "ramcalc: import not found on server"}
	// ErrParserLimit means the parser gave up on deeply nested code the
	// game may well accept: the result is unknown, not a game refusal.
	ErrParserLimit = errors.New("ramcalc: code nests deeper than the parser allows (1000 levels)")
)

// Entry is one line of the game's cost breakdown: Type is "misc", "fn",
// "ns" or "dom" as in the game.
type Entry struct {
	Type string
	Name string
	Cost float64
}

// Result is a script's static RAM.
type Result struct {
	RAM     float64 // per thread, rounded as the game stores it
	Raw     float64 // the capped sum before rounding
	Entries []Entry // costs in the order the game adds them, base first
}

// Calculator computes scripts' static RAM the way one game release does.
// It is immutable and safe for concurrent use.
type Calculator struct {
	costs       *costTable
	hacknetFree bool // the bare name hacknet costs nothing (3.0)
}

// New builds a Calculator for 2.6.1, the release of the embedded RAM
// cost table.
func New() (*Calculator, error) { return NewFor(gamedata.Release261) }

// NewFor builds a Calculator for a release: the embedded 2.6.1 table with
// the release's changes (gamedata.Changes) applied.
func NewFor(r gamedata.Release) (*Calculator, error) {
	data, err := gamedata.Read("ram_cost_table.json")
	if err != nil {
		return nil, fmt.Errorf("ramcalc: %w", err)
	}
	base, err := readCostTable(data)
	if err != nil {
		return nil, err
	}
	costs, removed := r.Functions()
	t, err := buildCostTable(forRelease(base, costs, removed))
	if err != nil {
		return nil, err
	}
	return &Calculator{costs: t, hacknetFree: r.In(gamedata.NoHacknetNameCost)}, nil
}

// FuncCost is the RAM of a netscript function by its full path
// ("hack", "stock.getPrice"), as the game's dynamic check charges it.
func (c *Calculator) FuncCost(path string) (float64, bool) {
	gb, ok := c.costs.byPath[path]
	return gb, ok
}

// ScriptRAM computes the RAM of the script at path main. files holds every
// script on the main script's server (main included), keyed by path from
// the root ("lib.js", "dir/x.js"); imports resolve against it only.
func (c *Calculator) ScriptRAM(main string, files map[string]string) (Result, error) {
	code, ok := files[main]
	if !ok {
		return Result{}, fmt.Errorf("ramcalc: no script %q on the server", main)
	}
	if !strings.HasSuffix(main, ".js") {
		return Result{}, fmt.Errorf("ramcalc: %q: only .js scripts are supported", main)
	}
	syms := newSymtab()
	g := newGraph()
	parsed := map[string]bool{}
	var queue []string
	load := func(module, file, code string) error {
		ast, err := parseModule(file, code)
		if err != nil {
			return err
		}
		mg, imports, err := walkModule(syms, module, ast)
		if err != nil {
			return &Error{Code: CodeSyntax, Msg: fmt.Sprintf("%s: %v", file, err)}
		}
		parsed[module] = true
		for _, m := range imports {
			if !parsed[m] {
				queue = append(queue, m)
			}
		}
		g.merge(mg)
		return nil
	}
	if err := load(initialModule, main, code); err != nil {
		return Result{}, err
	}
	// Breadth first, keyed by the specifier as written: the game does the
	// same, so "lib" and "lib.js" are two modules for the same file.
	for len(queue) > 0 {
		spec := queue[0]
		queue = queue[1:]
		if parsed[spec] || strings.HasPrefix(spec, "https://") || strings.HasPrefix(spec, "http://") {
			continue
		}
		path, ok := resolveImport(spec)
		if !ok {
			return Result{}, &Error{Code: CodeImport, Msg: fmt.Sprintf("Invalid import path: %q", spec)}
		}
		text, ok := files[path]
		if !ok {
			return Result{}, &Error{Code: CodeImport, Msg: fmt.Sprintf("No such file on server: %q", path)}
		}
		if err := load(spec, path, text); err != nil {
			return Result{}, err
		}
	}
	return c.resolve(syms, g)
}

// parseModule parses a module; walkModule then applies the checks acorn
// makes and tdewolff does not.
func parseModule(file, code string) (*js.AST, error) {
	ast, err := js.Parse(parse.NewInputString(code), js.Options{})
	if err != nil {
		var pe *parse.Error
		if errors.As(err, &pe) {
			if strings.HasPrefix(pe.Message, "too many nested") {
				return nil, fmt.Errorf("%w: %s (%d:%d)", ErrParserLimit, file, pe.Line, pe.Column-1)
			}
			return nil, &Error{Code: CodeSyntax, Msg: fmt.Sprintf("%s: %s (%d:%d)", file, pe.Message, pe.Line, pe.Column-1)}
		}
		return nil, &Error{Code: CodeSyntax, Msg: fmt.Sprintf("%s: %v", file, err)}
	}
	return ast, nil
}

// resolve walks the reference graph from the main script's keys and sums
// the costs, in the game's order so that the float sum matches bit for bit.
func (c *Calculator) resolve(syms *symtab, g *graph) (Result, error) {
	var queue []int32
	for _, k := range g.keys {
		if strings.HasPrefix(syms.names[k], initialModule) {
			queue = append(queue, k)
		}
	}
	resolved := make([]bool, len(syms.names))
	loaded := make([]bool, len(syms.names))
	hacknet, document, window := syms.lookup("hacknet"), syms.lookup("document"), syms.lookup("window")
	ram := BaseCost
	entries := []Entry{{Type: "misc", Name: "baseCost", Cost: BaseCost}}
	push := func(deps []int32) {
		for _, d := range deps {
			if !resolved[d] {
				queue = append(queue, d)
			}
		}
	}
	for head := 0; head < len(queue); head++ {
		ref := queue[head]
		name := syms.names[ref]
		if name == undefinedRef || syms.proto[ref] {
			// The game reads dependencyMap[ref] off a plain object here and
			// throws, which it reports as a syntax error.
			return Result{}, &Error{Code: CodeSyntax, Msg: fmt.Sprintf("ramcalc: reference %q breaks the game's calculator", jsName(name))}
		}
		if !resolved[ref] {
			switch ref {
			case hacknet:
				if c.hacknetFree {
					break
				}
				ram += hacknetCost
				entries = append(entries, Entry{Type: "ns", Name: name, Cost: hacknetCost})
			case document, window:
				ram += domCost
				entries = append(entries, Entry{Type: "dom", Name: name, Cost: domCost})
			}
		}
		resolved[ref] = true
		if prefix, whole := strings.CutSuffix(name, ".*"); whole {
			for _, k := range g.keys {
				if strings.HasPrefix(syms.names[k], prefix) {
					push(g.sets[k])
				}
			}
		} else {
			push(g.sets[ref])
		}
		if loaded[ref] {
			continue
		}
		loaded[ref] = true
		if nc, ok := c.costs.byName[name]; ok && nc.cost > 0 {
			ram += nc.cost
			entries = append(entries, Entry{Type: "fn", Name: nc.detail, Cost: nc.cost})
		}
	}
	if ram > MaxCost {
		ram = MaxCost
		entries = append(entries, Entry{Type: "misc", Name: "Max Ram Cap", Cost: MaxCost})
	}
	return Result{RAM: roundToTwo(ram), Raw: ram, Entries: entries}, nil
}

// roundToTwo is the game's Math.round(x*100)/100; Math.round rounds
// halves toward +Infinity.
func roundToTwo(x float64) float64 {
	v := x * 100
	r := math.Floor(v)
	if v-r >= 0.5 {
		r++
	}
	return r / 100
}
