package harness

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dop251/goja"

	"ramfarm/gamedata"
	"ramfarm/harness/ports"
	"ramfarm/harness/world"
	"ramfarm/harness/world/jsval"
)

// nsBuilder assembles one process's ns object.
type nsBuilder struct {
	g     *Game
	p     *process
	vm    *goja.Runtime
	props *nsProps
	// index, while the game's index is built, records each function's
	// group (group is the one being made).
	index *nsIndex
	group int
}

// fn registers an ns function. Every call first checks the script is still
// alive (a killed script's next ns call throws) and applies the game's
// dynamic RAM charge for the name.
func (b *nsBuilder) fn(name string, f func(c goja.FunctionCall) goja.Value) {
	if b.index != nil {
		b.index.group[name] = b.group
	}
	b.props.add(name, b.checked(name, f))
	b.props.unchecked[name] = f
}

// checked is f as an ns function named name (a namespace's functions by
// their path, "ui.openTail"): the liveness check and the RAM charge first.
func (b *nsBuilder) checked(name string, f func(c goja.FunctionCall) goja.Value) func(c goja.FunctionCall) goja.Value {
	p, vm := b.p, b.vm
	return func(c goja.FunctionCall) goja.Value {
		p.g.lastCall = nsCall{p, name}
		p.g.switchTo(p)
		p.g.cpu.use(p).NSCalls++
		if p.dead {
			panic(vm.NewGoError(ErrScriptDeath))
		}
		if err := p.charge(name); err != nil {
			panic(vm.NewGoError(err))
		}
		return f(c)
	}
}

// nsGroups are the groups of ns functions, each made by one builder
// method. A process's ns object makes a group only when its script first
// reads one of the group's names: a worker that reads args and calls
// weaken must not pay for the hundred functions it never touches, and a
// long run starts hundreds of thousands of workers.
var nsGroups = [...]func(*nsBuilder){
	(*nsBuilder).logging, (*nsBuilder).processes, (*nsBuilder).files, (*nsBuilder).serversInfo,
	(*nsBuilder).portsAPI, (*nsBuilder).hacking, (*nsBuilder).purchases, (*nsBuilder).formatting,
}

// nsIndex is what every process's ns object holds before its script
// touches it, worked out once per game by building one in full: the group
// that makes each function, and every key in the order the object lists
// them.
type nsIndex struct {
	group map[string]int
	order []string
	known map[string]bool // the keys of order
}

// nsProps is the ns object's contents. Its functions are made by group
// (nsGroups) and become JS function objects only when a script first
// reads them.
type nsProps struct {
	vm *goja.Runtime
	b  *nsBuilder
	// idx is the game's index; nil only while the index itself is built.
	idx *nsIndex
	// built has a bit for each group made so far.
	built uint32
	// order is the keys in order once they differ from idx.order (nil
	// until then).
	order  []string
	native map[string]func(goja.FunctionCall) goja.Value
	values map[string]goja.Value
	// unchecked is each function without its checks, by its 2.6.1 name:
	// a release that moves it charges it under the new path.
	unchecked map[string]func(goja.FunctionCall) goja.Value
	// lazy builds a namespace object (ns.ui, ns.cloud) on first read.
	lazy map[string]func() goja.Value
	// deleted are the index's names the script (or the release) deleted:
	// making their group later must not bring them back.
	deleted map[string]bool
	// removed are the names the release took away; reading one is noted
	// (a script written for an older release would break there).
	removed map[string]bool
	touched func(name string)
}

// keys is the key order now.
func (n *nsProps) keys() []string {
	if n.order == nil && n.idx != nil {
		return n.idx.order
	}
	return n.order
}

// appendKey adds a key no index lists, or one deleted before.
func (n *nsProps) appendKey(name string) {
	if n.idx != nil && n.idx.known[name] && !n.deleted[name] {
		return
	}
	n.order = append(slices.Clip(n.keys()), name)
}

// ensure makes the group of the index's function name if it is not made
// yet, and reports whether it made it.
func (n *nsProps) ensure(name string) bool {
	if n.idx == nil {
		return false
	}
	gi, ok := n.idx.group[name]
	return ok && n.ensureGroup(gi)
}

// ensureGroup makes group gi if it is not made yet, and reports whether
// it made it.
func (n *nsProps) ensureGroup(gi int) bool {
	if n.built&(1<<gi) != 0 {
		return false
	}
	n.built |= 1 << gi
	nsGroups[gi](n.b)
	for d := range n.deleted {
		if n.idx.group[d] == gi {
			delete(n.native, d)
		}
	}
	return true
}

