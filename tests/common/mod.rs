//! What several test files share.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Runs the `amt` command without colours.
pub fn amt(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_amt"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("amt runs")
}

/// A fresh temporary folder, removed when dropped (also when a test fails).
pub struct Temp(pub PathBuf);

impl Temp {
    /// `name` must be unique among the tests of one file; the test file and
    /// the process tell apart the rest.
    pub fn new(name: &str) -> Temp {
        let dir = std::env::temp_dir().join(format!(
            "amt-test-{}-{}-{name}",
            env!("CARGO_CRATE_NAME"),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Temp(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes a file (and the folders it needs) into the folder.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub fn s(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
