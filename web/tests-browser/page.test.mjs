// The page in a real headless Chromium, against a real uvicorn, for every runtime the server's
// manifest lists, each in a browser with a fresh profile of its own: open the page on that runtime
// (a cold start) and wait for "ready"; compute F(100 000) with both implementations, fast
// doubling first, and check that fib_pyrs's first run is faster than fib_python's; reload (a warm
// start: the browser's caches are filled) and do the same with the loop first; check the completed
// messages and that the answers agree; submit bad values of n; cancel a long run; switch the
// runtime on the page; check that nothing was fetched from anywhere but the server.
// The start-up times and the first runs are printed and written to FIB_BROWSER_OUT/timings.json
// (recorded, not asserted: the machine's load moves them); screenshots go there too.
//
// Run by checks/test-browser.sh (which starts uvicorn and sets the variables below):
//   FIB_WEB_URL=http://127.0.0.1:PORT node --test --test-reporter=spec web/tests-browser/
// FIB_WEB_URL           the server (required)
// CHROMIUM              the browser binary (default /usr/bin/chromium); never downloaded
// FIB_WEB_NODE_MODULES  where playwright-core is (default web/node_modules)
// FIB_BROWSER_OUT       screenshots (default out/browser)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LOAD_TIMEOUT, fillForm, launchFresh, submit, waitForState } from "./browser.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BASE = (process.env.FIB_WEB_URL || "").replace(/\/$/, "");
if (!BASE) throw new Error("FIB_WEB_URL is not set: run checks/test-browser.sh");
const OUT = process.env.FIB_BROWSER_OUT || path.join(ROOT, "out", "browser");

const SEED_KEYS = ["status", "n", "fib_py_duration", "fib_pyrs_duration"];
const F_100000 = { digits: 20899, bits: 69424, last_digits: "49895374653428746875" };
const RUN_TIMEOUT = 120_000;

const manifest = await (await fetch(`${BASE}/api/manifest`)).json();
fs.mkdirSync(OUT, { recursive: true });

// What the test measured, per runtime; written to timings.json when every runtime is done.
const timings = { load_average_at_start: os.loadavg(), cpus: os.cpus().length, runtimes: {} };
after(() => {
  timings.load_average_at_end = os.loadavg();
  fs.writeFileSync(path.join(OUT, "timings.json"), `${JSON.stringify(timings, null, 2)}\n`);
  for (const [version, t] of Object.entries(timings.runtimes)) {
    const first = Object.entries(t.first_runs || {})
      .map(([algorithm, r]) => `${algorithm} (${r.page}) fib_python ${r.fib_python_ms.toFixed(2)} ms vs fib_pyrs ${r.fib_pyrs_ms.toFixed(2)} ms`)
      .join("; ");
    console.log(`Pyodide ${version}: cold start to ready ${t.cold_start_ms} ms, warm reload ${t.warm_reload_ms} ms (memory snapshot: ${t.snapshot}); first runs at n = 100 000: ${first}`);
  }
  console.log(`load average ${timings.load_average_at_start.map((x) => x.toFixed(2)).join(" ")} at the start, ${timings.load_average_at_end.map((x) => x.toFixed(2)).join(" ")} at the end, ${timings.cpus} CPUs; written to ${path.join(OUT, "timings.json")}`);
});

const state = (page) => page.getAttribute("#status", "data-state");

// Goes to url (or reloads) and waits for "ready"; returns the milliseconds that took.
async function startUntilReady(page, url) {
  const start = performance.now();
  if (url) await page.goto(url);
  else await page.reload();
  await waitForState(page, "ready");
  return Math.round(performance.now() - start);
}

// The first run of a fresh page must show fib_pyrs faster: a wide-margin property of the demo
// (the one-time work is done while the page loads), compared within the run.
function checkFirstRun(done, algorithm, version, start) {
  const record = {
    page: start,
    fib_python_ms: done.fib_py_duration,
    fib_pyrs_ms: done.fib_pyrs_duration,
    fib_python_median_ms: done.fib_py_median,
    fib_pyrs_median_ms: done.fib_pyrs_median,
  };
  timings.runtimes[version].first_runs[algorithm] = record;
  assert.ok(
    done.fib_pyrs_duration < done.fib_py_duration,
    `Pyodide ${version}, ${algorithm}, first run of a fresh page: fib_pyrs took ${done.fib_pyrs_duration} ms, fib_python ${done.fib_py_duration} ms`,
  );
}

