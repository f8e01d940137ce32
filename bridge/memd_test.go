package bridge

import (
	"strings"
	"testing"
)

func TestParseMemdConfig(t *testing.T) {
	tests := []struct {
		cfg, err string
		check    func(MemdConfig) bool
	}{
		{`{}`, "", func(c MemdConfig) bool { return c.Home == "home" && c.Memory.HomeReserve == 0 && c.Memory.SelfRAM == 0 }},
		{`{"homeReserve":4.5,"selfHost":"home","selfRam":2}`, "", func(c MemdConfig) bool {
			return c.Memory.HomeReserve == 450 && c.Memory.SelfHost == "home" && c.Memory.SelfRAM == 200
		}},
		{`{"selfRam":-1}`, `"selfRam"`, nil},
		{`{"selfRam":1.234}`, `"selfRam"`, nil},
		{`{"self":"home"}`, `unknown key "self"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.cfg, func(t *testing.T) {
			c, err := ParseMemdConfig([]byte(tt.cfg))
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v, want one naming %s", err, tt.err)
			case tt.check != nil && !tt.check(c):
				t.Fatalf("config %+v", c)
			}
		})
	}
	// The engine rejects own RAM with no host to hold it.
	if _, err := NewMemd([]byte(`{"selfRam":2}`)); err == nil {
		t.Fatal("own RAM on no host accepted")
	}
}
