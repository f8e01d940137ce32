// @ts-check
// Port helpers: delivery that never overwrites, and a mailbox that routes
// replies by request id so one client's traffic never blocks another's
// (every client reads only its own private port).

import { short } from "/ramfarm/lib/log.js";
import { BOOT_PORT_BASE, MEMD_PORT, T } from "/ramfarm/lib/protocol.js";

/**
 * Writes msg to port with tryWrite, retrying while the port is full. It
 * never drops an older message the way a plain write on a full port does;
 * if the port stays full it throws, so the caller can report it.
 * @param {NS} ns @param {number} port @param {any} msg
 */
export async function deliver(ns, port, msg, tries = 100, waitMs = 20) {
  for (let i = 0; i < tries; i++) {
    if (ns.tryWritePort(port, msg)) return;
    await ns.asleep(waitMs);
  }
  throw new Error(`port ${port} stayed full for ${tries * waitMs} ms`);
}

/**
 * How long a client waits for the memory daemon's answer, ms. Its answer
 * comes within a tick while it runs; while it does not (killed, until the
 * player runs start.js again) requests wait in MEMD_PORT and the daemon
 * started again answers them, from the state it saved. A client must
 * outlast such an outage, not give up after a few seconds.
 */
export const ASK_TIMEOUT_MS = 600_000;

/** How often a request is sent that the memory daemon's core trapped on (see Mailbox.ask). */
const TRAPPED_TRIES = 3;

/** A client's private inbox on one port. */
export class Mailbox {
  /** @param {NS} ns @param {number} port */
  constructor(ns, port) {
    this.ns = ns;
    this.port = port;
    this.nextRid = 1;
    /** @type {Map<number, any>} answers that arrived, by rid */
    this.answers = new Map();
    /** @type {Set<number>} rids asked and not answered yet: an answer to another (a daemon started again may answer twice) is dropped */
    this.asked = new Set();
    /** @type {(msg: any) => void} called for every message, answers included */
    this.onMessage = () => {};
  }

  /**
   * Gets a private port from the memory daemon. The answer arrives on this
   * process's boot port, which no other process ever uses.
   * @param {NS} ns @param {number} timeoutMs
   */
  static async open(ns, timeoutMs = ASK_TIMEOUT_MS) {
    const boot = new Mailbox(ns, BOOT_PORT_BASE + ns.pid);
    const a = await boot.ask({ t: T.port, pid: ns.pid, reply: boot.port }, timeoutMs);
    if (a.t !== T.assigned) throw new Error(`ramfarm: no private port: ${a.code}: ${a.reason}`);
    return new Mailbox(ns, a.port);
  }

  /** Reads every queued message and routes it. */
  drain() {
    const h = this.ns.getPortHandle(this.port);
    while (!h.empty()) {
      const m = h.read();
      if (m && typeof m === "object") {
        if (m.rid && this.asked.has(m.rid)) this.answers.set(m.rid, m);
        this.onMessage(m);
      }
    }
  }

  /** Waits until a message arrives or ms pass. @param {number} ms */
  async wait(ms) {
    this.drain();
    const h = this.ns.getPortHandle(this.port);
    await Promise.race([h.nextWrite(), this.ns.asleep(ms)]);
    this.drain();
  }

  /**
   * Sends a request to the memory daemon and waits for its answer. While
   * MEMD_PORT is full (no daemon reads it) the request waits to be
   * written, within the same time.
   * @param {Record<string, any>} msg without rid and reply
   * @param {number} timeoutMs
   * @returns {Promise<any>}
   */
  async ask(msg, timeoutMs = ASK_TIMEOUT_MS) {
    // "trapped": the memory daemon's core trapped in the step that read
    // this request and went on from the state before it, so the request
    // changed nothing and is sent again (a few times: it may be what
    // traps).
    for (let tries = 1; ; tries++) {
      const a = await this.once(msg, timeoutMs);
      if (a.t !== T.error || a.code !== "trapped" || tries >= TRAPPED_TRIES) return a;
    }
  }

  /** One request and its answer (see ask). @param {Record<string, any>} msg @param {number} timeoutMs @returns {Promise<any>} */
  async once(msg, timeoutMs) {
    const rid = this.nextRid++;
    const until = performance.now() + timeoutMs;
    this.asked.add(rid);
    try {
      const waitMs = 100;
      await deliver(this.ns, MEMD_PORT, { ...msg, rid, reply: msg.reply ?? this.port }, Math.ceil(timeoutMs / waitMs), waitMs);
      for (;;) {
        this.drain();
        const a = this.answers.get(rid);
        if (a) return a;
        const left = until - performance.now();
        if (left <= 0) throw new Error(`ramfarm: no answer to ${msg.t} #${rid} within ${timeoutMs} ms`);
        await this.wait(left);
      }
    } finally {
      this.asked.delete(rid);
      this.answers.delete(rid);
    }
  }
}

/**
 * Registers this process with the memory daemon for a role whose messages
 * change the world for everyone ("discovery": worker and forget;
 * "selector": cordon), and returns the role's token, which those messages
 * must carry. The answer comes on this process's boot port. While another
 * live process holds the role it waits (wait) and says why once through
 * onWait, or returns null (no wait).
 * @param {NS} ns @param {"discovery"|"selector"} role
 * @param {{wait?: boolean, onWait?: (why: string) => void}} [o]
 * @returns {Promise<number | null>}
 */
export async function registerRole(ns, role, { wait = true, onWait = () => {} } = {}) {
  const boot = new Mailbox(ns, BOOT_PORT_BASE + ns.pid);
  for (let told = false; ; told = true) {
    const a = await boot.ask({ t: T.register, pid: ns.pid, role });
    if (a.t === T.registered) return a.token;
    if (a.code !== "role-held") throw new Error(`ramfarm: the ${role} role was refused: ${a.code}: ${a.reason}`);
    if (!wait) return null;
    if (!told) onWait(a.reason);
    await ns.asleep(1000);
  }
}

/**
 * Gives a role back (see registerRole).
 * @param {NS} ns @param {"discovery"|"selector"} role @param {number} token
 */
export async function giveBackRole(ns, role, token) {
  await new Mailbox(ns, BOOT_PORT_BASE + ns.pid).ask({ t: T.register, pid: ns.pid, role, off: true, token });
}

/**
 * Says no to port messages the module never stepped (Engine.step's
 * refused): a WARN line each, quoting at most a few hundred characters,
 * and an error answer on the message's reply port when it names one.
 * Events of the script's own making that were refused are a fault of
 * ramfarm's: ERROR.
 * @param {NS} ns @param {string} who @param {{event: any, reason: string}[]} refused
 * @param {string} [code] the error answer's reason code
 */
export function refuse(ns, who, refused, code = "bad-message") {
  for (const { event, reason } of refused) {
    if (event?.k !== "msg") {
      ns.print(`ERROR ${who}: its own ${String(event?.k)} event was refused: ${short(reason)}`);
      continue;
    }
    const body = event.body;
    const reply = typeof body === "object" && body !== null ? body.reply : undefined;
    const rid = typeof body === "object" && body !== null && Number.isSafeInteger(body.rid) ? body.rid : 0;
    ns.print(`WARN ${who}: refused a message: ${short(reason)}`);
    if (Number.isSafeInteger(reply) && reply > 0) {
      ns.tryWritePort(reply, { t: T.error, rid, code, reason: short(reason) });
    }
  }
}
