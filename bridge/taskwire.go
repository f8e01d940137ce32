package bridge

import (
	"errors"
	"math"
	"strconv"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/proc"
	"ramfarm/core/ram"
	"ramfarm/core/task"
)

// Keys of the task service's events and commands, beyond the shared ones
// (wire.go).
const (
	wMoney    = "money"
	wSec      = "sec"
	wSeq      = "seq"
	wAnswered = "answered"
	wDesired  = "desired"
	wHeld     = "held"
	wReason   = "reason"
	wThreads  = "threads"
	wAt       = "at"
	wLand     = "land"
	wKeep     = "keep"
	wWake     = "wake"
)

// Task event kinds, beside tick and msg.
const (
	EvHeld    = "held"
	EvRefused = "refused"
	EvStarted = "started"
	EvExited  = "exited"
)

// Task command kinds, beside halt (a worker's kill).
const (
	CmdAlloc    = "alloc"
	CmdAsk      = "ask"
	CmdClose    = "close"
	CmdUnclaim  = "unclaim"
	CmdStart    = "start"
	CmdBeat     = "beat"
	CmdFinished = "finished"
)

// TaskWire is the task service's wire (jsglue/lib/taskwire.js).
var TaskWire = ServiceWire{RoleTask, "bridge/taskwire.go", TaskEvents, TaskCommands, TaskReady}

var cmdID = Field{wID, TInt, true, "the command's id: a start's result and the allocator's answers name it"}

// TaskEvents are the events a task script steps (see task.Event), in the
// order it collects them.
var TaskEvents = []Wire{
	{EvTick, "The passage of time, with the target and the player as the script read them.", []Field{
		{wNow, TNum, true, "game time, ms (performance.now())"},
		{wMoney, TNum, true, "the target's money (a till passes 0)"},
		{wSec, TNum, true, "the target's security"},
		{wLevel, TNum, false, "the player's hacking level; absent keeps the last"},
	}},
	{EvHeld, "The allocation's newest snapshot, when it or the last answered command changed.", []Field{
		{wSeq, TInt, true, "the snapshot's seq"},
		{wAnswered, TInt, true, "the id of the last alloc or ask the memory daemon answered (0 before any)"},
		{wDesired, TInt, true, "the allocator's desired count"},
		{wHeld, TChunks, true, "every chunk held: [host, GB, count] (a fourth element, cores, where known)"},
	}},
	{EvRefused, "The alloc was refused.", []Field{{wReason, TString, false, "why, for the log"}}},
	{EvStarted, "A start's result.", []Field{
		{wID, TInt, true, "the start's id"},
		{fPid, TInt, true, "the worker's pid; 0 when exec failed or its claim was refused"},
	}},
	{EvExited, "A worker the task started is no longer running.", []Field{{fPid, TInt, true, "the worker's pid"}}},
	msgEvent("A message read from the task's port: the selector's prio, cap, stop or leave, or a worker's landed (a worker that exits without one died)."),
}

// TaskCommands are the commands a task script carries out, in order (see
// task.Ready). The requests to the memory daemon come as the message to
// send, less what only the script knows: rid and reply, and the
// allocation's id, which the script adds to all but the alloc.
var TaskCommands = []Wire{
	{CmdAlloc, "Ask for the allocation; step its answer as held (the first snapshot) or refused.", []Field{
		cmdID, {wMsg, TAny, true, "the alloc message"},
	}},
	{CmdAsk, "A resize or a release of chunks; await the answer, a snapshot the allocation takes (a refusal is only logged).", []Field{
		cmdID, {wMsg, TAny, true, "the resize or release message"},
	}},
	{CmdClose, "Give back the whole allocation, claims included; the allocation is gone.", []Field{cmdID}},
	{CmdUnclaim, "End the claim of a worker that is no longer running; the answer does not matter (the daemon may have seen the death first).", []Field{
		cmdID, {wMsg, TAny, true, "the unclaim message"},
	}},
	{CmdStart, "Exec a worker in the allocation and claim its RAM; a run of starts starts together. Step the result as started.", []Field{
		cmdID,
		{wScript, TString, true, "the worker script"},
		{fHost, TString, true, "where it runs"},
		{wThreads, TInt, true, "its threads"},
		{fRAM, TGB, true, "the RAM to claim, exactly (GB)"},
		{wAt, TNum, true, "game time, ms, at which its operation should begin; 0 = at once"},
		{wLand, TNum, true, "game time, ms, at which it lands, or 0 when not planned: no exit is looked for before it"},
		{wKeep, TBool, true, "it runs on when the task ends, whatever ends it; otherwise the task's end ends it"},
	}},
	{CmdHalt, "Kill a worker whose work is no longer needed.", []Field{cmdID, {fPid, TInt, true, "the worker's pid"}}},
	{CmdBeat, "Write the heartbeat to the selector's port with tryWrite: the next one says everything again.", []Field{
		cmdID, {fPort, TInt, true, "the selector's port"}, {wMsg, TAny, true, "the heartbeat message"},
	}},
	{CmdFinished, "Deliver the finished message to the selector's port; then the task ends.", []Field{
		cmdID, {fPort, TInt, true, "the selector's port"}, {wMsg, TAny, true, "the finished message"},
	}},
}

// TaskReady lists the keys of the task service's Ready, in order.
var TaskReady = []Part{
	{wCmds, TArray, false, "the commands, in order"},
	logPart,
	{wWake, TNum, false, "the latest game time, ms, for the next tick; 0 = none"},
	errorsPart,
}

