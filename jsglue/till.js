// @ts-check
// A till task: weakens TARGET to its minimum security, in a growable
// allocation (see lib/prep.js; the core module decides everything).
//
// RAM: the getters below, and what lib/prep.js needs to start, claim and
// kill workers; nothing about money.

import { runPrep } from "/ramfarm/lib/prep.js";

/** @param {NS} ns */
export async function main(ns) {
  await runPrep(ns, "till", {
    facts: (host) => ({ minSec: ns.getServerMinSecurityLevel(host) }),
    look: (host) => ({ money: 0, sec: ns.getServerSecurityLevel(host) }),
  });
}
