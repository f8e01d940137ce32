package world

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"ramfarm/harness/world/jsval"
)

// maxSafeInteger is Number.MAX_SAFE_INTEGER, where the game's pid counter
// wraps.
const maxSafeInteger = 1<<53 - 1

// Process is one running script. Its exported fields are set when it
// starts and are read-only after that.
type Process struct {
	Pid          int64
	Filename     string
	Host         string
	Threads      int64
	Args         []any // strings, float64 numbers and bools
	RAMPerThread float64
	Temporary    bool
	StartTime    float64 // game ms, from Config.Now

	key      string
	atExitID []string // ids in first-registration order
	atExit   map[string]func() error
	gone     bool // removed: RAM freed, no longer running
}

// ProcInfo is one entry of ps.
type ProcInfo struct {
	Filename  string
	Threads   int64
	Args      []any
	Pid       int64
	Temporary bool
}

// ExitReason says why a process ended.
type ExitReason int

const (
	// ExitKilled is kill, killall or a host being cleared.
	ExitKilled ExitReason = iota
	// ExitFinished is main returning or ns.exit().
	ExitFinished
	// ExitCrashed is an uncaught error.
	ExitCrashed
)

func (r ExitReason) String() string {
	switch r {
	case ExitKilled:
		return "killed"
	case ExitFinished:
		return "finished"
	case ExitCrashed:
		return "crashed"
	}
	return "ExitReason(" + strconv.Itoa(int(r)) + ")"
}

// ExecOptions are exec's and run's threadOrOptions, with JS values left
// for Exec to validate as the game does.
type ExecOptions struct {
	// Threads is a JS number or numeric string; nil, jsval.Null and
	// jsval.Undefined mean 1.
	Threads any
	// ThreadsArg names Threads in errors: "" means "threads"; the game
	// says "RunOptions.threads" when it came inside an options object.
	ThreadsArg string
	Temporary  bool
	// RAMOverride is a JS number or numeric string, at least BaseRAM; nil,
	// jsval.Null and jsval.Undefined mean none.
	RAMOverride       any
	PreventDuplicates bool
}

// Exec starts script on host with opts and args, in the game's order of
// checks. It returns an error (thrown by the game) when threads is not a
// positive integer, ramOverride is below BaseRAM, an arg is not a string,
// number or bool, or the host does not exist. It returns pid 0 (no error)
// when the script is not on host, a duplicate is running and
// PreventDuplicates is set, the RAM per thread cannot be computed, host
// has no root, or the RAM does not fit (with the game's 0.001 GB
// tolerance). Otherwise it takes the next pid, accounts the RAM, registers
// the process and calls OnStart.
func (w *World) Exec(script, host string, opts ExecOptions, args []any) (int64, error) {
	threads, err := threadCount(opts)
	if err != nil {
		return 0, err
	}
	override, hasOverride, err := ramOverride(opts.RAMOverride)
	if err != nil {
		return 0, err
	}
	args, err = scriptArgs(args)
	if err != nil {
		return 0, err
	}
	s, err := w.lookup(host)
	if err != nil {
		return 0, err
	}
	if !s.HasFile(script) {
		return 0, nil
	}
	key := groupKey(script, args)
	if opts.PreventDuplicates && s.group(key) != nil {
		return 0, nil
	}
	perThread := override
	if !hasOverride {
		ram, ok := w.cfg.RAMOf(host, script)
		if !ok || !(ram > 0) {
			return 0, nil
		}
		perThread = ram
	}
	if !s.HasRoot {
		return 0, nil
	}
	if perThread*threads > s.MaxRAM-s.RAMUsed+0.001 {
		w.noRAM++
		if w.cfg.OnNoRAM != nil {
			w.cfg.OnNoRAM(script, host, perThread*threads, s.MaxRAM-s.RAMUsed)
		}
		return 0, nil
	}
	if threads > maxSafeInteger {
		// Only reachable with a RAMOf below any real script's cost; an
		// int64 thread count cannot follow the game past this.
		return 0, nil
	}
	p := &Process{
		Pid:          w.takePid(),
		Filename:     script,
		Host:         host,
		Threads:      int64(threads),
		Args:         args,
		RAMPerThread: perThread,
		Temporary:    opts.Temporary,
		key:          key,
		atExit:       make(map[string]func() error),
	}
	if w.cfg.Now != nil {
		p.StartTime = w.cfg.Now()
	}
	s.RAMUsed = round2(s.RAMUsed + round2(perThread*threads))
	s.add(p)
	w.procs[p.Pid] = p
	w.started++
	if w.cfg.OnStart != nil {
		w.cfg.OnStart(p)
	}
	return p.Pid, nil
}

