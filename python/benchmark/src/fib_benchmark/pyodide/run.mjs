// Runs the benchmark's measuring code inside one Pyodide runtime under Node, driven by the host.
//
//   node run.mjs CONFIG.json
//
// CONFIG: {"pyodide_dir": ..., "wheels": [paths], "package_dir": <the fib_benchmark package>,
//          "plan": <fib_benchmark.measure.Plan as JSON text>}
// It loads the runtime, installs the wheels without micropip (unpackArchive into
// site-packages), copies the fib_benchmark package in and makes a
// fib_benchmark.measure.Session for the plan. Then it writes to stdout, one JSON line each, a
// "runner" event, the interpreter's "env" event and {"type": "ready", "impls": [...]}, and
// answers every command line read from stdin (fib_benchmark.measure.Session.handle) with one
// reply line, until stdin closes: the host interleaves these commands with its own
// measurements and the other runtimes'. Python's own stdout/stderr and all diagnostics go to
// stderr.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import readline from "node:readline";

const require = createRequire(import.meta.url);
const toStdout = (line) => fs.writeSync(1, line + "\n");
const toStderr = (line) => fs.writeSync(2, line + "\n");
// stdout carries only the events; the runtime's own messages ("Loading distutils", ...) go to
// stderr.
for (const level of ["log", "info", "debug", "warn"]) {
  console[level] = (...args) => toStderr(args.join(" "));
}

async function main() {
  if (process.argv.length !== 3) {
    toStderr("usage: node run.mjs CONFIG.json");
    return 2;
  }
  const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const dir = path.resolve(config.pyodide_dir);
  // pyodide.js (UMD) loads every runtime from 0.21 to 314 under Node's require.
  const { loadPyodide } = require(path.join(dir, "pyodide.js"));
  const t0 = performance.now();
  const py = await loadPyodide({
    indexURL: dir + path.sep,
    stdout: (line) => toStderr(`[pyodide stdout] ${line}`),
    stderr: (line) => toStderr(`[pyodide stderr] ${line}`),
  });
  const loadSeconds = (performance.now() - t0) / 1000;

  const site = py.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  for (const wheel of config.wheels) {
    py.unpackArchive(new Uint8Array(fs.readFileSync(wheel)), "wheel", { extractDir: site });
  }
  // The package itself, as plain files (its measuring code is standard-library Python).
  const pkgRoot = "/home/pyodide/prf-benchmark";
  const pkgDir = `${pkgRoot}/fib_benchmark`;
  py.FS.mkdirTree(pkgDir);
  for (const name of fs.readdirSync(config.package_dir)) {
    if (name.endsWith(".py")) {
      py.FS.writeFile(`${pkgDir}/${name}`, fs.readFileSync(path.join(config.package_dir, name)));
    }
  }

  py.registerJsModule("prf_bridge", { plan: config.plan });
  toStdout(
    JSON.stringify({
      type: "runner",
      node: process.version,
      pyodide: py.version,
      load_s: loadSeconds,
      wheels: config.wheels.map((w) => path.basename(w)),
    }),
  );
  py.runPython(
    [
      "import json, sys",
      `sys.path.insert(0, ${JSON.stringify(pkgRoot)})`,
      "import prf_bridge",
      "from fib_benchmark.measure import environment_info, pyodide_session",
      "session = pyodide_session(str(prf_bridge.plan))",
    ].join("\n"),
  );
  toStdout(py.runPython("json.dumps(environment_info())"));
  toStdout(py.runPython("json.dumps({'type': 'ready', 'impls': session.keys})"));
  const session = py.globals.get("session");
  for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim()) toStdout(session.handle(line));
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    toStderr(`pyodide runner failed: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  },
);
