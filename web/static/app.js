// The page: reads /api/manifest, runs Pyodide in a module Web Worker (worker.js), validates the
// form, shows every state the worker reports, the last result message, and a chart of the runs.
// No libraries; talks only to this origin.

import { packSnapshot } from "./snapshot-format.mjs";

const $ = (selector) => document.querySelector(selector);
const els = {
  form: $("#run-form"),
  controls: $("#controls"),
  n: $("#n"),
  runtime: $("#runtime"),
  cancel: $("#cancel"),
  status: $("#status"),
  error: $("#error"),
  progress: $("#progress"),
  summary: $("#summary"),
  result: $("#result"),
  chart: $("#chart"),
  runs: $("#runs tbody"),
  limitDoubling: $("#limit-doubling"),
  limitLoop: $("#limit-loop"),
};

const LABELS = { doubling: "fast doubling", loop: "addition loop" };
// Implementation -> prefix of its keys in the "complete" message (webworker.IMPLEMENTATIONS).
const IMPLEMENTATIONS = [
  ["fib_python", "fib_py"],
  ["fib_pyrs", "fib_pyrs"],
];
const STATE_TEXT = {
  loading: "Loading runtime",
  installing: "Installing wheels",
  warming: "Warming up",
  ready: "Ready",
  running: "Running",
  complete: "Complete",
  error: "Error",
  cancelled: "Cancelled",
};

const app = {
  manifest: null,
  runtime: null, // the manifest entry of the current runtime
  worker: null,
  ready: false,
  running: null, // the request in flight
  info: null, // the worker's "ready" message
  limits: { doubling: 10_000_000, loop: 1_000_000 }, // replaced by the worker's own
  modules: new Map(), // runtime version -> promise of its compiled pyodide.asm.wasm
  spare: null, // a worker started before it is needed
  runs: [],
  nextId: 1,
  t0: performance.now(),
};

// --- state and progress --------------------------------------------------------------------

function setState(state, text) {
  els.status.dataset.state = state;
  els.status.textContent = text ? `${STATE_TEXT[state] || state}: ${text}` : STATE_TEXT[state] || state;
  note(state, text);
  const busy = ["loading", "installing", "warming", "running"].includes(state);
  els.cancel.disabled = !busy;
  els.controls.disabled = !app.ready || state === "running";
}

// Calls back once the browser has drawn what the page just changed: the first animation frame
// callback runs before the frame that draws the change, the second at the start of the next one.
// A hidden page draws nothing (and runs no animation frames): at once.
function afterDrawing(callback) {
  if (document.hidden) setTimeout(callback, 0);
  else requestAnimationFrame(() => requestAnimationFrame(() => callback()));
}

function note(state, text) {
  const li = document.createElement("li");
  const t = document.createElement("span");
  t.className = "t";
  t.textContent = `${((performance.now() - app.t0) / 1000).toFixed(2)} s`;
  li.append(t, `${state}${text ? ` \u2014 ${text}` : ""}`);
  els.progress.append(li);
  while (els.progress.children.length > 60) els.progress.firstElementChild.remove();
  els.progress.scrollTop = els.progress.scrollHeight;
}

function showError(message) {
  els.error.textContent = message;
  els.error.hidden = !message;
}

// --- validation (the same rules as webworker.parse_n, which checks again) ------------------

const N_PATTERN = /^(?:[0-9]+(?:_[0-9]+)*|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+)$/;

