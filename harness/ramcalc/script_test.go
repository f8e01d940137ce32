package ramcalc

import "fmt"

// parseScript parses and checks one script on its own. The checks run in
// the walk that collects references, so it walks the script too.
func parseScript(file, code string) (*graph, error) {
	ast, err := parseModule(file, code)
	if err != nil {
		return nil, err
	}
	g, _, err := walkModule(newSymtab(), initialModule, ast)
	if err != nil {
		return nil, &Error{Code: CodeSyntax, Msg: fmt.Sprintf("%s: %v", file, err)}
	}
	return g, nil
}
