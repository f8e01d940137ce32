package scenario

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"ramfarm/harness/world"
)

// Event is one thing that happens to the game at a fixed time, outside
// the scripts: the player acts or the game changes.
type Event interface {
	// Apply changes w. It checks first and changes nothing on failure.
	Apply(w *world.World) error
	// Kind is the event's "do" value in the file, such as "buy".
	Kind() string
	// String describes the event in one line for logs and traces.
	String() string
}

// Acquire gives the player a program, as finishing Create Program or
// buying it on the darkweb does (no money changes hands here).
type Acquire struct{ Program string }

// Buy buys Count servers of RAM GB, asking the game for Prefix-0 each
// time so that its naming rule gives Prefix-0, Prefix-1, … With Funded
// the price is first granted, as money earned away from the scripts (a
// job, crime); otherwise the player must afford it.
type Buy struct {
	Count  int
	RAM    float64
	Prefix string
	Funded bool
}

// UpgradeHome doubles home's RAM until it has RAM GB and adds cores until
// it has Cores, each step at the game's price (0 leaves that part alone).
type UpgradeHome struct {
	RAM    float64
	Cores  int
	Funded bool
}

// UpgradeServer raises a bought server's RAM at the game's price.
type UpgradeServer struct {
	Host   string
	RAM    float64
	Funded bool
}

// Kill stops a process, by pid or by script, host and exact args, as the
// player's kill command does. Nothing running to kill is a failure.
type Kill struct {
	Pid    int64 // 0: by name
	Script string
	Host   string
	Args   []any
}

// Run starts a script, as the player's terminal does: scripts of the
// player's own (a share loop, a manual hack) that take RAM ramfarm does
// not control.
type Run struct {
	Script  string
	Host    string
	Threads int64
	Args    []any
}

// Money grants money earned away from the scripts.
type Money struct{ Amount float64 }

// SetHackingLevel sets the player's level, with the least exp that gives
// it, as if the player had trained elsewhere.
type SetHackingLevel struct{ Level float64 }

// SetHackingExp sets the player's total hacking exp.
type SetHackingExp struct{ Exp float64 }

// Root gives the player root on a server, as nuking it by hand does.
type Root struct{ Host string }

func (e Acquire) Kind() string         { return "acquire" }
func (e Buy) Kind() string             { return "buy" }
func (e UpgradeHome) Kind() string     { return "upgrade-home" }
func (e UpgradeServer) Kind() string   { return "upgrade-server" }
func (e Kill) Kind() string            { return "kill" }
func (e Run) Kind() string             { return "run" }
func (e Money) Kind() string           { return "money" }
func (e SetHackingLevel) Kind() string { return "hacking-level" }
func (e SetHackingExp) Kind() string   { return "hacking-exp" }
func (e Root) Kind() string            { return "root" }

func (e Acquire) String() string { return "acquire " + e.Program }

func (e Buy) String() string {
	return fmt.Sprintf("buy %d × %v GB as %s-N%s", e.Count, e.RAM, e.Prefix, funded(e.Funded))
}

func (e UpgradeHome) String() string {
	var parts []string
	if e.RAM > 0 {
		parts = append(parts, fmt.Sprintf("%v GB", e.RAM))
	}
	if e.Cores > 0 {
		parts = append(parts, fmt.Sprintf("%d cores", e.Cores))
	}
	return "upgrade home to " + strings.Join(parts, ", ") + funded(e.Funded)
}

func (e UpgradeServer) String() string {
	return fmt.Sprintf("upgrade %s to %v GB%s", e.Host, e.RAM, funded(e.Funded))
}

func (e Kill) String() string {
	if e.Pid != 0 {
		return fmt.Sprintf("kill pid %d", e.Pid)
	}
	return fmt.Sprintf("kill %s on %s args %v", e.Script, e.Host, e.Args)
}

func (e Run) String() string {
	return fmt.Sprintf("run %s on %s, %d threads, args %v", e.Script, e.Host, e.Threads, e.Args)
}

