// Compiles a Pyodide runtime's standard library to bytecode ahead of time, with that runtime's own
// interpreter under Node (so the bytecode and its magic number are the runtime's), and checks the
// file by starting the runtime with it installed the way the page installs it
// (web/static/precompiled-stdlib.mjs). The Python side is checks/pyodide_stdlib.py.
//
//   node checks/pyodide_stdlib.mjs build RUNTIME_DIR OUT_DIR   writes OUT_DIR/<file>, prints <file>
//   node checks/pyodide_stdlib.mjs verify RUNTIME_DIR FILE     prints what it checked
//
// <file> is python_stdlib.zip for a runtime whose standard library is a zip (it replaces that
// zip), python_stdlib_pycache.zip for one whose standard library is plain files (its __pycache__
// directories); see checks/pyodide_stdlib.py. build reads SOURCE_DATE_EPOCH for the timestamps.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { precompiledStdlib, withPreRun } = await import(pathToFileURL(path.join(HERE, "..", "web", "static", "precompiled-stdlib.mjs")).href);

const FILES = { zip: "python_stdlib.zip", pycache: "python_stdlib_pycache.zip" };

const [command, runtimeArg, target] = process.argv.slice(2);
if (!["build", "verify"].includes(command) || !runtimeArg || !target) {
  console.error("usage: pyodide_stdlib.mjs build RUNTIME_DIR OUT_DIR | verify RUNTIME_DIR FILE");
  process.exit(2);
}
const indexURL = path.resolve(runtimeArg) + path.sep;
// What loadPyodide imports for a runtime that defines its module in pyodide.asm.js (0.21).
const scriptURL = pathToFileURL(`${indexURL}pyodide.asm.js`).href;
const classicScript = fs.existsSync(`${indexURL}pyodide.asm.js`);
const { loadPyodide } = await import(pathToFileURL(`${indexURL}pyodide.mjs`).href);
// fullStdLib: false, as the page loads it: 0.21 would otherwise add distutils, which the page
// does not load (its files must not get a __pycache__ of ours).
const common = { fullStdLib: false, stdout: () => {}, stderr: (line) => console.error(line) };

async function runtimeWith(options) {
  const py = await loadPyodide({ indexURL, ...common, ...options });
  py.runPython(fs.readFileSync(path.join(HERE, "pyodide_stdlib.py"), "utf8"));
  return py;
}

if (command === "build") {
  // A fixed hash seed, so that set constants are marshalled in the same order every time: the
  // env option where loadPyodide has one, the environment before Python starts where it has not.
  const options = { env: { PYTHONHASHSEED: "0" } };
  if (classicScript) await withPreRun(scriptURL, (Module) => (Module.ENV.PYTHONHASHSEED = "0"));
  const py = await runtimeWith(options);
  const epoch = Number(process.env.SOURCE_DATE_EPOCH || 315532800);
  const kind = py.runPython(`
import sys
assert sys.flags.hash_randomization == 0, "PYTHONHASHSEED=0 did not reach the interpreter"
with open("/tmp/precompiled-stdlib.zip", "wb") as f:
    f.write(build(${Math.trunc(epoch)}))
layout()`);
  const file = path.join(target, FILES[kind]);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(file, py.FS.readFile("/tmp/precompiled-stdlib.zip"));
  console.log(FILES[kind]);
} else {
  const kind = Object.keys(FILES).find((k) => FILES[k] === path.basename(target));
  if (!kind) throw new Error(`${target}: not one of ${Object.values(FILES).join(", ")}`);
  let installed = null;
  const options = await precompiledStdlib({
    stdlib: { install: kind === "zip" ? "stdLibURL" : "pycache" },
    location: path.resolve(target),
    bytes: async (file) => new Uint8Array(fs.readFileSync(file)),
    scriptURL,
    onPreRun: (result) => (installed = result),
  });
  const py = await runtimeWith(options);
  if (installed?.error) throw installed.error;
  if (kind === "pycache" && !installed) throw new Error("the preRun hook did not run");
  const written = installed ? `${installed.files} .pyc files written before Python started; ` : "";
  console.log(written + py.runPython(`verify(${JSON.stringify(kind)})`));
}
