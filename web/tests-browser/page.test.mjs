// The page in a real headless Chromium, against a real uvicorn, for every runtime the server's
// manifest lists: choose the runtime on the page, wait for "ready", compute F(100 000) with both
// implementations (fast doubling and the loop) and check the completed message and that the
// answers agree; submit bad values of n; cancel a long run; check that nothing was fetched from
// anywhere but the server. Screenshots go to FIB_BROWSER_OUT.
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
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BASE = (process.env.FIB_WEB_URL || "").replace(/\/$/, "");
if (!BASE) throw new Error("FIB_WEB_URL is not set: run checks/test-browser.sh");
const NODE_MODULES = process.env.FIB_WEB_NODE_MODULES || path.join(ROOT, "web", "node_modules");
const OUT = process.env.FIB_BROWSER_OUT || path.join(ROOT, "out", "browser");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const { chromium } = createRequire(path.join(NODE_MODULES, "/"))("playwright-core");

const SEED_KEYS = ["status", "n", "fib_py_duration", "fib_pyrs_duration"];
const F_100000 = { digits: 20899, bits: 69424, last_digits: "49895374653428746875" };
const LOAD_TIMEOUT = 180_000; // a cold runtime on a busy 2-core machine
const RUN_TIMEOUT = 120_000;

const manifest = await (await fetch(`${BASE}/api/manifest`)).json();
fs.mkdirSync(OUT, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      // No name resolves: anything but the loopback server fails (the page needs no network).
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ],
  });
});
after(async () => {
  await browser?.close();
});

const state = (page) => page.getAttribute("#status", "data-state");

async function waitForState(page, wanted, timeout = LOAD_TIMEOUT) {
  try {
    await page.waitForSelector(`#status[data-state="${wanted}"]`, { timeout });
  } catch (error) {
    const progress = await page.textContent("#progress").catch(() => "?");
    const status = await page.textContent("#status").catch(() => "?");
    throw new Error(`waiting for "${wanted}": status is "${status}"; progress: ${progress}`, { cause: error });
  }
}

async function fillForm(page, { n, implementations = ["fib_python", "fib_pyrs"], algorithm = "doubling" }) {
  await page.fill("#n", n);
  for (const name of ["fib_python", "fib_pyrs"]) {
    await page.setChecked(`input[name="impl"][value="${name}"]`, implementations.includes(name));
  }
  await page.check(`input[name="algorithm"][value="${algorithm}"]`);
}

// Submits the form and returns the message the worker completed with.
async function run(page, form) {
  await fillForm(page, form);
  const before = await page.evaluate(() => window.fibApp.app.runs.length);
  await page.click("#run");
  await page.waitForFunction(
    (count) => window.fibApp.app.runs.length > count || document.querySelector("#status").dataset.state === "error",
    before,
    { timeout: RUN_TIMEOUT },
  );
  assert.equal(await state(page), "complete", `run failed: ${await page.textContent("#error")}`);
  return JSON.parse(await page.textContent("#result"));
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

for (const runtime of manifest.runtimes) {
  const version = runtime.version;
  describe(`Pyodide ${version}`, () => {
    let context;
    let page;
    const requests = [];
    const problems = [];

    before(async () => {
      context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      context.on("request", (request) => requests.push(request.url()));
      page = await context.newPage();
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console error: ${message.text()}`);
      });
      page.on("worker", (worker) => {
        worker.on("console", (message) => {
          if (message.type() === "error") problems.push(`worker console error: ${message.text()}`);
        });
      });
      await page.goto(`${BASE}/`);
    });
    after(async () => {
      await context?.close();
    });

    test("chosen on the page, the runtime loads and installs the wheels", { timeout: LOAD_TIMEOUT + 10_000 }, async () => {
      await page.waitForSelector(`#runtime option[value="${version}"]`, { state: "attached" });
      if ((await page.inputValue("#runtime")) !== version) await page.selectOption("#runtime", version);
      await waitForState(page, "ready");
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
    });

    test("n = 100 000 with both implementations completes and the answers agree", { timeout: 2 * RUN_TIMEOUT }, async () => {
      const done = await run(page, { n: "100000" });
      assert.deepEqual(Object.keys(done).slice(0, 4), SEED_KEYS);
      assert.equal(done.status, "complete");
      assert.equal(done.n, 100000);
      assert.equal(typeof done.fib_py_duration, "number");
      assert.equal(typeof done.fib_pyrs_duration, "number");
      assert.ok(done.fib_py_duration > 0 && done.fib_pyrs_duration > 0, JSON.stringify(done));
      assert.equal(done.agree, true);
      assert.equal(done.algorithm, "doubling");
      assert.deepEqual(done.implementations, ["fib_python", "fib_pyrs"]);
      assert.equal(done.python, runtime.python);
      assert.deepEqual({ digits: done.digits, bits: done.bits, last_digits: done.last_digits }, F_100000);
      assert.equal(await page.getAttribute("#agree", "data-agree"), "true");
      assert.match(await page.textContent("#summary"), /fib_python and fib_pyrs agree/);

      const loop = await run(page, { n: "100 000", algorithm: "loop" });
      assert.equal(loop.algorithm, "loop");
      assert.equal(loop.n, 100000);
      assert.equal(loop.agree, true);
      assert.equal(loop.last_digits, F_100000.last_digits);

      const rows = await page.locator("#runs tbody tr").count();
      assert.equal(rows, 2);
      assert.equal(await page.locator("#chart rect.bar.py").count(), 2);
      assert.equal(await page.locator("#chart rect.bar.rs").count(), 2);
      await page.screenshot({ path: path.join(OUT, `pyodide-${version}-complete.png`), fullPage: true });
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
  });
}