func (e Money) String() string           { return fmt.Sprintf("grant $%v", e.Amount) }
func (e SetHackingLevel) String() string { return fmt.Sprintf("set hacking level %v", e.Level) }
func (e SetHackingExp) String() string   { return fmt.Sprintf("set hacking exp %v", e.Exp) }
func (e Root) String() string            { return "root " + e.Host }

func funded(f bool) string {
	if f {
		return " (funded)"
	}
	return ""
}

func (e Acquire) Apply(w *world.World) error { return w.AcquireProgram(e.Program) }

func (e Buy) Apply(w *world.World) error {
	if w.Home() == nil {
		return world.ErrNoHome
	}
	if n := len(w.PurchasedServers()); n+e.Count > w.PurchasedServerLimit() {
		return fmt.Errorf("%w: %d owned + %d exceeds %d", world.ErrServerLimit, n, e.Count, w.PurchasedServerLimit())
	}
	total := float64(e.Count) * w.PurchaseServerCostOf(e.RAM)
	if err := pay(w, total, e.Funded); err != nil {
		return err
	}
	for range e.Count {
		if _, err := w.PurchaseServer(e.Prefix+"-0", e.RAM); err != nil {
			return err
		}
	}
	return nil
}

func (e UpgradeHome) Apply(w *world.World) error {
	h := w.Home()
	if h == nil {
		return world.ErrNoHome
	}
	if e.RAM > 0 && !(h.MaxRAM > 0) {
		return fmt.Errorf("home has no RAM to double")
	}
	if e.RAM > 0 && e.RAM < h.MaxRAM {
		return fmt.Errorf("home already has %v GB, more than %v", h.MaxRAM, e.RAM)
	}
	if e.Cores > 0 && e.Cores < h.Cores {
		return fmt.Errorf("home already has %d cores, more than %d", h.Cores, e.Cores)
	}
	total := 0.0
	for r := h.MaxRAM; r < e.RAM; r *= 2 {
		total += w.HomeRAMCostOf(r)
	}
	for c := h.Cores; c < e.Cores; c++ {
		total += world.HomeCoresCost(c)
	}
	if err := pay(w, total, e.Funded); err != nil {
		return err
	}
	for h.MaxRAM < e.RAM {
		if err := w.UpgradeHomeRAM(); err != nil {
			return err
		}
	}
	for h.Cores < e.Cores {
		if err := w.UpgradeHomeCores(); err != nil {
			return err
		}
	}
	return nil
}

func (e UpgradeServer) Apply(w *world.World) error {
	cost, err := w.PurchasedServerUpgradeCost(e.Host, e.RAM)
	if err != nil {
		return err
	}
	if err := pay(w, cost, e.Funded); err != nil {
		return err
	}
	return w.UpgradePurchasedServer(e.Host, e.RAM)
}

// pay grants cost first when funded, and otherwise checks the player can
// afford it, so a multi-step purchase fails before its first step.
func pay(w *world.World, cost float64, funded bool) error {
	p := w.Player()
	if funded {
		p.GainMoney(cost)
	}
	if !p.CanAfford(cost) {
		return fmt.Errorf("%w: costs $%v, player has $%v", world.ErrMoney, cost, p.Money())
	}
	return nil
}

func (e Kill) Apply(w *world.World) error {
	if e.Pid != 0 {
		if !w.Kill(e.Pid) {
			return fmt.Errorf("pid %d is not running", e.Pid)
		}
		return nil
	}
	killed, err := w.KillByName(e.Script, e.Host, e.Args)
	if err != nil {
		return err
	}
	if !killed {
		return fmt.Errorf("%s with args %v is not running on %s", e.Script, e.Args, e.Host)
	}
	return nil
}

func (e Run) Apply(w *world.World) error {
	pid, err := w.Exec(e.Script, e.Host, world.ExecOptions{Threads: float64(e.Threads)}, e.Args)
	if err != nil {
		return err
	}
	if pid == 0 {
		return fmt.Errorf("the game refused to run %s on %s", e.Script, e.Host)
	}
	return nil
}

func (e Money) Apply(w *world.World) error {
	w.Player().GainMoney(e.Amount)
	return nil
}

