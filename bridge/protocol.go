// Package bridge is the contract at the WebAssembly boundary: the port
// messages clients and daemons exchange, the events and commands that
// cross between a jsglue script and the module, their one encoding, and
// the services that step core engines on decoded events.
//
// Every message type and field name is written once, in Schema below. The
// Go decoders check messages against it (unknown keys are rejected by
// name) and the JavaScript constants in jsglue/lib/protocol.js are
// generated from it (go run ./bridge/cmd/genjs), so the two sides cannot
// drift apart.
package bridge

import "ramfarm/core/proc"

// Well-known ports. Private ports handed out by the port allocator start
// above them (portalloc's default first port is 101).
const (
	// MemdPort is where the memory daemon reads requests: allocations,
	// claims, releases, worker registrations and port requests.
	MemdPort proc.Port = 100
	// DiscoveryPort is where the discovery daemon reads target
	// subscriptions.
	DiscoveryPort proc.Port = 99
	// MemdSessionPort holds the memory daemon's session: a random word
	// it writes there when it starts with no session, and in every state
	// it saves (MemdStateFile). Ports outlive a script but not a reload
	// of the game, which renumbers pids and empties ports: a saved state
	// whose session is not on this port is from before a reload, and is
	// not restored. Nothing else writes or reads this port.
	MemdSessionPort proc.Port = 97
	// BootPortBase + pid is the port where a client that has no private
	// port yet receives the answer to its port request. Pids are never
	// reused, so no two processes share a boot port.
	BootPortBase proc.Port = 1 << 40
)

// MemdStateFile is the file on home where the memory daemon saves its
// state (ns.write and ns.read cost no RAM) after every step that changed
// it, before it writes that step's answers.
const MemdStateFile = "ramfarm/memd-state.txt"

// BootPort is the bootstrap reply port of process pid.
func BootPort(pid proc.Pid) proc.Port { return BootPortBase + proc.Port(pid) }

// FieldType is the JSON type of a message field.
type FieldType uint8

const (
	TInt     FieldType = iota // an integer number
	TGB                       // RAM in GB, a multiple of 0.01
	TString                   // a string
	TBool                     // a boolean, absent = false
	TChunks                   // array of [host, GB, count] or [host, GB, count, cores]
	TAny                      // any JSON value
	TArray                    // array of objects described in Doc
	TNum                      // any number
	TInts                     // array of integers (pids, ports)
	TStrings                  // array of strings
	TTuples                   // array of arrays, their elements by position as Doc says
)

var fieldTypeJS = [...]string{"number", "number", "string", "boolean", "Array<[string, number, number, number?]>", "any", "Array<object>", "number",
	"number[]", "string[]", "Array<any[]>"}

// JSType is the JSDoc type of a field.
func (t FieldType) JSType() string { return fieldTypeJS[t] }

// Field is one key of a message.
type Field struct {
	Name     string
	Type     FieldType
	Required bool
	Doc      string
}

// Direction says who sends a message.
type Direction uint8

const (
	ToDaemon   Direction = iota // a client writes it to a daemon's port
	FromDaemon                  // a daemon writes it to a client's port
)

// Message is one port message type; its "t" field holds Type.
type Message struct {
	Type   string
	Dir    Direction
	Doc    string
	Fields []Field
}

// Field names shared by many messages.
const (
	fType   = "t"
	fRid    = "rid"
	fPid    = "pid"
	fReply  = "reply"
	fAlloc  = "alloc"
	fChunk  = "chunk"
	fGaveUp = "gaveUp"
	fCount  = "count"
	fPrio   = "prio"
	fHost   = "host"
	fWorker = "worker"
	fRAM    = "ram"
	fPort   = "port"
	fCode   = "code"
	fReason = "reason"
	fGrow   = "growable"
	fShrink = "shrinkable"
	fToken  = "token"
	fRole   = "role"
	fOff    = "off"
)

// Field names of the worker, granted, targets and cordon messages.
const (
	fSeq     = "seq"
	fCores   = "cores"
	fNow     = "now"
	fLevel   = "level"
	fTargets = "targets"
	fOn      = "on"
)