function parseN(raw, algorithm) {
  const limit = app.limits[algorithm];
  const tooLarge = `is above this page's limit of ${limit.toLocaleString("en-US")} for ${LABELS[algorithm]} (the libraries accept up to MAX_N = 1,000,000,000)`;
  const text = raw.trim();
  if (!text) return { error: "enter n, a whole number such as 100000" };
  const negative = text[0] === "-" || text[0] === "\u2212";
  const body = negative ? text.slice(1).trim() : text;
  if (!N_PATTERN.test(body)) {
    const shown = raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
    return { error: `n must be a whole number such as 100000, got '${shown}'` };
  }
  const digits = body.replace(/[_, ]/g, "").replace(/^0+(?=.)/, "");
  if (negative && digits !== "0") {
    return { error: digits.length > 15 ? `n must be >= 0, got a ${digits.length}-digit negative number` : `n must be >= 0, got n=-${digits}` };
  }
  if (digits.length > 15) return { error: `n (${digits.length} digits) ${tooLarge}` };
  const n = Number(digits);
  if (n > limit) return { error: `n = ${n.toLocaleString("en-US")} ${tooLarge}` };
  return { n };
}

// --- the worker ----------------------------------------------------------------------------

// The runtime's pyodide.asm.wasm, compiled here by streaming, once per runtime and page: Chrome
// caches the code of a module compiled this way (not of one compiled in a worker), so the next
// visit skips most of the compiling. The worker instantiates this module (worker.js).
function compileRuntime(runtime) {
  if (!app.modules.has(runtime.version)) {
    const t0 = performance.now();
    const compiled = WebAssembly.compileStreaming(fetch(`${runtime.index_url}pyodide.asm.wasm`)).then((module) => ({
      module,
      ms: Math.round(performance.now() - t0),
    }));
    compiled.catch(() => app.modules.delete(runtime.version)); // try again with the next worker
    app.modules.set(runtime.version, compiled);
  }
  return app.modules.get(runtime.version);
}

// The wheels' WebAssembly extension modules (fib_pyrs's), compiled here by streaming for the same
// reason, once per URL and page: Chrome then keeps their optimized code too, so on the next
// visit the first calls need not wait for it. Each comes with its bytes, by which the worker
// recognizes it when Pyodide loads it (worker.js, usePageExtensions).
function compileExtension({ path, url }) {
  if (!app.modules.has(url)) {
    const t0 = performance.now();
    const compiled = fetch(url).then(async (response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const copy = response.clone();
      const [module, bytes] = await Promise.all([WebAssembly.compileStreaming(response), copy.arrayBuffer()]);
      return { path, module, bytes, ms: Math.round(performance.now() - t0) };
    });
    compiled.catch(() => app.modules.delete(url));
    app.modules.set(url, compiled);
  }
  return app.modules.get(url);
}

// A worker, with its handlers: only the current one (app.worker) is heard.
function newWorker() {
  const worker = new Worker("/static/worker.js", { type: "module", name: "pyodide" });
  worker.onmessage = (event) => {
    if (worker === app.worker) onWorkerMessage(event.data);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    worker.failed = true; // a spare that failed is not used
    if (worker !== app.worker) return;
    app.ready = false;
    showError(`the worker failed: ${event.message || "could not start (see the browser console)"}`);
    setState("error", "the worker failed");
  };
  return worker;
}

function startWorker() {
  if (app.worker) app.worker.terminate();
  app.ready = false;
  app.running = null;
  app.info = null;
  const runtime = app.runtime;
  // The first worker was started with the page, while the manifest was read.
  if (app.spare?.failed) app.spare.terminate();
  const worker = app.spare && !app.spare.failed ? app.spare : newWorker();
  app.spare = null;
  app.worker = worker;
  setState("loading", `Pyodide ${runtime.version} (Python ${runtime.python})`);
  const precompiled = typeof WebAssembly.compileStreaming === "function";
  worker.postMessage({ type: "init", runtime, precompiled });
  if (!precompiled) return;
  const reused = app.modules.has(runtime.version);
  for (const extension of runtime.wheels.flatMap((wheel) => wheel.extensions ?? [])) {
    const again = app.modules.has(extension.url);
    const name = extension.path.slice(extension.path.lastIndexOf("/") + 1);
    compileExtension(extension).then(
      ({ path, module, bytes, ms }) => {
        if (worker !== app.worker) return;
        note("loading", again ? `${name}: the page's compiled module again` : `${name} (${kb(bytes.byteLength)}) compiled by the page in ${ms} ms`);
        worker.postMessage({ type: "extension", path, module, bytes });
      },
      (error) => {
        if (worker !== app.worker) return;
        note("loading", `the page could not compile ${name} (${error.message || error}); Pyodide compiles it in the worker`);
        worker.postMessage({ type: "extension", path: extension.path, error: String(error.message || error) });
      },
    );
  }
  compileRuntime(runtime).then(
    ({ module, ms }) => {
      if (worker !== app.worker) return;
      note("loading", reused ? "pyodide.asm.wasm: the page's compiled module again" : `pyodide.asm.wasm compiled by the page in ${ms} ms`);
      worker.postMessage({ type: "module", module });
    },
    (error) => {
      if (worker !== app.worker) return;
      note("loading", `the page could not compile pyodide.asm.wasm (${error.message || error}); the worker compiles it`);
      worker.postMessage({ type: "module", error: String(error.message || error) });
    },
  );
}

