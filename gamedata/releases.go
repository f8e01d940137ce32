package gamedata

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The game releases ramfarm runs on. The rest of gamedata describes a
// development build of 2.6.1 (March 2024); Changes says, row by row, what
// later releases do differently that matters here. The emulated game, the
// RAM calculator and the bundle's RAM report all read this one table.
//
// Sources: the game's code at each release where it was at hand ([src]),
// its changelog and API-break files where not ([log]); the reference
// sheet VERSIONS.md names the file of each fact. 3.0 was read from the
// changelog, src/utils/APIBreaks/3.0.0.ts and 3.0.1.ts and copies of
// RamCostGenerator.ts, not from a tagged tree: where a 3.0 row says [log],
// the emulator does what the documentation says.

// Release is a game release, as the scenario names it.
type Release string

// The releases a scenario may name. 3.0 is 3.0.x as documented through
// 3.0.1.
const (
	Release261 Release = "2.6.1"
	Release281 Release = "2.8.1"
	Release30  Release = "3.0"
)

// Releases lists them, oldest first; the last is the default.
var Releases = []Release{Release261, Release281, Release30}

// Latest is the release a scenario that names none runs on: the one
// players have now.
const Latest = Release30

// ErrUnknownRelease is a release the table does not describe.
var ErrUnknownRelease = errors.New("gamedata: unknown game release")

// ParseRelease reads a scenario's release; "" is Latest.
func ParseRelease(s string) (Release, error) {
	if s == "" {
		return Latest, nil
	}
	if slices.Contains(Releases, Release(s)) {
		return Release(s), nil
	}
	names := make([]string, len(Releases))
	for i, r := range Releases {
		names[i] = string(r)
	}
	return "", fmt.Errorf("%w %q (known: %s)", ErrUnknownRelease, s, strings.Join(names, ", "))
}

// version is the exact version a release stands for, to compare with the
// version a change arrived in. The zero Release is Latest.
func (r Release) version() string {
	if r == "" {
		r = Latest
	}
	if r == Release30 {
		return "3.0.1"
	}
	return string(r)
}

// Has reports whether the change is in effect on r.
func (r Release) Has(c Change) bool { return versionAtLeast(r.version(), c.Since) }

// versionAtLeast compares dotted versions numerically.
func versionAtLeast(v, since string) bool {
	a, b := strings.Split(v, "."), strings.Split(since, ".")
	for i := range max(len(a), len(b)) {
		x, y := 0, 0
		if i < len(a) {
			x, _ = strconv.Atoi(a[i])
		}
		if i < len(b) {
			y, _ = strconv.Atoi(b[i])
		}
		if x != y {
			return x > y
		}
	}
	return true
}

// Kind is what sort of change a row is.
type Kind uint8

const (
	// Added: the ns function Path exists from Since, costing RAM GB.
	Added Kind = iota + 1
	// Removed: the ns function Path no longer exists from Since (calls
	// and the static calculator no longer know it).
	Removed
	// Cost: the ns function Path costs RAM GB from Since.
	Cost
	// Behaviour: what the game does changed from Since; Path names the
	// behaviour (see the Behaviour constants) and the emulator applies it.
	Behaviour
)

// The behaviours the emulator changes by release.
const (
	// WorldCores: world servers get randomInt(ceil(L/2), L) CPU cores,
	// L their network layer, drawn after the growth draw.
	WorldCores = "world-cores"
	// OwnServerHGW: hack, grow and weaken throw when aimed at home or a
	// purchased server.
	OwnServerHGW = "hgw-own-server-throws"
	// WeakenActual: weaken returns the security it actually removed
	// (after the clamp at minimum), not the nominal amount.
	WeakenActual = "weaken-returns-actual"
	// HomeMoneyIsPlayers: getServer("home").moneyAvailable is the
	// player's money.
	HomeMoneyIsPlayers = "home-money-is-players"
	// OpenersReturnFalse: nuke and the port openers return false instead
	// of throwing when the program is missing or too few ports are open.
	OpenersReturnFalse = "openers-return-false"
	// NoDarkwebInScan: scan() no longer lists darkweb.
	NoDarkwebInScan = "scan-hides-darkweb"
	// NoBitNodeInPlayer: getPlayer() no longer has bitNodeN.
	NoBitNodeInPlayer = "player-without-bitnode"
	// NoHacknetNameCost: the bare name hacknet no longer costs 4 GB.
	NoHacknetNameCost = "hacknet-name-free"
)

