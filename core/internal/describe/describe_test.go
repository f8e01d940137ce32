package describe

import (
	"testing"

	"ramfarm/core/ram"
)

func TestLine(t *testing.T) {
	tests := []struct {
		name string
		got  *Line
		want string
	}{
		{"name only", New("Tick"), "Tick"},
		{"name with spaces", New("at 5:"), "at 5:"},
		{"S", New("X").S("host", "n00dles"), "X host=n00dles"},
		{"S empty", New("X").S("k", ""), "X k="},
		{"I", New("X").I("now", -1234567890123), "X now=-1234567890123"},
		{"N", New("X").N("count", 42), "X count=42"},
		{"R", New("X").R("ram", 175), "X ram=1.75GB"},
		{"R whole", New("X").R("ram", 4*ram.GB), "X ram=4GB"},
		{"Q", New("X").Q("reason", `no "ram"`), `X reason="no \"ram\""`},
		{"Q empty", New("X").Q("host", ""), `X host=""`},
		{"F", New("X").F("rate", 0.1), "X rate=0.1"},
		{"F large uses exponent", New("X").F("money", 1.5e21), "X money=1.5e+21"},
		{"F whole", New("X").F("level", 100), "X level=100"},
		{"Fixed shortest", New("X").Fixed("money", 1.5e21, -1), "X money=1500000000000000000000"},
		{"Fixed shortest fraction", New("X").Fixed("security", 2.25, -1), "X security=2.25"},
		{"Fixed 3", New("X").Fixed("delay", 1.5, 3), "X delay=1.500"},
		{"Fixed 3 rounds", New("X").Fixed("delay", 0.12345, 3), "X delay=0.123"},
		{"Fixed 0", New("X").Fixed("money/s", 2.5e6+0.4, 0), "X money/s=2500000"},
		{"Flag on", New("X").Flag("root", true), "X root"},
		{"Flag off", New("X").Flag("root", false), "X"},
		{"T true", New("X").T("done", true), "X done=true"},
		{"T false", New("X").T("done", false), "X done=false"},
		{
			"chain",
			New("Launch").I("id", 7).S("kind", "sow").Q("target", "joesguns").Flag("growable", true).R("ram", 800).Flag("x", false),
			`Launch id=7 kind=sow target="joesguns" growable ram=8GB`,
		},
	}
	for _, tt := range tests {
		if s := tt.got.String(); s != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, s, tt.want)
		}
	}
}

func TestLineAppendsInPlace(t *testing.T) {
	l := New("Release").I("id", 3)
	l.Flag("all", true)
	if got, want := l.String(), "Release id=3 all"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestName(t *testing.T) {
	names := []string{"zero", "", "two"}
	for _, tt := range []struct {
		i    int
		want string
	}{{0, "zero"}, {1, "mode1"}, {2, "two"}, {3, "mode3"}, {-1, "mode-1"}} {
		if got := Name(names, tt.i, "mode"); got != tt.want {
			t.Errorf("Name(%d) = %q, want %q", tt.i, got, tt.want)
		}
	}
}
