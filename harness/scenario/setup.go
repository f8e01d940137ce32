package scenario

import (
	"fmt"

	"ramfarm/harness/network"
	"ramfarm/harness/vclock"
	"ramfarm/harness/world"
)

// Setup builds the scenario's network in w, which must have no servers,
// and gives the player the starting state. It does not start the scripts:
// the runner does that, as they need the JS layer.
func (s *Scenario) Setup(w *world.World) error {
	if err := s.BitNode.apply(w); err != nil {
		return fmt.Errorf("%w: bitNode: %w", ErrSetup, err)
	}
	if err := s.buildNetwork(w); err != nil {
		return fmt.Errorf("%w: network: %w", ErrSetup, err)
	}
	if err := s.Start.apply(w); err != nil {
		return fmt.Errorf("%w: start: %w", ErrSetup, err)
	}
	return nil
}

func (s *Scenario) buildNetwork(w *world.World) error {
	switch s.Network.Kind {
	case NetworkGame:
		return network.BuildFor(w, s.Seed, s.Release)
	case NetworkDefault:
		return network.BuildDefaultFor(w, s.Release)
	}
	if len(w.Servers()) > 0 {
		return network.ErrNotEmpty
	}
	home, err := network.Home()
	if err != nil {
		return err
	}
	if err := w.AddServer(home); err != nil {
		return err
	}
	for _, spec := range s.Network.Servers {
		srv := world.NewServerIn(spec.Params, w.BitNodeMults())
		srv.Links = []string{spec.Parent}
		if err := w.AddServer(srv); err != nil {
			return err
		}
	}
	return nil
}

func (st Start) apply(w *world.World) error {
	home := w.Home()
	if err := w.SetMaxRAM(home.Hostname, st.HomeRAM); err != nil {
		return err
	}
	home.Cores = st.HomeCores
	p := w.Player()
	if err := p.SetMoney(st.Money); err != nil {
		return err
	}
	if st.HackingLevel > 0 {
		if err := p.SetHackingLevel(st.HackingLevel); err != nil {
			return err
		}
	} else if err := p.SetHackingExp(st.HackingExp); err != nil {
		return err
	}
	for _, prog := range st.Programs {
		if err := w.AcquireProgram(prog); err != nil {
			return err
		}
	}
	for _, h := range st.Rooted {
		if err := (Root{Host: h}).Apply(w); err != nil {
			return err
		}
	}
	return nil
}

// Clock is the part of the harness's virtual clock (vclock.Loop) that
// Schedule needs.
type Clock interface {
	Now() float64
	After(delayMs float64, fn func()) vclock.TimerID
}

// Schedule puts the run's events for seed (EventsFor) on c, to be
// applied to w at their game times (counted from game time 0, so call it
// before the clock runs). report, if not nil, receives each event and the
// error its Apply returned (nil on success); what a failure means for the
// run is the caller's choice.
func (s *Scenario) Schedule(c Clock, w *world.World, seed uint64, report func(TimedEvent, error)) {
	for _, e := range s.EventsFor(seed) {
		c.After(e.AtMs()-c.Now(), func() {
			err := e.Apply(w)
			if report != nil {
				report(e, err)
			}
		})
	}
}
