//! Fingerprints kept up as the state changes, so a digest costs what changed since the last
//! one rather than a walk over everything (digest version 2).
//!
//! A table's fingerprint is the wrapping sum of its rows' hashes and its row count: adding or
//! removing a row costs one row's hash, and reading it costs nothing however large the table
//! is. The sum does not see order, so an ordered collection puts its order in its rows (a
//! map's key, a list's place) or, for the desks' alert queues, follows it from the rows. The
//! collections here keep their sum on every change and hash, compare and read (through
//! `Deref`) as the plain collection does, so version 1 digests and every reader are unchanged.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};

/// The running fingerprint of a collection: the wrapping sum of its rows' hashes, and how
/// many rows it has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RowSum {
    sum: u64,
    rows: u64,
}

impl RowSum {
    pub fn add(&mut self, row: u64) {
        self.sum = self.sum.wrapping_add(spread(row));
        self.rows += 1;
    }

    pub fn remove(&mut self, row: u64) {
        self.sum = self.sum.wrapping_sub(spread(row));
        self.rows -= 1;
    }

    /// The fingerprint of `rows` worked out from scratch: what a kept sum must equal.
    #[cfg(test)]
    pub fn of(rows: impl IntoIterator<Item = u64>) -> RowSum {
        let mut sum = RowSum::default();
        rows.into_iter().for_each(|r| sum.add(r));
        sum
    }
}

/// Two tables' fingerprints as one table's (a desk's alert queue kept in lanes).
impl std::ops::Add for RowSum {
    type Output = RowSum;
    fn add(self, o: RowSum) -> RowSum {
        RowSum {
            sum: self.sum.wrapping_add(o.sum),
            rows: self.rows + o.rows,
        }
    }
}

/// FNV's low bits mix poorly, and a sum adds them: each row's hash goes through a full
/// avalanche first (splitmix64's finaliser), so two tables that differ in one row differ in
/// the sum with the odds of a 64-bit hash.
fn spread(h: u64) -> u64 {
    let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A row's hash: FNV, which the digest's parts use, reads a byte at a time; a row is hashed at
/// every change, so rows use a word at a time (FxHash's step; `spread` mixes the result before
/// it joins a sum). Stable across runs and builds, as the digest must be.
#[derive(Default)]
struct RowHasher(u64);

impl RowHasher {
    fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for RowHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes(c.try_into().expect("eight bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.word(u64::from(n));
    }
    fn write_u16(&mut self, n: u16) {
        self.word(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.word(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.word(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.word(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A value's hash as a row (see [`RowHasher`]).
pub fn row_hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = RowHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// A value's hash as a row of a kept fingerprint. Plain values hash whole; a value that holds
/// a large collection of its own (an intrusion's hosts) hashes that collection's kept sum, so
/// a change to it costs one row, not the collection.
pub trait Row {
    fn row_hash(&self) -> u64;
}

/// Values hashed whole as rows.
macro_rules! whole_rows {
    ($($t:ty),* $(,)?) => {
        $(impl $crate::sim::digest::kept::Row for $t {
            fn row_hash(&self) -> u64 {
                $crate::sim::digest::kept::row_hash_of(self)
            }
        })*
    };
}

pub(crate) use whole_rows;

whole_rows!(u32, u64, Option<u32>);

/// A keyed row's hash: the key and the value's row hash.
pub fn keyed<K: Hash, V: Row>(key: &K, value: &V) -> u64 {
    let mut h = RowHasher::default();
    key.hash(&mut h);
    h.write_u64(value.row_hash());
    h.finish()
}

/// A `BTreeMap` that keeps the fingerprint of its (key, value) rows. Read it as the map;
/// change it through its own methods ([`SummedMap::get_mut`] re-adds the row when done).
/// Equal contents have equal sums, so comparing both is comparing the contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummedMap<K, V> {
    map: BTreeMap<K, V>,
    sum: RowSum,
}

impl<K, V> Default for SummedMap<K, V> {
    fn default() -> Self {
        Self {
            map: BTreeMap::new(),
            sum: RowSum::default(),
        }
    }
}

impl<K: Ord + Hash + Clone, V: Row> SummedMap<K, V> {
    pub fn sum(&self) -> RowSum {
        self.sum
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.sum.add(keyed(&key, &value));
        let old = self.map.insert(key.clone(), value);
        if let Some(old) = &old {
            self.sum.remove(keyed(&key, old));
        }
        old
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let old = self.map.remove(key)?;
        self.sum.remove(keyed(key, &old));
        Some(old)
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        let (k, v) = self.map.pop_first()?;
        self.sum.remove(keyed(&k, &v));
        Some((k, v))
    }

    /// The value at `key`, to change: its row leaves the sum now and comes back, as it is
    /// then, when the handle is dropped.
    pub fn get_mut(&mut self, key: &K) -> Option<RowMut<'_, K, V>> {
        let value = self.map.get_mut(key)?;
        Some(RowMut::taken_out(key.clone(), value, &mut self.sum))
    }

    /// The value at `key`, inserted from `make` if missing, to change (see `get_mut`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> RowMut<'_, K, V> {
        if !self.map.contains_key(&key) {
            self.insert(key.clone(), make());
        }
        self.get_mut(&key).expect("inserted above")
    }
}

impl<K, V> Deref for SummedMap<K, V> {
    type Target = BTreeMap<K, V>;
    fn deref(&self) -> &BTreeMap<K, V> {
        &self.map
    }
}

/// Hashes as the plain map: version 1 digests are what they were.
impl<K: Hash, V: Hash> Hash for SummedMap<K, V> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.map.hash(h);
    }
}

impl<K: Ord + Hash + Clone, V: Row> FromIterator<(K, V)> for SummedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(rows: I) -> Self {
        let mut map = SummedMap::default();
        rows.into_iter().for_each(|(k, v)| {
            map.insert(k, v);
        });
        map
    }
}

/// A row of a [`SummedMap`] being changed; its new hash joins the sum when it is dropped.
pub struct RowMut<'a, K: Hash, V: Row> {
    key: K,
    value: &'a mut V,
    sum: &'a mut RowSum,
}

impl<'a, K: Hash, V: Row> RowMut<'a, K, V> {
    /// The row at `key` leaves `sum` now and comes back, as it is then, when dropped.
    fn taken_out(key: K, value: &'a mut V, sum: &'a mut RowSum) -> Self {
        sum.remove(keyed(&key, &*value));
        RowMut { key, value, sum }
    }
}

impl<K: Hash, V: Row> Deref for RowMut<'_, K, V> {
    type Target = V;
    fn deref(&self) -> &V {
        self.value
    }
}

