//! What the facilitator's console costs per frame outside rendering (`tidewatch bench
//! --console`): the fold it keeps against the refold it replaced, and a read of the digest
//! its clock bar shows.

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::exercise;
use crate::scenario::Plan;

/// What the facilitator's console spends per frame outside rendering, at full speed: ticking
/// the simulation, then bringing the screen's picture (island table, MSEL, charts' trends) up
/// to date. `fold` is what the console does (fold the frame's new events into the picture it
/// keeps); `refold` is the alternative it replaced (rebuild the picture from the whole log each
/// frame), measured on the same frames. Microseconds.
#[derive(Clone, Debug, Serialize)]
pub struct FrameCost {
    pub scenario: String,
    pub frames: usize,
    pub ticks_per_frame: u64,
    pub events: usize,
    pub sim_us_per_frame: f64,
    pub fold_us_per_frame: f64,
    pub refold_us_per_frame: f64,
    /// Over the last simulated day's frames, when the log is longest.
    pub fold_us_last_day: f64,
    pub refold_us_last_day: f64,
    /// One read of the state digest the clock bar shows (the console reads it at most once a
    /// second while the clock runs), mean and over the last day.
    pub digest_us_per_read: f64,
    pub digest_us_last_day: f64,
}

/// Frames of `ticks_per_frame` ticks up to `ticks` on `plan`.
pub fn console_frames(plan: Arc<Plan>, seed: u64, ticks: u64, ticks_per_frame: u64) -> FrameCost {
    use crate::report::{OperatingPicture, summary_of};
    let mut sim = exercise::simulation(plan.clone(), seed);
    let mut picture = OperatingPicture::new(&plan);
    let (mut sim_s, mut fold_s, mut refold_s) = (0.0, 0.0, 0.0);
    let (mut fold_last, mut refold_last, mut last_frames) = (0.0, 0.0, 0usize);
    let (mut digest_s, mut digest_last) = (0.0, 0.0);
    let last_day = ticks.saturating_sub(24 * 60);
    let mut frames = 0;
    // What a frame reads off the picture: the island table and every chart line.
    let screen = |picture: &OperatingPicture, now: u64, events: usize| {
        let summary = summary_of(picture, &plan, seed, now, String::new(), events);
        let t = &picture.trends;
        let corners: usize = [&t.compromised, &t.encrypted, &t.services_down]
            .iter()
            .flat_map(|series| series.iter())
            .map(|s| s.corners(now).len())
            .sum();
        std::hint::black_box((summary, corners));
    };
    while sim.now() < ticks {
        let started = Instant::now();
        sim.run_until((sim.now() + ticks_per_frame).min(ticks));
        let ticked = Instant::now();
        let now = sim.now();
        let log = sim.events();
        picture.update(&plan, log);
        screen(&picture, now, log.len());
        let folded = Instant::now();
        let whole = OperatingPicture::of(&plan, log);
        screen(&whole, now, log.len());
        let refolded = Instant::now();
        std::hint::black_box(sim.digest());
        let d = refolded.elapsed().as_secs_f64();
        digest_s += d;
        let (f, r) = (
            (folded - ticked).as_secs_f64(),
            (refolded - folded).as_secs_f64(),
        );
        sim_s += (ticked - started).as_secs_f64();
        fold_s += f;
        refold_s += r;
        if now > last_day {
            fold_last += f;
            refold_last += r;
            digest_last += d;
            last_frames += 1;
        }
        frames += 1;
    }
    let us = |s: f64, n: usize| s * 1e6 / n.max(1) as f64;
    FrameCost {
        scenario: plan.scenario.name.clone(),
        frames,
        ticks_per_frame,
        events: sim.events().len(),
        sim_us_per_frame: us(sim_s, frames),
        fold_us_per_frame: us(fold_s, frames),
        refold_us_per_frame: us(refold_s, frames),
        fold_us_last_day: us(fold_last, last_frames),
        refold_us_last_day: us(refold_last, last_frames),
        digest_us_per_read: us(digest_s, frames),
        digest_us_last_day: us(digest_last, last_frames),
    }
}

/// `tidewatch bench --console`: the console's per-frame cost on a scenario at full speed.
pub fn run_console_frames(plan: Arc<Plan>, seed: u64, ticks: u64, json: bool) {
    crate::sim::init_task_pool(None);
    // At full speed the console runs as many ticks as fit in its frame budget; 10 is about
    // what the flagship reaches on two cores.
    let cost = console_frames(plan, seed, ticks, 10);
    if json {
        println!("{}", serde_json::json!(cost));
        return;
    }
    println!(
        "{}: {} frames of {} ticks, {} events\n  simulation      {:>9.1} us/frame\n  \
         fold (console) {:>9.1} us/frame, {:>9.1} on the last day\n  \
         refold (log)   {:>9.1} us/frame, {:>9.1} on the last day ({:.1}x the fold)\n  \
         digest (bar)   {:>9.1} us/read,  {:>9.1} on the last day (read at most once a second)",
        cost.scenario,
        cost.frames,
        cost.ticks_per_frame,
        cost.events,
        cost.sim_us_per_frame,
        cost.fold_us_per_frame,
        cost.fold_us_last_day,
        cost.refold_us_per_frame,
        cost.refold_us_last_day,
        cost.refold_us_last_day / cost.fold_us_last_day.max(1e-9),
        cost.digest_us_per_read,
        cost.digest_us_last_day,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::{generated_region, plan_for};

    #[test]
    fn the_frame_bench_folds_the_same_picture_as_a_refold() {
        // The two ways must agree, or the comparison would be meaningless.
        let plan = Arc::new(plan_for(generated_region(600)));
        let cost = console_frames(plan.clone(), 1, 240, 10);
        assert_eq!(cost.frames, 24);
        let mut sim = exercise::simulation(plan.clone(), 1);
        let mut picture = crate::report::OperatingPicture::new(&plan);
        for t in (10..=240).step_by(10) {
            sim.run_until(t);
            picture.update(&plan, sim.events());
        }
        let whole = crate::report::OperatingPicture::of(&plan, sim.events());
        assert_eq!(picture.islands, whole.islands);
        assert_eq!(picture.trends, whole.trends);
        assert!(cost.events > 0);
    }
}
