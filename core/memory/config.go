package memory

import (
	"maps"
	"strconv"

	"ramfarm/core/internal/siphash"
	"ramfarm/core/internal/stable"
	"ramfarm/core/ram"
)

// Config configures an Engine. The zero value is valid: no RAM set aside,
// hacknet servers unused.
type Config struct {
	// HomeReserve is RAM on home (HostHome) the allocator never grants, so
	// the player can still run scripts by hand. Foreign processes on home
	// count against it first: it is room for the player's own scripts, and
	// those are the foreign ones. Default 0.
	HomeReserve ram.Amount
	// SetAside is RAM per host name the allocator never grants; like
	// HomeReserve, foreign use eats it first. On home the larger of this
	// and HomeReserve applies. New keeps a copy.
	SetAside map[string]ram.Amount
	// UseHacknet lets chunks go to hacknet servers. Off by default: RAM a
	// hacknet server lends to scripts is RAM its hash production loses.
	UseHacknet bool
	// SelfHost and SelfRAM are the daemon's own process: its RAM on
	// SelfHost is neither granted nor foreign, so it does not eat the
	// player's HomeReserve (which is for the player's own scripts).
	SelfHost string
	SelfRAM  ram.Amount
	// Secret keys the allocation tokens (see Granted.Token). The zero
	// Secret turns tokens off: pid alone then names an owner, as a test
	// that plays every client may want. The daemon passes a random one.
	Secret siphash.Key
}

// validate rejects what the engine cannot honour and returns a private
// copy of the config.
func (c Config) validate() (Config, error) {
	if c.HomeReserve < 0 || c.HomeReserve > ram.Max {
		return c, wrap(ErrBadConfig, "home reserve "+c.HomeReserve.String()+" is out of range")
	}
	if c.SelfRAM < 0 || c.SelfRAM > ram.Max || (c.SelfRAM > 0 && c.SelfHost == "") {
		return c, wrap(ErrBadConfig, "own RAM "+c.SelfRAM.String()+" on host "+strconv.Quote(c.SelfHost)+" is invalid")
	}
	// Sorted, so the first bad entry reported is always the same one.
	for _, name := range stable.Keys(c.SetAside) {
		a := c.SetAside[name]
		if name == "" {
			return c, wrap(ErrBadConfig, "set-aside names an empty host")
		}
		if a < 0 || a > ram.Max {
			return c, wrap(ErrBadConfig, "set-aside "+a.String()+" on "+name+" is out of range")
		}
	}
	c.SetAside = maps.Clone(c.SetAside)
	return c, nil
}
