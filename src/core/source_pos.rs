//! Where a value of a RON file (a pack, a model spec) sits in its text, so that an error
//! found after parsing (a duplicate id, an unknown model, a model that does not run) points
//! at the line and column of the offending value, like a syntax error.
//!
//! A small reader of RON's structure: structs, tuples, lists, maps and their fields, with
//! each value's byte offset; comments, strings (raw ones too) and characters are skipped as
//! ron skips them. It is used only on text that ron has already accepted, and gives up
//! (`None`) on anything it does not understand rather than guessing.

/// One step of the way to a value: a struct's field or an element of a list or tuple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Field(&'static str),
    Index(usize),
}

/// A place in a text, as editors count: 1-based line and column (in characters), and the
/// line itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    pub line: usize,
    pub col: usize,
    pub source_line: String,
}

/// The spot of the byte at `offset` of `text` (clamped to the text).
pub fn spot_at(text: &str, offset: usize) -> Spot {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    Spot {
        line: text[..offset].matches('\n').count() + 1,
        col: text[start..offset].chars().count() + 1,
        source_line: text[start..end].trim_end_matches('\r').to_string(),
    }
}

/// The spot of the value at `path` in `text`, or of the deepest value on the way to it that
/// the text has (a field left to its default is not written: its struct is shown). `None`
/// when the text cannot be read.
pub fn find(text: &str, path: &[Step]) -> Option<Spot> {
    let root = Reader::new(text).document()?;
    let mut node = &root;
    for step in path {
        let next = match (step, &node.kind) {
            (Step::Field(name), Kind::Fields(fields)) => {
                fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
            }
            (Step::Index(i), Kind::Items(items)) => items.get(*i),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    Some(spot_at(text, node.at))
}

/// Whether `text`'s outermost struct has a field named one of `names`. Read token by token,
/// so that it answers for a file with a syntax error further on too.
pub fn has_top_field(text: &str, names: &[&str]) -> bool {
    let mut r = Reader::new(text);
    let mut depth = 0usize;
    while let Some(c) = r.peek() {
        match c {
            b'(' | b'[' | b'{' => {
                depth += 1;
                r.i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                r.i += 1;
            }
            b'"' => {
                if r.string().is_none() {
                    return false;
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let w = r.word();
                if depth == 1 && names.contains(&w) && r.peek() == Some(b':') {
                    return true;
                }
            }
            _ => r.i += 1,
        }
    }
    false
}

/// The end of the field whose name ends at byte `name_end` of `text`: past its `:`, its
/// value and the comma after it, if any. `None` when the text there cannot be read.
pub fn field_end(text: &str, name_end: usize) -> Option<usize> {
    let mut r = Reader::new(text);
    r.i = name_end.min(text.len());
    if !r.eat(b':') {
        return None;
    }
    r.value(0)?;
    r.eat(b',');
    Some(r.i)
}

#[derive(Debug)]
struct Node {
    /// Byte offset of the value's first character.
    at: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// `(a: 1, b: 2)`, `Name(a: 1)`.
    Fields(Vec<(String, Node)>),
    /// `[1, 2]`, `(1, 2)`, `Name(1, 2)`.
    Items(Vec<Node>),
    /// A number, string, character, unit variant, map.
    Leaf,
}

/// Deeper than this, the reader gives up (ron itself stops at 128).
const MAX_DEPTH: usize = 256;

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader {
            b: text.as_bytes(),
            i: 0,
        }
    }

    fn document(&mut self) -> Option<Node> {
        self.skip();
        // `#![enable(...)]` attributes come first.
        while self.b.get(self.i) == Some(&b'#') {
            while self.i < self.b.len() && self.b[self.i] != b']' {
                self.i += 1;
            }
            self.i += 1;
            self.skip();
        }
        self.value(0)
    }

    /// Skip white space and comments (block comments nest).
    fn skip(&mut self) {
        loop {
            while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            match (self.b.get(self.i), self.b.get(self.i + 1)) {
                (Some(b'/'), Some(b'/')) => {
                    while self.i < self.b.len() && self.b[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let mut depth = 0usize;
                    while self.i < self.b.len() {
                        if self.b[self.i] == b'/' && self.b.get(self.i + 1) == Some(&b'*') {
                            depth += 1;
                            self.i += 2;
                        } else if self.b[self.i] == b'*' && self.b.get(self.i + 1) == Some(&b'/') {
                            depth = depth.saturating_sub(1);
                            self.i += 2;
                            if depth == 0 {
                                break;
                            }
                        } else {
                            self.i += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip();
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn is_word(c: u8) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'+' | b'-' | b'#')
    }

    fn word(&mut self) -> &'a str {
        let start = self.i;
        while self.i < self.b.len() && Self::is_word(self.b[self.i]) {
            self.i += 1;
        }
        std::str::from_utf8(&self.b[start..self.i]).unwrap_or("")
    }

    fn string(&mut self) -> Option<()> {
        // At `"`.
        self.i += 1;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                _ => self.i += 1,
            }
        }
        None
    }

    fn raw_string(&mut self) -> Option<()> {
        // At `r`, then `#`s and `"`.
        self.i += 1;
        let hashes = self.b[self.i..].iter().take_while(|&&c| c == b'#').count();
        self.i += hashes + 1;
        while self.i < self.b.len() {
            if self.b[self.i] == b'"'
                && self.b[self.i + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&c| c == b'#')
                    .count()
                    == hashes
            {
                self.i += hashes + 1;
                return Some(());
            }
            self.i += 1;
        }
        None
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let c = self.peek()?;
        let at = self.i;
        let leaf = Node {
            at,
            kind: Kind::Leaf,
        };
        match c {
            b'"' => {
                self.string()?;
                Some(leaf)
            }
            b'\'' => {
                self.i += 1;
                if self.b.get(self.i) == Some(&b'\\') {
                    self.i += 1;
                }
                while self.i < self.b.len() && self.b[self.i] != b'\'' {
                    self.i += 1;
                }
                self.i += 1;
                Some(leaf)
            }
            b'r' if {
                let hashes = self.b[self.i + 1..]
                    .iter()
                    .take_while(|&&c| c == b'#')
                    .count();
                self.b.get(self.i + 1 + hashes) == Some(&b'"')
            } =>
            {
                self.raw_string()?;
                Some(leaf)
            }
            b'(' => {
                self.i += 1;
                let kind = self.contents(b')', depth)?;
                Some(Node { at, kind })
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                while !self.eat(b']') {
                    items.push(self.value(depth + 1)?);
                    if !self.eat(b',') && self.peek() != Some(b']') {
                        return None;
                    }
                }
                Some(Node {
                    at,
                    kind: Kind::Items(items),
                })
            }
            b'{' => {
                self.i += 1;
                while !self.eat(b'}') {
                    self.value(depth + 1)?;
                    if !self.eat(b':') {
                        return None;
                    }
                    self.value(depth + 1)?;
                    if !self.eat(b',') && self.peek() != Some(b'}') {
                        return None;
                    }
                }
                Some(leaf)
            }
            c if Self::is_word(c) => {
                let name = self.word();
                if name.is_empty() {
                    return None;
                }
                if self.eat(b'(') {
                    let kind = self.contents(b')', depth)?;
                    // `Some(x)` (IMPLICIT_SOME lets teachers leave it out): the value is x.
                    if name == "Some" {
                        if let Kind::Items(mut items) = kind {
                            if items.len() == 1 {
                                return items.pop();
                            }
                            return Some(Node {
                                at,
                                kind: Kind::Items(items),
                            });
                        }
                        return Some(Node { at, kind });
                    }
                    Some(Node { at, kind })
                } else {
                    Some(leaf)
                }
            }
            _ => None,
        }
    }

    /// After `(`: named fields or a tuple's items, up to `close`.
    fn contents(&mut self, close: u8, depth: usize) -> Option<Kind> {
        if self.eat(close) {
            return Some(Kind::Fields(Vec::new()));
        }
        // Named fields when the first thing is `ident :`.
        let save = self.i;
        let first = self.peek()?;
        let named = if first.is_ascii_alphabetic() || first == b'_' {
            let _ = self.word();
            let colon = self.peek() == Some(b':');
            self.i = save;
            colon
        } else {
            false
        };
        if named {
            let mut fields = Vec::new();
            while !self.eat(close) {
                self.peek()?;
                let name = self.word().trim_start_matches("r#").to_string();
                if name.is_empty() || !self.eat(b':') {
                    return None;
                }
                fields.push((name, self.value(depth + 1)?));
                if !self.eat(b',') && self.peek() != Some(close) {
                    return None;
                }
            }
            Some(Kind::Fields(fields))
        } else {
            let mut items = Vec::new();
            while !self.eat(close) {
                items.push(self.value(depth + 1)?);
                if !self.eat(b',') && self.peek() != Some(close) {
                    return None;
                }
            }
            Some(Kind::Items(items))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"// a pack
(
    version: 1,
    meta: (id: "p", title: "T", language: "en"),
    questions: [
        (id: "q1", statement: "a /* not a comment */", kind: Order(steps: ["x", "y"])),
        /* a (comment */
        (
            id: "q1",
            code: Some("cnn"),
            kind: Computed(model: "cnn", ask: ParameterCount()),
        ),
    ],
)"#;

    #[test]
    fn finds_values_by_path() {
        use Step::*;
        // Counted by hand in TEXT: line 9 is `            id: "q1",`, the value at column 17.
        let s = find(TEXT, &[Field("questions"), Index(1), Field("id")]).unwrap();
        assert_eq!((s.line, s.col), (9, 17));
        assert_eq!(s.source_line, r#"            id: "q1","#);
        // `model: "cnn"` on line 11: `kind: Computed(` ends at column 27.
        let s = find(
            TEXT,
            &[Field("questions"), Index(1), Field("kind"), Field("model")],
        )
        .unwrap();
        assert_eq!((s.line, s.col), (11, 35));
        // `Some("cnn")` is the string itself.
        let s = find(TEXT, &[Field("questions"), Index(1), Field("code")]).unwrap();
        assert_eq!((s.line, s.col), (10, 24));
        // A field not written: its question.
        let s = find(TEXT, &[Field("questions"), Index(0), Field("lab")]).unwrap();
        assert_eq!((s.line, s.col), (6, 9));
        assert!(has_top_field(TEXT, &["questions"]));
        assert!(!has_top_field("(id: \"m\", layers: [])", &["questions"]));
    }

    #[test]
    fn gives_up_on_broken_text() {
        assert_eq!(find("(a: [1, 2", &[Step::Field("a")]), None);
        let deep = "[".repeat(10_000);
        assert_eq!(find(&deep, &[]), None);
    }
}
