// @ts-check
// The client side of a growable allocation: it owns a private port, keeps
// the latest snapshot the memory daemon sent there, and knows which part
// of every host's chunks its own workers occupy.
//
// A task script (lib/task.js) sends the requests the core module built
// (ask) and claims exactly the RAM the module computed (launch); a script
// that plans its own workers (fill.js) claims RAM per thread (start).

import { Mailbox } from "/ramfarm/lib/ports.js";
import { T } from "/ramfarm/lib/protocol.js";
import { say } from "/ramfarm/lib/log.js";

/** RAM in hundredths of a GB, the unit the allocator counts in. @param {number} gb */
const cgb = (gb) => Math.round(gb * 100);

/**
 * @typedef {object} AllocOptions
 * @property {number} chunk chunk size in GB
 * @property {number} count desired number of chunks
 * @property {number} [prio] priority; higher grows first
 * @property {boolean} [growable] keep growing to count as RAM appears
 * @property {boolean} [shrinkable] accept fewer chunks
 * @property {boolean} [contiguous] one host if any can hold all
 * @property {boolean} [coreDependent] prefer more cores
 * @property {boolean} [longRunning] avoid home and purchased servers
 * @property {boolean} [seat] a script's own process: home first, purchased servers last
 * @property {string} [script] the script the RAM is for, in memd's logs (default: the caller's)
 */

/** A connection to the memory daemon over this script's private port. */
export class MemClient {
  /** @param {NS} ns @param {Mailbox} mb */
  constructor(ns, mb) {
    this.ns = ns;
    this.mb = mb;
    /** "host/script" for each worker script this process has copied: once each, so an update reaches every host. @type {Set<string>} */
    this.copied = new Set();
    /** @type {Map<number, Allocation>} */
    this.allocs = new Map();
    /** @type {(msg: any) => void} messages that are not allocation snapshots (a selector's commands) */
    this.onOther = () => {};
    mb.onMessage = (m) => {
      if (m.t === T.granted) this.allocs.get(m.alloc)?.apply(m);
      else if (!m.rid) this.onOther(m);
    };
  }

  /** Opens a connection: gets a private port. (Not "connect": that name is a 32 GB netscript function, charged by name). @param {NS} ns */
  static async open(ns) {
    return new MemClient(ns, await Mailbox.open(ns));
  }

  /**
   * Asks for an allocation. A growable one is granted at once, possibly
   * empty, and then grows; others are granted or refused.
   * @param {AllocOptions} o
   * @returns {Promise<Allocation>}
   */
  async allocate(o) {
    const a = await this.mb.ask({ t: T.alloc, pid: this.ns.pid, script: this.ns.getScriptName(), ...o });
    if (a.t !== T.granted) throw new Error(`ramfarm: allocation refused: ${a.code}: ${a.reason}`);
    const alloc = new Allocation(this, a);
    this.allocs.set(a.alloc, alloc);
    return alloc;
  }

  /** Waits for news on the private port (growth snapshots). @param {number} ms */
  wait(ms) {
    return this.mb.wait(ms);
  }
}

/** One allocation: what it holds, and what of it is free. */
export class Allocation {
  /** @param {MemClient} client @param {any} g the first snapshot */
  constructor(client, g) {
    this.client = client;
    this.id = g.alloc;
    /** proves to the memory daemon that this process owns the allocation: only the answer to its alloc carried it */
    this.token = g.token;
    this.seq = 0;
    this.chunk = g.chunk;
    this.desired = g.desired;
    /** @type {Array<[string, number, number, number?]>} [host, GB, count, cores (absent: 1)] */
    this.held = [];
    /** @type {Map<number, {host: string, gb: number}>} worker pid → use */
    this.claims = new Map();
    /** @type {(a: Allocation) => void} called after every new snapshot */
    this.onChange = () => {};
    this.apply(g);
  }

  /** Takes a snapshot if it is newer than the one held. @param {any} g */
  apply(g) {
    if (g.seq <= this.seq) return;
    this.seq = g.seq;
    this.chunk = g.chunk;
    this.desired = g.desired;
    this.held = g.held;
    this.onChange(this);
  }

