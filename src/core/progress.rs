//! Saved progress: answers and scores per pack, written atomically.

use crate::core::grade::Answer;
use crate::core::i18n::Lang;
use crate::core::pack::{Ask, Kind, Pack};
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
    /// The student's name (exam mode).
    #[serde(default)]
    pub student: Option<String>,
    /// When the exam started and when it ends, UNIX seconds: a wall-clock deadline, so
    /// closing the program does not stop the clock.
    #[serde(default)]
    pub exam_started_at: Option<u64>,
    #[serde(default)]
    pub exam_deadline: Option<u64>,
    /// When the exam was submitted, UNIX seconds.
    #[serde(default)]
    pub exam_ended_at: Option<u64>,
    /// Every answer submitted during the exam per question id, oldest first.
    #[serde(default)]
    pub exam_answers: BTreeMap<String, Vec<Answer>>,
    /// Seconds each question was open during the exam, per question id.
    #[serde(default)]
    pub exam_times: BTreeMap<String, u64>,
    /// Whether the exam's report was handed to the writer (it is written once).
    #[serde(default)]
    pub exam_reported: bool,
    /// Self-check: the first graded try and the number of graded tries, per question id
    /// (absent from saves made before they were kept: those load without them).
    #[serde(default)]
    pub first_tries: BTreeMap<String, FirstTry>,
    /// The variant of a pack with variables these answers were given on (issue 15): a
    /// restart keeps it, and a save for another variant is not mixed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<u64>,
}

/// A question's first graded answer and how many graded answers were given (self-check;
/// answers that could not be read are not tries).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FirstTry {
    pub score: f64,
    pub attempts: u32,
}

/// What [`Progress::fit_to`] changed in a save file that parsed but did not fit the pack.
#[derive(Debug, Clone, PartialEq)]
pub enum Repair {
    /// The file was saved for another pack.
    OtherPack { found: String },
    /// Answers to a question the pack does not have were dropped.
    UnknownQuestion { id: String },
    /// An answer that does not fit its question (wrong kind, an index out of range) was dropped.
    AnswerDropped { id: String },
    /// A score that is not a number between 0 and 1 was dropped.
    ScoreDropped { id: String },
    /// More hints shown than the question has: brought down to its count.
    HintsClamped { id: String },
}

impl Repair {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Repair::OtherPack { found } => {
                tr!(lang, "hard-repair-other-pack", found = found.as_str())
            }
            Repair::UnknownQuestion { id } => {
                tr!(lang, "hard-repair-unknown-question", id = id.as_str())
            }
            Repair::AnswerDropped { id } => {
                tr!(lang, "hard-repair-answer-dropped", id = id.as_str())
            }
            Repair::ScoreDropped { id } => {
                tr!(lang, "hard-repair-score-dropped", id = id.as_str())
            }
            Repair::HintsClamped { id } => {
                tr!(lang, "hard-repair-hints-clamped", id = id.as_str())
            }
        }
    }
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

