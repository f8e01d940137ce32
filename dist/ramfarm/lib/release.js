// @ts-check
// Which game release a script runs in, read from the names the ns object
// has. The names are strings tested with `in`: the game's RAM calculator
// charges identifiers and member names, not strings, so knowing costs
// nothing. The releases and what changed in each are gamedata/releases.go.

/**
 * The release, as precisely as the ns object tells it: "3.0" (ns.cloud),
 * "2.8" (ns.ui), "2.7" (ns.self), "2.6.2" (ns.ramOverride), else "2.6.1".
 * @param {NS} ns @returns {string}
 */
export function gameRelease(ns) {
  for (const [name, release] of [["cloud", "3.0"], ["ui", "2.8"], ["self", "2.7"], ["ramOverride", "2.6.2"]]) {
    if (name in ns) return release;
  }
  return "2.6.1";
}
