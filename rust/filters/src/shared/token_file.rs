//! A file of tokens, one per line, that `header_auth` compares request values
//! with; re-read by the `lab_status` bootstrap extension's timer, so tokens
//! change without a restart.
//!
//! Format: one token per line; surrounding whitespace is trimmed; empty lines
//! and lines starting with `#` are skipped. At most
//! [`MAX_VALUES`] tokens, none containing NUL.
//!
//! At configuration time the file must be readable and hold at least one
//! token, or the config is refused. On a reload, a file that is missing,
//! unreadable, empty or invalid keeps the previous set and logs one warning
//! (once until the file is good again, then one info line saying so); a good
//! file replaces the set at once, for every stream that starts after it.
//!
//! Every configuration naming the same path shares one [`TokenFile`]: the
//! registry holds weak references, so a file no config uses is forgotten.

use envoy_dm_sdk::envoy_log;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};

/// At most this many tokens in one file (header_auth takes as many inline).
pub const MAX_VALUES: usize = 1024;

/// A token file's largest size; anything bigger is not a token list.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

pub struct TokenFile {
    path: PathBuf,
    tokens: RwLock<Arc<Vec<Vec<u8>>>>,
    /// Set while the file is bad, so the warning is logged once.
    failing: AtomicBool,
    reloads: AtomicU64,
}

/// Every token file in use, by path.
static FILES: Mutex<Vec<Weak<TokenFile>>> = Mutex::new(Vec::new());

/// The tokens of the file at `path`, or why there are none.
pub fn parse(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let shown = path.display();
    let meta =
        std::fs::metadata(path).map_err(|e| format!("tokens_file {shown}: cannot open it: {e}"))?;
    if !meta.is_file() {
        return Err(format!("tokens_file {shown}: not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "tokens_file {shown}: {} bytes is over the {MAX_FILE_BYTES}-byte limit",
            meta.len()
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("tokens_file {shown}: cannot open it: {e}"))?;
    parse_bytes(&bytes).map_err(|why| format!("tokens_file {shown}: {why}"))
}

/// The tokens in a file's bytes (see the module comment for the format).
pub fn parse_bytes(bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut tokens = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let token = line.trim_ascii();
        if token.is_empty() || token.starts_with(b"#") {
            continue;
        }
        if token.contains(&0) || token.contains(&b'\r') {
            return Err(format!("line {} contains NUL or CR", i + 1));
        }
        if tokens.len() == MAX_VALUES {
            return Err(format!("more than {} tokens", MAX_VALUES));
        }
        tokens.push(token.to_vec());
    }
    if tokens.is_empty() {
        return Err("has no tokens".to_string());
    }
    Ok(tokens)
}

impl TokenFile {
    /// The shared token file at `path`, read now; refused when it is not good.
    pub fn open(path: &Path) -> Result<Arc<TokenFile>, String> {
        let tokens = parse(path)?;
        let mut files = FILES.lock().unwrap_or_else(|e| e.into_inner());
        files.retain(|f| f.strong_count() > 0);
        if let Some(found) = files
            .iter()
            .filter_map(Weak::upgrade)
            .find(|f| f.path == path)
        {
            found.replace(tokens);
            return Ok(found);
        }
        let file = Arc::new(TokenFile {
            path: path.to_path_buf(),
            tokens: RwLock::new(Arc::new(tokens)),
            failing: AtomicBool::new(false),
            reloads: AtomicU64::new(0),
        });
        files.push(Arc::downgrade(&file));
        Ok(file)
    }

    /// The current set: the streams that start now compare with it.
    pub fn tokens(&self) -> Arc<Vec<Vec<u8>>> {
        Arc::clone(&self.tokens.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Good reloads so far.
    pub fn reloads(&self) -> u64 {
        self.reloads.load(Ordering::Relaxed)
    }

    /// Whether the last reload kept the old set because the file was bad.
    pub fn failing(&self) -> bool {
        self.failing.load(Ordering::Relaxed)
    }

    fn replace(&self, tokens: Vec<Vec<u8>>) {
        *self.tokens.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(tokens);
    }

    /// Re-reads the file: a good one replaces the set, a bad one keeps it.
    pub fn reload(&self) {
        match parse(&self.path) {
            Ok(tokens) => {
                let changed = *self.tokens() != tokens;
                self.replace(tokens);
                self.reloads.fetch_add(1, Ordering::Relaxed);
                if self.failing.swap(false, Ordering::Relaxed) || changed {
                    envoy_log!(
                        Info,
                        "header_auth: tokens_file {} loaded ({} tokens)",
                        self.path.display(),
                        self.tokens().len()
                    );
                }
            }
            Err(why) => {
                if !self.failing.swap(true, Ordering::Relaxed) {
                    envoy_log!(
                        Warn,
                        "header_auth: {why}; keeping the previous {} tokens",
                        self.tokens().len()
                    );
                }
            }
        }
    }
}

/// Every token file some config still uses.
pub fn all() -> Vec<Arc<TokenFile>> {
    let mut files = FILES.lock().unwrap_or_else(|e| e.into_inner());
    files.retain(|f| f.strong_count() > 0);
    files.iter().filter_map(Weak::upgrade).collect()
}

/// Re-reads every token file in use (lab_status's timer).
pub fn reload_all() {
    for file in all() {
        file.reload();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tokens file holding `text`, in a directory removed when the test
    /// drops it.
    fn temp(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn parses_one_token_a_line() {
        assert_eq!(
            parse_bytes(b"# comment\n a \n\nb\rc\n").unwrap_err(),
            "line 4 contains NUL or CR"
        );
        assert_eq!(
            parse_bytes(b"# comment\n a \n\nb\n").unwrap(),
            vec![b"a".to_vec(), b"b".to_vec()]
        );
        assert_eq!(parse_bytes(b"\n# only\n").unwrap_err(), "has no tokens");
        let many = "t\n".repeat(MAX_VALUES + 1);
        assert!(parse_bytes(many.as_bytes())
            .unwrap_err()
            .starts_with("more than"));
    }

    #[test]
    fn a_bad_reload_keeps_the_old_set_and_a_good_one_replaces_it() {
        let (_dir, path) = temp("one\n");
        let file = TokenFile::open(&path).unwrap();
        assert_eq!(*file.tokens(), vec![b"one".to_vec()]);
        std::fs::remove_file(&path).unwrap();
        file.reload();
        assert!(file.failing());
        assert_eq!(*file.tokens(), vec![b"one".to_vec()]);
        std::fs::write(&path, "").unwrap();
        file.reload();
        assert_eq!(*file.tokens(), vec![b"one".to_vec()]);
        std::fs::write(&path, "two\nthree\n").unwrap();
        file.reload();
        assert!(!file.failing());
        assert_eq!(*file.tokens(), vec![b"two".to_vec(), b"three".to_vec()]);
        // One path, one shared file.
        let again = TokenFile::open(&path).unwrap();
        assert!(Arc::ptr_eq(&file, &again));
        assert!(all().iter().any(|f| Arc::ptr_eq(f, &file)));
    }

    #[test]
    fn a_missing_file_is_refused_at_config_time() {
        let err = TokenFile::open(Path::new("/nonexistent/tokens"))
            .err()
            .unwrap();
        assert!(
            err.starts_with("tokens_file /nonexistent/tokens: "),
            "{err}"
        );
    }
}
