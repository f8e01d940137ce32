// @ts-check
// The memory daemon: the RAM allocator and the port allocator, behind
// MEMD_PORT. Every decision is made in the core module; this script only
// moves messages in, observes the game once per tick, and carries out
// what the module asks (clear ports, write answers, log), by the names
// the generated memdwire.js gives them.

import { Core, CoreTrap } from "/ramfarm/lib/core.js";
import { MEMD_ROLE, ev, parts } from "/ramfarm/lib/memdwire.js";
import { readFlags } from "/ramfarm/lib/flags.js";
import { MEMD_PORT, MEMD_SESSION_PORT, MEMD_STATE_FILE, T } from "/ramfarm/lib/protocol.js";
import { say, sayAll } from "/ramfarm/lib/log.js";
import { CONFIG_FILE, parseConfig } from "/ramfarm/lib/config.js";
import { refuse } from "/ramfarm/lib/ports.js";

const HELP = `usage: run ramfarm/memd.js [--reserve GB] [--tick ms] [--use-hacknet] [--first-port N]

The ramfarm memory daemon. It hands out RAM to ramfarm's daemons, tasks
and workers in chunks and keeps growing each task's allocation until it
holds what it asked for, as new servers are rooted or upgraded. It also
hands out private ports. ramfarm/start.js starts it on home.

  --reserve GB     RAM on home kept free for your own scripts (default 8;
                   ramfarm's own scripts never use it)
  --tick ms        how often it looks at the servers (default 1000)
  --use-hacknet    also use hacknet servers
  --first-port N   first private port it hands out (default 101)
  --help           this text

Settings in ramfarm/config.json ("reserve", "setAside", "useHacknet") win
over the flags; it reads the file on every tick and applies a change at once.

It saves what it granted in ramfarm/memd-state.txt whenever that changes
(a snapshot, then what changed it since).
Started again (run ramfarm/start.js after it was killed), it continues from
there: every allocation and port keeps its owner. After a game reload it
starts empty.`;

/** @type {[string, any][]} */
const FLAGS = [
    ["reserve", 8],
    ["tick", 1000],
    ["use-hacknet", false],
    ["first-port", 101],
];

/** @param {NS} ns */
export async function main(ns) {
  const flags = readFlags(ns, "memd", FLAGS, HELP);
  if (!flags) return;
  const tickMs = Number(flags.tick);
  if (!(tickMs >= 10)) {
    ns.tprint("ERROR memd: --tick must be at least 10 ms");
    return;
  }
  const self = ns.getHostname();
  const config = {
    home: "home",
    homeReserve: Number(flags.reserve),
    useHacknet: Boolean(flags["use-hacknet"]), // not flags.hacknet: that name costs 4 GB
    firstPort: Number(flags["first-port"]),
    // This script's own RAM is not the player's reserve, nor grantable.
    selfHost: self,
    selfRam: ns.getScriptRam(ns.getScriptName(), self),
    session: "", // the word on MEMD_SESSION_PORT, set below
    // Keys the allocation tokens. A restored state brings the secret its
    // tokens were made with, and that one stays.
    secret: randomWord(16),
  };
  ns.disableLog("ALL");

  // The session word on MEMD_SESSION_PORT outlives this script, not a
  // reload of the game: a saved state is restored only when it names it.
  const sessionPort = ns.getPortHandle(MEMD_SESSION_PORT);
  /** @type {string} the last state saved, restored after a restart or a trap */
  let saved = ns.read(MEMD_STATE_FILE);
  let session = sessionPort.peek();
  if (typeof session !== "string" || !/^[0-9a-f]{16}$/.test(session)) {
    session = randomWord(8);
    sessionPort.clear();
    sessionPort.write(session);
    if (saved) say(ns, "WARN", `memd: ${MEMD_STATE_FILE} is of no running session (the game was reloaded, or port ${MEMD_SESSION_PORT} was cleared): starting empty`);
    saved = "";
  }
  config.session = session;

  const inbox = ns.getPortHandle(MEMD_PORT);
  /** @type {object[]} */
  let events = [];
  /** @type {number[]} */
  let watch = [];
  /** @type {string[]} */
  let observe = [];
  /** @type {Map<string, string>} each server's last reading, to send only changes */
  let seen = new Map();
  /** @type {Map<number, string>} claimed workers' servers (see observeTick) */
  const where = new Map();
  let lookedAll = -Infinity; // when every watched process was last looked at
  // The config file's text as last applied: a change is stepped before
  // the tick that applies it. "" is no file: the flags' settings.
  let configText = "";

  /**
   * Steps events and carries out the Ready: the state is saved before
   * anything is written, so every answer a client sees is in the file.
   * @param {import("/ramfarm/lib/core.js").Engine} engine @param {object[]} batch
   */
  const round = (engine, batch) => {
    refuse(ns, "memd", engine.step(batch));
    events = [];
    const [clear, sends, logs, newWatch, newObserve, errors, save, journal] = parts(engine.ready());
    if (save !== undefined) {
      ns.write(MEMD_STATE_FILE, save, "w");
      saved = save;
    } else if (journal !== undefined) {
      ns.write(MEMD_STATE_FILE, journal, "a");
      saved += journal;
    }
    for (const p of clear) ns.clearPort(p);
    for (const [id, port, msg] of sends) events.push(ev.sent(id, ns.tryWritePort(port, msg)));
    sayAll(ns, logs);
    for (const e of errors) {
      say(ns, "WARN", e.includes(" configure: ") ? `memd: ${CONFIG_FILE}: ${e}; the previous settings stay` : `memd: rejected: ${e}`);
    }
    if (newWatch) watch = newWatch;
    if (newObserve) {
      observe = newObserve;
      for (const host of [...seen.keys()]) if (!observe.includes(host)) seen.delete(host);
    }
    engine.advance();
  };

  /**
   * A fresh engine, continued from the last saved state if there is one:
   * the restore is stepped alone, then a tick, before any message is
   * read, so the processes that ended while no daemon ran are buried
   * before anything is granted.
   */
  const open = async () => {
    const core = await Core.open();
    const engine = core.engine(MEMD_ROLE, config); // the module rejects a bad config
    if (saved) {
      round(engine, [ev.restore(saved)]);
      round(engine, [observeTick(ns, watch, observe, seen, where, true)]);
    }
    return engine;
  };

  let engine = await open();
  say(ns, "INFO", `memd: serving on port ${MEMD_PORT}, home reserve ${config.homeReserve} GB, session ${session}`);
  for (;;) {
    while (!inbox.empty()) {
      const m = inbox.read();
      noteWhere(m, where);
      events.push(ev.msg(m));
    }
    // Read every tick (ns.read is free), parsed only when it changed.
    const text = ns.read(CONFIG_FILE);
    if (text !== configText) {
      configText = text;
      const cfg = parseConfig(text);
      if (cfg.problem) say(ns, "WARN", `memd: ${cfg.problem}; the previous settings stay`);
      else {
        const { reserve = config.homeReserve, setAside = {}, useHacknet = config.useHacknet } = cfg.settings;
        events.push(ev.configure({ homeReserve: reserve, setAside, useHacknet }));
        say(ns, "INFO", `memd: settings from ${CONFIG_FILE}: reserve ${reserve} GB on home, set aside ${JSON.stringify(setAside)}, hacknet ${useHacknet ? "used" : "unused"}`);
      }
    }
    const now = performance.now();
    const full = now - lookedAll >= FULL_LOOK_MS;
    if (full) lookedAll = now;
    if (where.size > 2 * watch.length + 100) {
      const live = new Set(watch);
      for (const pid of where.keys()) if (!live.has(pid)) where.delete(pid);
    }
    events.push(observeTick(ns, watch, observe, seen, where, full));
    try {
      round(engine, events);
    } catch (e) {
      if (!(e instanceof CoreTrap)) throw e;
      // The instance's state is undefined after a trap: a fresh one
      // continues from the last saved state. The messages of the step
      // that trapped are not stepped again (one of them may be why it
      // trapped): each sender that named a port is told so.
      say(ns, "ERROR", "memd: core trapped, restarting it from the last saved state: " + e.message);
      const lost = events.filter((/** @type {any} */ x) => x.k === "msg");
      refuse(ns, "memd", lost.map((event) => ({ event, reason: "the memory daemon's core trapped on this message; nothing changed" })), "trapped");
      events = [];
      watch = [];
      observe = [];
      seen = new Map();
      configText = "";
      engine = await open();
    }
    await Promise.race([inbox.nextWrite(), ns.asleep(tickMs)]);
  }
}

