//! A hash that is the same on every platform and in every release, for what must never
//! change between runs: the digest's parts, the journal's checks and the fictional indicators
//! a campaign leaves (the STIX bundle, the evidence and the model's reading of a team's
//! findings all derive the same values from it).

use std::hash::{Hash, Hasher};

/// FNV-1a, 64-bit: simple, fixed and the same on every platform (unlike `DefaultHasher`).
#[derive(Clone, Copy)]
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    // Integers as little-endian bytes whatever the platform.
    fn write_u64(&mut self, v: u64) {
        self.write(&v.to_le_bytes());
    }
    fn write_u32(&mut self, v: u32) {
        self.write(&v.to_le_bytes());
    }
    fn write_usize(&mut self, v: usize) {
        self.write(&(v as u64).to_le_bytes());
    }
}

/// The FNV-1a hash of a value's `Hash` encoding: what each part hashes.
pub fn hash_of(value: &impl Hash) -> u64 {
    let mut h = Fnv::default();
    value.hash(&mut h);
    h.finish()
}
