// The Web Worker (a module worker): loads one Pyodide runtime, installs the wheels the manifest
// lists for it WITHOUT micropip (pyodide.unpackArchive into site-packages), imports the
// `webworker` package and hands it every request from the page.
//
// page -> worker   {type: "init", runtime: <manifest runtime entry>}
//                  {type: "run", request: {id, n, implementations, algorithm}}
// worker -> page   {status: "loading-runtime" | "installing" | "ready" | "log" | "error", ...}
//                  and whatever webworker.handle_json posts ("running", "complete", "error").
//
// Both runtimes load from their ES module (pyodide.mjs): Pyodide 314 refuses classic workers,
// and 0.21.3's pyodide.mjs falls back from importScripts to import() for its pyodide.asm.js.

let handleJson = null; // webworker.handle_json once the runtime is ready
let busy = false;

const post = (message) => self.postMessage(message);
const postJson = (text) => post(JSON.parse(text));
const errorText = (error) => (error && (error.message || String(error))) || "unknown error";

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    try {
      await init(message.runtime);
    } catch (error) {
      post({ status: "error", phase: "init", message: errorText(error) });
    }
  } else if (message.type === "run") {
    const id = message.request && message.request.id;
    if (!handleJson) {
      post({ status: "error", id, message: "the runtime is not ready yet" });
    } else if (busy) {
      post({ status: "error", id, message: "a run is already in progress" });
    } else {
      busy = true;
      try {
        handleJson(JSON.stringify(message.request), postJson); // posts running/complete/error
      } catch (error) {
        post({ status: "error", id, message: errorText(error) }); // a fatal runtime error
      } finally {
        busy = false;
      }
    }
  }
};

async function sha256(buffer) {
  if (!self.crypto || !self.crypto.subtle) return null; // not a secure context (plain http on a LAN)
  const digest = await self.crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function init(runtime) {
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  post({ status: "loading-runtime", runtime: runtime.version });
  const { loadPyodide } = await import(runtime.module_url);
  const pyodide = await loadPyodide({
    indexURL: runtime.index_url,
    fullStdLib: false, // 0.21.3 would otherwise also load distutils
    stdout: (text) => post({ status: "log", stream: "stdout", text }),
    stderr: (text) => post({ status: "log", stream: "stderr", text }),
  });
  post({ status: "runtime-loaded", runtime: runtime.version, pyodide: pyodide.version, elapsed_ms: elapsed() });

  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
  for (const wheel of runtime.wheels) {
    post({ status: "installing", runtime: runtime.version, wheel: wheel.filename });
    const response = await fetch(wheel.url);
    if (!response.ok) throw new Error(`${wheel.url}: HTTP ${response.status}`);
    const buffer = await response.arrayBuffer();
    const digest = await sha256(buffer);
    if (digest !== null && digest !== wheel.sha256) {
      throw new Error(`${wheel.filename}: SHA-256 ${digest} does not match the manifest's ${wheel.sha256}`);
    }
    // 0.21.3 takes only a Uint8Array (not an ArrayBuffer) and needs extractDir.
    pyodide.unpackArchive(new Uint8Array(buffer), "wheel", { extractDir: sitePackages });
  }
  pyodide.runPython("import importlib; importlib.invalidate_caches()");
  const webworker = pyodide.pyimport("webworker");
  const info = JSON.parse(webworker.describe_json());
  handleJson = webworker.handle_json;
  post({
    status: "ready",
    runtime: runtime.version,
    pyodide: pyodide.version,
    elapsed_ms: elapsed(),
    cross_origin_isolated: self.crossOriginIsolated === true,
    wheels: runtime.wheels.map((w) => w.filename),
    ...info,
  });
}