// setLazy adds a property built on first read.
func (n *nsProps) setLazy(name string, build func() goja.Value) {
	if n.idx == nil {
		n.order = append(n.order, name)
	}
	n.lazy[name] = build
}

func (n *nsProps) add(name string, f func(goja.FunctionCall) goja.Value) {
	if _, dup := n.native[name]; !dup && n.idx == nil {
		n.order = append(n.order, name)
	}
	n.native[name] = f
}

func (n *nsProps) set(name string, v goja.Value) {
	if _, ok := n.values[name]; !ok {
		if _, ok := n.native[name]; !ok && !n.pending(name) {
			n.appendKey(name)
		}
	}
	n.values[name] = v
}

// hasGroup reports whether the index knows key as a function.
func (n *nsProps) hasGroup(key string) bool {
	_, ok := n.idx.group[key]
	return ok
}

// pending reports whether name is a function of a group not made yet.
func (n *nsProps) pending(name string) bool {
	if n.idx == nil || n.deleted[name] {
		return false
	}
	gi, ok := n.idx.group[name]
	return ok && n.built&(1<<gi) == 0
}

// Get implements goja.DynamicObject.
func (n *nsProps) Get(key string) goja.Value {
	if v, ok := n.values[key]; ok {
		return v
	}
	f, ok := n.native[key]
	if !ok && n.pending(key) && n.ensure(key) {
		f, ok = n.native[key]
	}
	if ok {
		v := n.vm.ToValue(f)
		n.values[key] = v
		return v
	}
	if build, ok := n.lazy[key]; ok {
		v := build()
		n.values[key] = v
		delete(n.lazy, key)
		return v
	}
	if n.removed[key] {
		n.touched(key)
	}
	return nil
}

// Set implements goja.DynamicObject: scripts may add their own properties.
func (n *nsProps) Set(key string, v goja.Value) bool { n.set(key, v); return true }

// Has implements goja.DynamicObject.
func (n *nsProps) Has(key string) bool {
	_, ok := n.values[key]
	_, fn := n.native[key]
	_, lazy := n.lazy[key]
	return ok || fn || lazy || n.pending(key)
}

// Delete implements goja.DynamicObject.
func (n *nsProps) Delete(key string) bool {
	delete(n.values, key)
	delete(n.native, key)
	delete(n.lazy, key)
	if n.idx != nil && (n.idx.known[key] || n.hasGroup(key)) {
		if n.deleted == nil {
			n.deleted = map[string]bool{}
		}
		n.deleted[key] = true
	}
	if i := slices.Index(n.keys(), key); i >= 0 {
		n.order = slices.Delete(slices.Clone(n.keys()), i, i+1)
	}
	return true
}

// Keys implements goja.DynamicObject.
func (n *nsProps) Keys() []string { return slices.Clone(n.keys()) }

// throw raises a game error as the game words it: "fn: message".
func (b *nsBuilder) throw(fn string, err error) {
	var je *jsval.Error
	msg := err.Error()
	if errors.As(err, &je) {
		msg = je.Msg
	}
	panic(b.vm.NewGoError(errors.New(fn + ": " + msg)))
}

// arg exports a JS argument for the world model: numbers as float64,
// undefined as jsval.Undefined, null as nil.
func arg(v goja.Value) any {
	switch {
	case v == nil || goja.IsUndefined(v):
		return jsval.Undefined
	case goja.IsNull(v):
		return nil
	}
	switch x := v.Export().(type) {
	case int64:
		return float64(x)
	case float64, string, bool:
		return x
	default:
		return x
	}
}

func args(c goja.FunctionCall, from int) []any {
	var out []any
	for i := from; i < len(c.Arguments); i++ {
		out = append(out, arg(c.Arguments[i]))
	}
	return out
}

// hostArg reads an optional hostname argument (default: the script's own).
func (b *nsBuilder) hostArg(c goja.FunctionCall, i int) string {
	v := c.Argument(i)
	if goja.IsUndefined(v) || goja.IsNull(v) {
		return b.p.Host
	}
	return v.String()
}

// server looks a host up as the game's helpers do, throwing
// "fn: Invalid hostname: 'x'" for an unknown one.
func (b *nsBuilder) server(fn, host string) *world.Server {
	s := b.g.World.Server(host)
	if s == nil || (len(s.Links) == 0 && !s.IsHome) {
		b.throw(fn, errors.New("Invalid hostname: '"+host+"'"))
	}
	return s
}