impl<K: Hash, V: Row> DerefMut for RowMut<'_, K, V> {
    fn deref_mut(&mut self) -> &mut V {
        self.value
    }
}

impl<K: Hash, V: Row> Drop for RowMut<'_, K, V> {
    fn drop(&mut self) {
        self.sum.add(keyed(&self.key, &*self.value));
    }
}

/// Bookkeeping a row carries that follows from the state rather than being part of it (a
/// mark, a cache): it hashes to nothing and every value equals every other, so the row's
/// hash and equality stay its state's.
macro_rules! outside_the_state {
    ($($t:ty),* $(,)?) => {
        $(impl std::hash::Hash for $t {
            fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
        }

        impl PartialEq for $t {
            fn eq(&self, _: &$t) -> bool {
                true
            }
        }

        impl Eq for $t {})*
    };
}

pub(crate) use outside_the_state;

/// A row's mark in a [`MarkedMap`]: whether it changed since the map last settled, and the
/// hash it is in the sum with. Not part of the row's state: it hashes to nothing and every
/// mark equals every other.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mark {
    changed: bool,
    /// Changed since its owner last took the touched rows (see `MarkedMap::take_touched`).
    touched: bool,
    summed: Option<u64>,
}

outside_the_state!(Mark);

/// A row that carries its own [`Mark`].
pub trait MarkedRow: Row {
    fn mark(&mut self) -> &mut Mark;
}

/// A `BTreeMap` whose rows change so often between digests (running intrusions, every minute)
/// that it marks them instead: a changed row is hashed again once, when a digest reads the
/// sum ([`MarkedMap::settle`]), however many times it changed since. The mark and the row's
/// hash in the sum live in the row, so marking costs a flag and settling a lookup and a hash.
#[derive(Debug)]
pub struct MarkedMap<K, V> {
    map: BTreeMap<K, V>,
    /// Keys changed since the last settle (a key replaced by `insert` may be listed twice:
    /// settling a row twice adds nothing).
    marked: Vec<K>,
    /// Keys changed since the owner last took them, for an owner that looks again only at
    /// rows that changed (the intrusions: one defenders just cut off must be looked at).
    touched: Vec<K>,
    sum: RowSum,
}

impl<K, V> Default for MarkedMap<K, V> {
    fn default() -> Self {
        Self {
            map: BTreeMap::new(),
            marked: Vec::new(),
            touched: Vec::new(),
            sum: RowSum::default(),
        }
    }
}