function onWorkerMessage(message) {
  switch (message.status) {
    case "loading-runtime":
      break; // already shown by startWorker
    case "runtime-loaded":
      note("loading", `Pyodide ${message.pyodide} loaded in ${message.elapsed_ms} ms`);
      break;
    case "installing":
      setState("installing", message.wheel);
      break;
    case "stdlib":
      note("loading", stdlibText(message));
      break;
    case "snapshot":
      if (message.restored) {
        note("loading", `Python's started state restored from the snapshot saved on an earlier visit (${mb(message.bytes)}, ${mb(message.stored_bytes)} read)`);
      } else if (message.made) {
        saveSnapshot(message.key, message.snapshot);
      }
      break;
    case "installed":
      note("installing", `wheels unpacked and webworker imported in ${message.install_ms} ms`);
      break;
    case "extensions":
      for (const { path, from_page } of message.loaded) {
        const name = path.slice(path.lastIndexOf("/") + 1);
        note("warming", from_page ? `${name}: Pyodide loaded the page's compiled module` : `${name}: compiled in the worker (the page's module was not used)`);
      }
      break;
    case "warming-up":
      setState("warming", warmUpPlan(message));
      break;
    case "warmed-up":
      note("warming", warmUpSummary(message));
      break;
    case "log":
      note("log", message.text);
      break;
    case "ready":
      onReady(message);
      break;
    case "running": {
      setState("running", `${message.implementation}, ${LABELS[message.algorithm]}, n = ${message.n.toLocaleString("en-US")}`);
      // The worker times the implementation only once this is drawn (see worker.js).
      const worker = app.worker;
      afterDrawing(() => worker.postMessage({ type: "drawn", id: message.id, implementation: message.implementation }));
      break;
    }
    case "complete":
      onComplete(message);
      break;
    case "error":
      onError(message);
      break;
    default:
      note("message", JSON.stringify(message));
  }
}

// What the worker did with the runtime's standard library (precompiled-stdlib.mjs).
function stdlibText({ used, install, url, size, files, error }) {
  const name = url ? url.slice(url.lastIndexOf("/") + 1) : "";
  if (!install) return "standard library: none precompiled on the server (make wheels): Python compiled it from source";
  if (!used) return `standard library: ${name} could not be installed (${error}): Python compiled it from source`;
  if (install === "pycache") {
    return `standard library: ${files} .pyc files compiled ahead by the runtime's own Python (${name}, ${mb(size)}) written into __pycache__ before Python started, so Python does not compile its standard library`;
  }
  return `standard library: ${name} compiled ahead by the runtime's own Python (${mb(size)}) instead of the runtime's zip of sources, so Python does not compile its standard library`;
}

