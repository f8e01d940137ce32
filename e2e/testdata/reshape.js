// A test client for the reshape case: it holds 4 × 4 GB chunks with one
// finite weaken worker in each, landing one after another, then reshapes
// to 2 × 16 GB. Each old chunk goes back only after its worker finished;
// each new chunk gets a worker as it arrives.
import { MemClient } from "/ramfarm/lib/alloc.js";
import { WEAKEN_WORKER as W } from "/ramfarm/lib/protocol.js";

/** @param {NS} ns */
export async function main(ns) {
  const target = String(ns.args[0]);
  const per = ns.getScriptRam(W);
  const client = await MemClient.open(ns);
  const alloc = await client.allocate({ chunk: 4, count: 4, growable: true });
  while (alloc.count(4) < 4) await client.wait(1000);

  /** @type {Map<number, {host: string, size: number}>} worker → chunk */
  const inChunk = new Map();
  let delay = 0;
  for (const [host, size, count] of alloc.held) {
    for (let i = 0; i < count; i++) {
      const pid = await alloc.start(W, host, Math.floor(size / per), per, target, delay, false);
      inChunk.set(pid, { host, size });
      delay += 2000;
    }
  }
  ns.print(`reshape: 4 x 4 GB in use, workers ${[...inChunk.keys()].join(",")}`);
  await alloc.resize(2, 16);

  /** @type {Map<string, number>} 16 GB chunks in use per host */
  const used16 = new Map();
  while (alloc.count(4) > 0 || [...used16.values()].reduce((a, b) => a + b, 0) < 2) {
    for (const [pid, c] of [...inChunk]) {
      if (ns.isRunning(pid)) continue;
      inChunk.delete(pid);
      alloc.claims.delete(pid);
      if (c.size === 4) {
        await alloc.giveBack(c.host, 4, 1);
        ns.print(`reshape: gave back a 4 GB chunk on ${c.host}`);
      }
    }
    for (const [host, size, count] of alloc.held) {
      if (size !== 16) continue;
      while ((used16.get(host) ?? 0) < count) {
        const pid = await alloc.start(W, host, Math.floor(16 / per), per, target, 0, false);
        inChunk.set(pid, { host, size: 16 });
        used16.set(host, (used16.get(host) ?? 0) + 1);
        ns.print(`reshape: worker ${pid} in a 16 GB chunk on ${host}`);
      }
    }
    await client.wait(500);
  }
  ns.print("reshape: done");
  for (;;) await client.wait(60000);
}
