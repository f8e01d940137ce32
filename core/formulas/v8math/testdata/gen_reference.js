// Regenerates v8_reference.txt from the V8 in `node` (the game's vectors
// came from Node 20.20.2). Usage: node gen_reference.js > v8_reference.txt
// Each line: op x [y] result, every number as its 16-hex-digit IEEE bits.
"use strict";
const dv = new DataView(new ArrayBuffer(8));
const hex = (x) => { dv.setFloat64(0, x); return dv.getBigUint64(0).toString(16).padStart(16, "0"); };
const fromBits = (b) => { dv.setBigUint64(0, b); return dv.getFloat64(0); };
let seed = 0x9E3779B97F4A7C15n;
const M = (1n << 64n) - 1n;
const next = () => { seed ^= (seed << 13n) & M; seed ^= seed >> 7n; seed ^= (seed << 17n) & M; return seed; };
const unit = () => Number(next() >> 11n) / 2 ** 53;
const out = [`# node ${process.version}`];
const put = (op, args, r) => out.push([op, ...args.map(hex), hex(r)].join(" "));

const special = [0, -0, 1, -1, 0.5, 2, 3, -3, 1.58, 7.5, 0.8, Math.E, Infinity, -Infinity, NaN,
  5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1 + 2 ** -52, 1 - 2 ** -53,
  709.782712893384, 709.7827128933841, -745.1332191019411, -745.1332191019412, -708.5, 2 ** -28, -(2 ** -29)];
for (const x of special) { put("exp", [x], Math.exp(x)); put("log", [x], Math.log(x)); }
for (const x of special) for (const y of special) put("pow", [x, y], Math.pow(x, y));

for (let i = 0; i < 400; i++) {
  const u = unit();
  const x = [-745 + u * 1455, (u - 0.5) * 4, u * 0.25, (u - 0.5) * 1e-6][i % 4];
  put("exp", [x], Math.exp(x));
}
for (let i = 0; i < 400; i++) {
  const u = unit();
  const x = [fromBits(next() & 0x7FEFFFFFFFFFFFFFn), 1 + (u - 0.5) * 1e-3, u * 2e12, 0.5 + u * 2][i % 4];
  put("log", [x], Math.log(x));
}
for (let i = 0; i < 400; i++) {
  const u = unit(), v = unit();
  let x, y;
  switch (i % 4) {
    case 0: x = u * 10; y = (v - 0.5) * 40; break;
    case 1: x = -u * 10; y = Math.round((v - 0.5) * 60); break;
    case 2: x = 1 + (u - 0.5) * 1e-7; y = (v - 0.5) * 2e10; break;
    case 3: x = u * 4; y = (v - 0.5) * 2200; break;
  }
  put("pow", [x, y], Math.pow(x, y));
}
for (let n = 0; n <= 30; n++) put("pow", [1.58, n], Math.pow(1.58, n));
for (let i = 0; i <= 200; i++) put("pow", [i, 0.8], Math.pow(i, 0.8));
console.log(out.join("\n"));
