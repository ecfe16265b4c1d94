// The Web Worker (a module worker): loads one Pyodide runtime, installs the wheels the manifest
// lists for it WITHOUT micropip (pyodide.unpackArchive into site-packages), imports the
// `webworker` package, warms the implementations up and hands it every request from the page.
//
// page -> worker   {type: "init", runtime: <manifest runtime entry>, precompiled: bool}
//                  {type: "module", module: WebAssembly.Module} or {type: "module", error}
//                  {type: "extension", path, module: WebAssembly.Module, bytes: ArrayBuffer}
//                  or {type: "extension", path, error}
//                  {type: "run", request: {id, n, implementations, algorithm}}
//                  {type: "drawn", id, implementation}: the page has drawn that "running" message
// worker -> page   {status: "loading-runtime" | "stdlib" | "snapshot" | "runtime-loaded" | "installing" |
//                   "installed" | "extensions" | "warming-up" | "warmed-up" | "ready" | "log" | "error", ...}
//                  and whatever a webworker.Job posts ("running", "complete", "error").
//
// A request runs as a webworker.Job: after each "running" message the worker waits for the page's
// "drawn" before the implementation is timed, so that the browser's drawing of the new status
// does not run beside the timed calls (see webworker.Job); at most DRAWN_WAIT_MS, for a page that
// never answers.
//
// Both runtimes load from their ES module (pyodide.mjs): Pyodide 314 refuses classic workers,
// and 0.21.3's pyodide.mjs falls back from importScripts to import() for its pyodide.asm.js.
//
// The "ready" message carries `timings`: when each step of the start was done, in ms since the
// worker got "init" (see init).

import { unpackSnapshot } from "./snapshot-format.mjs";

const DRAWN_WAIT_MS = 1000;
// How long the import waits for a page's extension module that has not arrived (a stalled fetch):
// then Pyodide compiles the extension itself. The page's normally comes seconds early.
const EXTENSION_WAIT_MS = 10_000;

let Job = null; // webworker.Job once the runtime is ready
let busy = false;
let receiveModule = null; // resolves the promise of the page's compiled pyodide.asm.wasm
// The page's compiled extension modules, by path (see usePageExtensions): each settled by the
// page's "extension" message, with {module, bytes} or with null if the page could not compile it.
const pageExtensions = new Map();
let drawn = null; // {id, implementation, resolve} while a Job waits for the page

const post = (message) => self.postMessage(message);
const errorText = (error) => (error && (error.message || String(error))) || "unknown error";
const since = (t0) => Math.round(performance.now() - t0);

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    try {
      await init(message.runtime, message.precompiled);
    } catch (error) {
      post({ status: "error", phase: "init", message: errorText(error) });
    }
  } else if (message.type === "module") {
    receiveModule?.(message);
  } else if (message.type === "extension") {
    pageExtensions.get(message.path)?.resolve(message.module ? { module: message.module, bytes: new Uint8Array(message.bytes) } : null);
  } else if (message.type === "drawn") {
    if (drawn && drawn.id === message.id && drawn.implementation === message.implementation) drawn.resolve();
  } else if (message.type === "run") {
    const id = message.request && message.request.id;
    if (!Job) {
      post({ status: "error", id, message: "the runtime is not ready yet" });
    } else if (busy) {
      post({ status: "error", id, message: "a run is already in progress" });
    } else {
      busy = true;
      let job = null;
      let running = null; // the last "running" message of the request
      try {
        job = Job(JSON.stringify(message.request), (text) => {
          const reply = JSON.parse(text);
          if (reply.status === "running") running = reply;
          post(reply);
        });
        while (job.step()) await pageDrew(running);
      } catch (error) {
        post({ status: "error", id, message: errorText(error) }); // a fatal runtime error
      } finally {
        job?.destroy();
        busy = false;
      }
    }
  }
};

// Resolves once the page says it has drawn this "running" message, or after DRAWN_WAIT_MS.
function pageDrew({ id, implementation }) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, DRAWN_WAIT_MS);
    drawn = {
      id,
      implementation,
      resolve: () => {
        clearTimeout(timer);
        resolve();
      },
    };
  }).finally(() => {
    drawn = null;
  });
}

async function sha256(buffer) {
  if (!self.crypto || !self.crypto.subtle) return null; // not a secure context (plain http on a LAN)
  const digest = await self.crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// A file the manifest lists ({url, sha256}), checked against its SHA-256.
async function fetchChecked({ url, sha256: expected }) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const buffer = await response.arrayBuffer();
  const digest = await sha256(buffer);
  if (digest !== null && digest !== expected) {
    throw new Error(`${url}: SHA-256 ${digest} does not match the manifest's ${expected}`);
  }
  return buffer;
}

