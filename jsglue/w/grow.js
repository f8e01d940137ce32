/** grow.js TARGET [DELAY_MS] [LOOP] [PORT]: a ramfarm worker. With PORT it tells its task when each grow lands, and when it ends before its work is done (killed). @param {NS} ns */
export async function main(ns) {
  const [target, delay = 0, loop = false, port = 0] = ns.args;
  let done = false;
  if (port) ns.atExit(() => done || ns.tryWritePort(Number(port), { t: "exit", pid: ns.pid }));
  do {
    const r = await ns.grow(String(target), { additionalMsec: Number(delay) });
    if (port) ns.tryWritePort(Number(port), { t: "landed", pid: ns.pid, r });
  } while (loop);
  done = true;
}
