// @ts-check
// Lets ramfarm use a server again after ramfarm/vacate.js.

import { readFlags } from "/ramfarm/lib/flags.js";
import { deliver } from "/ramfarm/lib/ports.js";
import { BOOT_PORT_BASE, SELECTOR_PORT, T } from "/ramfarm/lib/protocol.js";

const HELP = `usage: run ramfarm/reopen.js HOST

Lets ramfarm put work on HOST again after ramfarm/vacate.js HOST (once
you upgraded it, say). Its RAM is handed out again at the memory daemon's
next tick.

  --help   this text`;

/** @param {NS} ns */
export async function main(ns) {
  const flags = readFlags(ns, "reopen", [], HELP, { min: 1, max: 1 });
  if (!flags) return;
  const host = String(flags._[0]);
  // The selector takes a reopen only while the reopen.js that asked
  // runs, with these arguments, on home: it waits for the selector's
  // word that it did.
  const reply = BOOT_PORT_BASE + ns.pid;
  ns.clearPort(reply);
  await deliver(ns, SELECTOR_PORT, { t: T.reopen, host, reply, args: ns.args });
  const inbox = ns.getPortHandle(reply);
  for (let waited = 0; inbox.empty(); waited += 100) {
    if (waited >= 30_000) {
      ns.tprint(`WARN reopen: no answer within 30 s (is ramfarm/selector.js running?); ${host} stays vacated`);
      return;
    }
    await ns.asleep(100);
  }
  const a = inbox.read();
  if (a?.t === T.error) ns.tprint(`ERROR reopen: ${a.reason}`);
  else ns.tprint(`INFO reopen: ramfarm may use ${host} again`);
}

/** @param {{servers: string[], flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([["help", false]]);
  return data.servers;
}
