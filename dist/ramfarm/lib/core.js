// @ts-check
// The loader of ramfarm's core module: decodes and inflates the embedded
// module bytes, compiles them once per JS realm (the game runs every script in one
// realm, so globalThis is shared), and gives each script its own instance
// through a minimal WASI preview1 shim.
//
// RAM: nothing here is a netscript name, so importing this file costs a
// script nothing beyond its 1.6 GB base (see WASM_IN_GAME.md).

import { WASM_GZ, WASM_GZ_BYTES, WASM_HASH } from "/ramfarm/lib/core-wasm.js";
import { short } from "/ramfarm/lib/log.js";
import { EXPORTS } from "/ramfarm/lib/protocol.js";

const CACHE_PREFIX = "ramfarm.core.";
const EBADF = 8;

/** The values written escaped, in jsglue/text7.go's order. */
const TEXT7_ESCAPED = [0, 10, 13, 34, 92];
/** Each value's place in TEXT7_ESCAPED, or -1. */
const TEXT7_INDEX = new Int8Array(128).fill(-1);
TEXT7_ESCAPED.forEach((v, k) => (TEXT7_INDEX[v] = k));

/**
 * Decodes the module file's 7-bit text (jsglue/text7.go writes it) into
 * its n bytes: each character below U+0080 is seven bits, each from
 * U+0080 to U+02FF is an escaped group and the group after it. Throws on
 * text that is not such an encoding of n bytes.
 * @param {string} text @param {number} n @returns {Uint8Array}
 */
export function fromText7(text, n) {
  const out = new Uint8Array(n);
  let acc = 0, bits = 0, o = 0, groups = 0;
  for (let i = 0; i < text.length; i++) {
    let g = text.charCodeAt(i), next = -1;
    if (g >= 0x80) {
      const k = (g - 0x80) >> 7;
      if (k >= TEXT7_ESCAPED.length) throw new Error(`7-bit text: U+${g.toString(16)} at ${i}`);
      next = g & 0x7f;
      g = TEXT7_ESCAPED[k];
    } else if (TEXT7_INDEX[g] >= 0) {
      throw new Error(`7-bit text: unescaped U+${g.toString(16)} at ${i}`);
    }
    for (;;) {
      acc = (acc << 7) | g;
      bits += 7;
      groups++;
      if (bits >= 8) {
        bits -= 8;
        if (o < n) out[o++] = acc >> bits;
        acc &= (1 << bits) - 1;
      }
      if (next < 0) break;
      g = next;
      next = -1;
    }
  }
  // Seven bits a group; the last escape may carry one group of padding.
  if (o !== n || 7 * groups >= 8 * n + 14) throw new Error(`7-bit text: ${groups} groups for ${n} bytes`);
  return out;
}

/**
 * The module's bytes. The module file holds them gzipped (a quarter of the
 * size in every save), as 7-bit text; the engine's DecompressionStream
 * inflates them, natively, in every Chromium the game runs on (it has had
 * it since 80).
 * @returns {Promise<ArrayBuffer>}
 */
