package jsrt

import (
	"math"

	"github.com/dop251/goja"
)

// timer is one setTimeout or setInterval registration.
type timer struct {
	fn      goja.Callable
	args    []goja.Value
	timeout float64
	repeat  bool
	nesting int
	clockID int64
}

// maxUnclampedNesting and minNestedTimeoutMs are HTML's timer clamp: past
// five nested timers a delay is at least 4 ms. It matters here because a
// zero-delay loop would otherwise never let virtual time advance.
const (
	maxUnclampedNesting = 5
	minNestedTimeoutMs  = 4
)

func (r *Realm) timerNatives(set func(string, func(goja.FunctionCall) goja.Value)) {
	set("setTimeout", func(c goja.FunctionCall) goja.Value { return r.setTimer(c, false) })
	set("setInterval", func(c goja.FunctionCall) goja.Value { return r.setTimer(c, true) })
	clear := func(c goja.FunctionCall) goja.Value {
		r.clearTimer(c.Argument(0))
		return goja.Undefined()
	}
	set("clearTimeout", clear)
	set("clearInterval", clear)
}

func (r *Realm) setTimer(c goja.FunctionCall, repeat bool) goja.Value {
	fn, ok := goja.AssertFunction(c.Argument(0))
	if !ok {
		panic(r.vm.NewTypeError("jsrt: timer handler must be a function (string handlers are not supported)"))
	}
	var args []goja.Value
	if len(c.Arguments) > 2 {
		args = append(args, c.Arguments[2:]...)
	}
	// The timeout is a WebIDL long, so it wraps like ToInt32: 2**31 ms
	// becomes negative and fires at once, as in the browser.
	timeout := float64(toInt32(c.Argument(1).ToFloat()))
	if timeout < 0 {
		timeout = 0
	}
	r.lastTimer++
	id := r.lastTimer
	t := &timer{fn: fn, args: args, timeout: timeout, repeat: repeat}
	r.timers[id] = t
	r.arm(id, t, r.nesting)
	return r.vm.ToValue(id)
}

// arm schedules t on the clock from a task at the given nesting level.
func (r *Realm) arm(id int64, t *timer, nesting int) {
	delay := t.timeout
	if nesting > maxUnclampedNesting && delay < minNestedTimeoutMs {
		delay = minNestedTimeoutMs
	}
	t.nesting = nesting + 1
	t.clockID = r.cfg.Clock.After(delay, func() { r.fire(id) })
}

func (r *Realm) clearTimer(v goja.Value) {
	f := v.ToFloat()
	if math.IsNaN(f) {
		return
	}
	id := int64(f)
	if t, ok := r.timers[id]; ok {
		r.cfg.Clock.Cancel(t.clockID)
		delete(r.timers, id)
	}
}

// fire runs one timer task; the clock calls it at the top of the stack,
// so the callback's promise jobs run before it returns.
func (r *Realm) fire(id int64) {
	t, ok := r.timers[id]
	if !ok || r.closed {
		return
	}
	if !t.repeat {
		delete(r.timers, id)
	}
	outer := r.nesting
	r.nesting = t.nesting
	if _, err := r.call(t.fn, r.vm.GlobalObject(), t.args...); err != nil {
		r.reportThrow(err)
	}
	r.nesting = outer
	if t.repeat && r.timers[id] == t && !r.closed {
		r.arm(id, t, t.nesting)
	}
	r.reportRejections()
}

// toInt32 is ECMAScript ToInt32 on a number.
func toInt32(f float64) int32 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	m := math.Mod(math.Trunc(f), 1<<32)
	if m < 0 {
		m += 1 << 32
	}
	return int32(uint32(m))
}
