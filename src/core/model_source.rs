//! A pack's model read from a Python file beside the pack: in `models`, an entry
//! `(id: "lenet", source: "models/lenet.py", class: "LeNet", input: [1, 28, 28])` is the
//! class imported with [`crate::core::pysrc`]. The path is untrusted: relative to the pack's
//! folder, never leaving it, a regular file, bounded in size.

use crate::core::i18n::Lang;
use crate::core::pysrc::model::{import, Imported};
use crate::core::pysrc::PyError;
use crate::tr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The largest Python file read: a model's source is a few kilobytes.
pub const MAX_SOURCE_BYTES: u64 = 4 << 20;

/// Why a model's `source:` could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceError {
    /// The pack was read from text with no folder (a built-in pack): there is nothing
    /// beside it to read.
    NoFolder { source: String },
    /// An absolute path, or one whose `..` leaves the pack's folder (a link too).
    Escapes { source: String },
    /// The file could not be read: the path looked for and the system's reason.
    Read { path: String, why: String },
    /// The importer refused the file: its place in the file (rendered with the file's line).
    Import {
        source: String,
        error: Box<PyError>,
        text: Arc<str>,
    },
    /// An entry with `source:` also gives what the file defines.
    SourceWithSpec { field: &'static str },
    /// A written model without one of its fields (`input`, `layers`).
    Missing { field: &'static str },
}

impl SourceError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            SourceError::NoFolder { source } => {
                tr!(lang, "pack-source-no-folder", source = source.as_str())
            }
            SourceError::Escapes { source } => {
                tr!(lang, "pack-source-escapes", source = source.as_str())
            }
            SourceError::Read { path, why } => tr!(
                lang,
                "pack-source-cannot-read",
                path = path.as_str(),
                why = why.as_str()
            ),
            SourceError::Import {
                source,
                error,
                text,
            } => tr!(
                lang,
                "pack-source-refused",
                source = source.as_str(),
                error = indent(&error.render_at(source, text, lang))
            ),
            SourceError::SourceWithSpec { field } => {
                tr!(lang, "pack-source-with-spec", field = *field)
            }
            SourceError::Missing { field } => tr!(lang, "pack-model-missing", field = *field),
        }
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The file `source` names, relative to the pack's folder `dir`: refused when absolute or
/// when it leaves the folder, by `..` or by a link.
pub fn resolve(dir: &Path, source: &str) -> Result<PathBuf, SourceError> {
    let escapes = || SourceError::Escapes {
        source: source.to_string(),
    };
    let rel = Path::new(source);
    if source.trim().is_empty() || source.contains('\0') {
        return Err(escapes());
    }
    let mut depth = 0usize;
    for c in rel.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth = depth.checked_sub(1).ok_or_else(escapes)?,
            Component::RootDir | Component::Prefix(_) => return Err(escapes()),
        }
    }
    // `C:\…` or `\\server\…` read on another system than the one it was written on.
    if source.starts_with(['/', '\\']) || source.get(1..2) == Some(":") {
        return Err(escapes());
    }
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let path = dir.join(rel);
    // A link inside the folder may still point out of it: compare the real paths.
    if let (Ok(real_dir), Ok(real)) = (dir.canonicalize(), path.canonicalize()) {
        if !real.starts_with(&real_dir) {
            return Err(escapes());
        }
    }
    Ok(path)
}

/// Read class `class` of the Python file `source` (relative to `dir`) as a model of id
/// `id` for inputs of shape `input` (one sample).
pub fn read_model(
    dir: &Path,
    source: &str,
    class: Option<&str>,
    input: Option<Vec<usize>>,
) -> Result<Imported, SourceError> {
    let path = resolve(dir, source)?;
    let text = read_py(&path)?;
    import(&text, class, input).map_err(|error| SourceError::Import {
        source: source.to_string(),
        error: Box::new(error),
        text: Arc::from(text.as_str()),
    })
}

/// A Python file's text: only a regular file of at most [`MAX_SOURCE_BYTES`], UTF-8.
pub fn read_py(path: &Path) -> Result<String, SourceError> {
    let read = |why: String| SourceError::Read {
        path: path.display().to_string(),
        why,
    };
    let bytes = crate::core::files::read_bounded(path, MAX_SOURCE_BYTES).map_err(|e| match e {
        crate::core::files::BoundedReadError::Io(e) => read(e.to_string()),
        crate::core::files::BoundedReadError::TooLarge { limit, .. } => {
            read(format!("> {} MiB", limit >> 20))
        }
    })?;
    String::from_utf8(bytes).map_err(|e| read(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("models")).unwrap();
        let inside = |s: &str| resolve(dir.path(), s).is_ok();
        assert!(inside("models/lenet.py"));
        assert!(inside("./models/../lenet.py"));
        for s in [
            "../lenet.py",
            "models/../../lenet.py",
            "/etc/passwd",
            "\\share\\x.py",
            "C:\\x.py",
            "",
        ] {
            assert!(
                matches!(resolve(dir.path(), s), Err(SourceError::Escapes { .. })),
                "{s}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_folder_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("m.py"), "x = 1\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("m.py"), dir.path().join("m.py")).unwrap();
        assert!(matches!(
            resolve(dir.path(), "m.py"),
            Err(SourceError::Escapes { .. })
        ));
    }

    #[test]
    fn folders_and_missing_files_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("models")).unwrap();
        for s in ["models", "models/none.py"] {
            match read_model(dir.path(), s, None, None) {
                Err(SourceError::Read { path, .. }) => assert!(path.ends_with(s), "{path}"),
                other => panic!("{s}: {other:?}"),
            }
        }
    }
}
