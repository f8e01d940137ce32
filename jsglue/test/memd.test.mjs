// memd's look at the game (observeTick): between full looks it asks about
// a watched process only where its server's reading changed.
import test from "node:test";
import assert from "node:assert/strict";
import { noteWhere, observeTick } from "/ramfarm/memd.js";
import { T } from "/ramfarm/lib/protocol.js";

/** A game of 10 servers with 100 workers each, counting isRunning calls. */
function game() {
  const hosts = Array.from({ length: 10 }, (_, i) => `h${i}`);
  const used = new Map(hosts.map((h) => [h, 175]));
  const running = new Set();
  const where = new Map();
  const watch = [];
  for (let i = 0; i < 1000; i++) {
    const pid = 100 + i;
    running.add(pid);
    watch.push(pid);
    noteWhere({ t: T.claim, host: hosts[i % 10], worker: pid }, where);
  }
  watch.push(7); // a task: its server is not known
  running.add(7);
  const asked = [];
  const ns = {
    isRunning: (/** @type {number} */ pid) => (asked.push(pid), running.has(pid)),
    hasRootAccess: () => true,
    getServerMaxRam: () => 256,
    getServerUsedRam: (/** @type {string} */ h) => used.get(h),
  };
  return { hosts, used, running, where, watch, asked, ns, seen: new Map() };
}

test("between full looks memd asks only about workers on servers whose reading changed", () => {
  const g = game();
  const first = observeTick(g.ns, g.watch, g.hosts, g.seen, g.where, true);
  assert.equal(g.asked.length, 1001, "a full look asks about every watched process");
  assert.deepEqual(first.dead, []);

  // Worker 103 (on h3) ends and h3's used RAM drops; 205 (on h5) ends
  // while another worker of its size starts there: h5's reading is the same.
  g.running.delete(103);
  g.used.set("h3", 173.25);
  g.running.delete(205);
  g.asked.length = 0;
  const second = observeTick(g.ns, g.watch, g.hosts, g.seen, g.where, false);
  assert.deepEqual(second.dead, [103]);
  assert.equal(g.asked.length, 101, "h3's 100 workers and the task whose server memd does not know");
  assert.ok(g.asked.includes(7) && !g.asked.includes(205));

  // The hidden end is found by the next full look, or at once once its
  // task unclaims it.
  g.asked.length = 0;
  noteWhere({ t: T.unclaim, worker: 205 }, g.where);
  const third = observeTick(g.ns, g.watch.filter((p) => p !== 103), g.hosts, g.seen, g.where, false);
  assert.deepEqual(third.dead, [205]);
  assert.equal(g.asked.length, 2, "only the unclaimed worker and the task");
});

test("a full look finds an end no server reading shows", () => {
  const g = game();
  observeTick(g.ns, g.watch, g.hosts, g.seen, g.where, true);
  g.running.delete(555);
  assert.deepEqual(observeTick(g.ns, g.watch, g.hosts, g.seen, g.where, false).dead, []);
  assert.deepEqual(observeTick(g.ns, g.watch, g.hosts, g.seen, g.where, true).dead, [555]);
});

test("a server that is gone counts as changed: its workers are asked about", () => {
  const g = game();
  observeTick(g.ns, g.watch, g.hosts, g.seen, g.where, true);
  g.ns.getServerUsedRam = (h) => {
    if (h === "h4") throw new Error("no such server");
    return g.used.get(h);
  };
  for (let i = 4; i < 1000; i += 10) g.running.delete(100 + i);
  const t = observeTick(g.ns, g.watch, g.hosts, g.seen, g.where, false);
  assert.deepEqual(t.gone, ["h4"]);
  assert.equal(t.dead.length, 100);
});

test("noteWhere ignores what is not a well-formed claim or unclaim", () => {
  const where = new Map();
  for (const m of [null, 5, "claim", { t: T.claim, host: 3, worker: 9 }, { t: T.claim, host: "h", worker: "9" }, { t: T.claim, host: "h", worker: 1.5 }]) {
    noteWhere(m, where);
  }
  assert.equal(where.size, 0);
  noteWhere({ t: T.claim, host: "h", worker: 9 }, where);
  assert.equal(where.get(9), "h");
});
