package memory

import "ramfarm/core/internal/siphash"

// Roles. The messages that change the world for everyone (which servers
// the allocator uses, which hosts take no new chunks) are the discovery
// daemon's and the selector's. The game tells a daemon nothing about who
// wrote a message, so a process first registers for its role: the role is
// granted to one live process at a time, with a token only its reply
// port receives, and the messages of the role must carry that token.
// When the holder dies the role is free again.

// Role is a registered role.
type Role uint8

const (
	RoleNone      Role = iota
	RoleDiscovery      // registers and forgets servers (worker, forget)
	RoleSelector       // cordons hosts (Cordon)
	roleCount
)

var roleNames = [roleCount]string{"none", "discovery", "selector"}

func (r Role) String() string {
	if r < roleCount {
		return roleNames[r]
	}
	return "role(" + itoa(int64(r)) + ")"
}

// RoleByName is the role called name, or RoleNone.
func RoleByName(name string) Role {
	for r := RoleDiscovery; r < roleCount; r++ {
		if roleNames[r] == name {
			return r
		}
	}
	return RoleNone
}

// holder is who holds a role. gen counts the grants: each holder gets a
// new token, so a former holder's stops working.
type holder struct {
	pid Pid
	gen uint32
}

// Register asks for Role for process Pid (Off false), or gives it back
// (Off true, with the role's Token). Answer: Registered with the role's
// token, Done for a give-back, or an Error: role-held while another live
// process holds it, not-owner for a give-back without the token. Asking
// again while holding it answers the same token.
type Register struct {
	Rid   int64
	Pid   Pid
	Reply Port
	Role  Role
	Off   bool
	Token int64
}

// Registered grants a role: messages of the role carry Token.
type Registered struct {
	Rid   int64
	Role  Role
	Token int64
}

func (Register) isEvent()   {}
func (Registered) isReply() {}

// roleToken is the token of role's current grant; 0 when tokens are off.
func (e *Engine) roleToken(r Role) int64 {
	if e.secret == (siphash.Key{}) {
		return 0
	}
	b := [6]byte{'r', byte(r)}
	g := e.roles[r].gen
	for i := range 4 {
		b[2+i] = byte(g >> (8 * i))
	}
	return max(int64(siphash.Sum64(e.secret, b[:])&tokenMask), 1)
}

// Acts reports whether token is role's: the messages of a role are
// stepped only then. With tokens off (Config.Secret) everyone acts.
func (e *Engine) Acts(r Role, token int64) bool {
	if e.secret == (siphash.Key{}) {
		return true
	}
	return r > RoleNone && r < roleCount && e.roles[r].pid != 0 && token == e.roleToken(r)
}

func (e *Engine) stepRegister(ev Register) error {
	if !ev.Reply.Valid() {
		return ErrBadReply
	}
	switch {
	case ev.Pid <= 0:
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeBadMessage, "pid "+itoa(int64(ev.Pid))+" is invalid")
		return nil
	case ev.Role <= RoleNone || ev.Role >= roleCount:
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeBadMessage, "no such role")
		return nil
	}
	h := &e.roles[ev.Role]
	if ev.Off {
		if h.pid != ev.Pid || ev.Token != e.roleToken(ev.Role) {
			e.reject(ev.Pid, ev.Reply, ev.Rid, CodeNotOwner, "pid "+itoa(int64(ev.Pid))+" does not hold role "+ev.Role.String())
			return nil
		}
		e.freeRole(ev.Role, "given back")
		e.post(ev.Pid, ev.Reply, Done{Rid: ev.Rid})
		return nil
	}
	if h.pid != 0 && h.pid != ev.Pid {
		e.reject(ev.Pid, ev.Reply, ev.Rid, CodeRoleHeld, "role "+ev.Role.String()+" is held by pid "+itoa(int64(h.pid)))
		return nil
	}
	if h.pid == 0 {
		h.pid = ev.Pid
		h.gen++
		e.watch.add(ev.Pid)
		e.logf("role " + ev.Role.String() + " -> pid " + itoa(int64(ev.Pid)))
	}
	e.post(ev.Pid, ev.Reply, Registered{Rid: ev.Rid, Role: ev.Role, Token: e.roleToken(ev.Role)})
	return nil
}

// freeRole frees a held role.
func (e *Engine) freeRole(r Role, why string) {
	h := &e.roles[r]
	e.logf("role " + r.String() + " of pid " + itoa(int64(h.pid)) + " free: " + why)
	e.watch.remove(h.pid)
	h.pid = 0
}

// buryRoles frees the roles a dead process held.
func (e *Engine) buryRoles(pid Pid) {
	for r := RoleDiscovery; r < roleCount; r++ {
		if e.roles[r].pid == pid {
			e.freeRole(r, "it died")
		}
	}
}
