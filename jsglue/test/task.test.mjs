// The task service through the generated names, in V8 (Node), as the task
// scripts use them: events built by ev, the Ready split by parts, each
// command handed to its handler by perform.
import test from "node:test";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { Core } from "/ramfarm/lib/core.js";
import { CMD, TASK_ROLE, ev, kindOf, parts, perform } from "/ramfarm/lib/taskwire.js";

if (!globalThis.crypto) globalThis.crypto = webcrypto;

/** Handlers that record each call as [kind, ...fields]. */
function recorder() {
  const calls = [];
  const h = {};
  for (const kind of Object.values(CMD)) h[kind] = (...args) => calls.push([kind, ...args]);
  return { h, calls };
}

test("a till's first commands reach their handlers with every field", async () => {
  const core = await Core.open();
  const eng = core.engine(TASK_ROLE, { kind: "till", target: "n00dles", pid: 7, port: 101, minSec: 1, prio: 3 });
  eng.step([ev.tick(0, 0, 1.5)]);
  const [cmds, logs, wake, errors] = parts(eng.ready());
  assert.deepEqual(errors, []);
  assert.deepEqual(logs, ["mode idle -> asking"]);
  assert.equal(wake, 1000);
  assert.deepEqual(cmds.map(kindOf), [CMD.alloc, CMD.beat]);
  const { h, calls } = recorder();
  for (const c of cmds) perform(c, h);
  const [alloc, beat] = calls;
  assert.equal(alloc[0], "alloc");
  assert.equal(alloc[1], 1);
  assert.equal(alloc[2].chunk, 1.75);
  assert.equal(alloc[2].prio, 3);
  assert.equal(beat[0], "beat");
  assert.equal(beat[2], 98);
  assert.equal(beat[3].kind, "till");
  assert.equal(beat[3].port, 101);
  eng.advance();

  eng.step([ev.held(1, 1, alloc[2].count, [["alpha", 1.75, 1]]), ev.tick(10, 0, 1.5)]);
  const [more] = parts(eng.ready());
  const start = recorder();
  perform(more.find((c) => kindOf(c) === CMD.start), start.h);
  assert.deepEqual(start.calls, [["start", 3, "ramfarm/w/weaken.js", "alpha", 1, 1.75, 0, 0, false]]);
  eng.free();
});

test("perform refuses a kind it does not know", () => {
  assert.throws(() => perform({ c: "nope" }, recorder().h), /unknown command nope/);
});
