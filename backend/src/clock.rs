//! The server's "now" for everything whose outcome depends on time passing: the command layer's
//! timestamps, session expiry and idle timeout, sign-in throttling windows, API token expiry and
//! housekeeping. It is read through the database handle ([`Db::now`](super::Db::now)), so tests
//! can move it forward instead of sleeping until a session expires.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// The system clock, or (in tests) the system clock shifted forward by however much it was
/// [advanced](Clock::advance). Shifting rather than freezing keeps time moving between requests,
/// so anything ordered by time still sees distinct, increasing timestamps.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// None: the system clock as it is; production never has an offset.
    offset_ms: Option<Arc<AtomicI64>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that starts at the system time and can be moved forward (clones share the shift).
    pub fn adjustable() -> Clock {
        Clock {
            offset_ms: Some(Arc::default()),
        }
    }

    /// Milliseconds since the Unix epoch, as every timestamp in the database is stored.
    pub fn now_ms(&self) -> i64 {
        let offset = self
            .offset_ms
            .as_ref()
            .map_or(0, |o| o.load(Ordering::Acquire));
        super::db::now_ms() + offset
    }

    /// Moves an [adjustable](Clock::adjustable) clock forward.
    ///
    /// # Panics
    /// On the system clock: a test that believes it moved time when it did not would wait or
    /// assert on the wrong thing, so it should fail loudly instead.
    pub fn advance(&self, by: Duration) {
        let offset = self
            .offset_ms
            .as_ref()
            .expect("only an adjustable clock (Clock::adjustable) can be advanced");
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        offset.fetch_add(by, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjustable_clock_moves_forward_for_every_clone() {
        let clock = Clock::adjustable();
        let shared = clock.clone();
        let before = clock.now_ms();
        shared.advance(Duration::from_secs(3600));
        let after = clock.now_ms();
        assert!(after - before >= 3_600_000, "{before} -> {after}");
        // Still the system time plus the shift, not frozen.
        assert!(after - before < 3_600_000 + 60_000, "{before} -> {after}");
    }

    #[test]
    fn the_system_clock_is_the_system_time() {
        let before = super::super::db::now_ms();
        let now = Clock::system().now_ms();
        assert!(now >= before && now - before < 60_000);
    }

    #[test]
    #[should_panic(expected = "only an adjustable clock")]
    fn the_system_clock_cannot_be_advanced() {
        Clock::system().advance(Duration::from_secs(1));
    }
}
