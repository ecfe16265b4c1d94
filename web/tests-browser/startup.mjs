// The page's start-up, measured: for every runtime the server offers, in rounds (the runtimes
// alternate, so a change in the machine's load hits both alike), a cold start in a browser with a
// fresh profile (a new user-data-dir) and then a warm reload in the same profile. Each start is
// timed from navigation to "ready" (wall clock), and the CPU time every Chromium process and
// thread spent meanwhile is read from /proc (Linux): on a busy machine the wall clock grows with
// the load, the CPU time much less, and the time of the thread on the critical path (the Web
// Worker that starts Python) says what a quiet machine would show. The load average is recorded
// with every start. Prints a table of medians and writes everything to FIB_STARTUP_OUT.
//
//   FIB_WEB_URL=http://127.0.0.1:PORT node web/tests-browser/startup.mjs [ROUNDS]
// FIB_WEB_URL may also name several servers to compare, interleaved in every round:
// "before=http://127.0.0.1:8001,after=http://127.0.0.1:8002".
// Run by checks/test-browser.sh --startup [ROUNDS] (which starts uvicorn); not part of the tests.
// CHROMIUM, FIB_WEB_NODE_MODULES as for page.test.mjs; FIB_STARTUP_OUT (default
// out/browser/startup.json).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchFresh, median, waitForState } from "./browser.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SERVERS = (process.env.FIB_WEB_URL || "")
  .split(",")
  .filter(Boolean)
  .map((item) => {
    const [label, url] = item.includes("=") ? item.split("=") : ["", item];
    return { label, base: url.replace(/\/$/, "") };
  });
if (!SERVERS.length) throw new Error("FIB_WEB_URL is not set: run checks/test-browser.sh --startup");
const OUT = process.env.FIB_STARTUP_OUT || path.join(ROOT, "out", "browser", "startup.json");
const ROUNDS = Number(process.argv[2] || 3);
// After "ready" and before the reload: the snapshot is saved and the browser writes the
// compiled code of the runtime's module to its cache once enough of it is optimized.
const SETTLE_MS = 4000;
const TICK_MS = 1000 / 100; // USER_HZ

// --- CPU time from /proc ------------------------------------------------------------------

const read = (file) => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null; // the process or thread is gone
  }
};

// The browser started with this profile, and every process below it.
function chromiumProcesses(profile) {
  const procs = new Map();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    const cmdline = read(`/proc/${name}/cmdline`);
    if (!stat || cmdline === null) continue;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Chromium rewrites its command line as one string (its process title).
    const args = cmdline.split("\0").filter(Boolean);
    procs.set(Number(name), { ppid: Number(fields[1]), cmdline: args.length > 1 ? args : (args[0] || "").split(" ") });
  }
  const root = [...procs].find(([, p]) => p.cmdline.includes(`--user-data-dir=${profile}`) && !p.cmdline.some((a) => a.startsWith("--type=")));
  if (!root) return [];
  const pids = [root[0]];
  for (let i = 0; i < pids.length; i++) {
    for (const [pid, p] of procs) if (p.ppid === pids[i]) pids.push(pid);
  }
  return pids.map((pid) => {
    const args = procs.get(pid).cmdline;
    const type = (args.find((a) => a.startsWith("--type=")) || "--type=browser").slice(7);
    const sub = args.find((a) => a.startsWith("--utility-sub-type="));
    return { pid, type: sub ? `${type}:${sub.split("=")[1].split(".")[0]}` : type };
  });
}

// CPU time per process (utime + stime, dead threads included) and per live thread (schedstat).
function cpuSnapshot(profile) {
  const snapshot = new Map();
  for (const { pid, type } of chromiumProcesses(profile)) {
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const threads = new Map();
    for (const tid of fs.readdirSync(`/proc/${pid}/task`, { throwIfNoEntry: false }) || []) {
      const comm = read(`/proc/${pid}/task/${tid}/comm`);
      const sched = read(`/proc/${pid}/task/${tid}/schedstat`);
      if (comm && sched) threads.set(tid, { name: comm.trim(), ms: Number(sched.split(" ")[0]) / 1e6 });
    }
    snapshot.set(pid, { type, ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS, threads });
  }
  return snapshot;
}

// CPU ms between two snapshots: total, per process type, per thread name of each process type.
function cpuBetween(before, after) {
  const result = { total_ms: 0, processes: {}, threads: {} };
  for (const [pid, p] of after) {
    const old = before.get(pid);
    const ms = p.ms - (old ? old.ms : 0);
    result.total_ms += ms;
    result.processes[p.type] = (result.processes[p.type] || 0) + ms;
    for (const [tid, t] of p.threads) {
      const ms = t.ms - (old?.threads.get(tid)?.ms || 0);
      if (ms < 1) continue;
      const key = `${p.type}/${t.name}`;
      result.threads[key] = (result.threads[key] || 0) + ms;
    }
  }
  for (const group of [result.processes, result.threads]) {
    for (const key of Object.keys(group)) group[key] = Math.round(group[key]);
  }
  result.total_ms = Math.round(result.total_ms);
  return result;
}

// --- one start ----------------------------------------------------------------------------