// The worker's memory snapshot of its freshly started runtime (worker.js, SnapshotStore), saved
// in Cache Storage while the worker goes on installing and warming up.
// Without its all-zero chunks (snapshot-format.mjs): half as much for the next visit to read.
async function saveSnapshot(key, snapshot) {
  try {
    const cache = await caches.open("pyodide-memory-snapshots");
    const stored = packSnapshot(snapshot);
    await cache.put(key, new Response(stored, { headers: { "content-type": "application/octet-stream" } }));
    note("loading", `snapshot of the started Python saved in the browser for the next visit (${mb(snapshot.byteLength)}, stored in ${mb(stored.byteLength)} without its all-zero chunks)`);
  } catch (error) {
    note("loading", `the snapshot of the started Python could not be saved (${error.message || error})`);
  }
}

function onReady(message) {
  app.ready = true;
  app.info = message;
  app.readyAt = Math.round(performance.now()); // ms since the navigation started
  app.limits = message.limits;
  els.limitDoubling.textContent = message.limits.doubling.toLocaleString("en-US");
  els.limitLoop.textContent = message.limits.loop.toLocaleString("en-US");
  const impls = message.implementations;
  for (const box of document.querySelectorAll('input[name="impl"]')) {
    const available = impls[box.value] && impls[box.value].available;
    box.disabled = !available;
    box.title = available ? `${box.value} ${impls[box.value].version || ""}` : impls[box.value]?.error || "not installed";
    if (!available) box.checked = false;
  }
  const versions = Object.entries(impls)
    .map(([name, i]) => (i.available ? `${name} ${i.version || "?"}` : `${name} unavailable`))
    .join(", ");
  setState("ready", `Pyodide ${message.pyodide}, Python ${message.python}, ${versions} (${message.elapsed_ms} ms)`);
  if (!message.cross_origin_isolated) note("ready", "not cross-origin isolated: timer resolution is coarse");
}

// "whole requests with every implementation, fast doubling at n = 10,000 and 100,000, addition loop at ..."
function warmUpPlan({ n }) {
  const parts = Object.entries(n).map(([algorithm, sizes]) => `${LABELS[algorithm]} at n = ${sizes.map((v) => v.toLocaleString("en-US")).join(" and ")}`);
  return `whole requests with every implementation, ${parts.join(", ")}, until the first calls stop getting faster (the engine compiles and optimizes the WebAssembly a request runs, tables are built: one-time work, kept out of the timed runs)`;
}

// "4 rounds in 150 ms; first call, first → last round: fib_python: fast doubling n = 10,000 0.12 → 0.06 ms, ..."
function warmUpSummary({ ms, rounds, total_ms }) {
  const parts = Object.entries(ms).map(([name, byAlgorithm]) => {
    const series = Object.entries(byAlgorithm).flatMap(([algorithm, byN]) =>
      Object.entries(byN).map(([n, calls]) => `${LABELS[algorithm]} n = ${Number(n).toLocaleString("en-US")} ${fmtMs(calls[0])} \u2192 ${fmtMs(calls[calls.length - 1])} ms`),
    );
    return `${name}: ${series.join(", ")}`;
  });
  return `${rounds} rounds in ${Math.round(total_ms)} ms; first call, first \u2192 last round: ${parts.join("; ")}`;
}

function onComplete(message) {
  app.running = null;
  showError("");
  els.result.textContent = JSON.stringify(message);
  const run = { ...message, runtime: app.runtime.version, index: app.runs.length + 1 };
  app.runs.push(run);
  renderSummary(run);
  addRow(run);
  renderChart();
  setState("complete", `F(${message.n.toLocaleString("en-US")}) in ${durations(message)}`);
}

function onError(message) {
  app.running = null;
  showError(message.message);
  if (message.phase === "init") {
    app.ready = false;
    setState("error", `could not start Pyodide ${app.runtime.version}`);
  } else {
    els.result.textContent = JSON.stringify(message);
    setState("error", message.message);
  }
}

