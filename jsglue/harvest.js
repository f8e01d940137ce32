// @ts-check
// A harvest task: HWGW batches against one target, in the chunks of an
// allocation that grows. The core module plans every batch, decides when
// to start it, when to grow the batches and when to give chunks back;
// this script only collects what happened (selector commands, allocation
// snapshots, workers that ended, the target's state), steps the module
// and carries out its commands.
//
// It never kills its workers. Stopped by the selector, it starts nothing
// more, lets the batches in flight land and gives everything back. Killed,
// it leaves its workers running: each runs one operation and ends, and
// the memory daemon counts their RAM as foreign until they do.
//
// RAM: the target's fixed figures come from the individual getters
// (0.4 GB) rather than getServer (2 GB); getPlayer gives the multipliers
// once. Worker RAM is the module's default (1.70/1.75 GB, the workers'
// own cost), so getScriptRam is not needed.

import { MemClient } from "/ramfarm/lib/alloc.js";
import { Core } from "/ramfarm/lib/core.js";
import { T } from "/ramfarm/lib/protocol.js";
import { TaskLink } from "/ramfarm/lib/task.js";

const HELP = `usage: run ramfarm/harvest.js TARGET [--prio P] [--ram GB] [--fixed] [--spacing ms]

Harvests TARGET with batches of hack, weaken, grow and weaken whose four
operations land in that order, a few ms apart, and leave it at minimum
security and maximum money again. It adds batches as its RAM grows until
a weaken time is full of them, then makes each batch larger. TARGET
should be at minimum security and maximum money when it starts (till and
sow get it there); if it drifts, harvest corrects it first.

  --prio P       allocation priority: higher grows first (default 0)
  --ram GB       most RAM to hold (default: no limit, and no larger batches)
  --fixed        ask once for --ram GB, take what is free, and never grow
  --spacing ms   time between a batch's landings (default 50)
  --help         this text

The task selector starts it and may change its priority and RAM cap, or
stop it: it then lets its batches land and gives its RAM back.`;

/** The worker script of each operation the module names. */
const WORKERS = { hack: "ramfarm/w/hack.js", grow: "ramfarm/w/grow.js", weaken: "ramfarm/w/weaken.js" };

