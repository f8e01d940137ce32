// @ts-check
// Seats: how one ramfarm script starts another (a daemon, a task) on RAM
// the memory daemon grants, so that ramfarm's own scripts need no home
// reserve and run wherever there is room. The launcher asks for one chunk
// of the script's RAM, copies ramfarm's files to the host the daemon
// chose, starts the script there, claims the chunk for the new process
// and gives it the allocation. The seat is then the new process's own:
// the daemon frees it the tick the process ends, whoever launched it.

import { FILES } from "/ramfarm/lib/files.js";
import { T } from "/ramfarm/lib/protocol.js";

const HOME = "home";

/**
 * Starts script with args in a seat of ram GB (its ns.getScriptRam on
 * home). Throws an Error saying why when there is no room or the game
 * refused to start it; nothing is left allocated then.
 * @param {NS} ns
 * @param {import("/ramfarm/lib/alloc.js").MemClient} client the launcher's connection to the memory daemon
 * @param {string} script @param {number} ram @param {(string|number|boolean)[]} args
 * @param {number} prio the seat's priority: the daemon takes chunks back from low priorities first
 * @returns {Promise<{pid: number, host: string}>}
 */
export async function seat(ns, client, script, ram, args, prio) {
  const a = await client.allocate({ chunk: ram, count: 1, prio, script, seat: true });
  client.allocs.delete(a.id); // its news is the seated process's business
  const host = a.held[0]?.[0];
  /** @param {string} why */
  const fail = async (why) => {
    await a.close().catch(() => {});
    throw new Error(`${script}: ${why}`);
  };
  if (!host) return fail("the memory daemon granted no chunk");
  // Imports resolve on the host a script runs on; copying over an older
  // version keeps every host on the installed one.
  if (host !== HOME && !ns.scp([...FILES], host, HOME)) return fail(`copying ramfarm's files to ${host} failed`);
  const pid = ns.exec(script, host, 1, ...args);
  if (pid === 0) return fail(`the game would not start it on ${host}`);
  // Claim and give leave in the same turn as the exec, so the daemon never
  // sees the new process's RAM as foreign.
  const answers = await Promise.all([
    client.mb.ask({ t: T.claim, pid: ns.pid, alloc: a.id, token: a.token, host, worker: pid, ram }),
    client.mb.ask({ t: T.give, pid: ns.pid, alloc: a.id, token: a.token, to: pid }),
  ]);
  const no = answers.find((m) => m.t !== T.done);
  if (no) {
    ns.kill(pid);
    await a.close().catch(() => {}); // refused when the give went through: the daemon frees it with pid
    throw new Error(`${script}: its seat on ${host} was refused: ${no.code}: ${no.reason}`);
  }
  return { pid, host };
}
