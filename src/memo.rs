//! `Memo`: what was derived from a few distinct, large inputs, kept for the process. Journals
//! pin their whole runbook (about 10 KB each), and a team's journals pin few distinct ones, so
//! reading a state directory meets the same texts thousands of times: unescaping, hashing and
//! parsing each once is what makes `runbook stats` fast. Kept in a list, not a hash map: with
//! a few entries, comparing lengths then bytes is cheaper than hashing 10 KB per lookup.
//!
//! Must never: grow without bound (at most `KEEP` entries; past that, callers derive without
//! keeping), or answer for an input it was not given (a hit is an equal key, never a guess).
//! Worst case, a lookup compares `KEEP` keys of the input's own length: slower, never wrong.

use std::sync::Mutex;

/// The most entries a memo keeps.
pub const KEEP: usize = 64;

/// A bounded memo, usable as a `static`.
pub struct Memo<K, V>(Mutex<Vec<(K, V)>>);

impl<K: PartialEq, V: Clone> Memo<K, V> {
    pub const fn new() -> Self {
        Memo(Mutex::new(Vec::new()))
    }

    /// The value kept for the key `is` accepts, if any.
    pub fn find(&self, is: impl Fn(&K) -> bool) -> Option<V> {
        let list = self.0.lock().ok()?;
        list.iter().find(|(k, _)| is(k)).map(|(_, v)| v.clone())
    }

    /// Keeps `value` for `key`, unless the memo is full or holds `key` already (two threads
    /// may derive the same value at once).
    pub fn keep(&self, key: K, value: V) {
        if let Ok(mut list) = self.0.lock()
            && list.len() < KEEP
            && !list.iter().any(|(k, _)| *k == key)
        {
            list.push((key, value));
        }
    }
}

impl<K: PartialEq, V: Clone> Default for Memo<K, V> {
    fn default() -> Self {
        Memo::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_is_an_equal_key_and_the_memo_stays_bounded() {
        let m: Memo<String, usize> = Memo::new();
        assert_eq!(m.find(|k| k == "a"), None);
        m.keep("a".into(), 1);
        m.keep("a".into(), 2); // already held: the first value stays
        assert_eq!(m.find(|k| k == "a"), Some(1));
        assert_eq!(m.find(|k| k == "b"), None);
        for i in 0..2 * KEEP {
            m.keep(format!("k{i}"), i);
        }
        assert_eq!(m.0.lock().unwrap().len(), KEEP);
        assert_eq!(m.find(|k| k == "k0"), Some(0));
        assert_eq!(
            m.find(|k| *k == format!("k{}", 2 * KEEP - 1)),
            None,
            "past KEEP: not kept"
        );
    }
}
