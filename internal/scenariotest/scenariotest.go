// Package scenariotest runs the engines' scenario files: testdata/*.txt
// holding cases of the form
//
//	command key=value flag ...
//	----
//	expected output, one line each
//
// separated by blank lines; lines starting with # are comments. Every
// command prints "ok" or what it produced, so no expectation is empty.
// With -rewrite on the test's command line (go test ./core/selector
// -rewrite), the files are written back with the actual output, for
// review as a diff. Each engine package supplies only its commands, and
// reads their arguments with ParseArgs.
package scenariotest

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type scenarioCase struct {
	pre  []string // comments and blank lines before the case
	cmd  string
	line int
	want []string
}

func parse(t *testing.T, path string) (cases []scenarioCase, tail []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var pre []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			pre = append(pre, l)
			continue
		}
		c := scenarioCase{pre: pre, cmd: l, line: i + 1}
		pre = nil
		if i+1 >= len(lines) || lines[i+1] != "----" {
			t.Fatalf("%s:%d: command without ---- line", path, i+1)
		}
		for i += 2; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
			c.want = append(c.want, lines[i])
		}
		i-- // let the loop see the blank separator
		cases = append(cases, c)
	}
	return cases, pre
}

// rewrite is the -rewrite flag of every test binary that runs scenario
// files.
var rewrite = flag.Bool("rewrite", false, "rewrite testdata expectations with the actual output")

// Run runs every testdata/*.txt file as a subtest. newRun starts one
// file's run and returns the function that executes one command line. A
// file with no cases, or no files at all, fails: a stale expectation
// cannot pass silently.
func Run(t *testing.T, newRun func(t *testing.T) func(cmd string) []string) {
	t.Helper()
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			cases, tail := parse(t, path)
			if len(cases) == 0 {
				t.Fatalf("%s has no cases", path)
			}
			run := newRun(t)
			var out strings.Builder
			for _, c := range cases {
				got := run(c.cmd)
				if len(got) == 0 {
					got = []string{"ok"}
				}
				for _, p := range c.pre {
					out.WriteString(p + "\n")
				}
				out.WriteString(c.cmd + "\n----\n" + strings.Join(got, "\n") + "\n")
				if !*rewrite && !slices.Equal(got, c.want) {
					t.Errorf("%s:%d: %s\ngot:\n%s\nwant:\n%s", path, c.line, c.cmd, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
				}
			}
			for _, p := range tail {
				out.WriteString(p + "\n")
			}
			if *rewrite {
				if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// Violation fails the test with a rule the engine broke at game time now,
// whatever the expectation says, and returns the line that shows it in
// the output.
func Violation(t testing.TB, now int64, rule string) string {
	t.Helper()
	t.Errorf("VIOLATION at %d: %s", now, rule)
	return "VIOLATION " + rule
}
