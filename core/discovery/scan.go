package discovery

import (
	"math"
	"slices"
	"strings"

	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// server is one server as last scanned, with what the engine did about it.
type server struct {
	Server             // as last seen; Rooted also turns true when a Nuke works
	nuke      int64    // Nuke.ID in flight, 0 if none
	failures  []string // failures logged since the last success: a repeat is not news
	reg       *stream
	announced Register // the last registration queued (valid when reg != nil)
}

// maxPorts is the most open ports any server needs: one per opener.
const maxPorts = len(openers)

// stepScan applies one discovery tick. A full scan lists every server:
// one known and missing is gone. A shallow one lists home and its
// neighbours, where everything that changes without the engine's doing
// lives (bought, upgraded and deleted servers, home, darkweb): a known
// player's server missing from it is gone, and the deeper servers keep
// their last state. Either way, the opens and nukes a new program allows
// go out at once, for every server known.
func (e *Engine) stepScan(ev Scan) error {
	if err := checkScan(ev); err != nil {
		return err
	}
	for _, pid := range ev.Dead {
		e.bury(pid)
	}
	e.now, e.level = ev.Now, ev.Level
	if ev.Programs != e.programs || !e.scanned {
		e.programs = ev.Programs
		if r := e.reach(); r < 0 {
			e.logf("programs " + describePrograms(ev.Programs) + ": no NUKE.exe, nothing can be nuked")
		} else {
			e.logf("programs " + describePrograms(ev.Programs) + ": servers needing up to " + itoa(int64(r)) + " open ports can be nuked")
		}
	}
	listed := make(map[string]bool, len(ev.Servers))
	var added []*server
	for _, s := range ev.Servers {
		listed[s.Host] = true
		rec := e.servers[s.Host]
		if rec == nil {
			rec = &server{}
			e.servers[s.Host] = rec
			added = append(added, rec)
		}
		rec.Server = s
	}
	e.order = slices.DeleteFunc(e.order, func(rec *server) bool {
		if listed[rec.Host] || (!ev.Full && !(rec.Purchased && !rec.Home)) {
			return false
		}
		e.forget(rec)
		return true
	})
	if ev.Full {
		// The walk's order, so logs and commands follow the network.
		e.order = e.order[:0]
		for _, s := range ev.Servers {
			e.order = append(e.order, e.servers[s.Host])
		}
		e.walkedAt, e.walked = ev.Now, true
	} else {
		e.order = append(e.order, added...)
	}
	for _, rec := range e.order {
		if !rec.Rooted {
			e.crack(rec)
		}
		e.register(rec)
	}
	e.scanned = true
	e.retry()
	e.publish()
	return nil
}

// wantWalk reports whether the next scan should be full: before the
// first one, and then once WalkEvery has passed since the last, so
// servers that appear deep in the network (or are rooted by hand) are
// found and the target readings stay fresh.
func (e *Engine) wantWalk() bool {
	return !e.walked || e.now-e.walkedAt >= e.walkEvery
}

// checkScan finds what makes a Scan unusable before anything changes.
func checkScan(ev Scan) error {
	if ev.Level < 0 {
		return wrap(ErrBadScan, "hacking level "+itoa(int64(ev.Level)))
	}
	if !ev.Programs.valid() {
		return wrap(ErrBadScan, "program set "+itoa(int64(ev.Programs))+" names unknown programs")
	}
	for _, pid := range ev.Dead {
		if pid <= 0 {
			return wrap(ErrBadScan, "dead pid "+itoa(int64(pid)))
		}
	}
	seen := make(map[string]bool, len(ev.Servers))
	homes := 0
	for _, s := range ev.Servers {
		if reason := badServer(s); reason != "" {
			return wrap(ErrBadScan, reason)
		}
		if seen[s.Host] {
			return wrap(ErrBadScan, s.Host+" is listed twice")
		}
		seen[s.Host] = true
		if s.Home {
			if homes++; homes > 1 {
				return wrap(ErrBadScan, "more than one home")
			}
		}
	}
	return nil
}

// badServer says what is wrong with a scanned server, or "".
func badServer(s Server) string {
	switch {
	case s.Host == "":
		return "a server has no host name"
	case s.PortsRequired < 0 || s.PortsRequired > maxPorts:
		return s.Host + " needs " + itoa(int64(s.PortsRequired)) + " ports"
	case s.MaxRAM < 0 || s.MaxRAM > ram.Max:
		return s.Host + " has RAM out of range"
	case s.Cores < 1:
		return s.Host + " has " + itoa(int64(s.Cores)) + " cores"
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"max money", s.MaxMoney}, {"money", s.Money}, {"min security", s.MinSecurity}, {"base security", s.BaseSecurity},
		{"security", s.Security}, {"growth", s.Growth}, {"required level", s.RequiredLevel}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return s.Host + " has " + f.name + " " + formatNum(f.v)
		}
	}
	return ""
}

