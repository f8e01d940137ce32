// @ts-check
// Flags as a player types them. The game's ns.flags throws on a flag it
// does not know or a value of the wrong type, which ends the script with
// an error popup; here the player gets what was wrong and the usage.

/**
 * Reads the script's flags (schema plus --help). It prints the usage and
 * returns null on --help, on a bad flag, and on positional arguments the
 * script does not take (args says how many it takes).
 * @param {NS} ns @param {string} name @param {[string, any][]} schema @param {string} help
 * @param {{min: number, max: number}} [args]
 * @returns {any}
 */
export function readFlags(ns, name, schema, help, args = { min: 0, max: 0 }) {
  /** @type {any} */
  let flags;
  try {
    flags = ns.flags([...schema, ["help", false]]);
  } catch (e) {
    ns.tprint(`ERROR ${name}: ${e instanceof Error ? e.message : e}\n${help}`);
    return null;
  }
  if (flags.help) {
    ns.tprint(help);
    return null;
  }
  const n = flags._.length;
  if (n < args.min || n > args.max) {
    ns.tprint(`ERROR ${name}: ${n < args.min ? "missing argument" : `unexpected argument ${flags._[args.max]}`}\n${help}`);
    return null;
  }
  return flags;
}
