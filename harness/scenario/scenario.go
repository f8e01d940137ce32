// Package scenario reads the JSON description of one simulated game run:
// the network, the player's starting state, the scripts started at t=0
// and the timed events (a program acquired, servers bought, home
// upgraded, …) that make RAM arrive in jumps. Parse checks a file once
// and strictly; the result is a plain value that Setup applies to a fresh
// world and Schedule puts on the harness's virtual clock.
package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"time"

	"ramfarm/gamedata"
	"ramfarm/harness/network"
	"ramfarm/harness/world"
)

// Scenario is one validated run. Parse builds it; treat it as read-only.
type Scenario struct {
	Name     string
	Story    string        // one paragraph: what the run models and why
	Seed     uint64        // seeds the network's draws, and the runner's if it draws
	Duration time.Duration // game time the run lasts
	// Release is the game release the run plays ("release"; absent: the
	// newest, gamedata.Latest).
	Release gamedata.Release
	BitNode BitNode // the BitNode the game runs; BitNode 1 by default
	Network Network
	Start   Start
	Scripts []Script     // started at t=0, in this order
	Events  []TimedEvent // the file's events, in time order, ties in file order
	Draw    *Draw        // events drawn from the run's seed; nil: none
}

// NetworkKind says where a scenario's servers come from.
type NetworkKind int

const (
	// NetworkGame is the game's network drawn from Seed (network.Build).
	NetworkGame NetworkKind = iota
	// NetworkDefault is servers.json's default world (network.BuildDefault).
	NetworkDefault
	// NetworkCustom is home plus the scenario's own servers.
	NetworkCustom
)

func (k NetworkKind) String() string {
	switch k {
	case NetworkGame:
		return "game"
	case NetworkDefault:
		return "default"
	case NetworkCustom:
		return "custom"
	}
	return "NetworkKind(" + strconv.Itoa(int(k)) + ")"
}

// Network is the scenario's network.
type Network struct {
	Kind    NetworkKind
	Servers []ServerSpec // NetworkCustom only, in the order they are added
}

// ServerSpec is one server of a custom network: built with the game's
// constructor rules and linked to Parent (home or an earlier server).
type ServerSpec struct {
	Parent string
	Params world.ServerParams
}

// Start is the player's state at t=0.
type Start struct {
	HomeRAM      float64 // GB, a power of 2 from 8
	HomeCores    int
	Money        float64  // $
	HackingExp   float64  // used when HackingLevel is 0
	HackingLevel float64  // 0: take the level from HackingExp
	Programs     []string // owned besides NUKE.exe
	Rooted       []string // servers whose root the player already has
}

// Script is a script the run starts at t=0.
type Script struct {
	Script  string // filename on Host
	Host    string
	Threads int64
	Args    []any // strings, float64 numbers and bools
}

// TimedEvent is an event and when it happens.
type TimedEvent struct {
	At     time.Duration // game time from the start of the run
	Source string        // where in the file it comes from: "events[3]", "draw.home[1]"
	Event  Event
}

// AtMs returns the event's game time in milliseconds, the virtual
// clock's unit.
func (e TimedEvent) AtMs() float64 { return float64(e.At) / float64(time.Millisecond) }

// Apply applies the event to w. A failure is wrapped with the event's
// index, time and kind.
func (e TimedEvent) Apply(w *world.World) error {
	if err := e.Event.Apply(w); err != nil {
		return fmt.Errorf("%w: %s at %v (%s): %w", ErrEvent, e.Source, e.At, e.Event.Kind(), err)
	}
	return nil
}

func (e TimedEvent) String() string { return e.At.String() + " " + e.Event.String() }

// WithSeed is a copy of s whose network and drawn events come from seed.
func (s *Scenario) WithSeed(seed uint64) *Scenario {
	c := *s
	c.Seed = seed
	return &c
}

