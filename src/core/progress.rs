//! Saved progress: answers and scores per pack, written atomically.

use crate::core::grade::Answer;
use crate::core::i18n::Lang;
use crate::tr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    #[default]
    SelfCheck,
    Exam,
}

/// A mode name that is neither `self-check` nor `exam`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownMode(pub String);

impl UnknownMode {
    pub fn render(&self, lang: Lang) -> String {
        tr!(lang, "core-progress-unknown-mode", mode = self.0.as_str())
    }
}

impl std::fmt::Display for UnknownMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for UnknownMode {}

impl std::str::FromStr for Mode {
    type Err = UnknownMode;
    fn from_str(s: &str) -> Result<Self, UnknownMode> {
        match s {
            "self-check" | "selfcheck" | "self" => Ok(Mode::SelfCheck),
            "exam" => Ok(Mode::Exam),
            other => Err(UnknownMode(other.to_string())),
        }
    }
}

impl Mode {
    pub fn slug(self) -> &'static str {
        match self {
            Mode::SelfCheck => "self-check",
            Mode::Exam => "exam",
        }
    }
}

/// What is kept of one question.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SavedQuestion {
    /// The last answer given (graded or, in exam mode, waiting for submission).
    #[serde(default)]
    pub answer: Option<Answer>,
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub hints_shown: usize,
    /// Text typed but not yet submitted.
    #[serde(default)]
    pub draft: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Progress {
    pub pack_id: String,
    pub mode: Mode,
    #[serde(default)]
    pub last_question: Option<String>,
    #[serde(default)]
    pub questions: BTreeMap<String, SavedQuestion>,
    #[serde(default)]
    pub exam_submitted: bool,
    #[serde(default)]
    pub exam_elapsed_secs: u64,
}

/// Where progress files live: `--data-dir`, else `$MLTUTOR_DATA_DIR`, else the platform's
/// data directory.
pub fn data_dir(flag: Option<&Path>) -> PathBuf {
    if let Some(d) = flag {
        return d.to_path_buf();
    }
    if let Some(d) = std::env::var_os("MLTUTOR_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    dirs::data_dir()
        .map(|d| d.join("mltutor"))
        .unwrap_or_else(|| PathBuf::from(".mltutor"))
}

/// The progress file of a pack in a mode.
pub fn progress_path(dir: &Path, pack_id: &str, mode: Mode) -> PathBuf {
    let safe: String = pack_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{safe}.{}.json", mode.slug()))
}

/// Why a progress file could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum ProgressError {
    /// The file could not be read (the system's reason).
    Read(String),
    /// The file is not progress JSON (the parser's reason).
    Parse(String),
    /// And it could not be moved aside either.
    NotMoved {
        why: Box<ProgressError>,
        move_error: String,
    },
}

impl ProgressError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            ProgressError::Read(why) | ProgressError::Parse(why) => why.clone(),
            ProgressError::NotMoved { why, move_error } => tr!(
                lang,
                "core-progress-not-moved",
                why = why.render(lang),
                error = move_error.as_str()
            ),
        }
    }
}

impl std::fmt::Display for ProgressError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for ProgressError {}

/// What loading found.
#[derive(Debug)]
pub enum Loaded {
    Fresh,
    Resumed(Progress),
    /// The file could not be read as progress; it was moved aside to the given path.
    MovedAside(PathBuf, ProgressError),
}

/// Load progress; a corrupt file is moved aside, never a crash.
pub fn load(path: &Path) -> Loaded {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Fresh,
        Err(e) => return aside(path, ProgressError::Read(e.to_string())),
    };
    match serde_json::from_str::<Progress>(&text) {
        Ok(p) => Loaded::Resumed(p),
        Err(e) => aside(path, ProgressError::Parse(e.to_string())),
    }
}

fn aside(path: &Path, why: ProgressError) -> Loaded {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let target = path.with_extension(format!("json.corrupt-{stamp}"));
    match std::fs::rename(path, &target) {
        Ok(()) => Loaded::MovedAside(target, why),
        Err(e) => Loaded::MovedAside(
            path.to_path_buf(),
            ProgressError::NotMoved {
                why: Box::new(why),
                move_error: e.to_string(),
            },
        ),
    }
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, synced,
/// then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("progress");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

pub fn save(path: &Path, p: &Progress) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(p).map_err(std::io::Error::other)?;
    write_atomic(path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corrupt_file_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = progress_path(dir.path(), "enm/ml test", Mode::Exam);
        assert!(path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("enm_ml_test.exam"));
        assert!(matches!(load(&path), Loaded::Fresh));
        let mut p = Progress {
            pack_id: "x".into(),
            ..Default::default()
        };
        p.questions.insert(
            "q4a".into(),
            SavedQuestion {
                answer: Some(Answer::Typed("53300".into())),
                score: Some(1.0),
                ..Default::default()
            },
        );
        save(&path, &p).unwrap();
        match load(&path) {
            Loaded::Resumed(q) => assert_eq!(q, p),
            other => panic!("{other:?}"),
        }
        std::fs::write(&path, "{ not json").unwrap();
        match load(&path) {
            Loaded::MovedAside(to, _) => {
                assert!(to.exists() && !path.exists());
                assert_eq!(std::fs::read_to_string(to).unwrap(), "{ not json");
            }
            other => panic!("{other:?}"),
        }
    }
}