func (e SetHackingLevel) Apply(w *world.World) error { return w.Player().SetHackingLevel(e.Level) }

func (e SetHackingExp) Apply(w *world.World) error { return w.Player().SetHackingExp(e.Exp) }

func (e Root) Apply(w *world.World) error {
	s := w.Server(e.Host)
	if s == nil {
		return fmt.Errorf("%w: %q", world.ErrUnknownHost, e.Host)
	}
	s.HasRoot = true
	return nil
}

// eventKeys lists a kind's keys besides "at" and "do"; false for an
// unknown kind.
func eventKeys(kind string) (required, optional []string, ok bool) {
	switch kind {
	case "acquire":
		return []string{"program"}, nil, true
	case "buy":
		return []string{"ram", "prefix"}, []string{"count", "funded"}, true
	case "upgrade-home":
		return nil, []string{"ram", "cores", "funded"}, true
	case "upgrade-server":
		return []string{"host", "ram"}, []string{"funded"}, true
	case "kill":
		return nil, []string{"pid", "script", "host", "args"}, true
	case "run":
		return []string{"script"}, []string{"host", "threads", "args"}, true
	case "money":
		return []string{"amount"}, nil, true
	case "hacking-level":
		return []string{"level"}, nil, true
	case "hacking-exp":
		return []string{"exp"}, nil, true
	case "root":
		return []string{"host"}, nil, true
	}
	return nil, nil, false
}

const eventKinds = `"acquire", "buy", "upgrade-home", "upgrade-server", "kill", "run", "money", "hacking-level", "hacking-exp" or "root"`

func parseEvents(top *object, hosts []string, duration time.Duration) ([]TimedEvent, error) {
	items, err := top.list("events")
	if err != nil {
		return nil, err
	}
	var out []TimedEvent
	for i, it := range items {
		o, err := parseObject(fmt.Sprintf("events[%d]", i), it)
		if err != nil {
			return nil, err
		}
		if err := o.require("at", "do"); err != nil {
			return nil, err
		}
		var kind string
		te := TimedEvent{Source: fmt.Sprintf("events[%d]", i)}
		if err := firstErr(o.duration("at", &te.At), o.str("do", &kind)); err != nil {
			return nil, err
		}
		required, optional, ok := eventKeys(kind)
		if !ok {
			return nil, o.bad("do", "want %s, got %q", eventKinds, kind)
		}
		o.path = fmt.Sprintf("events[%d] (%s)", i, kind)
		if err := firstErr(o.allow(append([]string{"at", "do"}, append(required, optional...)...)...),
			o.require(required...)); err != nil {
			return nil, err
		}
		if te.At > duration {
			return nil, o.bad("at", "%v is after the run ends at %v", te.At, duration)
		}
		if len(out) > 0 && te.At < out[len(out)-1].At {
			return nil, &Error{o.at("at"), ErrOrder, fmt.Sprintf("%v is before the previous event's %v; list events in time order", te.At, out[len(out)-1].At)}
		}
		if te.Event, err = parseEvent(o, kind, hosts); err != nil {
			return nil, err
		}
		out = append(out, te)
	}
	return out, nil
}

// checkPrefix checks the name bought servers are given.
func checkPrefix(o *object, prefix string) error {
	if prefix == "" || strings.IndexFunc(prefix, unicode.IsSpace) >= 0 {
		return o.bad("prefix", "want a name without white space, got %q", prefix)
	}
	return nil
}

