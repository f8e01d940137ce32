// @ts-check
// The BitNode reader: start.js runs it once, in a seat, before it starts
// the selector. It reads which BitNode the game runs and the Source-File
// levels, hands them to start.js on a port and ends, so the 1 GB that
// getResetInfo costs is paid for a moment, never by a daemon.
//
// It does not call getBitNodeMultipliers, even with Source-File 5: that
// name alone would add 4 GB to this script (too much to seat it on a
// fresh save), and its answer is what the core module's own copy of the
// game's table gives for the same BitNode and level (the game computes
// the current node's multipliers from exactly these two numbers), so it
// would tell ramfarm nothing new.

import { readFlags } from "/ramfarm/lib/flags.js";
import { BOOT_PORT_BASE } from "/ramfarm/lib/protocol.js";

const HELP = `usage: run ramfarm/bitnode.js [--help]

Prints the BitNode the game runs, its level and your Source-Files, and
leaves them on port ${BOOT_PORT_BASE} + its pid for ramfarm/start.js, which
runs it once before it starts the task selector. You never need to run
it yourself.

  --help   this text`;

/** @param {NS} ns */
export async function main(ns) {
  if (!readFlags(ns, "bitnode", [], HELP)) return;
  const info = ns.getResetInfo();
  const n = info.currentNode;
  /** @type {Record<string, number>} */
  const sf = {};
  for (const [k, v] of info.ownedSF) sf[String(k)] = v;
  // The game asks for its multipliers at level = Source-File n + 1.
  const level = (info.ownedSF.get(n) ?? 0) + 1;
  ns.tryWritePort(BOOT_PORT_BASE + ns.pid, { n, level, sf });
  ns.print(`INFO bitnode: BitNode ${n}, level ${level}, Source-Files ${JSON.stringify(sf)}`);
}

/** @param {{flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([["help", false]]);
  return [];
}
