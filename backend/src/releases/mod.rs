//! One release machinery for everything apps receive as a whole: config namespaces and menus
//! today, anything later. A subject has a draft per environment (stored its own way, behind
//! [`Releasable`]), immutable numbered releases and a head naming the release apps get, in one
//! pair of tables ([`store`]). Publishing, rolling back and discarding run one implementation
//! ([`flow`]) for every subject. Gray release is config's layer on top (`config_gray`).

pub mod audit;
pub mod commands;
pub mod flow;
pub mod queries;
pub mod store;

use crate::changes::Topic;
use crate::command::Context;
use crate::db::Tx;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
pub use store::{Head, SummaryRow};
use switchboard_core::domain::Environment;
use switchboard_core::permissions::Resource;
use switchboard_error::AppError;

/// The subject's row id and the environment's.
pub type Ids = (i64, i64);

/// A kind of thing that changes for apps only by release. Implemented by the row type of one
/// subject (a namespace, a menu), which carries its id.
pub trait Releasable: Send + Sync {
    /// The `subject` column of the release tables.
    const SUBJECT: &'static str;
    /// The table holding this kind's rows (`id`, `key`), for lookups by key.
    const TABLE: &'static str;
    /// The audit trail's entity types of this kind's drafts and releases.
    const AUDIT_DRAFT: &'static str;
    const AUDIT_RELEASE: &'static str;
    /// What running apps read of this kind (refreshed after a release).
    const TOPICS: &'static [Topic];
    /// The whole released state, stored as JSON.
    type Content: Serialize + DeserializeOwned + Default + Clone + PartialEq + Send + Sync;
    /// A release as the history lists it: the facts every release has, and the subject's
    /// layer's (a config release's gray target).
    type Summary: Clone + Send + Sync;

    /// Reads a stored release's facts; a kind this subject cannot have is a corrupt row.
    fn summary(row: SummaryRow) -> Result<Self::Summary, AppError>;
    fn version(summary: &Self::Summary) -> i64;

    fn id(&self) -> i64;
    fn key(&self) -> &str;

    /// What a permission to release this kind in `env` is a permission on.
    fn resource(env: &Environment) -> Resource<'_>;

    /// The subject named `key` (404 when there is none).
    fn find(tx: &mut Tx, key: &str) -> impl Future<Output = Result<Self, AppError>> + Send
    where
        Self: Sized;

    /// What must hold before apps get another release of it (config: no gray release
    /// running); checked by publish and rollback alike.
    fn may_release(
        &self,
        _tx: &mut Tx,
        _env: &Environment,
    ) -> impl Future<Output = Result<(), AppError>> + Send {
        async { Ok(()) }
    }

    /// The number of entries or items a release shows in the history.
    fn count(content: &Self::Content) -> usize;

    /// The content as the audit trail keeps it, under its field name (config's entries with
    /// secrets masked, a menu's item tree).
    fn audit_content(content: &Self::Content) -> (&'static str, serde_json::Value);

    /// How many changes turn `from` into `to` (0: they deliver the same).
    fn changes(from: &Self::Content, to: &Self::Content) -> usize;

    /// Holds the draft for the rest of the transaction and returns its version; with `reviewed`,
    /// answers 409 unless the draft is still at the version whose diff the user reviewed.
    fn claim_draft(
        &self,
        tx: &mut Tx,
        environment_id: i64,
        reviewed: Option<i64>,
    ) -> impl Future<Output = Result<i64, AppError>> + Send;

    /// What the draft holds now.
    fn draft(
        &self,
        tx: &mut Tx,
        environment_id: i64,
        head: Option<Head>,
    ) -> impl Future<Output = Result<Self::Content, AppError>> + Send;

    /// Makes the claimed draft hold `content` (after a release, or to discard it).
    fn settle_draft(
        &self,
        tx: &mut Tx,
        ctx: &Context<'_>,
        environment_id: i64,
        claimed: i64,
        content: &Self::Content,
    ) -> impl Future<Output = Result<(), AppError>> + Send;

    /// The rules a release must meet beyond each draft edit's own (a whole config namespace's
    /// values; the flags menu items depend on still existing).
    fn check_release(
        &self,
        tx: &mut Tx,
        ctx: &Context<'_>,
        content: &Self::Content,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
}
