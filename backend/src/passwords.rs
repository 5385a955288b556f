//! argon2id password hashing, off the async runtime (it is deliberately slow), and the gate that
//! bounds how many sign-in checks run at once.

use super::settings::Settings;
use argon2::password_hash::Output;
use argon2::password_hash::SaltString;
use argon2::password_hash::rand_core::OsRng;
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher, Version};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use switchboard_error::AppError;
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

/// Checks `password` against a PHC-format argon2 `hash`, computing in `memory` (grown to the
/// hash's memory cost and kept for the next check). Reusing the ~19 MiB work area instead of
/// allocating one per check keeps the allocator from scattering and retaining a copy per thread.
fn verify_blocking(password: &str, hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut computed = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut computed,
            &mut memory[..blocks],
        )
        .is_ok()
        // `Output` compares in constant time.
        && Output::new(&computed).is_ok_and(|c| c == expected)
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
    /// Work areas of finished checks, one per permit at most, for the next checks to reuse.
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
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
            memory: Arc::new(Mutex::new(Vec::new())),
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

    /// A place among the sign-ins being checked or waiting, or `RateLimited` at once when there
    /// is none. The server takes it as a sign-in request arrives, before the render thread and
    /// the database, so a burst beyond the gate costs neither a write nor a wait; the place is
    /// held until the answer is ready.
    pub fn admit(self: &Arc<Self>) -> Result<Admission, AppError> {
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(Self::busy());
        }
        Ok(Admission { gate: self.clone() })
    }

    /// The refusal when every place is taken.
    pub fn busy() -> AppError {
        AppError::RateLimited {
            message: "Too many sign-ins are being checked right now. Try again in a few seconds."
                .into(),
            retry_after_secs: BUSY_RETRY_SECS,
        }
    }
}

/// An admitted sign-in; dropping it (answered, or the caller gone) frees the place.
pub struct Admission {
    gate: Arc<PasswordGate>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.gate.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

impl PasswordGate {
    /// Verifies against `hash`, or against a decoy when there is no account, once one of the
    /// `concurrency` check slots is free (this bounds the memory and cores used, admitted or not).
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AppError> {
        self.run(move |memory| match hash {
            Some(h) => verify_blocking(&password, &h, memory),
            None => {
                verify_blocking(&password, &DECOY, memory);
                false
            }
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        check: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let gate = self;
        let permit = gate
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal)?;
        gate.checks.fetch_add(1, Ordering::Relaxed);
        // The permit moves into the blocking task: a caller that goes away mid-check does not
        // free its slot before the check has really finished.
        let pool = gate.memory.clone();
        tokio::task::spawn_blocking(move || {
            let mut memory = pool
                .lock()
                .ok()
                .and_then(|mut p| p.pop())
                .unwrap_or_default();
            let result = check(&mut memory);
            if let Ok(mut p) = pool.lock() {
                p.push(memory);
            }
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

    #[test]
    fn checks_follow_the_parameters_of_the_stored_hash_and_reuse_memory() {
        let params = Params::new(8 * 1024, 2, 1, None).unwrap();
        let small = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(
                b"small memory passphrase",
                &SaltString::generate(&mut OsRng),
            )
            .unwrap()
            .to_string();
        let default = hash_blocking("default memory passphrase").unwrap();
        let mut memory = Vec::new();
        assert!(verify_blocking(
            "small memory passphrase",
            &small,
            &mut memory
        ));
        assert_eq!(memory.len(), 8 * 1024, "one block per KiB of m");
        assert!(!verify_blocking(
            "small memory passphrase!",
            &small,
            &mut memory
        ));
        assert!(verify_blocking(
            "default memory passphrase",
            &default,
            &mut memory
        ));
        assert_eq!(memory.len(), 19 * 1024, "argon2's default m is 19 MiB");
        // A smaller hash after a larger one uses part of the same area.
        assert!(verify_blocking(
            "small memory passphrase",
            &small,
            &mut memory
        ));
        assert_eq!(memory.len(), 19 * 1024);
        assert!(!verify_blocking(
            "x",
            "$argon2id$v=19$m=8,t=1,p=1$bm90$YQ",
            &mut memory
        ));
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
            async move {
                let _place = gate.admit()?;
                gate.run(move |_| hold.recv().is_ok()).await
            }
        });
        until_admitted(&gate, 1).await;
        let queued = tokio::spawn({
            let gate = gate.clone();
            async move {
                let _place = gate.admit()?;
                gate.run(|_| "queued ran").await
            }
        });
        until_admitted(&gate, 2).await;
        // One running, one waiting: the next is refused, not queued.
        match gate.admit().map(|_| ()) {
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
        let _place = gate.admit().expect("room again");
        assert_eq!(gate.run(|_| 7).await, Ok(7));
        assert_eq!(gate.checks(), 3);
    }
}
