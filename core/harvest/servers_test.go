package harvest

import (
	"encoding/json"
	"sort"
	"sync"
	"testing"

	"ramfarm/core/formulas"
	"ramfarm/gamedata"
)

// gameServers loads the hackable servers of servers.json (default values)
// once per test binary.
var gameServers = sync.OnceValues(func() (map[string]formulas.Server, error) {
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

func server(t testing.TB, name string) formulas.Server {
	t.Helper()
	all, err := gameServers()
	if err != nil {
		t.Fatal(err)
	}
	s, ok := all[name]
	if !ok {
		t.Fatalf("no hackable server %q in servers.json", name)
	}
	return s
}

func serverNames(t testing.TB) []string {
	t.Helper()
	all, err := gameServers()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func model(t testing.TB, target string, level float64) Model {
	return Model{Target: server(t, target), Player: formulas.NewPlayer(level), BitNode: formulas.BN1()}
}

func planner(t testing.TB, m Model) *Planner {
	t.Helper()
	p, err := NewPlanner(m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