func (g *Game) newNS(p *process) *goja.Object {
	if g.nsIdx == nil {
		g.nsIdx = g.indexNS(p)
	}
	b := g.nsBuilder(p, g.nsIdx)
	if g.cfg.FullPath {
		for i := range nsGroups {
			b.props.ensureGroup(i)
		}
	}
	b.release()
	return g.realm.VM().NewDynamicObject(b.props)
}

// nsBuilder starts a process's ns object: its args and pid, no function
// made yet (idx nil: every group made at once, in order, to index them).
func (g *Game) nsBuilder(p *process, idx *nsIndex) *nsBuilder {
	vm := g.realm.VM()
	p.bn = g.World.BitNodeMults()
	props := &nsProps{vm: vm, idx: idx, native: map[string]func(goja.FunctionCall) goja.Value{}, values: map[string]goja.Value{},
		unchecked: map[string]func(goja.FunctionCall) goja.Value{}, lazy: map[string]func() goja.Value{}}
	b := &nsBuilder{g: g, p: p, vm: vm, props: props}
	props.b = b
	scriptArgs := make([]any, len(p.Args))
	copy(scriptArgs, p.Args)
	props.set("args", vm.ToValue(scriptArgs))
	props.set("pid", vm.ToValue(p.Pid))
	return b
}

// indexNS builds one ns object in full, for p, and records its shape.
func (g *Game) indexNS(p *process) *nsIndex {
	idx := &nsIndex{group: map[string]int{}, known: map[string]bool{}}
	b := g.nsBuilder(p, nil)
	b.index = idx
	for i, build := range nsGroups {
		b.group = i
		build(b)
	}
	b.release()
	idx.order = b.props.order
	for _, k := range idx.order {
		idx.known[k] = true
	}
	return idx
}

func (b *nsBuilder) logging() {
	b.fn("print", func(c goja.FunctionCall) goja.Value {
		b.p.log(b.argsToString(c))
		return goja.Undefined()
	})
	b.fn("tprint", func(c goja.FunctionCall) goja.Value {
		b.g.logTerminal(b.p.Filename + ": " + b.argsToString(c))
		return goja.Undefined()
	})
	for _, name := range []string{"disableLog", "enableLog"} {
		b.fn(name, func(goja.FunctionCall) goja.Value { return goja.Undefined() })
	}
	b.fn("clearLog", func(goja.FunctionCall) goja.Value {
		b.p.logs = nil
		return goja.Undefined()
	})
	// The tail window: ns.tail until 2.8, ns.ui.openTail from 2.8 (both
	// 0 GB). There is no window here; the game remembers it was opened.
	// (ui.openTail is tail under its new name: see release.)
	b.fn("tail", func(goja.FunctionCall) goja.Value {
		b.p.tail = true
		return goja.Undefined()
	})
	b.fn("flags", func(c goja.FunctionCall) goja.Value { return b.flags(c.Argument(0)) })
}

// argsToString joins print's arguments the way the game does: strings as
// they are, objects as JSON, everything else through String().
func (b *nsBuilder) argsToString(c goja.FunctionCall) string {
	var sb strings.Builder
	for _, a := range c.Arguments {
		if o, ok := a.(*goja.Object); ok && o.ClassName() != "Function" {
			if js, err := o.MarshalJSON(); err == nil {
				sb.Write(js)
				continue
			}
		}
		sb.WriteString(a.String())
	}
	return sb.String()
}

