// @ts-check
// A sow task: grows TARGET to its maximum money and keeps it at minimum
// security, in a growable allocation (see lib/task.js; the core module
// decides everything).
//
// RAM: the individual getters (0.5 GB) rather than getServer (2 GB).

import { completeTask, runTask } from "/ramfarm/lib/task.js";

/** @param {NS} ns */
export async function main(ns) {
  await runTask(ns, {
    kind: "sow",
    what: "Grows TARGET to its maximum money, with the weakens that keep it at\nits minimum security.",
    facts: (host) => ({
      minSec: ns.getServerMinSecurityLevel(host),
      maxMoney: ns.getServerMaxMoney(host),
      growth: ns.getServerGrowth(host),
    }),
    look: (host) => [ns.getServerMoneyAvailable(host), ns.getServerSecurityLevel(host)],
  });
}

/** @param {{servers: string[], flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  return completeTask(data);
}
