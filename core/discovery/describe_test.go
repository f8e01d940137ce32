package discovery

import (
	"testing"

	"ramfarm/core/ram"
)

func TestDescribeEvent(t *testing.T) {
	tests := []struct {
		ev   Event
		want string
	}{
		{Scan{Now: 7, Level: 12, Programs: Programs(NukeExe, FTPCrackExe), Dead: []Pid{4, 5}, Full: true, Servers: []Server{
			{Host: "home", Home: true, Purchased: true, Rooted: true, MaxRAM: 64 * ram.GB, Cores: 2},
			{Host: "n00dles", PortsRequired: 0, MaxRAM: 4 * ram.GB, Cores: 1, MaxMoney: 1.75e6, Money: 7e4, Security: 1.5,
				MinSecurity: 1, BaseSecurity: 1, Growth: 3000, RequiredLevel: 1},
		}}, "Scan now=7 level=12 programs=[NUKE.exe FTPCrack.exe] dead=[4 5] full servers=[" +
			"{home home purchased root ports=0 ram=64GB cores=2 level=0} " +
			"{n00dles ports=0 ram=4GB cores=1 money=70000 max-money=1.75e+06 sec=1.5 min-sec=1 base-sec=1 growth=3000 level=1}]"},
		{Subscribe{Rid: 1, Pid: 2, Reply: 3}, "Subscribe rid=1 pid=2 reply=3"},
		{Delivered{Send: 3, OK: true}, "Delivered send=3 ok"},
		{Delivered{Send: 3}, "Delivered send=3 failed"},
		{Result{ID: 4, OK: true}, "Result id=4 ok"},
		{Result{ID: 4, Reason: "Not enough ports"}, `Result id=4 failed="Not enough ports"`},
		{nil, "<nil>"},
		{bogusEvent{}, "<unknown event>"},
	}
	for _, tt := range tests {
		if got := DescribeEvent(tt.ev); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

func TestDescribeMsg(t *testing.T) {
	tests := []struct {
		m    Msg
		want string
	}{
		{Register{Host: "pserv-0", Kind: KindPurchased, Cores: 1, MaxRAM: 32 * ram.GB}, "Register pserv-0 kind=purchased ram=32GB cores=1"},
		{Targets{Rid: 2, Seq: 5, Now: 600, Level: 9, Targets: []Target{{Host: "a"}, {Host: "b"}}}, "Targets rid=2 seq=5 now=600 level=9 targets=[a b]"},
		{Reject{Rid: 1, Reason: `pid "0"`}, `Reject rid=1 reason="pid \"0\""`},
		{nil, "<nil>"},
	}
	for _, tt := range tests {
		if got := DescribeMsg(tt.m); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
	if got := DescribeSend(Send{ID: 4, Port: 100, Msg: Reject{Rid: 1}}); got != `send id=4 port=100 Reject rid=1 reason=""` {
		t.Errorf("DescribeSend = %s", got)
	}
	if got := DescribeOpen(Open{ID: 1, Host: "x", Program: RelaySMTPExe}); got != "open id=1 host=x program=relaySMTP.exe" {
		t.Errorf("DescribeOpen = %s", got)
	}
	if got := DescribeNuke(Nuke{ID: 2, Host: "x"}); got != "nuke id=2 host=x" {
		t.Errorf("DescribeNuke = %s", got)
	}
	if got := Kind(9).String() + " " + Program(9).File(); got != "kind9 program9" {
		t.Errorf("unknown names = %s", got)
	}
}

// Every program's file name finds the program again; other names do not.
func TestProgramByFile(t *testing.T) {
	for p := range numPrograms {
		if got, ok := ProgramByFile(p.File()); !ok || got != p {
			t.Errorf("ProgramByFile(%q) = %v, %v", p.File(), got, ok)
		}
	}
	for _, name := range []string{"", "nuke.exe", "Formulas.exe"} {
		if _, ok := ProgramByFile(name); ok {
			t.Errorf("ProgramByFile(%q) found a program", name)
		}
	}
	if s := Programs(NukeExe, HTTPWormExe, SQLInjectExe); !s.Has(HTTPWormExe) || s.Has(BruteSSHExe) || s.Openers() != 2 || s.Has(numPrograms) {
		t.Errorf("set %08b", s)
	}
}
