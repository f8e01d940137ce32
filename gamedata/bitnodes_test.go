package gamedata

import (
	"errors"
	"testing"
)

// The expected figures are written down from the game's
// src/BitNode/BitNode.tsx (getBitNodeMultipliers, 2.6.1); BitNode 12's
// were computed in Node.js as the game computes them
// (inc = Math.pow(1.02, lvl), dec = 1/inc). Each row checks the
// hacking, server and purchased-server fields a BitNode changes, and one
// it leaves at its default.
func TestBitNodeTable_Multipliers(t *testing.T) {
	tab, err := BitNodes()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		n, lvl int
		want   map[string]float64
	}{
		{1, 1, map[string]float64{"HackingLevelMultiplier": 1, "ServerMaxMoney": 1, "ScriptHackMoney": 1, "PurchasedServerLimit": 1,
			"DaedalusAugsRequirement": 30, "StaneksGiftExtraSize": 0}},
		{2, 1, map[string]float64{"HackingLevelMultiplier": 0.8, "ServerGrowthRate": 0.8, "ServerMaxMoney": 0.08,
			"ServerStartingMoney": 0.4, "PurchasedServerSoftcap": 1.3, "WorldDaemonDifficulty": 5, "ScriptHackMoney": 1}},
		{3, 1, map[string]float64{"HackingLevelMultiplier": 0.8, "ServerGrowthRate": 0.2, "ServerMaxMoney": 0.04,
			"ServerStartingMoney": 0.2, "HomeComputerRamCost": 1.5, "PurchasedServerCost": 2, "PurchasedServerSoftcap": 1.3,
			"ScriptHackMoney": 0.2, "HackExpGain": 1}},
		{4, 2, map[string]float64{"ServerMaxMoney": 0.1125, "ServerStartingMoney": 0.75, "PurchasedServerSoftcap": 1.2,
			"ScriptHackMoney": 0.2, "HackExpGain": 0.4, "HackingLevelMultiplier": 1}},
		{5, 1, map[string]float64{"ServerStartingSecurity": 2, "ServerStartingMoney": 0.5, "PurchasedServerSoftcap": 1.2,
			"ScriptHackMoney": 0.15, "HackExpGain": 0.5, "ServerMaxMoney": 1}},
		{6, 1, map[string]float64{"HackingLevelMultiplier": 0.35, "ServerMaxMoney": 0.2, "ServerStartingMoney": 0.5,
			"ServerStartingSecurity": 1.5, "PurchasedServerSoftcap": 2, "ScriptHackMoney": 0.75, "HackExpGain": 0.25}},
		{7, 1, map[string]float64{"HackingLevelMultiplier": 0.35, "ServerMaxMoney": 0.2, "ServerStartingMoney": 0.5,
			"ServerStartingSecurity": 1.5, "PurchasedServerSoftcap": 2, "ScriptHackMoney": 0.5, "HackExpGain": 0.25}},
		{8, 1, map[string]float64{"PurchasedServerSoftcap": 4, "ManualHackMoney": 0, "ScriptHackMoney": 0.3,
			"ScriptHackMoneyGain": 0, "StaneksGiftExtraSize": -99, "ServerMaxMoney": 1}},
		{9, 1, map[string]float64{"HackingLevelMultiplier": 0.5, "ServerMaxMoney": 0.01, "ServerStartingMoney": 0.1,
			"ServerStartingSecurity": 2.5, "HomeComputerRamCost": 5, "PurchasedServerLimit": 0, "ScriptHackMoney": 0.1,
			"HackExpGain": 0.05}},
		{10, 1, map[string]float64{"HackingLevelMultiplier": 0.35, "HomeComputerRamCost": 1.5, "PurchasedServerCost": 5,
			"PurchasedServerSoftcap": 1.1, "PurchasedServerLimit": 0.6, "PurchasedServerMaxRam": 0.5, "ManualHackMoney": 0.5,
			"ScriptHackMoney": 0.5, "ServerMaxMoney": 1}},
		{11, 1, map[string]float64{"HackingLevelMultiplier": 0.6, "ServerGrowthRate": 0.2, "ServerMaxMoney": 0.01,
			"ServerStartingMoney": 0.1, "ServerWeakenRate": 2, "PurchasedServerSoftcap": 2, "HackExpGain": 0.5, "ScriptHackMoney": 1}},
		{12, 1, map[string]float64{"HackingLevelMultiplier": 0.9803921568627451, "ServerMaxMoney": 0.9611687812379853,
			"PurchasedServerCost": 1.02, "ServerStartingSecurity": 1.5, "DaedalusAugsRequirement": 31, "HackingSpeedMultiplier": 1}},
		{12, 3, map[string]float64{"HackingLevelMultiplier": 0.9423223345470444, "ServerGrowthRate": 0.9423223345470444,
			"ServerMaxMoney": 0.8879713821861919, "ServerStartingMoney": 0.9423223345470444, "ServerWeakenRate": 0.9423223345470444,
			"ServerStartingSecurity": 1.5, "HomeComputerRamCost": 1.0612080000000002, "PurchasedServerCost": 1.0612080000000002,
			"PurchasedServerSoftcap": 1.0612080000000002, "PurchasedServerLimit": 0.9423223345470444,
			"PurchasedServerMaxRam": 0.9423223345470444, "ScriptHackMoney": 0.9423223345470444, "HackExpGain": 0.9423223345470444,
			"ScriptHackMoneyGain": 1, "CorporationSoftcap": 0.8, "DaedalusAugsRequirement": 31, "WorldDaemonDifficulty": 1.0612080000000002}},
		{13, 1, map[string]float64{"HackingLevelMultiplier": 0.25, "PurchasedServerSoftcap": 1.6, "ServerMaxMoney": 0.3375,
			"ServerStartingMoney": 0.75, "ServerStartingSecurity": 3, "ScriptHackMoney": 0.2, "HackExpGain": 0.1}},
		{14, 1, map[string]float64{"HackingLevelMultiplier": 0.4, "HackingSpeedMultiplier": 0.3, "ServerMaxMoney": 0.7,
			"ServerStartingMoney": 0.5, "ServerStartingSecurity": 1.5, "ScriptHackMoney": 0.3, "GoPower": 4, "HackExpGain": 1}},
	} {
		got, err := tab.Multipliers(c.n, c.lvl)
		if err != nil {
			t.Errorf("BN%d.%d: %v", c.n, c.lvl, err)
			continue
		}
		if len(got) != len(tab.Defaults) {
			t.Errorf("BN%d.%d: %d fields, want all %d", c.n, c.lvl, len(got), len(tab.Defaults))
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("BN%d.%d %s = %v, want %v", c.n, c.lvl, k, got[k], v)
			}
		}
	}
}

// Only BitNode 12 reads its level: the others are the same at every level.
func TestBitNodeTable_levelOnlyInBN12(t *testing.T) {
	tab, err := BitNodes()
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 14; n++ {
		one, _ := tab.Multipliers(n, 1)
		four, _ := tab.Multipliers(n, 4)
		same := true
		for k := range one {
			same = same && one[k] == four[k]
		}
		if same != (n != 12) {
			t.Errorf("BN%d: level 1 and 4 equal = %v", n, same)
		}
	}
}

func TestBitNodeTable_MultipliersErrors(t *testing.T) {
	tab, err := BitNodes()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ n, lvl int }{{0, 1}, {15, 1}, {-1, 1}, {1, 0}, {12, -3}} {
		if _, err := tab.Multipliers(c.n, c.lvl); !errors.Is(err, ErrBitNode) {
			t.Errorf("Multipliers(%d, %d) = %v, want ErrBitNode", c.n, c.lvl, err)
		}
	}
}
