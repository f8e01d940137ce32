// The loader and WASI shim against the real core.wasm, in V8 (Node), as
// the game runs them. Run with: node --import ./jsglue/test/register.mjs --test jsglue/test/
import test from "node:test";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { Core, CoreTrap, compiledCore, fromText7, inflate, wasiImports } from "/ramfarm/lib/core.js";
import { WASM_GZ, WASM_GZ_BYTES, WASM_HASH } from "/ramfarm/lib/core-wasm.js";
import { MEMD_ROLE, ev, parts } from "/ramfarm/lib/memdwire.js";
import { MEMD_PORT, T } from "/ramfarm/lib/protocol.js";

if (!globalThis.crypto) globalThis.crypto = webcrypto;

test("the module file carries the module gzipped, and the loader inflates it", async () => {
  const gz = fromText7(WASM_GZ, WASM_GZ_BYTES);
  assert.deepEqual(Array.from(gz.subarray(0, 3)), [0x1f, 0x8b, 8], "core-wasm.js holds gzip");
  const bytes = new Uint8Array(await inflate());
  assert.deepEqual(Array.from(bytes.subarray(0, 4)), [0, 0x61, 0x73, 0x6d]);
  assert.ok(WebAssembly.validate(bytes), "the inflated module validates");
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hash = Array.from(sum.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(hash, WASM_HASH, "the inflated module is the one the file was made from");
  assert.ok(bytes.length > 3 * WASM_GZ.length, "the module is larger than its gzipped text");
});

test("the module is compiled once per realm and cached by hash", async () => {
  const a = await compiledCore();
  const b = await compiledCore();
  assert.equal(a, b);
  const keys = Object.keys(globalThis).filter((k) => k.startsWith("ramfarm.core."));
  assert.equal(keys.length, 1);
  const names = WebAssembly.Module.exports(a).map((e) => e.name);
  for (const n of ["rf_buf", "rf_out", "rf_create", "rf_step", "rf_ready", "rf_advance", "rf_destroy", "memory"]) {
    assert.ok(names.includes(n), `export ${n} missing`);
  }
  for (const n of names) assert.ok(!["run", "exec", "kill", "hack", "grow", "weaken", "scan"].includes(n), `costly export name ${n}`);
});

test("instances are separate: each script gets its own engine state", async () => {
  const c1 = await Core.open();
  const c2 = await Core.open();
  const e1 = c1.engine("memd", {});
  const e2 = c2.engine("memd", {});
  assert.equal(e1.h, 1);
  assert.equal(e2.h, 1, "a fresh instance starts its own handle table");
  e1.free();
  e2.free();
});

test("memd: a growable request is granted on the next tick", async () => {
  const core = await Core.open();
  const eng = core.engine(MEMD_ROLE, { homeReserve: 0 });
  let [, , , , observe] = parts(eng.ready());
  assert.deepEqual(observe, ["home"]);
  eng.advance();
  eng.step([
    ev.msg({ t: T.alloc, rid: 7, pid: 5, reply: 200, chunk: 4, count: 10, growable: true }),
    ev.tick(0, [], [["home", true, 8, 0]]),
  ]);
  let [clear, sends, , watch, noObserve, errors] = parts(eng.ready());
  assert.deepEqual([clear, errors, noObserve], [[], [], undefined]);
  assert.equal(sends.length, 1);
  const [id, port, msg] = sends[0];
  assert.equal(port, 200);
  assert.equal(msg.t, T.granted);
  assert.equal(msg.rid, 7);
  assert.deepEqual(msg.held, [["home", 4, 2]]);
  assert.deepEqual(watch, [5]);
  eng.advance();
  // Acknowledged, nothing new: nothing to do.
  eng.step([ev.sent(id, true)]);
  [, sends, , watch] = parts(eng.ready());
  assert.deepEqual([sends, watch], [[], undefined]);
});

test("memd: a malformed message gets an error answer and changes nothing", async () => {
  const core = await Core.open();
  const eng = core.engine(MEMD_ROLE, {});
  eng.advance();
  eng.step([ev.msg({ t: T.alloc, rid: 3, pid: 5, reply: 201, chunk: "big", count: 1 })]);
  const [, sends, , , , errors] = parts(eng.ready());
  assert.equal(sends.length, 1);
  const [, port, msg] = sends[0];
  assert.equal(port, 201);
  assert.equal(msg.t, T.error);
  assert.equal(msg.rid, 3);
  assert.match(msg.reason, /chunk/);
  assert.deepEqual(errors, ['event 0: alloc: field "chunk" wrong type: want number, got string']);
  assert.equal(MEMD_PORT, 100);
});

test("memd: a bad config is rejected with the module's message", async () => {
  const core = await Core.open();
  assert.throws(() => core.engine("memd", { reserve: 8 }), /unknown key "reserve"/);
  assert.throws(() => core.engine("nope", {}), /unknown role/);
});

test("a trap kills the instance; a fresh one works", async () => {
  const core = await Core.open();
  const eng = core.engine("memd", {});
  // Stand in for a Go panic inside an export: V8 throws a RuntimeError.
  core.ex = { ...core.ex, rf_ready: () => { throw new WebAssembly.RuntimeError("unreachable"); } };
  assert.throws(() => eng.ready(), (e) => e instanceof CoreTrap && /unreachable/.test(e.message));
  assert.ok(core.dead);
  assert.throws(() => core.engine("memd", {}), /instance is dead/);
  const fresh = await Core.open();
  assert.deepEqual(fresh.engine("memd", {}).ready().observe, ["home"]);
});

test("WASI shim: random_get fills across 64 KiB chunks, clock_time_get, fd_write", () => {
  const st = { memory: new WebAssembly.Memory({ initial: 8 }), stderr: [] };
  const shim = wasiImports(st);
  const mem = new Uint8Array(st.memory.buffer);
  const base = 1024, len = 200000;
  assert.equal(shim.random_get(base, len), 0);
  let zeros = 0;
  for (let i = base + len - 1000; i < base + len; i++) if (mem[i] === 0) zeros++;
  assert.ok(zeros < 50, "the tail past the 64 KiB chunks was filled");
  const v = new DataView(st.memory.buffer);
  assert.equal(shim.clock_time_get(1, 0, base), 0);
  assert.ok(v.getUint32(base, true) + v.getUint32(base + 4, true) * 4294967296 >= 1e9, "clock starts past zero");
  assert.equal(shim.args_sizes_get(base, base + 4), 0);
  assert.equal(v.getUint32(base, true) + v.getUint32(base + 4, true), 0);
  new TextEncoder().encodeInto("boom\n", mem.subarray(base + 100));
  v.setUint32(base + 64, base + 100, true);
  v.setUint32(base + 68, 5, true);
  assert.equal(shim.fd_write(2, base + 64, 1, base + 80), 0);
  assert.equal(v.getUint32(base + 80, true), 5);
  assert.equal(st.stderr.join(""), "boom\n");
  // poll_oneoff: every subscription reported ready, userdata echoed.
  v.setUint32(base + 200, 0xabcdef, true);
  v.setUint8(base + 208, 0);
  assert.equal(shim.poll_oneoff(base + 200, base + 300, 1, base + 400), 0);
  assert.equal(v.getUint32(base + 300, true), 0xabcdef);
  assert.equal(v.getUint32(base + 400, true), 1);
  assert.equal(shim.fd_prestat_get(3, base), 8, "EBADF: no preopened directories");
  assert.throws(() => shim.proc_exit(3), /exited with code 3/);
});

test("memd: messages that cannot be encoded or parsed are refused alone", async () => {
  const core = await Core.open();
  const eng = core.engine(MEMD_ROLE, {});
  eng.advance();
  const cyclic = { t: T.alloc, rid: 1, reply: 300 };
  cyclic.self = cyclic;
  let deep = { t: T.alloc };
  for (let i = 0; i < 100; i++) deep = { t: T.alloc, rid: 4, reply: 303, x: deep };
  const refused = eng.step([
    ev.msg(cyclic),
    ev.msg({ t: T.alloc, rid: 2n, reply: 301 }),
    ev.msg({ t: T.alloc, rid: 3, reply: 302, pad: "x".repeat(1 << 20) }),
    ev.msg(deep),
    ev.msg({ t: T.alloc, rid: 7, pid: 5, reply: 200, chunk: 4, count: 1, growable: true }),
    ev.tick(0, [], [["home", true, 8, 0]]),
  ]);
  assert.deepEqual(refused.map((r) => r.event.body.reply), [300, 301, 302, 303]);
  assert.match(refused[0].reason, /^not JSON: .*circular/i);
  assert.match(refused[1].reason, /^not JSON: .*BigInt/i);
  assert.match(refused[2].reason, /^1048\d+ bytes, over the 262144-byte limit$/);
  assert.match(refused[3].reason, /deep|nest|depth/i);
  for (const r of refused) assert.ok(r.reason.length < 300, `reason of ${r.reason.length} characters`);
  // The good request in the same batch was served.
  const [, sends, , , , errors] = parts(eng.ready());
  assert.deepEqual(errors, []);
  assert.deepEqual(sends.map(([, port, msg]) => [port, msg.t, msg.rid]), [[200, T.granted, 7]]);
});
