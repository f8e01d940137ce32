package discovery

// Config configures an Engine.
type Config struct {
	// MemdPort is the memory daemon's request port, where worker
	// registrations go. Required: port numbers belong to the bridge, not
	// to core.
	MemdPort Port
	// WalkEvery is the game time in ms between full scans; the scans in
	// between are shallow (home and its neighbours). 0 means 10 000.
	WalkEvery int64
}

// DefaultWalkEvery is WalkEvery's default: a scan of the whole network
// costs tens of getServer calls, and between walks only home's
// neighbourhood changes by itself.
const DefaultWalkEvery = 10_000

func (c Config) validate() (Config, error) {
	if !c.MemdPort.Valid() {
		return c, wrap(ErrBadConfig, "memd port "+itoa(int64(c.MemdPort))+" is not a port number")
	}
	switch {
	case c.WalkEvery < 0:
		return c, wrap(ErrBadConfig, "walk interval "+itoa(c.WalkEvery)+" ms is negative")
	case c.WalkEvery == 0:
		c.WalkEvery = DefaultWalkEvery
	}
	return c, nil
}