func (b *nsBuilder) processes() {
	g, p, vm := b.g, b.p, b.vm
	b.fn("getHostname", func(goja.FunctionCall) goja.Value { return vm.ToValue(p.Host) })
	b.fn("getScriptName", func(goja.FunctionCall) goja.Value { return vm.ToValue(p.Filename) })
	b.fn("getScriptRam", func(c goja.FunctionCall) goja.Value {
		host := b.hostArg(c, 1)
		b.server("getScriptRam", host)
		ram, ok := g.scriptRAM(host, c.Argument(0).String())
		if !ok {
			return vm.ToValue(0)
		}
		return vm.ToValue(ram)
	})
	sleep := func(c goja.FunctionCall) goja.Value {
		ms := c.Argument(0).ToFloat()
		promise, resolve, _ := vm.NewPromise()
		p.after(ms, func() { resolve(true) })
		return vm.ToValue(promise)
	}
	b.fn("sleep", sleep)
	b.fn("asleep", sleep)
	b.fn("exec", func(c goja.FunctionCall) goja.Value {
		return b.execLike("exec", c.Argument(0).String(), c.Argument(1).String(), c.Argument(2), args(c, 3))
	})
	b.fn("run", func(c goja.FunctionCall) goja.Value {
		return b.execLike("run", c.Argument(0).String(), p.Host, c.Argument(1), args(c, 2))
	})
	b.fn("kill", func(c goja.FunctionCall) goja.Value {
		if len(c.Arguments) == 0 {
			g.World.Kill(p.Pid)
			return vm.ToValue(true)
		}
		if n, ok := c.Argument(0).Export().(int64); ok {
			return vm.ToValue(g.World.Kill(n))
		}
		if f, ok := c.Argument(0).Export().(float64); ok {
			return vm.ToValue(g.World.Kill(int64(f)))
		}
		ok, err := g.World.KillByName(c.Argument(0).String(), b.hostArg(c, 1), args(c, 2))
		if err != nil {
			b.throw("kill", err)
		}
		return vm.ToValue(ok)
	})
	b.fn("killall", func(c goja.FunctionCall) goja.Value {
		except := int64(0)
		if v := c.Argument(1); goja.IsUndefined(v) || v.ToBoolean() {
			except = p.Pid
		}
		ok, err := g.World.KillAll(b.hostArg(c, 0), except)
		if err != nil {
			b.throw("killall", err)
		}
		return vm.ToValue(ok)
	})
	b.fn("isRunning", func(c goja.FunctionCall) goja.Value {
		switch x := c.Argument(0).Export().(type) {
		case int64:
			return vm.ToValue(g.World.IsRunning(x))
		case float64:
			return vm.ToValue(g.World.IsRunning(int64(x)))
		}
		ok, err := g.World.IsRunningByName(c.Argument(0).String(), b.hostArg(c, 1), args(c, 2))
		if err != nil {
			b.throw("isRunning", err)
		}
		return vm.ToValue(ok)
	})
	b.fn("ps", func(c goja.FunctionCall) goja.Value {
		list, err := g.World.PS(b.hostArg(c, 0))
		if err != nil {
			b.throw("ps", err)
		}
		out := make([]any, 0, len(list))
		for _, pi := range list {
			o := vm.NewObject()
			o.Set("filename", pi.Filename)
			o.Set("threads", pi.Threads)
			o.Set("args", pi.Args)
			o.Set("pid", pi.Pid)
			o.Set("temporary", pi.Temporary)
			out = append(out, o)
		}
		return vm.ToValue(out)
	})
	b.fn("scp", func(c goja.FunctionCall) goja.Value {
		var files []string
		if arr, ok := c.Argument(0).Export().([]any); ok {
			for _, f := range arr {
				files = append(files, strings.TrimPrefix(toString(f), "/"))
			}
		} else {
			files = []string{strings.TrimPrefix(c.Argument(0).String(), "/")}
		}
		src := b.hostArg(c, 2)
		ok, err := g.World.Scp(files, c.Argument(1).String(), src)
		if err != nil {
			b.throw("scp", err)
		}
		return vm.ToValue(ok)
	})
	b.fn("fileExists", func(c goja.FunctionCall) goja.Value {
		ok, err := g.World.FileExists(strings.TrimPrefix(c.Argument(0).String(), "/"), b.hostArg(c, 1))
		if err != nil {
			b.throw("fileExists", err)
		}
		return vm.ToValue(ok)
	})
	b.fn("atExit", func(c goja.FunctionCall) goja.Value {
		cb, ok := goja.AssertFunction(c.Argument(0))
		if !ok {
			b.throw("atExit", errors.New("'f' should be a function"))
		}
		id := "default"
		if v := c.Argument(1); !goja.IsUndefined(v) {
			id = v.String()
		}
		g.World.AtExit(p.Pid, id, func() error {
			_, err := cb(goja.Undefined())
			return err
		})
		return goja.Undefined()
	})
	b.fn("exit", func(goja.FunctionCall) goja.Value {
		g.World.Exit(p.Pid, world.ExitFinished)
		return goja.Undefined()
	})
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return jsval.Format(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}

// execLike is exec and run: threadOrOptions as a number, a numeric string
// or a RunOptions object.
func (b *nsBuilder) execLike(fn, script, host string, opt goja.Value, scriptArgs []any) goja.Value {
	opts := world.ExecOptions{Threads: arg(opt)}
	if o, ok := opt.(*goja.Object); ok && o.ClassName() == "Object" {
		opts = world.ExecOptions{
			Threads:           arg(o.Get("threads")),
			ThreadsArg:        "RunOptions.threads",
			Temporary:         o.Get("temporary") != nil && o.Get("temporary").ToBoolean(),
			RAMOverride:       arg(o.Get("ramOverride")),
			PreventDuplicates: o.Get("preventDuplicates") != nil && o.Get("preventDuplicates").ToBoolean(),
		}
	}
	pid, err := b.g.World.Exec(strings.TrimPrefix(script, "/"), host, opts, scriptArgs)
	if err != nil {
		b.throw(fn, err)
	}
	if pid == 0 {
		why := ""
		if s := b.g.World.Server(host); s != nil {
			why = " (" + strconv.FormatFloat(s.MaxRAM-s.RAMUsed, 'f', 2, 64) + " GB free)"
		}
		b.p.log(fn + ": could not start " + script + " on " + host + why)
	}
	return b.vm.ToValue(pid)
}

func (b *nsBuilder) serversInfo() {
	g, vm := b.g, b.vm
	num := func(name string, get func(s *world.Server) float64) {
		b.fn(name, func(c goja.FunctionCall) goja.Value {
			return vm.ToValue(get(b.server(name, b.hostArg(c, 0))))
		})
	}
	num("getServerMaxRam", func(s *world.Server) float64 { return s.MaxRAM })
	num("getServerUsedRam", func(s *world.Server) float64 { return s.RAMUsed })
	num("getServerMoneyAvailable", func(s *world.Server) float64 {
		if s.IsHome {
			return g.World.Player().Money()
		}
		return s.MoneyAvailable
	})
	num("getServerMaxMoney", func(s *world.Server) float64 { return s.MoneyMax })
	num("getServerSecurityLevel", func(s *world.Server) float64 { return s.HackDifficulty })
	num("getServerMinSecurityLevel", func(s *world.Server) float64 { return s.MinDifficulty })
	num("getServerBaseSecurityLevel", func(s *world.Server) float64 { return s.BaseDifficulty })
	num("getServerGrowth", func(s *world.Server) float64 { return s.ServerGrowth })
	num("getServerRequiredHackingLevel", func(s *world.Server) float64 { return s.RequiredHackingSkill })
	num("getServerNumPortsRequired", func(s *world.Server) float64 { return float64(s.NumOpenPortsRequired) })
	b.fn("hasRootAccess", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(b.server("hasRootAccess", b.hostArg(c, 0)).HasRoot)
	})
	b.fn("serverExists", func(c goja.FunctionCall) goja.Value {
		s := g.World.Server(c.Argument(0).String())
		return vm.ToValue(s != nil && (len(s.Links) > 0 || s.IsHome))
	})
	b.fn("scan", func(c goja.FunctionCall) goja.Value {
		s := b.server("scan", b.hostArg(c, 0))
		links := append([]string{}, s.Links...)
		if g.rule(gamedata.NoDarkwebInScan) {
			links = slices.DeleteFunc(links, func(h string) bool { return h == world.DarkwebHost })
		}
		return vm.ToValue(links)
	})
	b.fn("getHackingLevel", func(goja.FunctionCall) goja.Value {
		return vm.ToValue(g.World.Player().HackingLevel())
	})
	b.fn("getServer", func(c goja.FunctionCall) goja.Value {
		s := b.server("getServer", b.hostArg(c, 0))
		// A Go map behind a plain object: cheap to build, read like the
		// game's object (scripts read a few fields of it).
		return vm.ToValue(map[string]any{
			"hostname": s.Hostname, "organizationName": s.OrganizationName, "isConnectedTo": s.IsHome,
			"cpuCores": s.Cores, "ramUsed": s.RAMUsed, "maxRam": s.MaxRAM, "hasAdminRights": s.HasRoot,
			"purchasedByPlayer": s.Purchased, "backdoorInstalled": false,
			"moneyAvailable": moneyShown(g, s), "moneyMax": s.MoneyMax, "hackDifficulty": s.HackDifficulty,
			"minDifficulty": s.MinDifficulty, "baseDifficulty": s.BaseDifficulty, "serverGrowth": s.ServerGrowth,
			"requiredHackingSkill": s.RequiredHackingSkill, "numOpenPortsRequired": s.NumOpenPortsRequired,
			"openPortCount": s.OpenPortCount, "sshPortOpen": s.SSHPortOpen, "ftpPortOpen": s.FTPPortOpen,
			"smtpPortOpen": s.SMTPPortOpen, "httpPortOpen": s.HTTPPortOpen, "sqlPortOpen": s.SQLPortOpen,
		})
	})
	// getResetInfo: the BitNode and the Source-Files, as 2.6.1 builds it
	// (NetscriptFunctions.ts). ownedSF is a Map, number → level, in
	// number order; no augmentations are emulated. The run starts at the
	// reset, so both reset times are the clock's 0.
	b.fn("getResetInfo", func(goja.FunctionCall) goja.Value {
		sf := g.World.SourceFiles()
		nums := make([]int, 0, len(sf))
		for n := range sf {
			nums = append(nums, n)
		}
		slices.Sort(nums)
		entries := make([]any, 0, len(nums))
		for _, n := range nums {
			entries = append(entries, vm.NewArray(n, sf[n]))
		}
		newMap := func(entries []any) goja.Value {
			m, err := vm.New(vm.Get("Map"), vm.NewArray(entries...))
			if err != nil {
				panic(err)
			}
			return m
		}
		o := vm.NewObject()
		o.Set("lastAugReset", 0)
		o.Set("lastNodeReset", 0)
		o.Set("currentNode", g.World.BitNode().N)
		o.Set("ownedAugs", newMap(nil))
		o.Set("ownedSF", newMap(entries))
		return o
	})
	b.fn("getPlayer", func(goja.FunctionCall) goja.Value {
		pl := g.World.Player()
		m := pl.Mults()
		skills := vm.NewObject()
		skills.Set("hacking", pl.HackingLevel())
		skills.Set("intelligence", 0)
		exp := vm.NewObject()
		exp.Set("hacking", pl.HackingExp())
		mults := vm.NewObject()
		mults.Set("hacking", m.Hacking)
		mults.Set("hacking_chance", m.HackingChance)
		mults.Set("hacking_speed", m.HackingSpeed)
		mults.Set("hacking_money", m.HackingMoney)
		mults.Set("hacking_grow", m.HackingGrow)
		mults.Set("hacking_exp", m.HackingExp)
		o := vm.NewObject()
		o.Set("skills", skills)
		o.Set("exp", exp)
		o.Set("mults", mults)
		o.Set("money", pl.Money())
		if !g.rule(gamedata.NoBitNodeInPlayer) {
			o.Set("bitNodeN", 1)
		}
		return o
	})
	for _, op := range []struct {
		name string
		prog world.PortProgram
	}{{"brutessh", world.BruteSSH}, {"ftpcrack", world.FTPCrack}, {"relaysmtp", world.RelaySMTP}, {"httpworm", world.HTTPWorm}, {"sqlinject", world.SQLInject}} {
		b.fn(op.name, func(c goja.FunctionCall) goja.Value {
			ok, err := g.World.OpenPort(op.prog, c.Argument(0).String())
			if err != nil {
				if refusedQuietly(g, err) {
					return vm.ToValue(false)
				}
				b.throw(op.name, err)
			}
			return vm.ToValue(ok)
		})
	}
	b.fn("nuke", func(c goja.FunctionCall) goja.Value {
		ok, err := g.World.Nuke(c.Argument(0).String())
		if err != nil {
			if refusedQuietly(g, err) {
				return vm.ToValue(false)
			}
			b.throw("nuke", err)
		}
		return vm.ToValue(ok)
	})
}

