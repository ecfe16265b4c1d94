// The first run of a fresh page, measured over many pages: for every runtime the server offers,
// one browser with a fresh profile opens the page (a cold start) and then reloads it PAGES - 1
// times (warm starts); in each page, right after "ready", one request for F(100 000) by fast
// doubling with both implementations, as the browser test sends it (with --loop-first, after a
// request for the loop, the browser test's order after its warm reload). Records each
// implementation's first call and the median of its later calls, and the load average; prints
// their ranges, the pages where fib_pyrs's first call lost to fib_python's, and those where it
// took more than twice its later calls' median (a stall). What the browser test asserts once per
// runtime, this shows as a distribution.
//
//   FIB_WEB_URL=http://127.0.0.1:PORT node web/tests-browser/first-runs.mjs [PAGES] [--loop-first]
// Run by checks/test-browser.sh --first-runs [PAGES] [--loop-first] (which starts uvicorn); not
// part of the tests. CHROMIUM, FIB_WEB_NODE_MODULES as for page.test.mjs; FIB_FIRST_RUNS_OUT
// (default out/browser/first-runs.json).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchFresh, median, submit, waitForState } from "./browser.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BASE = (process.env.FIB_WEB_URL || "").replace(/\/$/, "");
if (!BASE) throw new Error("FIB_WEB_URL is not set: run checks/test-browser.sh --first-runs");
const OUT = process.env.FIB_FIRST_RUNS_OUT || path.join(ROOT, "out", "browser", "first-runs.json");
const args = process.argv.slice(2);
const LOOP_FIRST = args.includes("--loop-first");
const PAGES = Number(args.find((a) => /^\d+$/.test(a)) || 20);
const RUN_TIMEOUT = 120_000;

const range = (values) => `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)} ms (median ${median(values).toFixed(2)})`;

async function request(page, form) {
  const { state, message, error } = await submit(page, form, RUN_TIMEOUT);
  if (state !== "complete") throw new Error(`the request failed: ${error}`);
  return message;
}

const manifest = await (await fetch(`${BASE}/api/manifest`)).json();
const results = { started: new Date().toISOString(), cpus: os.cpus().length, pages: PAGES, loop_first: LOOP_FIRST, load_average_at_start: os.loadavg(), runtimes: {} };
for (const runtime of manifest.runtimes.filter((r) => r.ready)) {
  const version = runtime.version;
  const pages = [];
  const { context, profile } = await launchFresh();
  try {
    const page = context.pages()[0] || (await context.newPage());
    for (let i = 0; i < PAGES; i++) {
      if (i === 0) await page.goto(`${BASE}/?runtime=${version}`);
      else await page.reload();
      await waitForState(page, "ready");
      const load = os.loadavg()[0];
      if (LOOP_FIRST) await request(page, { n: "100000", algorithm: "loop" });
      const done = await request(page, { n: "100000" });
      pages.push({
        start: i === 0 ? "cold" : "warm",
        load_average: Number(load.toFixed(2)),
        fib_python_ms: done.fib_py_duration,
        fib_pyrs_ms: done.fib_pyrs_duration,
        fib_python_median_ms: done.fib_py_median,
        fib_pyrs_median_ms: done.fib_pyrs_median,
      });
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const lost = pages.filter((p) => p.fib_pyrs_ms >= p.fib_python_ms);
  const stalled = pages.filter((p) => p.fib_pyrs_median_ms && p.fib_pyrs_ms > 2 * p.fib_pyrs_median_ms);
  results.runtimes[version] = { pages, lost: lost.length, stalled: stalled.length };
  console.log(
    `Pyodide ${version}, ${PAGES} pages${LOOP_FIRST ? " (the loop first)" : ""}: first call of fib_pyrs ${range(pages.map((p) => p.fib_pyrs_ms))}, ` +
      `of fib_python ${range(pages.map((p) => p.fib_python_ms))}; fib_pyrs lost in ${lost.length}, ` +
      `stalled (over twice its later calls' median) in ${stalled.length}` +
      (stalled.length ? `: ${stalled.map((p) => `${p.fib_pyrs_ms.toFixed(2)} against ${p.fib_python_ms.toFixed(2)} ms`).join(", ")}` : ""),
  );
}
results.load_average_at_end = os.loadavg();
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
console.log(`load average ${results.load_average_at_start.map((x) => x.toFixed(2)).join(" ")} at the start, ${results.load_average_at_end.map((x) => x.toFixed(2)).join(" ")} at the end; ${results.cpus} CPUs; written to ${OUT}`);