func parseEvent(o *object, kind string, hosts []string) (Event, error) {
	switch kind {
	case "acquire":
		var e Acquire
		if err := o.str("program", &e.Program); err != nil {
			return nil, err
		}
		if !slices.Contains(world.ProgramNames(), e.Program) {
			return nil, o.bad("program", "%q is not a program of the game", e.Program)
		}
		return e, nil
	case "buy":
		e := Buy{Count: 1}
		count := 1.0
		if err := firstErr(
			o.integer("count", 1, world.PurchasedServerLimit, &count),
			o.number("ram", &e.RAM),
			o.str("prefix", &e.Prefix),
			o.boolean("funded", &e.Funded),
		); err != nil {
			return nil, err
		}
		e.Count = int(count)
		if !powerOf2(e.RAM, 1, world.PurchasedServerMaxRAM) {
			return nil, o.bad("ram", "want a power of 2 from 1 to %d GB, got %v", world.PurchasedServerMaxRAM, e.RAM)
		}
		if err := checkPrefix(o, e.Prefix); err != nil {
			return nil, err
		}
		return e, nil
	case "upgrade-home":
		var e UpgradeHome
		var cores float64
		if err := firstErr(
			o.number("ram", &e.RAM),
			o.integer("cores", 1, world.HomeMaxCores, &cores),
			o.boolean("funded", &e.Funded),
		); err != nil {
			return nil, err
		}
		e.Cores = int(cores)
		if !o.has("ram") && !o.has("cores") {
			return nil, &Error{o.path, ErrMissingKey, `give "ram", "cores" or both`}
		}
		if o.has("ram") && !powerOf2(e.RAM, 8, world.HomeMaxRAM) {
			return nil, o.bad("ram", "want a power of 2 from 8 to %d GB, got %v", world.HomeMaxRAM, e.RAM)
		}
		return e, nil
	case "upgrade-server":
		var e UpgradeServer
		if err := firstErr(o.str("host", &e.Host), o.number("ram", &e.RAM), o.boolean("funded", &e.Funded)); err != nil {
			return nil, err
		}
		if !powerOf2(e.RAM, 1, world.PurchasedServerMaxRAM) {
			return nil, o.bad("ram", "want a power of 2 from 1 to %d GB, got %v", world.PurchasedServerMaxRAM, e.RAM)
		}
		return e, nil
	case "kill":
		e := Kill{Host: world.HomeHost}
		var pid float64
		if err := firstErr(
			o.integer("pid", 1, 1<<53-1, &pid),
			o.str("script", &e.Script),
			o.str("host", &e.Host),
			o.args("args", &e.Args),
		); err != nil {
			return nil, err
		}
		e.Pid = int64(pid)
		byName := o.has("script") || o.has("host") || o.has("args")
		switch {
		case o.has("pid") && byName:
			return nil, &Error{o.path, ErrBadValue, `give "pid" or "script" (with "host" and "args"), not both`}
		case !o.has("pid") && !o.has("script"):
			return nil, &Error{o.path, ErrMissingKey, `give "pid" or "script"`}
		case byName && e.Script == "":
			return nil, o.bad("script", "must not be empty")
		}
		return e, nil
	case "run":
		e := Run{Host: world.HomeHost, Threads: 1}
		threads := 1.0
		if err := firstErr(
			o.str("script", &e.Script),
			o.str("host", &e.Host),
			o.integer("threads", 1, 1<<31-1, &threads),
			o.args("args", &e.Args),
		); err != nil {
			return nil, err
		}
		if e.Script == "" {
			return nil, o.bad("script", "must not be empty")
		}
		e.Threads = int64(threads)
		return e, nil
	case "money":
		var e Money
		if err := o.number("amount", &e.Amount); err != nil {
			return nil, err
		}
		if !(e.Amount > 0) {
			return nil, o.bad("amount", "want a positive amount of $, got %v", e.Amount)
		}
		return e, nil
	case "hacking-level":
		var e SetHackingLevel
		if err := o.integer("level", 1, 1e4, &e.Level); err != nil {
			return nil, err
		}
		return e, nil
	case "hacking-exp":
		var e SetHackingExp
		if err := o.number("exp", &e.Exp); err != nil {
			return nil, err
		}
		if e.Exp < 0 {
			return nil, o.bad("exp", "must not be negative")
		}
		return e, nil
	default: // "root": eventKeys admits no other kind
		var e Root
		if err := o.str("host", &e.Host); err != nil {
			return nil, err
		}
		if !slices.Contains(hosts, e.Host) {
			return nil, &Error{o.at("host"), ErrUnknownHost, fmt.Sprintf("no server %q at the start", e.Host)}
		}
		return e, nil
	}
}