// Submits the form and returns the message the worker completed with.
async function run(page, form) {
  const { state: done, message, error } = await submit(page, form, RUN_TIMEOUT);
  assert.equal(done, "complete", `run failed: ${error}`);
  return message;
}

test("the manifest offers every runtime, each with the fib_pyrs wheel built for it", () => {
  assert.ok(manifest.runtimes.length >= 2, "both pinned runtimes are configured");
  for (const runtime of manifest.runtimes) {
    assert.equal(runtime.ready, true, `${runtime.version}: ${runtime.problems.join("; ")}`);
    assert.deepEqual(runtime.missing, [], `${runtime.version} lacks wheels: run make wheels`);
    const names = runtime.wheels.map((w) => w.filename);
    assert.ok(
      names.some((f) => f.startsWith("fib_pyrs-") && f.endsWith(`-${runtime.wheel_platform}.whl`) && f.includes(`-${runtime.py_tag}-`)),
      `${runtime.version}: no fib_pyrs ${runtime.py_tag} ${runtime.wheel_platform} wheel in ${names}`,
    );
  }
});

for (const [index, runtime] of manifest.runtimes.entries()) {
  const version = runtime.version;
  describe(`Pyodide ${version}`, () => {
    let context;
    let profile;
    let page;
    const requests = [];
    const problems = [];

    before(async () => {
      ({ context, profile } = await launchFresh());
      context.on("request", (request) => requests.push(request.url()));
      page = context.pages()[0] || (await context.newPage());
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console error: ${message.text()}`);
      });
      page.on("worker", (worker) => {
        worker.on("console", (message) => {
          if (message.type() === "error") problems.push(`worker console error: ${message.text()}`);
        });
      });
      timings.runtimes[version] = { first_runs: {} };
    });
    after(async () => {
      await context?.close();
      if (profile) fs.rmSync(profile, { recursive: true, force: true });
    });

    test("a cold start loads the runtime, installs the wheels and warms up", { timeout: LOAD_TIMEOUT + 10_000 }, async () => {
      timings.runtimes[version].cold_start_ms = await startUntilReady(page, `${BASE}/?runtime=${version}`);
      assert.equal(await page.inputValue("#runtime"), version);
      const info = await page.evaluate(() => window.fibApp.app.info);
      assert.equal(info.runtime, version);
      assert.equal(info.pyodide, version);
      assert.equal(info.python, runtime.python);
      assert.equal(info.implementations.fib_python.available, true, JSON.stringify(info.implementations));
      assert.equal(info.implementations.fib_pyrs.available, true, JSON.stringify(info.implementations));
      assert.deepEqual(info.wheels, runtime.wheels.map((w) => w.filename));
      assert.equal(info.cross_origin_isolated, true, "COOP/COEP make the page cross-origin isolated");
      assert.match(await page.textContent("#status"), new RegExp(`Ready: Pyodide ${version.replaceAll(".", "\\.")}`));
      const progress = await page.textContent("#progress");
      for (const wheel of runtime.wheels) assert.ok(progress.includes(`installing \u2014 ${wheel.filename}`), progress);
      // The one-time work is named in the progress list: the page compiling the runtime's module,
      // and the warm-up of both implementations.
      assert.match(progress, /pyodide\.asm\.wasm compiled by the page in \d+ ms/);
      // ... and fib_pyrs's extension module, which Pyodide then loaded instead of compiling it.
      const extensions = runtime.wheels.flatMap((wheel) => wheel.extensions);
      assert.equal(extensions.length, 1, JSON.stringify(runtime.wheels));
      assert.match(extensions[0].path, /^fib_pyrs\/_fib_pyrs\.[^/]*\.so$/);
      const so = extensions[0].path.split("/").pop().replaceAll(".", "\\.");
      assert.match(progress, new RegExp(`${so} \\(\\d+ KiB\\) compiled by the page in \\d+ ms`));
      assert.match(progress, new RegExp(`${so}: Pyodide loaded the page's compiled module`));
      assert.deepEqual(info.extensions, [{ path: extensions[0].path, from_page: true }]);
      assert.match(progress, /warming \u2014 whole requests with every implementation, fast doubling at n = 10,000 and 100,000, addition loop at n = 3,000/);
      assert.match(progress, /warming \u2014 \d+ rounds in \d+ ms; first call, first \u2192 last round: fib_python: .*; fib_pyrs: /);
      for (const name of ["fib_python", "fib_pyrs"]) {
        for (const [algorithm, sizes] of Object.entries(info.warm_up.n)) {
          for (const n of sizes) assert.ok(info.warm_up.ms[name][algorithm][n].length >= 3, JSON.stringify(info.warm_up));
        }
      }
      // A first visit: nothing to restore; a runtime that can snapshot its started interpreter
      // saves one for the next visit.
      assert.ok(["saving", "none"].includes(info.snapshot), info.snapshot);
      timings.runtimes[version].snapshot = info.snapshot;
    });

    test("n = 100 000, fast doubling first: fib_pyrs's first run is faster, the answers agree", { timeout: 2 * RUN_TIMEOUT }, async () => {
      const done = await run(page, { n: "100000" });
      assert.deepEqual(Object.keys(done).slice(0, 4), SEED_KEYS);
      assert.equal(done.status, "complete");
      assert.equal(done.n, 100000);
      assert.equal(typeof done.fib_py_duration, "number");
      assert.equal(typeof done.fib_pyrs_duration, "number");
      assert.ok(done.fib_py_duration > 0 && done.fib_pyrs_duration > 0, JSON.stringify(done));
      checkFirstRun(done, "doubling", version, "after the cold start");
      // The median of the calls after the first, as the benchmark reports it.
      for (const prefix of ["fib_py", "fib_pyrs"]) {
        assert.ok(done[`${prefix}_repeats`] >= 1, JSON.stringify(done));
        assert.equal(typeof done[`${prefix}_median`], "number");
      }
      assert.equal(done.agree, true);
      assert.equal(done.algorithm, "doubling");
      assert.deepEqual(done.implementations, ["fib_python", "fib_pyrs"]);
      assert.equal(done.python, runtime.python);
      assert.deepEqual({ digits: done.digits, bits: done.bits, last_digits: done.last_digits }, F_100000);
      assert.equal(await page.getAttribute("#agree", "data-agree"), "true");
      assert.match(await page.textContent("#summary"), /fib_python and fib_pyrs agree/);
      assert.match(await page.textContent("#summary"), /First call: fib_pyrs [\d.]+ ms, fib_python [\d.]+ ms: fib_pyrs [\d.]+\u00d7 faster\. Median of \d+ and \d+ more calls/);

      const loop = await run(page, { n: "100 000", algorithm: "loop" });
      assert.equal(loop.algorithm, "loop");
      assert.equal(loop.n, 100000);
      assert.equal(loop.agree, true);
      assert.equal(loop.last_digits, F_100000.last_digits);
      assert.ok(loop.fib_pyrs_duration < loop.fib_py_duration, JSON.stringify(loop));

      const rows = await page.locator("#runs tbody tr").count();
      assert.equal(rows, 2);
      assert.equal(await page.locator("#chart rect.bar.py").count(), 2);
      assert.equal(await page.locator("#chart rect.bar.rs").count(), 2);
      assert.equal(await page.locator("#chart line.median").count(), 5); // 4 ticks and the legend's
      await page.screenshot({ path: path.join(OUT, `pyodide-${version}-complete.png`), fullPage: true });
    });

    test("a warm reload: a fresh worker from the browser's caches, the loop first", { timeout: LOAD_TIMEOUT + 2 * RUN_TIMEOUT }, async () => {
      if (timings.runtimes[version].snapshot === "saving") {
        await page.waitForFunction(() => /snapshot of the started Python saved/.test(document.querySelector("#progress").textContent), null, {
          timeout: RUN_TIMEOUT,
        });
      }
      timings.runtimes[version].warm_reload_ms = await startUntilReady(page);
      const info = await page.evaluate(() => window.fibApp.app.info);
      assert.equal(info.runtime, version);
      if (timings.runtimes[version].snapshot === "saving") {
        assert.equal(info.snapshot, "restored", "the snapshot saved on the first visit is used");
        assert.match(await page.textContent("#progress"), /Python's started state restored from the snapshot/);
      }
      assert.equal(await page.locator("#runs tbody tr").count(), 0, "a fresh page");
      const loop = await run(page, { n: "100000", algorithm: "loop" });
      assert.equal(loop.agree, true);
      assert.equal(loop.last_digits, F_100000.last_digits);
      checkFirstRun(loop, "loop", version, "after the warm reload");
      const doubling = await run(page, { n: "100000" });
      assert.equal(doubling.agree, true);
      assert.ok(doubling.fib_pyrs_duration < doubling.fib_py_duration, JSON.stringify(doubling));
    });

    test("a bad n gets a clear message and nothing breaks", { timeout: 2 * RUN_TIMEOUT }, async () => {
      const cases = [
        ["abc", "n must be a whole number"],
        ["1e5", "n must be a whole number"],
        ["12.5", "n must be a whole number"],
        ["", "enter n"],
        ["-5", "n must be >= 0, got n=-5"],
        ["10000001", "above this page's limit of 10,000,000 for fast doubling"],
        ["9".repeat(400), "(400 digits) is above this page's limit"],
      ];
      for (const [n, message] of cases) {
        await fillForm(page, { n });
        await page.click("#run");
        assert.equal(await state(page), "error", `n=${n}`);
        assert.ok((await page.textContent("#error")).includes(message), `n=${n}: ${await page.textContent("#error")}`);
        assert.equal(await page.getAttribute("#n", "aria-invalid"), "true");
        assert.equal(await page.isEnabled("#run"), true, "the form stays usable");
      }
      await page.screenshot({ path: path.join(OUT, `pyodide-${version}-bad-n.png`), fullPage: true });

      // The worker checks too: the same requests sent past the page's own checks.
      const worker = [
        [{ n: "-5" }, "n must be >= 0, got n=-5"],
        [{ n: "abc" }, "n must be a whole number"],
        [{ n: 2_000_000, algorithm: "loop" }, "above this page's limit of 1,000,000 for the addition loop"],
        [{ n: "5", implementations: [] }, "choose at least one implementation"],
      ];
      for (const [request, message] of worker) {
        const sent = await page.evaluate(
          (r) => window.fibApp.send({ implementations: ["fib_python", "fib_pyrs"], algorithm: "doubling", ...r }),
          request,
        );
        assert.equal(sent, true);
        await waitForState(page, "error", RUN_TIMEOUT);
        assert.ok((await page.textContent("#error")).includes(message), await page.textContent("#error"));
        assert.equal(JSON.parse(await page.textContent("#result")).kind, "bad-request");
      }

      const done = await run(page, { n: "1000" });
      assert.equal(done.agree, true);
      assert.equal(done.digits, 209);
      assert.equal(await page.textContent("#error"), "");
    });

    test("a long run can be cancelled: the worker is terminated and restarted", { timeout: LOAD_TIMEOUT + 2 * RUN_TIMEOUT }, async () => {
      const runsBefore = await page.evaluate(() => window.fibApp.app.runs.length);
      await fillForm(page, { n: "1000000", implementations: ["fib_python"], algorithm: "loop" });
      await page.click("#run");
      await page.waitForFunction(() => /fib_python, addition loop/.test(document.querySelector("#status").textContent), null, {
        timeout: RUN_TIMEOUT,
      });
      await page.waitForTimeout(300);
      assert.equal(await state(page), "running", "F(10^6) by the loop is still running");
      assert.equal(await page.isEnabled("#cancel"), true);
      await page.click("#cancel");
      assert.ok(["cancelled", "loading"].includes(await state(page)));
      await waitForState(page, "ready");
      assert.equal(await page.evaluate(() => window.fibApp.app.runs.length), runsBefore, "the cancelled run never completed");
      const done = await run(page, { n: "10" });
      assert.equal(done.agree, true);
      assert.equal(done.last_digits, "55");
    });

    test("everything came from this server, without errors", async () => {
      // The worker's fetches are seen too: the runtime's wasm and every wheel came from BASE.
      for (const url of [`${runtime.index_url}pyodide.asm.wasm`, ...runtime.wheels.map((w) => w.url)]) {
        assert.ok(requests.includes(`${BASE}${url}`), `${url} was not requested`);
      }
      const foreign = requests.filter((url) => !url.startsWith(`${BASE}/`) && !url.startsWith("data:"));
      assert.deepEqual(foreign, []);
      assert.deepEqual(problems, []);
      await page.screenshot({ path: path.join(OUT, `pyodide-${version}.png`), fullPage: true });
    });

    if (index === 0 && manifest.runtimes.length > 1) {
      test("another runtime chosen on the page starts in a fresh worker", { timeout: LOAD_TIMEOUT + RUN_TIMEOUT }, async () => {
        const other = manifest.runtimes[1].version;
        await page.selectOption("#runtime", other);
        await waitForState(page, "ready");
        assert.equal(await page.evaluate(() => window.fibApp.app.info.runtime), other);
        assert.ok(page.url().endsWith(`?runtime=${other}`), page.url());
        const done = await run(page, { n: "1000" });
        assert.equal(done.agree, true);
        assert.equal(done.python, manifest.runtimes[1].python);
        assert.deepEqual(problems, []);
      });
    }
  });
}
