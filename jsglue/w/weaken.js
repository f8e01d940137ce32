/** weaken.js TARGET [DELAY_MS] [LOOP]: a ramfarm worker. @param {NS} ns */
export async function main(ns) {
  const [target, delay = 0, loop = false] = ns.args;
  do await ns.weaken(String(target), { additionalMsec: Number(delay) });
  while (loop);
}