/** @param {NS} ns */
export async function main(ns) {
  /** @type {any} */
  let flags;
  try {
    flags = ns.flags([
      ["prio", 0],
      ["ram", 0],
      ["fixed", false],
      ["spacing", 0],
      ["help", false],
    ]);
  } catch (e) {
    ns.tprint(`harvest: ${e instanceof Error ? e.message : e}\n${HELP}`);
    return;
  }
  if (flags.help || flags._.length !== 1) {
    ns.tprint(HELP);
    return;
  }
  for (const key of ["prio", "ram", "spacing"]) {
    if (!Number.isFinite(flags[key])) {
      ns.tprint(`harvest: --${key} must be a number, got ${flags[key]}`);
      return;
    }
  }
  const target = String(flags._[0]);
  const prio = flags.prio;
  const cap = flags.ram;
  const fixed = Boolean(flags.fixed);
  if (!Number.isInteger(prio)) {
    ns.tprint(`harvest: --prio must be a whole number, got ${prio}`);
    return;
  }
  if (fixed && !(cap > 0)) {
    ns.tprint("harvest: --fixed needs --ram GB");
    return;
  }
  ns.disableLog("ALL");

  const player = ns.getPlayer();
  const mults = player.mults;
  const config = {
    target: {
      maxMoney: ns.getServerMaxMoney(target),
      minSec: ns.getServerMinSecurityLevel(target),
      growth: ns.getServerGrowth(target),
      level: ns.getServerRequiredHackingLevel(target),
    },
    level: player.skills.hacking,
    intelligence: player.skills.intelligence,
    mults: {
      hacking: mults.hacking,
      hackingChance: mults.hacking_chance,
      hackingSpeed: mults.hacking_speed,
      hackingMoney: mults.hacking_money,
      hackingGrow: mults.hacking_grow,
      hackingExp: mults.hacking_exp,
    },
    spacing: flags.spacing,
    budget: cap,
    // A fixed task never grows its batches later: it starts with the
    // largest that its RAM holds.
    fraction: fixed ? 1 : 0,
  };
  const core = await Core.open();
  /** @type {import("/ramfarm/lib/core.js").Engine} */
  let engine;
  try {
    engine = core.engine("harvest", config); // the module checks the config
  } catch (e) {
    ns.tprint(`harvest ${target}: ${e instanceof Error ? e.message : e}`);
    return;
  }

  const client = await MemClient.open(ns);
  const link = new TaskLink(ns, client, "harvest", target, prio, cap);
  let landed = false; // a worker said it landed since the last look
  client.onOther = (m) => {
    if (m.t === T.landed) landed = true;
    else link.take(m);
  };
  /** @type {import("/ramfarm/lib/alloc.js").Allocation | null} */
  let alloc = null;
  /** @type {Map<number, number>} running worker pid → when it should land */
  const workers = new Map();
  let answered = 0; // the last resize or release the memory daemon answered
  let seenSeq = -1;
  let seenAnswered = -1;
  let beatKey = "";
  let done = false;
  /** @type {object[]} */
  let events = [];
  ns.print(`harvest ${target}: on port ${client.mb.port}, ${cap ? cap + " GB" : "no RAM limit"}${fixed ? ", fixed" : ""}`);

  /** Ends a landed worker's claim; one the daemon already saw die holds none. @param {number} pid */
  const unclaim = async (pid) => {
    if (!alloc) return;
    alloc.claims.delete(pid);
    await client.mb.ask({ t: T.unclaim, pid: ns.pid, alloc: alloc.id, worker: pid });
  };

  /** Execs one worker at the landing the module planned. @param {any} c */
  const launch = (c) => {
    if (!alloc) return Promise.resolve(0);
    const delay = Math.max(0, c.land - c.duration - performance.now());
    return alloc.start(WORKERS[c.op], c.host, c.threads, c.ram / c.threads, target, delay, false, client.mb.port);
  };

  /** Carries out the module's commands in order. @param {any[]} cmds */
  const carryOut = async (cmds) => {
    for (let i = 0; i < cmds.length; i++) {
      const c = cmds[i];
      switch (c.c) {
        case "start": {
          // A run of starts starts together: every exec happens before
          // the first claim's answer is awaited.
          let j = i;
          while (j < cmds.length && cmds[j].c === "start") j++;
          const group = cmds.slice(i, j);
          const pids = await Promise.all(group.map(launch));
          group.forEach((s, k) => {
            events.push({ k: "started", id: s.id, pid: pids[k] });
            if (pids[k]) workers.set(pids[k], s.land);
          });
          i = j - 1;
          break;
        }
        case "resize":
          if (!alloc) {
            try {
              alloc = await client.allocate({
                chunk: c.chunk,
                count: c.count,
                prio: link.prio,
                growable: !fixed,
                shrinkable: fixed,
              });
            } catch (e) {
              // Only a fixed allocation is refused: no room for one batch.
              ns.print(`harvest ${target}: ${e instanceof Error ? e.message : e}`);
              await link.finish(false);
              done = true;
              return;
            }
          } else {
            await alloc.resize(c.count, c.chunk).catch((e) => ns.print(`harvest: ${e.message}`));
          }
          answered = c.id;
          break;
        case "release":
          if (alloc && c.host === undefined) {
            await alloc.close();
            alloc = null;
          } else if (alloc) {
            // A refusal means the daemon took the chunks back already;
            // the next snapshot says what is held.
            await alloc.giveBack(c.host, c.chunk, c.count).catch((e) => ns.print(`harvest: ${e.message}`));
          }
          answered = c.id;
          break;
        case "heartbeat": {
          // Beat at once when something the selector waits to see changed.
          const key = `${c.mode} ${link.cap} ${link.prio} ${link.stopping}`;
          link.beat({ held: c.held, want: c.want, rate: c.rate, chunk: c.chunk }, key !== beatKey);
          beatKey = key;
          break;
        }
        case "rebalance":
          ns.print(`harvest ${target}: correcting (${c.reason}): money ${c.money}, security ${c.sec}`);
          break;
        case "done":
          await link.finish(false);
          done = true;
          break;
      }
    }
  };

  while (!done) {
    const orders = []; // the selector's, stepped after the allocation's news
    for (const m of link.drain()) {
      if (m.t === T.cap) orders.push({ k: "budget", ram: fixed ? Math.min(m.ram || cap, cap) : m.ram });
      else if (m.t === T.stop) orders.push({ k: "shutdown" });
      else if (m.t === T.leave) orders.push({ k: "leave", host: m.host });
      else if (m.t === T.prio && alloc) {
        await alloc.resize(alloc.desired, undefined, m.prio).catch((e) => ns.print(`harvest: ${e.message}`));
      }
    }
    const now = performance.now();
    const gone = [];
    // forEach, not for-of: this runs every wake over every worker in
    // flight, and needs no iterator object or entry array per worker.
    workers.forEach((land, pid) => {
      if (land <= now && !ns.isRunning(pid)) gone.push(pid);
    });
    if (gone.length > 0) {
      await Promise.all(gone.map(unclaim));
      for (const pid of gone) {
        workers.delete(pid);
        events.push({ k: "exited", pid });
      }
    }
    if (alloc && (alloc.seq !== seenSeq || answered !== seenAnswered)) {
      events.push({ k: "held", answered, desired: alloc.desired, held: alloc.held });
      seenSeq = alloc.seq;
      seenAnswered = answered;
    }
    events.push(...orders, {
      k: "tick",
      now: performance.now(),
      money: ns.getServerMoneyAvailable(target),
      sec: ns.getServerSecurityLevel(target),
      level: ns.getHackingLevel(),
    });
    engine.step(events);
    events = [];
    const out = engine.ready();
    for (const line of out.log ?? []) ns.print(line);
    for (const e of out.errors ?? []) ns.print(`harvest: rejected: ${e}`);
    await carryOut(out.cmds ?? []);
    engine.advance();
    if (done || events.length > 0) continue; // results are stepped at once
    client.mb.drain();
    if (!landed && link.commands.length === 0 && (!alloc || alloc.seq === seenSeq)) {
      await client.wait(Math.max(0, (out.wake ?? performance.now() + 1000) - performance.now()));
    }
    if (landed) {
      // The worker ends right after its message: let it.
      landed = false;
      await ns.asleep(0);
    }
  }
  engine.free();
  ns.print(`harvest ${target}: done`);
}
