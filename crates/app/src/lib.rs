//! Use cases. Each takes a transaction and a caller, checks the policy, writes, and records the
//! audit row (and the change-log row for searchable objects) in that same transaction.

pub mod account;
pub mod audit;
pub mod audit_log;
pub mod auth;
mod caller;
pub mod campaigns;
pub mod dashboard;
pub mod demo;
pub mod directory;
pub mod files;
pub mod innovation;
pub mod notifications;
pub mod org_import;
pub mod orgs;
pub mod outbound;
pub mod passwords;
pub mod programmes;
pub mod proposals;
pub mod reach;
pub mod reindex;
pub mod reports;
pub mod search;
pub mod secrets;
pub mod studios;
pub mod throttle;
pub mod users;

pub use caller::{Caller, Who};
pub use ingot_domain::AppError;

pub type Result<T> = std::result::Result<T, AppError>;