export function inflate() {
  const gz = /** @type {ReadableStream<Uint8Array>} */ (new Response(fromText7(WASM_GZ, WASM_GZ_BYTES)).body);
  return new Response(gz.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
}

/**
 * The compiled module, shared by every script of the realm. The cache is
 * keyed by the module's hash so a new build never meets an old module, and
 * stale builds are dropped so their memory can be reclaimed.
 * @returns {Promise<WebAssembly.Module>}
 */
export function compiledCore() {
  const g = /** @type {Record<string, any>} */ (globalThis);
  const key = CACHE_PREFIX + WASM_HASH;
  if (!g[key]) {
    for (const k of Object.keys(g)) if (k.startsWith(CACHE_PREFIX)) delete g[k];
    g[key] = inflate().then((bytes) => WebAssembly.compile(bytes));
  }
  return g[key];
}

/**
 * WASI preview1 imports for a Go reactor. Go needs only these; every
 * import must exist at instantiation even if never called.
 * @param {{memory?: WebAssembly.Memory, stderr: string[]}} st
 */
export function wasiImports(st) {
  const view = () => new DataView(/** @type {WebAssembly.Memory} */ (st.memory).buffer);
  const zero2 = (/** @type {number} */ a, /** @type {number} */ b) => {
    const v = view();
    v.setUint32(a, 0, true);
    v.setUint32(b, 0, true);
    return 0;
  };
  const dec = new TextDecoder();
  const ebadf = () => EBADF;
  return {
    args_sizes_get: zero2,
    environ_sizes_get: zero2,
    args_get: () => 0,
    environ_get: () => 0,
    sched_yield: () => 0,
    /** @param {number} _id @param {any} _prec @param {number} out */
    clock_time_get(_id, _prec, out) {
      // Nanoseconds as two 32-bit halves: no BigInt needed. The Go runtime
      // aborts on a first reading of 0, so the clock starts at 1 s.
      const ns = 1e9 + Math.floor(performance.now() * 1e6);
      const v = view();
      v.setUint32(out, ns % 4294967296, true);
      v.setUint32(out + 4, Math.floor(ns / 4294967296), true);
      return 0;
    },
    /** @param {number} buf @param {number} len */
    random_get(buf, len) {
      const mem = /** @type {WebAssembly.Memory} */ (st.memory);
      for (let off = 0; off < len; off += 65536) {
        crypto.getRandomValues(new Uint8Array(mem.buffer, buf + off, Math.min(65536, len - off)));
      }
      return 0;
    },
    /** @param {number} fd @param {number} iovs @param {number} n @param {number} written */
    fd_write(fd, iovs, n, written) {
      const mem = /** @type {WebAssembly.Memory} */ (st.memory);
      const v = view();
      let total = 0;
      for (let i = 0; i < n; i++) {
        const p = v.getUint32(iovs + 8 * i, true);
        const l = v.getUint32(iovs + 8 * i + 4, true);
        if (fd === 1 || fd === 2) st.stderr.push(dec.decode(new Uint8Array(mem.buffer, p, l)));
        total += l;
      }
      v.setUint32(written, total, true);
      return 0;
    },
    /** Reports every subscription ready at once (Go polls only on panic). @param {number} inp @param {number} out @param {number} nsub @param {number} nev */
    poll_oneoff(inp, out, nsub, nev) {
      const v = view();
      for (let i = 0; i < nsub; i++) {
        const s = inp + 48 * i, e = out + 32 * i;
        v.setUint32(e, v.getUint32(s, true), true);
        v.setUint32(e + 4, v.getUint32(s + 4, true), true);
        v.setUint16(e + 8, 0, true);
        v.setUint8(e + 10, v.getUint8(s + 8));
      }
      v.setUint32(nev, nsub, true);
      return 0;
    },
    /** @param {number} code */
    proc_exit(code) {
      throw new Error("ramfarm core exited with code " + code);
    },
    fd_prestat_get: ebadf,
    fd_prestat_dir_name: ebadf,
    fd_fdstat_get: ebadf,
    fd_fdstat_set_flags: ebadf,
    fd_close: ebadf,
  };
}

/** The most bytes one event may take as JSON: a larger port message is refused unread. */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * An event as JSON, or why it cannot be.
 * @param {any} event @returns {[string, string]}
 */
function encodeEvent(event) {
  let json;
  try {
    json = JSON.stringify(event);
  } catch (e) {
    return ["", `not JSON: ${short(e instanceof Error ? e.message : String(e))}`];
  }
  if (json === undefined) return ["", "not JSON"];
  if (json.length > MAX_EVENT_BYTES) return ["", `${json.length} bytes, over the ${MAX_EVENT_BYTES}-byte limit`];
  return [json, ""];
}

/** Thrown when the module trapped; the instance is gone, open a new Core. */
export class CoreTrap extends Error {
  /** @param {string} msg @param {string} stderr */
  constructor(msg, stderr) {
    super(msg + (stderr ? "\n" + stderr : ""));
    this.name = "CoreTrap";
  }
}

/** One instance of the core module. */
export class Core {
  /** @param {WebAssembly.Instance} inst @param {{memory?: WebAssembly.Memory, stderr: string[]}} st */
  constructor(inst, st) {
    this.ex = /** @type {Record<string, any>} */ (inst.exports);
    this.st = st;
    this.dead = false;
    this.enc = new TextEncoder();
    this.dec = new TextDecoder();
  }

  /** Instantiates the shared compiled module. */
  static async open() {
    const mod = await compiledCore();
    const st = { memory: undefined, stderr: [] };
    const inst = await WebAssembly.instantiate(mod, { wasi_snapshot_preview1: wasiImports(st) });
    st.memory = /** @type {WebAssembly.Memory} */ (inst.exports.memory);
    const core = new Core(inst, st);
    core.call("_initialize");
    return core;
  }

  /** Calls an export; a trap kills this instance. @param {string} name @param {...number} a */
  call(name, ...a) {
    if (this.dead) throw new CoreTrap("ramfarm core: instance is dead", "");
    try {
      return this.ex[name](...a);
    } catch (e) {
      this.dead = true;
      throw new CoreTrap("ramfarm core trapped in " + name + ": " + String(e), this.st.stderr.join(""));
    }
  }

  /** Copies bytes into the module's input buffer. @param {Uint8Array} b */
  input(b) {
    const p = this.call(EXPORTS.buf, b.length);
    new Uint8Array(/** @type {WebAssembly.Memory} */ (this.st.memory).buffer, p, b.length).set(b);
  }

  /** Reads the last output. @param {number} n */
  output(n) {
    const p = this.call(EXPORTS.out);
    return this.dec.decode(new Uint8Array(/** @type {WebAssembly.Memory} */ (this.st.memory).buffer, p, n));
  }

  /**
   * Creates an engine of a role with its config; throws the module's
   * validation error as is.
   * @param {string} role @param {object} config
   */
  engine(role, config) {
    const r = this.enc.encode(role), c = this.enc.encode(JSON.stringify(config));
    const b = new Uint8Array(r.length + c.length);
    b.set(r);
    b.set(c, r.length);
    this.input(b);
    const h = this.call(EXPORTS.create, r.length, c.length);
    if (h < 0) throw new Error(this.output(-h));
    return new Engine(this, h);
  }
}

/** A service in the core module: events in, commands out. */
export class Engine {
  /** @param {Core} core @param {number} h */
  constructor(core, h) {
    this.core = core;
    this.h = h;
  }

  /**
   * Applies a batch of events. An event that cannot be encoded (a cyclic
   * or BigInt value a foreign script wrote to a port), is over
   * MAX_EVENT_BYTES, or that the module cannot parse (nested too deep) is
   * left out and returned with why; the others are stepped all the same.
   * @param {object[]} events @returns {{event: any, reason: string}[]}
   */
  step(events) {
    // Usually the whole batch goes in one piece: one stringify, and no
    // event can be over the limit when the batch is not. (JSON.stringify
    // writes an array as the parts below would be joined.)
    let whole;
    try {
      whole = JSON.stringify(events);
    } catch {
      whole = undefined;
    }
    if (typeof whole === "string" && whole.length <= MAX_EVENT_BYTES && this.stepJSON(whole) === "") return [];
    /** @type {{event: any, reason: string}[]} */
    const refused = [];
    /** @type {string[]} */
    const parts = [];
    const kept = [];
    for (const event of events) {
      const [json, why] = encodeEvent(event);
      if (why) refused.push({ event, reason: why });
      else {
        parts.push(json);
        kept.push(event);
      }
    }
    if (this.stepJSON(`[${parts.join(",")}]`) !== "") {
      // The module parses a batch before it steps any of it, so a refused
      // batch changed nothing: step it again event by event, and lose
      // only the events it cannot parse.
      parts.forEach((json, i) => {
        const why = this.stepJSON(`[${json}]`);
        if (why !== "") refused.push({ event: kept[i], reason: why });
      });
    }
    return refused;
  }

  /** Steps a JSON batch; the module's refusal, or "". @param {string} json */
  stepJSON(json) {
    const b = this.core.enc.encode(json);
    this.core.input(b);
    const r = this.core.call(EXPORTS.step, this.h, b.length);
    return r < 0 ? this.core.output(-r) : "";
  }

  /** The pending commands. @returns {Record<string, any>} */
  ready() {
    const n = this.core.call(EXPORTS.ready, this.h);
    if (n < 0) throw new Error(this.core.output(-n));
    return JSON.parse(this.core.output(n));
  }

  /** Acknowledges that the last commands were carried out. */
  advance() {
    this.core.call(EXPORTS.advance, this.h);
  }

  /** Frees the engine. */
  free() {
    if (!this.core.dead) this.core.call(EXPORTS.destroy, this.h);
  }
}