impl<K: Ord + Hash + Clone, V: MarkedRow> MarkedMap<K, V> {
    pub fn insert(&mut self, key: K, mut value: V) -> Option<V> {
        *value.mark() = Mark {
            changed: true,
            touched: true,
            summed: None,
        };
        self.marked.push(key.clone());
        self.touched.push(key.clone());
        let old = self.map.insert(key, value);
        old.map(|mut old| {
            if let Some(h) = old.mark().summed {
                self.sum.remove(h);
            }
            old
        })
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let mut old = self.map.remove(key)?;
        if let Some(h) = old.mark().summed {
            self.sum.remove(h);
        }
        Some(old)
    }

    /// The value at `key`, to change: marked to be hashed again at the next settle.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let value = self.map.get_mut(key)?;
        note(key, value.mark(), &mut self.marked, &mut self.touched);
        Some(value)
    }

    /// The rows `pick` chooses, to change, in key order: only those are marked.
    pub fn iter_mut_where(
        &mut self,
        mut pick: impl FnMut(&K, &V) -> bool,
    ) -> impl Iterator<Item = (&K, &mut V)> {
        let (marked, touched) = (&mut self.marked, &mut self.touched);
        (self.map.iter_mut())
            .filter(move |(k, v)| pick(k, v))
            .map(move |(k, v)| {
                note(k, v.mark(), marked, touched);
                (k, v)
            })
    }

    /// The keys of rows changed (or inserted) since the last call, in no order: a key once,
    /// or twice if `insert` replaced its row; a key may since have been removed.
    pub fn take_touched(&mut self) -> Vec<K> {
        let touched = std::mem::take(&mut self.touched);
        for key in &touched {
            if let Some(value) = self.map.get_mut(key) {
                value.mark().touched = false;
            }
        }
        touched
    }

    /// Brings the sum up to date with the rows changed since the last settle, and reads it.
    pub fn settle(&mut self) -> RowSum {
        for key in std::mem::take(&mut self.marked) {
            // A row removed since it was marked left the sum then.
            let Some(value) = self.map.get_mut(&key) else {
                continue;
            };
            let h = keyed(&key, &*value);
            let mark = value.mark();
            if let Some(old) = mark.summed.replace(h) {
                self.sum.remove(old);
            }
            mark.changed = false;
            self.sum.add(h);
        }
        self.sum
    }
}

/// A row about to change: listed once to be hashed again, and once for its owner to look at.
fn note<K: Clone>(key: &K, mark: &mut Mark, marked: &mut Vec<K>, touched: &mut Vec<K>) {
    if !mark.changed {
        mark.changed = true;
        marked.push(key.clone());
    }
    if !mark.touched {
        mark.touched = true;
        touched.push(key.clone());
    }
}

impl<K, V> Deref for MarkedMap<K, V> {
    type Target = BTreeMap<K, V>;
    fn deref(&self) -> &BTreeMap<K, V> {
        &self.map
    }
}

/// Hashes as the plain map: version 1 digests are what they were.
impl<K: Hash, V: Hash> Hash for MarkedMap<K, V> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.map.hash(h);
    }
}

/// A `BTreeSet` that keeps the fingerprint of its members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummedSet<T> {
    set: BTreeSet<T>,
    sum: RowSum,
}

impl<T> Default for SummedSet<T> {
    fn default() -> Self {
        Self {
            set: BTreeSet::new(),
            sum: RowSum::default(),
        }
    }
}

impl<T: Ord + Hash> SummedSet<T> {
    pub fn sum(&self) -> RowSum {
        self.sum
    }

    pub fn insert(&mut self, member: T) -> bool {
        let h = row_hash_of(&member);
        let new = self.set.insert(member);
        if new {
            self.sum.add(h);
        }
        new
    }

    pub fn remove(&mut self, member: &T) -> bool {
        let gone = self.set.remove(member);
        if gone {
            self.sum.remove(row_hash_of(member));
        }
        gone
    }

    pub fn clear(&mut self) {
        self.set.clear();
        self.sum = RowSum::default();
    }
}

impl<T> Deref for SummedSet<T> {
    type Target = BTreeSet<T>;
    fn deref(&self) -> &BTreeSet<T> {
        &self.set
    }
}

/// Hashes as the plain set: version 1 digests are what they were.
impl<T: Hash> Hash for SummedSet<T> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.set.hash(h);
    }
}

impl<T: Ord + Hash> FromIterator<T> for SummedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(members: I) -> Self {
        let mut set = SummedSet::default();
        set.extend(members);
        set
    }
}

