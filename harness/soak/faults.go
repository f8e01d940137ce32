package soak

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"ramfarm/harness/scenario"
	"ramfarm/harness/world"
)

// Kind is a kind of fault.
type Kind string

const (
	KillWorker      Kind = "kill-worker"      // a worker killed
	KillTask        Kind = "kill-task"        // a till, sow or harvest task killed
	RestartMemd     Kind = "restart-memd"     // the memory daemon killed; the player runs start.js again
	RestartDiscover Kind = "restart-discover" // the discovery daemon, likewise
	RestartSelector Kind = "restart-selector" // the task selector, likewise
	DyingHost       Kind = "dying-host"       // every worker started on a host dies at once, for a while
	DyingTask       Kind = "dying-task"       // every worker of one task dies at once, for a while
	FillPort        Kind = "fill-port"        // a ramfarm port kept full for a few seconds
	Garbage         Kind = "garbage"          // a foreign script writes junk to every ramfarm port
	ForeignRAM      Kind = "foreign-ram"      // a foreign script takes a server's free RAM for a while
	UpgradeServer   Kind = "upgrade-server"   // a bought server's RAM doubled
	RebuySmaller    Kind = "rebuy-smaller"    // a bought server deleted and bought again at half the RAM
	ShrinkRAM       Kind = "shrink-ram"       // a server's max RAM falls (never below what runs there)
	UpgradeHome     Kind = "upgrade-home"     // home's RAM doubled
	RAMJumps        Kind = "ram-jumps"        // servers bought and rooted, home upgraded, within seconds
	WasmTrap        Kind = "wasm-trap"        // a daemon's or task's next core step traps
)

// restarted is the daemon each restart fault kills.
var restarted = map[Kind]string{RestartMemd: memdScript, RestartDiscover: "ramfarm/discover.js", RestartSelector: "ramfarm/selector.js"}

// Kinds lists every kind of fault.
func Kinds() []Kind {
	return []Kind{KillWorker, KillTask, RestartMemd, RestartDiscover, RestartSelector, DyingHost, DyingTask,
		FillPort, Garbage, ForeignRAM, UpgradeServer, RebuySmaller, ShrinkRAM, UpgradeHome, RAMJumps, WasmTrap}
}

// ParseKinds reads a comma-separated list of kinds.
func ParseKinds(s string) ([]Kind, error) {
	var out []Kind
	for _, f := range strings.Split(s, ",") {
		k := Kind(strings.TrimSpace(f))
		if !slices.Contains(Kinds(), k) {
			return nil, fmt.Errorf("soak: unknown fault %q (the kinds: %v)", k, Kinds())
		}
		out = append(out, k)
	}
	return out, nil
}

const (
	firstFaultMs = 20_000 // the system is up by then
	quietEndMs   = 15_000 // no fault starts this close to the end, so its recovery is seen
	// excuseMs is how long after the game changes under a host ramfarm's
	// starts there may fail for lack of RAM: the memory daemon's tick, and
	// the task's round that learns of the change.
	excuseMs = 3000
	// portCapacity is the game's default port capacity.
	portCapacity = 50
)

// schedule draws the run's faults: their times, then each one's kind.
// What a fault hits is drawn when it happens, from the game as it is then.
func (r *runner) schedule(end float64) {
	mean := float64(r.opts.FaultEvery.Milliseconds())
	for t := firstFaultMs + r.rng.ExpFloat64()*mean; t < end-quietEndMs; t += r.rng.ExpFloat64() * mean {
		k := r.kinds[r.rng.IntN(len(r.kinds))]
		r.g.Clock.After(t-r.g.Now(), func() { r.apply(k) })
	}
}

// apply carries out a fault of kind k; a fault that finds nothing to hit
// (no worker yet, no bought server) is skipped.
func (r *runner) apply(k Kind) {
	what, until := r.do(k)
	if what == "" {
		return
	}
	f := Fault{AtMs: r.now(), Kind: k, What: what}
	r.out.Faults = append(r.out.Faults, f)
	r.trace("fault " + f.String())
	r.watchRecovery(k, max(until, r.now()), restarted[k])
}

