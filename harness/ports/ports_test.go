package ports

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"

	"ramfarm/gamedata"
	"ramfarm/harness/world/jsval"
)

// errDataClone stands in for the DataCloneError structuredClone throws.
var errDataClone = errors.New("DataCloneError: function could not be cloned")

// deepCopy is a structuredClone for the Go values the tests store: maps and
// slices are copied, functions refused, primitives returned as they are.
func deepCopy(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			c, err := deepCopy(e)
			if err != nil {
				return nil, err
			}
			m[k] = c
		}
		return m, nil
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			c, err := deepCopy(e)
			if err != nil {
				return nil, err
			}
			s[i] = c
		}
		return s, nil
	case func():
		return nil, errDataClone
	}
	return v, nil
}

func newRegistry(t *testing.T, capacity int) *Registry {
	t.Helper()
	r, err := New(Config{Capacity: capacity, Clone: deepCopy})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRegistry_copies covers FACTS §9's copies: a port holds its own copy
// of a written object, and peek and read hand out copies, so neither the
// writer nor a peeker can change what is stored.
func TestRegistry_copies(t *testing.T) {
	r := newRegistry(t, 0)
	written := map[string]any{"x": float64(1)}
	if _, err := r.Write(7, written); err != nil {
		t.Fatal(err)
	}
	written["x"] = float64(2) // the writer changing its object after the write
	peeked := r.Peek(7)
	peeked.(map[string]any)["x"] = float64(3) // the peeker changing its copy
	want := map[string]any{"x": float64(1)}
	if !reflect.DeepEqual(r.Peek(7), want) {
		t.Errorf("stored value changed through the writer's or a peeker's object: %v", r.Peek(7))
	}
	read := r.Read(7)
	if !reflect.DeepEqual(read, want) || sameObject(read, written) || sameObject(read, peeked) {
		t.Errorf("read = %v, the writer's or the peeker's object, want a copy of %v", read, want)
	}
}

// TestPortNumber covers inputs the vector does not.
func TestPortNumber(t *testing.T) {
	tests := []struct {
		name    string
		in      any
		want    int64
		wantErr string
	}{
		{"int", 5, 5, ""},
		{"int64 max", MaxPort, MaxPort, ""},
		{"int64 over", MaxPort + 1, 0, "readPort: Trying to use an invalid port: 9007199254740992. Must be less or equal to 9007199254740991."},
		{"string with junk", "12abc", 12, ""},
		{"string with space", " 4", 4, ""},
		{"string float", "2.5", 0, "readPort: portNumber should be a positive integer, was 2.5"},
		{"string NaN", "NaN", 0, "readPort: 'portNumber' should be a number. Is of type 'string', value: 'NaN'"},
		{"string Infinity", "Infinity", 0, "readPort: portNumber should be a positive integer, was Infinity"},
		{"-Infinity", math.Inf(-1), 0, "readPort: portNumber should be a positive integer, was -Infinity"},
		{"negative zero", math.Copysign(0, -1), 0, "readPort: portNumber should be a positive integer, was 0"},
		{"huge", 1e21, 0, "readPort: Trying to use an invalid port: 1e+21. Must be less or equal to 9007199254740991."},
		{"nil is null", nil, 0, "readPort: 'portNumber' should be a number. Is null."},
		{"Null", jsval.Null, 0, "readPort: 'portNumber' should be a number. Is null."},
		{"bool", true, 0, "readPort: 'portNumber' should be a number. Is of type 'boolean', value: 'true'"},
		{"empty string", "", 0, "readPort: 'portNumber' should be a number. Is of type 'string', value: empty string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PortNumber("readPort", tt.in)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Errorf("PortNumber = %d, %v; want %d", got, err, tt.want)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestRegistry_NextWrite covers FACTS §9's nextWrite rules.
func TestRegistry_NextWrite(t *testing.T) {
	tests := []struct {
		name     string
		capacity int
		before   []any // written before waiting
		act      func(r *Registry) error
		want     bool // resolved after act
	}{
		{"write resolves", 0, nil, func(r *Registry) error { _, err := r.Write(1, "a"); return err }, true},
		{"tryWrite resolves", 0, nil, func(r *Registry) error { _, err := r.TryWrite(1, "a"); return err }, true},
		{"evicting write resolves", 1, []any{"x"}, func(r *Registry) error { _, err := r.Write(1, "a"); return err }, true},
		{"failed tryWrite does not", 1, []any{"x"}, func(r *Registry) error { _, err := r.TryWrite(1, "a"); return err }, false},
		{"clone error does not", 0, nil, func(r *Registry) error {
			if _, err := r.Write(1, func() {}); !errors.Is(err, errDataClone) {
				return fmt.Errorf("write error %v, want DataCloneError", err)
			}
			return nil
		}, false},
		{"other port does not", 0, nil, func(r *Registry) error { _, err := r.Write(2, "a"); return err }, false},
		{"read does not", 0, []any{"x"}, func(r *Registry) error { r.Read(1); return nil }, false},
		{"clear does not", 0, []any{"x"}, func(r *Registry) error { r.Clear(1); return nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRegistry(t, tt.capacity)
			for _, v := range tt.before {
				if _, err := r.Write(1, v); err != nil {
					t.Fatal(err)
				}
			}
			w := r.NextWrite(1)
			calls := 0
			w.Then(func() { calls++ })
			if err := tt.act(r); err != nil {
				t.Fatal(err)
			}
			if w.Resolved() != tt.want || (calls == 1) != tt.want {
				t.Errorf("resolved %v with %d calls, want %v", w.Resolved(), calls, tt.want)
			}
		})
	}
}

func TestRegistry_NextWrite_shared(t *testing.T) {
	r := newRegistry(t, 0)
	a, b := r.NextWrite(3), r.NextWrite(3)
	if a != b {
		t.Fatal("two waiters before one write are not shared")
	}
	if !r.Exists(3) || !r.Empty(3) {
		t.Fatal("nextWrite should create an empty port")
	}
	var order []string
	var next *Waiter
	a.Then(func() {
		order = append(order, "first")
		if got := r.Len(3); got != 1 {
			t.Errorf("callback sees len %d, want the write done (1)", got)
		}
		next = r.NextWrite(3) // waits for the following write
	})
	b.Then(func() { order = append(order, "second") })
	if _, err := r.Write(3, "v"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(order, []string{"first", "second"}) {
		t.Errorf("callbacks ran %v, want [first second]", order)
	}
	if next == a || next.Resolved() {
		t.Error("waiter taken inside a callback was resolved by the same write")
	}
	late := false
	a.Then(func() { late = true })
	if !late {
		t.Error("Then on a resolved waiter did not run at once")
	}
	if _, err := r.TryWrite(3, "w"); err != nil || !next.Resolved() {
		t.Errorf("second waiter not resolved by the next write (err %v)", err)
	}
}

func TestRegistry_Exists(t *testing.T) {
	r := newRegistry(t, 0)
	r.NextWrite(4)
	r.Clear(4)
	if !r.Exists(4) {
		t.Error("clear deleted a port with a pending waiter")
	}
	if _, err := r.Write(4, 1.0); err != nil {
		t.Fatal(err)
	}
	r.Read(4)
	if r.Exists(4) {
		t.Error("port with no data and no waiter still exists")
	}
	r.Full(5)
	r.Empty(5)
	r.Peek(5)
	r.Read(5)
	r.Clear(5)
	if r.Exists(5) {
		t.Error("a query created a port")
	}
	if _, err := r.TryWrite(6, func() {}); !errors.Is(err, errDataClone) || r.Exists(6) {
		t.Errorf("failed tryWrite: err %v, exists %v", err, r.Exists(6))
	}
}

func TestRegistry_capacity(t *testing.T) {
	tests := []struct {
		name     string
		capacity int
		writes   int
		wantLen  int
		wantHead any
		wantFull bool
	}{
		{"default 50", 0, 50, 50, float64(0), true},
		{"default 50 over", 0, 53, 50, float64(3), true},
		{"custom 3", 3, 3, 3, float64(0), true},
		{"custom 3 over", 3, 5, 3, float64(2), true},
		{"under", 3, 2, 2, float64(0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRegistry(t, tt.capacity)
			for i := 0; i < tt.writes; i++ {
				d, err := r.Write(9, float64(i))
				if err != nil {
					t.Fatal(err)
				}
				// Write on a full port returns the oldest item.
				c := r.Capacity()
				if i >= c && d != float64(i-c) {
					t.Errorf("write %d dropped %v, want %v", i, d, i-c)
				}
				if i < c && d != nil {
					t.Errorf("write %d dropped %v, want nil", i, d)
				}
			}
			if r.Len(9) != tt.wantLen || r.Peek(9) != tt.wantHead || r.Full(9) != tt.wantFull {
				t.Errorf("len %d head %v full %v; want %d %v %v",
					r.Len(9), r.Peek(9), r.Full(9), tt.wantLen, tt.wantHead, tt.wantFull)
			}
		})
	}
}

func TestRegistry_Write_cloneError(t *testing.T) {
	r := newRegistry(t, 2)
	for _, v := range []any{"a", "b"} {
		if _, err := r.Write(1, v); err != nil {
			t.Fatal(err)
		}
	}
	w := r.NextWrite(1)
	bad := []any{"ok", func() {}}
	if _, err := r.Write(1, bad); !errors.Is(err, errDataClone) {
		t.Fatalf("Write error %v, want DataCloneError", err)
	}
	if r.Len(1) != 2 || r.Peek(1) != "a" || w.Resolved() {
		t.Error("a failed write changed the port")
	}
	if _, err := r.Write(1, map[string]any{"f": func() {}}); err == nil {
		t.Error("nested function was stored")
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want error
		cap  int
	}{
		{"defaults", Config{Clone: deepCopy}, nil, 50},
		{"custom", Config{Capacity: 7, Clone: deepCopy}, nil, 7},
		{"no clone", Config{}, ErrNoClone, 0},
		{"negative", Config{Capacity: -1, Clone: deepCopy}, ErrCapacity, 0},
	}
	for _, tt := range tests {
		r, err := New(tt.cfg)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
			continue
		}
		if err == nil && r.Capacity() != tt.cap {
			t.Errorf("%s: capacity %d, want %d", tt.name, r.Capacity(), tt.cap)
		}
	}
}

func TestRegistry_Reset(t *testing.T) {
	r := newRegistry(t, 0)
	if _, err := r.Write(1, "a"); err != nil {
		t.Fatal(err)
	}
	w := r.NextWrite(2)
	r.Reset()
	if r.Exists(1) || r.Exists(2) || r.Read(1) != NullPortData {
		t.Error("Reset kept a port")
	}
	if _, err := r.Write(2, "b"); err != nil || w.Resolved() {
		t.Errorf("a waiter from before Reset was resolved (err %v)", err)
	}
}

func TestRegistry_invalidPortPanics(t *testing.T) {
	tests := []struct {
		name string
		n    int64
	}{{"zero", 0}, {"negative", -4}, {"over max", MaxPort + 1}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			newRegistry(t, 0).Read(tt.n)
		})
	}
}

// TestConstants checks the package's constants against the game's.
func TestConstants(t *testing.T) {
	b, err := gamedata.Read("constants.json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		CONSTANTS struct{ NumNetscriptPorts int64 } `json:"CONSTANTS_subset"`
		Settings  struct{ MaxPortCapacity int }     `json:"Settings_subset"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.CONSTANTS.NumNetscriptPorts != MaxPort || c.Settings.MaxPortCapacity != DefaultCapacity {
		t.Errorf("MaxPort %d, DefaultCapacity %d; game has %d, %d",
			MaxPort, DefaultCapacity, c.CONSTANTS.NumNetscriptPorts, c.Settings.MaxPortCapacity)
	}
}
