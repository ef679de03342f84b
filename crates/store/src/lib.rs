//! Storage on SQLite (embedded default) and PostgreSQL with one SQL text for both.
//!
//! `Db` is an enum over the two native sqlx pools; `Tx` is a transaction on either. Repositories
//! take `&mut Tx` and write portable SQL (`$N` placeholders, `RETURNING`, BIGINT columns,
//! instants bound from Rust); whatever differs between the two lives in `dialect`.

pub mod attachments;
pub mod audit;
pub mod audit_tally;
pub mod bulk;
pub mod campaigns;
pub mod changes;
pub mod constraints;
mod db;
pub mod dialect;
pub mod file_refs;
pub mod generated;
pub mod grants;
pub mod held_counts;
pub mod innovation;
pub mod migrate;
pub mod notifications;
pub mod org_tally;
pub mod orgs;
pub mod outbound;
pub mod programmes;
pub mod proposal_config;
pub mod proposal_stats;
pub mod proposals;
pub mod query_count;
pub mod record_tally;
pub mod search_docs;
pub mod search_index;
pub mod server_keys;
pub mod sessions;
pub mod signatures;
mod sql;
pub mod stat_returns;
pub mod studio_tally;
pub mod studios;
pub mod subtree;
pub mod throttle;
pub mod tokens;
pub mod transfer;
pub mod users;

pub use db::{Backend, Db, DbOptions, Tx};
pub use sql::{Arg, LIST_COUNT_CAP, Page, Sql, SqlBuilder, Total};

pub type Result<T> = std::result::Result<T, ingot_domain::AppError>;
