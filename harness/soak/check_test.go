package soak

import (
	"strconv"
	"strings"
	"testing"

	"ramfarm/harness"
	"ramfarm/harness/memdreport"
	"ramfarm/harness/network"
)

// The request checker: a request to the memory daemon from a live process
// must see an answer on its reply port (any message with its rid) within
// answerMs of the daemon running; one written through the game's ports
// and never answered is a violation, one answered, or from a process that
// died, is not.
func TestCheckAnswers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		answer   string // written to the reply port, "" for none
		kill     bool   // the requester dies
		memdFrom float64
		wantViol bool
	}{
		{"answered", `{"t":"done","rid":5}`, false, 0, false},
		{"an error is an answer", `{"t":"error","rid":5,"code":"bad-message","reason":"x"}`, false, 0, false},
		{"never answered", "", false, 0, true},
		{"answer to another rid", `{"t":"done","rid":6}`, false, 0, true},
		{"requester died", "", true, 0, false},
		{"the daemon came back late", "", false, 10_000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := harness.New(harness.Config{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			home, _ := network.Home()
			if err := g.World.AddServer(home); err != nil {
				t.Fatal(err)
			}
			if err := g.Install("home", map[string]string{"a.js": `export async function main(ns) { await ns.sleep(1e9); }`}); err != nil {
				t.Fatal(err)
			}
			pid, err := g.Exec("a.js", "home", 1)
			if err != nil {
				t.Fatal(err)
			}
			r := &runner{g: g, memd: 1, memdFrom: tc.memdFrom, asking: map[letterKey]request{}, scripts: map[int64]string{}}
			g.OnPortWrite(r.portWrote)
			g.WritePortJSON(memdreport.MemdPort, `{"t":"alloc","rid":5,"pid":`+itoa(pid)+`,"reply":123}`)
			if tc.answer != "" {
				g.WritePortJSON(123, tc.answer)
			}
			if tc.kill {
				g.Kill(pid)
			}
			if err := g.RunFor(answerMs + 1000); err != nil {
				t.Fatal(err)
			}
			r.checkAnswers()
			got := len(r.out.Violations) > 0
			if got != tc.wantViol {
				t.Fatalf("violations %v, want one: %v", r.out.Violations, tc.wantViol)
			}
			if got && !strings.Contains(r.out.Violations[0].Detail, "alloc #5 from pid") {
				t.Errorf("the violation does not name the request: %s", r.out.Violations[0])
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
