// The game resolves imports from the root of the server, so our scripts
// import "/ramfarm/lib/x.js". Node maps that to the filesystem root; this
// hook maps it to the jsglue folder, and the generated files (the module,
// the file list) to the ones `make bundle` wrote (RAMFARM_WASM_JS
// overrides the module).
import { pathToFileURL, fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const glue = path.resolve(here, "..");
const bundled = path.resolve(glue, "../build/game/ramfarm/lib");
const wasmJS = process.env.RAMFARM_WASM_JS || path.join(bundled, "core-wasm.js");

export async function resolve(specifier, context, next) {
  if (specifier === "/ramfarm/lib/core-wasm.js") return { url: pathToFileURL(wasmJS).href, shortCircuit: true };
  if (specifier === "/ramfarm/lib/files.js") return { url: pathToFileURL(path.join(bundled, "files.js")).href, shortCircuit: true };
  if (specifier.startsWith("/ramfarm/")) {
    return { url: pathToFileURL(path.join(glue, specifier.slice("/ramfarm/".length))).href, shortCircuit: true };
  }
  return next(specifier, context);
}
