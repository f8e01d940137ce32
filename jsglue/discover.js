// @ts-check
// The discovery daemon. Every tick it walks the network from home and
// hands what it saw to the core module, which decides what to open and
// nuke, which workers the memory daemon must hear about, and which
// servers are hack targets; this script only carries that out, by the
// names the generated discoverywire.js gives the events and the Ready.
//
// RAM: getServer (2 GB) is the only call that gives a server's cores, and
// it gives everything else in the same call; the individual getters would
// cost 0.95 GB and still lack the cores. Names here are chosen so nothing
// else is charged (no "attempt", "connect", "hacknet", ...).
//
// Most ticks look only at home and its neighbours, where the player's own
// servers live; the module asks for a walk of the whole network now and
// then ("walk"), and acts on a new program at once from what it knows.

import { readFlags } from "/ramfarm/lib/flags.js";
import { Core, CoreTrap } from "/ramfarm/lib/core.js";
import { DISCOVERY_ROLE, ev, parts } from "/ramfarm/lib/discoverywire.js";
import { say, sayAll } from "/ramfarm/lib/log.js";
import { refuse, registerRole } from "/ramfarm/lib/ports.js";

const HELP = `usage: run ramfarm/discover.js [--tick ms]

The ramfarm discovery daemon. Every tick it walks the network from home.
It opens and nukes every server your programs allow (the moment you get a
new program), tells the memory daemon about every server that can run
scripts (again when one is upgraded or bought), and keeps ramfarm's task
selector told which servers are worth hacking. Start it on home, right
after the memory daemon.

  --tick ms   how often it looks at the network (default 5000)
  --help      this text`;

const HOME = "home";
const NUKE_EXE = "NUKE.exe";

/**
 * The game call behind each port opener the module may name.
 * @type {Record<string, (ns: NS, host: string) => boolean>}
 */
const OPENERS = {
  "BruteSSH.exe": (ns, host) => ns.brutessh(host),
  "FTPCrack.exe": (ns, host) => ns.ftpcrack(host),
  "relaySMTP.exe": (ns, host) => ns.relaysmtp(host),
  "HTTPWorm.exe": (ns, host) => ns.httpworm(host),
  "SQLInject.exe": (ns, host) => ns.sqlinject(host),
};

/** Program files whose presence on home the module is told about. */
const PROGRAM_FILES = [NUKE_EXE, ...Object.keys(OPENERS)];

/** @type {[string, any][]} */
const FLAGS = [
    ["tick", 5000],
];

/** @param {NS} ns */
export async function main(ns) {
  const flags = readFlags(ns, "discover", FLAGS, HELP);
  if (!flags) return;
  const tickMs = Number(flags.tick);
  if (!(tickMs >= 20)) {
    ns.tprint("ERROR discover: --tick must be at least 20 ms");
    return;
  }
  ns.disableLog("ALL");
  // Only the process that holds the discovery role registers servers
  // with the memory daemon: its registrations carry the role's token.
  const memdToken = await registerRole(ns, "discovery", {
    onWait: (why) => say(ns, "INFO", `discover: waiting for the discovery role: ${why}`),
  });
  const config = { home: HOME, memdToken };

  let core = await Core.open();
  let engine = core.engine(DISCOVERY_ROLE, config); // the module rejects a bad config
  /** @type {NetscriptPort | null} */
  let inbox = null;
  /** @type {object[]} */
  let events = [];
  /** @type {number[]} */
  let watch = [];
  let due = 0;
  let walk = true; // the module asks for full scans; it wants one first

  for (;;) {
    if (inbox) while (!inbox.empty()) events.push(ev.msg(inbox.read()));
    if (performance.now() >= due) {
      events.push(look(ns, watch, walk));
      due = performance.now() + tickMs;
    }
    try {
      // Outcomes are stepped at once, not at the next tick: a nuke that
      // worked is registered as a worker in this same tick. The module
      // never answers a failed write before the next scan, so this ends.
      while (events.length > 0) {
        refuse(ns, "discover", engine.step(events));
        events = [];
        const [listen, walkNext, opens, roots, sends, logs, newWatch, errors] = parts(engine.ready());
        if (listen) inbox = ns.getPortHandle(listen);
        for (const [id, host, program] of opens) events.push(outcome(id, () => OPENERS[program](ns, host)));
        for (const [id, host] of roots) events.push(outcome(id, () => ns.nuke(host)));
        for (const [id, port, msg] of sends) events.push(ev.sent(id, ns.tryWritePort(port, msg)));
        sayAll(ns, logs);
        for (const e of errors) say(ns, "WARN", "discover: rejected: " + e);
        if (newWatch) watch = newWatch;
        walk = walkNext;
        engine.advance();
      }
    } catch (e) {
      if (!(e instanceof CoreTrap)) throw e;
      // The instance's state is undefined after a trap: start a fresh one
      // and scan at once; every worker is registered again (harmless), and
      // subscribers must subscribe again.
      say(ns, "ERROR", "discover: core trapped, restarting it: " + e.message);
      events = [];
      watch = [];
      due = 0;
      walk = true;
      core = await Core.open();
      engine = core.engine(DISCOVERY_ROLE, config);
    }
    const wait = Math.max(due - performance.now(), 0);
    await (inbox ? Promise.race([inbox.nextWrite(), ns.asleep(wait)]) : ns.asleep(wait));
  }
}

/**
 * Runs an open or a nuke; the game throws to say no.
 * @param {number} id @param {() => boolean} call
 */
function outcome(id, call) {
  try {
    return ev.done(id, call() === true);
  } catch (e) {
    return ev.done(id, false, String(e));
  }
}

/**
 * One tick's observations: which watched processes ended, the owned
 * programs, the player's level, and the servers: with full, every one
 * reachable from home, breadth first; otherwise home and its neighbours
 * (where bought servers appear, change and vanish). A server that
 * vanishes mid-walk (a deleted purchased server) is left out.
 * @param {NS} ns @param {number[]} watch @param {boolean} full
 */
function look(ns, watch, full) {
  const dead = watch.filter((pid) => !ns.isRunning(pid));
  const programs = PROGRAM_FILES.filter((file) => ns.fileExists(file, HOME));
  const hosts = [HOME];
  const seen = new Set(hosts);
  for (let i = 0; i < hosts.length && (full || i === 0); i++) {
    for (const next of neighbours(ns, hosts[i])) {
      if (!seen.has(next)) {
        seen.add(next);
        hosts.push(next);
      }
    }
  }
  const servers = [];
  for (const host of hosts) {
    try {
      const s = ns.getServer(host);
      // The module's order (bridge/discovery.go); a field the game leaves
      // out (hacknet servers have no money) becomes null.
      servers.push([s.hostname, s.hasAdminRights, s.purchasedByPlayer, s.numOpenPortsRequired, s.maxRam, s.cpuCores,
        s.moneyMax, s.moneyAvailable, s.minDifficulty, s.baseDifficulty, s.hackDifficulty, s.serverGrowth,
        s.requiredHackingSkill]);
    } catch {
      // gone since it was listed
    }
  }
  return ev.look(performance.now(), ns.getHackingLevel(), programs, dead, full, servers);
}

/** @param {NS} ns @param {string} host */
function neighbours(ns, host) {
  try {
    return ns.scan(host);
  } catch {
    return [];
  }
}

/** @param {{flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([...FLAGS, ["help", false]]);
  return [];
}