impl<T: Ord + Hash> Extend<T> for SummedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, members: I) {
        members.into_iter().for_each(|m| {
            self.insert(m);
        });
    }
}

impl<'a, T: Ord + Hash + Copy + 'a> Extend<&'a T> for SummedSet<T> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, members: I) {
        members.into_iter().for_each(|m| {
            self.insert(*m);
        });
    }
}

/// A `Vec` that keeps the fingerprint of its (place, value) rows: the lists that only grow,
/// or change in place (incidents, intelligence items).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummedVec<T> {
    items: Vec<T>,
    sum: RowSum,
}

impl<T> Default for SummedVec<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            sum: RowSum::default(),
        }
    }
}

impl<T: Row> SummedVec<T> {
    pub fn sum(&self) -> RowSum {
        self.sum
    }

    pub fn push(&mut self, item: T) {
        self.sum.add(keyed(&self.items.len(), &item));
        self.items.push(item);
    }

    /// The item at `at`, to change (see [`SummedMap::get_mut`]).
    pub fn get_mut(&mut self, at: usize) -> Option<RowMut<'_, usize, T>> {
        let value = self.items.get_mut(at)?;
        Some(RowMut::taken_out(at, value, &mut self.sum))
    }
}

impl<T> Deref for SummedVec<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

/// Hashes as the plain `Vec`: version 1 digests are what they were.
impl<T: Hash> Hash for SummedVec<T> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.items.hash(h);
    }
}

/// A `VecDeque` that keeps the fingerprint of its values as a multiset (a lane of a desk's
/// alert queue: its order follows from the alerts, see `AlertQueue`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummedDeque<T> {
    items: VecDeque<T>,
    sum: RowSum,
}

impl<T> Default for SummedDeque<T> {
    fn default() -> Self {
        Self {
            items: VecDeque::new(),
            sum: RowSum::default(),
        }
    }
}

impl<T: Row> SummedDeque<T> {
    pub fn sum(&self) -> RowSum {
        self.sum
    }

    pub fn push_back(&mut self, item: T) {
        self.sum.add(item.row_hash());
        self.items.push_back(item);
    }

    pub fn insert(&mut self, at: usize, item: T) {
        self.sum.add(item.row_hash());
        self.items.insert(at, item);
    }

    pub fn pop_front(&mut self) -> Option<T> {
        let first = self.items.pop_front()?;
        self.sum.remove(first.row_hash());
        Some(first)
    }
}

impl<T> Deref for SummedDeque<T> {
    type Target = VecDeque<T>;
    fn deref(&self) -> &VecDeque<T> {
        &self.items
    }
}