async function start(page, profile, url) {
  const load = os.loadavg();
  const before = cpuSnapshot(profile);
  const t0 = performance.now();
  if (url) await page.goto(url);
  else await page.reload();
  await waitForState(page, "ready");
  const wall = Math.round(performance.now() - t0);
  const cpu = cpuBetween(before, cpuSnapshot(profile));
  const { info, readyAt } = await page.evaluate(() => ({ info: window.fibApp.app.info, readyAt: window.fibApp.app.readyAt }));
  const progress = await page.$$eval("#progress li", (items) => items.map((li) => li.textContent));
  // Where the time before the worker's start went: the page's and the worker's fetches (ms since
  // the navigation started; a transfer size of 0 is the HTTP cache, a few hundred bytes a 304).
  const entries = () => ({
    origin: performance.timeOrigin,
    app_started: window.fibApp?.app.t0 ?? null,
    entries: performance.getEntries().map((e) => ({
      name: e.name.replace(location.origin, ""),
      type: e.entryType,
      start: Math.round(e.startTime),
      end: Math.round(e.responseEnd ?? e.startTime + e.duration),
      bytes: e.transferSize,
    })),
  });
  const pageFetches = await page.evaluate(entries);
  const workerFetches = await page.workers()[0]?.evaluate(entries).catch(() => null);
  if (workerFetches) {
    const shift = workerFetches.origin - pageFetches.origin;
    for (const e of workerFetches.entries) Object.assign(e, { start: Math.round(e.start + shift), end: Math.round(e.end + shift) });
  }
  const fetches = { page: pageFetches, worker: workerFetches };
  return { wall_ms: wall, page_ready_ms: readyAt, load_average: load, cpu, snapshot: info.snapshot, stdlib: info.stdlib ?? null, timings: info.timings ?? null, worker_ready_ms: info.elapsed_ms, progress, fetches };
}

const manifest = await (await fetch(`${SERVERS[0].base}/api/manifest`)).json();
const runtimes = manifest.runtimes.filter((r) => r.ready).map((r) => r.version);
// What is compared: each runtime, on each server.
const versions = runtimes.flatMap((v) => SERVERS.map(({ label }) => (label ? `${v}@${label}` : v)));
const results = { started: new Date().toISOString(), cpus: os.cpus().length, rounds: ROUNDS, settle_ms: SETTLE_MS, uptime_at_start: os.loadavg(), runs: [] };
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...versions].reverse() : versions;
  for (const version of order) {
    const [runtime, label = ""] = version.split("@");
    const { base } = SERVERS.find((server) => server.label === (label || ""));
    const { context, profile } = await launchFresh();
    try {
      const page = context.pages()[0] || (await context.newPage());
      const cold = await start(page, profile, `${base}/?runtime=${runtime}`);
      if (cold.snapshot === "saving") {
        await page.waitForFunction(() => /snapshot of the started Python saved/.test(document.querySelector("#progress").textContent), null, { timeout: 60_000 });
      }
      await page.waitForTimeout(SETTLE_MS);
      const warm = await start(page, profile);
      results.runs.push({ round, version, cold, warm });
      console.log(
        `round ${round + 1} Pyodide ${version}: cold ${cold.wall_ms} ms (cpu ${cold.cpu.total_ms} ms, load ${cold.load_average[0].toFixed(2)}), warm ${warm.wall_ms} ms (cpu ${warm.cpu.total_ms} ms, load ${warm.load_average[0].toFixed(2)})`,
      );
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  }
}
results.uptime_at_end = os.loadavg();

// Medians per runtime and kind of start: wall clock, all CPU, and the heaviest threads.
results.medians = {};
for (const version of versions) {
  results.medians[version] = {};
  for (const kind of ["cold", "warm"]) {
    const runs = results.runs.filter((r) => r.version === version).map((r) => r[kind]);
    const threads = {};
    for (const name of new Set(runs.flatMap((r) => Object.keys(r.cpu.threads)))) {
      threads[name] = median(runs.map((r) => r.cpu.threads[name] || 0));
    }
    const timings = {};
    for (const name of new Set(runs.flatMap((r) => Object.keys(r.timings || {})))) {
      timings[name] = median(runs.map((r) => (r.timings || {})[name]));
    }
    results.medians[version][kind] = {
      wall_ms: median(runs.map((r) => r.wall_ms)),
      wall_ms_all: runs.map((r) => r.wall_ms),
      page_ready_ms: median(runs.map((r) => r.page_ready_ms)),
      cpu_total_ms: median(runs.map((r) => r.cpu.total_ms)),
      load_average_1min: runs.map((r) => Number(r.load_average[0].toFixed(2))),
      threads: Object.fromEntries(Object.entries(threads).filter(([, ms]) => ms >= 20).sort((a, b) => b[1] - a[1])),
      timings,
    };
  }
}
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
for (const [version, kinds] of Object.entries(results.medians)) {
  for (const [kind, m] of Object.entries(kinds)) {
    const top = Object.entries(m.threads).slice(0, 6).map(([name, ms]) => `${name} ${ms}`).join(", ");
    console.log(`Pyodide ${version} ${kind}: median ${m.wall_ms} ms of ${m.wall_ms_all.join(", ")} (navigation to ready by the page's clock ${m.page_ready_ms} ms; load ${m.load_average_1min.join(", ")}); CPU ${m.cpu_total_ms} ms: ${top}`);
    if (Object.keys(m.timings).length) console.log(`    worker: ${Object.entries(m.timings).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  }
}
console.log(`load average ${results.uptime_at_start.map((x) => x.toFixed(2)).join(" ")} at the start, ${results.uptime_at_end.map((x) => x.toFixed(2)).join(" ")} at the end; ${results.cpus} CPUs; written to ${OUT}`);
