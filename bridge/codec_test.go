package bridge

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"ramfarm/bridge/internal/jsonx"
	"ramfarm/core/memory"
	"ramfarm/core/portalloc"
)

func TestDecodeRequest(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want string // memory/portalloc Describe text, or "registration" fields
	}{
		{"alloc", `{"t":"alloc","rid":1,"pid":5,"reply":101,"script":"fill.js","chunk":4,"count":10,"prio":3,"growable":true,"coreDependent":true}`,
			memory.DescribeEvent(memory.Request{Rid: 1, Pid: 5, Reply: 101, Script: "fill.js", ChunkSize: 400, Count: 10, Priority: 3, Options: memory.Options{Growable: true, CoreDependent: true}})},
		{"resize keeps size and priority", `{"t":"resize","rid":2,"pid":5,"reply":101,"alloc":1,"count":4}`,
			memory.DescribeEvent(memory.Resize{Rid: 2, Pid: 5, Reply: 101, Alloc: 1, Count: 4})},
		{"release whole", `{"t":"release","rid":3,"pid":5,"reply":101,"alloc":1}`,
			memory.DescribeEvent(memory.Release{Rid: 3, Pid: 5, Reply: 101, Alloc: 1})},
		{"release chunks", `{"t":"release","rid":3,"pid":5,"reply":101,"alloc":1,"host":"a","chunk":4,"count":2}`,
			memory.DescribeEvent(memory.Release{Rid: 3, Pid: 5, Reply: 101, Alloc: 1, Host: "a", ChunkSize: 400, Count: 2})},
		{"claim", `{"t":"claim","rid":4,"pid":5,"reply":101,"alloc":1,"host":"a","worker":9,"ram":3.5}`,
			memory.DescribeEvent(memory.Claim{Rid: 4, Pid: 5, Reply: 101, Alloc: 1, Host: "a", Worker: 9, RAM: 350})},
		{"unclaim", `{"t":"unclaim","rid":5,"pid":5,"reply":101,"alloc":1,"worker":9}`,
			memory.DescribeEvent(memory.Unclaim{Rid: 5, Pid: 5, Reply: 101, Alloc: 1, Worker: 9})},
		{"give", `{"t":"give","rid":5,"pid":5,"reply":101,"alloc":1,"to":77}`,
			memory.DescribeEvent(memory.Give{Rid: 5, Pid: 5, Reply: 101, Alloc: 1, To: 77})},
		{"status", `{"t":"status","rid":6,"pid":5,"reply":300}`,
			memory.DescribeEvent(memory.Status{Rid: 6, Pid: 5, Reply: 300})},
		{"port", `{"t":"port","rid":7,"pid":5,"reply":1099511627781}`,
			portalloc.DescribeEvent(portalloc.Acquire{Rid: 7, Pid: 5, Reply: 1099511627781})},
		{"unport", `{"t":"unport","rid":8,"pid":5,"port":101}`,
			portalloc.DescribeEvent(portalloc.Return{Rid: 8, Pid: 5, Port: 101})},
		{"worker", `{"t":"worker","host":"home","kind":"home","cores":4}`, "register home kind=1 cores=4"},
		{"forget", `{"t":"forget","host":"x"}`, "forget x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonx.Parse([]byte(tt.msg))
			if err != nil {
				t.Fatal(err)
			}
			ev, err := decodeRequest(v)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got := describeDecoded(ev); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func describeDecoded(ev any) string {
	switch ev := ev.(type) {
	case memory.Event:
		return memory.DescribeEvent(ev)
	case portalloc.Event:
		return portalloc.DescribeEvent(ev)
	case registration:
		if ev.forget {
			return "forget " + ev.host
		}
		return "register " + ev.host + " kind=" + string(rune('0'+ev.kind)) + " cores=" + string(rune('0'+ev.cores))
	}
	return "?"
}

// Every malformed message is an error that names what is wrong and, when
// the message named a usable reply port, says where to send the answer.
func TestDecodeRequest_errors(t *testing.T) {
	tests := []struct {
		msg, want string
		reply     int64
	}{
		{`[1,2]`, "message is a array", 0},
		{`{"t":"nope","reply":101}`, `unknown message type "nope"`, 101},
		{`{"t":"alloc","rid":1,"pid":5,"reply":101,"chunk":4,"count":10,"growabel":true}`, `unknown key "growabel"`, 101},
		{`{"t":"alloc","rid":1,"pid":5,"reply":101,"chunk":"4","count":10}`, `field "chunk" wrong type`, 101},
		{`{"t":"alloc","rid":1,"pid":5,"reply":101,"chunk":-4,"count":10}`, `ram: amount is negative`, 101},
		{`{"t":"alloc","rid":1,"pid":5,"reply":101,"chunk":1.234,"count":10}`, `multiple of 0.01`, 101},
		{`{"t":"alloc","rid":1,"pid":5,"reply":101,"chunk":4,"count":1.5}`, `field "count" out of range`, 101},
		{`{"t":"alloc","rid":1,"pid":5,"reply":101,"chunk":4}`, `field "count" missing`, 101},
		{`{"t":"alloc","rid":1,"pid":5,"reply":0,"chunk":4,"count":1}`, `field "reply" out of range`, 0},
		{`{"t":"claim","rid":1,"pid":5,"reply":101,"alloc":1,"host":"a","worker":9}`, `field "ram" missing`, 101},
		{`{"t":"release","rid":1,"pid":5,"reply":101,"alloc":1,"host":"a"}`, `field "chunk" missing`, 101},
		{`{"t":"worker","host":"","kind":"home"}`, `field "host"`, 0},
		{`{"t":"worker","host":"a","kind":"castle"}`, `field "kind"`, 0},
		{`{"t":"granted","rid":1,"reply":101}`, `unknown message type "granted"`, 101},
	}
	for _, tt := range tests {
		v, err := jsonx.Parse([]byte(tt.msg))
		if err != nil {
			t.Fatal(err)
		}
		_, err = decodeRequest(v)
		var de *decodeError
		if !errors.As(err, &de) || !errors.Is(err, ErrBadMessage) {
			t.Errorf("%s: err = %v, want a decode error", tt.msg, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not say %q", tt.msg, err, tt.want)
		}
		if int64(de.reply) != tt.reply {
			t.Errorf("%s: reply = %d, want %d", tt.msg, de.reply, tt.reply)
		}
	}
}

// Every ToDaemon message in the schema has a decoder case, and the
// generated JavaScript names every type.
func TestSchema(t *testing.T) {
	js := string(GenerateJS())
	for _, m := range AllMessages() {
		if !strings.Contains(js, m.Type+": \""+m.Type+"\"") {
			t.Errorf("protocol.js lacks type %s", m.Type)
		}
		if m.Dir != ToDaemon || !memdTypes[m.Type] {
			continue // served by another daemon's decoder, tested beside it
		}
		v, _ := jsonx.Parse([]byte(`{"t":"` + m.Type + `"}`))
		_, err := decodeRequest(v)
		if err != nil && strings.Contains(err.Error(), "unknown message type") {
			t.Errorf("schema type %s has no decoder", m.Type)
		}
	}
	for typ := range memdTypes {
		if _, ok := MessageByType(typ); !ok {
			t.Errorf("memd serves %s, which the schema lacks", typ)
		}
	}
	for _, c := range Codes() {
		if !strings.Contains(js, `"`+c+`"`) {
			t.Errorf("protocol.js lacks code %s", c)
		}
	}
}

// A reason quoting a huge key or value is cut, on a character boundary,
// in the answer and in the log line.
func TestClip(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
	}{
		{"short", "short"},
		{strings.Repeat("x", maxQuote), strings.Repeat("x", maxQuote)},
		{strings.Repeat("x", maxQuote+5), strings.Repeat("x", maxQuote) + "... (5 more bytes)"},
		{strings.Repeat("x", maxQuote-1) + "é" + "yy", strings.Repeat("x", maxQuote-1) + "... (4 more bytes)"},
	} {
		if got := clip(tt.in); got != tt.want {
			t.Errorf("clip(%d bytes) = %q, want %q", len(tt.in), got, tt.want)
		}
	}
	s, err := NewService(RoleMemd, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.Repeat("k", 1<<20)
	got := stepJSON(t, s, `[{"k":"msg","body":{"t":"alloc","rid":1,"pid":2,"reply":300,"`+key+`":1}}]`)
	if len(got) > 2000 || !strings.Contains(got, "more bytes") {
		t.Errorf("a 1 MB key came back as %d bytes: %.300s", len(got), got)
	}
}

// The error answer to an undecodable message is written again while its
// port is full, but at most ownTries times: thousands of such answers to
// a port nobody reads must not be retried on every tick forever.
func TestOwnAnswers_bounded(t *testing.T) {
	s, err := NewService(RoleMemd, nil)
	if err != nil {
		t.Fatal(err)
	}
	sendID := regexp.MustCompile(`"send":\[\[(\d+),300,`)
	out := stepJSON(t, s, `[{"k":"msg","body":{"t":"alloc","rid":1,"pid":2,"reply":300,"chunk":"big"}}]`)
	writes := 0
	for {
		m := sendID.FindStringSubmatch(out)
		if m == nil {
			break
		}
		writes++
		if writes > 2*ownTries {
			t.Fatalf("the answer was written %d times", writes)
		}
		out = stepJSON(t, s, `[{"k":"sent","id":`+m[1]+`,"ok":false}]`)
	}
	if writes != ownTries {
		t.Errorf("the answer to a full port was written %d times, want %d", writes, ownTries)
	}
}
