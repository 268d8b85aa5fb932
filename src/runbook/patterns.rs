//! Variable patterns, compiled once per process. Compiling a regex costs far more than parsing
//! a whole runbook, and libraries reuse the same few patterns (`^[a-z0-9-]+$`), so validation
//! and start-up keep a cache keyed by the pattern's text.

use regex::Regex;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Past this many distinct patterns the cache starts over (memory stays bounded).
const MAX_CACHED: usize = 4096;

type Cache = HashMap<String, Result<Arc<Regex>, String>>;

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The compiled pattern, or the regex crate's full error text.
pub fn compile(pattern: &str) -> Result<Arc<Regex>, String> {
    if let Ok(c) = cache().lock()
        && let Some(r) = c.get(pattern)
    {
        return r.clone();
    }
    let compiled = Regex::new(pattern).map(Arc::new).map_err(|e| e.to_string());
    if let Ok(mut c) = cache().lock() {
        if c.len() >= MAX_CACHED {
            c.clear();
        }
        c.insert(pattern.to_string(), compiled.clone());
    }
    compiled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_once_and_reports_errors() {
        let a = compile("^[a-z]+$").unwrap();
        let b = compile("^[a-z]+$").unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(a.is_match("abc") && !a.is_match("ABC"));
        assert!(
            compile("[a-z")
                .unwrap_err()
                .contains("unclosed character class")
        );
    }
}