func (b *nsBuilder) portsAPI() {
	g, p, vm := b.g, b.p, b.vm
	portArg := func(fn string, v goja.Value) int64 {
		n, err := ports.PortNumber(fn, arg(v))
		if err != nil {
			b.throw(fn, errors.New(strings.TrimPrefix(err.Error(), fn+": ")))
		}
		return n
	}
	out := func(v any) goja.Value {
		switch x := v.(type) {
		case goja.Value:
			return x
		case nil:
			return goja.Null()
		default:
			return vm.ToValue(x)
		}
	}
	write := func(fn string, n int64, v goja.Value) goja.Value {
		dropped, err := g.Ports.Write(n, v)
		if err != nil {
			b.throw(fn, err)
		}
		return out(dropped)
	}
	tryWrite := func(fn string, n int64, v goja.Value) goja.Value {
		ok, err := g.Ports.TryWrite(n, v)
		if err != nil {
			b.throw(fn, err)
		}
		return vm.ToValue(ok)
	}
	nextWrite := func(n int64) goja.Value {
		w := g.Ports.NextWrite(n)
		if pw, ok := p.waits[w]; ok {
			return vm.ToValue(pw.promise)
		}
		promise, resolve, _ := vm.NewPromise()
		pw := &portWait{promise: promise, resolve: resolve}
		p.waits[w] = pw
		// The port keeps this callback until its next write, which may
		// never come: it holds the process's wait, not the promise, so a
		// dead script's state is not kept alive by it.
		w.Then(func() {
			if pw.resolve != nil {
				delete(p.waits, w)
				r := pw.resolve
				pw.resolve, pw.promise = nil, nil
				r(goja.Undefined())
			}
		})
		return vm.ToValue(promise)
	}
	b.fn("writePort", func(c goja.FunctionCall) goja.Value {
		return write("writePort", portArg("writePort", c.Argument(0)), c.Argument(1))
	})
	b.fn("tryWritePort", func(c goja.FunctionCall) goja.Value {
		return tryWrite("tryWritePort", portArg("tryWritePort", c.Argument(0)), c.Argument(1))
	})
	b.fn("readPort", func(c goja.FunctionCall) goja.Value {
		return out(g.Ports.Read(portArg("readPort", c.Argument(0))))
	})
	b.fn("peek", func(c goja.FunctionCall) goja.Value {
		return out(g.Ports.Peek(portArg("peek", c.Argument(0))))
	})
	b.fn("clearPort", func(c goja.FunctionCall) goja.Value {
		g.Ports.Clear(portArg("clearPort", c.Argument(0)))
		return goja.Undefined()
	})
	b.fn("nextPortWrite", func(c goja.FunctionCall) goja.Value {
		return nextWrite(portArg("nextPortWrite", c.Argument(0)))
	})
	b.fn("getPortHandle", func(c goja.FunctionCall) goja.Value {
		n := portArg("getPortHandle", c.Argument(0))
		h := vm.NewObject()
		h.Set("n", n)
		h.Set("write", func(c goja.FunctionCall) goja.Value { return write("write", n, c.Argument(0)) })
		h.Set("tryWrite", func(c goja.FunctionCall) goja.Value { return tryWrite("tryWrite", n, c.Argument(0)) })
		h.Set("read", func(goja.FunctionCall) goja.Value { return out(g.Ports.Read(n)) })
		h.Set("peek", func(goja.FunctionCall) goja.Value { return out(g.Ports.Peek(n)) })
		h.Set("clear", func(goja.FunctionCall) goja.Value { g.Ports.Clear(n); return goja.Undefined() })
		h.Set("full", func(goja.FunctionCall) goja.Value { return vm.ToValue(g.Ports.Full(n)) })
		h.Set("empty", func(goja.FunctionCall) goja.Value { return vm.ToValue(g.Ports.Empty(n)) })
		h.Set("nextWrite", func(goja.FunctionCall) goja.Value {
			if p.dead {
				panic(vm.NewGoError(ErrScriptDeath))
			}
			return nextWrite(n)
		})
		return h
	})
}

