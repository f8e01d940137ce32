// Package ramcalc is Bitburner 2.6.1's static RAM calculator
// (Script/RamCalculations.ts) in Go, so that exec in the harness costs
// what it costs in the game, and so our in-game scripts' RAM can be
// measured without the game.
//
// The game charges names, not calls: every identifier reference and every
// non-computed member name (x.run charges run whatever x is) reached from
// the main script is looked up in the RAM cost table, each distinct name
// once, on top of a 1.6 GB base; document and window cost 25 GB, hacknet
// 4 GB. The main file's top level and all its top-level functions count;
// an imported file's top level always counts, its top-level functions only
// when referenced through a named import, or all of them for a default or
// namespace import. The port keeps the game's reference graph, its walk
// order and its quirks (bare names colliding with Object.prototype, string
// export names, one module per specifier spelling), so totals match the
// game's bit for bit. See FACTS.md §7 and REMOTE_API.md §3.3, §4.
//
// Parsing. The game uses acorn (module, latest ECMAScript); a parse error
// means the script cannot start. Here tdewolff/parse/v2/js parses, and
// the walk that collects references (walk.go) also raises the early
// errors acorn raises and tdewolff does not (check.go): strict-mode rules
// (with, delete of a name, octal escapes, reserved words, eval and
// arguments as targets), invalid assignment targets, break,
// continue and labels, import and export name rules, lexical function
// redeclarations, class element rules, super and new.target placement,
// getter and setter arity, import() arity and regular-expression flags.
// TypeScript, JSX, decorators, `using` and import attributes fail in both.
// Known differences that remain:
//   - regular-expression bodies are not validated (acorn rejects
//     /(?<a>x)\k<b>/u);
//   - tdewolff reads <!-- and --> as comments, acorn's module goal does not;
//   - new a?.b() is accepted, read as (new a)?.b();
//   - a trailing comma after a rest element in an assignment pattern, and
//     escaped keywords such as \u0069f, are accepted;
//   - tdewolff stops at 1000 levels of nesting, and counts a chain of about
//     1000 binary operators, or a few hundred chained calls taking
//     callbacks, as nesting. That is ErrParserLimit: unknown, not refused.
package ramcalc
