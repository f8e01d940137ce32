// Every script a player types into the terminal completes its flags
// (and server names where it takes one) with Tab, and completes exactly
// the flags its --help documents.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const glue = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const scripts = [
  ...readdirSync(glue).filter((f) => f.endsWith(".js")),
  "install/install.js",
];
/** Scripts whose argument is a server. */
const TAKES_HOST = new Set(["vacate.js", "reopen.js", "till.js", "sow.js", "harvest.js", "fill.js"]);

/** The usage a script prints for --help, with a stand-in ns that stops at the flags. */
async function usage(mod, schema) {
  const said = [];
  const flags = Object.fromEntries(schema.map(([name, def]) => [name, def]));
  const ns = {
    args: ["--help"],
    pid: 1,
    flags: () => ({ ...flags, help: true, _: [] }),
    tprint: (s) => said.push(String(s)),
    print: () => {},
  };
  await mod.main(ns);
  return said.join("\n");
}

for (const file of scripts) {
  test(`${file} completes the flags its --help documents`, async () => {
    const mod = await import(path.join(glue, file));
    assert.equal(typeof mod.autocomplete, "function", "no autocomplete export");
    /** @type {[string, any][]} */
    let schema = [];
    const servers = ["home", "n00dles"];
    const got = mod.autocomplete({ flags: (s) => (schema = s), servers, scripts: [], txts: [], args: [] });
    assert.ok(Array.isArray(got), "autocomplete must return an array");
    assert.deepEqual(got, TAKES_HOST.has(path.basename(file)) ? servers : []);
    const names = schema.map(([n]) => n).sort();
    assert.ok(names.includes("help"), "--help is not completed");
    const help = await usage(mod, schema);
    assert.match(help, /^usage: run /, `--help printed ${JSON.stringify(help.slice(0, 80))}`);
    const documented = [...new Set([...help.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]))].sort();
    assert.deepEqual(names, documented, "completed flags differ from the documented ones");
  });
}
