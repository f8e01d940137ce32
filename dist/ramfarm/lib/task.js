// @ts-check
// The loop of every task script (till, sow, harvest). The core module's
// task service decides everything: how much RAM to ask for, what to start
// in which chunk and when, what to give back, what to tell the selector,
// when the task is done (core/task, bridge/task.go). This file only
// collects what happened (the selector's messages, the allocation's
// snapshots and answers, workers that ended, the target's state), steps
// the module, and carries out its commands, by the names the generated
// taskwire.js gives them.
//
// When a task ends, whatever ends it (the module's finish, the selector's
// or the player's kill), one rule decides its workers' fate, and the
// module applies it to each start (task.Start.Keep): a worker whose work
// stands alone (a till's or sow's) is ended with it, so its RAM is free
// at once rather than foreign to the memory daemon until it lands; a part
// of a batch runs on, since the batch's other parts land without it and
// would leave the target off min security and max money. Measured on
// bn1-start with the restart policy, which kills and relaunches every
// task on each jump, ending all workers or none costs most of the money.

import { MemClient } from "/ramfarm/lib/alloc.js";
import { Core, CoreTrap } from "/ramfarm/lib/core.js";
import { readFlags } from "/ramfarm/lib/flags.js";
import { say, sayAll } from "/ramfarm/lib/log.js";
import { deliver, refuse } from "/ramfarm/lib/ports.js";
import { CMD, TASK_ROLE, ev, kindOf, parts, perform } from "/ramfarm/lib/taskwire.js";

/**
 * A task kind as its script describes it. Each script names only the
 * getters it needs, so it pays only for those.
 * @typedef {object} Kind
 * @property {"till"|"sow"|"harvest"} kind
 * @property {string} what what the task does, for the usage text
 * @property {Array<[string, number, string]>} [flags] its own numeric flags beyond --prio, --ram and --fixed: name, default, help (the name is also its config key)
 * @property {(host: string) => Record<string, any>} facts the target's and the player's fixed figures, read once (config keys)
 * @property {(host: string) => [number, number, number?]} look the target's money and security now, and for a harvest the player's level
 */

/**
 * The longest a task goes without looking at every worker, ms: the module
 * wakes a task with workers at least this often (core/task.Look).
 */
const LOOK_MS = 1000;

/** @param {Kind} k */
/**
 * Every task's flags and a kind's own.
 * @param {Array<[string, number, string]>} own @returns {[string, any][]}
 */
function taskFlags(own) {
  return [["prio", 0], ["ram", 0], ["fixed", false], ["round", false], ["bitnode", 1], ["bn-level", 1], ...own.map(([f, d]) => /** @type {[string, any]} */ ([f, d]))];
}

/**
 * Tab completion for a task script: its flags, and the servers as TARGET.
 * @param {{servers: string[], flags: (schema: [string, any][]) => void}} data
 * @param {Array<[string, number, string]>} [own] the kind's own flags
 */
export function completeTask(data, own = []) {
  data.flags([...taskFlags(own), ["help", false]]);
  return data.servers;
}

function usage(k) {
  const own = k.flags ?? [];
  return `usage: run ramfarm/${k.kind}.js TARGET [--prio P] [--ram GB] [--fixed [--round]] [--bitnode N --bn-level L]${own.map(([f]) => ` [--${f} N]`).join("")}

${k.what}

  --prio P   allocation priority: higher grows first (default 0)
  --ram GB   most RAM to hold (default: no limit)
  --fixed    ask once for --ram GB, take what is free, and never grow
  --round    with --fixed: one round of work (one wave, or batches until
             the first lands), then let it land and end
  --bitnode N, --bn-level L
             the BitNode the game runs and its level (default 1 and 1):
             its multipliers shape every plan
${own.map(([f, , help]) => `  --${f} N   ${help}\n`).join("")}  --help     this text

The task selector starts it and may change its priority and RAM cap,
move it off a host, or stop it: it then lets its work land and gives its
RAM back.`;
}

/**
 * Runs a task of kind k until the module says it finished.
 * @param {NS} ns @param {Kind} k
 */
