// @ts-check
// The boot script: starts ramfarm from the terminal, on any save, even a
// fresh one with an 8 GB home. The memory daemon goes on home; the
// discovery daemon and the task selector get seats from it (see
// lib/seat.js) wherever there is room. When there is none yet, it nukes
// the servers that need no open port (their RAM is the start of every
// game) and tells the memory daemon about them; the discovery daemon
// does the rest once it runs. Run again, it starts only what is missing.
// Before the selector it seats ramfarm/bitnode.js for a moment, which
// reads the BitNode and its level (1 GB this script does not pay), and
// starts the selector with them.

import { MemClient } from "/ramfarm/lib/alloc.js";
import { readFlags } from "/ramfarm/lib/flags.js";
import { deliver, giveBackRole, registerRole } from "/ramfarm/lib/ports.js";
import { BOOT_PORT_BASE, MEMD_PORT, T } from "/ramfarm/lib/protocol.js";
import { seat } from "/ramfarm/lib/seat.js";
import { CONFIG_FILE, readConfig } from "/ramfarm/lib/config.js";
import { gameRelease } from "/ramfarm/lib/release.js";

const HELP = `usage: run ramfarm/start.js [--policy grow|greedy|restart|replan] [--reserve GB]

Starts ramfarm: the memory daemon on home, then the discovery daemon and
the task selector wherever the memory daemon finds room. Run it again to
restart whatever is not running; what runs is left alone.

  --policy P     how the selector spends RAM (default grow; see
                 run ramfarm/selector.js --help)
  --reserve GB   RAM on home kept free for your own scripts (default 8)
  --help         this text

Settings in ramfarm/config.json win over these flags (see the README):
{"reserve": 16, "setAside": {"pserv-0": 64}, "useHacknet": false,
 "policy": "grow"}. The memory daemon applies a change to the file at once;
the policy is read here, at start.

Watch it:  tail ramfarm/selector.js   (tasks and decisions)
           tail ramfarm/memd.js       (RAM granted and returned)
Stop it:   run ramfarm/stop.js   (every ramfarm script, everywhere)`;

const HOME = "home";
const MEMD = "ramfarm/memd.js";
/** The daemons start.js seats, in start order. */
const DAEMONS = ["ramfarm/discover.js", "ramfarm/selector.js"];
/** How long start.js waits for room for a daemon before it gives up, ms. */
const SEAT_WAIT_MS = 120_000;

/** Reads the BitNode once, in a seat, and ends. */
const BITNODE = "ramfarm/bitnode.js";
/** Seats of daemons outrank every task's chunks. */
const DAEMON_PRIO = 1 << 30;

/** @type {[string, any][]} */
const FLAGS = [
  ["policy", "grow"],
  ["reserve", 8],
];

/** @param {NS} ns */
export async function main(ns) {
  const flags = readFlags(ns, "start", FLAGS, HELP);
  if (!flags) return;
  const cfg = readConfig(ns);
  if (cfg.problem) {
    ns.tprint(`ERROR start: ${cfg.problem}`);
    return;
  }
  if (cfg.text) ns.tprint(`INFO start: settings from ${CONFIG_FILE}: ${JSON.stringify(cfg.settings)}`);
  ns.print(`INFO start: game release ${gameRelease(ns)}`);
  if (cfg.settings.policy !== undefined) flags.policy = cfg.settings.policy;
  if (!(flags.reserve >= 0)) {
    ns.tprint(`ERROR start: --reserve must be a number of GB, got ${flags.reserve}`);
    return;
  }
  /** @type {Record<string, (string|number)[]>} */
  const args = { [MEMD]: ["--reserve", flags.reserve], [DAEMONS[1]]: ["--policy", String(flags.policy)] };

  const onHome = ns.ps(HOME);
  // A start.js waiting for room (up to two minutes) holds 4.6 GB of the
  // player's reserve; a second one would hold as much again and start
  // nothing the first will not.
  const other = onHome.find((p) => p.filename === ns.getScriptName() && p.pid !== ns.pid);
  if (other) {
    ns.tprint(`INFO start: start.js is already running (pid ${other.pid}); it starts what is missing as room appears`);
    return;
  }
  if (!onHome.some((p) => p.filename === MEMD)) {
    const need = ns.getScriptRam(MEMD, HOME);
    if (ns.exec(MEMD, HOME, 1, ...args[MEMD]) === 0) {
      ns.tprint(`ERROR start: the memory daemon needs ${need} GB free on home; free some and run start.js again`);
      return;
    }
    ns.tprint(`INFO start: memory daemon started on home (${need} GB)`);
  }
  const client = await MemClient.open(ns);
  const running = await seatedScripts(client);
  for (const p of ns.ps(HOME)) running.add(p.filename); // started by hand, the old way
  for (const script of DAEMONS) {
    if (running.has(script)) continue;
    if (script === DAEMONS[1]) {
      const node = await readBitNode(ns, client);
      if (!node) return;
      args[script].push("--bitnode", node.n, "--bn-level", node.level);
    }
    const where = await seatAnywhere(ns, client, script, args[script] ?? []);
    if (!where) return;
    ns.tprint(`INFO start: ${script} started on ${where.host} (pid ${where.pid}, ${where.ram} GB)`);
  }
  ns.tprint("INFO start: ramfarm is running. tail ramfarm/selector.js to watch it.");
}