/// Whether `answer` is one that `kind` can show and grade: the right variant, every index
/// inside its list. A computed parameter-free question's options are the model's layers.
pub fn answer_fits(answer: &Answer, kind: &Kind, pack: &Pack) -> bool {
    let all_below = |idx: &[usize], n: usize| idx.iter().all(|&i| i < n);
    match (kind, answer) {
        (Kind::Open { key_points, .. }, Answer::Open { ticked, .. }) => {
            all_below(ticked, key_points.len())
        }
        (Kind::Choice { options, .. }, Answer::Choice(picked)) => {
            picked.len() <= options.len() && all_below(picked, options.len())
        }
        (Kind::Numeric { .. } | Kind::ShortAnswer { .. }, Answer::Typed(_)) => true,
        (Kind::Matching { pairs }, Answer::Matching(chosen)) => {
            let (lefts, rights, _) = crate::core::grade::match_sides(pairs);
            chosen.len() == lefts.len() && chosen.iter().flatten().all(|r| *r < rights.len())
        }
        // A description is "answered" by reading it: an empty choice.
        (Kind::Description, Answer::Choice(picked)) => picked.is_empty(),
        (Kind::Order { steps }, Answer::Order(order)) => {
            order.len() <= steps.len() && all_below(order, steps.len())
        }
        (
            Kind::Computed {
                ask: Ask::ParameterFree,
                model,
                ..
            },
            Answer::Choice(picked),
        ) => pack.model(model).is_some_and(|m| {
            // The options are the distinct labels of the leaf layers (sub-modules unfolded),
            // as the summary lists them: more than the top-level layers for a graph.
            let mut labels: Vec<String> = Vec::new();
            for n in crate::core::spec::lower_or_chain(m).nodes {
                if !labels.contains(&n.label) {
                    labels.push(n.label);
                }
            }
            picked.len() <= labels.len() && all_below(picked, labels.len())
        }),
        (
            Kind::Computed {
                ask: Ask::ParameterCount { .. } | Ask::OutputShape { .. } | Ask::InputShape,
                ..
            },
            Answer::Typed(_),
        ) => true,
        // Every other pair is an answer of another kind: listed, so that a new kind or
        // answer is a compile error here rather than an answer dropped on resume.
        (
            Kind::Open { .. },
            Answer::Choice(_) | Answer::Typed(_) | Answer::Order(_) | Answer::Matching(_),
        )
        | (
            Kind::Choice { .. },
            Answer::Open { .. } | Answer::Typed(_) | Answer::Order(_) | Answer::Matching(_),
        )
        | (
            Kind::Numeric { .. } | Kind::ShortAnswer { .. },
            Answer::Open { .. } | Answer::Choice(_) | Answer::Order(_) | Answer::Matching(_),
        )
        | (
            Kind::Order { .. },
            Answer::Open { .. } | Answer::Choice(_) | Answer::Typed(_) | Answer::Matching(_),
        )
        | (
            Kind::Matching { .. },
            Answer::Open { .. } | Answer::Choice(_) | Answer::Typed(_) | Answer::Order(_),
        )
        | (
            Kind::Description,
            Answer::Open { .. } | Answer::Typed(_) | Answer::Order(_) | Answer::Matching(_),
        )
        | (
            Kind::Computed {
                ask: Ask::ParameterFree,
                ..
            },
            Answer::Open { .. } | Answer::Typed(_) | Answer::Order(_) | Answer::Matching(_),
        )
        | (
            Kind::Computed {
                ask: Ask::ParameterCount { .. } | Ask::OutputShape { .. } | Ask::InputShape,
                ..
            },
            Answer::Open { .. } | Answer::Choice(_) | Answer::Order(_) | Answer::Matching(_),
        ) => false,
    }
}

impl Progress {
    /// This progress made to fit `pack`: what refers to questions the pack does not have,
    /// answers that do not fit their question, scores that are not numbers in [0, 1] are
    /// dropped; each change is listed so the interface can say what it did.
    pub fn fit_to(&self, pack: &Pack) -> (Progress, Vec<Repair>) {
        let mut p = self.clone();
        let mut repairs = Vec::new();
        if p.pack_id != pack.meta.id {
            repairs.push(Repair::OtherPack {
                found: p.pack_id.clone(),
            });
            p.pack_id = pack.meta.id.clone();
        }
        if p.last_question
            .as_deref()
            .is_some_and(|id| pack.question(id).is_none())
        {
            p.last_question = None;
        }
        p.questions.retain(|id, saved| {
            let Some(q) = pack.question(id) else {
                repairs.push(Repair::UnknownQuestion { id: id.clone() });
                return false;
            };
            if saved
                .answer
                .as_ref()
                .is_some_and(|a| !answer_fits(a, &q.kind, pack))
            {
                saved.answer = None;
                saved.score = None;
                repairs.push(Repair::AnswerDropped { id: id.clone() });
            }
            if saved
                .score
                .is_some_and(|s| !(s.is_finite() && (0.0..=1.0).contains(&s)))
            {
                saved.score = None;
                repairs.push(Repair::ScoreDropped { id: id.clone() });
            }
            if saved.hints_shown > q.hints.len() {
                saved.hints_shown = q.hints.len();
                repairs.push(Repair::HintsClamped { id: id.clone() });
            }
            true
        });
        p.exam_answers.retain(|id, answers| {
            let Some(q) = pack.question(id) else {
                repairs.push(Repair::UnknownQuestion { id: id.clone() });
                return false;
            };
            let before = answers.len();
            answers.retain(|a| answer_fits(a, &q.kind, pack));
            if answers.len() != before {
                repairs.push(Repair::AnswerDropped { id: id.clone() });
            }
            true
        });
        p.exam_times.retain(|id, _| pack.question(id).is_some());
        p.first_tries.retain(|id, t| {
            if pack.question(id).is_none() {
                repairs.push(Repair::UnknownQuestion { id: id.clone() });
                return false;
            }
            if !(t.score.is_finite() && (0.0..=1.0).contains(&t.score)) || t.attempts == 0 {
                repairs.push(Repair::ScoreDropped { id: id.clone() });
                return false;
            }
            true
        });
        repairs.dedup();
        (p, repairs)
    }
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
    dir.join(format!("{}.{}.json", file_stem(pack_id), mode.slug()))
}

/// The most characters of an id kept in a file name; a longer id keeps its start and a
/// hash of the whole, so names stay far below the 255 bytes file systems allow.
pub const MAX_STEM_CHARS: usize = 64;

