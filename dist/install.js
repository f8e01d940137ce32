// @ts-check
// Installs ramfarm on home from a published release (the repository's
// dist/ folder), or updates it. It imports nothing: on a first install
// nothing of ramfarm's is there to import. Every file is downloaded into
// a staging folder and checked against the manifest's SHA-256 before any
// installed file changes, so a failed or half-cached download leaves the
// installed version as it was.

const DEFAULT_FROM = "https://raw.githubusercontent.com/ramfarm/ramfarm/main/dist";
const HOME = "home";
const MANIFEST = "manifest.json";
/** What this script installed last time: the release's manifest, where it came from, what it could not remove. */
const RECORD = "ramfarm/installed.json";
const STAGE = "ramfarm-update/";
/** spawn's delay: the script it starts gets this script's RAM once it has ended. */
const SPAWN_MS = 100;

const HELP = `usage: run install.js [--from URL] [--no-start]

Installs ramfarm on home, or updates it. It fetches every file of the
release at URL, checks each against the SHA-256 in the release's
manifest, removes the files an earlier install put there that this
release no longer has (never your own files), and starts ramfarm,
restarting it when an older version is running. Run it again to update.

  --from URL   where the release is served: the dist/ folder of
               ramfarm's repository, of a fork, or of a local web server
               (e.g. http://localhost:8000). Remembered for the next run.
               Default: the last one used, else
               ${DEFAULT_FROM}
  --no-start   only install; start it with run ramfarm/start.js
  --help       this text`;

/** @typedef {{sha256: string, bytes?: number, ram?: number}} FileEntry */
/** @typedef {{version: string, files: Record<string, FileEntry>}} Manifest */

/** @param {NS} ns */
export async function main(ns) {
  /** @type {any} */
  let flags;
  try {
    flags = ns.flags([["from", ""], ["no-start", false], ["help", false]]);
  } catch (e) {
    ns.tprint(`ERROR install: ${e instanceof Error ? e.message : e}\n${HELP}`);
    return;
  }
  if (flags.help || flags._.length > 0) {
    ns.tprint(flags.help ? HELP : `ERROR install: unexpected argument ${flags._[0]}\n${HELP}`);
    return;
  }
  const record = readRecord(ns);
  const from = String(flags.from || record?.from || DEFAULT_FROM).replace(/\/+$/, "");
  ns.tprint(`INFO install: fetching ramfarm from ${from}`);

  const manifest = await fetchManifest(ns, from);
  if (typeof manifest === "string") {
    ns.tprint(`ERROR install: ${manifest}`);
    return;
  }
  const paths = Object.keys(manifest.files).sort();
  /** @type {string[]} */
  const staged = [];
  let unchanged = 0;
  for (const path of paths) {
    const want = manifest.files[path].sha256;
    if ((await sha256(ns.read(path))) === want) {
      unchanged++;
      continue;
    }
    const stage = STAGE + path;
    staged.push(path);
    const why = !(await ns.wget(`${from}/${path}?v=${manifest.version}`, stage, HOME))
      ? `could not fetch ${from}/${path} (this script's log has the game's reason)`
      : (await sha256(ns.read(stage))) !== want
        ? `${path} as fetched does not match the release's manifest (a web cache may still hold the previous release: wait a few minutes and run install.js again)`
        : "";
    if (why) {
      for (const p of staged) ns.rm(STAGE + p, HOME);
      ns.rm(STAGE + MANIFEST, HOME);
      ns.tprint(`ERROR install: ${why}; nothing installed changed`);
      return;
    }
  }

  const running = ns.ps(HOME).some((p) => p.filename.startsWith("ramfarm/"));
  for (const path of staged) ns.mv(HOME, STAGE + path, path);
  let removed = 0;
  /** @type {string[]} */
  const leftover = [];
  for (const path of [...Object.keys(record?.files ?? {}), ...(record?.leftover ?? [])]) {
    if (path in manifest.files || !isOurs(path)) continue;
    if (ns.rm(path, HOME)) removed++;
    else if (ns.read(path) !== "") leftover.push(path);
  }
  ns.write(RECORD, JSON.stringify({ version: manifest.version, from, files: manifest.files, leftover }), "w");
  ns.rm(STAGE + MANIFEST, HOME);
  ns.tprint(`INFO install: ramfarm ${manifest.version} installed (files: ${staged.length} fetched, ${unchanged} unchanged, ${removed} of the previous release removed)`);
  for (const path of leftover) ns.tprint(`WARN install: ${path} is no longer part of ramfarm but still runs; the next install.js removes it`);

  const changed = removed > 0 || staged.some((p) => p.startsWith("ramfarm/"));
  if (flags["no-start"]) {
    ns.tprint(running && changed
      ? "INFO install: the ramfarm that runs is the previous version; run ramfarm/stop.js --start to restart it on this one"
      : running ? "INFO install: ramfarm runs this version already" : "INFO install: start it with: run ramfarm/start.js");
  } else if (running && !changed) {
    ns.tprint("INFO install: ramfarm runs this version already");
  } else if (running) {
    ns.tprint("INFO install: restarting ramfarm on this version (ramfarm/stop.js --start)");
    ns.spawn("ramfarm/stop.js", { threads: 1, spawnDelay: SPAWN_MS }, "--start");
  } else {
    ns.tprint("INFO install: starting ramfarm (ramfarm/start.js)");
    ns.spawn("ramfarm/start.js", { threads: 1, spawnDelay: SPAWN_MS });
  }
}

/**
 * Fetches and checks the release's manifest; a string says what is wrong.
 * @param {NS} ns @param {string} from @returns {Promise<Manifest | string>}
 */
async function fetchManifest(ns, from) {
  const stage = STAGE + MANIFEST;
  if (!(await ns.wget(`${from}/${MANIFEST}?t=${Date.now()}`, stage, HOME))) {
    return `could not fetch ${from}/${MANIFEST} (this script's log has the game's reason); is --from the release's folder?`;
  }
  /** @type {any} */
  let m;
  try {
    m = JSON.parse(ns.read(stage));
  } catch {
    m = null;
  }
  if (typeof m?.version !== "string" || typeof m.files !== "object" || m.files === null) {
    return `${from}/${MANIFEST} is not a ramfarm release manifest`;
  }
  for (const [path, f] of Object.entries(m.files)) {
    if (!isOurs(path) || !/^[0-9a-f]{64}$/.test(f?.sha256)) {
      return `${from}/${MANIFEST} lists ${path}, which is not a file ramfarm installs (or has no SHA-256)`;
    }
  }
  return m;
}

/**
 * The previous install's record, or null.
 * @param {NS} ns @returns {{from?: string, files?: Record<string, FileEntry>, leftover?: string[]} | null}
 */
function readRecord(ns) {
  try {
    const r = JSON.parse(ns.read(RECORD));
    return typeof r === "object" && r !== null ? r : null;
  } catch {
    return null;
  }
}

/** Paths a release may write or remove: its folder and this script. @param {string} path */
function isOurs(path) {
  return (path === "install.js" || path.startsWith("ramfarm/")) && /^[A-Za-z0-9._\/-]+\.(js|txt|json)$/.test(path) && !path.includes("..");
}

/** Hex SHA-256 of a file's text as UTF-8, with the engine's own crypto. @param {string} text */
async function sha256(text) {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** @param {{flags: (schema: [string, any][]) => void}} data */
export function autocomplete(data) {
  data.flags([["from", ""], ["no-start", false], ["help", false]]);
  return [];
}
