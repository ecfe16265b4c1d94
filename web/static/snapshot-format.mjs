// How the page stores a Pyodide memory snapshot in Cache Storage: without its all-zero chunks.
//
// A snapshot is the runtime's whole WebAssembly memory (30 MiB for Pyodide 314.0.7), and half of
// it is zeros in whole 64 KiB chunks (memory grown but never written). Reading the snapshot back
// was the longest wait of a warm reload: the runtime cannot be instantiated before it has the
// bytes. Stored without the zero chunks, there is half as much to read; the zeros cost nothing to
// restore, since a new Uint8Array starts out zeroed.
//
// Layout (little-endian): "PRFS" (u32 0x53465250), the chunk size (u32), the snapshot's length in
// bytes (f64, exact below 2^53), one bit per chunk (bit i of byte i >> 3, set when chunk i
// follows), then the chunks that are not all zeros, in order (the last one may be short).
// Used by app.js (pack, before saving) and worker.js (unpack, before restoring), and tested under
// Node by web/tests-browser/snapshot-format.test.mjs.

export const CHUNK = 65536;
const MAGIC = 0x53465250;
const HEADER = 16;

// Whether bytes[start..end) are all zeros: 32 bits at a time where the view allows.
function isZero(bytes, start, end) {
  if ((bytes.byteOffset + start) % 4 === 0 && (end - start) % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + start, (end - start) / 4);
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
    return true;
  }
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

// The snapshot (a Uint8Array) in the stored layout, as a new Uint8Array.
export function packSnapshot(bytes) {
  const chunks = Math.ceil(bytes.length / CHUNK);
  const bitmap = new Uint8Array(Math.ceil(chunks / 8));
  let kept = 0;
  for (let i = 0; i < chunks; i++) {
    const start = i * CHUNK;
    const end = Math.min(start + CHUNK, bytes.length);
    if (!isZero(bytes, start, end)) {
      bitmap[i >> 3] |= 1 << (i & 7);
      kept += end - start;
    }
  }
  const out = new Uint8Array(HEADER + bitmap.length + kept);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, CHUNK, true);
  view.setFloat64(8, bytes.length, true);
  out.set(bitmap, HEADER);
  let at = HEADER + bitmap.length;
  for (let i = 0; i < chunks; i++) {
    if (bitmap[i >> 3] & (1 << (i & 7))) {
      const chunk = bytes.subarray(i * CHUNK, Math.min((i + 1) * CHUNK, bytes.length));
      out.set(chunk, at);
      at += chunk.length;
    }
  }
  return out;
}

// The snapshot back from the stored layout (a Uint8Array); throws if `packed` is not one.
export function unpackSnapshot(packed) {
  if (packed.length < HEADER) throw new Error("not a stored snapshot: too short");
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error("not a stored snapshot: no PRFS header");
  const chunk = view.getUint32(4, true);
  const length = view.getFloat64(8, true);
  if (chunk === 0 || !Number.isSafeInteger(length) || length < 0 || length > 2 ** 32) {
    throw new Error(`not a stored snapshot: chunk size ${chunk}, length ${length}`);
  }
  const chunks = Math.ceil(length / chunk);
  if (packed.length < HEADER + Math.ceil(chunks / 8)) throw new Error("a stored snapshot cut short");
  const bitmap = packed.subarray(HEADER, HEADER + Math.ceil(chunks / 8));
  const out = new Uint8Array(length);
  let at = HEADER + bitmap.length;
  for (let i = 0; i < chunks; i++) {
    if (bitmap[i >> 3] & (1 << (i & 7))) {
      const size = Math.min(chunk, length - i * chunk);
      if (at + size > packed.length) throw new Error("a stored snapshot cut short");
      out.set(packed.subarray(at, at + size), i * chunk);
      at += size;
    }
  }
  if (at !== packed.length) throw new Error(`a stored snapshot with ${packed.length - at} bytes too many`);
  return out;
}
