package jsrt

import (
	"strconv"
	"strings"
	"testing"
)

func TestTextEncoder_roundTrip(t *testing.T) {
	tests := []struct {
		name, str, bytes string
	}{
		{"empty", ``, `[]`},
		{"ascii", `"hi"`, `[104,105]`},
		{"latin1", `"é"`, `[195,169]`},
		{"bmp", `"€"`, `[226,130,172]`},
		{"astral", `"😀"`, `[240,159,152,128]`},
		{"mixed", `"a€😀z"`, `[97,226,130,172,240,159,152,128,122]`},
		{"nul", `"\u0000"`, `[0]`},
	}
	env := newTestEnv(t, 1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.str
			if src == "" {
				src = `undefined`
			}
			if got := env.evalJSON(t, `Array.from(new TextEncoder().encode(`+src+`))`); got != tt.bytes {
				t.Errorf("encode = %s, want %s", got, tt.bytes)
			}
			if tt.str == "" {
				return
			}
			if got := env.eval(t, `new TextDecoder().decode(new Uint8Array(`+tt.bytes+`)) === `+tt.str).ToBoolean(); !got {
				t.Errorf("decode(encode(%s)) differs", tt.str)
			}
		})
	}
}

func TestTextEncoder_loneSurrogate(t *testing.T) {
	env := newTestEnv(t, 1)
	if got := env.evalJSON(t, `Array.from(new TextEncoder().encode("a\ud800b"))`); got != `[97,239,191,189,98]` {
		t.Errorf("encode = %s", got)
	}
}

func TestTextEncoder_encodeInto(t *testing.T) {
	tests := []struct {
		str  string
		size int
		want string
	}{
		{`"abc"`, 8, `{"read":3,"written":3,"bytes":[97,98,99,0,0,0,0,0]}`},
		{`"a€"`, 3, `{"read":1,"written":1,"bytes":[97,0,0]}`},
		{`"😀x"`, 5, `{"read":3,"written":5,"bytes":[240,159,152,128,120]}`},
		{`"😀"`, 3, `{"read":0,"written":0,"bytes":[0,0,0]}`},
	}
	env := newTestEnv(t, 1)
	for _, tt := range tests {
		src := `(() => { const b = new Uint8Array(` + strconv.Itoa(tt.size) + `); const r = new TextEncoder().encodeInto(` + tt.str + `, b); return {read: r.read, written: r.written, bytes: Array.from(b)}; })()`
		if got := env.evalJSON(t, src); got != tt.want {
			t.Errorf("encodeInto(%s, %d) = %s, want %s", tt.str, tt.size, got, tt.want)
		}
	}
}

