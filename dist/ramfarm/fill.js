// @ts-check
// A growable allocation at work: asks the memory daemon for COUNT chunks
// of CHUNK GB, starts weaken workers against TARGET in every chunk it
// holds, and starts more the moment new chunks arrive.

import { MemClient } from "/ramfarm/lib/alloc.js";
import { readFlags } from "/ramfarm/lib/flags.js";
import { WEAKEN_WORKER } from "/ramfarm/lib/protocol.js";
import { say } from "/ramfarm/lib/log.js";

const HELP = `usage: run ramfarm/fill.js TARGET [--chunk GB] [--count N] [--prio P]

Fills a growable allocation with looping weaken workers against TARGET.
The allocation grows, chunk by chunk, as RAM appears, until it holds
COUNT chunks; every new chunk gets workers at once.

  --chunk GB   chunk size (default 4)
  --count N    chunks wanted (default 10)
  --prio P     allocation priority (default 0)
  --help       this text`;

/** @type {[string, any][]} */
const FLAGS = [
  ["chunk", 4],
  ["count", 10],
  ["prio", 0],
];

/** @param {NS} ns */
export async function main(ns) {
  const flags = readFlags(ns, "fill", FLAGS, HELP, { min: 1, max: 1 });
  if (!flags) return;
  const target = String(flags._[0]);
  ns.disableLog("ALL");
  const perThread = ns.getScriptRam(WEAKEN_WORKER);
  const client = await MemClient.open(ns);
  const alloc = await client.allocate({
    chunk: Number(flags.chunk),
    count: Number(flags.count),
    prio: Number(flags.prio),
    growable: true,
  });
  // Workers die with their task: the allocation is freed when this script
  // ends, and looping workers left behind would squat on that RAM.
  ns.atExit(() => {
    for (const pid of alloc.claims.keys()) ns.kill(pid);
  });
  say(ns, "INFO", `fill: allocation ${alloc.id}: ${alloc.count()}/${alloc.desired} chunks of ${alloc.chunk} GB`);
  for (;;) {
    for (const [host, freeGB] of alloc.free()) {
      const threads = Math.floor(freeGB / perThread + 1e-9);
      if (threads < 1) continue;
      const pid = await alloc.start(WEAKEN_WORKER, host, threads, perThread, target, 0, true);
      if (pid) say(ns, "INFO", `fill: ${threads} weaken threads on ${host} (pid ${pid})`);
      else say(ns, "WARN", `fill: exec of ${threads} threads on ${host} failed`);
    }
    await client.wait(1000);
  }
}

/** @param {{servers: string[], flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([...FLAGS, ["help", false]]);
  return data.servers;
}