// decodeTaskEvent turns one wire event, of a kind eventOf found and keys
// it checked, into a task event; nil means there is nothing to step (a
// worker's landed message).
func decodeTaskEvent(kind string, v jsonx.Value) (task.Event, error) {
	fail := func(err error) (task.Event, error) { return nil, errors.New(kind + ": " + err.Error()) }
	f := jsonx.NewFields(v)
	var ev task.Event
	switch kind {
	case EvTick:
		now := f.Num(wNow, true)
		if f.Err() == nil && (now < 0 || now > 1<<53) {
			f.Fail(wNow, jsonx.ErrRange, "ms in [0, 2^53]")
		}
		ev = task.Tick{Now: int64(math.Floor(now)), Money: f.Num(wMoney, true), Security: f.Num(wSec, true), Hacking: f.Num(wLevel, false)}
	case EvHeld:
		h := task.Held{Seq: f.Int(wSeq, true, 0, 1<<53-1), Answered: f.Int(wAnswered, true, 0, 1<<53-1),
			Desired: int(f.Int(wDesired, true, 0, 1<<31-1))}
		for i, c := range f.Arr(wHeld, true) {
			ch, err := decodeHeldChunk(c)
			if err != nil {
				return fail(errors.New("chunk " + strconv.Itoa(i) + ": " + err.Error()))
			}
			h.Chunks = append(h.Chunks, ch)
		}
		ev = h
	case EvRefused:
		ev = task.Refused{Reason: f.Str(wReason, false)}
	case EvStarted:
		ev = task.Started{Cmd: f.Int(wID, true, 1, 1<<53-1), Pid: proc.Pid(f.Int(fPid, true, 0, 1<<53-1))}
	case EvExited:
		ev = task.Exited{Pid: proc.Pid(f.Int(fPid, true, 1, 1<<53-1))}
	case EvMsg:
		body, _ := v.Get(wBody)
		ev, err := decodeTaskMessage(body)
		if err != nil {
			return fail(err)
		}
		return ev, nil
	}
	if err := f.Err(); err != nil {
		return fail(err)
	}
	return ev, nil
}

// decodeHeldChunk reads [host, GB, count] or [host, GB, count, cores],
// the form of the memory daemon's granted snapshots plus the host's cores
// where the script knows them.
func decodeHeldChunk(v jsonx.Value) (task.Chunk, error) {
	var c task.Chunk
	a := v.Arr
	if v.Kind != jsonx.Array || len(a) < 3 || len(a) > 4 || a[0].Kind != jsonx.String {
		return c, errors.New("want [host, GB, count] or [host, GB, count, cores]")
	}
	c.Host = a[0].Str
	for i, x := range a[1:] {
		if x.Kind != jsonx.Number {
			return c, errors.New("element " + strconv.Itoa(i+1) + " is a " + x.Kind.String() + ", want a number")
		}
	}
	size, err := ram.FromGB(a[1].Num)
	if err != nil {
		return c, errors.New("size: " + err.Error())
	}
	c.Size = size
	whole := func(x float64) bool { return x == math.Trunc(x) && x >= 0 && x <= 1<<31 }
	if !whole(a[2].Num) {
		return c, errors.New("count " + jsonx.FormatNum(a[2].Num) + " is not a whole number")
	}
	c.Count = int(a[2].Num)
	if len(a) == 4 {
		if !whole(a[3].Num) {
			return c, errors.New("cores " + jsonx.FormatNum(a[3].Num) + " is not a whole number")
		}
		c.Cores = int(a[3].Num)
	}
	return c, nil
}

// decodeTaskMessage reads a message from a task's private port: a
// selector command, or a worker's landed message (a worker that exits
// without one died). Unknown keys are rejected by name.
func decodeTaskMessage(v jsonx.Value) (task.Event, error) {
	h := readHeader(v)
	if v.Kind != jsonx.Object {
		return nil, errors.New("message is a " + v.Kind.String() + ", want an object")
	}
	spec, ok := MessageByType(h.typ)
	switch h.typ {
	case TypePrio, TypeCap, TypeStop, TypeLeave, TypeLanded:
	default:
		ok = false
	}
	if !ok {
		return nil, errors.New("unexpected message type " + strconv.Quote(h.typ))
	}
	if key, bad := unknownKey(v, fType, spec.Fields); bad {
		return nil, errors.New(h.typ + ": unknown key " + strconv.Quote(key))
	}
	f := jsonx.NewFields(v)
	var ev task.Event
	switch h.typ {
	case TypePrio:
		ev = task.SetPriority{Priority: int(f.Int(fPrio, true, -1<<31, 1<<31-1))}
	case TypeCap:
		ev = task.SetCap{RAM: gbField(f, fRAM, true)}
	case TypeStop:
		ev = task.Stop{}
	case TypeLeave:
		ev = task.Leave{Host: f.Str(fHost, true)}
	case TypeLanded:
		// r is whatever the ns call returned; only a number is a result
		// (the engine counts a hack's as money taken).
		l := task.Landed{Pid: proc.Pid(f.Int(fPid, true, 1, 1<<53-1))}
		if r, ok := v.Get(fResult); ok && r.Kind == jsonx.Number {
			l.Result = r.Num
		}
		ev = l
	}
	if err := f.Err(); err != nil {
		return nil, errors.New(h.typ + ": " + err.Error())
	}
	return ev, nil
}
