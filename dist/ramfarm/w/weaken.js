/** weaken.js TARGET [DELAY_MS] [LOOP] [PORT]: a ramfarm worker. With PORT it tells its task when each weaken lands. @param {NS} ns */
export async function main(ns) {
  const [target, delay = 0, loop = false, port = 0] = ns.args;
  do {
    const r = await ns.weaken(String(target), { additionalMsec: Number(delay) });
    if (port) ns.tryWritePort(Number(port), { t: "landed", pid: ns.pid, r });
  } while (loop);
}