/// A file-name stem from an id: ASCII letters, digits, `-` and `_` kept, anything else
/// `_`; at most [`MAX_STEM_CHARS`] characters.
pub fn file_stem(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.len() <= MAX_STEM_CHARS {
        return safe;
    }
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{}-{hash:016x}", &safe[..MAX_STEM_CHARS - 17])
}

/// Why a progress file could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum ProgressError {
    /// The file could not be read (the system's reason).
    Read(String),
    /// The file is not progress JSON (the parser's reason).
    Parse(String),
    /// Not a regular file (a FIFO, a device, a folder).
    NotAFile,
    /// Larger than any progress file this program writes.
    TooLarge { bytes: u64 },
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
            ProgressError::NotAFile => tr!(lang, "hard-progress-not-a-file"),
            ProgressError::TooLarge { bytes } => {
                tr!(lang, "hard-progress-too-large", bytes = lang.num(*bytes))
            }
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

/// The largest progress file read (answers of thousands of questions fit in far less).
pub const MAX_SAVE_BYTES: u64 = 64 << 20;

/// Load progress; a corrupt file is moved aside, never a crash.
pub fn load(path: &Path) -> Loaded {
    // Only a regular file is read: opening a FIFO would block before any screen.
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Fresh,
        Ok(m) if !m.file_type().is_file() => {
            return aside(path, ProgressError::NotAFile);
        }
        Ok(m) if m.len() > MAX_SAVE_BYTES => {
            return aside(path, ProgressError::TooLarge { bytes: m.len() });
        }
        _ => {}
    }
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

/// [`load`], then [`Progress::fit_to`] `pack`: what the interface should call at start.
/// The repairs are for a message; the repaired progress is saved on the next save.
pub fn load_fitted(path: &Path, pack: &Pack) -> (Loaded, Vec<Repair>) {
    match load(path) {
        Loaded::Resumed(p) => {
            let (fitted, repairs) = p.fit_to(pack);
            (Loaded::Resumed(fitted), repairs)
        }
        other => (other, Vec::new()),
    }
}

fn aside(path: &Path, why: ProgressError) -> Loaded {
    match move_aside(path) {
        Ok(target) => Loaded::MovedAside(target, why),
        Err(e) => Loaded::MovedAside(
            path.to_path_buf(),
            ProgressError::NotMoved {
                why: Box::new(why),
                move_error: e.to_string(),
            },
        ),
    }
}

/// Move `path` to a backup name that no other backup has: `<file>.corrupt-<secs>`, then
/// `-2`, `-3`… for more in the same second. A hard link claims the name (it fails where
/// the name exists, unlike a rename, which would replace an earlier backup).
fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "progress".into());
    let mut last = None;
    for n in 1..=1000u32 {
        let suffix = if n == 1 {
            format!("{name}.corrupt-{stamp}")
        } else {
            format!("{name}.corrupt-{stamp}-{n}")
        };
        let target = path.with_file_name(suffix);
        if target.symlink_metadata().is_ok() {
            continue;
        }
        match std::fs::hard_link(path, &target) {
            Ok(()) => {
                std::fs::remove_file(path)?;
                sync_dir(path);
                return Ok(target);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // No hard links here (some file systems): a rename to the free name.
            Err(e) => {
                last = Some(e);
                if std::fs::rename(path, &target).is_ok() {
                    sync_dir(path);
                    return Ok(target);
                }
                break;
            }
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free backup name")))
}

/// Make a rename in `path`'s directory durable (best effort where a directory cannot be
/// opened, as on Windows).
fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, synced,
/// then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("progress");
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    // The rename itself is only durable once the directory is synced.
    std::fs::File::open(dir)?.sync_all()
}

pub fn save(path: &Path, p: &Progress) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(p).map_err(std::io::Error::other)?;
    write_atomic(path, &json)
}

/// Another instance holds the progress of this pack and mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// A running process (its id) holds the lock.
    Locked { pid: u32 },
    /// The lock file could not be written or read (the system's reason).
    Io(String),
}

impl LockError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            LockError::Locked { pid } => tr!(lang, "hard-lock-held", pid = pid.to_string()),
            LockError::Io(why) => tr!(lang, "hard-lock-io", why = why.as_str()),
        }
    }
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for LockError {}

/// Held while an instance works on a pack's progress; dropping it removes the lock file.
#[derive(Debug)]
pub struct LockGuard {
    path: PathBuf,
}