// The page compiles pyodide.asm.wasm itself (WebAssembly.compileStreaming): Chrome keeps the
// compiled code of a streamed module in its code cache for the next visit, which it does not do
// for one compiled inside a worker. The runtime's loader asks WebAssembly.instantiateStreaming
// for exactly that file; this hands it the page's module instead (and lets the loader's own
// fetch go, a hit in the HTTP cache). If the page could not compile, the loader compiles as
// usual.
function usePageModule(runtime, mark) {
  const wasmUrl = new URL(`${runtime.index_url}pyodide.asm.wasm`, self.location.href).href;
  const fromPage = new Promise((resolve) => {
    receiveModule = (message) => {
      mark("module_received");
      resolve(message);
    };
  });
  const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
  WebAssembly.instantiateStreaming = async (source, imports) => {
    mark("instantiating");
    const response = await source;
    if (response.url === wasmUrl) {
      const { module, error } = await fromPage;
      if (module) {
        response.body?.cancel().catch(() => {});
        const instance = await WebAssembly.instantiate(module, imports);
        mark("instantiated");
        return { module, instance };
      }
      post({ status: "log", stream: "stderr", text: `the page could not compile ${wasmUrl} (${error}); compiling here` });
    }
    return instantiateStreaming(response, imports);
  };
}

// The page also compiles the wheels' extension modules (app.js, compileExtension). Pyodide loads
// one, when Python first imports it, by reading the .so from its file system and compiling the
// bytes with `new WebAssembly.Module` (both runtimes).
//
// expectPageExtensions, at "init": the manifest says which modules the page sends.
function expectPageExtensions(runtime) {
  for (const { path } of runtime.wheels.flatMap((wheel) => wheel.extensions ?? [])) {
    let resolve;
    const promise = new Promise((settle) => (resolve = settle));
    pageExtensions.set(path, { promise, resolve });
  }
}

// usePageExtensions, before the first import: waits for the page's modules (they normally came
// long before; the wait also hands the worker's event loop the messages that arrived while Python
// started, which no resolved `await` on the way here would), at most EXTENSION_WAIT_MS. While it
// is in force, bytes equal to those of a page's module get that module instead, and anything else
// compiles as usual. Returns the paths of the page's modules used so far and a function that puts
// the constructor back.
async function usePageExtensions() {
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(null), EXTENSION_WAIT_MS)));
  const settled = await Promise.all(
    Array.from(pageExtensions, async ([path, { promise }]) => ({
      path,
      compiled: await Promise.race([promise, timeout]),
    })),
  );
  clearTimeout(timer);
  const modules = settled.filter(({ compiled }) => compiled);
  const Native = WebAssembly.Module;
  const used = new Set();
  const same = (a, b) => {
    if (a.byteLength !== b.byteLength) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  WebAssembly.Module = new Proxy(Native, {
    construct(target, args, newTarget) {
      const source = args[0];
      const bytes = ArrayBuffer.isView(source)
        ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
        : source instanceof ArrayBuffer
          ? new Uint8Array(source)
          : null;
      const found = bytes && modules.find(({ compiled }) => same(compiled.bytes, bytes));
      if (found) {
        used.add(found.path);
        return found.compiled.module;
      }
      return Reflect.construct(target, args, newTarget);
    },
  });
  return { used, restore: () => (WebAssembly.Module = Native) };
}

