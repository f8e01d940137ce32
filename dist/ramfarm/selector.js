// @ts-check
// The task selector: it picks targets, launches till, sow and harvest
// tasks, and steers them (priorities, caps, stops) so that new RAM grows
// the tasks already running before new ones start. Every decision is made
// in the core module; this script moves messages, observes, and carries
// out launches, kills and port writes, by the names the generated
// selectorwire.js gives the events, the commands and the Ready.

import { readFlags } from "/ramfarm/lib/flags.js";
import { MemClient } from "/ramfarm/lib/alloc.js";
import { Core, CoreTrap } from "/ramfarm/lib/core.js";
import { deliver, refuse, registerRole } from "/ramfarm/lib/ports.js";
import { DISCOVERY_PORT, MEMD_PORT, SELECTOR_PORT, T, TASK_SCRIPTS } from "/ramfarm/lib/protocol.js";
import { seat } from "/ramfarm/lib/seat.js";
import { SELECTOR_ROLE, ev, parts, perform } from "/ramfarm/lib/selectorwire.js";
import { say, sayAll } from "/ramfarm/lib/log.js";

const HELP = `usage: run ramfarm/selector.js [--policy grow|greedy|restart|replan] [--replan-caps] [--tick ms]
                                   [--bitnode N --bn-level L]

The ramfarm task selector. It takes hack targets from the discovery daemon
and RAM from the memory daemon (ramfarm/start.js starts all three), and
runs, for each target, a till task (weaken to min security), then a sow
task (grow to max money), then a harvest task (HWGW batches), each on a
seat of RAM the memory daemon grants, on any server.

  --policy P   grow (default): new RAM first grows the running tasks, the
               most valuable first; greedy: new RAM starts new tasks of a
               fixed size; restart: like greedy, but every RAM jump stops
               all tasks and plans again; replan: a re-planning batcher,
               every tick one round of fixed size for each target with no
               work, sized to the RAM free then
  --replan-caps
               replan works as many targets as daemon.js would: a number
               that follows the use of RAM (2 at first), and at most 3
               more to prepare
  --tick ms    how often it decides (default 1000)
  --bitnode N, --bn-level L
               the BitNode the game runs and its level (default 1 and 1;
               start.js reads them from the game): its multipliers go
               into every estimate, and every task is started with them
  --help       this text

To move work off a server before upgrading it, run ramfarm/vacate.js. The
messages underneath: {t: "vacate", host, reply: PORT} to port ${SELECTOR_PORT}; the
answer {t: "vacated", host} arrives on PORT; then {t: "reopen", host}.
{t: "status", rid, pid, reply: PORT} is answered {t: "overview", ...} on
PORT: what ramfarm/status.js shows.`;

const HOME = "home";

/** How often the selector subscribes to discovery again, ms. */
const RESUBSCRIBE_MS = 60_000;

/** @type {[string, any][]} */
const FLAGS = [
    ["policy", "grow"],
    ["replan-caps", false],
    ["tick", 1000],
    ["bitnode", 1],
    ["bn-level", 1],
];

