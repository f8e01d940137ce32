package ramcalc

import "testing"

// The cases follow REMOTE_API §3.2–3.3: resolution from the root, ".js"
// appended when missing, one leading "/" dropped, "." and ".." applied.
func TestResolveImport(t *testing.T) {
	tests := []struct {
		spec, want string
		ok         bool
	}{
		{"lib.js", "lib.js", true},
		{"lib", "lib.js", true},
		{"/lib.js", "lib.js", true},
		{"./lib.js", "lib.js", true},
		{"dir/../lib.js", "lib.js", true},
		{"/dir/sub/lib", "dir/sub/lib.js", true},
		{"dir/./x.js", "dir/x.js", true},
		{"lib.mjs", "lib.mjs.js", true},
		{"lib.ts", "lib.ts.js", true},
		{"lib.JS", "lib.JS.js", true},
		{"a.b.c.js", "a.b.c.js", true},
		{"...js", "...js", true},
		{"x.txt", "x.txt.js", true},
		{"C:/x.js", "C:/x.js", true},
		{".hidden/x.js", ".hidden/x.js", true},
		{"//lib.js", "", false},
		{"dir//lib.js", "", false},
		{"../lib.js", "", false},
		{"dir/../../lib.js", "", false},
		{".js", "", false},
		{"dir/.js", "", false},
		{"dir/", "", false},
		{"", "", false},
		{"my file.js", "", false},
		{"a#b.js", "", false},
		{"a[1].js", "", false},
		{"a*b.js", "", false},
		{"a?.js", "", false},
		{`a\b.js`, "", false},
		{"d~/a.js", "", false},
		{"a|b.js", "", false},
		{"a!.js", "", false},
		{`a"b.js`, "", false},
		{"a'b.js", "", false},
	}
	for _, tt := range tests {
		got, ok := resolveImport(tt.spec)
		if got != tt.want || ok != tt.ok {
			t.Errorf("resolveImport(%q) = %q, %v; want %q, %v", tt.spec, got, ok, tt.want, tt.ok)
		}
	}
}
