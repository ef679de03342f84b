//! `ingot serve` as a real process on a test database, as a deployment runs it; what it prints
//! (its log included) is kept for the test to read.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

pub struct ServeProcess {
    child: tokio::process::Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    printed: Arc<Mutex<Vec<String>>>,
}

impl ServeProcess {
    /// Starts `ingot serve` on a free port and waits until it listens. `log` is the level of
    /// `INGOT_LOG` (e.g. `warn`, or `info` to read what the background jobs did).
    pub async fn start(url: &str, files: &Path, log: &str) -> ServeProcess {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_ingot"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("DATABASE_URL", url)
            .env("INGOT_FILES_DIR", files)
            .env("INGOT_LOG", log)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start ingot serve");
        let printed = Arc::new(Mutex::new(Vec::new()));
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = tokio::time::timeout(Duration::from_secs(120), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                let listening = line.split("running at ").nth(1).map(|rest| {
                    rest.split_whitespace()
                        .next()
                        .unwrap()
                        .trim_end_matches('/')
                        .to_string()
                });
                printed.lock().unwrap().push(line);
                if let Some(base) = listening {
                    return base;
                }
            }
            panic!(
                "ingot serve ended before listening:\n{}",
                printed.lock().unwrap().join("\n")
            )
        })
        .await
        .expect("ingot serve starts within two minutes");
        // Keep reading, so the server never blocks on a full pipe.
        let keep = printed.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                keep.lock().unwrap().push(line);
            }
        });
        ServeProcess {
            child,
            base,
            printed,
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// Every line printed so far.
    pub fn printed(&self) -> Vec<String> {
        self.printed.lock().unwrap().clone()
    }

    /// SIGKILL: no shutdown, no flushing, whatever was in flight is cut off.
    pub async fn kill(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }
}
