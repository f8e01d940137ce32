package memory

import (
	"testing"

	"ramfarm/core/ram"
)

func TestDescribeEvent(t *testing.T) {
	prio := 3
	tests := []struct {
		ev   Event
		want string
	}{
		{Request{Rid: 1, Pid: 2, Script: "till.js", Reply: 3, ChunkSize: 175, Count: 4, Priority: -1,
			Options: Options{Contiguous: true, CoreDependent: true, LongRunning: true, Shrinkable: true, Growable: true}},
			`Request rid=1 pid=2 script="till.js" reply=3 size=1.75GB count=4 prio=-1 contiguous core-dependent long-running shrinkable growable`},
		{Resize{Rid: 1, Pid: 2, Reply: 3, Alloc: 4, Count: 5}, "Resize rid=1 pid=2 reply=3 alloc=4 count=5"},
		{Resize{Rid: 1, Pid: 2, Reply: 3, Alloc: 4, ChunkSize: 16 * ram.GB, Count: 5, Priority: &prio},
			"Resize rid=1 pid=2 reply=3 alloc=4 size=16GB count=5 prio=3"},
		{Release{Rid: 1, Pid: 2, Reply: 3, Alloc: 4}, "Release rid=1 pid=2 reply=3 alloc=4 all"},
		{Release{Rid: 1, Pid: 2, Reply: 3, Alloc: 4, Host: "home", ChunkSize: ram.GB, Count: 2},
			"Release rid=1 pid=2 reply=3 alloc=4 host=home size=1GB count=2"},
		{Claim{Rid: 1, Pid: 2, Reply: 3, Alloc: 4, Host: "home", Worker: 9, RAM: 160},
			"Claim rid=1 pid=2 reply=3 alloc=4 host=home worker=9 ram=1.6GB"},
		{Unclaim{Rid: 1, Pid: 2, Reply: 3, Alloc: 4, Worker: 9}, "Unclaim rid=1 pid=2 reply=3 alloc=4 worker=9"},
		{Status{Rid: 1, Pid: 2, Reply: 3}, "Status rid=1 pid=2 reply=3"},
		{Tick{Now: 7, Dead: []Pid{4, 5}, Workers: []WorkerState{
			{Host: "home", Kind: HostHome, Rooted: true, MaxRAM: 32 * ram.GB, UsedRAM: 160, Cores: 2},
			{Host: "n00dles", MaxRAM: 4 * ram.GB, Cores: 1},
		}, Gone: []string{"pserv-0"}},
			"Tick now=7 dead=[4 5] workers=[home:home:1.6GB/32GB:2c n00dles:default:0GB/4GB:1c:noroot] gone=[pserv-0]"},
		{Delivered{Send: 3, OK: true}, "Delivered send=3 ok"},
		{Delivered{Send: 3}, "Delivered send=3 failed"},
		{nil, "<nil>"},
		{bogusEvent{}, "<unknown event>"},
	}
	for _, tt := range tests {
		if got := DescribeEvent(tt.ev); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

func TestDescribeReply(t *testing.T) {
	g := Granted{Rid: 3, Alloc: 1, Seq: 2, ChunkSize: 4 * ram.GB, Desired: 10,
		Held: []Chunks{{Host: "home", Size: 4 * ram.GB, Count: 2}, {Host: "n00dles", Size: 4 * ram.GB, Count: 1}}}
	tests := []struct {
		r    Reply
		want string
	}{
		{g, "Granted rid=3 alloc=1 seq=2 size=4GB desired=10 held=[home:2x4GB n00dles:1x4GB]"},
		{Refused{Rid: 1, Code: CodeNoRAM, Reason: "no room"}, `Refused rid=1 code=no-ram reason="no room"`},
		{Error{Rid: 1, Code: CodeDuplicate, Reason: `a "b"`}, `Error rid=1 code=duplicate reason="a \"b\""`},
		{Done{Rid: 1, Alloc: 2}, "Done rid=1 alloc=2"},
		{StatusReport{Rid: 1, Workers: []WorkerReport{{Host: "home", MaxRAM: 8 * ram.GB, Usable: 6 * ram.GB, Allocated: 4 * ram.GB,
			Claimed: ram.GB, Foreign: 2 * ram.GB}}, Allocs: []AllocReport{{Alloc: 1, Pid: 9, Script: "x", Priority: 2, Granted: g}}},
			"StatusReport rid=1 workers=[home:max=8GB,usable=6GB,alloc=4GB,claimed=1GB,foreign=2GB] " +
				`allocs=[{alloc=1 pid=9 script="x" prio=2 seq=2 size=4GB desired=10 held=[home:2x4GB n00dles:1x4GB]}]`},
		{nil, "<nil>"},
	}
	for _, tt := range tests {
		if got := DescribeReply(tt.r); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
	if got := DescribeSend(Send{ID: 4, Port: 101, Msg: Done{Rid: 1, Alloc: 2}}); got != "send id=4 port=101 Done rid=1 alloc=2" {
		t.Errorf("DescribeSend = %s", got)
	}
	for c := CodeNone; c <= CodeDuplicate+1; c++ {
		if c.String() == "" {
			t.Errorf("Code(%d) has no name", c)
		}
	}
	if got := Code(200).String() + " " + HostKind(9).String(); got != "code200 kind9" {
		t.Errorf("unknown names = %s", got)
	}
}