function durations(m) {
  const parts = [];
  for (const [name, prefix] of IMPLEMENTATIONS) {
    if (m[`${prefix}_duration`] === null) continue;
    const median = m[`${prefix}_median`];
    parts.push(`${name} ${fmtMs(m[`${prefix}_duration`])} ms${median === null ? "" : ` (median ${fmtMs(median)} ms)`}`);
  }
  return parts.join(", ");
}

// Python's time / Rust's time, as shown: "3.1× faster", "0.7× (slower)".
function speedup(python, rust) {
  if (python === null || python === undefined || !rust) return null;
  return python / rust;
}

function fmtSpeedup(ratio) {
  if (ratio === null) return "\u2014";
  return ratio >= 1 ? `${ratio.toFixed(1)}\u00d7` : `${ratio.toFixed(2)}\u00d7 (slower)`;
}

function mb(bytes) {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}

function kb(bytes) {
  return `${Math.round(bytes / 2 ** 10)} KiB`;
}

function fmtMs(ms) {
  if (ms === null || ms === undefined) return "\u2014";
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toPrecision(2);
}

// --- results -------------------------------------------------------------------------------

function renderSummary(run) {
  els.summary.replaceChildren();
  const ends = run.digits > run.last_digits.length ? `\u2026${run.last_digits}` : run.last_digits;
  els.summary.append(
    `F(${run.n.toLocaleString("en-US")}) has ${run.digits.toLocaleString("en-US")} decimal digits (${run.bits.toLocaleString("en-US")} bits), ends ${ends}. `,
  );
  const verdict = document.createElement("span");
  verdict.id = "agree";
  if (run.agree === true) {
    verdict.className = "agree";
    verdict.textContent = "fib_python and fib_pyrs agree.";
  } else if (run.agree === false) {
    verdict.className = "disagree";
    verdict.textContent = "fib_python and fib_pyrs DISAGREE!";
  } else {
    verdict.textContent = "(one implementation: nothing to compare)";
  }
  verdict.dataset.agree = String(run.agree);
  els.summary.append(verdict);
  const first = speedup(run.fib_py_duration, run.fib_pyrs_duration);
  if (first === null) return;
  const line = document.createElement("span");
  line.id = "speedup";
  line.className = first >= 1 ? "faster" : "slower";
  line.dataset.first = String(first);
  const median = speedup(run.fib_py_median, run.fib_pyrs_median);
  line.textContent =
    ` First call: fib_pyrs ${fmtMs(run.fib_pyrs_duration)} ms, fib_python ${fmtMs(run.fib_py_duration)} ms: ` +
    (first >= 1 ? `fib_pyrs ${first.toFixed(1)}\u00d7 faster.` : `fib_pyrs SLOWER (${first.toFixed(2)}\u00d7).`) +
    (median === null
      ? " No repeated calls (the first took the whole time budget)."
      : ` Median of ${run.fib_pyrs_repeats} and ${run.fib_py_repeats} more calls: ${fmtMs(run.fib_pyrs_median)} ms and ${fmtMs(run.fib_py_median)} ms (${fmtSpeedup(median)}).`);
  els.summary.append(line);
}

