// What the browser test (page.test.mjs) and the start-up measurement (startup.mjs) share: Debian's
// Chromium (never a downloaded one) driven by playwright-core, with a fresh profile, and waiting
// for a state of the page.
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

export async function waitForState(page, wanted, timeout = LOAD_TIMEOUT) {
  try {
    await page.waitForSelector(`#status[data-state="${wanted}"]`, { timeout });
  } catch (error) {
    const progress = await page.textContent("#progress").catch(() => "?");
    const status = await page.textContent("#status").catch(() => "?");
    throw new Error(`waiting for "${wanted}": status is "${status}"; progress: ${progress}`, { cause: error });
  }
}