// do applies the fault and says what it hit and when its effect ends (0:
// at once).
func (r *runner) do(k Kind) (string, float64) {
	now := r.now()
	switch k {
	case KillWorker:
		return r.kill(r.ramfarmProcs(workerDir))
	case KillTask:
		return r.kill(r.ramfarmProcs("ramfarm/till.js", "ramfarm/sow.js", "ramfarm/harvest.js"))
	case RestartMemd, RestartDiscover, RestartSelector:
		what, _ := r.kill(r.ramfarmProcs(restarted[k]))
		if what == "" {
			return "", 0
		}
		if k == RestartMemd && r.last != nil {
			r.before = r.last
		}
		delay := 2000 + r.rng.Float64()*10_000
		r.g.Clock.After(delay, r.startAgain)
		return fmt.Sprintf("%s; start.js run again after %.1f s", what, delay/1000), now + delay
	case DyingHost:
		ws := r.ramfarmProcs(workerDir)
		if len(ws) == 0 {
			return "", 0
		}
		host := ws[r.rng.IntN(len(ws))].Host
		d := 10_000 + r.rng.Float64()*20_000
		r.dying[host] = now + d
		return fmt.Sprintf("workers started on %s die at once for %.1f s", host, d/1000), now + d
	case DyingTask:
		ts := r.ramfarmProcs("ramfarm/till.js", "ramfarm/sow.js", "ramfarm/harvest.js")
		if len(ts) == 0 {
			return "", 0
		}
		target, ok := firstArg(ts[r.rng.IntN(len(ts))].Args)
		if !ok {
			return "", 0
		}
		d := 10_000 + r.rng.Float64()*20_000
		r.dyingOn[target] = now + d
		return fmt.Sprintf("workers against %s die at once for %.1f s", target, d/1000), now + d
	case FillPort:
		return r.fillPort()
	case Garbage:
		return r.garbage(), 0
	case ForeignRAM:
		return r.foreignRAM()
	case UpgradeServer:
		ps := r.g.World.PurchasedServers()
		if len(ps) == 0 {
			return "", 0
		}
		host := ps[r.rng.IntN(len(ps))]
		s := r.g.World.Server(host)
		if s.MaxRAM*2 > r.g.World.PurchasedServerMaxRAM() {
			return "", 0
		}
		if err := (scenario.UpgradeServer{Host: host, RAM: s.MaxRAM * 2, Funded: true}).Apply(r.g.World); err != nil {
			return "", 0
		}
		return fmt.Sprintf("%s to %g GB", host, s.MaxRAM), 0
	case RebuySmaller:
		return r.rebuySmaller()
	case ShrinkRAM:
		return r.shrink()
	case UpgradeHome:
		h := r.g.World.Home()
		if h.MaxRAM >= 1<<20 {
			return "", 0
		}
		if err := (scenario.UpgradeHome{RAM: h.MaxRAM * 2, Funded: true}).Apply(r.g.World); err != nil {
			return "", 0
		}
		return fmt.Sprintf("home to %g GB", h.MaxRAM), 0
	case RAMJumps:
		return r.jumps(), now + 10_000
	case WasmTrap:
		// The core module traps inside its next step: the loader throws
		// CoreTrap and the instance is dead. A daemon goes on with a fresh
		// one (memd from its saved state); a task ends and is started again.
		ps := r.ramfarmProcs(append(slices.Clone(daemons), "ramfarm/till.js", "ramfarm/sow.js", "ramfarm/harvest.js")...)
		if len(ps) == 0 {
			return "", 0
		}
		p := ps[r.rng.IntN(len(ps))]
		if p.Filename == memdScript && r.last != nil {
			r.before = r.last
		}
		r.g.TrapCoreStep(p.Pid)
		return fmt.Sprintf("the next core step of %s pid %d on %s", p.Filename, p.Pid, p.Host), 0
	}
	panic("soak: unknown fault " + string(k))
}

// kill kills one of ps, drawn.
func (r *runner) kill(ps []*world.Process) (string, float64) {
	if len(ps) == 0 {
		return "", 0
	}
	p := ps[r.rng.IntN(len(ps))]
	r.g.Kill(p.Pid)
	return fmt.Sprintf("%s pid %d on %s", p.Filename, p.Pid, p.Host), 0
}

// startAgain runs start.js on home as the player would after noticing a
// daemon is gone; with home full, the player tries again a little later.
func (r *runner) startAgain() {
	if r.exec(startJS, "home", 1) == 0 {
		r.trace("start.js could not start; trying again in 5 s")
		r.g.Clock.After(5000, r.startAgain)
	}
}