function addRow(run) {
  const tr = document.createElement("tr");
  const median = (prefix) =>
    run[`${prefix}_median`] === null ? "\u2014" : `${fmtMs(run[`${prefix}_median`])} (${run[`${prefix}_repeats`]})`;
  const first = speedup(run.fib_py_duration, run.fib_pyrs_duration);
  const repeated = speedup(run.fib_py_median, run.fib_pyrs_median);
  const cells = [
    [run.index],
    [run.runtime],
    [run.n.toLocaleString("en-US")],
    [LABELS[run.algorithm]],
    [fmtMs(run.fib_py_duration)],
    [median("fib_py")],
    [fmtMs(run.fib_pyrs_duration)],
    [median("fib_pyrs")],
    [fmtSpeedup(first), first !== null && first < 1 ? "no" : ""],
    [fmtSpeedup(repeated), repeated !== null && repeated < 1 ? "no" : ""],
    run.agree === null ? ["\u2014"] : run.agree ? ["yes"] : ["NO", "no"],
  ];
  for (const [value, cls] of cells) {
    const td = document.createElement("td");
    td.textContent = String(value);
    if (cls) td.className = cls;
    tr.append(td);
  }
  els.runs.append(tr);
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// Grouped bars on a log scale (durations span microseconds to seconds), the last 16 runs: a bar
// per implementation for its first call, a black tick for the median of the calls after it.
function renderChart() {
  const W = 720, H = 260, left = 52, right = 12, top = 26, bottom = 46;
  const runs = app.runs.slice(-16);
  const values = runs
    .flatMap((r) => IMPLEMENTATIONS.flatMap(([, p]) => [r[`${p}_duration`], r[`${p}_median`]]))
    .filter((v) => v !== null && v !== undefined);
  const chart = els.chart;
  chart.replaceChildren();
  if (!values.length) return;
  const lo = Math.floor(Math.log10(Math.max(Math.min(...values), 1e-3)));
  const hi = Math.max(Math.ceil(Math.log10(Math.max(...values))), lo + 1);
  const y = (ms) => top + (H - top - bottom) * (1 - (Math.log10(Math.max(ms, 10 ** lo)) - lo) / (hi - lo));
  for (let e = lo; e <= hi; e++) {
    chart.append(svg("line", { x1: left, x2: W - right, y1: y(10 ** e), y2: y(10 ** e), class: "grid" }));
    const label = e >= 3 ? `${10 ** (e - 3)} s` : e >= 0 ? `${10 ** e} ms` : `${(10 ** e).toPrecision(1)} ms`;
    chart.append(svg("text", { x: left - 6, y: y(10 ** e) + 4, "text-anchor": "end" }, label));
  }
  chart.append(svg("line", { x1: left, x2: left, y1: top, y2: H - bottom, class: "axis" }));
  chart.append(svg("line", { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, class: "axis" }));
  const slot = (W - left - right) / Math.max(runs.length, 4);
  const bar = Math.min(18, slot / 2.6);
  runs.forEach((run, i) => {
    const cx = left + slot * (i + 0.5);
    [["fib_python", "fib_py", "py", -bar], ["fib_pyrs", "fib_pyrs", "rs", 0]].forEach(([name, prefix, cls, dx]) => {
      const ms = run[`${prefix}_duration`];
      if (ms === null) return;
      const rect = svg("rect", { x: cx + dx, y: y(ms), width: bar, height: H - bottom - y(ms), class: `bar ${cls}` });
      rect.append(svg("title", {}, `run ${run.index}: ${name} first call ${fmtMs(ms)} ms (n = ${run.n}, ${LABELS[run.algorithm]}, Pyodide ${run.runtime})`));
      chart.append(rect);
      const median = run[`${prefix}_median`];
      if (median === null) return;
      const tick = svg("line", { x1: cx + dx - 2, x2: cx + dx + bar + 2, y1: y(median), y2: y(median), class: "median" });
      tick.append(svg("title", {}, `run ${run.index}: ${name} median of ${run[`${prefix}_repeats`]} more calls ${fmtMs(median)} ms`));
      chart.append(tick);
    });
    chart.append(svg("text", { x: cx, y: H - bottom + 14, "text-anchor": "middle" }, `#${run.index} n=${compact(run.n)}`));
    chart.append(svg("text", { x: cx, y: H - bottom + 27, "text-anchor": "middle" }, `${run.algorithm === "loop" ? "loop" : "dbl"} ${run.runtime}`));
  });
  chart.append(svg("rect", { x: left + 8, y: 6, width: 10, height: 10, class: "py" }));
  chart.append(svg("text", { x: left + 22, y: 15 }, "fib_python"));
  chart.append(svg("rect", { x: left + 100, y: 6, width: 10, height: 10, class: "rs" }));
  chart.append(svg("text", { x: left + 114, y: 15 }, "fib_pyrs"));
  chart.append(svg("line", { x1: left + 180, x2: left + 194, y1: 11, y2: 11, class: "median" }));
  chart.append(svg("text", { x: left + 200, y: 15 }, "median of the later calls; bars: first call (ms, log scale)"));
}

function compact(n) {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

// --- the form ------------------------------------------------------------------------------

function currentRequest() {
  const implementations = [...document.querySelectorAll('input[name="impl"]:checked')].map((b) => b.value);
  const algorithm = document.querySelector('input[name="algorithm"]:checked').value;
  return { n: els.n.value, implementations, algorithm };
}

// Sends a request to the worker as is (the page's own checks are done by the caller).
function send(request) {
  if (!app.ready || app.running) return false;
  const full = { id: app.nextId++, ...request };
  app.running = full;
  showError("");
  setState("running", `n = ${full.n}`);
  app.worker.postMessage({ type: "run", request: full });
  return true;
}

els.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const request = currentRequest();
  const parsed = parseN(request.n, request.algorithm);
  const problem = parsed.error || (request.implementations.length ? null : "choose at least one implementation");
  els.n.setAttribute("aria-invalid", parsed.error ? "true" : "false");
  if (problem) {
    showError(problem);
    setState("error", problem);
    els.n.focus();
    return;
  }
  send({ ...request, n: parsed.n });
});

