// The runtime's standard library as bytecode compiled ahead of time, so that Python does not
// compile it from source at every start (checks/pyodide-stdlib.sh builds it with the runtime's own
// interpreter; the server lists it in the manifest as the runtime's `stdlib`). How it goes in
// follows how the runtime ships its standard library (`stdlib.install`):
//
//   "stdLibURL"  one zip (Pyodide 314): the precompiled zip replaces it, through loadPyodide's
//                stdLibURL option.
//   "pycache"    files of pyodide.asm.data (Pyodide 0.21): the .pyc files are written into
//                __pycache__ beside their sources before Python starts, from an uncompressed zip
//                whose entries are paths relative to /. loadPyodide 0.21 has no option for that,
//                so it goes in through the Emscripten module's preRun hook (see withPreRun).
//
// Used by worker.js in the browser and, to check the file it builds, by checks/pyodide_stdlib.mjs
// under Node, so both install it the same way.

// The entries of a zip whose members are stored (not compressed), as [name, bytes] with the bytes
// a view into the zip (nothing is copied).
export function storedZipEntries(zip) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.byteLength - 22; // the end of central directory record, without a comment
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error("not a zip file");
  const count = view.getUint16(end + 10, true);
  const names = new TextDecoder();
  const entries = [];
  for (let i = 0, p = view.getUint32(end + 16, true); i < count; i++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new Error("a damaged zip directory");
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLength = view.getUint16(p + 28, true);
    const local = view.getUint32(p + 42, true);
    const name = names.decode(zip.subarray(p + 46, p + 46 + nameLength));
    if (method !== 0) throw new Error(`${name} is compressed; this zip must be stored`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    entries.push([name, zip.subarray(start, start + size)]);
    p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return entries;
}

// Writes the .pyc files of a "pycache" zip into the runtime's file system (only paths below /lib
// that lead into a __pycache__ directory); returns how many.
export function writePycache(FS, zip) {
  const made = new Set();
  let files = 0;
  for (const [name, bytes] of storedZipEntries(zip)) {
    if (name.endsWith("/")) continue;
    if (!/^lib\/([^/.][^/]*\/)+__pycache__\/[^/]+\.pyc$/.test(name)) throw new Error(`unexpected entry ${name}`);
    const path = `/${name}`;
    const directory = path.slice(0, path.lastIndexOf("/"));
    if (!made.has(directory)) {
      FS.mkdirTree(directory);
      made.add(directory);
    }
    FS.writeFile(path, bytes, { canOwn: true }); // the file keeps its view of the zip
    files++;
  }
  return files;
}

// Runs hook(Module) in the Emscripten module's preRun, i.e. once the runtime's files are in
// place and before Python starts, for a runtime whose loadPyodide has no option for it (0.21).
// Its pyodide.asm.js defines globalThis._createPyodideModule, which loadPyodide calls with the
// module settings right after importing that script: importing it here first defines the function
// and lets it be wrapped; loadPyodide's own import of the same URL then finds the module already
// evaluated. scriptURL must be the URL loadPyodide imports (its indexURL + "pyodide.asm.js").
export async function withPreRun(scriptURL, hook) {
  await import(scriptURL);
  const create = globalThis._createPyodideModule;
  if (typeof create !== "function") throw new Error(`${scriptURL} defines no _createPyodideModule`);
  globalThis._createPyodideModule = (Module) => {
    Module.preRun = [...(Module.preRun || []), () => hook(Module)];
    return create(Module);
  };
}

// Prepares a loadPyodide call to use the precompiled standard library: returns the options to
// add. stdlib is the manifest's entry ({install, url}); location is where this environment finds
// the file (a URL, or a path under Node); bytes() fetches it ("pycache" only); scriptURL as for
// withPreRun; onPreRun(info) is called before Python starts ("pycache": {files} or {error}).
export async function precompiledStdlib({ stdlib, location, bytes, scriptURL, onPreRun = () => {} }) {
  if (stdlib.install === "stdLibURL") return { stdLibURL: location };
  if (stdlib.install !== "pycache") throw new Error(`unknown stdlib.install ${stdlib.install}`);
  const zip = bytes(location);
  zip.catch(() => {}); // awaited in the hook; a failure is reported there
  await withPreRun(scriptURL, (Module) => {
    Module.addRunDependency("precompiled-stdlib");
    zip
      .then((data) => onPreRun({ files: writePycache(Module.FS, data) }))
      .catch((error) => onPreRun({ error }))
      .finally(() => Module.removeRunDependency("precompiled-stdlib"));
  });
  return {};
}