// fillPort keeps one of ramfarm's ports full for one to three seconds:
// a daemon's request port, or a client's private port.
func (r *runner) fillPort() (string, float64) {
	ports := []int64{98, 99, 100}
	for p := int64(101); p < 111; p++ {
		ports = append(ports, p)
	}
	port := ports[r.rng.IntN(len(ports))]
	d := 1000 + r.rng.Float64()*2000
	until := r.now() + d
	var fill func()
	fill = func() {
		// At most a port's capacity per round: a script waiting on the
		// port reads each write as it lands.
		for range portCapacity {
			if ok, _ := r.g.WritePortJSON(port, `"soak: filling"`); !ok {
				break
			}
		}
		if r.now()+100 < until {
			r.g.Clock.After(100, fill)
		}
	}
	fill()
	return fmt.Sprintf("port %d kept full for %.1f s", port, d/1000), until
}

// garbage has a foreign script write to each daemon port and to a private
// port one value no daemon can use: a cyclic object, a BigInt, a 1 MB
// string, a value 100 deep, or random JSON shaped like a message.
func (r *runner) garbage() string {
	kinds := []string{"cyclic", "bigint", "huge", "deep", "json"}
	kind := kinds[r.rng.IntN(len(kinds))]
	var said []string
	for _, port := range []int64{98, 99, 100, 101 + int64(r.rng.IntN(10))} {
		arg := kind
		if kind == "json" {
			arg = r.randomMessage()
		}
		if r.exec(garbageJS, "home", 1, port, arg) != 0 {
			said = append(said, strconv.FormatInt(port, 10))
		}
	}
	if len(said) == 0 {
		return ""
	}
	return fmt.Sprintf("%s to ports %s", kind, strings.Join(said, ","))
}

// randomMessage is random JSON shaped like a ramfarm message: a real type
// with fields of random kinds and values, some of them real pids and
// hosts, every answer to port 777.
func (r *runner) randomMessage() string {
	types := []string{"alloc", "resize", "release", "claim", "unclaim", "give", "status", "worker", "forget", "port",
		"unport", "subscribe", "heartbeat", "finished", "cordon", "vacate", "reopen", "landed", "nonsense"}
	fields := []string{"pid", "alloc", "host", "chunk", "count", "worker", "ram", "to", "port", "prio", "on", "seq", "target"}
	var b strings.Builder
	fmt.Fprintf(&b, `{"t":%q,"rid":%d,"reply":777`, types[r.rng.IntN(len(types))], r.rng.IntN(1000))
	for _, f := range fields {
		if r.rng.IntN(2) == 0 {
			continue
		}
		fmt.Fprintf(&b, `,%q:%s`, f, r.randomValue())
	}
	b.WriteString("}")
	return b.String()
}

func (r *runner) randomValue() string {
	switch r.rng.IntN(8) {
	case 0:
		ps := r.ramfarmProcs()
		if len(ps) > 0 {
			return strconv.FormatInt(ps[r.rng.IntN(len(ps))].Pid, 10)
		}
		return "1"
	case 1:
		ss := r.g.World.Servers()
		return strconv.Quote(ss[r.rng.IntN(len(ss))].Hostname)
	case 2:
		return strconv.FormatFloat(r.rng.NormFloat64()*1e3, 'g', -1, 64)
	case 3:
		return []string{"-1", "0", "1e308", "-0", "9007199254740993", "0.001"}[r.rng.IntN(6)]
	case 4:
		return []string{"true", "false", "null", `""`, `[]`, `{}`}[r.rng.IntN(6)]
	case 5:
		return `[["home",1,2],["x",-1,1e9]]`
	case 6:
		return strconv.Quote(strings.Repeat("é", r.rng.IntN(300)))
	}
	return strconv.Itoa(r.rng.IntN(200))
}

// foreignRAM has a foreign script take a share of a server's free RAM for
// ten seconds to a minute: the player's own scripts, placed by what the
// game shows free, inside chunks ramfarm holds.
func (r *runner) foreignRAM() (string, float64) {
	var hosts []*world.Server
	for _, s := range r.g.World.Servers() {
		if s.Hostname != world.HomeHost && s.HasRoot && s.MaxRAM-s.RAMUsed >= 1.6 {
			hosts = append(hosts, s)
		}
	}
	if len(hosts) == 0 {
		return "", 0
	}
	s := hosts[r.rng.IntN(len(hosts))]
	threads := int64((s.MaxRAM - s.RAMUsed) * (0.3 + 0.7*r.rng.Float64()) / 1.6)
	if threads < 1 {
		return "", 0
	}
	d := 10_000 + r.rng.Float64()*50_000
	if r.g.World.Scp([]string{hogJS}, s.Hostname, world.HomeHost); !s.HasFile(hogJS) {
		return "", 0
	}
	pid := r.exec(hogJS, s.Hostname, threads, math.Round(d))
	if pid == 0 {
		return "", 0
	}
	r.excuse(s.Hostname, r.now()+d+excuseMs)
	return fmt.Sprintf("%d threads (%.1f GB) on %s for %.1f s", threads, float64(threads)*1.6, s.Hostname, d/1000), r.now() + d
}