// Message type tags.
const (
	TypeAlloc      = "alloc"
	TypeResize     = "resize"
	TypeRelease    = "release"
	TypeClaim      = "claim"
	TypeUnclaim    = "unclaim"
	TypeGive       = "give"
	TypeStatus     = "status"
	TypeWorker     = "worker"
	TypeForget     = "forget"
	TypePort       = "port"
	TypeUnport     = "unport"
	TypeGranted    = "granted"
	TypeRefused    = "refused"
	TypeError      = "error"
	TypeDone       = "done"
	TypeReport     = "report"
	TypeAssigned   = "assigned"
	TypeSubscribe  = "subscribe"
	TypeTargets    = "targets"
	TypeRegister   = "register"
	TypeRegistered = "registered"
)

var (
	rid    = Field{fRid, TInt, true, "request id chosen by the sender, echoed in the answer"}
	pid    = Field{fPid, TInt, true, "the sender's pid (ns.pid)"}
	reply  = Field{fReply, TInt, true, "port the answer goes to"}
	alloc  = Field{fAlloc, TInt, true, "allocation id"}
	ridOut = Field{fRid, TInt, true, "the request answered, 0 for growth"}
	token  = Field{fToken, TInt, false, "the allocation's token, from the granted that answered its alloc; without the right one the message is refused (not-owner)"}
)

