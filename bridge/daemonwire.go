package bridge

import "strings"

// Keys of the daemons' events and Readies, beside the shared ones
// (wire.go). The discovery daemon's nuke is "root" and its scan a "look":
// no wire name spells a netscript function (see CmdHalt).
const (
	wWorkers  = "workers"
	wGone     = "gone"
	wClear    = "clear"
	wObserve  = "observe"
	wPrograms = "programs"
	wFull     = "full"
	wServers  = "servers"
	wErr      = "err"
	wListen   = "listen"
	wWalk     = "walk"
	wOpen     = "open"
	wRoot     = "root"
	wHacking  = "hacking"
	wArgs     = "args"
	wSettings = "settings"
	wState    = "state"
	wSave     = "save"
	wJournal  = "journal"
)

// Daemon event kinds, beside tick, msg and sent.
const (
	EvLook      = "look"
	EvDone      = "done"
	EvLaunched  = "launched"
	EvConfigure = "configure"
	EvRestore   = "restore"
)

// Selector command kinds, beside halt (a task's kill).
const (
	CmdLaunch = "launch"
	CmdSend   = "send"
)

// memdWorkerRow names the positions of a host's reading in a memd tick,
// for the schema and for errors.
var memdWorkerRow = [...]string{"host", "root", "max", "used"}

// MemdWire is the memory daemon's wire (jsglue/lib/memdwire.js). The
// script clears ports first, then writes each send in order; "watch" and
// "observe" replace the pid and host lists it checks on every tick.
var MemdWire = ServiceWire{Role: RoleMemd, Source: "bridge/daemonwire.go",
	Events: []Wire{
		msgEvent("A message read from MEMD_PORT: a request or a registration."),
		{EvTick, "What the script saw since the last tick: the watched processes that ended, and each observed host whose reading changed (the module keeps the others' last reading).", []Field{
			{wNow, TNum, false, "game time, ms"},
			deadField,
			{wWorkers, TTuples, false, "each observed host whose reading changed: [" + strings.Join(memdWorkerRow[:], ", ") + "], root a boolean, max and used GB"},
			{wGone, TStrings, false, "observed hosts that no longer exist"},
		}},
		sentEv,
		{EvConfigure, "The player's settings changed (the config file): the next tick applies them. A refused one changes nothing.", []Field{
			{wSettings, TAny, true, "{homeReserve: GB, setAside: {host: GB}, useHacknet: boolean}; a key left out is its default (0, none, false)"},
		}},
		{EvRestore, "A saved state (the last save, as read from MEMD_STATE_FILE) to continue from: stepped alone, first, before any tick. A state of another session than the config's, or one the engines refuse, is an error and the daemon starts empty.", []Field{
			{wState, TString, true, "the saved state's text"},
		}},
	},
	Ready: []Part{
		{wClear, TInts, false, "ports to clear before anything is written"},
		sendPart,
		logPart,
		{wWatch, TInts, true, "the pids to check every tick; absent keeps the last list"},
		{wObserve, TStrings, true, "the hosts to read every tick; absent keeps the last list"},
		errorsPart,
		{wSave, TString, true, "a snapshot of the state to save: write MEMD_STATE_FILE with it (replacing what it held) before any send"},
		{wJournal, TString, true, "the lines to append to MEMD_STATE_FILE before any send (what was stepped since its last save); absent, and save absent too: unchanged since the last save"},
	},
}

// DiscoveryWire is the discovery daemon's wire
// (jsglue/lib/discoverywire.js). The script runs every open, then every
// root, then writes each send in order, and steps the outcomes before its
// next look: a root that worked is registered with the memory daemon when
// its outcome is stepped.
var DiscoveryWire = ServiceWire{Role: RoleDiscovery, Source: "bridge/daemonwire.go",
	Events: []Wire{
		{EvLook, "One look at the network: with full, every server reachable from home; otherwise home and its neighbours, where the player's own servers appear, change and vanish.", []Field{
			{wNow, TNum, false, "game time, ms"},
			{wLevel, TInt, true, "the player's hacking level"},
			{wPrograms, TStrings, false, "the program files owned, among NUKE.exe and the five port openers"},
			deadField,
			{wFull, TBool, false, "every server reachable from home is listed"},
			{wServers, TTuples, true, "each server as ns.getServer gives it, as an array: [" + strings.Join(discServerFields[:], ", ") + "], null for a field the game leaves out (hacknet servers have no money or security)"},
		}},
		msgEvent("A message read from the listen port: a subscribe."),
		{EvDone, "The outcome of an open or a root: the game's call returned true, or threw.", []Field{
			{wID, TInt, true, "the open's or root's id"},
			{wOK, TBool, false, "it worked"},
			{wErr, TString, false, "what the game threw"},
		}},
		sentEv,
	},
	Ready: []Part{
		{wListen, TInt, true, "the port to read subscriptions from; it comes with the first Ready"},
		{wWalk, TBool, false, "make the next look full"},
		{wOpen, TTuples, false, "port openers to run, in order, each [id, host, program file]; step each outcome as done"},
		{wRoot, TTuples, false, "servers to nuke (NUKE.exe) after the opens, each [id, host]; step each outcome as done"},
		sendPart,
		logPart,
		{wWatch, TInts, true, "the pids whose deaths the next look reports; absent keeps the last list"},
		errorsPart,
	},
}

// SelectorWire is the task selector's wire (jsglue/lib/selectorwire.js).
// A watched task pid found not running is reported in the next tick's
// "dead".
var SelectorWire = ServiceWire{Role: RoleSelector, Source: "bridge/daemonwire.go",
	Events: []Wire{
		msgEvent("A message read from SELECTOR_PORT or the selector's own port: a task's heartbeat or finished, a vacate or reopen, the discovery daemon's targets, the memory daemon's report."),
		{EvTick, "The passage of time, with the player's level.", []Field{
			{wNow, TInt, true, "game time, ms, a whole number"},
			{wHacking, TNum, true, "the player's hacking level"},
			deadField,
		}},
		{EvLaunched, "A launch's result.", []Field{
			{wID, TInt, true, "the launch's id"},
			{fPid, TInt, true, "the task's pid; 0 when it did not start"},
			{fReason, TString, false, "why it did not start, for the log"},
		}},
	},
	Commands: []Wire{
		{CmdLaunch, "Seat a task script, ram GB from the memory daemon at priority prio wherever it grants them (jsglue/lib/seat.js), and run it there. Step the result as launched before any message the task could send.", []Field{
			{wID, TInt, true, "the launch's id"},
			{wScript, TString, true, "the task script"},
			{fRAM, TGB, true, "the script's RAM: the seat to ask for (GB)"},
			{fPrio, TInt, true, "the seat's priority"},
			{wArgs, TAny, true, "the script's arguments: its target, then its flags"},
		}},
		{CmdHalt, "Kill a task; it comes before the launch that replaces it.", []Field{{fPid, TInt, true, "the task's pid"}}},
		{CmdSend, "Write msg to port with tryWrite.", []Field{{fPort, TInt, true, "the port"}, {wMsg, TAny, true, "the message"}}},
	},
	Ready: []Part{
		{wCmds, TArray, false, "the commands, in order"},
		logPart,
		{wWatch, TInts, true, "the task pids to check every tick; absent keeps the last list"},
		errorsPart,
	},
}
