// @ts-check
// A till task: weakens TARGET to its minimum security, in a growable
// allocation (see lib/task.js; the core module decides everything).
//
// RAM: the getters below, and what lib/task.js needs to start, claim and
// kill workers; nothing about money.

import { completeTask, runTask } from "/ramfarm/lib/task.js";

/** @param {NS} ns */
export async function main(ns) {
  await runTask(ns, {
    kind: "till",
    what: "Weakens TARGET to its minimum security.",
    facts: (host) => ({ minSec: ns.getServerMinSecurityLevel(host) }),
    look: (host) => [0, ns.getServerSecurityLevel(host)],
  });
}

/** @param {{servers: string[], flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  return completeTask(data);
}
