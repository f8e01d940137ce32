// @ts-check
// Moves ramfarm's work off a server before the player upgrades or deletes
// it: asks the selector to vacate it and waits for its answer.

import { readFlags } from "/ramfarm/lib/flags.js";
import { deliver } from "/ramfarm/lib/ports.js";
import { BOOT_PORT_BASE, SELECTOR_PORT, T } from "/ramfarm/lib/protocol.js";

const HELP = `usage: run ramfarm/vacate.js HOST [--timeout S]

Moves ramfarm's work off HOST (a bought server you want to upgrade or
delete): no new work starts there, the batches on it land, the tasks grow
back on other servers, and a task whose own script runs there is started
again elsewhere. It waits until nothing of ramfarm's is left on HOST,
then says so. HOST takes no ramfarm work until ramfarm/reopen.js HOST.

  --timeout S   give up waiting after S seconds (default 600; HOST stays
                vacated all the same)
  --help        this text`;

/** @type {[string, any][]} */
const FLAGS = [["timeout", 600]];

/** @param {NS} ns */
export async function main(ns) {
  const flags = readFlags(ns, "vacate", FLAGS, HELP, { min: 1, max: 1 });
  if (!flags) return;
  const host = String(flags._[0]);
  const timeoutMs = Number(flags.timeout) * 1000;
  if (!(timeoutMs > 0)) {
    ns.tprint(`ERROR vacate: --timeout must be a number of seconds, got ${flags.timeout}`);
    return;
  }
  const reply = BOOT_PORT_BASE + ns.pid;
  ns.clearPort(reply);
  // args: the selector takes a vacate only while the vacate.js that
  // asked runs, with these arguments, on home.
  await deliver(ns, SELECTOR_PORT, { t: T.vacate, host, reply, args: ns.args });
  ns.tprint(`INFO vacate: asked ramfarm to move its work off ${host}; waiting for the batches there to land`);
  const inbox = ns.getPortHandle(reply);
  const until = performance.now() + timeoutMs;
  for (;;) {
    while (!inbox.empty()) {
      const m = inbox.read();
      if (m && m.t === T.vacated && m.host === host) {
        ns.tprint(`INFO vacate: nothing of ramfarm's is left on ${host}; upgrade it, then run ramfarm/reopen.js ${host}`);
        return;
      }
    }
    const left = until - performance.now();
    if (left <= 0) {
      ns.tprint(`WARN vacate: no answer within ${flags.timeout} s (is ramfarm/selector.js running?); ${host} stays vacated`);
      return;
    }
    await Promise.race([inbox.nextWrite(), ns.asleep(Math.min(left, 1000))]);
  }
}

/** @param {{servers: string[], flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([...FLAGS, ["help", false]]);
  return data.servers;
}