els.n.addEventListener("input", () => els.n.setAttribute("aria-invalid", "false"));

els.cancel.addEventListener("click", () => {
  setState("cancelled", "worker terminated; starting a fresh runtime");
  startWorker();
});

els.runtime.addEventListener("change", () => {
  const runtime = app.manifest.runtimes.find((r) => r.version === els.runtime.value);
  if (!runtime || runtime === app.runtime) return;
  app.runtime = runtime;
  const url = new URL(location.href);
  url.searchParams.set("runtime", runtime.version);
  history.replaceState(null, "", url);
  startWorker();
});

// --- start ---------------------------------------------------------------------------------

async function main() {
  app.spare = newWorker(); // it starts (a thread, its script) while the manifest is read
  setState("loading", "reading /api/manifest");
  const response = await fetch("/api/manifest", { cache: "no-store" });
  if (!response.ok) throw new Error(`/api/manifest: HTTP ${response.status}`);
  app.manifest = await response.json();
  const wanted = new URLSearchParams(location.search).get("runtime");
  for (const runtime of app.manifest.runtimes) {
    const option = new Option(
      `Pyodide ${runtime.version} (Python ${runtime.python})${runtime.ready ? "" : " \u2014 unavailable"}`,
      runtime.version,
    );
    option.disabled = !runtime.ready;
    option.title = runtime.problems.join("; ") || runtime.wheels.map((w) => w.filename).join(", ");
    els.runtime.append(option);
  }
  const ready = app.manifest.runtimes.filter((r) => r.ready);
  app.runtime = ready.find((r) => r.version === wanted) || ready.find((r) => r.version === app.manifest.default_runtime);
  if (!app.runtime) {
    const why = app.manifest.runtimes.map((r) => `${r.version}: ${r.problems.join("; ")}`).join(" | ");
    throw new Error(`no runtime can start (${why || "none configured"})`);
  }
  els.runtime.value = app.runtime.version;
  els.runtime.disabled = false;
  for (const runtime of app.manifest.runtimes) {
    if (runtime.ready && runtime.missing.length) note("manifest", `Pyodide ${runtime.version}: no ${runtime.missing.join(", ")} wheel in dist/`);
  }
  startWorker();
}

// For the browser test and the curious: the page's state, and a way to send a raw request
// (bypassing the form's checks) to see the worker's own validation.
window.fibApp = { app, send, parseN };

main().catch((error) => {
  app.spare?.terminate();
  showError(String(error.message || error));
  setState("error", "the page could not start");
});
