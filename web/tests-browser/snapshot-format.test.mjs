// The stored layout of a memory snapshot (web/static/snapshot-format.mjs), under Node: what the
// page packs, the worker unpacks to the same bytes, and anything else is refused.
// Run by checks/test-browser.sh with page.test.mjs: node --test web/tests-browser/snapshot-format.test.mjs
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CHUNK, packSnapshot, unpackSnapshot } from "../static/snapshot-format.mjs";

// A deterministic pseudo-random byte source.
function randomBytes(length, seed) {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

// `length` bytes in which the chunks listed in `filled` hold random bytes and the rest are zeros;
// `lone` puts single nonzero bytes at those offsets (a chunk with one byte set is not zero).
function snapshot(length, filled, lone = []) {
  const bytes = new Uint8Array(length);
  for (const i of filled) {
    const start = i * CHUNK;
    bytes.set(randomBytes(Math.min(CHUNK, length - start), i + 1), start);
  }
  for (const at of lone) bytes[at] = 7;
  return bytes;
}

describe("snapshot format", () => {
  const cases = {
    empty: snapshot(0, []),
    "all zeros": snapshot(5 * CHUNK + 896, []),
    "no zero chunk": snapshot(3 * CHUNK, [0, 1, 2]),
    "every other chunk, short last chunk": snapshot(9 * CHUNK + 896, [0, 2, 4, 6, 8, 9]),
    "one byte in a chunk's last byte and in the short tail": snapshot(4 * CHUNK + 3, [], [2 * CHUNK - 1, 4 * CHUNK + 2]),
    "shorter than a chunk": snapshot(1000, [0]),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    test(`round trip: ${name}`, () => {
      const packed = packSnapshot(bytes);
      assert.deepEqual(unpackSnapshot(packed), bytes);
    });
  }

  test("zero chunks are left out", () => {
    const bytes = snapshot(8 * CHUNK, [1, 5]);
    const packed = packSnapshot(bytes);
    assert.equal(packed.length, 16 + 1 + 2 * CHUNK);
  });

  test("unaligned views pack the same", () => {
    const bytes = snapshot(3 * CHUNK + 5, [1], [5]);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    assert.deepEqual(packSnapshot(shifted.subarray(1)), packSnapshot(bytes));
  });

  test("anything else is refused", () => {
    const packed = packSnapshot(snapshot(4 * CHUNK, [0, 3]));
    assert.throws(() => unpackSnapshot(new Uint8Array(10)), /too short/);
    assert.throws(() => unpackSnapshot(snapshot(4 * CHUNK, [0])), /no PRFS header/);
    assert.throws(() => unpackSnapshot(packed.subarray(0, packed.length - 1)), /cut short/);
    assert.throws(() => unpackSnapshot(packed.subarray(0, 16)), /cut short/);
    const longer = new Uint8Array(packed.length + 1);
    longer.set(packed);
    assert.throws(() => unpackSnapshot(longer), /too many/);
  });
});
