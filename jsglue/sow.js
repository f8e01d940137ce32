// @ts-check
// A sow task: grows TARGET to its maximum money and keeps it at minimum
// security, in a growable allocation (see lib/prep.js; the core module
// decides everything).
//
// RAM: the individual getters (0.5 GB) rather than getServer (2 GB).

import { runPrep } from "/ramfarm/lib/prep.js";

/** @param {NS} ns */
export async function main(ns) {
  await runPrep(ns, "sow", {
    facts: (host) => ({
      minSec: ns.getServerMinSecurityLevel(host),
      maxMoney: ns.getServerMaxMoney(host),
      growth: ns.getServerGrowth(host),
    }),
    look: (host) => ({ money: ns.getServerMoneyAvailable(host), sec: ns.getServerSecurityLevel(host) }),
  });
}
