package jsrt

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"io"
	"strings"
	"testing"
)

// compressed returns text compressed in a Compression Streams format.
func compressed(t *testing.T, format, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	var w io.WriteCloser
	switch format {
	case "gzip":
		w = gzip.NewWriter(&b)
	case "deflate":
		w = zlib.NewWriter(&b)
	case "deflate-raw":
		w, _ = flate.NewWriter(&b, flate.BestCompression)
	}
	if _, err := io.WriteString(w, text); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// inflateJS runs the loader's chain on bytes and answers the text it
// resolved to or the error it rejected with.
func inflateJS(t *testing.T, env *testEnv, format string, in []byte) string {
	t.Helper()
	env.eval(t, `globalThis.out = undefined;
		new Response(new Response(Uint8Array.fromBase64("`+base64.StdEncoding.EncodeToString(in)+`")).body
			.pipeThrough(new DecompressionStream("`+format+`"))).arrayBuffer()
			.then((b) => { out = "ok " + new TextDecoder().decode(b); }, (e) => { out = e.name + ": " + e.message; });`)
	return env.eval(t, `out`).String()
}

func TestDecompressionStream_formats(t *testing.T) {
	text := strings.Repeat("ramfarm grows its tasks. ", 200)
	env := newTestEnv(t, 1)
	for _, format := range []string{"gzip", "deflate", "deflate-raw"} {
		t.Run(format, func(t *testing.T) {
			in := compressed(t, format, text)
			if got := inflateJS(t, env, format, in); got != "ok "+text {
				t.Errorf("inflated %.60q, want the text back", got)
			}
			if got := inflateJS(t, env, format, in[:len(in)-3]); got != "TypeError: DecompressionStream: the compressed data ends too early" {
				t.Errorf("truncated: %q", got)
			}
			if got := inflateJS(t, env, format, append(bytes.Clone(in), 0)); got != "TypeError: DecompressionStream: junk found after the end of the compressed data" {
				t.Errorf("junk after the end: %q", got)
			}
		})
	}
}

func TestDecompressionStream_refusesBadData(t *testing.T) {
	env := newTestEnv(t, 1)
	gz := compressed(t, "gzip", "hello, hello, hello")
	flipped := bytes.Clone(gz)
	flipped[len(flipped)-6] ^= 1 // the CRC-32 in the trailer
	tests := []struct {
		name, format string
		in           []byte
		want         string
	}{
		{"bad checksum", "gzip", flipped, "TypeError: DecompressionStream: the compressed data is not valid: gzip: invalid checksum"},
		{"not gzip", "gzip", []byte("plain text, not gzip"), "TypeError: DecompressionStream: the compressed data is not valid: gzip: invalid header"},
		{"gzip read as zlib", "deflate", gz, "TypeError: DecompressionStream: the compressed data is not valid: zlib: invalid header"},
		{"empty", "deflate-raw", nil, "TypeError: DecompressionStream: the compressed data ends too early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inflateJS(t, env, tt.format, tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResponse_andStreams(t *testing.T) {
	env := newTestEnv(t, 1)
	tests := []struct{ name, src, want string }{
		{"bytes are copied when the Response is made",
			`(() => { const u = new Uint8Array([104, 105]); const r = new Response(u); u[0] = 0;
				r.arrayBuffer().then((b) => { out = new TextDecoder().decode(b); }); })()`, "hi"},
		{"a string body is UTF-8", `new Response("é").arrayBuffer().then((b) => { out = new Uint8Array(b).join(); })`, "195,169"},
		{"no body reads as empty", `(() => { out = String(new Response().body); new Response().arrayBuffer().then((b) => { out += b.byteLength; }); })()`, "null0"},
		{"a body is read once",
			`(() => { const r = new Response("x"); r.arrayBuffer(); out = String(r.bodyUsed);
				r.arrayBuffer().catch((e) => { out += " " + e.message; }); })()`,
			"true Failed to execute 'arrayBuffer' on 'Response': body stream already read"},
		{"a piped stream is locked",
			`(() => { const s = new Response("x").body; s.pipeThrough(new DecompressionStream("gzip")); out = String(s.locked);
				try { s.pipeThrough(new DecompressionStream("gzip")); } catch (e) { out += " " + e.message; } })()`,
			"true Failed to execute 'pipeThrough' on 'ReadableStream': Cannot pipe a locked stream"},
		{"a locked stream is no body",
			`(() => { const s = new Response("x").body; s.pipeThrough(new DecompressionStream("gzip"));
				try { new Response(s); } catch (e) { out = e.message; } })()`,
			"Failed to construct 'Response': Response body object should not be disturbed or locked"},
		{"only a DecompressionStream is piped through",
			`(() => { try { new Response("x").body.pipeThrough({ readable: 1, writable: 2 }); } catch (e) { out = e.name; } })()`, "TypeError"},
		{"an unknown format",
			`(() => { try { new DecompressionStream("brotli"); } catch (e) { out = e.message; } })()`,
			"Failed to construct 'DecompressionStream': Unsupported compression format: 'brotli'"},
		{"nothing piped in",
			`new Response(new DecompressionStream("gzip").readable).arrayBuffer().catch((e) => { out = e.name; })`, "TypeError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.eval(t, `globalThis.out = undefined; `+tt.src)
			if got := env.eval(t, `String(out)`).String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
