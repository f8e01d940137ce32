// @ts-check
// Shows what ramfarm is doing, in its tail pane, refreshed: it asks
// the task selector for its overview (a status message to port 98,
// answered on this process's boot port) and prints it as a small table.
// The selector puts the overview together; this script only formats it.

import { readFlags } from "/ramfarm/lib/flags.js";
import { BOOT_PORT_BASE, SELECTOR_PORT, T } from "/ramfarm/lib/protocol.js";

const HELP = `usage: run ramfarm/status.js [--every S]

Opens its tail pane and shows there what ramfarm is doing, every S
seconds:

  RAM    usable / allocated / idle GB, on how many servers (idle:
         allocated, but no worker or script of ramfarm's runs in it yet)
  tasks  one line per task, by phase (till, sow, harvest) and target:
         chunks held / wanted of its chunk size, and their GB
  money  income per second over the last minute, and the money the
         hack workers took since ramfarm started
  jump   the last RAM jump: how many GB arrived and when, and how long
         until 90 % of it was allocated (or how much of it is still free)

It asks the task selector; while ramfarm is not running it says so and
keeps asking.

  --every S   seconds between refreshes (default 2)
  --help      this text`;

/** @type {[string, any][]} */
const FLAGS = [["every", 2]];

/** The longest wait for an answer, ms: the selector reads its port once a tick (1 s by default). */
const ANSWER_MS = 5000;
/** The longest pause between requests while none is answered, ms: each unread one stays in port 98. */
const QUIET_MS = 30000;

/** @param {NS} ns */
export async function main(ns) {
  const flags = readFlags(ns, "status", FLAGS, HELP);
  if (!flags) return;
  const everyMs = Number(flags.every) * 1000;
  if (!(everyMs >= 500)) {
    ns.tprint(`ERROR status: --every must be at least 0.5 seconds, got ${flags.every}\n${HELP}`);
    return;
  }
  ns.disableLog("ALL");
  openTail(ns);
  // The boot port: no other process ever uses it. Cleared when this ends.
  const reply = BOOT_PORT_BASE + ns.pid;
  ns.clearPort(reply);
  ns.atExit(() => ns.clearPort(reply));
  const inbox = ns.getPortHandle(reply);
  let rid = 0;
  let pause = everyMs; // grows while nobody answers
  for (;;) {
    const asked = performance.now();
    rid++;
    /** @type {any} */
    let answer = null;
    if (ns.tryWritePort(SELECTOR_PORT, { t: T.status, rid, pid: ns.pid, reply })) {
      const until = asked + Math.max(everyMs, ANSWER_MS);
      while (!answer && performance.now() < until) {
        await Promise.race([inbox.nextWrite(), ns.asleep(until - performance.now())]);
        // An answer to an earlier request that came late is as good.
        while (!inbox.empty()) answer = inbox.read();
      }
    }
    ns.clearLog();
    if (answer && answer.t === T.overview) {
      for (const line of render(answer, everyMs)) ns.print(line);
      pause = everyMs;
    } else if (answer && answer.t === T.error) {
      ns.print(`ERROR status: the selector refused the request: ${answer.reason}`);
    } else {
      ns.print(`WARN status: ramfarm's selector does not answer (port ${SELECTOR_PORT}): is ramfarm running? ` +
        `Start it with run ramfarm/start.js. Asking again in ${Math.round(pause / 1000)} s.`);
      pause = Math.min(pause * 2, QUIET_MS);
    }
    await ns.asleep(Math.max(0, asked + (answer ? everyMs : pause) - performance.now()));
  }
}

/**
 * Opens the script's tail pane: ns.ui.openTail from 2.8 on, ns.tail
 * before (deprecated in 2.8, gone in 3.0). Every one of these names is
 * free in the RAM calculator of every release, so plain access costs
 * nothing; ns is read as any because each release's type definitions
 * know only one of the two.
 * @param {NS} ns
 */
function openTail(ns) {
  /** @type {any} */
  const api = ns;
  if (typeof api.ui?.openTail === "function") api.ui.openTail();
  else api.tail();
}

/**
 * The overview as lines of text.
 * @param {any} o an overview message (protocol.js) @param {number} everyMs
 * @returns {string[]}
 */
function render(o, everyMs) {
  const lines = [
    `ramfarm, up ${dur(o.now - o.since)} (every ${everyMs / 1000} s)`,
    `RAM    ${gb(o.usable)} usable on ${o.hosts} servers, ${gb(o.allocated)} allocated, ${gb(o.idle)} idle`,
  ];
  if (o.tasks.length === 0) lines.push("tasks  none yet");
  for (let i = 0; i < o.tasks.length; i++) {
    const t = o.tasks[i];
    const chunks = `${t.chunks}/${t.desired} x ${t.chunk.toFixed(2)} GB`;
    const state = t.state === "running" ? "" : ` (${t.state})`;
    lines.push(`${i === 0 ? "tasks " : "      "} ${t.kind.padEnd(7)} ${t.target.padEnd(18)} ${chunks.padEnd(17)} ` +
      `${gb(t.held)} / ${gb(t.want)}${state}`);
  }
  lines.push(`money  ${money(o.income)}/s over the last minute, ${money(o.earned)} since ramfarm started`);
  if (o.jumpAt > 0) {
    const took = o.absorbed >= 0 ? `90 % allocated in ${dur(o.absorbed)}` : `still absorbing: ${gb(o.jumpLeft)} free`;
    lines.push(`jump   +${gb(o.jumpGB)} ${dur(o.now - o.jumpAt)} ago; ${took}`);
  } else {
    lines.push("jump   none yet");
  }
  return lines;
}

/** @param {number} x GB */
function gb(x) {
  return `${x.toFixed(x < 100 ? 2 : 1)} GB`;
}

/** Money as the game shows it: $1.234k, $5.678m, ... @param {number} x */
function money(x) {
  const units = ["", "k", "m", "b", "t", "q"];
  let i = 0;
  while (Math.abs(x) >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `$${x.toFixed(i === 0 ? 0 : 3)}${units[i]}`;
}

/** A duration: 45 s, 3m05s, 2h10m. @param {number} ms */
function dur(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** @param {{flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([...FLAGS, ["help", false]]);
  return [];
}
