package harness

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"ramfarm/gamedata"
	"ramfarm/harness/network"
	"ramfarm/harness/ramcalc"
	"ramfarm/harness/world"
)

// releaseGame is home (32 GB) and two servers: n00dles (rooted, money)
// and darkweb, linked to home as after buying the TOR router.
func releaseGame(t *testing.T, rel gamedata.Release) *Game {
	t.Helper()
	g := homeGame(t, Config{Seed: 1, Release: rel})
	g.World.Server("home").MaxRAM = 32
	for _, s := range []*world.Server{
		world.NewServer(world.ServerParams{Hostname: "n00dles", MaxRAM: 4, MoneyAvailable: 1e5, HackDifficulty: 5, RequiredHackingSkill: 1, ServerGrowth: 3000, AdminRights: true}),
		world.NewServer(world.ServerParams{Hostname: world.DarkwebHost})} {
		if err := g.World.AddServer(s); err != nil {
			t.Fatal(err)
		}
	}
	n := g.World.Server("n00dles")
	n.HackDifficulty = n.MinDifficulty + 0.01
	for _, h := range []string{"n00dles", world.DarkwebHost} {
		if err := g.World.Link("home", h); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

// said runs code as main's body on home and returns what it printed
// with p(x), joined by "|" (its answers, or the error it threw).
func said(t *testing.T, g *Game, code string) string {
	t.Helper()
	main := `export async function main(ns) { const out = []; const p = (x) => { out.push(String(x)); ns.print("said " + out.join("|")); };
try { ` + code + ` } catch (e) { p("threw " + (e.message ?? e)); } }`
	if err := g.Install("home", map[string]string{"main.js": main}); err != nil {
		t.Fatal(err)
	}
	pid, err := g.Exec("main.js", "home", 1)
	if err != nil || pid == 0 {
		t.Fatalf("exec: %d %v (%v)", pid, err, g.Terminal())
	}
	if err := g.RunFor(600_000); err != nil {
		t.Fatal(err)
	}
	last := ""
	for _, l := range g.Logs(pid) {
		if rest, ok := strings.CutPrefix(l, "said "); ok {
			last = rest
		}
	}
	return last
}

// behaviourChecks shows each behaviour row of the release table in the
// emulator: what a script sees without the change and with it.
var behaviourChecks = map[string]struct {
	code          string
	before, after string
	world         func(t *testing.T, g *Game) string // a check of the world instead of a script, if set
}{
	gamedata.OwnServerHGW: {code: `p(typeof (await ns.weaken("home")))`,
		before: "number", after: "threw weaken: Cannot weaken home because it is your server"},
	gamedata.WeakenActual: {code: `p((await ns.weaken("n00dles", {threads: 1})).toFixed(2))`,
		// n00dles sits 0.01 above its minimum: a thread's nominal 0.05
		// removes only that.
		before: "0.05", after: "0.01"},
	gamedata.HomeMoneyIsPlayers: {code: `p(ns.getServer("home").moneyAvailable)`, before: "0", after: "1151"},
	gamedata.OpenersReturnFalse: {code: `p(ns.brutessh("n00dles"))`,
		before: "threw brutessh: You do not have the BruteSSH.exe program!", after: "false"},
	gamedata.NoDarkwebInScan:   {code: `p(ns.scan("home").join(","))`, before: "n00dles,darkweb", after: "n00dles"},
	gamedata.NoBitNodeInPlayer: {code: `p(ns.getPlayer().bitNodeN)`, before: "1", after: "undefined"},
	gamedata.NoHacknetNameCost: {world: func(t *testing.T, g *Game) string {
		c, err := ramcalc.NewFor(g.Release())
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.ScriptRAM("a.js", map[string]string{"a.js": "export async function main(ns) { ns.hacknet; }"})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%.1f", res.RAM)
	}, before: "5.6", after: "1.6"},
	gamedata.WorldCores: {world: func(t *testing.T, g *Game) string {
		w, err := world.New(world.Config{RAMOf: func(string, string) (float64, bool) { return 1.6, true }, Now: func() float64 { return 0 }})
		if err != nil {
			t.Fatal(err)
		}
		if err := network.BuildDefaultFor(w, g.Release()); err != nil {
			t.Fatal(err)
		}
		most := 0
		for _, s := range w.Servers() {
			if !s.IsHome {
				most = max(most, s.Cores)
			}
		}
		return map[bool]string{true: "many cores", false: "one core"}[most > 1]
	}, before: "one core", after: "many cores"},
}

// TestReleaseTable covers every row of the release table: a function's
// cost, presence or absence in the RAM calculator and the ns object, and
// each behaviour in the emulator, on the releases before and after it.
func TestReleaseTable(t *testing.T) {
	seen := map[string]bool{}
	for i, c := range gamedata.Changes {
		t.Run(c.Path, func(t *testing.T) {
			if c.Source == "" || c.Since == "" {
				t.Errorf("row %d has no source or version", i)
			}
			for _, rel := range gamedata.Releases {
				calc, err := ramcalc.NewFor(rel)
				if err != nil {
					t.Fatal(err)
				}
				gb, known := calc.FuncCost(c.Path)
				switch {
				case c.Kind == gamedata.Behaviour:
					chk, ok := behaviourChecks[c.Path]
					if !ok {
						t.Fatalf("behaviour %s has no check", c.Path)
					}
					seen[c.Path] = true
					g := releaseGame(t, rel)
					var got string
					if chk.world != nil {
						got = chk.world(t, g)
					} else {
						got = said(t, g, chk.code)
					}
					want := chk.before
					if rel.Has(c) {
						want = chk.after
					}
					if got != want {
						t.Errorf("%s on %s: %q, want %q", c.Path, rel, got, want)
					}
				default:
					// The latest row for the path in effect decides; with
					// none, 2.6.1's table does.
					base, _ := ramcalc.New()
					want, wantKnown := base.FuncCost(c.Path)
					for _, r := range gamedata.Changes {
						if r.Path == c.Path && rel.Has(r) {
							want, wantKnown = r.RAM, r.Kind != gamedata.Removed
						}
					}
					if gb != want || known != wantKnown {
						t.Errorf("%s on %s: %v GB (known %v), want %v (known %v)", c.Path, rel, gb, known, want, wantKnown)
					}
					if !rel.Has(c) {
						continue
					}
					g := releaseGame(t, rel)
					got := said(t, g, `p(typeof ns.`+c.Path+`)`)
					switch {
					case c.Kind == gamedata.Removed && got != "undefined":
						t.Errorf("%s on %s: ns.%s is %s, want undefined", c.Path, rel, c.Path, got)
					case c.Kind == gamedata.Removed && !strings.Contains(c.Path, ".") && !slices.Contains(g.RemovedTouched(), "main.js: "+c.Path):
						t.Errorf("%s on %s: reading the removed name was not noted: %v", c.Path, rel, g.RemovedTouched())
					case c.Kind == gamedata.Added && implemented(c.Was) && got != "function":
						t.Errorf("%s on %s: ns.%s is %s, want the moved %s", c.Path, rel, c.Path, got, c.Was)
					}
				}
			}
		})
	}
	for b := range behaviourChecks {
		if !seen[b] {
			t.Errorf("check of %s, which no row of the table names", b)
		}
	}
}

// implemented reports whether the emulator implements an ns function.
func implemented(name string) bool {
	return slices.Contains([]string{"tail", "purchaseServer", "deleteServer", "getPurchasedServers", "getPurchasedServerCost",
		"upgradePurchasedServer", "getPurchasedServerLimit", "getPurchasedServerMaxRam", "formatNumber", "formatRam"}, name)
}
