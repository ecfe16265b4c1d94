//! Criterion benchmarks: fast doubling and the addition loop at several n.
//!
//! Run from `rust/`: `cargo bench -p fib-rust` (or add a filter, e.g. `-- fib_iter`).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fib_rust::{fib, fib_iter};

fn bench_fib(c: &mut Criterion) {
    let mut group = c.benchmark_group("fib");
    for n in [1_000u64, 10_000, 100_000, 1_000_000] {
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| fib(black_box(n)))
        });
    }
    group.finish();
}

fn bench_fib_iter(c: &mut Criterion) {
    let mut group = c.benchmark_group("fib_iter");
    // The loop is O(n) big additions: F(10^5) takes tens of milliseconds, so fewer samples.
    group.sample_size(20);
    for n in [1_000u64, 10_000, 100_000] {
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| fib_iter(black_box(n)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_fib, bench_fib_iter);
criterion_main!(benches);