// Load reads and parses a scenario file.
func Load(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Parse parses and validates a scenario. Every key is checked: an unknown
// or repeated key, a missing required one or a bad value is an *Error
// naming where it is.
func Parse(b []byte) (*Scenario, error) {
	var raw json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, &Error{"", ErrSyntax, syntaxMessage(b, err)}
	}
	top, err := parseObject("", raw)
	if err != nil {
		return nil, err
	}
	if err := top.allow("name", "story", "seed", "duration", "bitNode", "network", "start", "scripts", "events", "draw", "release"); err != nil {
		return nil, err
	}
	if err := top.require("name", "story", "seed", "duration"); err != nil {
		return nil, err
	}
	s := &Scenario{}
	var seed float64
	if err := firstErr(
		top.str("name", &s.Name),
		top.str("story", &s.Story),
		top.integer("seed", 0, 1<<53, &seed),
		top.duration("duration", &s.Duration),
	); err != nil {
		return nil, err
	}
	s.Seed = uint64(seed)
	var rel string
	if top.has("release") {
		if err := top.str("release", &rel); err != nil {
			return nil, err
		}
	}
	if s.Release, err = gamedata.ParseRelease(rel); err != nil {
		return nil, top.bad("release", "%s", err)
	}
	if s.Name == "" {
		return nil, top.bad("name", "must not be empty")
	}
	if s.Story == "" {
		return nil, top.bad("story", "must not be empty")
	}
	if s.Duration <= 0 {
		return nil, top.bad("duration", "must be positive")
	}
	if s.BitNode, err = parseBitNode(top); err != nil {
		return nil, err
	}
	if s.Network, err = parseNetwork(top); err != nil {
		return nil, err
	}
	hosts, err := s.Network.hostnames()
	if err != nil {
		return nil, err
	}
	if s.Start, err = parseStart(top, hosts); err != nil {
		return nil, err
	}
	if s.Scripts, err = parseScripts(top, hosts); err != nil {
		return nil, err
	}
	if s.Events, err = parseEvents(top, hosts, s.Duration); err != nil {
		return nil, err
	}
	if s.Draw, err = parseDraw(top, s); err != nil {
		return nil, err
	}
	return s, nil
}

// syntaxMessage adds the line and column to a JSON syntax error.
func syntaxMessage(b []byte, err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return err.Error()
	}
	// Offset counts the bytes read, the offending one included.
	line, col := 1, 1
	for _, c := range b[:min(max(int(se.Offset)-1, 0), len(b))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d: %v", line, col, err)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func parseNetwork(top *object) (Network, error) {
	o, err := top.object("network")
	if err != nil || o == nil {
		return Network{}, err
	}
	if err := firstErr(o.allow("kind", "servers"), o.require("kind")); err != nil {
		return Network{}, err
	}
	var kind string
	if err := o.str("kind", &kind); err != nil {
		return Network{}, err
	}
	var n Network
	switch kind {
	case "game":
		n.Kind = NetworkGame
	case "default":
		n.Kind = NetworkDefault
	case "custom":
		n.Kind = NetworkCustom
	default:
		return Network{}, o.bad("kind", `want "game", "default" or "custom", got %q`, kind)
	}
	items, err := o.list("servers")
	if err != nil {
		return Network{}, err
	}
	if n.Kind != NetworkCustom {
		if items != nil {
			return Network{}, o.bad("servers", "only a custom network lists servers")
		}
		return n, nil
	}
	if len(items) == 0 {
		return Network{}, o.bad("servers", "a custom network needs at least one server")
	}
	known := []string{world.HomeHost}
	for i, it := range items {
		spec, err := parseServer(fmt.Sprintf("network.servers[%d]", i), it, known)
		if err != nil {
			return Network{}, err
		}
		known = append(known, spec.Params.Hostname)
		n.Servers = append(n.Servers, spec)
	}
	return n, nil
}

func parseServer(path string, raw json.RawMessage, known []string) (ServerSpec, error) {
	o, err := parseObject(path, raw)
	if err != nil {
		return ServerSpec{}, err
	}
	if err := firstErr(o.allow("hostname", "parent", "organizationName", "maxRam", "moneyAvailable",
		"hackDifficulty", "requiredHackingSkill", "serverGrowth", "numOpenPortsRequired"),
		o.require("hostname", "maxRam")); err != nil {
		return ServerSpec{}, err
	}
	spec := ServerSpec{Parent: world.HomeHost}
	p := &spec.Params
	var ports float64
	if err := firstErr(
		o.str("hostname", &p.Hostname),
		o.str("parent", &spec.Parent),
		o.str("organizationName", &p.OrganizationName),
		o.number("maxRam", &p.MaxRAM),
		o.number("moneyAvailable", &p.MoneyAvailable),
		o.number("hackDifficulty", &p.HackDifficulty),
		o.number("requiredHackingSkill", &p.RequiredHackingSkill),
		o.number("serverGrowth", &p.ServerGrowth),
		o.integer("numOpenPortsRequired", 0, 5, &ports),
	); err != nil {
		return ServerSpec{}, err
	}
	p.NumOpenPortsRequired = int(ports)
	switch {
	case p.Hostname == "":
		return ServerSpec{}, o.bad("hostname", "must not be empty")
	case slices.Contains(known, p.Hostname):
		return ServerSpec{}, o.bad("hostname", "%q is already a server", p.Hostname)
	case !slices.Contains(known, spec.Parent):
		return ServerSpec{}, &Error{path + ".parent", ErrUnknownHost, fmt.Sprintf("%q is not home or an earlier server", spec.Parent)}
	case p.MaxRAM < 0:
		return ServerSpec{}, o.bad("maxRam", "must not be negative")
	case p.MoneyAvailable < 0 || p.HackDifficulty < 0 || p.RequiredHackingSkill < 0 || p.ServerGrowth < 0:
		return ServerSpec{}, &Error{path, ErrBadValue, "money, security, level and growth must not be negative"}
	}
	return spec, nil
}

