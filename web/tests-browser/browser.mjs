// What the browser test (page.test.mjs) and the measurements (startup.mjs, first-runs.mjs) share:
// Debian's Chromium (never a downloaded one) driven by playwright-core, with a fresh profile,
// waiting for a state of the page, and running a request through the page's form.
//   CHROMIUM              the browser binary (default /usr/bin/chromium)
//   FIB_WEB_NODE_MODULES  where playwright-core is (default web/node_modules)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NODE_MODULES = process.env.FIB_WEB_NODE_MODULES || path.join(ROOT, "web", "node_modules");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const { chromium } = createRequire(path.join(NODE_MODULES, "/"))("playwright-core");

export const LOAD_TIMEOUT = 180_000; // a cold runtime on a busy 2-core machine

// A browser with a fresh profile in a temporary directory: like a first visit, and then, unlike
// an incognito context, with the disk caches a returning visitor has (HTTP cache, the compiled
// code of the runtime's WebAssembly module, Cache Storage) for the warm start.
export async function launchFresh() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "fib-browser-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 900 },
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
  return { context, profile };
}

// Waits in the page until #status's data-state is one of `states`, or (runsAbove not null) the
// page has recorded more than runsAbove runs; rejects after timeout ms. A MutationObserver sees
// the change as it happens, and nothing polls: neither in the browser beside the worker's timed
// calls, nor from Node (waitForSelector checks at growing intervals, up to 0.5 s in
// playwright-core 1.64, which a start-up time would include).
async function untilStatus(page, { states, runsAbove = null }, timeout) {
  await page.evaluate(
    ([states, runsAbove, timeout]) =>
      new Promise((resolve, reject) => {
        const status = document.querySelector("#status");
        const done = () => states.includes(status.dataset.state) || (runsAbove !== null && window.fibApp.app.runs.length > runsAbove);
        if (done()) return resolve();
        const observer = new MutationObserver(() => {
          if (!done()) return;
          observer.disconnect();
          clearTimeout(timer);
          resolve();
        });
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`not within ${timeout} ms; status: ${status.textContent}`));
        }, timeout);
        observer.observe(status, { attributes: true, attributeFilter: ["data-state"] });
      }),
    [states, runsAbove, timeout],
  );
}

export async function waitForState(page, wanted, timeout = LOAD_TIMEOUT) {
  try {
    await untilStatus(page, { states: [wanted] }, timeout);
  } catch (error) {
    const progress = await page.textContent("#progress").catch(() => "?");
    const status = await page.textContent("#status").catch(() => "?");
    throw new Error(`waiting for "${wanted}": status is "${status}"; progress: ${progress}`, { cause: error });
  }
}

export async function fillForm(page, { n, implementations = ["fib_python", "fib_pyrs"], algorithm = "doubling" }) {
  await page.fill("#n", n);
  for (const name of ["fib_python", "fib_pyrs"]) {
    await page.setChecked(`input[name="impl"][value="${name}"]`, implementations.includes(name));
  }
  await page.check(`input[name="algorithm"][value="${algorithm}"]`);
}

// Fills the form, submits it and waits until the run has completed or the page shows an error;
// returns {state: "complete" | "error", message: what the worker completed with, error: the
// page's error text}.
export async function submit(page, form, timeout) {
  await fillForm(page, form);
  const before = await page.evaluate(() => window.fibApp.app.runs.length);
  await page.click("#run");
  await untilStatus(page, { states: ["error"], runsAbove: before }, timeout).catch((error) => {
    throw new Error(`no result: ${error.message}`, { cause: error });
  });
  const state = await page.getAttribute("#status", "data-state");
  const message = state === "complete" ? JSON.parse(await page.textContent("#result")) : null;
  return { state, message, error: await page.textContent("#error") };
}

// The median of the numbers among values (null if there are none).
export function median(values) {
  const v = values.filter((x) => typeof x === "number").sort((a, b) => a - b);
  if (!v.length) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