/**
 * Seats script with args wherever the memory daemon finds room; when there
 * is none, roots the servers that need no open port, then waits for room
 * up to SEAT_WAIT_MS. Says why and returns null when it cannot.
 * @param {NS} ns @param {MemClient} client @param {string} script @param {(string|number)[]} args
 */
async function seatAnywhere(ns, client, script, args) {
  const ram = ns.getScriptRam(script, HOME);
  const until = performance.now() + SEAT_WAIT_MS;
  for (let tries = 0; ; tries++) {
    try {
      return { ...(await seat(ns, client, script, ram, args, DAEMON_PRIO)), ram };
    } catch (e) {
      if (performance.now() >= until) {
        ns.tprint(`ERROR start: no room for ${script} (${ram} GB) on any server: ${e instanceof Error ? e.message : e}`);
        return null;
      }
      // Make room: root the servers that need no open port, and wait
      // for the memory daemon to look at them. When all RAM is held
      // (a daemon started again under a running system), the memory
      // daemon gives a daemon's seat the first chunks no worker uses.
      if (tries === 0) await registerRooted(ns, nukeWhatNeedsNoPort(ns));
      else if (tries === 1) {
        ns.tprint(`INFO start: waiting for room for ${script} (${ram} GB): the memory daemon frees it as batches land`);
      }
      await ns.asleep(1500);
    }
  }
}

/**
 * Tells the memory daemon about servers start.js rooted. Registering
 * servers is the discovery daemon's role: start.js takes the role for the
 * moment and gives it back; while a discovery daemon holds it, that
 * daemon registers them itself.
 * @param {NS} ns @param {string[]} hosts
 */
async function registerRooted(ns, hosts) {
  const token = await registerRole(ns, "discovery", { wait: false });
  if (token === null) return;
  for (const host of hosts) await deliver(ns, MEMD_PORT, { t: T.worker, host, token });
  await giveBackRole(ns, "discovery", token);
}

/**
 * The BitNode the game runs and its level, from ramfarm/bitnode.js run in
 * a seat: it leaves them on BOOT_PORT_BASE + its pid and ends. null, said
 * why, when it cannot run or does not answer in 10 s.
 * @param {NS} ns @param {MemClient} client
 * @returns {Promise<{n: number, level: number} | null>}
 */
async function readBitNode(ns, client) {
  const where = await seatAnywhere(ns, client, BITNODE, []);
  if (!where) return null;
  const port = ns.getPortHandle(BOOT_PORT_BASE + where.pid);
  for (let waited = 0; port.empty(); waited += 100) {
    if (waited >= 10000) {
      ns.tprint(`ERROR start: ${BITNODE} did not say which BitNode this is within 10 s; run start.js again`);
      return null;
    }
    await ns.asleep(100);
  }
  const node = port.read();
  port.clear();
  ns.tprint(`INFO start: BitNode ${node.n}, level ${node.level}`);
  return { n: node.n, level: node.level };
}

/**
 * The scripts that sit in seats now, from the memory daemon's report.
 * @param {MemClient} client
 */
async function seatedScripts(client) {
  const r = await client.mb.ask({ t: T.status, pid: client.ns.pid });
  return new Set((r.allocs ?? []).map((/** @type {{script: string}} */ a) => a.script));
}

/**
 * Roots every server reachable from home that NUKE.exe alone can open,
 * and returns the rooted ones.
 * @param {NS} ns
 */
function nukeWhatNeedsNoPort(ns) {
  const seen = new Set([HOME]);
  const queue = [HOME];
  const rooted = [];
  while (queue.length > 0) {
    const host = /** @type {string} */ (queue.shift());
    for (const next of ns.scan(host)) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
      try {
        ns.nuke(next); // throws while ports are missing
      } catch {
        // discover opens it once the player has the programs
      }
      if (ns.hasRootAccess(next)) rooted.push(next);
    }
  }
  return rooted;
}

/** @param {{flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([...FLAGS, ["help", false]]);
  return [];
}
