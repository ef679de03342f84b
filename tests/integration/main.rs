//! One integration-test binary (one link), run against SQLite and PostgreSQL alike.

mod support;

mod access;
mod achievements;
mod api;
mod audit;
mod auth;
mod campaign_security;
mod campaigns;
mod cli;
mod crash;
mod dashboards;
mod files_gc;
mod fuzz_found;
mod generate;
mod labels;
mod list_fragments;
mod orgs;
mod overload;
mod programmes;
mod proposals_api;
mod proposals_pages;
mod query_counts;
mod races;
mod records_transfer;
mod reports;
mod returns;
mod scale_out;
mod search;
mod search_engines;
mod security;
mod sign_in;
mod storage;
mod studios;
mod upgrade;
mod users;
