// Package testservers gives core tests the game's hackable servers as
// servers.json has them (default values), prepared and rooted: the targets
// the planners and engines are checked against. It lives outside core/
// because it reads a file once per test binary (sync), which core/ may
// not.
package testservers

import (
	"encoding/json"
	"sort"
	"sync"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/gamedata"
)

// all loads the hackable servers of servers.json once per test binary.
var all = sync.OnceValues(func() (map[string]formulas.Server, error) {
	raw, err := gamedata.Read("servers.json")
	if err != nil {
		return nil, err
	}
	var d struct {
		Servers []struct {
			Hostname             string  `json:"hostname"`
			MoneyMax             float64 `json:"moneyMax"`
			MinDifficulty        float64 `json:"minDifficulty"`
			BaseDifficulty       float64 `json:"baseDifficulty"`
			ServerGrowth         float64 `json:"serverGrowth"`
			RequiredHackingSkill float64 `json:"requiredHackingSkill"`
		} `json:"servers"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	out := map[string]formulas.Server{}
	for _, s := range d.Servers {
		if s.MoneyMax <= 0 || s.ServerGrowth <= 0 {
			continue
		}
		out[s.Hostname] = formulas.Server{
			HackDifficulty: s.MinDifficulty, MinDifficulty: s.MinDifficulty, BaseDifficulty: s.BaseDifficulty,
			RequiredHackingSkill: s.RequiredHackingSkill, MoneyAvailable: s.MoneyMax, MoneyMax: s.MoneyMax,
			ServerGrowth: s.ServerGrowth, HasAdminRights: true,
		}
	}
	return out, nil
})

// Server is the hackable server name at min security and max money.
func Server(tb testing.TB, name string) formulas.Server {
	tb.Helper()
	m, err := all()
	if err != nil {
		tb.Fatal(err)
	}
	s, ok := m[name]
	if !ok {
		tb.Fatalf("no hackable server %q in servers.json", name)
	}
	return s
}

// Names is every hackable server's name, sorted.
func Names(tb testing.TB) []string {
	tb.Helper()
	m, err := all()
	if err != nil {
		tb.Fatal(err)
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