// The start, step by step; timings (ms since "init") marks when each step was done:
//   imported         the runtime's loader (pyodide.mjs) was imported
//   module_received  the page's compiled pyodide.asm.wasm arrived
//   instantiating    the runtime's loader (its JavaScript evaluated) asked for the module
//   instantiated     the runtime's module was instantiated
//   python_starts    the runtime's files are in place (the standard library too): Python starts
//   runtime_loaded   loadPyodide returned (Python and Pyodide's own modules started, or restored)
//   wheels_fetched   every wheel was fetched and checked
//   extensions_received  the page's compiled extension modules were at hand (just before the
//                    import that loads them)
//   installed        the wheels were unpacked and webworker imported
//   warmed_up, ready
async function init(runtime, precompiled) {
  const t0 = performance.now();
  const timings = {};
  const mark = (name) => (timings[name] ??= since(t0));
  post({ status: "loading-runtime", runtime: runtime.version });
  // The wheels are fetched (and checked) while the runtime loads.
  const wheels = Promise.all(runtime.wheels.map(fetchChecked)).then((buffers) => {
    mark("wheels_fetched");
    return buffers;
  });
  wheels.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
  if (precompiled) {
    usePageModule(runtime, mark);
    expectPageExtensions(runtime);
  }
  // At once: the runtime's loader is imported, the precompiled standard library prepared, the
  // snapshot of an earlier visit found (and read while loadPyodide loads its JavaScript).
  const loader = import(runtime.module_url).then((module) => {
    mark("imported");
    return module;
  });
  // The snapshot is looked up (and read) meanwhile, under the key of the standard library the
  // manifest offers; should that library fail to install, the lookup is redone below.
  const offered = Boolean(runtime.stdlib && runtime.stdlib.install === "stdLibURL");
  const lookup = SnapshotStore.open(runtime, offered).then(async (store) => ({ store, saved: await store.find() }));
  const stdlib = await useStdlib(runtime, mark);
  let { store: snapshots, saved } = await lookup; // saved: {bytes: a promise, stored: bytes read} or null
  if (Boolean(stdlib.options.stdLibURL) !== offered) {
    snapshots = await SnapshotStore.open(runtime, Boolean(stdlib.options.stdLibURL));
    saved = await snapshots.find();
  }
  const { loadPyodide } = await loader;
  const options = {
    indexURL: runtime.index_url,
    fullStdLib: false, // 0.21.3 would otherwise also load distutils
    stdout: (text) => post({ status: "log", stream: "stdout", text }),
    stderr: (text) => post({ status: "log", stream: "stderr", text }),
    // Called by the runtimes that have the option (314) last before Python starts; 0.21.3's
    // precompiled standard library marks that moment itself.
    fsInit: async () => mark("python_starts"),
    ...stdlib.options,
  };
  let pyodide = null;
  let restored = false;
  let snapshot = null; // to save for the next visit, once the page is ready
  if (saved) {
    try {
      pyodide = await loadPyodide({ ...options, _loadSnapshot: saved.bytes });
      restored = true;
      post({ status: "snapshot", restored: true, bytes: (await saved.bytes).byteLength, stored_bytes: saved.stored });
    } catch (error) {
      post({ status: "log", stream: "stderr", text: `the saved snapshot did not load (${errorText(error)}); starting Python from scratch` });
      await snapshots.forget();
    }
  }
  if (!pyodide) {
    // _makeSnapshot: a runtime that has makeMemorySnapshot (314) can then save its started
    // interpreter; older ones ignore the option.
    pyodide = await loadPyodide({ ...options, _makeSnapshot: snapshots.usable });
    if (snapshots.usable && typeof pyodide.makeMemorySnapshot === "function") {
      // A copy of the memory in a buffer of its own: handed (not copied) to the page, which
      // saves it while this worker goes on.
      snapshot = pyodide.makeMemorySnapshot();
      self.postMessage({ status: "snapshot", made: true, key: snapshots.key, snapshot }, [snapshot.buffer]);
    }
  }
  // "restored" (this start skipped Python's start-up), "saving" (the next one will), or "none".
  const snapshotState = restored ? "restored" : snapshot ? "saving" : "none";
  mark("runtime_loaded");
  post({ status: "stdlib", ...stdlib.report });
  post({ status: "runtime-loaded", runtime: runtime.version, pyodide: pyodide.version, elapsed_ms: since(t0) });

  // site-packages from sys.path (sysconfig would be one more import at start-up).
  const sitePackages = pyodide.runPython(
    "import sys; next(p for p in sys.path if p.endswith('/site-packages'))",
  );
  const buffers = await wheels;
  const installStart = performance.now();
  runtime.wheels.forEach((wheel, i) => {
    post({ status: "installing", runtime: runtime.version, wheel: wheel.filename });
    // 0.21.3 takes only a Uint8Array (not an ArrayBuffer) and needs extractDir.
    pyodide.unpackArchive(new Uint8Array(buffers[i]), "wheel", { extractDir: sitePackages });
  });
  pyodide.runPython("import importlib; importlib.invalidate_caches()");
  const extensions = await usePageExtensions();
  mark("extensions_received");
  const webworker = pyodide.pyimport("webworker");
  const info = JSON.parse(webworker.describe_json());
  mark("installed");
  post({ status: "installed", elapsed_ms: since(t0), install_ms: since(installStart) });

  // One round at a time, giving the engine's background compiler a moment between rounds.
  post({ status: "warming-up", n: info.warm_up_n });
  // Its replies come back as JSON through JavaScript like a request's (a Job's), and are dropped.
  const warm = webworker.WarmUp((text) => JSON.parse(text));
  while (warm.step()) await new Promise((resolve) => setTimeout(resolve, 0));
  const warmUp = JSON.parse(warm.report_json());
  warm.destroy();
  extensions.restore(); // the implementations are imported by now
  const loaded = runtime.wheels
    .flatMap((wheel) => wheel.extensions ?? [])
    .map(({ path }) => ({ path, from_page: extensions.used.has(path) }));
  post({ status: "extensions", loaded });
  mark("warmed_up");
  post({ status: "warmed-up", ...warmUp });

  Job = webworker.Job;
  mark("ready");
  post({
    status: "ready",
    runtime: runtime.version,
    pyodide: pyodide.version,
    elapsed_ms: timings.ready,
    timings,
    stdlib: stdlib.report,
    cross_origin_isolated: self.crossOriginIsolated === true,
    wheels: runtime.wheels.map((w) => w.filename),
    warm_up: warmUp,
    extensions: loaded,
    snapshot: snapshotState,
    ...info,
  });
}

