package harness

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/dop251/goja"

	"ramfarm/harness/world"
)

// WgetLatency is the game time an ns.wget takes here. The download itself
// is real (Config.Fetch) and happens inside the call; the script sees its
// answer this much later, as it would see the network's.
const WgetLatency = 100

// DefaultSpawnDelay is spawn's delay when the options name none (10 s in
// the game).
const DefaultSpawnDelay = 10000

// fetchTimeout bounds one real download of the default fetcher.
const fetchTimeout = 30 * time.Second

// httpFetch is the default Config.Fetch: a GET with a timeout.
func httpFetch(url string) (int, string, error) {
	c := http.Client{Timeout: fetchTimeout}
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	return resp.StatusCode, string(b), nil
}

// gamePath is a file argument as the game stores it: without a leading /.
func gamePath(v goja.Value) string { return strings.TrimPrefix(v.String(), "/") }

// files is the ns file functions: read, write, rm, mv, wget and spawn
// (spawn ends the caller, so it lives with the functions an installer
// needs rather than with exec).
func (b *nsBuilder) files() {
	g, p, vm := b.g, b.p, b.vm
	b.fn("read", func(c goja.FunctionCall) goja.Value {
		content, _ := g.World.Server(p.Host).File(gamePath(c.Argument(0)))
		return vm.ToValue(content)
	})
	b.fn("write", func(c goja.FunctionCall) goja.Value {
		data, mode := "", "a"
		if v := c.Argument(1); !goja.IsUndefined(v) {
			data = v.String()
		}
		if v := c.Argument(2); !goja.IsUndefined(v) {
			mode = v.String()
		}
		if err := g.World.Write(p.Host, gamePath(c.Argument(0)), data, mode); err != nil {
			b.throw("write", err)
		}
		return goja.Undefined()
	})
	b.fn("rm", func(c goja.FunctionCall) goja.Value {
		ok, err := g.World.Remove(gamePath(c.Argument(0)), b.hostArg(c, 1))
		if err != nil {
			b.throw("rm", err)
		}
		return vm.ToValue(ok)
	})
	b.fn("mv", func(c goja.FunctionCall) goja.Value {
		_, why, err := g.World.Move(c.Argument(0).String(), gamePath(c.Argument(1)), gamePath(c.Argument(2)))
		if err != nil {
			b.throw("mv", err)
		}
		if why != "" {
			p.log("mv: " + why)
		}
		return goja.Undefined()
	})
	b.fn("wget", func(c goja.FunctionCall) goja.Value {
		url, target, host := c.Argument(0).String(), gamePath(c.Argument(1)), b.hostArg(c, 2)
		s := b.server("wget", host)
		promise, resolve, _ := vm.NewPromise()
		answer := func(ok bool, line string) goja.Value {
			p.log("wget: " + line)
			p.after(WgetLatency, func() { resolve(ok) })
			return vm.ToValue(promise)
		}
		if !strings.HasSuffix(target, ".js") && !strings.HasSuffix(target, ".script") &&
			!strings.HasSuffix(target, ".txt") && !strings.HasSuffix(target, ".json") {
			return answer(false, "Invalid target file: '"+target+"'. Must be a script or text file.")
		}
		fetch := g.cfg.Fetch
		if fetch == nil {
			fetch = httpFetch
		}
		status, body, err := fetch(url)
		switch {
		case err != nil:
			return answer(false, err.Error())
		case status != http.StatusOK:
			return answer(false, "wget failed. HTTP code: "+itoa(int64(status))+".")
		}
		_, existed := s.File(target)
		s.WriteFile(target, body)
		if existed {
			return answer(true, "Successfully retrieved content and overwrote '"+target+"' on '"+host+"'")
		}
		return answer(true, "Successfully retrieved content to new file '"+target+"' on '"+host+"'")
	})
	b.fn("spawn", func(c goja.FunctionCall) goja.Value {
		script := gamePath(c.Argument(0))
		opts := world.ExecOptions{Threads: arg(c.Argument(1))}
		delay := float64(DefaultSpawnDelay)
		if o, ok := c.Argument(1).(*goja.Object); ok && o.ClassName() == "Object" {
			opts = world.ExecOptions{Threads: arg(o.Get("threads")), ThreadsArg: "RunOptions.threads"}
			if v := o.Get("spawnDelay"); v != nil && !goja.IsUndefined(v) {
				delay = v.ToFloat()
			}
		}
		if goja.IsUndefined(c.Argument(1)) {
			opts.Threads = 1.0
		}
		if !(delay >= 0) {
			b.throw("spawn", errors.New("spawnDelay must be a non-negative number"))
		}
		host, scriptArgs := p.Host, args(c, 2)
		g.Clock.After(delay, func() {
			pid, err := g.World.Exec(script, host, opts, scriptArgs)
			switch {
			case err != nil:
				g.logTerminal("spawn: " + script + ": " + err.Error())
			case pid == 0:
				g.logTerminal("spawn: could not start " + script + " on " + host + ": not enough free RAM")
			}
		})
		p.log("spawn: will execute " + script + " in " + itoa(int64(delay/1000)) + " seconds")
		g.World.Exit(p.Pid, world.ExitKilled)
		return goja.Undefined()
	})
}
