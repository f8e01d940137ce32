package formulas

import (
	"errors"
	"strconv"

	"ramfarm/core/formulas/v8math"
	"ramfarm/core/internal/detail"
)

// Node names a BitNode as the game runs it: its number N and its level,
// the player's Source-File N level + 1 (initBitNodeMultipliers). Only the
// two numbers travel from the game to the engines; each engine looks the
// multipliers up here, in the table compiled into the module, because the
// game hands them to a script only with Source-File 5 and for 4 GB. The
// zero value is BitNode 1 at level 1: a zero N or Level selects 1.
type Node struct {
	N, Level int
}

// MaxLevel is the highest level of a BitNode other than 12 (Source-Files
// stop at level 3), MaxBN12Level BitNode 12's. The game has no cap on
// Source-File 12; this one keeps 1.02^level and its square's inverse far
// from overflow (1.02^level overflows past about 35800) and is beyond any
// level a player reaches.
const (
	MaxLevel     = 4
	MaxBN12Level = 10000
)

// ErrBadBitNode is returned for a BitNode or level the game has no
// multipliers for.
var ErrBadBitNode = errors.New("bitnode invalid")

// Or1 returns n with a zero N or Level replaced by 1.
func (n Node) Or1() Node {
	if n.N == 0 {
		n.N = 1
	}
	if n.Level == 0 {
		n.Level = 1
	}
	return n
}

// String is "BN12.3".
func (n Node) String() string {
	n = n.Or1()
	return "BN" + strconv.Itoa(n.N) + "." + strconv.Itoa(n.Level)
}

// Mults returns the multipliers of BitNode n.N at level n.Level, or
// ErrBadBitNode naming what is wrong.
func (n Node) Mults() (BitNode, error) {
	n = n.Or1()
	bad := func(s string) (BitNode, error) {
		return BitNode{}, detail.Wrap(ErrBadBitNode, s)
	}
	switch {
	case n.N < 1 || n.N > len(bitNodeTable):
		return bad("BitNode " + strconv.Itoa(n.N) + " does not exist (1 to " + strconv.Itoa(len(bitNodeTable)) + ")")
	case n.Level < 1:
		return bad(n.String() + ": the level is below 1")
	case n.N != 12 && n.Level > MaxLevel:
		return bad(n.String() + ": the level is above " + strconv.Itoa(MaxLevel) + " (Source-File " + strconv.Itoa(n.N) +
			" stops at 3)")
	case n.Level > MaxBN12Level:
		return bad(n.String() + ": the level is above " + strconv.Itoa(MaxBN12Level))
	}
	b := bitNodeTable[n.N-1]
	if n.N == 12 {
		// BitNode 12 grows harder with each level: inc = 1.02^level
		// (Math.pow) raises costs, dec = 1/inc lowers gains, and max money
		// falls by dec² (gamedata/bitnodes.json, "scaled").
		inc := v8math.Pow(1.02, float64(n.Level))
		dec := 1 / inc
		b.HackingLevelMultiplier, b.HackExpGain, b.ScriptHackMoney = dec, dec, dec
		b.ServerGrowthRate, b.ServerWeakenRate, b.ServerStartingMoney = dec, dec, dec
		b.ServerMaxMoney = dec * dec
		b.PurchasedServerCost, b.PurchasedServerSoftcap, b.HomeComputerRamCost, b.WorldDaemonDifficulty = inc, inc, inc, inc
		b.PurchasedServerLimit, b.PurchasedServerMaxRam = dec, dec
	}
	return b, nil
}

// BitNodeMults is Node{n, level}.Mults().
func BitNodeMults(n, level int) (BitNode, error) { return Node{N: n, Level: level}.Mults() }

// bitNodeTable is each BitNode's multipliers at level 1 (BitNode 12's
// level-scaled ones are set by Mults), the fields in BitNode's order. It is
// gamedata/bitnodes.json, the game's getBitNodeMultipliers of 2.6.1,
// restricted to the fields above; TestBitNodeTableMatchesData checks every
// figure against that file. Release 3.0 renamed the PurchasedServer
// fields CloudServer and changed none of these values.
var bitNodeTable = [...]BitNode{
	// HackLvl Speed HackExp ScriptHack HackGain Growth Weaken MaxMoney StartMoney StartSec
	// PServerCost PServerSoftcap PServerLimit PServerMaxRam HomeRamCost WorldDaemon
	{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},                  // 1 Source Genesis
	{0.8, 1, 1, 1, 1, 0.8, 1, 0.08, 0.4, 1, 1, 1.3, 1, 1, 1, 5},       // 2 Rise of the Underworld
	{0.8, 1, 1, 0.2, 1, 0.2, 1, 0.04, 0.2, 1, 2, 1.3, 1, 1, 1.5, 2},   // 3 Corporatocracy
	{1, 1, 0.4, 0.2, 1, 1, 1, 0.1125, 0.75, 1, 1, 1.2, 1, 1, 1, 3},    // 4 The Singularity
	{1, 1, 0.5, 0.15, 1, 1, 1, 1, 0.5, 2, 1, 1.2, 1, 1, 1, 1.5},       // 5 Artificial Intelligence
	{0.35, 1, 0.25, 0.75, 1, 1, 1, 0.2, 0.5, 1.5, 1, 2, 1, 1, 1, 2},   // 6 Bladeburners
	{0.35, 1, 0.25, 0.5, 1, 1, 1, 0.2, 0.5, 1.5, 1, 2, 1, 1, 1, 2},    // 7 Bladeburners 2079
	{1, 1, 1, 0.3, 0, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1},                // 8 Ghost of Wall Street
	{0.5, 1, 0.05, 0.1, 1, 1, 1, 0.01, 0.1, 2.5, 1, 1, 0, 1, 5, 2},    // 9 Hacktocracy
	{0.35, 1, 1, 0.5, 1, 1, 1, 1, 1, 1, 5, 1.1, 0.6, 0.5, 1.5, 2},     // 10 Digital Carbon
	{0.6, 1, 0.5, 1, 1, 0.2, 2, 0.01, 0.1, 1, 1, 2, 1, 1, 1, 1.5},     // 11 The Big Crash
	{1, 1, 1, 1, 1, 1, 1, 1, 1, 1.5, 1, 1, 1, 1, 1, 1},                // 12 The Recursion (level 0; see Mults)
	{0.25, 1, 0.1, 0.2, 1, 1, 1, 0.3375, 0.75, 3, 1, 1.6, 1, 1, 1, 3}, // 13 They're lunatics
	{0.4, 0.3, 1, 0.3, 1, 1, 1, 0.7, 0.5, 1.5, 1, 1, 1, 1, 1, 5},      // 14 IPvGO Subnet Takeover
}