func (b *nsBuilder) purchases() {
	g, vm := b.g, b.vm
	refusal := func(fn string, err error, fail goja.Value) goja.Value {
		var r *world.Refusal
		if errors.As(err, &r) {
			b.p.log(fn + ": " + r.Msg)
			return fail
		}
		b.throw(fn, err)
		return fail
	}
	b.fn("purchaseServer", func(c goja.FunctionCall) goja.Value {
		name, err := g.World.PurchaseServer(c.Argument(0).String(), c.Argument(1).ToFloat())
		if err != nil {
			return refusal("purchaseServer", err, vm.ToValue(""))
		}
		return vm.ToValue(name)
	})
	b.fn("getPurchasedServers", func(goja.FunctionCall) goja.Value { return vm.ToValue(g.World.PurchasedServers()) })
	b.fn("getPurchasedServerCost", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(world.PurchaseServerCost(c.Argument(0).ToFloat()))
	})
	b.fn("getPurchasedServerLimit", func(goja.FunctionCall) goja.Value { return vm.ToValue(world.PurchasedServerLimit) })
	b.fn("getPurchasedServerMaxRam", func(goja.FunctionCall) goja.Value { return vm.ToValue(world.PurchasedServerMaxRAM) })
	b.fn("upgradePurchasedServer", func(c goja.FunctionCall) goja.Value {
		if err := g.World.UpgradePurchasedServer(c.Argument(0).String(), c.Argument(1).ToFloat()); err != nil {
			return refusal("upgradePurchasedServer", err, vm.ToValue(false))
		}
		return vm.ToValue(true)
	})
	b.fn("deleteServer", func(c goja.FunctionCall) goja.Value {
		if err := g.World.DeleteServer(c.Argument(0).String(), b.p.Host); err != nil {
			return refusal("deleteServer", err, vm.ToValue(false))
		}
		return vm.ToValue(true)
	})
}

