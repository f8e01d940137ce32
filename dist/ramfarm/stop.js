// @ts-check
// Stops ramfarm everywhere: every ramfarm process on every server, and
// the ports it used. The daemons go first, so nothing starts new work;
// then the tasks and their workers; the memory daemon last. Its
// allocations and ports end with it.

import { readFlags } from "/ramfarm/lib/flags.js";
import { BOOT_PORT_BASE, DISCOVERY_PORT, MEMD_PORT, SELECTOR_PORT, TASK_SCRIPTS } from "/ramfarm/lib/protocol.js";

const HELP = `usage: run ramfarm/stop.js [--start] [--first-port N]

Stops ramfarm: kills every ramfarm script on every server (the selector
and the discovery daemon first, then the tasks and their workers, the
memory daemon last) and clears the ports ramfarm used. Your own scripts
are left alone. Start it again with run ramfarm/start.js.

  --start          then start ramfarm again (as install.js does after an
                   update, so the new version runs)
  --first-port N   the memory daemon's --first-port, if you changed it
                   (default 101): its private ports are cleared from there
  --help           this text`;

/** @type {[string, any][]} */
const FLAGS = [["first-port", 101], ["start", false]];

/** Private ports cleared past --first-port: more than memd ever hands out at once. */
const PRIVATE_PORTS = 4096;

/** spawn's delay before start.js runs, after --start. */
const SPAWN_MS = 100;

/** Kill order: what starts work first, what serves it last. */
const FIRST = ["ramfarm/selector.js", "ramfarm/discover.js", "ramfarm/start.js"];
const LAST = "ramfarm/memd.js";

/** @param {NS} ns */
export async function main(ns) {
  const flags = readFlags(ns, "stop", FLAGS, HELP);
  if (!flags) return;
  const firstPort = Number(flags["first-port"]);
  /** @type {{pid: number, file: string}[]} */
  const procs = [];
  for (const host of network(ns)) {
    for (const p of ns.ps(host)) {
      if (p.filename.startsWith("ramfarm/") && p.pid !== ns.pid) procs.push({ pid: p.pid, file: p.filename });
    }
  }
  const rank = (/** @type {string} */ file) => {
    if (FIRST.includes(file)) return 0;
    if (Object.values(TASK_SCRIPTS).includes(file)) return 1;
    return file === LAST ? 3 : 2;
  };
  procs.sort((a, b) => rank(a.file) - rank(b.file));
  let killed = 0;
  for (const p of procs) if (ns.kill(p.pid)) killed++;
  // Ports after the processes: a dying task may still write its last word.
  await ns.asleep(0);
  for (const port of [SELECTOR_PORT, DISCOVERY_PORT, MEMD_PORT]) ns.clearPort(port);
  for (let port = firstPort; port < firstPort + PRIVATE_PORTS; port++) ns.clearPort(port);
  for (const p of procs) ns.clearPort(BOOT_PORT_BASE + p.pid);
  if (!flags.start) {
    ns.tprint(`INFO stop: killed ${killed} ramfarm processes and cleared its ports; run ramfarm/start.js to start again`);
    return;
  }
  ns.tprint(`INFO stop: killed ${killed} ramfarm processes and cleared its ports; starting ramfarm again`);
  // spawn, not run: start.js gets this script's RAM once it has ended (a
  // fresh 8 GB home has no room for both).
  ns.spawn("ramfarm/start.js", { threads: 1, spawnDelay: SPAWN_MS });
}

/** Every server reachable from home. @param {NS} ns */
function network(ns) {
  const seen = new Set(["home"]);
  const queue = ["home"];
  while (queue.length > 0) {
    const host = /** @type {string} */ (queue.shift());
    for (const next of ns.scan(host)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...seen];
}

/** @param {{flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([...FLAGS, ["help", false]]);
  return [];
}
