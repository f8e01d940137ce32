// @ts-check
// Lets ramfarm use a server again after ramfarm/vacate.js.

import { readFlags } from "/ramfarm/lib/flags.js";
import { deliver } from "/ramfarm/lib/ports.js";
import { SELECTOR_PORT, T } from "/ramfarm/lib/protocol.js";

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
  await deliver(ns, SELECTOR_PORT, { t: T.reopen, host });
  ns.tprint(`INFO reopen: ramfarm may use ${host} again`);
}

/** @param {{servers: string[], flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([["help", false]]);
  return data.servers;
}
