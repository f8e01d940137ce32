// @ts-check
// The task selector: it picks targets, launches till, sow and harvest
// tasks, and steers them (priorities, caps, stops) so that new RAM grows
// the tasks already running before new ones start. Every decision is made
// in the core module; this script moves messages, observes, and carries
// out execs, kills and port writes.

import { MemClient } from "/ramfarm/lib/alloc.js";
import { Core, CoreTrap } from "/ramfarm/lib/core.js";
import { deliver } from "/ramfarm/lib/ports.js";
import { DISCOVERY_PORT, MEMD_PORT, SELECTOR_PORT, T, TASK_SCRIPTS } from "/ramfarm/lib/protocol.js";
import { seat } from "/ramfarm/lib/seat.js";

const HELP = `usage: run ramfarm/selector.js [--policy grow|greedy|restart] [--tick ms]

The ramfarm task selector. It takes hack targets from the discovery daemon
and RAM from the memory daemon (ramfarm/start.js starts all three), and
runs, for each target, a till task (weaken to min security), then a sow
task (grow to max money), then a harvest task (HWGW batches), each on a
seat of RAM the memory daemon grants, on any server.

  --policy P   grow (default): new RAM first grows the running tasks, the
               most valuable first; greedy: new RAM starts new tasks of a
               fixed size; restart: like greedy, but every RAM jump stops
               all tasks and plans again
  --tick ms    how often it decides (default 1000)

To move work off a server before upgrading it, write
{t: "vacate", host, reply: PORT} to port ${SELECTOR_PORT}; the answer
{t: "vacated", host} arrives on PORT; then {t: "reopen", host}.`;

const HOME = "home";

/** @param {NS} ns */
export async function main(ns) {
  const flags = ns.flags([
    ["policy", "grow"],
    ["tick", 1000],
    ["help", false],
  ]);
  if (flags.help || flags._.length > 0) {
    ns.tprint(HELP);
    return;
  }
  const tickMs = Number(flags.tick);
  if (!(tickMs >= 100)) {
    ns.tprint("selector: --tick must be at least 100 ms");
    return;
  }
  // Each task script's RAM: the seat a launch asks the memory daemon for.
  /** @type {Record<string, number>} */
  const taskRam = {};
  for (const [kind, script] of Object.entries(TASK_SCRIPTS)) taskRam[kind] = ns.getScriptRam(script, HOME);
  const config = { policy: String(flags.policy), taskRam };
  ns.disableLog("ALL");

  const client = await MemClient.open(ns);
  let core = await Core.open();
  let engine = core.engine("selector", config); // the module rejects a bad policy
  const inbox = ns.getPortHandle(SELECTOR_PORT);
  /** @type {object[]} */
  let events = [];
  // Our port also carries discovery's targets and memd's reports (both
  // sent with rid 0): every message that answers no request of ours.
  client.onOther = (m) => events.push({ k: "msg", body: m });
  await deliver(ns, DISCOVERY_PORT, { t: T.subscribe, rid: 0, pid: ns.pid, reply: client.mb.port });
  ns.print(`selector: policy ${config.policy}, reading port ${SELECTOR_PORT}`);

  /** @type {number[]} */
  let watch = [];
  for (;;) {
    while (!inbox.empty()) events.push({ k: "msg", body: inbox.read() });
    client.mb.drain();
    const dead = watch.filter((pid) => !ns.isRunning(pid));
    events.push({ k: "tick", now: Math.floor(performance.now()), hacking: ns.getHackingLevel(), dead });
    try {
      engine.step(events);
      events = [];
      const out = engine.ready();
      for (const c of out.do ?? []) {
        if (c.op === "send") ns.tryWritePort(c.port, c.msg);
        else if (c.op === "kill") ns.kill(c.pid);
        else if (c.op === "launch") events.push(await launch(ns, client, c));
      }
      for (const line of out.log ?? []) ns.print(line);
      for (const e of out.errors ?? []) ns.print("selector: rejected: " + e);
      if (out.watch) watch = out.watch;
      engine.advance();
    } catch (e) {
      if (!(e instanceof CoreTrap)) throw e;
      // A fresh engine rebuilds its view from the tasks' heartbeats.
      ns.print("selector: core trapped, restarting it: " + e.message);
      events = [];
      core = await Core.open();
      engine = core.engine("selector", config);
    }
    // Ask memd for its status; the report arrives on our port by the next tick.
    ns.tryWritePort(MEMD_PORT, { t: T.status, rid: 0, pid: ns.pid, reply: client.mb.port });
    // A fixed pace: tasks' heartbeats wait in the port until the next
    // decision, so a burst of messages never becomes a burst of decisions.
    await ns.asleep(tickMs);
  }
}

/**
 * Starts a task in a seat the memory daemon grants (lib/seat.js). The
 * result goes back to the engine before any message the task could send.
 * @param {NS} ns @param {MemClient} client
 * @param {{id: number, script: string, ram: number, prio: number, args: (string|number)[]}} c
 */
async function launch(ns, client, c) {
  try {
    const { pid } = await seat(ns, client, c.script, c.ram, c.args, c.prio);
    return { k: "launched", id: c.id, pid };
  } catch (e) {
    return { k: "launched", id: c.id, pid: 0, reason: e instanceof Error ? e.message : String(e) };
  }
}
