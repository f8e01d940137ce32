package jsglue

import (
	"sort"
	"strings"
	"testing"

	"ramfarm/gamedata"
	"ramfarm/harness/ramcalc"
)

// Every GB a script costs is a GB the player cannot hack with. These are
// the budgets, computed the way the game computes them; a change that
// raises one must raise it here, in review.
var ramBudget = map[string]float64{
	"ramfarm/start.js":    4.6,  // base + exec, scp, ps, kill, nuke, scan, hasRootAccess, getScriptRam, and alloc.js's isRunning; with memd (2.0) within a fresh 8 GB home
	"ramfarm/memd.js":     2.0,  // base + isRunning, hasRootAccess, getServerMaxRam, getServerUsedRam, and its own RAM (getHostname, getScriptRam)
	"ramfarm/fill.js":     4.1,  // base + exec, scp, kill, getScriptRam
	"ramfarm/discover.js": 4.35, // base + getServer (cores come from nothing else), scan, fileExists, isRunning, getHackingLevel, nuke, 5 openers
	"ramfarm/harvest.js":  5.25, // base + exec, scp, kill, isRunning, getPlayer, the target getters
	"ramfarm/till.js":     4.3,  // base + exec, scp, kill, isRunning, getServerSecurityLevel, getServerMinSecurityLevel
	"ramfarm/sow.js":      4.6,  // till's + getServerMoneyAvailable, getServerMaxMoney, getServerGrowth
	"ramfarm/selector.js": 4.25, // base + exec, scp, kill, isRunning, getScriptRam, getHackingLevel: it seats tasks anywhere
	"ramfarm/w/hack.js":   1.7,
	"ramfarm/w/grow.js":   1.75,
	"ramfarm/w/weaken.js": 1.75,
	"ramfarm/vacate.js":   1.6, // base only: ports, flags and tprint are free
	"ramfarm/reopen.js":   1.6,
	"ramfarm/stop.js":     4.5, // base + scan, ps, kill, and spawn for --start (start.js needs its RAM on an 8 GB home)
	InstallFile:           4.8, // base + wget, read, write, mv (all free), rm, ps, spawn; within 8 GB beside memd (2.0)
	"ramfarm/status.js":   1.6, // base only: the tail window, clearLog and print are free
	"ramfarm/bitnode.js":  2.6, // base + getResetInfo; start.js seats it for a moment so no daemon pays for the BitNode
}

func TestScriptRAM(t *testing.T) {
	files := Files([]byte("\x00asm"))
	files[InstallFile] = InstallJS
	// The game resolves imports against files on the same server, by path
	// from the root.
	var scripts []string
	for name := range files {
		if strings.HasSuffix(name, ".js") && !strings.Contains(name, "/lib/") {
			scripts = append(scripts, name)
		}
	}
	sort.Strings(scripts)
	// Every release the scripts run on charges them at most the budget:
	// a later release's new names must not cost the player RAM.
	for _, rel := range gamedata.Releases {
		calc, err := ramcalc.NewFor(rel)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range scripts {
			res, err := calc.ScriptRAM(name, files)
			if err != nil {
				t.Errorf("%s on %s: RAM not computable (the game would refuse to run it): %v", name, rel, err)
				continue
			}
			budget, ok := ramBudget[name]
			if !ok {
				t.Errorf("%s: costs %.2f GB and has no budget in ramBudget", name, res.RAM)
				continue
			}
			if res.RAM > budget {
				t.Errorf("%s costs %.2f GB on %s, over its %.2f GB budget: %v", name, res.RAM, rel, budget, res.Entries)
			}
			t.Logf("%-5s %-22s %.2f GB", rel, name, res.RAM)
		}
		// Library files must be free to import.
		for _, lib := range []string{"ramfarm/lib/core.js", "ramfarm/lib/ports.js", "ramfarm/lib/protocol.js", "ramfarm/lib/taskwire.js",
			"ramfarm/lib/memdwire.js", "ramfarm/lib/discoverywire.js", "ramfarm/lib/selectorwire.js", "ramfarm/lib/log.js",
			"ramfarm/lib/config.js", "ramfarm/lib/release.js", WasmFile} {
			res, err := calc.ScriptRAM(lib, files)
			if err != nil {
				t.Errorf("%s: %v", lib, err)
			} else if res.RAM != ramcalc.BaseCost {
				t.Errorf("%s costs %.2f GB to import on %s, want nothing beyond the base: %v", lib, res.RAM, rel, res.Entries)
			}
		}
	}
}

// The player's files are named in Go (push keeps them) and in the scripts
// that write and read them: the names must agree.
func TestPlayerFileNames(t *testing.T) {
	files := Files(nil)
	for name, text := range map[string]string{ConfigFile: files["ramfarm/lib/config.js"], InstalledFile: InstallJS} {
		if !strings.Contains(text, `"`+name+`"`) {
			t.Errorf("the script that uses %s does not name it", name)
		}
	}
}
