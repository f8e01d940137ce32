// @ts-check
// A harvest task: HWGW batches against one target, in the chunks of an
// allocation that grows (see lib/task.js; the core module plans every
// batch, decides when to start it, when to grow the batches and when to
// give chunks back).
//
// RAM: the target's fixed figures come from the individual getters
// (0.4 GB) rather than getServer (2 GB); getPlayer gives the multipliers
// once. Worker RAM is the module's default (1.70/1.75 GB, the workers'
// own cost), so getScriptRam is not needed.

import { completeTask, runTask } from "/ramfarm/lib/task.js";

/** @type {Array<[string, number, string]>} harvest's own flags */
const FLAGS = [["spacing", 0, "time between a batch's landings, ms (default 50)"]];

/** @param {NS} ns */
export async function main(ns) {
  await runTask(ns, {
    kind: "harvest",
    what: `Harvests TARGET with batches of hack, weaken, grow and weaken whose four
operations land in that order, a few ms apart, and leave it at minimum
security and maximum money again. It adds batches as its RAM grows until
a weaken time is full of them, then makes each batch larger (up to
--ram; without it, never). TARGET should be at minimum security and
maximum money when it starts (till and sow get it there); if it drifts,
harvest corrects it first.`,
    flags: FLAGS,
    facts: (host) => {
      const player = ns.getPlayer();
      const m = player.mults;
      return {
        maxMoney: ns.getServerMaxMoney(host),
        minSec: ns.getServerMinSecurityLevel(host),
        growth: ns.getServerGrowth(host),
        requiredLevel: ns.getServerRequiredHackingLevel(host),
        level: player.skills.hacking,
        intelligence: player.skills.intelligence,
        mults: {
          hacking: m.hacking,
          hackingChance: m.hacking_chance,
          hackingSpeed: m.hacking_speed,
          hackingMoney: m.hacking_money,
          hackingGrow: m.hacking_grow,
          hackingExp: m.hacking_exp,
        },
      };
    },
    look: (host) => [ns.getServerMoneyAvailable(host), ns.getServerSecurityLevel(host), ns.getHackingLevel()],
  });
}

/** @param {{servers: string[], flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  return completeTask(data, FLAGS);
}
