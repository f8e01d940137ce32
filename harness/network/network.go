// Package network builds the game's network into a harness world: home
// and the 71 servers of servers.json with their stats, files and links,
// as a new game does in the world's BitNode (Player.init, then
// Server/AllServers.ts:initForeignServers). The game draws stat ranges and
// links from Math.random; Build draws them from a seeded generator in the
// game's order and with its getRandomInt rule, so one seed always gives
// one world, and BuildDefault gives the world servers.json lists as its
// defaults.
package network

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"ramfarm/core/formulas"
	"ramfarm/gamedata"
	"ramfarm/harness/world"
)

// worldDaemon is the server that ends a BitNode.
const worldDaemon = "w0r1d_d43m0n"

// layers is the number of network layers below home.
const layers = 15

// pcgStream is the PCG generator's second seed word: fixed, so a scenario
// seed alone decides the world.
const pcgStream = 0x72616d6661726d // "ramfarm"

// Build adds home and the game's network to an empty world, drawing every
// random range and link from a PCG generator seeded with seed, in the
// game's draw order (including the IP draws it makes and discards).
// The network is 2.6.1's (servers.json): BuildFor draws another release's.
func Build(w *world.World, seed uint64) error { return BuildFor(w, seed, gamedata.Release261) }

// BuildFor is Build on release rel's rules: from 2.6.2, each world server
// also draws its CPU cores, which shifts every later draw.
func BuildFor(w *world.World, seed uint64, rel gamedata.Release) error {
	r := rand.New(rand.NewPCG(seed, pcgStream))
	return build(w, r.Float64, true, rel.In(gamedata.WorldCores))
}

// BuildDefault adds home and the network a game gets when every
// Math.random() returns 0.5: servers.json's default values and
// linksDefault. servers.json was made with IPs from a counter, as
// constant draws never yield a free IP, so no IP draws are made.
func BuildDefault(w *world.World) error { return BuildDefaultFor(w, gamedata.Release261) }

// BuildDefaultFor is BuildDefault on release rel's rules (see BuildFor).
func BuildDefaultFor(w *world.World, rel gamedata.Release) error {
	return build(w, func() float64 { return 0.5 }, false, rel.In(gamedata.WorldCores))
}

// Hostnames returns home and every server linked at the start of a game,
// in the order Build adds them: the names a scenario may refer to.
func Hostnames() ([]string, error) {
	d, err := load()
	if err != nil {
		return nil, err
	}
	names := []string{d.Home.Hostname}
	for _, s := range d.Servers {
		if s.NetworkLayer != nil {
			names = append(names, s.Hostname)
		}
	}
	return names, nil
}

// Home returns a fresh home computer as Player.init creates it: 8 GB, 1
// core, root, bought by the player, NUKE.exe.
func Home() (*world.Server, error) {
	d, err := load()
	if err != nil {
		return nil, err
	}
	return homeServer(d.Home), nil
}

func homeServer(h homeData) *world.Server {
	s := world.NewServer(world.ServerParams{
		Hostname:             h.Hostname,
		OrganizationName:     h.OrganizationName,
		MaxRAM:               h.MaxRAM,
		NumOpenPortsRequired: h.NumOpenPortsRequired,
		AdminRights:          h.HasAdminRights,
		PurchasedByPlayer:    h.PurchasedByPlayer,
	})
	s.IsHome = true
	s.Cores = h.CPUCores
	for _, p := range h.Programs {
		s.WriteFile(p, "")
	}
	return s
}

// builder is one run of the game's world creation.
type builder struct {
	random  func() float64 // Math.random
	drawIPs bool
	cores   bool // world servers draw their cores (2.6.2 on)
	ips     map[string]bool
	bn      formulas.BitNode // the world's BitNode: servers are created in it
}

func build(w *world.World, random func() float64, drawIPs, cores bool) error {
	if len(w.Servers()) > 0 {
		return ErrNotEmpty
	}
	d, err := load()
	if err != nil {
		return err
	}
	b := &builder{random: random, drawIPs: drawIPs, cores: cores, ips: make(map[string]bool), bn: w.BitNodeMults()}
	b.newIP()
	if err := w.AddServer(homeServer(d.Home)); err != nil {
		return err
	}
	var layer [layers][]string
	for _, sd := range d.Servers {
		s, err := b.server(sd)
		if err != nil {
			return err
		}
		if err := w.AddServer(s); err != nil {
			return err
		}
		if sd.NetworkLayer != nil {
			layer[*sd.NetworkLayer-1] = append(layer[*sd.NetworkLayer-1], s.Hostname)
		}
	}
	for _, h := range layer[0] {
		if err := w.Link(h, d.Home.Hostname); err != nil {
			return err
		}
	}
	for i := 1; i < layers; i++ {
		prev := layer[i-1]
		for _, h := range layer[i] {
			parent := prev[int(math.Floor(b.random()*float64(len(prev))))]
			if err := w.Link(h, parent); err != nil {
				return err
			}
		}
	}
	return nil
}