impl LockGuard {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The lock file beside a pack's progress file.
pub fn lock_path(dir: &Path, pack_id: &str, mode: Mode) -> PathBuf {
    dir.join(format!("{}.{}.lock", file_stem(pack_id), mode.slug()))
}

/// Whether process `pid` is running (on other systems than Unix: assumed running).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        if pid <= 0 {
            return false;
        }
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Take the lock on a pack's progress in `dir`: a file created only if absent, holding
/// this process's id. A lock whose process is gone (a crash, kill -9) is taken over; one
/// held by a running process gives [`LockError::Locked`] so the interface can tell the
/// student instead of letting two instances overwrite each other's answers.
pub fn acquire_lock(dir: &Path, pack_id: &str, mode: Mode) -> Result<LockGuard, LockError> {
    let io = |e: std::io::Error| LockError::Io(e.to_string());
    std::fs::create_dir_all(dir).map_err(io)?;
    let path = lock_path(dir, pack_id, mode);
    let me = std::process::id();
    for _ in 0..3 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(me.to_string().as_bytes()).map_err(io)?;
                f.sync_all().map_err(io)?;
                return Ok(LockGuard { path });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // Only a small regular file is read (a FIFO there must not block).
                let holder = std::fs::symlink_metadata(&path)
                    .ok()
                    .filter(|m| m.file_type().is_file() && m.len() < 64)
                    .and_then(|_| std::fs::read_to_string(&path).ok())
                    .and_then(|t| t.trim().parse::<u32>().ok());
                match holder {
                    Some(pid) if pid != me && alive(pid) => return Err(LockError::Locked { pid }),
                    // Stale (dead process, unreadable, or our own from an earlier run
                    // with a recycled id): removed, then created again.
                    _ => {
                        let _ = std::fs::remove_file(&path);
                    }
                }
            }
            Err(e) => return Err(io(e)),
        }
    }
    Err(LockError::Io("lock file keeps reappearing".into()))
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

    #[test]
    fn first_tries_round_trip_and_old_saves_load_without_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = progress_path(dir.path(), "x", Mode::SelfCheck);
        let mut p = Progress {
            pack_id: "x".into(),
            ..Default::default()
        };
        p.first_tries.insert(
            "q4a".into(),
            FirstTry {
                score: 0.0,
                attempts: 3,
            },
        );
        save(&path, &p).unwrap();
        match load(&path) {
            Loaded::Resumed(q) => assert_eq!(q.first_tries, p.first_tries),
            other => panic!("{other:?}"),
        }
        // A save written before first tries were kept.
        std::fs::write(
            &path,
            r#"{"pack_id":"x","mode":"self-check","questions":{"q4a":{"answer":{"Typed":"53300"},"score":1.0}}}"#,
        )
        .unwrap();
        match load(&path) {
            Loaded::Resumed(q) => {
                assert!(q.first_tries.is_empty());
                assert_eq!(q.questions["q4a"].score, Some(1.0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn first_tries_that_do_not_fit_are_dropped() {
        let pack = crate::core::pack::builtin_pack("en");
        let mut p = Progress {
            pack_id: pack.meta.id.clone(),
            ..Default::default()
        };
        let t = |score, attempts| FirstTry { score, attempts };
        p.first_tries.insert("q4a".into(), t(0.5, 2));
        p.first_tries.insert("q4b".into(), t(f64::NAN, 1));
        p.first_tries.insert("q5".into(), t(1.0, 0));
        p.first_tries.insert("nope".into(), t(1.0, 1));
        let (fit, repairs) = p.fit_to(&pack);
        assert_eq!(fit.first_tries.len(), 1);
        assert_eq!(fit.first_tries["q4a"], t(0.5, 2));
        assert_eq!(repairs.len(), 3, "{repairs:?}");
    }
}

#[cfg(test)]
mod graph_options {
    use super::*;

    /// A parameter-free question on a model with a sub-module lists its leaf layers: by hand,
    /// the top-level `conv`, then the block's `blk.conv` and `F.relu` — three labels for two
    /// top-level layers. A saved pick of the third is kept, a fourth (no such option) is not.
    #[test]
    fn a_saved_pick_among_a_graphs_leaf_layers_fits() {
        let text = r#"(
    version: 1,
    meta: (id: "t", title: "T", language: "en"),
    models: [(id: "m", input: [4], modules: [
        (class_name: "Block", layers: [(name: "conv", layer: Linear(in: 4, out: 4)), (layer: ReLU)]),
    ], layers: [
        (name: "conv", layer: Linear(in: 4, out: 4)),
        (name: "blk", layer: Module("Block")),
    ])],
    questions: [(id: "q", statement: "s", kind: Computed(model: "m", ask: ParameterFree))],
)"#;
        let pack = crate::core::pack::parse_pack(text).expect("pack");
        let kind = &pack.questions[0].kind;
        assert!(answer_fits(&Answer::Choice(vec![2]), kind, &pack));
        assert!(!answer_fits(&Answer::Choice(vec![3]), kind, &pack));
    }
}
