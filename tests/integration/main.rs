//! One integration-test binary (one link), run against SQLite and PostgreSQL alike.

mod support;

mod achievements;
mod api;
mod audit;
mod auth;
mod campaigns;
mod cli;
mod orgs;
mod programmes;
mod proposals_api;
mod proposals_pages;
mod search;
mod storage;
mod studios;
mod users;