/// Hashes as the plain `VecDeque`: version 1 digests are what they were.
impl<T: Hash> Hash for SummedDeque<T> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.items.hash(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::digest::hash_of;

    /// Whatever was inserted, changed and removed, in whatever order, the kept sum is the sum
    /// of the rows there now; and two maps with one row different differ.
    #[test]
    fn a_kept_sum_is_the_sum_of_the_rows_there_now() {
        let mut a: SummedMap<u32, u64> = SummedMap::default();
        for k in 0..100u32 {
            a.insert(k, u64::from(k) * 7);
        }
        for k in (0..100u32).step_by(3) {
            a.remove(&k);
        }
        *a.get_mut(&5).unwrap() += 1;
        a.insert(7, 0);
        a.pop_first();
        let fresh = RowSum::of(a.iter().map(|(k, v)| keyed(k, v)));
        assert_eq!(a.sum(), fresh);
        let b: SummedMap<u32, u64> = a.iter().rev().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(b.sum(), a.sum(), "insertion order does not matter");
        let mut c = b.clone();
        *c.get_mut(&8).unwrap() += 1;
        assert_ne!(c.sum(), b.sum());
        if let Some(mut v) = c.get_mut(&8) {
            *v -= 1;
        }
        assert_eq!(c.sum(), b.sum());
    }

    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    struct Counter(u64, Mark);

    impl Row for Counter {
        fn row_hash(&self) -> u64 {
            self.0.row_hash()
        }
    }

    impl MarkedRow for Counter {
        fn mark(&mut self) -> &mut Mark {
            &mut self.1
        }
    }

    impl std::ops::AddAssign<u64> for Counter {
        fn add_assign(&mut self, d: u64) {
            self.0 += d;
        }
    }

    impl From<u32> for Counter {
        fn from(n: u32) -> Counter {
            Counter(u64::from(n), Mark::default())
        }
    }

    /// A marked map's settled sum is the sum an eagerly kept map has after the same changes,
    /// whether it settles after every change or once at the end.
    #[test]
    fn a_marked_map_settles_to_the_kept_sum() {
        let mut kept: SummedMap<u32, u64> = SummedMap::default();
        let (mut often, mut once): (MarkedMap<u32, Counter>, MarkedMap<u32, Counter>) =
            Default::default();
        for step in 0..500u32 {
            let k = step * 7 % 61;
            match step % 4 {
                0 | 1 => {
                    kept.insert(k, u64::from(step));
                    often.insert(k, step.into());
                    once.insert(k, step.into());
                }
                2 => {
                    if let Some(mut v) = kept.get_mut(&k) {
                        *v += 3;
                    }
                    for map in [&mut often, &mut once] {
                        if let Some(v) = map.get_mut(&k) {
                            *v += 3;
                        }
                    }
                }
                _ => {
                    kept.remove(&k);
                    often.remove(&k);
                    once.remove(&k);
                }
            }
            assert_eq!(often.settle(), kept.sum(), "step {step}");
        }
        for (k, v) in once.iter_mut_where(|k, _| k % 2 == 0) {
            *v += u64::from(*k);
        }
        for (k, mut v) in kept.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>() {
            if k % 2 == 0 {
                v += u64::from(k);
                kept.insert(k, v);
            }
        }
        assert_eq!(once.settle(), kept.sum());
    }

    /// A marked map lists the rows changed since its owner last looked, settling or not:
    /// inserted, borrowed to change, picked by `iter_mut_where`; not those only read.
    #[test]
    fn a_marked_map_tells_its_owner_which_rows_changed() {
        let mut map: MarkedMap<u32, Counter> =
            (0..10)
                .map(|k| (k, k.into()))
                .fold(MarkedMap::default(), |mut m, (k, v)| {
                    m.insert(k, v);
                    m
                });
        let sorted = |mut keys: Vec<u32>| {
            keys.sort();
            keys
        };
        assert_eq!(sorted(map.take_touched()), (0..10).collect::<Vec<_>>());
        assert!(
            map.take_touched().is_empty(),
            "taken: nothing changed since"
        );
        assert_eq!(map.get(&3).map(|c| c.0), Some(3));
        *map.get_mut(&4).unwrap() += 1;
        *map.get_mut(&4).unwrap() += 1;
        map.settle();
        for (_, v) in map.iter_mut_where(|k, _| *k >= 8) {
            *v += 1;
        }
        map.insert(20, 1.into());
        map.remove(&9);
        assert_eq!(sorted(map.take_touched()), vec![4, 8, 9, 20]);
        *map.get_mut(&4).unwrap() += 1;
        assert_eq!(map.take_touched(), vec![4], "listed again once taken");
    }

    /// Sets, lists and queues keep theirs too, and hash as the plain collection (version 1).
    #[test]
    fn the_other_collections_keep_theirs_and_hash_as_before() {
        let mut s: SummedSet<u32> = (0..50).collect();
        s.remove(&3);
        s.insert(3);
        s.insert(3);
        s.remove(&0);
        assert_eq!(s.sum(), RowSum::of(s.iter().map(row_hash_of)));
        assert_eq!(hash_of(&s), hash_of(&*s));

        let mut v: SummedVec<u64> = SummedVec::default();
        (0..20).for_each(|i| v.push(i));
        *v.get_mut(4).unwrap() = 99;
        assert_eq!(
            v.sum(),
            RowSum::of(v.iter().enumerate().map(|(i, x)| keyed(&i, x)))
        );
        assert_eq!(hash_of(&v), hash_of(&*v));

        let mut q: SummedDeque<u64> = SummedDeque::default();
        (0..20).for_each(|i| q.push_back(i));
        q.insert(3, 100);
        q.pop_front();
        q.push_back(7);
        assert_eq!(q.sum(), RowSum::of(q.iter().map(|x| x.row_hash())));
        assert_eq!(hash_of(&q), hash_of(&*q));
    }

    /// Sums of different tables rarely meet: 10,000 single-row changes to one table give
    /// 10,000 different sums.
    #[test]
    fn one_row_changed_changes_the_sum() {
        let base: SummedMap<u32, u32> = (0..1000).map(|k| (k, k)).collect();
        let mut seen = std::collections::HashSet::new();
        for k in 0..1000u32 {
            for d in 1..=10 {
                let mut m = base.clone();
                *m.get_mut(&k).unwrap() += d;
                assert!(seen.insert(hash_of(&m.sum())));
            }
        }
        assert!(!seen.contains(&hash_of(&base.sum())));
    }
}