func TestTextDecoder_decode(t *testing.T) {
	tests := []struct {
		name  string
		input string // JS expression
		opts  string
		want  string // a JS string literal, or the name of the error thrown
	}{
		{"arraybuffer", `new Uint8Array([104, 105]).buffer`, ``, `"hi"`},
		{"dataview slice", `new DataView(new Uint8Array([0, 104, 105, 0]).buffer, 1, 2)`, ``, `"hi"`},
		{"typed array offset", `new Uint8Array(new Uint8Array([1, 0xe2, 0x82, 0xac]).buffer, 1)`, ``, `"€"`},
		{"uint16 view", `new Uint16Array([0x6968])`, ``, `"hi"`},
		{"no input", `undefined`, ``, `""`},
		{"bom stripped", `new Uint8Array([0xef, 0xbb, 0xbf, 0x41])`, ``, `"A"`},
		{"bom kept", `new Uint8Array([0xef, 0xbb, 0xbf, 0x41])`, `{ignoreBOM: true}`, `"\ufeffA"`},
		{"invalid byte", `new Uint8Array([0x61, 0xff, 0x62])`, ``, `"a\ufffdb"`},
		{"truncated 3-byte then ascii", `new Uint8Array([0xe2, 0x82, 0x41])`, ``, `"\ufffdA"`},
		{"truncated at end", `new Uint8Array([0x41, 0xf0, 0x9f, 0x98])`, ``, `"A\ufffd"`},
		{"surrogate encoding", `new Uint8Array([0xed, 0xa0, 0x80])`, ``, `"\ufffd\ufffd\ufffd"`},
		{"overlong", `new Uint8Array([0xc0, 0xaf])`, ``, `"\ufffd\ufffd"`},
		{"fatal", `new Uint8Array([0x61, 0xff])`, `{fatal: true}`, `TypeError`},
		{"not a buffer", `[1, 2]`, ``, `TypeError`},
	}
	env := newTestEnv(t, 1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if opts == "" {
				opts = "undefined"
			}
			got := env.eval(t, checkSrc(`new TextDecoder("utf-8", `+opts+`).decode(`+tt.input+`)`, tt.want)).String()
			if got != "ok" {
				t.Errorf("decode = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestTextDecoder_stream(t *testing.T) {
	env := newTestEnv(t, 1)
	got := env.evalJSON(t, `(() => {
		const d = new TextDecoder();
		const bytes = new TextEncoder().encode("\ufeffx😀é");
		let s = "";
		for (const b of bytes) s += d.decode(new Uint8Array([b]), {stream: true});
		s += d.decode();
		return [s, d.decode(new Uint8Array([0xf0, 0x9f]), {stream: true}), d.decode()];
	})()`)
	if want := `["x😀é","","�"]`; got != want {
		t.Errorf("stream = %s, want %s", got, want)
	}
}

func TestTextDecoder_labels(t *testing.T) {
	env := newTestEnv(t, 1)
	if got := env.eval(t, `new TextDecoder(" UTF8 ").encoding`).String(); got != "utf-8" {
		t.Errorf("encoding = %s", got)
	}
	got := env.eval(t, `(() => { try { new TextDecoder("latin1"); return "ok"; } catch (e) { return e.name; } })()`).String()
	if got != "RangeError" {
		t.Errorf("latin1 label: %s", got)
	}
}

func TestAtobBtoa(t *testing.T) {
	tests := []struct {
		fn, in, want string // want is a JS string literal or the name of the error thrown
	}{
		{"btoa", `""`, `""`},
		{"btoa", `"hello"`, `"aGVsbG8="`},
		{"btoa", `"\u00ff\u0000\u0080"`, `"/wCA"`},
		{"btoa", `"€"`, `InvalidCharacterError`},
		{"atob", `"aGVsbG8="`, `"hello"`},
		{"atob", `"aGVsbG8"`, `"hello"`},
		{"atob", `" aG Vs\nbG8= "`, `"hello"`},
		{"atob", `"/wCA"`, `"ÿ\u0000\u0080"`},
		{"atob", `"YR=="`, `"a"`},
		{"atob", `"a"`, `InvalidCharacterError`},
		{"atob", `"aGVs=bG8"`, `InvalidCharacterError`},
		{"atob", `"aGVsbG8=="`, `InvalidCharacterError`},
		{"atob", `"a-b_"`, `InvalidCharacterError`},
		{"atob", `""`, `""`},
	}
	env := newTestEnv(t, 1)
	for _, tt := range tests {
		if got := env.eval(t, checkSrc(tt.fn+`(`+tt.in+`)`, tt.want)).String(); got != "ok" {
			t.Errorf("%s(%s) = %s, want %s", tt.fn, tt.in, got, tt.want)
		}
	}
	if got := env.eval(t, `(() => { const s = Array.from({length: 256}, (_, i) => String.fromCharCode(i)).join(""); return atob(btoa(s)) === s; })()`).ToBoolean(); !got {
		t.Error("atob(btoa(all bytes)) differs")
	}
	if got := env.eval(t, `(() => { try { atob("a"); } catch (e) { return e instanceof DOMException && e instanceof Error && e.code === 5; } })()`).ToBoolean(); !got {
		t.Error("atob error is not a DOMException with code 5")
	}
}

// checkSrc evaluates expr and returns "ok" when it equals want (a JS string
// literal) or throws an error named want; otherwise what it got.
func checkSrc(expr, want string) string {
	if strings.HasPrefix(want, `"`) {
		return `(() => { try { const r = ` + expr + `; return r === ` + want + ` ? "ok" : JSON.stringify(r); } catch (e) { return "threw " + e.name; } })()`
	}
	return `(() => { try { return "returned " + JSON.stringify(` + expr + `); } catch (e) { return e.name === "` + want + `" ? "ok" : "threw " + e.name; } })()`
}

func TestUint8ArrayFromBase64(t *testing.T) {
	env := newTestEnv(t, 1)
	for _, tc := range []struct{ src, want string }{
		{`Array.from(Uint8Array.fromBase64("AAEC/w==")).join(",")`, "0,1,2,255"},
		{`Uint8Array.fromBase64("").length`, "0"},
		{`(() => { try { Uint8Array.fromBase64("@@"); return "no error" } catch (e) { return e.name } })()`, "SyntaxError"},
		{`Uint8Array.fromBase64("aGk=") instanceof Uint8Array`, "true"},
	} {
		if got := env.eval(t, tc.src).String(); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestSubtleDigest(t *testing.T) {
	env := newTestEnv(t, 1)
	hex := `(b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("")`
	tests := []struct{ src, want string }{
		{`crypto.subtle.digest("SHA-256", new TextEncoder().encode("abc")).then(` + hex + `)`,
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{`crypto.subtle.digest({name: "sha-1"}, new Uint8Array(0).buffer).then(` + hex + `)`,
			"da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{`crypto.subtle.digest("SHA-256", new DataView(new TextEncoder().encode("xabcx").buffer, 1, 3)).then(` + hex + `)`,
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{`crypto.subtle.digest("MD5", new Uint8Array(1)).catch((e) => e.name)`, "NotSupportedError"},
		{`crypto.subtle.digest("SHA-256", "abc").catch((e) => e.name)`, "TypeError"},
	}
	for _, tt := range tests {
		env.eval(t, `globalThis.out = "pending"; (`+tt.src+`).then((v) => { globalThis.out = v; })`)
		if got := env.eval(t, `out`).String(); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.src, got, tt.want)
		}
	}
}
