//! The front-end packages come from npm (pinned by package-lock.json) and are embedded into the
//! binary. Fail early, with the fix, when they have not been installed.

use std::path::Path;

const PACKAGES: &[&str] = &[
    "htmx.org/dist/htmx.min.js",
    "chart.js/dist/chart.umd.min.js",
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules");
    for file in PACKAGES {
        let path = root.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        if !path.exists() {
            panic!(
                "\n\nFront-end package file missing: {}\nRun `npm ci` in the repository root first (see README.md).\n\n",
                path.display()
            );
        }
    }
}
