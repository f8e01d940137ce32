// @ts-check
// The body of the till and sow tasks. The core module ("prep" role)
// decides everything: how much RAM to ask for, what to start in which
// chunk, what to give back, when the target is ready. This file only
// collects what happened (selector commands, the allocation's snapshots,
// workers that ended, the target's state), steps the module, and carries
// out its commands.
//
// Workers run one operation each and end; the module reuses their chunks
// for whatever the next observation calls for. Killed, the task kills its
// workers (atExit): the memory daemon frees a dead owner's allocation, and
// workers left behind would squat on it.

import { MemClient } from "/ramfarm/lib/alloc.js";
import { Core } from "/ramfarm/lib/core.js";
import { deliver } from "/ramfarm/lib/ports.js";
import { SELECTOR_PORT, T } from "/ramfarm/lib/protocol.js";

/** Longest wait between two looks at the target, ms. */
const LOOP_MS = 1000;

/**
 * How a task reads its target; each script names only the getters it
 * needs, so it pays only for those.
 * @typedef {object} Reader
 * @property {(host: string) => Record<string, number>} facts fixed figures, read once: minSec (a sow also maxMoney, growth)
 * @property {(host: string) => {money: number, sec: number}} look the target now
 */

/** @param {"till"|"sow"} kind */
function usage(kind) {
  const what =
    kind === "till"
      ? "Weakens TARGET to its minimum security."
      : "Grows TARGET to its maximum money, with the weakens that keep it at\nits minimum security.";
  return `usage: run ramfarm/${kind}.js TARGET [--prio P] [--ram GB] [--fixed]

${what}

It asks the memory daemon for RAM for all of the work at once, starts
work in every chunk it gets, and more the moment more RAM appears. It
ends when the target is ready and gives all its RAM back.

  --prio P   allocation priority: higher grows first (default 0)
  --ram GB   most RAM to hold (default: no limit)
  --fixed    ask once for --ram GB, take what is free, and never grow
  --help     this text

The task selector starts it and may change its priority and RAM cap,
move it off a host, or stop it: it then lets its work land and gives its
RAM back.`;
}

/**
 * Runs a till or sow task.
 * @param {NS} ns @param {"till"|"sow"} kind @param {Reader} read
 */
export async function runPrep(ns, kind, read) {
  /** @type {any} */
  let flags;
  try {
    flags = ns.flags([
      ["prio", 0],
      ["ram", 0],
      ["fixed", false],
      ["help", false],
    ]);
  } catch (e) {
    ns.tprint(`${kind}: ${e instanceof Error ? e.message : e}\n${usage(kind)}`);
    return;
  }
  if (flags.help || flags._.length !== 1) {
    ns.tprint(usage(kind));
    return;
  }
  for (const key of ["prio", "ram"]) {
    if (!Number.isFinite(flags[key])) {
      ns.tprint(`${kind}: --${key} must be a number, got ${flags[key]}`);
      return;
    }
  }
  const target = String(flags._[0]);
  ns.disableLog("ALL");

  const client = await MemClient.open(ns);
  const core = await Core.open();
  /** @type {import("/ramfarm/lib/core.js").Engine} */
  let engine;
  try {
    engine = core.engine("prep", {
      kind,
      target,
      pid: ns.pid,
      port: client.mb.port,
      ...read.facts(target),
      prio: flags.prio,
      cap: flags.ram,
      fixed: Boolean(flags.fixed),
    });
  } catch (e) {
    ns.tprint(`${kind} ${target}: ${e instanceof Error ? e.message : e}`);
    return;
  }

  /** @type {object[]} */
  let events = [];
  // Selector commands; a worker's landed message only wakes the loop.
  client.onOther = (m) => events.push({ k: "msg", body: m });
  /** @type {import("/ramfarm/lib/alloc.js").Allocation | null} */
  let alloc = null;
  let stepped = 0; // the last snapshot stepped
  ns.atExit(() => {
    if (alloc) for (const pid of alloc.claims.keys()) ns.kill(pid);
  });
  const say = (/** @type {string} */ line) => ns.print(`${kind} ${target}: ${line}`);
  /** @param {any} e */
  const warn = (e) => say(e instanceof Error ? e.message : String(e));

  for (;;) {
    if (alloc) {
      for (const pid of alloc.claims.keys()) {
        if (!ns.isRunning(pid)) {
          alloc.claims.delete(pid);
          events.push({ k: "exited", pid });
        }
      }
      if (alloc.seq !== stepped) {
        stepped = alloc.seq;
        events.push({ k: "held", seq: alloc.seq, desired: alloc.desired, held: alloc.held });
      }
    }
    events.push({ k: "observe", now: performance.now(), ...read.look(target) });
    engine.step(events);
    events = [];
    const out = engine.ready();
    for (const pid of out.kill ?? []) ns.kill(pid);
    if (alloc) {
      const a = alloc;
      // Answered "error" when the daemon already saw the worker die.
      for (const pid of out.unclaim ?? []) await client.mb.ask({ t: T.unclaim, pid: ns.pid, alloc: a.id, worker: pid });
    }
    if (out.alloc) {
      try {
        alloc = await client.allocate(out.alloc);
      } catch (e) {
        events.push({ k: "refused", reason: e instanceof Error ? e.message : String(e) });
      }
    }
    if (alloc) {
      const a = alloc;
      if (out.resize) await a.resize(out.resize.count, undefined, out.resize.prio).catch(warn);
      for (const [host, gb, count] of out.release ?? []) await a.giveBack(host, gb, count).catch(warn);
      if (out.close) await a.close().catch(warn);
    }
    if (out.start && alloc) {
      const a = alloc;
      // Every exec happens before the first claim's answer is awaited.
      const pids = await Promise.all(out.start.map((/** @type {any} */ s) => launch(ns, a, s)));
      out.start.forEach((/** @type {any} */ s, /** @type {number} */ i) => events.push({ k: "started", id: s.id, pid: pids[i] }));
    }
    if (out.beat) ns.tryWritePort(SELECTOR_PORT, out.beat);
    if (out.finished) await deliver(ns, SELECTOR_PORT, out.finished).catch(warn);
    for (const line of out.log ?? []) say(line);
    for (const e of out.errors ?? []) say("rejected: " + e);
    engine.advance();
    if (out.exit) return;
    if (events.length === 0 && (!alloc || alloc.seq === stepped)) {
      await client.wait(LOOP_MS);
      // A worker's landed message comes just before it ends: let it end.
      await ns.asleep(0);
    }
  }
}

/**
 * Starts a worker in the allocation and claims its RAM; 0 if the game or
 * the memory daemon said no (a claim refused ends the worker again).
 * @param {NS} ns @param {import("/ramfarm/lib/alloc.js").Allocation} a @param {any} s
 */
async function launch(ns, a, s) {
  let pid = 0;
  try {
    if (!ns.fileExists(s.script, s.host)) ns.scp(s.script, s.host);
    pid = ns.exec(s.script, s.host, s.threads, ...s.args);
  } catch {
    return 0; // the host is gone
  }
  if (pid === 0) return 0;
  const gb = Math.round(s.ram * s.threads * 100) / 100;
  a.claims.set(pid, { host: s.host, gb }); // before any await: never foreign
  const r = await a.client.mb.ask({ t: T.claim, pid: ns.pid, alloc: a.id, host: s.host, worker: pid, ram: gb });
  if (r.t === T.done) return pid;
  ns.kill(pid);
  a.claims.delete(pid);
  return 0;
}