// reach is how many ports the owned programs can open before a nuke; -1
// without NUKE.exe.
func (e *Engine) reach() int {
	if !e.programs.Has(NukeExe) {
		return -1
	}
	return e.programs.Openers()
}

// crack opens and nukes a server without root when the owned programs
// allow it and no nuke of it is already in flight. It opens exactly the
// ports the server needs, with the first owned openers.
func (e *Engine) crack(rec *server) {
	if rec.nuke != 0 || rec.PortsRequired > e.reach() {
		return
	}
	n := 0
	for _, p := range openers {
		if n == rec.PortsRequired {
			break
		}
		if e.programs.Has(p) {
			id := e.id()
			e.actions[id] = action{host: rec.Host, program: p}
			e.out.Opens = append(e.out.Opens, Open{ID: id, Host: rec.Host, Program: p})
			n++
		}
	}
	rec.nuke = e.id()
	e.actions[rec.nuke] = action{host: rec.Host, program: NukeExe, nuke: true}
	e.out.Nukes = append(e.out.Nukes, Nuke{ID: rec.nuke, Host: rec.Host})
}

// kindOf is the worker kind of a server. Hacknet servers are told apart
// by name: the game reserves these prefixes for them and refuses them
// for bought servers.
func kindOf(s Server) Kind {
	switch {
	case s.Home:
		return KindHome
	case s.Purchased && (strings.HasPrefix(s.Host, "hacknet-server-") || strings.HasPrefix(s.Host, "hacknet-node-")):
		return KindHacknet
	case s.Purchased:
		return KindPurchased
	}
	return KindServer
}

// register tells the memory daemon about a rooted server with RAM, the
// first time and whenever its RAM, cores or kind change.
func (e *Engine) register(rec *server) {
	if !rec.Rooted || rec.MaxRAM <= 0 {
		return
	}
	r := Register{Host: rec.Host, Kind: kindOf(rec.Server), Cores: rec.Cores, MaxRAM: rec.MaxRAM}
	if rec.reg != nil && rec.announced == r {
		return
	}
	if rec.reg == nil {
		rec.reg = &stream{port: e.memd}
		e.logf("worker " + describeRegister(r))
	} else {
		e.logf("worker changed " + describeRegister(r))
	}
	rec.announced = r
	e.offer(rec.reg, r)
}

// forget drops a server that is no longer on the network. The memory
// daemon finds that out by itself; a registration not yet delivered is
// news to nobody.
func (e *Engine) forget(rec *server) {
	delete(e.servers, rec.Host)
	if rec.reg != nil {
		rec.reg.dead = true
		rec.reg.pending = nil
	}
	if rec.nuke != 0 {
		// Its Result may still come; it then finds no server to update.
		rec.nuke = 0
	}
	e.logf("gone " + rec.Host)
}

// hackable is the target rule: the player's level is enough, the server
// has money, and root is held; the player's own servers are never
// targets.
func (e *Engine) hackable(s Server) bool {
	return s.Rooted && !s.Home && !s.Purchased && s.MaxMoney > 0 && s.RequiredLevel <= float64(e.level)
}

// publish rebuilds the target list and, if it changed (or was never
// published), sends it to every subscriber.
func (e *Engine) publish() {
	if !e.scanned {
		return
	}
	var list []Target
	for _, rec := range e.order {
		if e.hackable(rec.Server) {
			list = append(list, Target{Host: rec.Host, MaxMoney: rec.MaxMoney, Money: rec.Money, MinSecurity: rec.MinSecurity,
				BaseSecurity: rec.BaseSecurity, Security: rec.Security, Growth: rec.Growth, RequiredLevel: rec.RequiredLevel})
		}
	}
	sortTargets(list)
	if e.seq > 0 && sameTargets(list, e.targets) {
		return
	}
	e.seq++
	e.targets, e.targetsNow, e.targetsLevel = list, e.now, e.level
	hosts := make([]string, len(list))
	for i, t := range list {
		hosts[i] = t.Host
	}
	e.logf("targets seq=" + itoa(e.seq) + " [" + strings.Join(hosts, " ") + "]")
	for _, s := range e.subList {
		e.offer(&s.stream, e.snapshot(s.takeRid()))
	}
}

// sameTargets compares two sorted lists by their fixed facts: money and
// security readings move all the time and are not news by themselves.
func sameTargets(a, b []Target) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Host != y.Host || x.MaxMoney != y.MaxMoney || x.MinSecurity != y.MinSecurity ||
			x.BaseSecurity != y.BaseSecurity || x.Growth != y.Growth || x.RequiredLevel != y.RequiredLevel {
			return false
		}
	}
	return true
}

func sortTargets(ts []Target) {
	stable.Sort(ts, func(a, b Target) int { return strings.Compare(a.Host, b.Host) })
}
