//! Per-student order of what a question shows: the choices of choice questions and the
//! starting order of order questions. Each is a permutation drawn from the student (their
//! name in an exam, else an id made once per installation), the pack and the question, so
//! it is the same at every restart, differs between students, and never depends on a
//! crate's version. Answers stay in the pack's indices: the order only changes the screen.

use sha2::{Digest, Sha256};
use std::path::Path;

/// The seed of one question's permutation for one student.
pub fn seed(student: &str, pack_id: &str, question_id: &str) -> u64 {
    let mut h = Sha256::new();
    for part in [student.trim(), pack_id, question_id] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_le_bytes(b)
}

/// SplitMix64: its sequence is fixed by these lines, so orders survive upgrades.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..=max`, without modulo bias worth speaking of for lists this short.
    fn below_or(&mut self, max: usize) -> usize {
        ((self.next() as u128 * (max as u128 + 1)) >> 64) as usize
    }
}

/// A permutation of `0..n` drawn from `seed` (Fisher–Yates).
pub fn permutation(seed: u64, n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    let mut rng = SplitMix(seed);
    for i in (1..n).rev() {
        let j = rng.below_or(i);
        v.swap(i, j);
    }
    v
}

/// The order in which a choice question shows its options: `order[k]` is the pack index of
/// the option shown at position `k`.
pub fn choice_order(student: &str, pack_id: &str, question_id: &str, n: usize) -> Vec<usize> {
    permutation(seed(student, pack_id, question_id), n)
}

/// The order in which an order question first shows its steps: never the right one (a step
/// list of two or more), since submitting it untouched must not be an answer.
pub fn initial_order(student: &str, pack_id: &str, question_id: &str, n: usize) -> Vec<usize> {
    let mut v = permutation(seed(student, pack_id, question_id), n);
    if n >= 2 && v.iter().enumerate().all(|(i, s)| i == *s) {
        v.rotate_left(1);
    }
    v
}

/// The file that holds this installation's id, in the data folder.
pub const INSTALL_ID_FILE: &str = "install-id";

/// This installation's id, which seeds the orders of self-check (no name is asked there):
/// read from the data folder, or made and written once. A folder that cannot be written
/// gives an id for this run only (the orders then change at the next start, nothing else).
pub fn install_id(data_dir: &Path) -> String {
    let path = data_dir.join(INSTALL_ID_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let id = text.trim();
        if !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return id.to_string();
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut h = Sha256::new();
    h.update(now.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(data_dir.to_string_lossy().as_bytes());
    let id: String = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let _ = std::fs::create_dir_all(data_dir).and_then(|_| std::fs::write(&path, &id));
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_permutation(v: &[usize], n: usize) -> bool {
        let mut s = v.to_vec();
        s.sort_unstable();
        s == (0..n).collect::<Vec<_>>()
    }

    #[test]
    fn permutations_are_permutations_and_stable() {
        for n in 0..9 {
            for seed in 0..50u64 {
                let p = permutation(seed, n);
                assert!(is_permutation(&p, n), "{p:?}");
                assert_eq!(p, permutation(seed, n));
            }
        }
    }

    #[test]
    fn initial_orders_are_never_right() {
        for n in 2..7 {
            for i in 0..200 {
                let o = initial_order(&format!("s{i}"), "pack", "q2", n);
                assert!(is_permutation(&o, n));
                assert_ne!(o, (0..n).collect::<Vec<_>>(), "{n} {i}");
            }
        }
        assert_eq!(initial_order("x", "p", "q", 1), vec![0]);
        assert_eq!(initial_order("x", "p", "q", 0), Vec::<usize>::new());
    }

    #[test]
    fn the_first_option_is_not_always_first() {
        // Over many students each position holds option 0 sometimes.
        let mut seen = [0usize; 4];
        for i in 0..400 {
            let o = choice_order(&format!("student {i}"), "enm-ml-test1", "q5", 4);
            seen[o.iter().position(|&x| x == 0).unwrap()] += 1;
        }
        assert!(seen.iter().all(|&c| c > 50), "{seen:?}");
    }

    #[test]
    fn install_id_is_made_once() {
        let dir = std::env::temp_dir().join(format!("mltutor-shuffle-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = install_id(&dir);
        let b = install_id(&dir);
        assert_eq!(a, b);
        assert_eq!(a.len(), 16);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
