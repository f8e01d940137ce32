// @ts-check
// Log lines as a player reads them in a tail window: each starts with its
// level, INFO, WARN or ERROR, so a normal run shows at a glance that
// nothing is wrong. The core's lines carry WARN or ERROR when they are
// one; every other line it writes is INFO.

const LEVELED = /^(INFO|WARN|ERROR) /;

/** @typedef {"INFO" | "WARN" | "ERROR"} Level */

/** Prints one line at a level. @param {NS} ns @param {Level} level @param {string} line */
export function say(ns, level, line) {
  ns.print(`${level} ${line}`);
}

/** Prints the core's lines, INFO unless a line names its level. @param {NS} ns @param {string[]} lines */
export function sayAll(ns, lines) {
  for (const line of lines) ns.print(LEVELED.test(line) ? line : `INFO ${line}`);
}
