package ramcalc

import "testing"

func TestIdentName(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"hack", "hack"},
		{`\u0068ack`, "hack"},
		{`h\u{61}ck`, "hack"},
		{`\u{1F600}x`, "\U0001F600x"},
		{`\u00e9t\u00E9`, "été"},
		{`a\u12`, `a\u12`}, // malformed: left as written
	}
	for _, tt := range tests {
		if got := identName([]byte(tt.raw)); got != tt.want {
			t.Errorf("identName(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestStringValue(t *testing.T) {
	tests := []struct {
		lit, want string
		ok        bool
	}{
		{`"lib.js"`, "lib.js", true},
		{`'lib.js'`, "lib.js", true},
		{`"lib\x2ejs"`, "lib.js", true},
		{`"l\u0069b\u{2E}js"`, "lib.js", true},
		{`"a\nb\tc\\d\'e\"f"`, "a\nb\tc\\d'e\"f", true},
		{"\"a\\\nb\"", "ab", true},
		{"\"a\\\r\nb\"", "ab", true},
		{`"\uD83D\uDE00"`, "\U0001F600", true},
		{`"\0"`, "\x00", true},
		{`"\q"`, "q", true},
		{`"\01"`, "", false},
		{`"\1"`, "", false},
		{`"\8"`, "", false},
		{`"\x4"`, "", false},
		{`"\u12"`, "", false},
		{`"\u{110000}"`, "", false},
		{`"abc'`, "", false},
		{`abc`, "", false},
	}
	for _, tt := range tests {
		got, ok := stringValue([]byte(tt.lit))
		if got != tt.want || ok != tt.ok {
			t.Errorf("stringValue(%s) = %q, %v; want %q, %v", tt.lit, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCookTemplate(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
	}{
		{`plain`, true},
		{`\${x}`, true},
		{`\0`, true},
		{`\00`, false},
		{`\1`, false},
		{`\9`, false},
		{`\u{zz}`, false},
		{`\xg0`, false},
	}
	for _, tt := range tests {
		if _, msg := cook([]byte(tt.body), true, false); (msg == "") != tt.ok {
			t.Errorf("cook(%q) = %q, want ok %v", tt.body, msg, tt.ok)
		}
	}
}
