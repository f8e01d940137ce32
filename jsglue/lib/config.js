// @ts-check
// The player's configuration file: one JSON object on home, read when
// ramfarm starts (the selector's policy) and by the memory daemon on
// every tick (RAM kept free, hacknet servers), which applies a change at
// once. A setting in the file wins over the same flag. Reading costs no
// RAM (ns.read); the values are checked where they are used, by the
// module, which says what is wrong.

export const CONFIG_FILE = "ramfarm/config.json";

/** The settings the file may hold, with what each is. */
export const SETTINGS = Object.freeze({
  reserve: "GB on home never given to ramfarm's work: room for your own scripts (default 8)",
  setAside: 'GB per server never given to ramfarm\'s work, e.g. {"pserv-0": 64} (default none)',
  useHacknet: "hacknet servers lend their RAM (default false: it costs them hash production)",
  policy: "how the selector spends RAM: grow, greedy, restart or replan (default grow; read at start)",
});

/**
 * Reads the file on the script's own server (see parseConfig).
 * @param {NS} ns
 * @returns {{text: string, settings: Record<string, any>, problem: string}}
 */
export function readConfig(ns) {
  return parseConfig(ns.read(CONFIG_FILE));
}

/**
 * The settings in a config file's text. Empty, it is no settings at all;
 * a text that is not a JSON object of known settings is a problem, with
 * what is wrong.
 * @param {string} text
 * @returns {{text: string, settings: Record<string, any>, problem: string}}
 */
export function parseConfig(text) {
  if (text.trim() === "") return { text, settings: {}, problem: "" };
  /** @type {any} */
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { text, settings: {}, problem: `${CONFIG_FILE} is not JSON: ${e instanceof Error ? e.message : e}` };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return { text, settings: {}, problem: `${CONFIG_FILE} must hold one JSON object, like {"reserve": 16}` };
  }
  const unknown = Object.keys(v).filter((k) => !(k in SETTINGS));
  if (unknown.length > 0) {
    return { text, settings: {}, problem: `${CONFIG_FILE}: unknown setting ${unknown[0]} (known: ${Object.keys(SETTINGS).join(", ")})` };
  }
  return { text, settings: v, problem: "" };
}
