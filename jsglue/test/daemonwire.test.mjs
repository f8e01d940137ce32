// The discovery daemon and the selector through their generated names, in
// V8 (Node), as discover.js and selector.js use them: events built by ev,
// the Ready split by parts, the selector's commands handed on by perform.
import test from "node:test";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { Core } from "/ramfarm/lib/core.js";
import { DISCOVERY_ROLE, ev as dev, parts as dparts } from "/ramfarm/lib/discoverywire.js";
import { T } from "/ramfarm/lib/protocol.js";
import { CMD, SELECTOR_ROLE, ev as sev, parts as sparts, perform } from "/ramfarm/lib/selectorwire.js";

if (!globalThis.crypto) globalThis.crypto = webcrypto;

const home = ["home", true, true, 5, 32, 2, 0, 0, 1, 1, 1, 1, 1];
const noodles = ["n00dles", false, false, 0, 4, 1, 1750000, 70000, 1, 1, 1, 3000, 1];

test("discovery: a look brings the roots to run, their outcomes the registrations", async () => {
  const core = await Core.open();
  const eng = core.engine(DISCOVERY_ROLE, {});
  eng.step([dev.look(0, 1, ["NUKE.exe"], [], true, [home, noodles])]);
  const [listen, walk, opens, roots, sends, , watch, errors] = dparts(eng.ready());
  assert.deepEqual([listen, walk, opens, errors, watch], [99, false, [], [], undefined]);
  assert.equal(roots.length, 1);
  const [id, host] = roots[0];
  assert.equal(host, "n00dles");
  assert.deepEqual(sends.map(([, port, msg]) => [port, msg.t, msg.host]), [[100, T.worker, "home"]]);
  eng.advance();
  eng.step([dev.done(id, true), ...sends.map(([sid]) => dev.sent(sid, true))]);
  const [again, , , , more, , , errs] = dparts(eng.ready());
  assert.deepEqual([again, errs], [undefined, []]);
  assert.deepEqual(more.map(([, , msg]) => [msg.t, msg.host]), [[T.worker, "n00dles"]]);
  eng.free();
});

test("selector: a launch reaches its handler with every field", async () => {
  const core = await Core.open();
  const eng = core.engine(SELECTOR_ROLE, { taskRam: { till: 4.4, sow: 4.7, harvest: 5.35 } });
  const targets = { t: T.targets, rid: 0, seq: 1, now: 0, level: 1, targets: [
    { host: "alpha", maxMoney: 2e6, money: 2e6, minSec: 2, baseSec: 4, sec: 4, growth: 20, level: 1 }] };
  const report = { t: T.report, rid: 0, ports: 0, allocs: [], workers: [
    { host: "a", max: 64, usable: 64, allocated: 0, claimed: 0, foreign: 0 }] };
  eng.step([sev.msg(targets), sev.msg(report), sev.tick(0, 10)]);
  eng.advance();
  eng.step([sev.msg(report), sev.tick(21000, 10)]);
  const [cmds, , watch, errors] = sparts(eng.ready());
  assert.deepEqual([errors, watch], [[], undefined]);
  const calls = [];
  const h = {};
  for (const kind of Object.values(CMD)) h[kind] = (...args) => calls.push([kind, ...args]);
  for (const c of cmds) perform(c, h);
  const [launch] = calls;
  assert.deepEqual(launch.slice(0, 4), [CMD.launch, 1, "ramfarm/till.js", 4.4]);
  assert.equal(launch[5][0], "alpha");
  assert.throws(() => perform({ c: "kill", pid: 1 }, h), /selector: unknown command kill/);
  eng.free();
});
