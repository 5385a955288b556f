//! argon2id password hashing, off the async runtime (it is deliberately slow), and the gate that
//! bounds how many sign-in checks run at once.

use super::settings::Settings;
use crate::AppError;
use argon2::password_hash::SaltString;
use argon2::password_hash::rand_core::OsRng;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// Checked against when the account does not exist, so a wrong email costs as much time as a
/// wrong password and response times do not reveal which accounts exist.
static DECOY: LazyLock<String> =
    LazyLock::new(|| hash_blocking(&super::secrets::generate("")).unwrap_or_default());

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            AppError::Internal
        })?
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

/// Bounds password checks at sign-in. Each argon2id check holds about 19 MiB and a core for tens
/// of milliseconds; unbounded, a burst of anonymous sign-ins runs hundreds at once on blocking
/// threads (gigabytes of memory, every core busy, page loads starving). At most `concurrency`
/// checks run; up to `queue` more wait for a turn; beyond that a sign-in is refused at once with
/// 429 and Retry-After instead of piling up.
#[derive(Debug)]
pub struct PasswordGate {
    running: Arc<Semaphore>,
    /// Checks running plus waiting.
    admitted: AtomicUsize,
    capacity: usize,
    checks: AtomicU64,
}

/// Seconds a refused sign-in is told to wait: a queue's worth of checks takes well under this.
const BUSY_RETRY_SECS: u64 = 2;

impl PasswordGate {
    pub fn new(concurrency: usize, queue: usize) -> PasswordGate {
        let concurrency = concurrency.max(1);
        PasswordGate {
            running: Arc::new(Semaphore::new(concurrency)),
            admitted: AtomicUsize::new(0),
            capacity: concurrency + queue,
            checks: AtomicU64::new(0),
        }
    }

    /// Passwords checked so far (for tests and metrics): each one cost a full argon2id run.
    pub fn checks(&self) -> u64 {
        self.checks.load(Ordering::Relaxed)
    }

    /// Checks running or waiting right now.
    pub fn admitted(&self) -> usize {
        self.admitted.load(Ordering::Acquire)
    }

    /// Verifies against `hash`, or against a decoy when there is no account; `RateLimited` when
    /// the gate is full.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AppError> {
        self.run(move || match hash {
            Some(h) => verify_blocking(&password, &h),
            None => {
                verify_blocking(&password, &DECOY);
                false
            }
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        check: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(AppError::RateLimited {
                message:
                    "Too many sign-ins are being checked right now. Try again in a few seconds."
                        .into(),
                retry_after_secs: BUSY_RETRY_SECS,
            });
        }
        let _admitted = Admitted(&self.admitted);
        let permit = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal)?;
        self.checks.fetch_add(1, Ordering::Relaxed);
        // The permit moves into the blocking task: a caller that goes away mid-check does not
        // free its slot before the check has really finished.
        tokio::task::spawn_blocking(move || {
            let result = check();
            drop(permit);
            result
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password check task failed");
            AppError::Internal
        })
    }
}

/// Sized as configured (by default one check per core and a queue of two per core).
impl From<&Settings> for PasswordGate {
    fn from(settings: &Settings) -> PasswordGate {
        PasswordGate::new(settings.password_checks, settings.password_check_queue)
    }
}

/// Leaves the gate when a check finishes or its caller goes away.
struct Admitted<'a>(&'a AtomicUsize);

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery".into()).await.unwrap();
        let b = hash("correct horse battery".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "salts differ");
        let gate = PasswordGate::from(&Settings::default());
        let verify = |p: &str, h: Option<String>| gate.verify(p.into(), h);
        assert_eq!(
            verify("correct horse battery", Some(a.clone())).await,
            Ok(true)
        );
        assert_eq!(verify("wrong horse battery", Some(a)).await, Ok(false));
        assert_eq!(verify("anything", None).await, Ok(false));
        assert_eq!(
            verify("anything", Some("not a hash".into())).await,
            Ok(false)
        );
        assert_eq!(gate.checks(), 4);
    }

    /// Waits (without a deadline) until `n` checks are inside the gate.
    async fn until_admitted(gate: &PasswordGate, n: usize) {
        while gate.admitted() != n {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_gate_refuses_at_once_and_frees_up_after() {
        let gate = Arc::new(PasswordGate::new(1, 1));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let running = tokio::spawn({
            let gate = gate.clone();
            async move { gate.run(move || hold.recv().is_ok()).await }
        });
        until_admitted(&gate, 1).await;
        let queued = tokio::spawn({
            let gate = gate.clone();
            async move { gate.run(|| "queued ran").await }
        });
        until_admitted(&gate, 2).await;
        // One running, one waiting: the next is refused, not queued.
        match gate.run(|| ()).await {
            Err(AppError::RateLimited {
                retry_after_secs, ..
            }) => assert!(retry_after_secs > 0),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(gate.checks(), 1, "the refused check never ran");
        release.send(()).unwrap();
        assert_eq!(running.await.unwrap(), Ok(true));
        assert_eq!(queued.await.unwrap(), Ok("queued ran"));
        assert_eq!(gate.admitted(), 0);
        assert_eq!(gate.run(|| 7).await, Ok(7), "room again");
        assert_eq!(gate.checks(), 3);
    }
}