/** The longest between two looks at every watched process, ms. */
const FULL_LOOK_MS = 1000;

/**
 * Notes the server a claim names for its worker; an unclaimed worker has
 * ended, and is looked at in the next round whatever its server shows.
 * A lie costs only the liar: its worker's end is found by a full look.
 * @param {any} m a message from MEMD_PORT @param {Map<number, string>} where
 */
export function noteWhere(m, where) {
  if (m === null || typeof m !== "object") return;
  if (m.t === T.claim && typeof m.host === "string" && Number.isSafeInteger(m.worker)) where.set(m.worker, m.host);
  else if (m.t === T.unclaim && Number.isSafeInteger(m.worker)) where.delete(m.worker);
}

/** n random bytes as hex digits. @param {number} n */
function randomWord(n) {
  const b = new Uint8Array(n);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * Reads what the allocator needs from the game: each server's root, max
 * and used RAM, and which watched processes ended. Only servers whose
 * reading changed are sent: the allocator keeps the last state of the
 * others. The step applies the deaths before the readings, so a process
 * that just ended is never counted twice.
 *
 * A full look (full) asks the game about every watched process. Between
 * full looks only those on a server whose reading changed are asked
 * about, and those whose server memd does not know (where): a process
 * that ends frees its RAM, so its server's reading changes. The one end
 * that hides (another process of the same RAM started there at the same
 * moment) is a task replacing its worker, and the task unclaims the old
 * one first. Late in a game memd watches over a thousand workers, and a
 * message wakes it several times a second.
 * @param {NS} ns @param {number[]} watch @param {string[]} observe @param {Map<string, string>} seen
 * @param {Map<number, string>} where each claimed worker's server, as its claim named it
 * @param {boolean} full
 */
export function observeTick(ns, watch, observe, seen, where, full) {
  const workers = [];
  const gone = [];
  /** @type {Set<string>} servers whose reading changed */
  const changed = new Set();
  for (const host of observe) {
    try {
      const root = ns.hasRootAccess(host);
      const max = ns.getServerMaxRam(host);
      const used = ns.getServerUsedRam(host);
      const key = `${root}|${max}|${used}`;
      if (seen.get(host) === key) continue;
      seen.set(host, key);
      changed.add(host);
      workers.push([host, root, max, used]);
    } catch {
      seen.delete(host);
      gone.push(host);
      changed.add(host);
    }
  }
  const dead = watch.filter((pid) => {
    const host = where.get(pid);
    if (!full && host !== undefined && !changed.has(host)) return false;
    if (ns.isRunning(pid)) return false;
    where.delete(pid);
    return true;
  });
  return ev.tick(performance.now(), dead, workers, gone);
}

/** @param {{flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([...FLAGS, ["help", false]]);
  return [];
}