// ExecNoRAM counts the starts refused for lack of RAM: the failure a
// correct allocator never causes.
func (w *World) ExecNoRAM() int { return w.noRAM }

// Started counts the processes started so far.
func (w *World) Started() int { return w.started }

// threadCount validates opts.Threads as the game's runOptions does.
func threadCount(opts ExecOptions) (float64, error) {
	if jsval.IsNullish(opts.Threads) {
		return 1, nil
	}
	name := opts.ThreadsArg
	if name == "" {
		name = "threads"
	}
	x, err := jsval.Number(name, opts.Threads)
	if err != nil {
		return 0, &jsval.Error{Kind: ErrThreads, Msg: err.Error()}
	}
	if !jsval.IsPositiveInteger(x) {
		return 0, &jsval.Error{Kind: ErrThreads,
			Msg: name + " should be a positive integer, was " + jsval.Format(x)}
	}
	return x, nil
}

// ramOverride validates RunOptions.ramOverride as the game does.
func ramOverride(v any) (float64, bool, error) {
	if jsval.IsNullish(v) {
		return 0, false, nil
	}
	x, err := jsval.Number("RunOptions.ramOverride", v)
	if err != nil {
		return 0, false, &jsval.Error{Kind: ErrRAMOverride, Msg: err.Error()}
	}
	if x < BaseRAM {
		return 0, false, &jsval.Error{Kind: ErrRAMOverride, Msg: fmt.Sprintf(
			"RunOptions.ramOverride must be >= baseCost (%s), was %s", jsval.Format(BaseRAM), jsval.Format(x))}
	}
	return x, true, nil
}

// scriptArgs checks args as the game's helpers.scriptArgs does and returns
// a copy with every number as float64, the only number JS has.
func scriptArgs(args []any) ([]any, error) {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string, bool:
			out[i] = v
		default:
			f, ok := jsval.ToFloat(a)
			if !ok {
				return nil, &jsval.Error{Kind: ErrScriptArgs, Msg: "'args' is not an array of script args"}
			}
			out[i] = f
		}
	}
	return out, nil
}

// groupKey identifies (filename, exact args) as the game's scriptKey does:
// filename plus JSON.stringify(args). Like JSON.stringify it prints NaN and
// ±Infinity as null, so those args match each other, as in the game.
func groupKey(filename string, args []any) string {
	var b strings.Builder
	b.WriteString(filename)
	b.WriteByte('[')
	for i, a := range args {
		if i > 0 {
			b.WriteByte(',')
		}
		switch v := a.(type) {
		case string:
			b.WriteString(strconv.Quote(v))
		case bool:
			b.WriteString(strconv.FormatBool(v))
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				b.WriteString("null")
			} else {
				b.WriteString(jsval.Format(v))
			}
		}
	}
	b.WriteByte(']')
	return b.String()
}

// takePid returns the next free pid: one counter for the whole game,
// never reused, wrapping after 2^53-1 past pids still in use.
func (w *World) takePid() int64 {
	pid := w.nextPid
	for w.procs[pid] != nil {
		pid++
		if pid > maxSafeInteger {
			pid = 1
		}
	}
	w.nextPid = pid + 1
	if w.nextPid > maxSafeInteger {
		w.nextPid = 1
	}
	return pid
}

func (s *Server) group(key string) *procGroup {
	for _, g := range s.groups {
		if g.key == key {
			return g
		}
	}
	return nil
}

func (s *Server) add(p *Process) {
	if g := s.group(p.key); g != nil {
		g.procs = append(g.procs, p)
		return
	}
	s.groups = append(s.groups, &procGroup{key: p.key, procs: []*Process{p}})
}

// remove drops p; an emptied group loses its place in ps order, as the
// game deletes its map entry.
func (s *Server) remove(p *Process) {
	for gi, g := range s.groups {
		if g.key != p.key {
			continue
		}
		for i, q := range g.procs {
			if q == p {
				g.procs = append(g.procs[:i], g.procs[i+1:]...)
				break
			}
		}
		if len(g.procs) == 0 {
			s.groups = append(s.groups[:gi], s.groups[gi+1:]...)
		}
		return
	}
}

// Process returns the running process pid, or nil. During its atExit
// callbacks a process is still running.
func (w *World) Process(pid int64) *Process { return w.procs[pid] }

// AtExit registers fn under id for process pid, as ns.atExit does: a new
// id runs after those registered before it; an id registered again gets
// the new fn and keeps its place. It returns false if pid is not running.
func (w *World) AtExit(pid int64, id string, fn func() error) bool {
	p := w.procs[pid]
	if p == nil {
		return false
	}
	if _, ok := p.atExit[id]; !ok {
		p.atExitID = append(p.atExitID, id)
	}
	p.atExit[id] = fn
	return true
}

