// One memory-daemon step in V8: the real memd.js main(ns), the real loader
// and module, driven through a fake ns. Run by `make bench`:
//
//   node --import ./jsglue/test/register.mjs jsglue/bench/memd-step.mjs [--steps N] [--record FILE]
//
// The world: 100 workers of 8 to 1024 GB, 500 live growable allocations
// wanting about twice the RAM there is. One step is one pass of memd's
// loop: 10 allocations and 10 whole releases (of the oldest allocations)
// arrive on MEMD_PORT, 10 servers' used RAM changed since the last tick,
// and growth hands the freed RAM on. Its time runs from the first write to
// MEMD_PORT to memd's next wait, counted as the process's CPU time (the
// machine may be shared; its wall time is printed beside); the driver's
// own work (building messages, reading answers) is outside it.
//
// --record writes what crossed into the module (the config, then each
// batch stepped, a line each, the measured ones marked) so the Go
// benchmarks replay the very same steps natively and through wazero.
import { writeFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Core, Engine } from "/ramfarm/lib/core.js";
import { MEMD_PORT, T } from "/ramfarm/lib/protocol.js";
import { main } from "/ramfarm/memd.js";

if (!globalThis.crypto) globalThis.crypto = webcrypto;

const { values: opt } = parseArgs({
  options: {
    steps: { type: "string", default: "2000" },
    warmup: { type: "string", default: "500" },
    record: { type: "string" },
  },
});
const STEPS = Number(opt.steps);
const WARMUP = Number(opt.warmup);
const WORKERS = 100;
const ALLOCS = 500;
const PER_STEP = 10; // allocations and releases each step
const CHANGED = 10; // servers whose used RAM changed each step
const PORT_CAPACITY = 50; // the game's default port size
const SIZES = [8, 16, 32, 64, 128, 256, 512, 1024];
const CHUNKS = [1.6, 1.75, 2, 4, 8, 16];

/** The recorded crossings, when --record is given. @type {string[]} */
const record = [];
let measuring = false;
if (opt.record) {
  const engine = Core.prototype.engine;
  Core.prototype.engine = function (role, config) {
    record.push("config " + JSON.stringify(config));
    return engine.call(this, role, config);
  };
  const stepJSON = Engine.prototype.stepJSON;
  Engine.prototype.stepJSON = function (json) {
    record.push((measuring ? "step " : "setup ") + json);
    return stepJSON.call(this, json);
  };
}

/** A seeded generator (mulberry32), so every run asks the same. @param {number} seed */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The game as memd sees it: ports, servers, processes, files, and a sleep
 * that resolves when the driver says. `idle` resolves when memd waits.
 */
function world() {
  /** @type {Map<number, any[]>} */
  const ports = new Map();
  /** @type {Map<number, (() => void)[]>} */
  const writes = new Map();
  /** @type {Map<string, {max: number, used: number}>} */
  const hosts = new Map();
  const running = new Set();
  const files = new Map();
  let prints = 0;
  /** @type {() => void} */
  let onIdle = () => {};
  const queue = (/** @type {number} */ n) => {
    let q = ports.get(n);
    if (!q) ports.set(n, (q = []));
    return q;
  };
  const wrote = (/** @type {number} */ n) => {
    const w = writes.get(n);
    if (w) {
      writes.delete(n);
      for (const r of w) r();
    }
  };
  const handle = (/** @type {number} */ n) => ({
    peek: () => (queue(n).length ? queue(n)[0] : "NULL PORT DATA"),
    read: () => (queue(n).length ? queue(n).shift() : "NULL PORT DATA"),
    write: (/** @type {any} */ v) => {
      queue(n).push(v);
      wrote(n);
    },
    clear: () => void (queue(n).length = 0),
    empty: () => queue(n).length === 0,
    nextWrite: () =>
      new Promise((r) => {
        const w = writes.get(n);
        if (w) w.push(() => r(undefined));
        else writes.set(n, [() => r(undefined)]);
      }),
  });
  const ns = {
    args: [],
    flags: (/** @type {[string, any][]} */ schema) => Object.fromEntries([...schema, ["_", []]]),
    tprint: () => void prints++,
    print: () => void prints++,
    disableLog: () => {},
    getHostname: () => "home",
    getScriptName: () => "ramfarm/memd.js",
    getScriptRam: () => 6.5,
    getPortHandle: handle,
    clearPort: (/** @type {number} */ n) => void (queue(n).length = 0),
    tryWritePort: (/** @type {number} */ n, /** @type {any} */ v) => {
      const q = queue(n);
      if (q.length >= PORT_CAPACITY) return false;
      q.push(v);
      wrote(n);
      return true;
    },
    read: (/** @type {string} */ f) => files.get(f) ?? "",
    write: (/** @type {string} */ f, /** @type {string} */ data, /** @type {string} */ mode) =>
      void files.set(f, mode === "w" ? data : (files.get(f) ?? "") + data),
    isRunning: (/** @type {number} */ pid) => running.has(pid),
    hasRootAccess: (/** @type {string} */ h) => {
      if (!hosts.has(h)) throw new Error(`unknown host ${h}`);
      return true;
    },
    getServerMaxRam: (/** @type {string} */ h) => /** @type {any} */ (hosts.get(h)).max,
    getServerUsedRam: (/** @type {string} */ h) => /** @type {any} */ (hosts.get(h)).used,
    asleep: () =>
      new Promise(() => {
        onIdle();
      }),
  };
  const idle = () => new Promise((r) => (onIdle = () => r(undefined)));
  return { ns, ports, hosts, running, files, handle, idle, prints: () => prints };
}

