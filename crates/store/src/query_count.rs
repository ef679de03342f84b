//! Counting the statements a piece of work runs (one request, in tests and benchmarks), so that
//! a page whose queries grow with the rows it shows (an N+1) is caught.

use std::cell::Cell;
use std::future::Future;

tokio::task_local! {
    static STATEMENTS: Cell<u64>;
}

/// Runs `work`, counting the statements it sends to the database from this task.
pub async fn counted<F: Future>(work: F) -> (F::Output, u64) {
    STATEMENTS
        .scope(Cell::new(0), async {
            let out = work.await;
            (out, STATEMENTS.with(Cell::get))
        })
        .await
}

/// One statement more, when counting.
pub(crate) fn tick() {
    let _ = STATEMENTS.try_with(|c| c.set(c.get() + 1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_only_inside_and_only_its_own() {
        tick();
        let ((), n) = counted(async {
            tick();
            tick();
        })
        .await;
        assert_eq!(n, 2);
        let ((), none) = counted(async {}).await;
        assert_eq!(none, 0);
    }
}