// Change is one row of the table.
type Change struct {
	Kind  Kind
	Since string  // the first version with the change
	Path  string  // the ns function's path, or the behaviour
	RAM   float64 // Added, Cost: GB
	// Was names the function an Added one replaces, for the record.
	Was    string
	Source string
}

// Changes is the table: every difference after 2.6.1 that ramfarm's
// scripts, the emulator or the RAM calculator depend on. VERSIONS.md in
// the game reference lists more (singularity, gangs, darknet play) that
// nothing here touches.
var Changes = []Change{
	{Kind: Behaviour, Since: "2.6.2", Path: WorldCores, Source: "[src] src/Server/AllServers.ts:initForeignServers"},
	{Kind: Added, Since: "2.6.2", Path: "ramOverride", Source: "[src] src/NetscriptFunctions.ts"},
	{Kind: Added, Since: "2.7.0", Path: "self", Source: "[src] src/NetscriptFunctions.ts"},
	{Kind: Cost, Since: "2.7.0", Path: "getPurchasedServers", RAM: 1.05, Source: "[src] src/Netscript/RamCostGenerator.ts"},
	{Kind: Behaviour, Since: "2.7.0", Path: OwnServerHGW, Source: "[src] src/Hacking/netscriptCanHack.ts"},
	{Kind: Behaviour, Since: "2.8.0", Path: WeakenActual, Source: "[src] src/NetscriptFunctions.ts:weaken"},
	{Kind: Added, Since: "2.8.0", Path: "ui.openTail", Was: "tail", Source: "[src] src/NetscriptFunctions/UserInterface.ts"},
	{Kind: Added, Since: "2.8.0", Path: "ui.closeTail", Was: "closeTail", Source: "[src] src/NetscriptFunctions/UserInterface.ts"},
	{Kind: Added, Since: "2.8.0", Path: "ui.moveTail", Was: "moveTail", Source: "[src] src/NetscriptFunctions/UserInterface.ts"},
	{Kind: Added, Since: "2.8.0", Path: "ui.resizeTail", Was: "resizeTail", Source: "[src] src/NetscriptFunctions/UserInterface.ts"},
	{Kind: Added, Since: "2.8.0", Path: "ui.setTailTitle", Was: "setTitle", Source: "[src] src/NetscriptFunctions/UserInterface.ts"},
	{Kind: Behaviour, Since: "2.8.1", Path: HomeMoneyIsPlayers, Source: "[src] src/NetscriptFunctions.ts:getServer"},
	{Kind: Removed, Since: "3.0.0", Path: "tail", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "closeTail", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "moveTail", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "resizeTail", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "setTitle", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Added, Since: "3.0.0", Path: "cloud.purchaseServer", RAM: 2.25, Was: "purchaseServer", Source: "[log] src/NetscriptFunctions/Cloud.ts"},
	{Kind: Added, Since: "3.0.0", Path: "cloud.deleteServer", RAM: 2.25, Was: "deleteServer", Source: "[log] src/NetscriptFunctions/Cloud.ts"},
	{Kind: Added, Since: "3.0.0", Path: "cloud.getServerNames", RAM: 1.05, Was: "getPurchasedServers", Source: "[log] src/NetscriptFunctions/Cloud.ts"},
	{Kind: Added, Since: "3.0.0", Path: "cloud.getServerCost", RAM: 0.25, Was: "getPurchasedServerCost", Source: "[log] src/NetscriptFunctions/Cloud.ts"},
	{Kind: Added, Since: "3.0.0", Path: "cloud.getServerUpgradeCost", RAM: 0.1, Was: "getPurchasedServerUpgradeCost", Source: "[log] src/NetscriptFunctions/Cloud.ts"},
	{Kind: Added, Since: "3.0.0", Path: "cloud.upgradeServer", RAM: 0.25, Was: "upgradePurchasedServer", Source: "[log] src/NetscriptFunctions/Cloud.ts"},
	{Kind: Added, Since: "3.0.0", Path: "cloud.renameServer", RAM: 0, Was: "renamePurchasedServer", Source: "[log] src/NetscriptFunctions/Cloud.ts"},
	{Kind: Added, Since: "3.0.0", Path: "cloud.getServerLimit", RAM: 0.05, Was: "getPurchasedServerLimit", Source: "[log] src/NetscriptFunctions/Cloud.ts"},
	{Kind: Added, Since: "3.0.0", Path: "cloud.getRamLimit", RAM: 0.05, Was: "getPurchasedServerMaxRam", Source: "[log] src/NetscriptFunctions/Cloud.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "purchaseServer", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "deleteServer", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "getPurchasedServers", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "getPurchasedServerCost", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "getPurchasedServerUpgradeCost", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "upgradePurchasedServer", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "renamePurchasedServer", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "getPurchasedServerLimit", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "getPurchasedServerMaxRam", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Added, Since: "3.0.0", Path: "format.number", Was: "formatNumber", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Added, Since: "3.0.0", Path: "format.ram", Was: "formatRam", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "formatNumber", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Removed, Since: "3.0.0", Path: "formatRam", Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Behaviour, Since: "3.0.0", Path: OpenersReturnFalse, Source: "[log] changelog 3.0.0"},
	{Kind: Behaviour, Since: "3.0.0", Path: NoDarkwebInScan, Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Behaviour, Since: "3.0.0", Path: NoBitNodeInPlayer, Source: "[log] src/utils/APIBreaks/3.0.0.ts"},
	{Kind: Behaviour, Since: "3.0.0", Path: NoHacknetNameCost, Source: "[src copy] RamCostGenerator.ts (dev, 3.0)"},
	// 3.0 charges the hacknet functions, and the new darknet and other
	// functions, by name wherever the names appear.
	{Kind: Cost, Since: "3.0.0", Path: "hacknet.numNodes", RAM: 0.5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Cost, Since: "3.0.0", Path: "hacknet.purchaseNode", RAM: 0.5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Cost, Since: "3.0.0", Path: "hacknet.getNodeStats", RAM: 0.5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Cost, Since: "3.0.0", Path: "hacknet.upgradeLevel", RAM: 0.5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Cost, Since: "3.0.0", Path: "hacknet.upgradeRam", RAM: 0.5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Cost, Since: "3.0.0", Path: "hacknet.upgradeCore", RAM: 0.5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Cost, Since: "3.0.0", Path: "hacknet.numHashes", RAM: 0.5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Cost, Since: "3.0.0", Path: "hacknet.hashCost", RAM: 0.5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Cost, Since: "3.0.0", Path: "hacknet.spendHashes", RAM: 0.5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Cost, Since: "3.0.0", Path: "hacknet.hashCapacity", RAM: 0.5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.probe", RAM: 0.2, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.authenticate", RAM: 0.4, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.connectToSession", RAM: 0.05, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.heartbleed", RAM: 0.6, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.openCache", RAM: 2, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.getDepth", RAM: 0.1, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.isDarknetServer", RAM: 0.1, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.getServerDetails", RAM: 0.1, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.memoryReallocation", RAM: 1, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.promoteStock", RAM: 2, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "dnet.phishingAttack", RAM: 2, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Added, Since: "3.0.0", Path: "ui.createConnectLink", RAM: 5, Source: "[src copy] RamCostGenerator.ts"},
	{Kind: Cost, Since: "3.0.1", Path: "rm", RAM: 0.6, Source: "[log] changelog 3.0.1"},
}

// In reports whether a behaviour is in effect on r.
func (r Release) In(behaviour string) bool {
	for _, c := range Changes {
		if c.Kind == Behaviour && c.Path == behaviour {
			return r.Has(c)
		}
	}
	panic("gamedata: no behaviour " + behaviour + " in the release table")
}

// Behaviours is, for every behaviour the table names, whether it is in
// effect on r: what a caller that asks on every game call keeps, rather
// than going through the table each time.
func (r Release) Behaviours() map[string]bool {
	out := map[string]bool{}
	for _, c := range Changes {
		if c.Kind == Behaviour {
			out[c.Path] = r.Has(c)
		}
	}
	return out
}

// Functions is how r's ns functions differ from 2.6.1's: the cost of
// every function added or re-priced (by path), and the paths removed.
func (r Release) Functions() (costs map[string]float64, removed []string) {
	costs = map[string]float64{}
	for _, c := range Changes {
		if !r.Has(c) {
			continue
		}
		switch c.Kind {
		case Added, Cost:
			costs[c.Path] = c.RAM
		case Removed:
			removed = append(removed, c.Path)
			delete(costs, c.Path)
		}
	}
	return costs, removed
}