export async function runTask(ns, k) {
  const own = k.flags ?? [];
  const flags = readFlags(ns, k.kind, taskFlags(own), usage(k), { min: 1, max: 1 });
  if (!flags) return;
  for (const key of ["prio", "ram", "bitnode", "bn-level", ...own.map(([f]) => f)]) {
    if (!Number.isFinite(flags[key])) {
      ns.tprint(`ERROR ${k.kind}: --${key} must be a number, got ${flags[key]}`);
      return;
    }
  }
  if (!Number.isInteger(flags.prio)) {
    ns.tprint(`ERROR ${k.kind}: --prio must be a whole number, got ${flags.prio}`);
    return;
  }
  if (flags.fixed && !(flags.ram > 0)) {
    ns.tprint(`ERROR ${k.kind}: --fixed needs --ram GB`);
    return;
  }
  const target = String(flags._[0]);
  const tell = (/** @type {"INFO" | "WARN" | "ERROR"} */ level, /** @type {string} */ line) => say(ns, level, `${k.kind} ${target}: ${line}`);
  /** @param {any} e */
  const warn = (e) => tell("WARN", e instanceof Error ? e.message : String(e));
  ns.disableLog("ALL");

  const client = await MemClient.open(ns);
  const core = await Core.open();
  /** @type {import("/ramfarm/lib/core.js").Engine} */
  let engine;
  try {
    /** @type {Record<string, any>} */
    const config = { kind: k.kind, target, pid: ns.pid, port: client.mb.port, prio: flags.prio, cap: flags.ram, fixed: flags.fixed, round: flags.round,
      bitNode: { n: flags.bitnode, level: flags["bn-level"] } };
    for (const [f] of own) config[f] = flags[f];
    engine = core.engine(TASK_ROLE, { ...config, ...k.facts(target) }); // the module checks the config
  } catch (e) {
    ns.tprint(`ERROR ${k.kind} ${target}: ${e instanceof Error ? e.message : e}`);
    return;
  }
  tell("INFO", `on port ${client.mb.port}, ${flags.ram ? flags.ram + " GB" : "no RAM limit"}${flags.fixed ? ", fixed" : ""}${flags.round ? ", one round" : ""}`);

  /** @type {object[]} events for the next step */
  let events = [];
  let heard = false; // a message came since the last look
  /** @type {Set<number>} workers started since the last round: looked at once */
  const fresh = new Set();
  /** @type {Set<number>} workers that said they landed: looked at until they end */
  const landed = new Set();
  let lookedAll = -Infinity; // when every worker was last looked at
  let lookAll = false; // a worker said it was killed: look at every one
  client.onOther = (m) => {
    if (m?.t === "exit") {
      // A worker that ended before its work was done (killed) says so
      // from its atExit. Kills come in bulk (a host or a kill of all),
      // more than a port holds: every worker is looked at this round.
      // Only the game's word ends one, so a forged message costs a look.
      lookAll = true;
      return;
    }
    events.push(ev.msg(m));
    heard = true;
    if (workers.has(m?.pid)) landed.add(m.pid);
  };
  /** @type {import("/ramfarm/lib/alloc.js").Allocation | null} */
  let alloc = null;
  /** @type {Set<number>} running workers' pids */
  const workers = new Set();
  /** @type {Set<number>} running workers the task's end ends */
  const bound = new Set();
  /** A worker is no longer running: the module hears of it. @param {number} pid */
  const ended = (pid) => {
    workers.delete(pid);
    bound.delete(pid);
    fresh.delete(pid);
    landed.delete(pid);
    events.push(ev.exited(pid));
  };
  ns.atExit(() => bound.forEach((pid) => ns.kill(pid)));
  let answered = 0; // the last request the memory daemon answered
  let seenSeq = 0;
  let seenAnswered = 0;
  let finished = false;

  /** @type {import("/ramfarm/lib/taskwire.js").TaskHandlers} */
  const handlers = {
    async alloc(id, msg) {
      try {
        alloc = await client.allocate(msg);
      } catch (e) {
        events.push(ev.refused(e instanceof Error ? e.message : String(e)));
      }
      answered = id;
    },
    async ask(id, msg) {
      if (alloc) await alloc.ask(msg).catch(warn);
      answered = id;
    },
    async close() {
      if (alloc) await alloc.close().catch(warn);
      alloc = null;
    },
    async unclaim(_id, msg) {
      if (alloc) await alloc.ask(msg).catch(() => {});
    },
    async start(id, script, host, threads, ram, at, _land, keep) {
      // The exec happens before the first await: a run of starts starts together.
      const delay = Math.max(0, at - performance.now());
      const pid = alloc ? await alloc.launch(script, host, threads, ram, target, delay, false, client.mb.port) : 0;
      events.push(ev.started(id, pid));
      if (pid) workers.add(pid), fresh.add(pid);
      if (pid && !keep) bound.add(pid);
    },
    halt(_id, pid) {
      // Its end is stepped at once: its RAM takes new work this round.
      if (ns.kill(pid) && workers.has(pid)) ended(pid);
    },
    beat(_id, port, msg) {
      ns.tryWritePort(port, msg);
    },
    async finished(_id, port, msg) {
      await deliver(ns, port, msg).catch(warn);
      finished = true;
    },
  };

  /**
   * Carries out the commands in order; a run of unclaims and starts
   * together. Each sends its message to the memory daemon before its first
   * await, so they reach the port in order and the daemon steps them in
   * one round: an unclaim still comes before the start that reuses its RAM.
   * @param {any[]} cmds
   */
  const carryOut = async (cmds) => {
    /** @type {Promise<any>[]} */
    let starts = [];
    for (const c of cmds) {
      const kind = kindOf(c);
      if (kind === CMD.start || kind === CMD.unclaim) {
        starts.push(perform(c, handlers));
        continue;
      }
      await Promise.all(starts);
      starts = [];
      await perform(c, handlers);
    }
    await Promise.all(starts);
  };

  while (!finished) {
    // Landed messages before exits: a worker that exits without one died.
    client.mb.drain();
    // At every round the workers that may have ended: those started since
    // the last round (the module tells a worker that died at start, never
    // found running at a later round, from one killed later by that:
    // core/task/failures.go) and those that said they landed, which end
    // just after. A killed worker says so itself (its "exit" message, read
    // by the drain above), and then every worker is looked at; so is every
    // worker once a LOOK_MS, for a message a full port lost. Rounds come at every landing, so
    // looking at every worker at each cost hundreds of isRunning per
    // landing. forEach, not for-of: no iterator object per round.
    /** @type {number[]} */
    const gone = [];
    const now = performance.now();
    if (lookAll || now - lookedAll >= LOOK_MS) {
      lookedAll = now;
      lookAll = false;
      workers.forEach((pid) => {
        if (!ns.isRunning(pid)) gone.push(pid);
      });
    } else {
      landed.forEach((pid) => {
        if (!ns.isRunning(pid)) gone.push(pid);
      });
      fresh.forEach((pid) => {
        if (!landed.has(pid) && !ns.isRunning(pid)) gone.push(pid);
      });
    }
    fresh.clear();
    gone.forEach(ended);
    if (alloc && (alloc.seq !== seenSeq || answered !== seenAnswered)) {
      seenSeq = alloc.seq;
      seenAnswered = answered;
      events.push(ev.held(alloc.seq, answered, alloc.desired, alloc.held));
    }
    events.push(ev.tick(performance.now(), ...k.look(target)));
    /** @type {any[]} */
    let ready;
    try {
      refuse(ns, `${k.kind} ${target}`, engine.step(events));
      ready = parts(engine.ready());
    } catch (e) {
      if (!(e instanceof CoreTrap)) throw e;
      // A task's state is its workers and its allocation, which a fresh
      // instance cannot know: it ends, and the selector starts it again.
      // A batch's workers run on and land (the memory daemon keeps their
      // RAM until they end); a till's or sow's end with it.
      tell("ERROR", `core trapped, ending so the selector starts this task again: ${e.message}`);
      return;
    }
    events = [];
    const [cmds, logs, wake, errors] = ready;
    sayAll(ns, logs);
    for (const e of errors) tell("WARN", "rejected: " + e);
    await carryOut(cmds);
    engine.advance();
    if (finished || events.length > 0) continue; // results are stepped at once
    client.mb.drain();
    if (events.length === 0 && !lookAll && (!alloc || alloc.seq === seenSeq)) {
      await client.wait(Math.max(0, wake - performance.now()));
    }
    if (heard) {
      // A worker's landed message comes just before it ends: let it end.
      heard = false;
      await ns.asleep(0);
    }
  }
  engine.free();
}
