// The loader's 7-bit text decoder against what jsglue/text7.go writes
// (test/text7-vectors.json, kept current by text7_test.go): every byte
// value, every length to 64, runs of escapes.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fromText7 } from "/ramfarm/lib/core.js";

const vectors = JSON.parse(readFileSync(new URL("./text7-vectors.json", import.meta.url), "utf8"));

/** @param {string} hex */
const bytesOf = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

test("fromText7 decodes every vector text7.go wrote", () => {
  assert.ok(vectors.length > 300);
  for (const { hex, text } of vectors) {
    const want = bytesOf(hex);
    assert.deepEqual(fromText7(text, want.length), want, `vector ${hex}`);
  }
});

test("fromText7 decodes the vectors joined: escapes and groups across any byte boundary", () => {
  // Seven bytes are eight whole groups, so texts of 7k bytes concatenate.
  const whole = vectors.filter((v) => (v.hex.length / 2) % 7 === 0);
  assert.ok(whole.length >= 10);
  const text = whole.map((v) => v.text).join("");
  const want = bytesOf(whole.map((v) => v.hex).join(""));
  assert.deepEqual(fromText7(text, want.length), want);
});

test("fromText7 refuses text that is not 7-bit text of n bytes", () => {
  for (const [text, n, why] of [
    ["\x7f@", 2, /groups for 2 bytes/], // too short
    ["\x7f@@@", 1, /groups for 1 bytes/], // too long
    ['\x7f"', 1, /unescaped U\+22/],
    ["\x7f\n", 1, /unescaped U\+a/],
    ["\x7f\u0300", 1, /U\+300/],
    ["\ud800", 1, /U\+d800/],
  ]) {
    assert.throws(() => fromText7(/** @type {string} */ (text), /** @type {number} */ (n)), why, `${JSON.stringify(text)}`);
  }
});
