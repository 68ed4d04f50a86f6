//! Counter-based randomness: every draw is a pure function of (seed, purpose, stable id, tick, k).
//!
//! Because no generator carries state from one draw to the next, the order in which systems or
//! queries visit things, and how many threads do it, cannot change a single outcome.

use bevy::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Why a number is drawn. Each purpose is its own ChaCha stream family, so adding a new kind of
/// draw never shifts the numbers an existing one sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum Purpose {
    AccessAttemptTime = 1,
    AccessAttemptHost = 2,
    AccessAttemptSuccess = 3,
    StageDuration = 4,
    SpreadCount = 5,
    SpreadHost = 6,
    SpreadSuccess = 7,
    Detection = 8,
    FalseAlerts = 9,
    FalseAlertHost = 10,
    TriageVerdict = 11,
    BackupsLost = 12,
    TrustEntryHost = 13,
    EncryptReach = 14,
    IntelBlock = 15,
    TrustHopSuccess = 16,
    OwnItNotices = 17,
    RestoreDifficulty = 18,
    IntrusionPace = 19,
    FalseAlertTechnique = 20,
    FalseAlertMachine = 21,
    VictimCallDelay = 22,
    VictimCalls = 23,
    RansomPays = 24,
    RansomPrice = 25,
    DecryptFails = 26,
    ReEncrypt = 27,
    CredentialReturn = 28,
    InvestigationSees = 29,
    EncryptPush = 30,
}

/// The scenario's one seed, expanded into a ChaCha key.
#[derive(Resource, Clone)]
pub struct Draws {
    pub seed: u64,
    key: [u8; 32],
}

impl Draws {
    pub fn new(seed: u64) -> Self {
        let mut key = [0u8; 32];
        let mut state = seed ^ 0x7469_6465_7761_7463; // "tidewatc"
        for chunk in key.chunks_mut(8) {
            state = splitmix(state);
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        Draws { seed, key }
    }

    /// A uniform `u64` for (purpose, id, tick, k). `k` numbers several draws for the same thing
    /// in the same tick.
    pub fn u64(&self, purpose: Purpose, id: u64, tick: u64, k: u32) -> u64 {
        let mut rng = ChaCha8Rng::from_seed(self.key);
        rng.set_stream(splitmix((purpose as u64) << 48 ^ id));
        // Each (tick, k) owns a 16-word block of the stream.
        rng.set_word_pos(((tick as u128) << 36 | (k as u128) << 4) & ((1u128 << 68) - 1));
        rng.next_u64()
    }

    /// Uniform in [0, 1).
    pub fn unit(&self, purpose: Purpose, id: u64, tick: u64, k: u32) -> f64 {
        to_unit(self.u64(purpose, id, tick, k))
    }

    /// True with probability `p`.
    pub fn chance(&self, p: f64, purpose: Purpose, id: u64, tick: u64, k: u32) -> bool {
        p > 0.0 && self.unit(purpose, id, tick, k) < p
    }

    /// Uniform index below `n` (n > 0).
    pub fn index(&self, n: u64, purpose: Purpose, id: u64, tick: u64, k: u32) -> u64 {
        ((self.u64(purpose, id, tick, k) as u128 * n as u128) >> 64) as u64
    }

    /// A log-normal factor with median 1: `exp(sigma * z)` for a standard normal `z` (Box-Muller
    /// over draws `2k` and `2k + 1`). Durations people measure (dwell, breakout, recovery) have a
    /// fast and a slow tail; this gives both.
    pub fn lognormal(&self, sigma: f64, purpose: Purpose, id: u64, tick: u64, k: u32) -> f64 {
        let u1 = self.unit(purpose, id, tick, 2 * k);
        let u2 = self.unit(purpose, id, tick, 2 * k + 1);
        let z = (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        (sigma * z).exp()
    }

    /// A Poisson count with mean `mean`, by inversion; `mean` is small (alerts per minute).
    pub fn poisson(&self, mean: f64, purpose: Purpose, id: u64, tick: u64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        let u = self.unit(purpose, id, tick, 0);
        let (mut k, mut p) = (0u32, (-mean).exp());
        let mut cdf = p;
        while u > cdf && k < 10_000 {
            k += 1;
            p *= mean / k as f64;
            cdf += p;
        }
        k
    }
}

/// A raw draw as a uniform number in [0, 1).
pub fn to_unit(raw: u64) -> f64 {
    (raw >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// SplitMix64 finaliser: spreads ids and purposes over the stream space.
pub fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Several small ids folded into one stream id.
pub fn ids(parts: &[u64]) -> u64 {
    parts.iter().fold(0x5EED, |acc, p| splitmix(acc ^ p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_pure_functions_of_their_counters() {
        let d = Draws::new(42);
        let a = d.u64(Purpose::Detection, 7, 100, 0);
        assert_eq!(a, Draws::new(42).u64(Purpose::Detection, 7, 100, 0));
        assert_ne!(a, d.u64(Purpose::Detection, 7, 100, 1));
        assert_ne!(a, d.u64(Purpose::Detection, 7, 101, 0));
        assert_ne!(a, d.u64(Purpose::Detection, 8, 100, 0));
        assert_ne!(a, d.u64(Purpose::SpreadHost, 7, 100, 0));
        assert_ne!(a, Draws::new(43).u64(Purpose::Detection, 7, 100, 0));
    }

    #[test]
    fn unit_draws_look_uniform() {
        let d = Draws::new(1);
        let n = 20_000;
        let mean: f64 = (0..n)
            .map(|i| d.unit(Purpose::Detection, i, 3, 0))
            .sum::<f64>()
            / n as f64;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
        let hits = (0..n)
            .filter(|i| d.chance(0.1, Purpose::SpreadSuccess, 1, *i, 0))
            .count();
        assert!((1800..2200).contains(&hits), "{hits}");
        let p: u32 = (0..n)
            .map(|i| d.poisson(2.5, Purpose::FalseAlerts, 9, i))
            .sum();
        assert!(((p as f64 / n as f64) - 2.5).abs() < 0.05);
    }

    #[test]
    fn lognormal_factors_have_median_one_and_both_tails() {
        let d = Draws::new(3);
        let mut v: Vec<f64> = (0..20_000)
            .map(|i| d.lognormal(0.8, Purpose::StageDuration, 1, i, 0))
            .collect();
        v.sort_by(f64::total_cmp);
        let q = |p: f64| v[(p * v.len() as f64) as usize];
        assert!((q(0.5) - 1.0).abs() < 0.04, "median {}", q(0.5));
        // exp(+-1.2816 * 0.8): 0.36 and 2.79.
        assert!((q(0.1) - 0.359).abs() < 0.03, "p10 {}", q(0.1));
        assert!((q(0.9) - 2.79).abs() < 0.2, "p90 {}", q(0.9));
    }
}