// Exit ends process pid for any reason, in the game's order: its atExit
// callbacks run synchronously (a failing one is reported and the rest
// still run), then its RAM is freed and it stops running, then OnExit is
// called. It returns false if pid is not running. As in the game, the
// callbacks are taken before they run, so a callback that ends its own
// process (ns.exit inside atExit) removes it once, from the inner call.
func (w *World) Exit(pid int64, reason ExitReason) bool {
	p := w.procs[pid]
	if p == nil {
		return false
	}
	ids, fns := p.atExitID, p.atExit
	p.atExitID, p.atExit = nil, make(map[string]func() error)
	for _, id := range ids {
		if err := runAtExit(fns[id]); err != nil && w.cfg.OnAtExitError != nil {
			w.cfg.OnAtExitError(p, id, err)
		}
	}
	if p.gone {
		return true
	}
	p.gone = true
	s := w.servers[p.Host]
	s.RAMUsed = round2(s.RAMUsed - p.RAMPerThread*float64(p.Threads))
	s.remove(p)
	delete(w.procs, pid)
	if w.cfg.OnExit != nil {
		w.cfg.OnExit(p, reason)
	}
	return true
}

// runAtExit runs one callback, turning a panic into an error so the
// remaining callbacks still run.
func runAtExit(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("atExit callback panicked: %v", r)
		}
	}()
	return fn()
}

// Kill is ns.kill(pid): it reports whether pid was running.
func (w *World) Kill(pid int64) bool { return w.Exit(pid, ExitKilled) }

// KillByName is ns.kill(filename, host, ...args): it kills every instance
// of filename on host with exactly args, and reports whether there were
// any. As in the game it reports false if one of them was already gone
// when its turn came (killed by another's atExit).
func (w *World) KillByName(filename, host string, args []any) (bool, error) {
	g, err := w.findGroup(filename, host, args)
	if err != nil || g == nil {
		return false, err
	}
	pids := make([]int64, len(g.procs))
	for i, p := range g.procs {
		pids[i] = p.Pid
	}
	res := true
	for _, pid := range pids {
		res = w.Exit(pid, ExitKilled) && res
	}
	return res, nil
}

// KillAll is ns.killall(host): it kills every process on host except pid
// except (the caller, with the safety guard on; 0 spares none) and reports
// whether it killed any. It works on the processes running when it was
// called; one that an atExit callback starts meanwhile is left running.
func (w *World) KillAll(host string, except int64) (bool, error) {
	s, err := w.lookup(host)
	if err != nil {
		return false, err
	}
	killed := false
	for _, pid := range s.pids() {
		if pid != except && w.Exit(pid, ExitKilled) {
			killed = true
		}
	}
	return killed, nil
}

// KillAllOn kills every process on host, sparing none, for changes that
// need an idle host (deleting or replacing a purchased server).
func (w *World) KillAllOn(host string) (bool, error) { return w.KillAll(host, 0) }

// IsRunning is ns.isRunning(pid).
func (w *World) IsRunning(pid int64) bool { return w.procs[pid] != nil }

// IsRunningByName is ns.isRunning(filename, host, ...args), which needs an
// exact args match.
func (w *World) IsRunningByName(filename, host string, args []any) (bool, error) {
	g, err := w.findGroup(filename, host, args)
	return g != nil, err
}

func (w *World) findGroup(filename, host string, args []any) (*procGroup, error) {
	args, err := scriptArgs(args)
	if err != nil {
		return nil, err
	}
	s, err := w.lookup(host)
	if err != nil {
		return nil, err
	}
	return s.group(groupKey(filename, args)), nil
}

// PS is ns.ps(host): processes grouped by filename and exact args, groups
// in the order each first appeared (since it was last empty), then by
// start order.
func (w *World) PS(host string) ([]ProcInfo, error) {
	s, err := w.lookup(host)
	if err != nil {
		return nil, err
	}
	var out []ProcInfo
	for _, g := range s.groups {
		for _, p := range g.procs {
			out = append(out, ProcInfo{
				Filename:  p.Filename,
				Threads:   p.Threads,
				Args:      append([]any{}, p.Args...),
				Pid:       p.Pid,
				Temporary: p.Temporary,
			})
		}
	}
	return out, nil
}

// pids lists the server's running pids in ps order.
func (s *Server) pids() []int64 {
	var out []int64
	for _, g := range s.groups {
		for _, p := range g.procs {
			out = append(out, p.Pid)
		}
	}
	return out
}