  /** Number of chunks held, of the current size unless given. */
  count(size = this.chunk) {
    let n = 0;
    for (const [, gb, c] of this.held) if (cgb(gb) === cgb(size)) n += c;
    return n;
  }

  /** GB held on each host minus what this allocation's workers use there. */
  free() {
    /** @type {Map<string, number>} */
    const f = new Map();
    for (const [host, gb, c] of this.held) f.set(host, (f.get(host) ?? 0) + cgb(gb) * c);
    for (const { host, gb } of this.claims.values()) f.set(host, (f.get(host) ?? 0) - cgb(gb));
    for (const [h, v] of f) f.set(h, v / 100);
    return f;
  }

  /**
   * Starts a worker script inside this allocation on host and claims
   * ramPerThread GB for each of its threads. Returns the pid, or 0.
   * @param {string} script @param {string} host @param {number} threads @param {number} ramPerThread GB
   * @param {...(string|number|boolean)} args
   */
  start(script, host, threads, ramPerThread, ...args) {
    return this.launch(script, host, threads, cgb(ramPerThread * threads) / 100, ...args);
  }

  /**
   * Starts a worker script inside this allocation on host and claims gb,
   * exactly. Returns the pid, or 0 if the game refused to start it or the
   * memory daemon its claim (then the worker is ended again).
   * @param {string} script @param {string} host @param {number} threads @param {number} gb
   * @param {...(string|number|boolean)} args
   */
  async launch(script, host, threads, gb, ...args) {
    const ns = this.client.ns;
    let pid = 0;
    try {
      // Copied even when the host has the file: after an update, an older
      // copy there must not run.
      const copy = `${host}/${script}`;
      if (!this.client.copied.has(copy) && ns.scp(script, host)) this.client.copied.add(copy);
      pid = ns.exec(script, host, threads, ...args);
    } catch {
      return 0; // the host is gone
    }
    if (pid === 0) return 0;
    // Recorded before any await, so the daemon never sees the worker's RAM
    // as foreign.
    this.claims.set(pid, { host, gb });
    const a = await this.client.mb.ask({ t: T.claim, pid: ns.pid, alloc: this.id, token: this.token, host, worker: pid, ram: gb });
    if (a.t !== T.done) {
      // The allocation does not cover this worker (a snapshot raced the
      // start): it must not run on RAM the daemon may give to others.
      ns.kill(pid);
      this.claims.delete(pid);
      say(ns, "WARN", `ramfarm: claim refused, worker ${pid} stopped: ${a.code}: ${a.reason}`);
      return 0;
    }
    return pid;
  }

  /**
   * Sends a request about this allocation (a resize, a release of chunks,
   * an unclaim) and takes the snapshot its answer carries; a refusal
   * throws.
   * @param {Record<string, any>} msg the request, without rid, reply and alloc
   */
  async ask(msg) {
    const a = await this.client.mb.ask({ ...msg, alloc: this.id, token: this.token });
    if (a.t === T.granted) this.apply(a);
    else if (a.t !== T.done) throw new Error(`ramfarm: ${msg.t} refused: ${a.code}: ${a.reason}`);
    return a;
  }

  /**
   * Sets the desired count and, with a different chunk size, reshapes.
   * @param {number} count @param {number} [chunk] @param {number} [prio]
   */
  resize(count, chunk, prio) {
    return this.ask({ t: T.resize, pid: this.client.ns.pid, count, chunk, prio });
  }

  /** Returns count chunks of size GB held on host. @param {string} host @param {number} size @param {number} count */
  giveBack(host, size, count) {
    return this.ask({ t: T.release, pid: this.client.ns.pid, host, chunk: size, count });
  }

  /** Returns the whole allocation. */
  async close() {
    const a = await this.client.mb.ask({ t: T.release, pid: this.client.ns.pid, alloc: this.id, token: this.token });
    if (a.t !== T.done) throw new Error(`ramfarm: release refused: ${a.code}: ${a.reason}`);
    this.client.allocs.delete(this.id);
  }
}