const w = world();
const inbox = w.handle(MEMD_PORT);
const draw = rng(1);
let nextPid = 10;
let nextRid = 1;

/** Takes every message on a port. @param {number} port */
function drain(port) {
  const q = w.ports.get(port) ?? [];
  w.ports.delete(port);
  return q;
}

/**
 * Writes msgs to MEMD_PORT (the first write wakes memd: its sleep never
 * ends by itself) and waits for its pass over them; returns the pass's
 * CPU and wall time, µs.
 * @param {object[]} msgs @param {() => void} [before] changes the world just before
 */
async function pass(msgs, before) {
  const idle = w.idle();
  before?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const m of msgs) inbox.write(m);
  await idle;
  const wall = (performance.now() - t0) * 1000;
  const c = process.cpuUsage(c0);
  return { cpu: c.user + c.system, wall };
}

let done = main(/** @type {any} */ (w.ns));
done.catch((e) => {
  console.error("memd ended:", e);
  process.exit(1);
});
await w.idle();

// The discovery role registers the servers.
const DISCO_PID = nextPid++, DISCO_PORT = 60;
w.running.add(DISCO_PID);
await pass([{ t: T.register, rid: nextRid++, pid: DISCO_PID, reply: DISCO_PORT, role: "discovery" }]);
const registered = drain(DISCO_PORT).find((m) => m.t === T.registered);
if (!registered) throw new Error("no discovery token: " + JSON.stringify(w.ports));
const hostNames = [];
const regs = [];
// home (memd registers it itself), 25 purchased servers, 74 network ones.
for (let i = 0; i < WORKERS; i++) {
  const host = i === 0 ? "home" : i <= 25 ? `pserv-${i}` : `srv-${i}`;
  hostNames.push(host);
  w.hosts.set(host, { max: SIZES[i % SIZES.length], used: 0 });
  if (i > 0) regs.push({ t: T.worker, host, kind: i <= 25 ? "purchased" : "server", cores: 1 + (i % 4), token: registered.token });
}
Object.assign(/** @type {any} */ (w.hosts.get("home")), { max: 1024, used: 6.5 }); // memd runs there
await pass(regs.slice(0, 50));
await pass(regs.slice(50));

/** Live allocations, oldest first: {id, token, pid, reply}. @type {{id: number, token: number, pid: number, reply: number}[]} */
const live = [];
/** Requests not answered yet, by reply port. @type {Map<number, {pid: number, reply: number}>} */
const asked = new Map();

function allocMsg() {
  const pid = nextPid++;
  const reply = 1000 + (pid % 5000);
  w.running.add(pid);
  asked.set(reply, { pid, reply });
  return {
    t: T.alloc, rid: nextRid++, pid, reply, script: "ramfarm/till.js",
    chunk: CHUNKS[Math.floor(draw() * CHUNKS.length)], count: 4 + Math.floor(draw() * 21),
    prio: Math.floor(draw() * 4), growable: true,
  };
}

/** Reads the answers on every client's port: a first grant carries the token. */
function collect() {
  for (const [reply, a] of asked) {
    for (const m of drain(reply)) {
      if (m.t === T.granted && m.token !== undefined) {
        live.push({ id: m.alloc, token: m.token, pid: a.pid, reply });
        asked.delete(reply);
      } else if (m.t === T.error || m.t === T.refused) {
        throw new Error("alloc answered " + JSON.stringify(m));
      }
    }
  }
  for (const a of live) w.ports.delete(a.reply); // growth's grants, not read here
}

for (let i = 0; i < ALLOCS; i += 50) {
  await pass(Array.from({ length: 50 }, allocMsg));
  collect();
}
if (live.length !== ALLOCS) throw new Error(`${live.length} allocations granted, want ${ALLOCS}`);

let flip = 0;
/** One step's world change: CHANGED servers' used RAM (not home's) goes up or back down. */
function churn() {
  for (let i = 0; i < CHANGED; i++) {
    const h = /** @type {any} */ (w.hosts.get(hostNames[1 + ((flip * CHANGED + i) % (WORKERS - 1))]));
    h.used = h.used ? 0 : 1.6;
  }
  flip++;
}

/** One step's messages: PER_STEP releases of the oldest, PER_STEP allocations. */
function stepMsgs() {
  const msgs = [];
  for (const a of live.splice(0, PER_STEP)) {
    msgs.push({ t: T.release, rid: nextRid++, pid: a.pid, reply: a.reply, alloc: a.id, token: a.token });
    w.running.delete(a.pid);
  }
  for (let i = 0; i < PER_STEP; i++) msgs.push(allocMsg());
  return msgs;
}

let cpu = 0, wall = 0;
for (let i = 0; i < WARMUP + STEPS; i++) {
  measuring = i >= WARMUP;
  const t = await pass(stepMsgs(), churn);
  if (measuring) {
    cpu += t.cpu;
    wall += t.wall;
  }
  collect();
}
if (live.length < ALLOCS - PER_STEP) throw new Error(`only ${live.length} allocations live`);
const state = w.files.get("ramfarm/memd-state.txt") ?? "";
console.log(`memd step in V8 (node ${process.version}): ${(cpu / STEPS).toFixed(1)} µs/step CPU over ${STEPS} steps ` +
  `(wall ${(wall / STEPS).toFixed(1)} µs/step; ${live.length} live allocations, state file ${state.length} bytes)`);
if (opt.record) writeFileSync(opt.record, record.join("\n") + "\n");
process.exit(0);