// server makes one data entry's draws in the game's order (IP, then RAM
// exponent, security, money, level, growth) and builds it. As in the
// game, only truthy values are passed to the constructor.
func (b *builder) server(sd serverData) (*world.Server, error) {
	if sd.NetworkLayer != nil && (*sd.NetworkLayer < 1 || *sd.NetworkLayer > layers) {
		return nil, fmt.Errorf("%w: %s has network layer %d", ErrData, sd.Hostname, *sd.NetworkLayer)
	}
	b.newIP()
	p := world.ServerParams{
		Hostname:             sd.Hostname,
		OrganizationName:     sd.OrganizationName,
		NumOpenPortsRequired: sd.NumOpenPortsRequired,
	}
	if sd.MaxRAMExponent.set {
		p.MaxRAM = math.Ldexp(1, int(b.value(sd.MaxRAMExponent)))
	}
	if sd.HackDifficulty.truthy() {
		p.HackDifficulty = b.value(sd.HackDifficulty)
	}
	if sd.MoneyAvailable.truthy() {
		p.MoneyAvailable = b.value(sd.MoneyAvailable)
	}
	if sd.RequiredHackingSkill.truthy() {
		p.RequiredHackingSkill = b.value(sd.RequiredHackingSkill)
	}
	if sd.ServerGrowth.truthy() {
		p.ServerGrowth = b.value(sd.ServerGrowth)
	}
	s := world.NewServerIn(p, b.bn)
	if b.cores && sd.NetworkLayer != nil {
		// A server one layer deeper is no weaker: layer L draws between
		// ceil(L/2) and L cores.
		l := float64(*sd.NetworkLayer)
		s.Cores = int(b.randomInt(math.Ceil(l/2), l))
	}
	if sd.Hostname == worldDaemon {
		// initForeignServers raises the last server's requirement by the
		// BitNode's WorldDaemonDifficulty.
		s.RequiredHackingSkill *= b.bn.WorldDaemonDifficulty
	}
	for _, lit := range sd.Literature {
		s.WriteFile(lit, "")
	}
	return s, nil
}

// value is the game's toNumber: a fixed number as is, a range drawn.
func (b *builder) value(v dataValue) float64 {
	if v.isRange {
		return b.randomInt(v.min, v.max)
	}
	return v.fixed
}

// randomInt is the game's getRandomInt: a uniform integer in [min, max].
func (b *builder) randomInt(lo, hi float64) float64 {
	lower, upper := math.Min(lo, hi), math.Max(lo, hi)
	return math.Floor(b.random()*(upper-lower+1)) + lower
}

// newIP is createUniqueRandomIp: four draws (getRandomByte 99, 9, 9, 9),
// repeated until the address is unused. Only the draws matter here: the
// harness stores no IPs.
func (b *builder) newIP() {
	if !b.drawIPs {
		return
	}
	for {
		ip := ""
		for i, max := range []float64{99, 9, 9, 9} {
			if i > 0 {
				ip += "."
			}
			ip += strconv.Itoa(int(b.randomInt(0, max)))
		}
		if !b.ips[ip] {
			b.ips[ip] = true
			return
		}
	}
}

// fileData is the part of servers.json the builder reads.
type fileData struct {
	Home    homeData     `json:"home"`
	Servers []serverData `json:"servers"`
}

type homeData struct {
	Hostname             string   `json:"hostname"`
	OrganizationName     string   `json:"organizationName"`
	MaxRAM               float64  `json:"maxRam"`
	CPUCores             int      `json:"cpuCores"`
	NumOpenPortsRequired int      `json:"numOpenPortsRequired"`
	HasAdminRights       bool     `json:"hasAdminRights"`
	PurchasedByPlayer    bool     `json:"purchasedByPlayer"`
	Programs             []string `json:"programs"`
}

// serverData is one entry of the game's data file (servers.ts), with its
// raw values.
type serverData struct {
	Hostname             string    `json:"hostname"`
	OrganizationName     string    `json:"organizationName"`
	NetworkLayer         *int      `json:"networkLayer"`
	NumOpenPortsRequired int       `json:"numOpenPortsRequired"`
	MaxRAMExponent       dataValue `json:"maxRamExponentData"`
	HackDifficulty       dataValue `json:"hackDifficultyData"`
	MoneyAvailable       dataValue `json:"moneyAvailableData"`
	RequiredHackingSkill dataValue `json:"requiredHackingSkillData"`
	ServerGrowth         dataValue `json:"serverGrowthData"`
	Literature           []string  `json:"literature"`
}

// dataValue is a raw data value: absent (null), a number, or a {min, max}
// range drawn once per game.
type dataValue struct {
	set      bool
	isRange  bool
	fixed    float64
	min, max float64
}

// truthy reports what the game's `if (metadata.x)` sees: a range object
// is truthy, a number unless it is 0.
func (v dataValue) truthy() bool { return v.set && (v.isRange || v.fixed != 0) }

func (v *dataValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*v = dataValue{}
		return nil
	case len(b) > 0 && b[0] == '{':
		var r struct {
			Min *float64 `json:"min"`
			Max *float64 `json:"max"`
		}
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		if r.Min == nil || r.Max == nil {
			return fmt.Errorf("%w: range %s lacks min or max", ErrData, b)
		}
		*v = dataValue{set: true, isRange: true, min: *r.Min, max: *r.Max}
		return nil
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*v = dataValue{set: true, fixed: x}
	return nil
}

// load parses the embedded servers.json.
func load() (*fileData, error) {
	raw, err := gamedata.Read("servers.json")
	if err != nil {
		return nil, err
	}
	var d fileData
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrData, err)
	}
	if d.Home.Hostname != world.HomeHost || len(d.Servers) == 0 {
		return nil, fmt.Errorf("%w: no home or no servers", ErrData)
	}
	return &d, nil
}
