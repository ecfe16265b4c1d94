// Runs the project's pytest suite inside a Pyodide runtime under Node, with no network.
//
// node pyodide_pytest.mjs --runtime DIR --deps DIR --tests DIR [--micropip] [--env K=V]...
//                         [--file SRC=DEST]... -- WHEEL... [-- PYTEST_ARGS...]
//
// Every wheel in --deps (pytest, hypothesis and their pure-Python dependencies) and every WHEEL
// is unpacked into site-packages with pyodide.unpackArchive (0.21.3 has no micropip in its npm
// package). With --micropip, the micropip wheel from --deps is unpacked first and the
// fib_pyrs wheel is installed through it instead, so the runtime's own installer checks its tag.
// Prints "<runtime>: N passed, N failed, N skipped" and exits non-zero unless all ran and passed.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const opts = { env: [], file: [], wheels: [], pytest: [] };
const argv = process.argv.slice(2);
for (let i = 0, section = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--") { section++; continue; }
  if (section === 1) { opts.wheels.push(a); continue; }
  if (section === 2) { opts.pytest.push(a); continue; }
  if (a === "--micropip") opts.micropip = true;
  else if (a === "--env") opts.env.push(argv[++i]);
  else if (a === "--file") opts.file.push(argv[++i]);
  else opts[a.replace(/^--/, "")] = argv[++i];
}

const require = createRequire(import.meta.url);
const { loadPyodide } = require(path.join(path.resolve(opts.runtime), "pyodide.js"));
const py = await loadPyodide({
  indexURL: path.resolve(opts.runtime) + path.sep,
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
const label = `pyodide ${py.version}`;
const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
const bytes = (file) => new Uint8Array(fs.readFileSync(file));
const unpack = (whl) => py.unpackArchive(bytes(whl), "wheel", { extractDir: sitePackages });

const deps = fs.readdirSync(opts.deps).filter((f) => f.endsWith(".whl"));
for (const whl of deps) {
  if (!whl.startsWith("micropip-") || opts.micropip) unpack(path.join(opts.deps, whl));
}
for (const whl of opts.wheels) {
  const name = path.basename(whl);
  if (opts.micropip && name.startsWith("fib_pyrs-")) {
    py.FS.mkdirTree("/tmp/wheels");
    py.FS.writeFile(`/tmp/wheels/${name}`, bytes(whl));
    py.globals.set("wheel_url", `emfs:/tmp/wheels/${name}`);
    await py.runPythonAsync("import micropip\nawait micropip.install(wheel_url)");
    console.log(`${label}: installed ${name} with micropip ${py.runPython("micropip.__version__")}`);
  } else {
    unpack(whl);
    console.log(`${label}: unpacked ${name}`);
  }
}

// The test tree (Python files only) goes to /tests in the runtime's file system.
const copyTree = (src, dest) => {
  py.FS.mkdirTree(dest);
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    if (entry.name === "__pycache__") continue;
    const s = path.join(src, entry.name);
    if (entry.isDirectory()) copyTree(s, `${dest}/${entry.name}`);
    else if (entry.name.endsWith(".py")) py.FS.writeFile(`${dest}/${entry.name}`, bytes(s));
  }
};
copyTree(opts.tests, "/tests");
for (const spec of opts.file) {
  const [src, dest] = spec.split("=");
  py.FS.mkdirTree(path.posix.dirname(dest));
  py.FS.writeFile(dest, bytes(src));
}

py.globals.set("extra_env", py.toPy(Object.fromEntries(opts.env.map((kv) => kv.split(/=(.*)/s).slice(0, 2)))));
py.globals.set("pytest_args", py.toPy(opts.pytest));
const summary = await py.runPythonAsync(`
import os, sys
import pytest

os.environ.update(extra_env)
os.chdir("/tests")

class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.failed += 1
        elif report.skipped:
            self.skipped += 1
        elif report.when == "call":
            self.passed += 1

    def pytest_collectreport(self, report):
        if report.failed:
            self.failed += 1

tally = Tally()
# No file-descriptor capture or faulthandler (no real fds here), no cache dir.
code = pytest.main(["-p", "no:cacheprovider", "-p", "no:faulthandler", "--capture=sys", "--color=no", "-q", "-rfEs",
                    *pytest_args], plugins=[tally])
[int(code), tally.passed, tally.failed, tally.skipped, sys.version.split()[0]]
`);
const [code, passed, failed, skipped, pyVersion] = summary.toJs();
console.log(`${label} (Python ${pyVersion}): ${passed} passed, ${failed} failed, ${skipped} skipped`);
// Everything must run: a skipped test is not a passing one.
if (code !== 0 || failed > 0 || skipped > 0 || passed === 0) process.exit(1);
