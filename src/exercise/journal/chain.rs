//! One journal line as written (format 4): the entry's JSON, then its `chain` (SHA-256 of the
//! previous line's chain and this line's bytes) and, sealed, its `seal` (HMAC-SHA256 of the
//! chain under the facilitator's key). The two fields are written last and found by position,
//! so the bytes hashed are exactly the bytes on the disk.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::{Entry, MAX_HEADER_LINE, MAX_LINE};

/// The chain before the first line.
pub(super) const GENESIS: [u8; 32] = [0; 32];

/// The facilitator's secret that seals a journal: the bytes of a key file kept away from the
/// trainees. Never written to the journal nor printed (its `Debug` shows only its length).
#[derive(Clone)]
pub struct SealKey(Vec<u8>);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealKey({} bytes)", self.0.len())
    }
}

impl SealKey {
    /// Fewer bytes could be guessed by trying keys against a seal offline.
    pub const MIN_BYTES: usize = 16;
    /// A key file is a small secret; a bigger file is the wrong file.
    pub const MAX_BYTES: usize = 64 * 1024;

    pub fn read(path: &Path) -> Result<SealKey, String> {
        let fail = |m: String| format!("{}: {m}", path.display());
        let mut bytes = Vec::new();
        File::open(path)
            .and_then(|f| f.take(Self::MAX_BYTES as u64 + 1).read_to_end(&mut bytes))
            .map_err(|e| fail(format!("cannot read the seal key: {e}")))?;
        if bytes.len() > Self::MAX_BYTES {
            return Err(fail(format!(
                "a seal key file holds at most {} KB: is this the key?",
                Self::MAX_BYTES / 1024
            )));
        }
        SealKey::from_bytes(bytes).map_err(fail)
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Result<SealKey, String> {
        if bytes.len() < Self::MIN_BYTES {
            return Err(format!(
                "a seal key needs at least {} bytes (it has {}); make one with `head -c 32 \
                 /dev/urandom > exercise.key` and keep it away from the trainees",
                Self::MIN_BYTES,
                bytes.len()
            ));
        }
        Ok(SealKey(bytes))
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes keys of any length")
    }

    fn seal(&self, chain: &[u8; 32]) -> [u8; 32] {
        let mut mac = self.mac();
        mac.update(chain);
        mac.finalize().into_bytes().into()
    }

    /// Compared in constant time, so timing tells a forger nothing.
    pub(super) fn verifies(&self, chain: &[u8; 32], seal: &[u8; 32]) -> bool {
        let mut mac = self.mac();
        mac.update(chain);
        mac.verify_slice(seal).is_ok()
    }
}

/// The chain of a line: the previous line's chain and this line's bytes without its own chain
/// and seal (`body`, as serialized), so every byte of every line is covered.
pub(super) fn link(prev: &[u8; 32], body: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update(prev)
        .chain_update(body)
        .finalize()
        .into()
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &[u8]) -> Option<[u8; 32]> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(text.chunks(2)) {
        *o = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

const CHAIN_FIELD: &[u8] = b",\"chain\":\"";
const SEAL_FIELD: &[u8] = b",\"seal\":\"";

/// Finds `,"<field>":"<64 hex>"` ending at `end` in `line`: where it starts, and its value.
fn field_before(line: &[u8], end: usize, field: &[u8]) -> Option<(usize, [u8; 32])> {
    let start = end.checked_sub(field.len() + 64 + 1)?;
    if line[end - 1] != b'"' || &line[start..start + field.len()] != field {
        return None;
    }
    Some((start, unhex(&line[end - 65..end - 1])?))
}

/// Splits a line into its body (left in `line`, as it was serialized) and its chain and seal,
/// when it ends with them. The two fields are always written last, in that order, so they are
/// found by position, not by parsing: the bytes hashed are exactly the bytes on the disk.
pub(super) fn split_tail(line: &mut Vec<u8>) -> (Option<[u8; 32]>, Option<[u8; 32]>) {
    let Some(end) = line.len().checked_sub(1).filter(|&e| line[e] == b'}') else {
        return (None, None);
    };
    let seal = field_before(line, end, SEAL_FIELD);
    let chain_end = seal.map_or(end, |(start, _)| start);
    // A seal without a chain was not written by tidewatch: left in place, it is an unknown
    // field to the parser.
    let Some((start, chain)) = field_before(line, chain_end, CHAIN_FIELD) else {
        return (None, None);
    };
    line.truncate(start);
    line.push(b'}');
    (Some(chain), seal.map(|(_, s)| s))
}

/// One journal line as written: the entry, then (format 4) its chain and seal; refused over
/// the line bounds, so every line written reads back. Returns the line and its chain.
pub(super) fn compose(
    entry: &Entry,
    prev: Option<&[u8; 32]>,
    seal: Option<&SealKey>,
) -> Result<(Vec<u8>, Option<[u8; 32]>), String> {
    let mut line = serde_json::to_vec(entry).map_err(|e| format!("internal: {e}"))?;
    let chain = prev.map(|prev| link(prev, &line));
    if let Some(chain) = &chain {
        if line.pop() != Some(b'}') {
            return Err("internal: a journal entry is not a JSON object".into());
        }
        line.extend_from_slice(CHAIN_FIELD);
        line.extend_from_slice(hex(chain).as_bytes());
        line.push(b'"');
        if let Some(key) = seal {
            line.extend_from_slice(SEAL_FIELD);
            line.extend_from_slice(hex(&key.seal(chain)).as_bytes());
            line.push(b'"');
        }
        line.push(b'}');
    }
    let bound = match entry {
        Entry::Header(_) => MAX_HEADER_LINE,
        _ => MAX_LINE,
    };
    if line.len() > bound {
        return Err(format!(
            "a journal entry of {} bytes is over the {} MB a journal line may hold; it was not \
             written",
            line.len(),
            bound >> 20
        ));
    }
    line.push(b'\n');
    Ok((line, chain))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reader hashes exactly the bytes the writer hashed, found by position, sealed or not.
    #[test]
    fn a_line_splits_back_into_the_bytes_it_was_chained_over() {
        let key = SealKey::from_bytes(vec![1; 32]).unwrap();
        let entry = Entry::End { seq: 3, tick: 7 };
        for seal in [None, Some(&key)] {
            let (line, chain) = compose(&entry, Some(&GENESIS), seal).unwrap();
            let mut body = line[..line.len() - 1].to_vec();
            let (found, sealed) = split_tail(&mut body);
            assert_eq!(body, serde_json::to_vec(&entry).unwrap());
            assert_eq!(found, chain);
            assert_eq!(Some(link(&GENESIS, &body)), chain);
            assert_eq!(sealed.is_some(), seal.is_some());
            if let (Some(k), Some(s)) = (seal, sealed) {
                assert!(k.verifies(&found.unwrap(), &s));
                let other = SealKey::from_bytes(vec![2; 32]).unwrap();
                assert!(!other.verifies(&found.unwrap(), &s));
            }
        }
        // Lines too short or malformed to carry a chain are left whole for the parser.
        let zeros = "0".repeat(64);
        for text in [
            String::new(),
            "}".into(),
            "\"}".into(),
            format!("{{\"chain\":\"{zeros}\"}}"),
            format!("{{\"x\":1,\"chain\":\"{}\"}}", "Z".repeat(64)),
            format!("{{\"x\":1,\"seal\":\"{zeros}\"}}"),
        ] {
            let mut line = text.as_bytes().to_vec();
            assert_eq!(split_tail(&mut line), (None, None), "{text}");
            assert_eq!(line, text.as_bytes());
        }
    }
}
