// @ts-check
// The task side of the selector protocol: a task (till, sow, harvest)
// reports heartbeats to the selector and takes its commands (priority,
// cap, stop, leave a host) from its private port. This file only moves
// messages; what a command means for the task is its engine's business.

import { deliver } from "/ramfarm/lib/ports.js";
import { SELECTOR_PORT, T } from "/ramfarm/lib/protocol.js";

const BEAT_MS = 2000;

/**
 * @typedef {object} TaskState
 * @property {number} held GB the allocation holds
 * @property {number} want GB the task would use at most
 * @property {number} [rate] expected $/s at its current size
 * @property {number} [chunk] GB of the chunks it asks for
 */

/** A task's link to the selector. */
export class TaskLink {
  /**
   * @param {NS} ns
   * @param {import("/ramfarm/lib/alloc.js").MemClient} client
   * @param {"till"|"sow"|"harvest"} kind
   * @param {string} target
   * @param {number} prio the priority it starts with
   * @param {number} cap GB cap it starts with (0 = none)
   */
  constructor(ns, client, kind, target, prio, cap) {
    this.ns = ns;
    this.client = client;
    this.kind = kind;
    this.target = target;
    this.prio = prio;
    this.cap = cap;
    this.stopping = false;
    /** @type {string[]} hosts the selector asked this task to leave */
    this.leave = [];
    /** @type {object[]} selector commands not yet handed to the engine */
    this.commands = [];
    this.lastBeat = -Infinity;
    client.onOther = (m) => this.take(m);
  }

  /** Records a selector command. @param {any} m */
  take(m) {
    switch (m.t) {
      case T.prio:
        this.prio = m.prio;
        break;
      case T.cap:
        this.cap = m.ram;
        break;
      case T.stop:
        this.stopping = true;
        break;
      case T.leave:
        if (!this.leave.includes(m.host)) this.leave.push(m.host);
        break;
      default:
        return;
    }
    this.commands.push(m);
  }

  /** Hands over the commands received since the last call. */
  drain() {
    const c = this.commands;
    this.commands = [];
    return c;
  }

  /**
   * Sends a heartbeat if one is due (every 2 s) or forced. A full selector
   * port skips this beat; the next one says everything again.
   * @param {TaskState} s @param {boolean} [force]
   */
  beat(s, force = false) {
    const now = performance.now();
    if (!force && now - this.lastBeat < BEAT_MS) return;
    this.lastBeat = now;
    this.ns.tryWritePort(SELECTOR_PORT, {
      t: T.heartbeat,
      pid: this.ns.pid,
      port: this.client.mb.port,
      kind: this.kind,
      target: this.target,
      held: s.held,
      want: s.want,
      cap: this.cap,
      prio: this.prio,
      rate: s.rate ?? 0,
      stopping: this.stopping,
      chunk: s.chunk,
    });
  }

  /** Tells the selector the task ends; done = its phase is complete. @param {boolean} done */
  async finish(done) {
    await deliver(this.ns, SELECTOR_PORT, { t: T.finished, pid: this.ns.pid, kind: this.kind, target: this.target, done });
  }
}
