// The browser globals of a realm, built on the Go natives in `native`.
// It runs once per realm, before any script. It keeps its own copies of the
// intrinsics it relies on, so a script that replaces a global cannot break
// the others, and it keeps every Go handle in a private WeakMap, out of reach
// of scripts. It returns the pieces Go calls back into.
(function (native) {
  'use strict';
  const G = globalThis;
  const O = Object;
  const { create, defineProperty, freeze, getOwnPropertyDescriptor, getPrototypeOf, keys } = O;
  const P = Promise;
  const resolved = P.resolve();
  const MapC = Map;
  const SetC = Set;
  const ArrayC = Array;
  const isArray = Array.isArray;
  const U8 = Uint8Array;
  const ABC = ArrayBuffer;
  const DataViewC = DataView;
  const DateC = Date;
  const RegExpC = RegExp;
  const BigIntC = BigInt;
  const StringC = String;
  const JSONstringify = JSON.stringify;
  const objectToString = O.prototype.toString;
  const errorToString = Error.prototype.toString;
  const symbolToString = Symbol.prototype.toString;
  const getter = (proto, name) => getOwnPropertyDescriptor(proto, name).get;
  const taTag = getter(getPrototypeOf(U8.prototype), Symbol.toStringTag);
  const taBuffer = getter(getPrototypeOf(U8.prototype), 'buffer');
  const abByteLength = getter(ABC.prototype, 'byteLength');
  const abSlice = ABC.prototype.slice;
  const dvBuffer = getter(DataViewC.prototype, 'buffer');
  const mapSize = getter(MapC.prototype, 'size');
  const setSize = getter(SetC.prototype, 'size');
  const mapEntries = MapC.prototype.entries;
  const setValues = SetC.prototype.values;
  const regexpSource = getter(RegExpC.prototype, 'source');
  const dateGetTime = DateC.prototype.getTime;
  const weakMapHas = WeakMap.prototype.has;
  const weakSetHas = WeakSet.prototype.has;
  const typedArrays = {};
  for (const C of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array]) {
    typedArrays[C.name] = C;
  }
  const errorCtors = {
    Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
  };

  // brand reports whether check accepts v without throwing: the way to test
  // for an internal slot from JS.
  const brand = (check, v) => {
    try {
      check.call(v);
      return true;
    } catch {
      return false;
    }
  };
  const typedArrayName = (v) => taTag.call(v);
  // Natively: the brand check throws a TypeError whose message renders v,
  // and rendering a large typed array (wasm memory) costs milliseconds.
  const isArrayBuffer = (v) => native.isArrayBuffer(v);
  const isDataView = (v) => brand(dvBuffer, v);
  const isBufferSource = (v) => isArrayBuffer(v) || typedArrayName(v) !== undefined || isDataView(v);
  const isError = (v) => objectToString.call(v) === '[object Error]';
  const isWeak = (v) => {
    try {
      weakMapHas.call(v, v);
      return true;
    } catch {
      // not a WeakMap
    }
    try {
      weakSetHas.call(v, v);
      return true;
    } catch {
      return false;
    }
  };

  const hidden = (obj, name, value) =>
    defineProperty(obj, name, { value, writable: true, enumerable: false, configurable: true });
  const install = (name, value) => hidden(G, name, value);

  // slots maps platform objects (decoders, wasm modules, instances,
  // memories) to their Go state.
  const slots = new WeakMap();
  const slot = (obj, kind) => {
    const s = (typeof obj === 'object' && obj !== null) ? slots.get(obj) : undefined;
    if (s === undefined || s.kind !== kind) {
      throw new TypeError(`Illegal invocation: not a ${kind}`);
    }
    return s;
  };

  const domCodes = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
    SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
    TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
    QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
  };
  class DOMException extends Error {
    constructor(message = '', name = 'Error') {
      super(StringC(message));
      hidden(this, 'name', StringC(name));
    }
    get code() {
      return domCodes[this.name] || 0;
    }
  }

  // inspect renders a value for console output and error reports.
  const inspect = (v, depth, seen) => {
    switch (typeof v) {
      case 'string': return depth === 0 ? v : JSONstringify(v);
      case 'number': return O.is(v, -0) ? '-0' : StringC(v);
      case 'bigint': return `${v}n`;
      case 'symbol': return symbolToString.call(v);
      case 'undefined': return 'undefined';
      case 'boolean': return v ? 'true' : 'false';
      case 'function': return `[Function: ${v.name || '(anonymous)'}]`;
    }
    if (v === null) return 'null';
    try {
      if (isError(v)) {
        const stack = v.stack;
        return typeof stack === 'string' && stack !== '' ? stack.trimEnd() : errorToString.call(v);
      }
      if (seen.has(v)) return '[Circular]';
      if (depth > 3) return isArray(v) ? '[Array]' : '[Object]';
      seen.add(v);
      try {
        const inner = (x) => inspect(x, depth + 1, seen);
        const ta = typedArrayName(v);
        if (ta !== undefined) return `${ta}(${v.length}) [${ArrayC.prototype.map.call(v, inner).join(', ')}]`;
        if (isArray(v)) return `[${v.map(inner).join(', ')}]`;
        if (brand(mapSize, v)) {
          const items = [];
          for (const [k, x] of mapEntries.call(v)) items.push(`${inner(k)} => ${inner(x)}`);
          return `Map(${items.length}) {${items.join(', ')}}`;
        }
        if (brand(setSize, v)) {
          const items = [];
          for (const x of setValues.call(v)) items.push(inner(x));
          return `Set(${items.length}) {${items.join(', ')}}`;
        }
        if (brand(dateGetTime, v)) return DateC.prototype.toISOString.call(v);
        if (brand(regexpSource, v)) return StringC(v);
        const items = keys(v).map((k) => `${k}: ${inner(v[k])}`);
        return `{${items.join(', ')}}`;
      } finally {
        seen.delete(v);
      }
    } catch {
      return objectToString.call(v);
    }
  };
  const show = (v) => inspect(v, 0, new SetC());
  const format = (args) => ArrayC.prototype.map.call(args, show).join(' ');

  install('console', {
    log(...args) { native.log(0, format(args)); },
    info(...args) { native.log(0, format(args)); },
    debug(...args) { native.log(0, format(args)); },
    warn(...args) { native.log(1, format(args)); },
    error(...args) { native.log(2, format(args)); },
  });

  install('DOMException', DOMException);
  install('setTimeout', native.setTimeout);
  install('clearTimeout', native.clearTimeout);
  install('setInterval', native.setInterval);
  install('clearInterval', native.clearInterval);
  install('queueMicrotask', function queueMicrotask(callback) {
    if (typeof callback !== 'function') {
      throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
    }
    resolved.then(() => {
      try {
        callback();
      } catch (e) {
        native.uncaught(e);
      }
    });
  });
  install('performance', { now: () => native.now(), timeOrigin: native.timeOrigin });

  install('atob', function atob(...args) {
    if (args.length === 0) throw new TypeError("Failed to execute 'atob': 1 argument required.");
    const out = native.atob(StringC(args[0]));
    if (out === null) {
      throw new DOMException("Failed to execute 'atob': The string to be decoded is not correctly encoded.",
        'InvalidCharacterError');
    }
    return out;
  });
  // Uint8Array.fromBase64 (ES2026): V8 ships it in current browsers, and
  // the in-game loader uses it when present; decoding natively here keeps
  // each emulated game from spending a second in a JS loop over the module.
  Object.defineProperty(U8, 'fromBase64', {
    configurable: true, writable: true, enumerable: false,
    value: function fromBase64(string, options = undefined) {
      if (typeof string !== 'string') throw new TypeError('Uint8Array.fromBase64: argument is not a string');
      const alphabet = options?.alphabet ?? 'base64';
      if (alphabet !== 'base64') throw new TypeError('Uint8Array.fromBase64: only the base64 alphabet is supported here');
      const buf = native.base64Bytes(string);
      if (buf === null) throw new SyntaxError('Uint8Array.fromBase64: invalid base64');
      return new U8(buf);
    },
  });
  install('btoa', function btoa(...args) {
    if (args.length === 0) throw new TypeError("Failed to execute 'btoa': 1 argument required.");
    const out = native.btoa(StringC(args[0]));
    if (out === null) {
      throw new DOMException("Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.",
        'InvalidCharacterError');
    }
    return out;
  });

  install('crypto', {
    getRandomValues(array) {
      const name = typedArrayName(array);
      if (name === undefined) {
        if (isDataView(array)) {
          throw new DOMException("The provided ArrayBufferView is of type 'DataView', which is not an integer array type.",
            'TypeMismatchError');
        }
        throw new TypeError("Failed to execute 'getRandomValues': parameter 1 is not of type 'ArrayBufferView'.");
      }
      if (name === 'Float32Array' || name === 'Float64Array') {
        throw new DOMException(`The provided ArrayBufferView is of type '${name}', which is not an integer array type.`,
          'TypeMismatchError');
      }
      if (array.byteLength > 65536) {
        throw new DOMException(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536).`,
          'QuotaExceededError');
      }
      native.fillRandom(array);
      return array;
    },
    // SubtleCrypto's digest only: what an installer needs to check what
    // it downloaded. Like the browser's, it answers with a promise and
    // rejects (never throws) on a bad algorithm or data.
    subtle: {
      digest(algorithm, data) {
        return new P((resolve, reject) => {
          const name = typeof algorithm === 'string' ? algorithm : algorithm?.name;
          const bytes = isBufferSource(data) ? data : null;
          if (bytes === null) {
            reject(new TypeError("Failed to execute 'digest' on 'SubtleCrypto': parameter 2 is not of type 'ArrayBuffer or ArrayBufferView'."));
            return;
          }
          const out = native.digest(String(name).toUpperCase(), bytes);
          if (out === null) {
            reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError'));
            return;
          }
          resolve(out);
        });
      },
    },
  });

  const utf8Labels = ['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'];
  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') {
      return new U8(native.utf8Encode(StringC(input)));
    }
    encodeInto(source, destination) {
      if (typedArrayName(destination) !== 'Uint8Array') {
        throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
      }
      const r = native.encodeInto(StringC(source), destination);
      return { read: r[0], written: r[1] };
    }
  }
  class TextDecoder {
    constructor(label = 'utf-8', options = undefined) {
      const l = StringC(label).trim().toLowerCase();
      if (!utf8Labels.includes(l)) {
        throw new RangeError(`Failed to construct 'TextDecoder': The encoding label provided ('${label}') is invalid or not supported (utf-8 only).`);
      }
      if (options !== undefined && options !== null && typeof options !== 'object') {
        throw new TypeError("Failed to construct 'TextDecoder': The provided value is not of type 'TextDecoderOptions'.");
      }
      const fatal = !!(options && options.fatal);
      const ignoreBOM = !!(options && options.ignoreBOM);
      slots.set(this, { kind: 'TextDecoder', fatal, ignoreBOM, dec: native.newDecoder(fatal, ignoreBOM) });
    }
    get encoding() { slot(this, 'TextDecoder'); return 'utf-8'; }
    get fatal() { return slot(this, 'TextDecoder').fatal; }
    get ignoreBOM() { return slot(this, 'TextDecoder').ignoreBOM; }
    decode(input = undefined, options = undefined) {
      const s = slot(this, 'TextDecoder');
      if (input !== undefined && !isBufferSource(input)) {
        throw new TypeError("Failed to execute 'decode' on 'TextDecoder': The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.");
      }
      const out = native.decode(s.dec, input, !!(options && options.stream));
      if (out === null) throw new TypeError('The encoded data was not valid for encoding utf-8');
      return out;
    }
  }
  install('TextEncoder', TextEncoder);
  install('TextDecoder', TextDecoder);

  // Response and DecompressionStream: as much of Fetch and Compression
  // Streams as the loader uses to inflate the module,
  //   new Response(new Response(bytes).body.pipeThrough(new DecompressionStream(f))).arrayBuffer()
  // A stream here is a function that answers all its bytes at once (or
  // throws), called when the stream is read: a body's copy, or the
  // inflation, in Go, of what was piped in.
  const streamKind = 'ReadableStream';
  class ReadableStream {
    constructor() {
      throw new TypeError('ReadableStream cannot be constructed here: only Response bodies and DecompressionStream readables exist');
    }
    get locked() { return slot(this, streamKind).locked; }
    pipeThrough(transform) {
      const s = slot(this, streamKind);
      const t = slots.get(transform);
      if (t === undefined || t.kind !== 'DecompressionStream') {
        throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': only a DecompressionStream is supported here");
      }
      if (s.locked) throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': Cannot pipe a locked stream");
      if (t.source !== null) throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': Cannot pipe to a locked stream");
      s.locked = true;
      t.source = s;
      return t.readable;
    }
  }
  const makeStream = (read) => {
    const st = create(ReadableStream.prototype);
    slots.set(st, { kind: streamKind, locked: false, read });
    return st;
  };
  class WritableStream {
    constructor() {
      throw new TypeError('WritableStream cannot be constructed here: only DecompressionStream writables exist, to pipe into');
    }
  }
  const compressionFormats = ['deflate', 'deflate-raw', 'gzip'];
  class DecompressionStream {
    constructor(...args) {
      if (args.length === 0) throw new TypeError("Failed to construct 'DecompressionStream': 1 argument required, but only 0 present.");
      const format = StringC(args[0]);
      if (!compressionFormats.includes(format)) {
        throw new TypeError(`Failed to construct 'DecompressionStream': Unsupported compression format: '${format}'`);
      }
      const t = { kind: 'DecompressionStream', source: null, writable: create(WritableStream.prototype) };
      t.readable = makeStream(() => {
        if (t.source === null) throw new TypeError('DecompressionStream: nothing was piped into it (only pipeThrough is supported here)');
        const out = native.inflate(format, t.source.read());
        if (typeof out === 'string') throw new TypeError(`DecompressionStream: ${out}`);
        return out;
      });
      slots.set(this, t);
    }
    get readable() { return slot(this, 'DecompressionStream').readable; }
    get writable() { return slot(this, 'DecompressionStream').writable; }
  }
  class Response {
    constructor(body = null) {
      let stream = null;
      if (body !== null) {
        const s = slots.get(body);
        if (s !== undefined && s.kind === streamKind) {
          if (s.locked) throw new TypeError("Failed to construct 'Response': Response body object should not be disturbed or locked");
          stream = body;
        } else {
          const bytes = isBufferSource(body) ? native.copyBytes(body) : native.utf8Encode(StringC(body));
          stream = makeStream(() => bytes);
        }
      }
      slots.set(this, { kind: 'Response', body: stream, used: false });
    }
    get body() { return slot(this, 'Response').body; }
    get bodyUsed() { return slot(this, 'Response').used; }
    arrayBuffer() {
      const r = slot(this, 'Response');
      return new P((resolve) => {
        if (r.body === null) {
          resolve(new ABC(0));
          return;
        }
        const s = slots.get(r.body);
        if (r.used || s.locked) throw new TypeError("Failed to execute 'arrayBuffer' on 'Response': body stream already read");
        r.used = true;
        s.locked = true;
        resolve(s.read());
      });
    }
  }
  install('DecompressionStream', DecompressionStream);
  install('Response', Response);

  const dataCloneError = (what) => new DOMException(`${what} could not be cloned.`, 'DataCloneError');
  const dataProperty = (obj, key, value) =>
    defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });

  // clone follows the HTML structured serialize + deserialize steps for
  // the types a script can make here; memory keeps shared and cyclic
  // references shared and cyclic in the copy.
  const clone = (v, memory) => {
    const t = typeof v;
    if (t === 'symbol') throw dataCloneError(symbolToString.call(v));
    if (t === 'function') throw dataCloneError(StringC(v));
    if (v === null || t !== 'object') return v;
    if (memory.has(v)) return memory.get(v);
    let out;
    const s = slots.get(v);
    if (s !== undefined) {
      if (s.kind !== 'Module') throw dataCloneError(`#<${s.kind}>`);
      out = create(WebAssemblyModule.prototype);
      slots.set(out, s);
      memory.set(v, out);
      return out;
    }
    if (isArrayBuffer(v)) {
      if (native.detached(v)) throw dataCloneError('An ArrayBuffer is detached and');
      out = abSlice.call(v, 0);
      memory.set(v, out);
      return out;
    }
    const ta = typedArrayName(v);
    if (ta !== undefined) {
      const buf = clone(taBuffer.call(v), memory);
      out = new typedArrays[ta](buf, v.byteOffset, v.length);
      memory.set(v, out);
      return out;
    }
    if (isDataView(v)) {
      const buf = clone(dvBuffer.call(v), memory);
      out = new DataViewC(buf, v.byteOffset, v.byteLength);
      memory.set(v, out);
      return out;
    }
    if (brand(dateGetTime, v)) {
      out = new DateC(dateGetTime.call(v));
    } else if (brand(regexpSource, v)) {
      out = new RegExpC(regexpSource.call(v), v.flags);
    } else if (brand(Boolean.prototype.valueOf, v)) {
      out = O(Boolean.prototype.valueOf.call(v));
    } else if (brand(Number.prototype.valueOf, v)) {
      out = O(Number.prototype.valueOf.call(v));
    } else if (brand(StringC.prototype.valueOf, v)) {
      out = O(StringC.prototype.valueOf.call(v));
    } else if (brand(BigIntC.prototype.valueOf, v)) {
      out = O(BigIntC.prototype.valueOf.call(v));
    } else if (brand(Symbol.prototype.valueOf, v)) {
      throw dataCloneError(symbolToString.call(Symbol.prototype.valueOf.call(v)));
    }
    if (out !== undefined) {
      memory.set(v, out);
      return out;
    }
    if (brand(mapSize, v)) {
      out = new MapC();
      memory.set(v, out);
      const entries = [...mapEntries.call(v)];
      for (const [k, x] of entries) out.set(clone(k, memory), clone(x, memory));
      return out;
    }
    if (brand(setSize, v)) {
      out = new SetC();
      memory.set(v, out);
      const values = [...setValues.call(v)];
      for (const x of values) out.add(clone(x, memory));
      return out;
    }
    if (isError(v)) {
      const name = v.name;
      const C = errorCtors[name] !== undefined ? errorCtors[name] : Error;
      const msg = getOwnPropertyDescriptor(v, 'message');
      out = msg !== undefined ? new C(StringC(msg.value)) : new C();
      const stack = v.stack;
      if (typeof stack === 'string') hidden(out, 'stack', stack);
      memory.set(v, out);
      return out;
    }
    if (isWeak(v) || objectToString.call(v) === '[object Promise]') {
      throw dataCloneError(`#<${objectToString.call(v).slice(8, -1)}>`);
    }
    out = isArray(v) ? new ArrayC(v.length) : {};
    memory.set(v, out);
    for (const k of keys(v)) dataProperty(out, k, clone(v[k], memory));
    return out;
  };

  function structuredClone(value, options = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone': 1 argument required.");
    const memory = new MapC();
    let transfer = [];
    if (options !== undefined && options !== null) {
      if (typeof options !== 'object') {
        throw new TypeError("Failed to execute 'structuredClone': The provided value is not of type 'StructuredSerializeOptions'.");
      }
      if (options.transfer !== undefined) transfer = [...options.transfer];
    }
    for (const buf of transfer) {
      if (!isArrayBuffer(buf)) throw dataCloneError('A transfer list item that is not an ArrayBuffer');
      if (memory.has(buf)) throw new DOMException('ArrayBuffer at index 1 is a duplicate of an earlier ArrayBuffer.', 'DataCloneError');
      if (native.detached(buf)) throw dataCloneError('An ArrayBuffer is detached and');
      memory.set(buf, abSlice.call(buf, 0));
    }
    const out = clone(value, memory);
    for (const buf of transfer) native.detach(buf);
    return out;
  }
  install('structuredClone', structuredClone);

  class CompileError extends Error {}
  class LinkError extends Error {}
  class RuntimeError extends Error {}
  hidden(CompileError.prototype, 'name', 'CompileError');
  hidden(LinkError.prototype, 'name', 'LinkError');
  hidden(RuntimeError.prototype, 'name', 'RuntimeError');

  const bufferSource = (bytes, where) => {
    if (!isBufferSource(bytes)) throw new TypeError(`${where}: Argument 0 must be a buffer source`);
    return bytes;
  };
  class WebAssemblyModule {
    constructor(bytes) {
      slots.set(this, { kind: 'Module', h: native.wasmCompile(bufferSource(bytes, 'WebAssembly.Module()')) });
    }
  }
  defineProperty(WebAssemblyModule, 'name', { value: 'Module' });
  class Instance {
    constructor(module, importObject = undefined) {
      const m = slots.get(module);
      if (m === undefined || m.kind !== 'Module') {
        throw new TypeError('WebAssembly.Instance(): Argument 0 must be a WebAssembly.Module');
      }
      if (importObject !== undefined && (importObject === null ||
          (typeof importObject !== 'object' && typeof importObject !== 'function'))) {
        throw new TypeError('WebAssembly.Instance(): Argument 1 must be an object');
      }
      const exports = native.wasmInstantiate(m.h, importObject);
      slots.set(this, { kind: 'Instance', exports: freeze(exports) });
    }
    get exports() { return slot(this, 'Instance').exports; }
  }
  class Memory {
    constructor() {
      throw new TypeError('WebAssembly.Memory cannot be constructed here: memory imports are not supported');
    }
    get buffer() { return native.memoryBuffer(slot(this, 'Memory').h); }
    grow(delta) { return native.memoryGrow(slot(this, 'Memory').h, delta); }
  }
  const makeMemory = (h) => {
    const m = create(Memory.prototype);
    slots.set(m, { kind: 'Memory', h });
    return m;
  };

  const WebAssembly = {
    Module: WebAssemblyModule,
    Instance,
    Memory,
    CompileError,
    LinkError,
    RuntimeError,
    validate(bytes) {
      return native.wasmValidate(bufferSource(bytes, 'WebAssembly.validate()'));
    },
    compile(bytes) {
      return new P((resolve) => resolve(new WebAssemblyModule(bytes)));
    },
    instantiate(source, importObject = undefined) {
      return new P((resolve) => {
        const s = slots.get(source);
        if (s !== undefined && s.kind === 'Module') {
          resolve(new Instance(source, importObject));
          return;
        }
        const module = new WebAssemblyModule(source);
        resolve({ module, instance: new Instance(module, importObject) });
      });
    },
  };
  for (const k of keys(WebAssembly)) hidden(WebAssembly, k, WebAssembly[k]);
  defineProperty(WebAssembly, Symbol.toStringTag, { value: 'WebAssembly', configurable: true });
  install('WebAssembly', WebAssembly);

  // runMain starts main the way the game's loader awaits it: a throw and a
  // rejection both end up in fail.
  const runMain = (main, ns, ok, fail) => {
    new P((resolve) => resolve(main(ns))).then(ok, fail);
  };

  return {
    inspect: show, structuredClone, runMain, makeMemory, CompileError, LinkError, RuntimeError, RangeError, BigInt: BigIntC,
  };
})
