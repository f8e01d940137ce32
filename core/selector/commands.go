package selector

import "ramfarm/core/ram"

// Command is something the engine asks the shell to do. Every command
// carries an ID from one counter; Launch's result comes back as
// Launched{ID}. Commands to a task (SetPriority, Resize, Stop, Leave) have
// no result event: the task's next heartbeats show whether it obeyed, and
// the engine sends the command again after Config.Resend until they do,
// so a message lost to a full port costs a delay, never a decision.
type Command interface{ isCommand() }

// Launch starts a task: exec the script for Kind with these arguments and
// step Launched{ID} with the pid. The task asks the memory daemon for RAM
// itself, at Priority. Growable: the allocation wants RAM (its cap) and
// grows as RAM appears. Not growable: the task asks once for RAM and
// accepts less (the memory daemon's Shrinkable), and never grows. Round
// (never with Growable): the task runs one round of work and ends (see
// core/task's Config.Round).
type Launch struct {
	ID       int64
	Kind     Kind
	Target   string
	Priority int
	RAM      ram.Amount
	Growable bool
	Round    bool
}

// Kill ends a process that stopped answering (ns.kill). The engine has
// already forgotten it; a late message from it is ignored.
type Kill struct {
	ID  int64
	Pid Pid
}

// SetPriority tells a task its allocation's new priority. The selector
// cannot resize an allocation itself (the memory daemon lets only the
// owner resize), so the task forwards it as a Resize with Priority.
type SetPriority struct {
	ID       int64
	Pid      Pid
	Port     Port
	Priority int
}

// Resize sets the most RAM a task may hold. Below what it holds, the task
// lowers its allocation's desired size and releases chunks as the work in
// them lands: a shrink never kills work in flight. Above, it raises the
// desired size again and grows.
type Resize struct {
	ID   int64
	Pid  Pid
	Port Port
	RAM  ram.Amount
}

// Stop asks a task to finish: start no new work, release each chunk as its
// work lands, then send Exit and end.
type Stop struct {
	ID   int64
	Pid  Pid
	Port Port
}

// Leave asks a task to move off Host: release its chunks there as their
// work lands; its allocation grows back elsewhere. A task holding nothing
// there ignores it.
type Leave struct {
	ID   int64
	Pid  Pid
	Port Port
	Host string
}

// Cordon goes to the memory daemon: with On it grants nothing more on
// Host (what is held stays until released); without, it grants there
// again. Its status reports HostRAM.Cordoned.
type Cordon struct {
	ID   int64
	Host string
	On   bool
}

// Vacated answers Vacate: nothing is allocated on Host any more.
type Vacated struct {
	ID    int64
	Host  string
	Reply Port
}

func (Launch) isCommand()      {}
func (Kill) isCommand()        {}
func (SetPriority) isCommand() {}
func (Resize) isCommand()      {}
func (Stop) isCommand()        {}
func (Leave) isCommand()       {}
func (Cordon) isCommand()      {}
func (Vacated) isCommand()     {}

// Ready is what the engine wants done. The shell runs Commands in the
// order given (a Kill always precedes the Launch that replaces its
// process), calls Advance, and then steps the results (Launched).
type Ready struct {
	Commands []Command
	// Logs are human-readable lines about decisions, for the daemon's log.
	Logs []string
}