/** @param {NS} ns */
export async function main(ns) {
  const flags = readFlags(ns, "selector", FLAGS, HELP);
  if (!flags) return;
  const tickMs = Number(flags.tick);
  if (!(tickMs >= 100)) {
    ns.tprint("ERROR selector: --tick must be at least 100 ms");
    return;
  }
  // Each task script's RAM: the seat a launch asks the memory daemon for.
  /** @type {Record<string, number>} */
  const taskRam = {};
  for (const [kind, script] of Object.entries(TASK_SCRIPTS)) taskRam[kind] = ns.getScriptRam(script, HOME);
  ns.disableLog("ALL");
  // Only the process that holds the selector role cordons hosts: its
  // cordons carry the role's token.
  const memdToken = await registerRole(ns, "selector", {
    onWait: (why) => say(ns, "INFO", `selector: waiting for the selector role: ${why}`),
  });
  const config = {
    policy: String(flags.policy),
    replanCaps: Boolean(flags["replan-caps"]),
    taskRam,
    bitNode: { n: Number(flags.bitnode), level: Number(flags["bn-level"]) },
    memdToken,
  };

  const client = await MemClient.open(ns);
  let core = await Core.open();
  let engine = core.engine(SELECTOR_ROLE, config); // the module rejects a bad policy
  const inbox = ns.getPortHandle(SELECTOR_PORT);
  /** @type {object[]} */
  let events = [];
  // Our port also carries discovery's targets and memd's reports (both
  // sent with rid 0): every message that answers no request of ours.
  client.onOther = (m) => events.push(ev.msg(m));
  const subscribe = { t: T.subscribe, rid: 0, pid: ns.pid, reply: client.mb.port };
  await deliver(ns, DISCOVERY_PORT, subscribe);
  // A restarted discovery daemon knows no subscribers: subscribing again
  // now and then (the daemon answers a repeat with its current list)
  // gets its targets to a selector that outlived it.
  let subscribed = performance.now();
  say(ns, "INFO", `selector: policy ${config.policy}, BitNode ${config.bitNode.n}.${config.bitNode.level}, reading port ${SELECTOR_PORT}`);

  /** @type {import("/ramfarm/lib/selectorwire.js").SelectorHandlers} */
  const handlers = {
    async launch(id, script, ram, prio, args) {
      events.push(await seatTask(ns, client, id, script, ram, prio, args));
    },
    halt(pid) {
      ns.kill(pid);
    },
    send(port, msg) {
      ns.tryWritePort(port, msg);
    },
  };
  /** @type {number[]} */
  let watch = [];
  for (;;) {
    while (!inbox.empty()) {
      const m = inbox.read();
      if (fromTool(ns, m)) events.push(ev.msg(m));
    }
    client.mb.drain();
    const dead = watch.filter((pid) => !ns.isRunning(pid));
    events.push(ev.tick(Math.floor(performance.now()), ns.getHackingLevel(), dead));
    try {
      refuse(ns, "selector", engine.step(events));
      events = [];
      const [cmds, logs, newWatch, errors] = parts(engine.ready());
      for (const c of cmds) await perform(c, handlers);
      sayAll(ns, logs);
      for (const e of errors) say(ns, "WARN", "selector: rejected: " + e);
      if (newWatch) watch = newWatch;
      engine.advance();
    } catch (e) {
      if (!(e instanceof CoreTrap)) throw e;
      // A fresh engine rebuilds its view from the tasks' heartbeats.
      say(ns, "ERROR", "selector: core trapped, restarting it: " + e.message);
      events = [];
      core = await Core.open();
      engine = core.engine(SELECTOR_ROLE, config);
    }
    if (performance.now() - subscribed >= RESUBSCRIBE_MS) {
      ns.tryWritePort(DISCOVERY_PORT, subscribe);
      subscribed = performance.now();
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
 * @param {NS} ns @param {MemClient} client @param {number} id @param {string} script
 * @param {number} ram @param {number} prio @param {(string|number)[]} args
 */
async function seatTask(ns, client, id, script, ram, prio, args) {
  try {
    const { pid } = await seat(ns, client, script, ram, args, prio);
    return ev.launched(id, pid);
  } catch (e) {
    return ev.launched(id, 0, e instanceof Error ? e.message : String(e));
  }
}

/** The player's tools whose messages change which hosts ramfarm uses. */
const TOOLS = { [T.vacate]: "ramfarm/vacate.js", [T.reopen]: "ramfarm/reopen.js" };

/**
 * Whether m may be stepped. A vacate or a reopen cordons or opens a host
 * for everyone, and the game says nothing of who wrote a message: it is
 * taken only while the tool that sends it (ramfarm/vacate.js HOST,
 * ramfarm/reopen.js HOST) runs on home with the arguments the message
 * names, which a script that merely writes to the port cannot fake. A
 * refused one is said, to the log and to its reply port; a taken reopen
 * is acknowledged there (reopen.js waits for it).
 * @param {NS} ns @param {any} m
 */
function fromTool(ns, m) {
  const tool = TOOLS[m?.t];
  if (!tool) return true;
  const args = Array.isArray(m.args) ? m.args : [];
  let running = false;
  try {
    running = args[0] === m.host && ns.isRunning(tool, HOME, ...args);
  } catch {
    // arguments the game does not take: no such process
  }
  const reply = Number.isSafeInteger(m.reply) && m.reply > 0 ? m.reply : 0;
  if (!running) {
    const reason = `${m.t} of ${String(m.host)} refused: no ${tool} ${String(m.host)} runs on home`;
    say(ns, "WARN", "selector: " + reason);
    if (reply) ns.tryWritePort(reply, { t: T.error, rid: 0, code: "not-owner", reason });
  } else if (m.t === T.reopen && reply) ns.tryWritePort(reply, { t: T.done, rid: 0 });
  return running;
}

/** @param {{flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([...FLAGS, ["help", false]]);
  return [];
}