// hostnames returns the servers scripts can reach at t=0.
func (n Network) hostnames() ([]string, error) {
	if n.Kind != NetworkCustom {
		return network.Hostnames()
	}
	names := []string{world.HomeHost}
	for _, s := range n.Servers {
		names = append(names, s.Params.Hostname)
	}
	return names, nil
}

func parseStart(top *object, hosts []string) (Start, error) {
	st := Start{HomeRAM: 8, HomeCores: 1, Money: world.StartingMoney}
	o, err := top.object("start")
	if err != nil || o == nil {
		return st, err
	}
	if err := o.allow("homeRam", "homeCores", "money", "hackingExp", "hackingLevel", "programs", "rooted"); err != nil {
		return st, err
	}
	if o.has("hackingExp") && o.has("hackingLevel") {
		return st, &Error{o.path, ErrBadValue, "give hackingExp or hackingLevel, not both"}
	}
	cores := 1.0
	if err := firstErr(
		o.number("homeRam", &st.HomeRAM),
		o.integer("homeCores", 1, world.HomeMaxCores, &cores),
		o.number("money", &st.Money),
		o.number("hackingExp", &st.HackingExp),
		o.integer("hackingLevel", 1, 1e4, &st.HackingLevel),
		o.strings("programs", &st.Programs),
		o.strings("rooted", &st.Rooted),
	); err != nil {
		return st, err
	}
	st.HomeCores = int(cores)
	if !powerOf2(st.HomeRAM, 8, world.HomeMaxRAM) {
		return st, o.bad("homeRam", "want a power of 2 from 8 to %d GB, got %v", world.HomeMaxRAM, st.HomeRAM)
	}
	if st.HackingExp < 0 {
		return st, o.bad("hackingExp", "must not be negative")
	}
	for i, p := range st.Programs {
		if !slices.Contains(world.ProgramNames(), p) {
			return st, o.bad(fmt.Sprintf("programs[%d]", i), "%q is not a program of the game", p)
		}
	}
	for i, h := range st.Rooted {
		if !slices.Contains(hosts, h) {
			return st, &Error{o.at(fmt.Sprintf("rooted[%d]", i)), ErrUnknownHost, fmt.Sprintf("no server %q at the start", h)}
		}
	}
	return st, nil
}

func parseScripts(top *object, hosts []string) ([]Script, error) {
	items, err := top.list("scripts")
	if err != nil {
		return nil, err
	}
	var out []Script
	for i, it := range items {
		o, err := parseObject(fmt.Sprintf("scripts[%d]", i), it)
		if err != nil {
			return nil, err
		}
		if err := firstErr(o.allow("script", "host", "threads", "args"), o.require("script")); err != nil {
			return nil, err
		}
		sc := Script{Host: world.HomeHost}
		threads := 1.0
		if err := firstErr(
			o.str("script", &sc.Script),
			o.str("host", &sc.Host),
			o.integer("threads", 1, 1<<53-1, &threads),
			o.args("args", &sc.Args),
		); err != nil {
			return nil, err
		}
		sc.Threads = int64(threads)
		if sc.Script == "" {
			return nil, o.bad("script", "must not be empty")
		}
		if !slices.Contains(hosts, sc.Host) {
			return nil, &Error{o.at("host"), ErrUnknownHost, fmt.Sprintf("no server %q at the start", sc.Host)}
		}
		out = append(out, sc)
	}
	return out, nil
}

// powerOf2 reports whether x is an exact power of 2 in [lo, hi].
func powerOf2(x, lo, hi float64) bool {
	frac, _ := math.Frexp(x)
	return frac == 0.5 && x >= lo && x <= hi
}
