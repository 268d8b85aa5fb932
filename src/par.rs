//! Work spread over the cores with the answers kept in order: one helper for the runbook
//! library's checks and the figures across incidents, so both share how work is split and
//! what happens when a worker panics.

/// `f` of every item, in order, on every core but at most `most` threads (what each item
/// holds in memory while it is worked on is then bounded): each thread takes the next item not
/// yet taken, so one slow item does not hold up a fixed share.
pub fn map<I: Sync, T: Send>(items: &[I], most: usize, f: impl Fn(&I) -> T + Sync) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(most)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || -> Vec<(usize, T)> {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for h in helpers {
            // A panicking worker is a bug; the items it took are done again below, on this
            // thread, so that none is left out.
            done.extend(h.join().unwrap_or_default());
        }
        done
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    let mut out = Vec::with_capacity(items.len());
    let mut results = done.into_iter().peekable();
    for (i, item) in items.iter().enumerate() {
        match results.next_if(|(j, _)| *j == i) {
            Some((_, t)) => out.push(t),
            None => out.push(f(item)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::map;

    #[test]
    fn every_item_is_done_once_and_answers_keep_the_items_order() {
        let items: Vec<u64> = (0..1_000).collect();
        // Uneven work, so the threads finish out of order.
        let got = map(&items, usize::MAX, |&n| {
            let mut x = n;
            for _ in 0..(n % 7) * 1_000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            }
            (n, x != u64::MAX)
        });
        let want: Vec<(u64, bool)> = items.iter().map(|&n| (n, true)).collect();
        assert_eq!(got, want);
        assert!(map(&[] as &[u64], usize::MAX, |&n| n).is_empty());
        assert_eq!(map(&items, 1, |&n| n + 1), (1..=1_000).collect::<Vec<_>>());
    }

    #[test]
    fn an_item_whose_worker_panicked_is_done_again_not_dropped() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let items: Vec<u32> = (0..64).collect();
        let once = AtomicBool::new(false);
        let caller = std::thread::current().id();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let got = map(&items, usize::MAX, |&n| {
            if std::thread::current().id() != caller {
                // The first item a helper thread takes panics, once.
                if !once.swap(true, Ordering::SeqCst) {
                    panic!("a worker bug");
                }
            } else if cores > 1 {
                // The caller holds its first item until a helper has panicked, so the panic
                // surely happens (with one core there are no helpers and nothing to wait for).
                while !once.load(Ordering::SeqCst) {
                    std::thread::yield_now();
                }
            }
            n * 2
        });
        assert!(cores == 1 || once.load(Ordering::SeqCst));
        assert_eq!(got, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
