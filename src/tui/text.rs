//! A small text editor: one line for numbers and shapes, several for open answers.

/// Lines of text and a cursor (row, column in characters).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextInput {
    lines: Vec<String>,
    row: usize,
    col: usize,
    pub multiline: bool,
}

/// Longest answer kept: protects the interface from a pasted novel.
const MAX_CHARS: usize = 10_000;

impl TextInput {
    pub fn new(multiline: bool) -> Self {
        Self {
            lines: vec![String::new()],
            row: 0,
            col: 0,
            multiline,
        }
    }

    /// An editor holding `text`, the cursor at its end: what typing it would give (control
    /// characters dropped, line breaks only when multiline, cut at the longest answer kept),
    /// in one pass, since a save file may hold megabytes.
    pub fn with_text(multiline: bool, text: &str) -> Self {
        let mut lines = vec![String::new()];
        // As `len` counts: each character, and one per line.
        let mut len = 1;
        for c in text.chars() {
            if len >= MAX_CHARS {
                break;
            }
            if c == '\n' {
                if multiline {
                    lines.push(String::new());
                    len += 1;
                }
            } else if !c.is_control() {
                if let Some(l) = lines.last_mut() {
                    l.push(c);
                }
                len += 1;
            }
        }
        let row = lines.len() - 1;
        let col = lines[row].chars().count();
        Self {
            lines,
            row,
            col,
            multiline,
        }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
    pub fn lines(&self) -> &[String] {
        &self.lines
    }
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }
    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(|l| l.is_empty())
    }
    fn len(&self) -> usize {
        self.lines.iter().map(|l| l.chars().count() + 1).sum()
    }
    fn byte(&self, col: usize) -> usize {
        let l = &self.lines[self.row];
        l.char_indices().nth(col).map(|(i, _)| i).unwrap_or(l.len())
    }
    fn line_chars(&self) -> usize {
        self.lines[self.row].chars().count()
    }

    pub fn insert(&mut self, c: char) {
        if c.is_control() || self.len() >= MAX_CHARS {
            return;
        }
        let at = self.byte(self.col);
        self.lines[self.row].insert(at, c);
        self.col += 1;
    }
    pub fn newline(&mut self) {
        if !self.multiline || self.len() >= MAX_CHARS {
            return;
        }
        let at = self.byte(self.col);
        let rest = self.lines[self.row].split_off(at);
        self.row += 1;
        self.lines.insert(self.row, rest);
        self.col = 0;
    }
    pub fn backspace(&mut self) {
        if self.col > 0 {
            self.col -= 1;
            let at = self.byte(self.col);
            self.lines[self.row].remove(at);
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.line_chars();
            self.lines[self.row].push_str(&line);
        }
    }
    pub fn delete(&mut self) {
        if self.col < self.line_chars() {
            let at = self.byte(self.col);
            self.lines[self.row].remove(at);
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
        }
    }
    pub fn left(&mut self) {
        if self.col > 0 {
            self.col -= 1;
        } else if self.row > 0 {
            self.row -= 1;
            self.col = self.line_chars();
        }
    }
    pub fn right(&mut self) {
        if self.col < self.line_chars() {
            self.col += 1;
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }
    pub fn up(&mut self) {
        if self.row > 0 {
            self.row -= 1;
            self.col = self.col.min(self.line_chars());
        }
    }
    pub fn down(&mut self) {
        if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = self.col.min(self.line_chars());
        }
    }
    pub fn home(&mut self) {
        self.col = 0;
    }
    pub fn end(&mut self) {
        self.col = self.line_chars();
    }
    /// Ctrl+U: erase from the start of the line to the cursor.
    pub fn clear_to_start(&mut self) {
        let at = self.byte(self.col);
        self.lines[self.row].replace_range(..at, "");
        self.col = 0;
    }
    /// Ctrl+W: erase the word before the cursor (and the spaces after it); at the start of
    /// a line, join it to the line above, as Backspace does.
    pub fn delete_word(&mut self) {
        if self.col == 0 {
            self.backspace();
            return;
        }
        let chars: Vec<char> = self.lines[self.row].chars().take(self.col).collect();
        let mut start = chars.len();
        while start > 0 && chars[start - 1].is_whitespace() {
            start -= 1;
        }
        while start > 0 && !chars[start - 1].is_whitespace() {
            start -= 1;
        }
        let (from, to) = (self.byte(start), self.byte(self.col));
        self.lines[self.row].replace_range(from..to, "");
        self.col = start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_with_unicode() {
        let mut t = TextInput::new(false);
        for c in "3×40×40".chars() {
            t.insert(c);
        }
        t.left();
        t.backspace();
        assert_eq!(t.text(), "3×40×0");
        t.newline(); // ignored on one line
        t.home();
        t.delete();
        assert_eq!(t.text(), "×40×0");
        let mut m = TextInput::with_text(true, "ab\ncd");
        assert_eq!(m.cursor(), (1, 2));
        m.home();
        m.backspace();
        assert_eq!(m.text(), "abcd");
        assert_eq!(m.cursor(), (0, 2));
    }

    #[test]
    fn ctrl_u_and_ctrl_w_erase_back_to_the_line_start_and_the_previous_word() {
        let mut t = TextInput::with_text(false, "1×3×40×40 rows");
        t.left();
        t.left();
        t.delete_word();
        assert_eq!(t.text(), "1×3×40×40 ws");
        assert_eq!(t.cursor(), (0, 10));
        t.delete_word();
        assert_eq!(t.text(), "ws");
        assert_eq!(t.cursor(), (0, 0));
        t.delete_word(); // at the start of the only line: nothing
        assert_eq!(t.text(), "ws");
        let mut t = TextInput::with_text(false, "a bc  ");
        t.delete_word(); // spaces then the word
        assert_eq!(t.text(), "a ");
        t.end();
        t.clear_to_start();
        assert_eq!((t.text().as_str(), t.cursor()), ("", (0, 0)));
        let mut m = TextInput::with_text(true, "first line\nsecond é line");
        m.home();
        for _ in 0..8 {
            m.right();
        }
        m.clear_to_start();
        assert_eq!(m.text(), "first line\n line");
        m.delete_word(); // at a line's start: joins the lines
        assert_eq!(m.text(), "first line line");
        assert_eq!(m.cursor(), (0, 10));
        m.end();
        m.home();
        assert_eq!(m.cursor(), (0, 0));
        m.end();
        assert_eq!(m.cursor(), (0, 15));
    }

    /// Loading a text gives what typing it key by key gives, cut at the same length.
    #[test]
    fn loading_a_text_is_typing_it() {
        for text in ["", "a\u{1b}[2Jb\n\tc\r\n", "\n\n", "x×y\nz"] {
            for multiline in [false, true] {
                let mut typed = TextInput::new(multiline);
                for c in text.chars() {
                    if c == '\n' {
                        typed.newline();
                    } else {
                        typed.insert(c);
                    }
                }
                assert_eq!(TextInput::with_text(multiline, text), typed, "{text:?}");
            }
        }
        // A long text stops where typing would: at the longest answer kept.
        let long = "ab\n".repeat(MAX_CHARS);
        let loaded = TextInput::with_text(true, &long);
        assert_eq!(loaded.len(), MAX_CHARS);
        assert!(long.starts_with(&loaded.text()));
        let mut more = loaded.clone();
        more.insert('x');
        more.newline();
        assert_eq!(more, loaded);
    }
}