func (r *runner) excuse(host string, until float64) {
	r.excused[host] = max(r.excused[host], until)
}

// rebuySmaller deletes a bought server, as a player does after killing
// what runs there, and buys one of half its RAM under the same name.
func (r *runner) rebuySmaller() (string, float64) {
	var hosts []string
	for _, h := range r.g.World.PurchasedServers() {
		if r.g.World.Server(h).MaxRAM >= 4 {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) == 0 {
		return "", 0
	}
	host := hosts[r.rng.IntN(len(hosts))]
	ram := r.g.World.Server(host).MaxRAM / 2
	ps, _ := r.g.World.PS(host)
	for _, p := range ps {
		r.g.Kill(p.Pid)
	}
	if err := r.g.World.DeleteServer(host, world.HomeHost); err != nil {
		return "", 0
	}
	r.excuse(host, r.now()+excuseMs)
	if err := (scenario.Buy{Count: 1, RAM: ram, Prefix: host, Funded: true}).Apply(r.g.World); err != nil {
		return fmt.Sprintf("%s deleted (%d processes killed); buying %g GB failed: %v", host, len(ps), ram, err), 0
	}
	return fmt.Sprintf("%s deleted (%d processes killed) and bought again with %g GB", host, len(ps), ram), 0
}

// shrink lowers a server's max RAM to half, or to what runs there if more:
// the game changing under ramfarm (a real server's RAM never falls, but a
// plan must survive it).
func (r *runner) shrink() (string, float64) {
	var hosts []*world.Server
	for _, s := range r.g.World.Servers() {
		if s.HasRoot && s.MaxRAM >= 4 && math.Max(s.MaxRAM/2, math.Ceil(s.RAMUsed)) < s.MaxRAM {
			hosts = append(hosts, s)
		}
	}
	if len(hosts) == 0 {
		return "", 0
	}
	s := hosts[r.rng.IntN(len(hosts))]
	was := s.MaxRAM
	s.MaxRAM = math.Max(s.MaxRAM/2, math.Ceil(s.RAMUsed))
	r.excuse(s.Hostname, r.now()+excuseMs)
	return fmt.Sprintf("%s from %g to %g GB", s.Hostname, was, s.MaxRAM), 0
}

// jumps brings RAM in a burst: a few servers bought, a few rooted, home
// upgraded, at moments drawn within ten seconds.
func (r *runner) jumps() string {
	var said []string
	if n := len(r.g.World.PurchasedServers()); n < r.g.World.PurchasedServerLimit() {
		ram := []float64{8, 16, 32, 64}[r.rng.IntN(4)]
		count := min(1+r.rng.IntN(3), r.g.World.PurchasedServerLimit()-n)
		at := r.rng.Float64() * 10_000
		r.g.Clock.After(at, func() {
			(scenario.Buy{Count: count, RAM: ram, Prefix: "soak", Funded: true}).Apply(r.g.World)
		})
		said = append(said, fmt.Sprintf("%d × %g GB bought at +%.1f s", count, ram, at/1000))
	}
	var unrooted []string
	for _, s := range r.g.World.Servers() {
		if !s.HasRoot && s.MaxRAM > 0 {
			unrooted = append(unrooted, s.Hostname)
		}
	}
	for range min(2, len(unrooted)) {
		i := r.rng.IntN(len(unrooted))
		host := unrooted[i]
		unrooted = slices.Delete(unrooted, i, i+1)
		at := r.rng.Float64() * 10_000
		r.g.Clock.After(at, func() { (scenario.Root{Host: host}).Apply(r.g.World) })
		said = append(said, fmt.Sprintf("%s rooted at +%.1f s", host, at/1000))
	}
	if h := r.g.World.Home(); h.MaxRAM < 1<<20 {
		at := r.rng.Float64() * 10_000
		r.g.Clock.After(at, func() {
			(scenario.UpgradeHome{RAM: r.g.World.Home().MaxRAM * 2, Funded: true}).Apply(r.g.World)
		})
		said = append(said, fmt.Sprintf("home doubled at +%.1f s", at/1000))
	}
	return strings.Join(said, ", ")
}
