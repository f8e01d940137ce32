// @ts-check
// The loader and the real core module in the browser's own engine: the
// checks jsglue/test/core.test.mjs makes in Node, here in Chromium, with
// the bundle served from the root of the server so the absolute imports
// resolve as in the game. main.go serves this page and reads the verdict.
import { Core, CoreTrap, compiledCore, fromText7, inflate } from "/ramfarm/lib/core.js";
import { WASM_GZ, WASM_GZ_BYTES, WASM_HASH } from "/ramfarm/lib/core-wasm.js";
import { MEMD_ROLE, ev, parts } from "/ramfarm/lib/memdwire.js";
import { EXPORTS, T } from "/ramfarm/lib/protocol.js";

/** @param {unknown} got @param {unknown} want @param {string} what */
function same(got, want, what) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) throw new Error(`${what}: got ${g}, want ${w}`);
}

/** @param {() => unknown} f @param {(e: any) => boolean} ok @param {string} what */
function throwsLike(f, ok, what) {
  try {
    f();
  } catch (e) {
    if (ok(e)) return;
    throw new Error(`${what}: wrong error: ${e}`);
  }
  throw new Error(`${what}: nothing thrown`);
}

/**
 * A module whose one export, rf_ready(i32) -> i32, executes `unreachable`:
 * a real trap of the browser's engine, standing in for a Go panic (the
 * core module has no input that panics on purpose).
 */
function trappingReady() {
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type: (i32) -> i32
    0x03, 0x02, 0x01, 0x00, // one function of that type
    0x07, 0x0c, 0x01, 0x08, ...new TextEncoder().encode(EXPORTS.ready), 0x00, 0x00, // exported
    0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b, // body: unreachable, end
  ]);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  return inst.exports[EXPORTS.ready];
}

/** Each check by name; the driver expects every one of them to pass. @type {Array<[string, () => Promise<void> | void]>} */
const checks = [
  ["inflated", async () => {
    same(Array.from(fromText7(WASM_GZ, WASM_GZ_BYTES).subarray(0, 3)), [0x1f, 0x8b, 8], "core-wasm.js holds gzip");
    const bytes = new Uint8Array(await inflate());
    same(Array.from(bytes.subarray(0, 4)), [0, 0x61, 0x73, 0x6d], "the inflated bytes start as a module");
    same(bytes.length > 3 * WASM_GZ.length, true, "the module is larger than its gzipped text");
    same(WebAssembly.validate(bytes), true, "the inflated module validates");
    const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const hash = Array.from(sum.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
    same(hash, WASM_HASH, "the inflated module is the one the file was made from");
  }],
  ["compiled-once", async () => {
    const a = await compiledCore();
    same(a === (await compiledCore()), true, "second compiledCore() is the cached module");
    same(Object.keys(globalThis).filter((k) => k.startsWith("ramfarm.core.")).length, 1, "cache entries");
    const names = WebAssembly.Module.exports(a).map((e) => e.name);
    for (const n of [...Object.values(EXPORTS), "memory"]) same(names.includes(n), true, `export ${n}`);
  }],
  ["memd-grant", async () => {
    const core = await Core.open();
    const eng = core.engine(MEMD_ROLE, { homeReserve: 0 });
    same(parts(eng.ready())[4], ["home"], "observe");
    eng.advance();
    eng.step([
      ev.msg({ t: T.alloc, rid: 7, pid: 5, reply: 200, chunk: 4, count: 10, growable: true }),
      ev.tick(0, [], [["home", true, 8, 0]]),
    ]);
    const [clear, sends, , watch, observe, errors] = parts(eng.ready());
    same([clear, errors, observe, watch], [[], [], undefined, [5]], "clear, errors, observe, watch");
    same(sends.length, 1, "sends");
    const [id, port, msg] = sends[0];
    same([port, msg.t, msg.rid, msg.held], [200, T.granted, 7, [["home", 4, 2]]], "the grant");
    eng.advance();
    eng.step([ev.sent(id, true)]);
    const [, after, , watchAfter] = parts(eng.ready());
    same([after, watchAfter], [[], undefined], "sends and watch once acknowledged");
    eng.free();
  }],
  ["bad-config", async () => {
    const core = await Core.open();
    throwsLike(() => core.engine(MEMD_ROLE, { reserve: 8 }), (e) => /unknown key "reserve"/.test(e.message), "unknown key");
  }],
  ["trap", async () => {
    const core = await Core.open();
    const eng = core.engine(MEMD_ROLE, {});
    core.ex = { ...core.ex, [EXPORTS.ready]: trappingReady() };
    throwsLike(() => eng.ready(), (e) => e instanceof CoreTrap && /unreachable/.test(e.message), "trapped ready");
    same(core.dead, true, "dead after the trap");
    throwsLike(() => core.engine(MEMD_ROLE, {}), (e) => /instance is dead/.test(e.message), "call after the trap");
  }],
  ["fresh-instance", async () => {
    const core = await Core.open();
    const eng = core.engine(MEMD_ROLE, {});
    same(eng.h, 1, "a fresh instance's first handle");
    same(eng.ready().observe, ["home"], "observe");
  }],
];

/** Runs every check; "pass: <names>" when all held, else one line per failure. */
export async function run() {
  const passed = [], failed = [];
  for (const [name, check] of checks) {
    try {
      await check();
      passed.push(name);
    } catch (e) {
      failed.push(`fail: ${name}: ${/** @type {any} */ (e)?.stack ?? e}`);
    }
  }
  return failed.length ? [...failed, `passed: ${passed.join(" ")}`].join("\n") : `pass: ${passed.join(" ")}`;
}
