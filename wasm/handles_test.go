package main

import "testing"

func TestTable(t *testing.T) {
	tb := newTable()
	if _, err := tb.create("no-such-role", nil); err == nil {
		t.Fatal("unknown role accepted")
	}
	h1, err := tb.create("memd", nil)
	if err != nil || h1 != 1 {
		t.Fatalf("create = %d, %v", h1, err)
	}
	h2, _ := tb.create("memd", []byte(`{"homeReserve":8}`))
	if h2 != 2 {
		t.Fatalf("second handle = %d", h2)
	}
	if !tb.destroy(h1) || tb.destroy(h1) {
		t.Fatal("destroy must succeed once")
	}
	if _, ok := tb.get(h1); ok {
		t.Fatal("destroyed handle still served")
	}
	h3, _ := tb.create("memd", nil)
	if h3 != 3 {
		t.Fatalf("handles must not be reused: got %d", h3)
	}
}

func TestSplitCreate(t *testing.T) {
	buf := []byte("memd{}")
	tests := []struct {
		name            string
		roleLen, cfgLen int32
		role, cfg       string
		ok              bool
	}{
		{"role and config", 4, 2, "memd", "{}", true},
		{"whole buffer is the role", 6, 0, "memd{}", "", true},
		{"past the end", 4, 3, "", "", false},
		{"negative role", -1, 2, "", "", false},
		{"negative config", 4, -2, "", "", false},
		{"sum overflows int32", 0x7fffffff, 1, "", "", false},
		{"both large", 0x40000000, 0x40000000, "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			role, cfg, ok := splitCreate(buf, tc.roleLen, tc.cfgLen)
			if ok != tc.ok || role != tc.role || string(cfg) != tc.cfg {
				t.Errorf("splitCreate(%d, %d) = %q, %q, %v; want %q, %q, %v", tc.roleLen, tc.cfgLen, role, cfg, ok, tc.role, tc.cfg, tc.ok)
			}
		})
	}
}
