//! Reading files a user names (reports, grading files): only regular files, checked before
//! they are opened (opening a FIFO blocks forever), and never more than a bound.

use std::io::Read;
use std::path::Path;

/// Why a bounded read failed.
#[derive(Debug)]
pub enum BoundedReadError {
    /// Not there, not readable, or not a regular file.
    Io(std::io::Error),
    /// Larger than the bound: nothing past it was read.
    TooLarge { size: u64, limit: u64 },
}

/// The bytes of the regular file at `path`, if it holds at most `limit` bytes. A file that
/// grows while it is read is cut at `limit + 1` bytes and refused.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, BoundedReadError> {
    let io = BoundedReadError::Io;
    if !std::fs::metadata(path).map_err(io)?.is_file() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Err(BoundedReadError::TooLarge { size, limit });
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(BoundedReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_file_types() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read_bounded(&p, 5).unwrap(), b"12345");
        assert!(matches!(
            read_bounded(&p, 4),
            Err(BoundedReadError::TooLarge { size: 5, limit: 4 })
        ));
        // A folder is not a regular file.
        assert!(matches!(
            read_bounded(dir.path(), 10),
            Err(BoundedReadError::Io(_))
        ));
    }
}