func (b *nsBuilder) formatting() {
	vm := b.vm
	b.fn("formatNumber", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(formatNumber(c.Argument(0).ToFloat()))
	})
	b.fn("formatRam", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(strconv.FormatFloat(c.Argument(0).ToFloat(), 'f', 2, 64) + "GB")
	})
}

// formatNumber prints like the game's default: three decimals and a
// suffix (k, m, b, t, q).
func formatNumber(x float64) string {
	suffixes := []string{"", "k", "m", "b", "t", "q"}
	i := 0
	for math.Abs(x) >= 1000 && i < len(suffixes)-1 {
		x /= 1000
		i++
	}
	return strconv.FormatFloat(x, 'f', 3, 64) + suffixes[i]
}

// moneyShown is getServer's moneyAvailable: home's shows the player's
// money on releases that do so.
func moneyShown(g *Game, s *world.Server) float64 {
	if s.IsHome && g.rule(gamedata.HomeMoneyIsPlayers) {
		return g.World.Player().Money()
	}
	return s.MoneyAvailable
}

// refusedQuietly reports whether nuke or a port opener answers false
// rather than throwing: on releases that do so, for a missing program or
// too few open ports (an unknown host still throws).
func refusedQuietly(g *Game, err error) bool {
	return g.rule(gamedata.OpenersReturnFalse) && (errors.Is(err, world.ErrNoProgram) || errors.Is(err, world.ErrPortsClosed))
}

