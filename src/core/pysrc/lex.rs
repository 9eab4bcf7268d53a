//! Python's tokens, as much of them as a model's source uses, grouped in logical lines
//! (brackets and `\` join physical lines) with each line's indentation.

use super::{Pos, PyError, PyProblem};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    /// An operator or delimiter: `( ) [ ] { } , : . = -> + - * / // % ** == != < <= > >= += -= *= /= @ ;`
    Op(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

/// One logical line: its indentation (columns of leading blanks) and tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub indent: usize,
    pub tokens: Vec<Token>,
}

const OPS: [&str; 33] = [
    "**=", "//=", "->", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "(", ")",
    "[", "]", "{", "}", ",", ":", ".", "=", "+", "-", "*", "/", "%", "<", ">", "@", ";",
];

/// The most tokens one file may have: a model's source is far below.
const MAX_TOKENS: usize = 200_000;

pub fn lines(src: &str) -> Result<Vec<Line>, PyError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out: Vec<Line> = Vec::new();
    let mut current: Option<Line> = None;
    let mut depth: Vec<(char, Pos)> = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    let mut at_line_start = true;
    let mut count = 0usize;
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, column: col };
        if at_line_start {
            // Measure the indentation of a new physical line.
            let mut indent = 0;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                indent += if chars[i] == '\t' { 8 - indent % 8 } else { 1 };
                i += 1;
                col += 1;
            }
            at_line_start = false;
            if current.is_none() && i < chars.len() && chars[i] != '\n' && chars[i] != '#' {
                current = Some(Line {
                    indent,
                    tokens: Vec::new(),
                });
            }
            continue;
        }
        match c {
            '\n' => {
                i += 1;
                line += 1;
                col = 1;
                at_line_start = true;
                if depth.is_empty() {
                    if let Some(l) = current.take() {
                        if !l.tokens.is_empty() {
                            out.push(l);
                        }
                    }
                }
                continue;
            }
            '\r' | ' ' | '\t' | '\x0c' => {
                i += 1;
                col += 1;
                continue;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
                col = 1;
                continue;
            }
            _ => {}
        }
        let push = |current: &mut Option<Line>, tok: Tok| {
            current
                .get_or_insert(Line {
                    indent: 0,
                    tokens: Vec::new(),
                })
                .tokens
                .push(Token { tok, pos });
        };
        count += 1;
        if count > MAX_TOKENS {
            return Err(PyError::new(pos, PyProblem::TooLong));
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            col += i - start;
            // String prefixes: r"", b"", f"" ...
            if i < chars.len() && (chars[i] == '"' || chars[i] == '\'') && word.len() <= 2 {
                let lower = word.to_ascii_lowercase();
                if lower.chars().all(|p| "rbfu".contains(p)) {
                    if lower.contains('f') {
                        return Err(PyError::new(pos, PyProblem::Unsupported("f-string".into())));
                    }
                    let (s, ni, nl, nc) = string(&chars, i, line, col, lower.contains('r'))?;
                    i = ni;
                    line = nl;
                    col = nc;
                    push(&mut current, Tok::Str(s));
                    continue;
                }
            }
            push(&mut current, Tok::Name(word));
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || chars[i] == '.'
                    || chars[i] == '_'
                    || ((chars[i] == '-' || chars[i] == '+')
                        && matches!(chars[i - 1], 'e' | 'E')
                        && !chars[start..i].iter().any(|x| matches!(x, 'x' | 'X'))))
            {
                i += 1;
            }
            let text: String = chars[start..i].iter().filter(|&&x| x != '_').collect();
            col += i - start;
            let tok = if let Ok(v) = text.parse::<i64>() {
                Tok::Int(v)
            } else if let Some(v) = text.parse::<f64>().ok().filter(|v| v.is_finite()) {
                Tok::Float(v)
            } else {
                return Err(PyError::new(pos, PyProblem::BadNumber(text)));
            };
            push(&mut current, tok);
            continue;
        }
        if c == '"' || c == '\'' {
            let (s, ni, nl, nc) = string(&chars, i, line, col, false)?;
            i = ni;
            line = nl;
            col = nc;
            push(&mut current, Tok::Str(s));
            continue;
        }
        let rest: String = chars[i..(i + 3).min(chars.len())].iter().collect();
        let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) else {
            return Err(PyError::new(pos, PyProblem::UnexpectedChar(c)));
        };
        match *op {
            "(" | "[" | "{" => depth.push((c, pos)),
            ")" | "]" | "}" => {
                let open = match *op {
                    ")" => '(',
                    "]" => '[',
                    _ => '{',
                };
                match depth.pop() {
                    Some((o, _)) if o == open => {}
                    _ => return Err(PyError::new(pos, PyProblem::Unbalanced(c))),
                }
            }
            _ => {}
        }
        i += op.len();
        col += op.len();
        push(&mut current, Tok::Op(op));
    }
    if let Some((c, pos)) = depth.pop() {
        return Err(PyError::new(pos, PyProblem::Unbalanced(c)));
    }
    if let Some(l) = current.take() {
        if !l.tokens.is_empty() {
            out.push(l);
        }
    }
    Ok(out)
}

type Lexed = (String, usize, usize, usize);

/// A string literal starting at `chars[i]` (its quote): single or triple quoted.
fn string(
    chars: &[char],
    mut i: usize,
    mut line: usize,
    mut col: usize,
    raw: bool,
) -> Result<Lexed, PyError> {
    let start = Pos { line, column: col };
    let q = chars[i];
    let triple = chars.get(i + 1) == Some(&q) && chars.get(i + 2) == Some(&q);
    let width = if triple { 3 } else { 1 };
    i += width;
    col += width;
    let mut s = String::new();
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(PyError::new(start, PyProblem::UnclosedString));
        };
        if c == q && (!triple || (chars.get(i + 1) == Some(&q) && chars.get(i + 2) == Some(&q))) {
            i += width;
            col += width;
            return Ok((s, i, line, col));
        }
        if c == '\n' {
            if !triple {
                return Err(PyError::new(start, PyProblem::UnclosedString));
            }
            line += 1;
            col = 1;
            s.push('\n');
            i += 1;
            continue;
        }
        if c == '\\' && !raw {
            if let Some(&n) = chars.get(i + 1) {
                s.push(match n {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
                i += 2;
                col += 2;
                continue;
            }
        }
        s.push(c);
        i += 1;
        col += 1;
    }
}