// Schema lists every port message. Order is the order of the generated
// documentation.
var Schema = []Message{
	{TypeAlloc, ToDaemon, "Ask for count chunks of chunk GB. Answer: granted or refused.", []Field{
		rid, pid, reply,
		{"script", TString, false, "the owner's script name, for logs"},
		{fChunk, TGB, true, "chunk size in GB"},
		{fCount, TInt, true, "desired number of chunks"},
		{fPrio, TInt, false, "priority; higher grows first"},
		{"contiguous", TBool, false, "one host if any can hold all chunks"},
		{"coreDependent", TBool, false, "prefer hosts with more cores (home)"},
		{"longRunning", TBool, false, "avoid home, then purchased servers"},
		{"seat", TBool, false, "a script's own process: home first, purchased servers last"},
		{fShrink, TBool, false, "accept fewer chunks (at least one)"},
		{fGrow, TBool, false, "keep growing to count chunks as RAM appears"},
	}},
	{TypeResize, ToDaemon, "Change the desired count, priority or chunk size (reshape). Owner only. Answer: granted.", []Field{
		rid, pid, reply, alloc, token,
		{fChunk, TGB, false, "new chunk size in GB; absent keeps it"},
		{fCount, TInt, true, "new desired count"},
		{fPrio, TInt, false, "new priority; absent keeps it"},
	}},
	{TypeRelease, ToDaemon, "Give back the whole allocation (no host) or count chunks of chunk GB on host. Owner only. Answer: done or granted.", []Field{
		rid, pid, reply, alloc, token,
		{fHost, TString, false, "host whose chunks are returned; absent = everything"},
		{fChunk, TGB, false, "size of the returned chunks"},
		{fCount, TInt, false, "number of chunks returned"},
	}},
	{TypeClaim, ToDaemon, "Record a worker process started inside the allocation. Owner only. Answer: done.", []Field{
		rid, pid, reply, alloc, token,
		{fHost, TString, true, "host the worker runs on"},
		{fWorker, TInt, true, "the worker's pid"},
		{fRAM, TGB, true, "RAM the worker uses (GB)"},
	}},
	{TypeUnclaim, ToDaemon, "End a claim before its worker dies. Owner only. Answer: done.", []Field{
		rid, pid, reply, alloc, token,
		{fWorker, TInt, true, "the worker's pid"},
	}},
	{TypeGive, ToDaemon, "Hand the allocation to process to, which owns it from now on (it dies with to). A launcher seats a script this way: one chunk of its RAM, exec there, claim it, give it. Owner only. Answer: done.", []Field{
		rid, pid, reply, alloc, token,
		{"to", TInt, true, "the new owner's pid"},
	}},
	{TypeStatus, ToDaemon, "Ask a daemon what it is doing. On the memory daemon's port, answer: report (every worker and allocation); on the selector's, answer: overview.", []Field{rid, pid, reply}},
	{TypeWorker, ToDaemon, "Register a server the memory daemon should watch and allocate on (again to update it).", []Field{
		{fHost, TString, true, "hostname"},
		{fKind, TString, false, `"server" (default), "home", "purchased" or "hacknet"`},
		{fCores, TInt, false, "CPU cores (default 1)"},
		{fToken, TInt, false, "the discovery role's token (see register); without it the message is refused"},
	}},
	{TypeForget, ToDaemon, "Stop watching a server.", []Field{{fHost, TString, true, "hostname"}, {fToken, TInt, false, "the discovery role's token (see register); without it the message is refused"}}},
	{TypeRegister, ToDaemon, "Ask for a role whose messages change the world for everyone: discovery (worker, forget) or selector (cordon). Granted to one live process at a time. Answer: registered, or error role-held; with off, give the role back (answer: done).", []Field{
		rid, pid, reply,
		{fRole, TString, true, `"discovery" or "selector"`},
		{fOff, TBool, false, "give the role back"},
		{fToken, TInt, false, "with off: the role's token"},
	}},
	{TypePort, ToDaemon, "Ask for a private port. Answer: assigned (on reply, usually the boot port).", []Field{rid, pid, reply}},
	{TypeUnport, ToDaemon, "Give a private port back. Owner only. Answer: done.", []Field{
		rid, pid, {fReply, TInt, false, "port the answer goes to; absent = the returned port"},
		{fPort, TInt, true, "the port returned"},
	}},

	{TypeSubscribe, ToDaemon, "Subscribe to the hack targets, on the discovery daemon's port. Answer: targets, then a new one whenever the list changes, until the sender dies.", []Field{
		rid, pid, reply,
	}},

	{TypeGranted, FromDaemon, "A full snapshot of an allocation; a newer seq replaces an older one.", []Field{
		ridOut, alloc,
		{fToken, TInt, false, "the allocation's token, only in the answer to its alloc (on the requester's port): resize, release, claim, unclaim and give must carry it"},
		{fSeq, TInt, true, "snapshot number, counting up per allocation"},
		{fChunk, TGB, true, "current chunk size in GB"},
		{"desired", TInt, true, "desired count of current-size chunks"},
		{"held", TChunks, true, "every chunk held: [host, GB, count], sorted; a fourth element, the host's cores, when it has more than one"},
	}},
	{TypeRefused, FromDaemon, "The request could not be met now (not enough RAM).", []Field{
		rid, {fCode, TString, true, "reason code"}, {fReason, TString, true, "human-readable reason"},
	}},
	{TypeError, FromDaemon, "The request was malformed or not allowed; nothing changed.", []Field{
		{fRid, TInt, false, "the request, when it had a readable rid"},
		{fCode, TString, true, "reason code"}, {fReason, TString, true, "human-readable reason"},
	}},
	{TypeDone, FromDaemon, "Acknowledges a claim, unclaim, whole release or port return.", []Field{
		rid, {fAlloc, TInt, false, "the allocation"}, {fPort, TInt, false, "the returned port"},
	}},
	{TypeReport, FromDaemon, "Every worker and allocation.", []Field{
		rid,
		{"workers", TArray, true, "{host, max, usable, allocated, claimed, foreign} in GB"},
		{"allocs", TArray, true, "{alloc, pid, script, prio, seat, orphan, claimed, chunk, desired, held, seq}; seat: the owner's own process runs in it; orphan: the owner died and its running workers (claimed GB) keep these chunks until they end"},
		{"ports", TInt, true, "private ports leased"},
		{"leases", TArray, true, "each leased port and its holder: [port, pid], by port"},
	}},
	{TypeRegistered, FromDaemon, "A role, now the requester's until it dies or gives it back.", []Field{
		rid, {fRole, TString, true, "the role"}, {fToken, TInt, true, "the token its messages carry"},
	}},
	{TypeAssigned, FromDaemon, "A private port, now the requester's alone.", []Field{
		rid, {fPort, TInt, true, "the port"},
	}},
	{TypeTargets, FromDaemon, "Every hack target: rooted, with money, within the player's level, not the player's own; a newer seq replaces an older one.", []Field{
		{fRid, TInt, true, "the subscribe answered, 0 for a change"},
		{fSeq, TInt, true, "list number, counting up each time the list changes"},
		{fNow, TInt, true, "game time (ms) of the scan that changed the list; money and security are the latest readings, up to a walk old"},
		{fLevel, TInt, true, "the player's hacking level the list was made for"},
		{fTargets, TArray, true, "{host, maxMoney, money, minSec, baseSec, sec, growth, level}, sorted by host"},
	}},
}

// MessageByType returns the schema entry of a type tag.
func MessageByType(t string) (Message, bool) {
	// Every message a daemon decodes looks its type up: not through
	// AllMessages, which makes a list.
	for _, schema := range [...][]Message{Schema, TaskSchema} {
		for i := range schema {
			if schema[i].Type == t {
				return schema[i], true
			}
		}
	}
	return Message{}, false
}
