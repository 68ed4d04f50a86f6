//! Criterion micro-benchmarks of what a busy tick spends its time on (`cargo bench --bench
//! hot_systems`). `tidewatch bench` measures whole runs; these isolate the parts its profiles
//! named, each at two or three sizes, so a change that makes one grow with the estate or with a
//! team's history shows up here first:
//!
//! - `tick`: an hour of the active bench region (every island attacked, teams on every island)
//!   from its second day, at 1k and 10k hosts: the whole ordered chain of systems.
//! - `digest`: hashing the state when someone reads it (journal points, the console's display).
//! - `desk`: a free analyst picking the next task, and the backlog the assistance policy reads,
//!   with 100 and 10,000 tasks listed: both must not grow with the list.
//! - `draws`: one counter-based random draw, which every probabilistic rule makes.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use tidewatch::bench::{active_region, plan_for};
use tidewatch::exercise;
use tidewatch::scenario::ids::OrgIx;
use tidewatch::scenario::{Defaults, IntelPolicy};
use tidewatch::sim::desk::Desk;
use tidewatch::sim::draws::Purpose;
use tidewatch::sim::tasks::{Alert, Task};
use tidewatch::sim::{Draws, Simulation, digest};

const HOUR: u64 = 60;
/// The second day's morning: incidents open, worms spreading, queues long.
const BUSY_FROM: u64 = 26 * HOUR;

fn busy(hosts: u32) -> Simulation {
    let mut sim = exercise::simulation(Arc::new(plan_for(active_region(hosts))), 1);
    sim.run_until(BUSY_FROM);
    sim
}

fn tick(c: &mut Criterion) {
    let mut group = c.benchmark_group("tick");
    group.sample_size(10);
    for hosts in [1_000, 10_000] {
        // Events in the measured hour, so the report reads as time per event as well.
        let mut probe = busy(hosts);
        let before = probe.events().len();
        probe.run_until(BUSY_FROM + HOUR);
        group.throughput(Throughput::Elements((probe.events().len() - before) as u64));
        group.bench_function(BenchmarkId::new("active-hour", hosts), |b| {
            b.iter_batched(
                || busy(hosts),
                |mut sim| {
                    sim.run_until(BUSY_FROM + HOUR);
                    sim
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn digest_read(c: &mut Criterion) {
    let mut group = c.benchmark_group("digest");
    group.sample_size(20);
    for hosts in [1_000, 10_000] {
        let mut sim = busy(hosts);
        group.bench_function(BenchmarkId::new("after-a-tick", hosts), |b| {
            b.iter(|| {
                // A tick moves the clock, so the next read hashes again.
                sim.step();
                black_box(digest::current(sim.world_mut()).total)
            })
        });
        group.bench_function(BenchmarkId::new("tick-alone", hosts), |b| {
            b.iter(|| sim.step())
        });
    }
    group.finish();
}

fn alert(id: u64) -> Alert {
    Alert {
        id,
        org: OrgIx(0),
        host: Some(id as u32),
        technique: None,
        campaign: None,
        raised: id,
        certain: false,
        urgent: false,
    }
}

/// A backlogged desk: `n` tasks of every priority listed (most of them clean-up, as after a
/// worm), and alerts waiting.
fn backlogged(n: u32) -> Desk {
    let mut desk = Desk::default();
    desk.add_analysts(4);
    desk.tasks.extend((0..n).map(|k| match k % 8 {
        0 => Task::Isolate {
            incident: k / 8,
            host: k,
        },
        1 => Task::Investigate { incident: k / 8 },
        2 => Task::Patch { org: OrgIx(k % 40) },
        _ => Task::Eradicate {
            incident: k / 8,
            host: k,
        },
    }));
    for id in 0..50 {
        desk.enqueue(alert(id));
    }
    desk
}

fn desk(c: &mut Criterion) {
    let mut group = c.benchmark_group("desk");
    let d = Defaults::default();
    let intel = IntelPolicy::default();
    for n in [100, 10_000] {
        let full = backlogged(n);
        group.bench_function(BenchmarkId::new("next-task", n), |b| {
            b.iter_batched_ref(
                || full.clone(),
                |desk| {
                    // A shift change: four analysts pick up work, and one hands it back.
                    for _ in 0..4 {
                        black_box(desk.next_task());
                    }
                    desk.remove_analysts(1);
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_function(BenchmarkId::new("backlog-minutes", n), |b| {
            b.iter(|| black_box(full.backlog_minutes(&d, &intel)))
        });
    }
    group.finish();
}

fn draws(c: &mut Criterion) {
    let draws = Draws::new(1);
    let mut tick = 0;
    c.bench_function("draws/chance", |b| {
        b.iter(|| {
            tick += 1;
            black_box(draws.chance(0.3, Purpose::SpreadSuccess, 7, tick, 0))
        })
    });
}

criterion_group!(benches, tick, digest_read, desk, draws);
criterion_main!(benches);
