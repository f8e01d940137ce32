package bridge

import "ramfarm/core/proc"

// SelectorPort is where the task selector reads heartbeats and task
// reports.
const SelectorPort proc.Port = 98

// toolArgs are the arguments a player's tool runs with: the selector
// takes its message only while such a process runs.
var toolArgs = Field{"args", TAny, false, "the sending tool's ns.args (HOST first)"}

// Task protocol: tasks (till, sow, harvest scripts) report to the
// selector; the selector steers them through their private ports; workers
// tell their task when their operation landed.
const (
	TypeHeartbeat = "heartbeat"
	TypeFinished  = "finished"
	TypePrio      = "prio"
	TypeCap       = "cap"
	TypeStop      = "stop"
	TypeLeave     = "leave"
	TypeCordon    = "cordon"
	TypeLanded    = "landed"
	TypeVacate    = "vacate"
	TypeReopen    = "reopen"
	TypeVacated   = "vacated"
	TypeOverview  = "overview"
)

// Fields of the task-side messages.
const (
	fKind     = "kind"
	fTarget   = "target"
	fHeld     = "held"
	fWant     = "want"
	fCapped   = "capped"
	fCap      = "cap"
	fRate     = "rate"
	fStopping = "stopping"
	fDone     = "done"
	fEarned   = "earned"
	fResult   = "r"
)

// TaskSchema lists the task protocol's messages; AllMessages joins it to
// Schema.
var TaskSchema = []Message{
	{TypeHeartbeat, ToDaemon, "A task's state, sent to the selector every few seconds and on every change.", []Field{
		pid,
		{fPort, TInt, true, "the task's private port, where the selector's commands go"},
		{fKind, TString, true, `"till", "sow" or "harvest"`},
		{fTarget, TString, true, "the server the task works on"},
		{fHeld, TGB, true, "RAM its allocation holds"},
		{fWant, TGB, true, "RAM it takes within its cap"},
		{fCapped, TBool, false, "it would use more RAM than its cap"},
		{fCap, TGB, true, "the cap it last applied (from a cap message; 0 = none)"},
		{fPrio, TInt, true, "the allocation priority it last applied"},
		{fRate, TAny, false, "expected money per second at its current size"},
		{fStopping, TBool, false, "it is draining after a stop"},
		{fChunk, TGB, false, "the size of the chunks it asks for"},
		{fGaveUp, TStrings, false, "hosts where its workers kept dying at start; the selector keeps work off them for a while"},
		{fEarned, TNum, false, "money its hack workers took since it started (their landed r)"},
	}},
	{TypeFinished, ToDaemon, "A task is ending: done = its phase is complete (till: min security; sow: max money).", []Field{
		pid,
		{fKind, TString, true, `"till", "sow" or "harvest"`},
		{fTarget, TString, true, "the server"},
		{fDone, TBool, false, "the phase is complete"},
		{fEarned, TNum, false, "money its hack workers took, in all"},
	}},
	{TypePrio, FromDaemon, "Selector → task: set your allocation's priority.", []Field{{fPrio, TInt, true, "the priority"}}},
	{TypeCap, FromDaemon, "Selector → task: use at most ram GB (shrink by letting work land, or grow again).", []Field{{fRAM, TGB, true, "the cap in GB"}}},
	{TypeStop, FromDaemon, "Selector → task: stop starting work, let in-flight work land, release everything and exit.", nil},
	{TypeLeave, FromDaemon, "Selector → task: move work off host (it is being vacated).", []Field{{fHost, TString, true, "the host"}}},
	{TypeCordon, ToDaemon, "Selector → memd: stop (on) or resume granting chunks on host.", []Field{
		{fHost, TString, true, "the host"}, {fOn, TBool, false, "cordon on (absent = off)"},
		{fToken, TInt, false, "the selector role's token (see register); without it the cordon is refused"},
	}},
	{TypeVacate, ToDaemon, "Player → selector: move all work off host (before upgrading it). Answer: vacated, once nothing is allocated there. Taken only while ramfarm/vacate.js runs on home with args.", []Field{
		{fHost, TString, true, "the host"}, {fReply, TInt, true, "port the answer goes to"}, toolArgs,
	}},
	{TypeReopen, ToDaemon, "Player → selector: the host may be used again. Taken only while ramfarm/reopen.js runs on home with args; answer: done (or error).", []Field{
		{fHost, TString, true, "the host"}, {fReply, TInt, false, "port the answer goes to"}, toolArgs,
	}},
	{TypeVacated, FromDaemon, "Selector → player: nothing is allocated on host any more; it stays cordoned until reopen.", []Field{
		{fHost, TString, true, "the host"},
	}},
	{TypeOverview, FromDaemon, "Selector → monitor: what ramfarm is doing, answering a status sent to the selector's port. RAM in GB.", []Field{
		{fRid, TInt, true, "the status answered"},
		{fNow, TInt, true, "game time, ms"},
		{"since", TInt, true, "game time, ms, the selector started: earned counts from then"},
		{"hosts", TInt, true, "worker servers with usable RAM"},
		{"usable", TGB, true, "RAM ramfarm may allocate, on every worker server"},
		{"allocated", TGB, true, "RAM allocated"},
		{"idle", TGB, true, "RAM allocated that no running worker or script claims"},
		{"tasks", TArray, true, "{pid, kind, target, state, chunk, chunks, desired, held, want, earned}, by phase (till, sow, harvest), then target: chunks held of desired chunks of chunk GB; held and want in GB; earned, the money its hack workers took"},
		{fEarned, TNum, true, "money the hack workers took since the selector started"},
		{"income", TNum, true, "money per second over the last minute"},
		{"jumpAt", TInt, true, "game time, ms, of the last RAM jump (usable RAM rising by 2 GB or more at once); 0 = none yet"},
		{"jumpGB", TGB, true, "the RAM that arrived"},
		{"absorbed", TInt, true, "ms from the jump until 90 % of its RAM was allocated; -1 while it is not"},
		{"jumpLeft", TGB, true, "the jump's RAM not allocated yet"},
	}},
	{TypeLanded, FromDaemon, "Worker → task: its operation landed (sent with tryWrite; a task also checks isRunning).", []Field{
		pid, {fResult, TAny, false, "what the operation returned: for a hack, the money it took"},
	}},
}

// AllMessages is every message of every protocol, in documentation order.
func AllMessages() []Message {
	out := make([]Message, 0, len(Schema)+len(TaskSchema))
	return append(append(out, Schema...), TaskSchema...)
}
