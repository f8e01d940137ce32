// @ts-check
// Log lines as a player reads them in a tail pane: each starts with its
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

/** The longest text a log line or an error answer quotes from a message. */
export const MAX_QUOTE = 200;

/** Cuts text to MAX_QUOTE characters, saying how much was left out. @param {string} text */
export function short(text) {
  return text.length <= MAX_QUOTE ? text : `${text.slice(0, MAX_QUOTE)}... (${text.length - MAX_QUOTE} more characters)`;
}
