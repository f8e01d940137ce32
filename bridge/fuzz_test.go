package bridge

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/proc"
)

// The fuzz targets of the bridge take what a script hands the module, and
// what any script of the player's may have written to a daemon's port,
// as it comes. Their seed corpora (testdata/fuzz/FuzzXxx) are the real
// batches of the wire tests, each as the lines of one input, plus the
// hostile shapes: truncated, too deep, huge numbers, unicode, duplicate
// keys, unknown kinds.

// maxAnswer bounds an error answer to a message, whatever the message
// held: a bad message must not cost its size again on a port.
const maxAnswer = 1 << 10

// memdPrime builds a memory daemon with hosts, an allocation holding
// chunks, a claim, a leased port and a subscriber-free status: the state a
// hostile message meets in a running game.
func memdPrime(t *testing.T) *Memd {
	t.Helper()
	m, err := NewMemd([]byte(`{"homeReserve":8,"selfHost":"home","selfRam":2,"session":"f"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range memdHistory {
		runBatch(t, m, MemdWire, []byte(batch))
	}
	return m
}

var memdHistory = []string{
	`[{"k":"msg","body":{"t":"worker","host":"alpha","kind":"server","cores":2}},{"k":"msg","body":{"t":"worker","host":"pserv-0","kind":"purchased"}},` +
		`{"k":"tick","now":1000,"workers":[["home",true,32,2],["alpha",true,64,0],["pserv-0",true,16,0]]}]`,
	`[{"k":"msg","body":{"t":"alloc","rid":1,"pid":5,"reply":101,"script":"fill.js","chunk":4,"count":10,"prio":3,"growable":true}},` +
		`{"k":"msg","body":{"t":"port","rid":2,"pid":6,"reply":102}},{"k":"tick","now":2000}]`,
	`[{"k":"msg","body":{"t":"claim","rid":3,"pid":5,"reply":101,"alloc":1,"host":"alpha","worker":9,"ram":3.5}},{"k":"tick","now":3000}]`,
}

// runBatch steps one batch as the daemon script would: Step, a Ready that
// must keep to the service's wire, Advance, and then the outcome of every
// send, each delivered, where the service steps them. Step may refuse only a batch that is not a JSON
// array, and never the outcome of a send the service itself issued.
func runBatch(t *testing.T, s Service, sw ServiceWire, batch []byte) {
	t.Helper()
	if err := s.Step(batch); err != nil {
		if v, perr := jsonx.Parse(batch); perr == nil && v.Kind == jsonx.Array {
			t.Fatalf("%s refused an array batch: %v\n%s", sw.Role, err, batch)
		}
	}
	ids := readyOK(t, s, sw)
	if _, acks := wireOf(sw.Events, EvSent); len(ids) == 0 || !acks {
		return
	}
	var w jsonx.Writer
	w.BeginArray()
	for _, id := range ids {
		w.BeginObject()
		w.Key(wEvent)
		w.String(EvSent)
		w.Key(wID)
		w.Int(id)
		w.Key(wOK)
		w.Bool(true)
		w.EndObject()
	}
	w.EndArray()
	if err := s.Step(w.Bytes()); err != nil {
		t.Fatalf("%s: outcomes of its own sends: %v", sw.Role, err)
	}
	if r := s.Ready(); bytes.Contains(r, []byte(`"`+wErrors+`"`)) {
		t.Fatalf("%s refused the outcome of its own sends %v: %s", sw.Role, ids, r)
	}
	checkReady(t, sw, string(s.Ready()))
	s.Advance()
}

// readyOK checks the Ready against the wire, acknowledges it and returns
// the ids of its sends.
func readyOK(t *testing.T, s Service, sw ServiceWire) []int64 {
	t.Helper()
	r := s.Ready()
	if !json.Valid(r) {
		t.Fatalf("%s: Ready is not JSON: %q", sw.Role, r)
	}
	checkReady(t, sw, string(r))
	v, _ := jsonx.Parse(r)
	var ids []int64
	sends, _ := v.Get(wSend)
	for _, s := range sends.Arr {
		if len(s.Arr) != 3 || s.Arr[0].Kind != jsonx.Number || s.Arr[1].Kind != jsonx.Number || !proc.Port(s.Arr[1].Num).Valid() {
			t.Fatalf("%s: send %s is not [id, port, msg]", sw.Role, r)
		}
		if len(encodeValue(s.Arr[2])) > maxAnswer && bytes.Contains(r, []byte(CodeBadMessage)) {
			t.Fatalf("%s: an error answer of %d bytes", sw.Role, len(encodeValue(s.Arr[2])))
		}
		ids = append(ids, int64(s.Arr[0].Num))
	}
	s.Advance()
	return ids
}

func encodeValue(v jsonx.Value) []byte {
	var w jsonx.Writer
	writeValue(&w, v)
	return w.Bytes()
}

func writeValue(w *jsonx.Writer, v jsonx.Value) {
	switch v.Kind {
	case jsonx.Null:
		w.Null()
	case jsonx.Bool:
		w.Bool(v.Bool)
	case jsonx.Number:
		w.Num(v.Num)
	case jsonx.String:
		w.String(v.Str)
	case jsonx.Array:
		w.BeginArray()
		for _, e := range v.Arr {
			writeValue(w, e)
		}
		w.EndArray()
	case jsonx.Object:
		w.BeginObject()
		for _, m := range v.Obj {
			w.Key(m.Key)
			writeValue(w, m.Val)
		}
		w.EndObject()
	}
}

// FuzzDecodeRequest writes one message body to the memory daemon's port.
// decodeRequest must not panic; a message it refuses is a decode error
// that names a usable reply port or none, whose answer is short JSON; and
// a message the daemon refuses, for whatever reason, leaves it as it was:
// afterwards it answers a status request and a tick byte for byte as a
// twin that never saw the message.
func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"t":"alloc","rid":1,"pid":5,"reply":101,"chunk":4,"count":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := jsonx.Parse(body)
		if err != nil {
			return // FuzzParse's ground; a batch that does not parse is FuzzMemd's
		}
		if _, err := decodeRequest(v); err != nil {
			var de *decodeError
			if !errors.As(err, &de) || !errors.Is(err, ErrBadMessage) {
				t.Fatalf("error %v is no decode error", err)
			}
			if de.reply != 0 && !de.reply.Valid() {
				t.Fatalf("answer port %d", de.reply)
			}
			var w jsonx.Writer
			encodeDecodeError(&w, de)
			if !json.Valid(w.Bytes()) || len(w.Bytes()) > maxAnswer {
				t.Fatalf("answer of %d bytes: %.300q", len(w.Bytes()), w.Bytes())
			}
		}
		m, twin := memdPrime(t), memdPrime(t)
		batch := append(append([]byte(`[{"k":"msg","body":`), body...), "}]"...)
		if err := m.Step(batch); err != nil {
			t.Fatalf("one message refused the batch: %v", err)
		}
		if !bytes.Contains(m.Ready(), []byte(`"`+wErrors+`"`)) {
			return // accepted: what it changes is FuzzMemd's to check
		}
		// Its bad-message answer, if any, is delivered and forgotten.
		for _, id := range readyOK(t, m, MemdWire) {
			if id%3 != fromBridge {
				t.Fatalf("a refused message made the engines send %d", id)
			}
			m.Step([]byte(`[{"k":"sent","id":` + strconv.FormatInt(id, 10) + `,"ok":true}]`))
			m.Ready()
			m.Advance()
		}
		probe := []byte(`[{"k":"msg","body":{"t":"status","rid":77,"pid":5,"reply":101}},{"k":"tick","now":4000,"workers":[["alpha",true,64,3.5]]}]`)
		m.Step(probe)
		twin.Step(probe)
		if got, want := m.Ready(), twin.Ready(); !bytes.Equal(got, want) {
			t.Fatalf("a refused message changed the daemon:\ngot  %s\nwant %s", got, want)
		}
	})
}

// maxBatches bounds the batches one input steps, so that each input stays
// cheap and the fuzzer spends its time on their contents.
const maxBatches = 8

// fuzzBatches steps each line of input as one batch (runBatch).
func fuzzBatches(t *testing.T, s Service, sw ServiceWire, input []byte) {
	for i, batch := range bytes.Split(input, []byte{'\n'}) {
		if i == maxBatches {
			break
		}
		runBatch(t, s, sw, batch)
	}
}

// FuzzMemd steps a running memory daemon (memdPrime) through fuzzed
// batches, each line of the input one batch, and then checks its books
// through a status report: what each host has allocated is what the
// allocations hold there, and no more is claimed than allocated.
func FuzzMemd(f *testing.F) {
	f.Add([]byte(`[{"k":"msg","body":{"t":"release","rid":3,"pid":5,"reply":101,"alloc":1}},{"k":"tick","now":4000}]`))
	f.Fuzz(func(t *testing.T, input []byte) {
		m := memdPrime(t)
		fuzzBatches(t, m, MemdWire, input)
		checkMemdBooks(t, m)
	})
}

// checkMemdBooks asks m for a status report and checks that its figures
// add up.
func checkMemdBooks(t *testing.T, m *Memd) {
	t.Helper()
	const rid = 1 << 50
	m.Step([]byte(`[{"k":"msg","body":{"t":"status","rid":` + strconv.FormatInt(rid, 10) + `,"pid":1,"reply":999}}]`))
	v, _ := jsonx.Parse(m.Ready())
	sends, _ := v.Get(wSend)
	for _, s := range sends.Arr {
		msg := s.Arr[2]
		if r, _ := msg.Get(fRid); r.Num != rid {
			continue
		}
		held := map[string]float64{}
		allocs, _ := msg.Get("allocs")
		for _, a := range allocs.Arr {
			h, _ := a.Get(fHeld)
			for _, c := range h.Arr {
				held[c.Arr[0].Str] += c.Arr[1].Num * c.Arr[2].Num
			}
		}
		workers, _ := msg.Get("workers")
		for _, w := range workers.Arr {
			host, _ := w.Get(fHost)
			alloc, _ := w.Get("allocated")
			claimed, _ := w.Get("claimed")
			if !near(alloc.Num, held[host.Str]) || claimed.Num > alloc.Num+1e-9 {
				t.Fatalf("%s: allocated %v, claimed %v, the allocations hold %v: %s", host.Str, alloc.Num, claimed.Num, held[host.Str], encodeValue(msg))
			}
			delete(held, host.Str)
		}
		for host, gb := range held {
			if gb > 0 {
				t.Fatalf("allocations hold %v GB on %s, which the report lacks", gb, host)
			}
		}
		return
	}
	t.Fatalf("no answer to a status request: %s", encodeValue(v))
}

func near(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }

// FuzzDiscovery steps a discovery daemon that has a subscriber and has
// seen the network once through fuzzed batches.
func FuzzDiscovery(f *testing.F) {
	f.Add([]byte(`[{"k":"done","id":4,"ok":true},{"k":"done","id":8,"ok":false,"err":"no"}]`))
	f.Fuzz(func(t *testing.T, input []byte) {
		s, err := NewDiscovery([]byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		runBatch(t, s, DiscoveryWire, []byte(`[{"k":"msg","body":{"t":"subscribe","rid":3,"pid":40,"reply":140}},`+
			`{"k":"look","now":200,"level":1,"programs":["NUKE.exe","BruteSSH.exe"],"dead":[],"full":true,"servers":[`+
			homeJS+`,`+noodlJS+`,`+csecJS+`,`+hnetJS+`]}]`))
		fuzzBatches(t, s, DiscoveryWire, input)
	})
}

// FuzzSelector steps a selector that knows a target and memd's report
// through fuzzed batches.
func FuzzSelector(f *testing.F) {
	f.Add([]byte(`[{"k":"tick","now":21000,"hacking":10}]`))
	f.Fuzz(func(t *testing.T, input []byte) {
		s, err := NewSelector([]byte(`{"policy":"grow","taskRam":{"till":4.4,"sow":4.7,"harvest":5.35}}`))
		if err != nil {
			t.Fatal(err)
		}
		runBatch(t, s, SelectorWire, []byte(`[{"k":"msg","body":{"t":"targets","seq":1,"targets":[`+
			`{"host":"alpha","maxMoney":2e6,"money":2e6,"minSec":2,"baseSec":4,"sec":4,"growth":20,"level":1}]}},`+
			`{"k":"msg","body":{"t":"report","rid":1,"allocs":[],"workers":[`+
			`{"host":"a","max":64,"usable":64,"allocated":20,"claimed":0,"foreign":0}]}},{"k":"tick","now":0,"hacking":10}]`))
		fuzzBatches(t, s, SelectorWire, input)
	})
}

// taskConfigs are one task of each kind, as the selector launches them.
var taskConfigs = [...]string{
	tillJSON,
	`{"kind":"sow","target":"t","pid":7,"port":101,"minSec":3,"maxMoney":1e6,"growth":100,"growRam":1.75,"weakenRam":1.75}`,
	`{"kind":"harvest","target":"n00dles","pid":8,"port":102,"maxMoney":1750000,"minSec":1,"growth":3000,` +
		`"requiredLevel":1,"level":50,"fraction":0.05,"period":20000,"prio":4}`,
}

// FuzzTask steps a task of the kind the first byte picks (till, sow,
// harvest), after its first tick and grant, through fuzzed batches.
func FuzzTask(f *testing.F) {
	f.Add(byte(2), []byte(`[{"k":"started","id":3,"pid":11},{"k":"msg","body":{"t":"stop"}},{"k":"tick","now":1000,"money":1750000,"sec":1}]`))
	f.Fuzz(func(t *testing.T, kind byte, input []byte) {
		s, err := NewTask([]byte(taskConfigs[int(kind)%len(taskConfigs)]))
		if err != nil {
			t.Fatal(err)
		}
		runBatch(t, s, TaskWire, []byte(`[{"k":"tick","now":0.6,"money":1750000,"sec":1,"level":50}]`))
		runBatch(t, s, TaskWire, []byte(`[{"k":"held","seq":1,"answered":1,"desired":80,"held":[["alpha",1.75,16]]},{"k":"tick","now":10.2,"money":1750000,"sec":1}]`))
		fuzzBatches(t, s, TaskWire, input)
	})
}
