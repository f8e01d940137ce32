package jsglue

import "unicode/utf8"

// Text7 writes b as the body of a double-quoted JavaScript string, seven
// bits to a character, so that the module file costs about 8/7 of the
// bytes it carries where base64 costs 4/3. The file is counted, fetched
// and saved as UTF-8, where U+0001..U+007F take one byte each.
//
// The bits of b, first byte first and high bit first, are cut into
// groups of seven (the last one padded with zeros). A group is written as
// the character of its value, unless that character cannot stand in a
// string literal or in a text file (see text7Escaped): then that group
// and the next one (zero past the end) are written together as the one
// two-byte character U+0080 + 128·k + next, where k is the group's place
// in text7Escaped. That character carries fourteen bits in two bytes, so
// an escape costs nothing: every byte of the text carries seven bits.
//
// The decoder (fromText7 in lib/core.js) needs len(b) to drop the
// padding. Every character is in U+0001..U+02FF: no surrogate, no line
// terminator, nothing that JSON.stringify or a UTF-8 round trip changes.
func Text7(b []byte) string {
	out := make([]byte, 0, len(b)*8/7+8)
	var acc uint32 // bits not yet written, at most 14
	var n uint     // how many
	var held int   // an escaped group waiting for the next one, or -1
	held = -1
	emit := func(g byte) {
		switch {
		case held >= 0:
			out = utf8.AppendRune(out, rune(0x80+128*held+int(g)))
			held = -1
		case text7Index[g] >= 0:
			held = int(text7Index[g])
		default:
			out = append(out, g)
		}
	}
	for _, c := range b {
		acc = acc<<8 | uint32(c)
		n += 8
		for n >= 7 {
			n -= 7
			emit(byte(acc >> n & 0x7f))
		}
		acc &= 1<<n - 1
	}
	if n > 0 {
		emit(byte(acc << (7 - n) & 0x7f))
	}
	if held >= 0 {
		emit(0)
	}
	return string(out)
}

// text7Escaped are the values whose one-byte character a string literal
// or the game's text files cannot hold as is: NUL, the two line
// terminators below U+0080, the quote and the backslash. lib/core.js has
// the same list, in the same order.
var text7Escaped = [...]byte{0, '\n', '\r', '"', '\\'}

// text7Index maps a group to its place in text7Escaped, or -1.
var text7Index = func() (ix [128]int8) {
	for i := range ix {
		ix[i] = -1
	}
	for k, v := range text7Escaped {
		ix[v] = int8(k)
	}
	return ix
}()