// The runtime's standard library precompiled to bytecode (precompiled-stdlib.mjs), if the server
// has it: returns the loadPyodide options that install it and what the page is told about it.
async function useStdlib(runtime, mark) {
  const stdlib = runtime.stdlib;
  if (!stdlib) return { options: {}, report: { used: false } };
  const report = { used: stdlib.install === "stdLibURL", install: stdlib.install, url: stdlib.url, size: stdlib.size };
  try {
    const { precompiledStdlib } = await import("./precompiled-stdlib.mjs");
    const options = await precompiledStdlib({
      stdlib,
      location: stdlib.url,
      bytes: async () => new Uint8Array(await fetchChecked(stdlib)),
      scriptURL: new URL(`${runtime.index_url}pyodide.asm.js`, self.location.href).href,
      onPreRun: ({ files, error }) => {
        mark("python_starts");
        if (error) report.error = errorText(error);
        else Object.assign(report, { used: true, files });
      },
    });
    return { options, report };
  } catch (error) {
    return { options: {}, report: { ...report, used: false, error: errorText(error) } };
  }
}

// A memory snapshot of the started interpreter, saved in this origin's Cache Storage after a
// first visit (by the page, app.js) and restored on the next (Pyodide's _makeSnapshot /
// _loadSnapshot, in the pinned 314.0.7; the runtime checks that a snapshot is its own build's):
// Python's whole start-up (importing its standard library) is then skipped. Taken right after
// the runtime starts, before any wheel is installed, so it depends on the runtime and on the
// standard library it started with: keyed by the runtime's URL and the library's SHA-256 (the
// snapshot holds the import system's index of that zip). Any failure only means a normal start.
class SnapshotStore {
  static NAME = "pyodide-memory-snapshots"; // app.js saves into the same cache

  // precompiled: whether the runtime starts with the precompiled standard library (stdLibURL).
  static async open(runtime, precompiled) {
    const library = precompiled ? runtime.stdlib.sha256 : "runtime";
    const key = new URL(`${runtime.index_url}memory-snapshot?stdlib=${library}`, self.location.href).href; // never fetched
    try {
      return new SnapshotStore(await self.caches.open(SnapshotStore.NAME), key);
    } catch {
      return new SnapshotStore(null, key); // no Cache Storage here (not a secure context)
    }
  }

  constructor(cache, key) {
    this.cache = cache;
    this.key = key;
    this.usable = cache !== null;
  }

  // The saved snapshot as {bytes: a promise of its bytes, stored: how many were read, once they
  // are} (loadPyodide awaits it only once its own JavaScript is loaded, so the reading overlaps
  // that; wrapped, because an async function would wait for a promise it returns), or null if
  // there is none. It is stored without its all-zero chunks (snapshot-format.mjs, app.js).
  async find() {
    try {
      const response = this.cache && (await this.cache.match(this.key));
      if (!response) return null;
      const saved = { stored: null };
      saved.bytes = response.arrayBuffer().then((buffer) => {
        saved.stored = buffer.byteLength;
        return unpackSnapshot(new Uint8Array(buffer));
      });
      saved.bytes.catch(() => {}); // a failed read fails the loadPyodide that awaits it (handled there)
      return saved;
    } catch {
      return null;
    }
  }

  async forget() {
    await this.cache?.delete(this.key).catch(() => {});
  }
}
