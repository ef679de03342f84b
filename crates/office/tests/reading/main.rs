//! Reading spreadsheets: hostile files are refused quickly with their own code, ordinary
//! files read as before, and properties hold for arbitrary input. One binary, several modules.

mod hostile_csv;
mod hostile_xlsx;
mod normal;
mod properties;
mod support;