// release gives the ns object the shape of the game's release: functions
// the release removed are gone, and a function it moved (ns.tail to
// ns.ui.openTail, the purchased-server functions to ns.cloud) is the same
// function under its new path, charged under that path. Functions the
// emulator does not implement stay absent on every release.
func (b *nsBuilder) release() {
	for _, space := range b.g.shape.spaces {
		b.props.setLazy(space.name, func() goja.Value {
			o := b.vm.NewObject()
			for _, a := range space.funcs {
				b.props.ensure(a.was)
				if f := b.props.unchecked[a.was]; f != nil {
					if err := o.Set(a.name, b.checked(a.path, f)); err != nil {
						panic(err)
					}
				}
			}
			return o
		})
	}
	for _, name := range b.g.shape.removed {
		b.props.Delete(name)
	}
	if len(b.g.shape.removed) > 0 {
		b.props.removed = b.g.shape.removedSet
		b.props.touched = func(name string) { b.g.touchRemoved(b.p.Filename, name) }
	}
}

// nsShape is what a release changes in every process's ns object, worked
// out once per game.
type nsShape struct {
	removed    []string
	removedSet map[string]bool
	spaces     []nsSpace
}

// nsSpace is a namespace a release adds, with the moved functions in it.
type nsSpace struct {
	name  string
	funcs []nsAlias
}

// nsAlias is a moved function: its name in the namespace, its full path,
// and the 2.6.1 function it is.
type nsAlias struct{ name, path, was string }

func shapeOf(rel gamedata.Release) nsShape {
	var sh nsShape
	for _, c := range gamedata.Changes {
		if !rel.Has(c) {
			continue
		}
		switch c.Kind {
		case gamedata.Removed:
			sh.removed = append(sh.removed, c.Path)
			if sh.removedSet == nil {
				sh.removedSet = map[string]bool{}
			}
			sh.removedSet[c.Path] = true
		case gamedata.Added:
			space, name, nested := strings.Cut(c.Path, ".")
			if c.Was == "" || !nested {
				continue
			}
			i := slices.IndexFunc(sh.spaces, func(s nsSpace) bool { return s.name == space })
			if i < 0 {
				sh.spaces = append(sh.spaces, nsSpace{name: space})
				i = len(sh.spaces) - 1
			}
			sh.spaces[i].funcs = append(sh.spaces[i].funcs, nsAlias{name, c.Path, c.Was})
		}
	}
	return sh
}
