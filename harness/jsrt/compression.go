package jsrt

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"

	"github.com/dop251/goja"
)

// compressionNatives back the prelude's Response and DecompressionStream:
// copying a body's bytes when the Response is made, and inflating them.
func (r *Realm) compressionNatives(set func(string, func(goja.FunctionCall) goja.Value)) {
	set("copyBytes", func(c goja.FunctionCall) goja.Value {
		return r.vm.ToValue(r.vm.NewArrayBuffer(bytes.Clone(r.viewBytes(c.Argument(0)))))
	})
	// inflate answers the decompressed bytes as an ArrayBuffer, or why
	// they cannot be as a string.
	set("inflate", func(c goja.FunctionCall) goja.Value {
		out, err := inflate(c.Argument(0).String(), r.viewBytes(c.Argument(1)))
		if err != nil {
			return r.vm.ToValue(err.Error())
		}
		return r.vm.ToValue(r.vm.NewArrayBuffer(out))
	})
}

// inflate undoes one of the Compression Streams formats: "gzip" (RFC
// 1952, one member), "deflate" (the zlib format, RFC 1950) or
// "deflate-raw" (RFC 1951). Like the browser's DecompressionStream it
// refuses truncated data, a bad checksum and bytes after the end.
func inflate(format string, in []byte) ([]byte, error) {
	src := bytes.NewReader(in)
	var rd io.Reader
	switch format {
	case "gzip":
		z, err := gzip.NewReader(src)
		if err != nil {
			return nil, corrupt(err)
		}
		z.Multistream(false)
		rd = z
	case "deflate":
		z, err := zlib.NewReader(src)
		if err != nil {
			return nil, corrupt(err)
		}
		rd = z
	case "deflate-raw":
		rd = flate.NewReader(src)
	default:
		return nil, errors.New("unsupported compression format: '" + format + "'")
	}
	out, err := io.ReadAll(rd)
	if err != nil {
		return nil, corrupt(err)
	}
	if src.Len() > 0 {
		return nil, errors.New("junk found after the end of the compressed data")
	}
	return out, nil
}

func corrupt(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the compressed data ends too early")
	}
	return errors.New("the compressed data is not valid: " + err.Error())
}
