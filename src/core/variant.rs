//! Variants: a pack declares integer variables with their domains and constraints, uses
//! them as `{expr}` in model arguments, input shapes and texts, and each student's attempt
//! draws one variant from a number. Every answer is then computed from that variant's
//! models, as for any pack: a variant needs no formula for its answers.
//!
//! ```ron
//! variables: { "c1": Range(min: 4, max: 16), "k": Choice([3, 5]) },
//! constraints: ["c1 * 2 <= 24", "(40 - k + 1) % 2 == 0"],
//! ... Conv2d(in: 3, out: {c1}, kernel: {k}) ... statement: "A conv with {c1} filters" ...
//! ```
//!
//! Substitution is textual, before the pack is read: outside strings every `{expr}` is a
//! placeholder (a RON map always holds a `:`, an expression never does); inside strings a
//! `{expr}` is replaced only when it names declared variables, so other braces stay text.

use crate::core::i18n::Lang;
use crate::tr;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

/// Variant numbers run from 0 to this bound (excluded): short enough to type, to read out,
/// and to print in a report.
pub const VARIANTS: u64 = 1_000_000;
/// Draws tried before a pack's constraints are declared unsatisfiable.
const MAX_DRAWS: usize = 1000;
/// The most variables one pack may declare, and the longest `{expr}`.
const MAX_VARIABLES: usize = 64;
const MAX_EXPR: usize = 200;

/// A variable's possible values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Domain {
    /// Every integer from `min` to `max`, both included, `step` apart.
    Range {
        min: i64,
        max: i64,
        #[serde(default = "one")]
        step: i64,
    },
    Choice(Vec<i64>),
}

fn one() -> i64 {
    1
}

impl Domain {
    fn size(&self) -> u64 {
        match self {
            Domain::Range { min, max, step } if *step > 0 && min <= max => {
                ((max - min) / step) as u64 + 1
            }
            Domain::Range { .. } => 0,
            Domain::Choice(v) => v.len() as u64,
        }
    }

    fn nth(&self, i: u64) -> i64 {
        match self {
            Domain::Range { min, step, .. } => min + step * i as i64,
            Domain::Choice(v) => v[i as usize],
        }
    }
}

/// One variant: its number and the value of each variable.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Variant {
    pub number: u64,
    pub values: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum VariantError {
    /// A `{expr}` that cannot be read, at a line and column of the pack.
    BadExpr {
        line: usize,
        column: usize,
        expr: String,
    },
    /// A `{expr}` naming a variable the pack does not declare.
    UnknownVariable {
        line: usize,
        column: usize,
        name: String,
    },
    /// A constraint that cannot be read.
    BadConstraint(String),
    /// A domain with no value (`min > max`, a step of 0, an empty choice).
    EmptyDomain(String),
    TooManyVariables,
    /// Arithmetic that overflows or divides by zero.
    Arithmetic(String),
    /// No draw out of many met every constraint.
    Unsatisfiable,
    /// `--variant` past the last variant.
    OutOfRange(u64),
    /// `--variant` that is not a whole number.
    NotANumber(String),
}

impl VariantError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            VariantError::BadExpr { line, column, expr } => tr!(
                lang,
                "variant-bad-expr",
                line = *line as u64,
                column = *column as u64,
                expr = expr.as_str()
            ),
            VariantError::UnknownVariable { line, column, name } => tr!(
                lang,
                "variant-unknown",
                line = *line as u64,
                column = *column as u64,
                name = name.as_str()
            ),
            VariantError::BadConstraint(c) => {
                tr!(lang, "variant-bad-constraint", constraint = c.as_str())
            }
            VariantError::EmptyDomain(v) => tr!(lang, "variant-empty-domain", name = v.as_str()),
            VariantError::TooManyVariables => tr!(
                lang,
                "variant-too-many",
                max = lang.num(MAX_VARIABLES as u64)
            ),
            VariantError::Arithmetic(e) => tr!(lang, "variant-arithmetic", expr = e.as_str()),
            VariantError::Unsatisfiable => {
                tr!(
                    lang,
                    "variant-unsatisfiable",
                    draws = lang.num(MAX_DRAWS as u64)
                )
            }
            VariantError::OutOfRange(n) => tr!(
                lang,
                "variant-out-of-range",
                number = lang.num(*n),
                max = lang.num(VARIANTS - 1)
            ),
            VariantError::NotANumber(text) => tr!(
                lang,
                "variant-not-a-number",
                text = text.as_str(),
                max = lang.num(VARIANTS - 1)
            ),
        }
    }
}

/// The one validator of a variant number, for `--variant` and for a number read back
/// from a save file: 0 to `VARIANTS - 1`.
pub fn check_number(number: u64) -> Result<u64, VariantError> {
    if number < VARIANTS {
        Ok(number)
    } else {
        Err(VariantError::OutOfRange(number))
    }
}

/// `--variant N` as typed: a whole number (`_` and spaces between digits allowed), then
/// [`check_number`].
pub fn parse_number(text: &str) -> Result<u64, VariantError> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| *c != '_' && *c != ' ' && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(VariantError::NotANumber(text.to_string()));
    }
    match digits.parse::<u64>() {
        Ok(n) => check_number(n),
        // More digits than a u64 holds: past the last variant all the same.
        Err(_) => Err(VariantError::OutOfRange(u64::MAX)),
    }
}

impl Variant {
    /// The values as `c1=8, k=3`, in the variables' order.
    pub fn values_text(&self) -> String {
        self.values
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for VariantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for VariantError {}

/// The variant a student gets for a pack: the same name and pack always give the same one.
pub fn student_variant(pack_id: &str, student: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(pack_id.as_bytes());
    h.update([0]);
    h.update(student.trim().as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_le_bytes(b) % VARIANTS
}

/// SplitMix64: a few lines whose sequence never changes with a crate's version, so a
/// variant number recorded in a report draws the same values in any later mltutor.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        // Rejection keeps every value equally likely.
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// `count` distinct indices below `n`, drawn for variant `number` in stream `stream`
/// (a partial Fisher–Yates shuffle on SplitMix64: the same in every later version).
pub fn pick(number: u64, stream: u64, n: usize, count: usize) -> Vec<usize> {
    let mut rng = SplitMix(number ^ stream.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x6261_6E6B);
    let mut idx: Vec<usize> = (0..n).collect();
    for i in 0..count.min(n) {
        let j = i + rng.below((n - i) as u64) as usize;
        idx.swap(i, j);
    }
    idx.truncate(count.min(n));
    idx
}

/// Draw variant `number`: each variable from its domain, redrawn until every constraint holds.
pub fn draw(
    variables: &BTreeMap<String, Domain>,
    constraints: &[String],
    number: u64,
) -> Result<Variant, VariantError> {
    check_number(number)?;
    if variables.len() > MAX_VARIABLES {
        return Err(VariantError::TooManyVariables);
    }
    for (name, d) in variables {
        if d.size() == 0 || !is_name(name) {
            return Err(VariantError::EmptyDomain(name.clone()));
        }
    }
    let parsed: Vec<Expr> = constraints
        .iter()
        .map(|c| parse_expr(c).ok_or_else(|| VariantError::BadConstraint(c.clone())))
        .collect::<Result<_, _>>()?;
    for (c, e) in constraints.iter().zip(&parsed) {
        if let Some(name) = e.names().into_iter().find(|n| !variables.contains_key(n)) {
            return Err(VariantError::BadConstraint(format!("{c} ({name}?)")));
        }
    }
    let mut rng = SplitMix(number ^ 0x006D_6C74_7574_6F72);
    for _ in 0..MAX_DRAWS {
        let values: BTreeMap<String, i64> = variables
            .iter()
            .map(|(n, d)| (n.clone(), d.nth(rng.below(d.size()))))
            .collect();
        let mut ok = true;
        for (c, e) in constraints.iter().zip(&parsed) {
            match e.eval(&values) {
                Ok(v) if v != 0 => {}
                Ok(_) => {
                    ok = false;
                    break;
                }
                Err(()) => return Err(VariantError::Arithmetic(c.clone())),
            }
        }
        if ok {
            return Ok(Variant { number, values });
        }
    }
    Err(VariantError::Unsatisfiable)
}

fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

/// Whether a pack's text uses any `{expr}` placeholder outside strings.
pub fn has_placeholders(text: &str) -> bool {
    let mut found = false;
    let _ = scan(text, &mut |piece| {
        if let Piece::Code { .. } = piece {
            found = true;
        }
        Ok(None)
    });
    found
}

/// The text with every placeholder outside strings replaced by `1`, so that the pack's
/// declarations can be read before any variant is drawn.
pub fn neutral(text: &str) -> String {
    scan(text, &mut |piece| match piece {
        Piece::Code { .. } => Ok(Some("1".to_string())),
        Piece::Str { .. } => Ok(None),
    })
    .unwrap_or_else(|_| text.to_string())
}

/// The text of one variant: every placeholder replaced by its value.
pub fn instantiate(text: &str, variant: &Variant) -> Result<String, VariantError> {
    scan(text, &mut |piece| {
        let (expr, line, column, in_string) = match piece {
            Piece::Code { expr, line, column } => (expr, line, column, false),
            Piece::Str { expr, line, column } => (expr, line, column, true),
        };
        let Some(e) = parse_expr(expr) else {
            return if in_string {
                Ok(None)
            } else {
                Err(VariantError::BadExpr {
                    line,
                    column,
                    expr: expr.to_string(),
                })
            };
        };
        let names = e.names();
        if in_string && (names.is_empty() || names.iter().any(|n| !variant.values.contains_key(n)))
        {
            return Ok(None);
        }
        if let Some(name) = names.into_iter().find(|n| !variant.values.contains_key(n)) {
            return Err(VariantError::UnknownVariable { line, column, name });
        }
        e.eval(&variant.values)
            .map(|v| Some(v.to_string()))
            .map_err(|()| VariantError::Arithmetic(expr.to_string()))
    })
}

enum Piece<'a> {
    /// `{expr}` outside strings.
    Code {
        expr: &'a str,
        line: usize,
        column: usize,
    },
    /// `{expr}` inside a string.
    Str {
        expr: &'a str,
        line: usize,
        column: usize,
    },
}

/// Walk RON text (strings, raw strings, comments), offering each `{...}` to `f`; `Some`
/// replaces it. A `{` whose content holds a `:` or a newline (a RON map) is not offered.
fn scan(
    text: &str,
    f: &mut dyn FnMut(Piece) -> Result<Option<String>, VariantError>,
) -> Result<String, VariantError> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut line, mut line_start) = (0usize, 1usize, 0usize);
    let mut in_str = false;
    let mut raw_hashes: Option<usize> = None;
    let mut copied = 0usize;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            line_start = i + 1;
            i += 1;
            continue;
        }
        if let Some(h) = raw_hashes {
            let closing =
                c == b'"' && b[i + 1..].iter().take(h).filter(|&&x| x == b'#').count() == h;
            if closing {
                raw_hashes = None;
                in_str = false;
                i += 1 + h;
                continue;
            }
        } else if in_str {
            if c == b'\\' {
                if b.get(i + 1) == Some(&b'\n') {
                    line += 1;
                    line_start = i + 2;
                }
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
                i += 1;
                continue;
            }
        } else {
            if c == b'/' && b.get(i + 1) == Some(&b'/') {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            if c == b'/' && b.get(i + 1) == Some(&b'*') {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    if b[i] == b'\n' {
                        line += 1;
                        line_start = i + 1;
                    }
                    i += 1;
                }
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = true;
                i += 1;
                continue;
            }
            if c == b'r' && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#')) {
                let h = b[i + 1..].iter().take_while(|&&x| x == b'#').count();
                if b.get(i + 1 + h) == Some(&b'"') {
                    raw_hashes = Some(h);
                    in_str = true;
                    i += 2 + h;
                    continue;
                }
            }
        }
        if c == b'{' {
            let end = b[i + 1..]
                .iter()
                .take(MAX_EXPR)
                .position(|&x| x == b'}' || x == b'{' || x == b'\n' || x == b':' || x == b'"');
            if let Some(len) = end.filter(|&len| b[i + 1 + len] == b'}') {
                let expr = &text[i + 1..i + 1 + len];
                let column = text[line_start..i].chars().count() + 1;
                let piece = if in_str {
                    Piece::Str { expr, line, column }
                } else {
                    Piece::Code { expr, line, column }
                };
                if let Some(rep) = f(piece)? {
                    out.push_str(&text[copied..i]);
                    out.push_str(&rep);
                    copied = i + len + 2;
                }
                i += len + 2;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// An integer expression: numbers, variables, `+ - * / %`, comparisons, `&& ||`, `!`,
/// parentheses. Comparisons and logic give 1 or 0.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Num(i64),
    Var(String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl Expr {
    fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<String>) {
        match self {
            Expr::Num(_) => {}
            Expr::Var(n) => out.push(n.clone()),
            Expr::Neg(e) | Expr::Not(e) => e.collect(out),
            Expr::Bin(_, a, b) => {
                a.collect(out);
                b.collect(out);
            }
        }
    }

    fn eval(&self, vars: &BTreeMap<String, i64>) -> Result<i64, ()> {
        Ok(match self {
            Expr::Num(n) => *n,
            Expr::Var(n) => *vars.get(n).ok_or(())?,
            Expr::Neg(e) => e.eval(vars)?.checked_neg().ok_or(())?,
            Expr::Not(e) => i64::from(e.eval(vars)? == 0),
            Expr::Bin(op, a, b) => {
                let (x, y) = (a.eval(vars)?, b.eval(vars)?);
                match op {
                    Op::Add => x.checked_add(y).ok_or(())?,
                    Op::Sub => x.checked_sub(y).ok_or(())?,
                    Op::Mul => x.checked_mul(y).ok_or(())?,
                    Op::Div => x.checked_div(y).ok_or(())?,
                    Op::Rem => x.checked_rem(y).ok_or(())?,
                    Op::Eq => i64::from(x == y),
                    Op::Ne => i64::from(x != y),
                    Op::Lt => i64::from(x < y),
                    Op::Le => i64::from(x <= y),
                    Op::Gt => i64::from(x > y),
                    Op::Ge => i64::from(x >= y),
                    Op::And => i64::from(x != 0 && y != 0),
                    Op::Or => i64::from(x != 0 || y != 0),
                }
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Num(i64),
    Name(String),
    Op(&'static str),
    Open,
    Close,
}

fn tokens(s: &str) -> Option<Vec<Token>> {
    const OPS: [&str; 15] = [
        "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "!", "=",
    ];
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let end = b[i..]
                .iter()
                .position(|x| !x.is_ascii_digit())
                .map_or(b.len(), |p| i + p);
            out.push(Token::Num(s[i..end].parse().ok()?));
            i = end;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let end = b[i..]
                .iter()
                .position(|x| !(x.is_ascii_alphanumeric() || *x == b'_'))
                .map_or(b.len(), |p| i + p);
            out.push(Token::Name(s[i..end].to_string()));
            i = end;
        } else if c == b'(' {
            out.push(Token::Open);
            i += 1;
        } else if c == b')' {
            out.push(Token::Close);
            i += 1;
        } else {
            let op = OPS.iter().find(|op| s[i..].starts_with(**op))?;
            if *op == "=" {
                return None;
            }
            out.push(Token::Op(op));
            i += op.len();
        }
    }
    Some(out)
}

fn parse_expr(s: &str) -> Option<Expr> {
    if s.len() > MAX_EXPR {
        return None;
    }
    let toks = tokens(s)?;
    let mut p = Parser {
        toks,
        at: 0,
        depth: 0,
    };
    let e = p.binary(0)?;
    (p.at == p.toks.len()).then_some(e)
}

struct Parser {
    toks: Vec<Token>,
    at: usize,
    depth: usize,
}

const LEVELS: [&[(&str, Op)]; 5] = [
    &[("||", Op::Or)],
    &[("&&", Op::And)],
    &[
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
    ],
    &[("+", Op::Add), ("-", Op::Sub)],
    &[("*", Op::Mul), ("/", Op::Div), ("%", Op::Rem)],
];

impl Parser {
    fn binary(&mut self, level: usize) -> Option<Expr> {
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        while let Some(Token::Op(op)) = self.toks.get(self.at) {
            let Some(&(_, kind)) = LEVELS[level].iter().find(|(s, _)| s == op) else {
                break;
            };
            self.at += 1;
            let right = self.binary(level + 1)?;
            left = Expr::Bin(kind, Box::new(left), Box::new(right));
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Expr> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let tok = self.toks.get(self.at).cloned()?;
        self.at += 1;
        let e = match tok {
            Token::Num(n) => Expr::Num(n),
            Token::Name(n) => Expr::Var(n),
            Token::Op("-") => Expr::Neg(Box::new(self.unary()?)),
            Token::Op("!") => Expr::Not(Box::new(self.unary()?)),
            Token::Open => {
                let e = self.binary(0)?;
                if self.toks.get(self.at) != Some(&Token::Close) {
                    return None;
                }
                self.at += 1;
                e
            }
            Token::Op(_) | Token::Close => return None,
        };
        self.depth -= 1;
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, Domain)]) -> BTreeMap<String, Domain> {
        pairs
            .iter()
            .map(|(n, d)| (n.to_string(), d.clone()))
            .collect()
    }

    #[test]
    fn expressions_evaluate_as_integers() {
        let v: BTreeMap<String, i64> = [("c".to_string(), 16), ("k".to_string(), 5)].into();
        let ev = |s: &str| parse_expr(s).unwrap().eval(&v).unwrap();
        assert_eq!(ev("c * 5 * 5"), 400);
        assert_eq!(ev("(40 - k + 1) / 2"), 18);
        assert_eq!(ev("-c + 2 * (k % 3)"), -12);
        assert_eq!(ev("c > 8 && k == 5"), 1);
        assert_eq!(ev("!(c > 8) || k != 5"), 0);
        assert!(parse_expr("c = 3").is_none());
        assert!(parse_expr("\"a\": 1").is_none());
        assert!(parse_expr("c +").is_none());
        assert!(parse_expr("1 / (k - 5)").unwrap().eval(&v).is_err());
    }

    #[test]
    fn substitution_in_code_and_declared_names_in_strings() {
        let text = "(out: {c * 2}, s: \"{c} filters, {other}, {}\", m: {\"a\": 1}) // {c}\n";
        let variant = Variant {
            number: 0,
            values: [("c".to_string(), 6)].into(),
        };
        let got = instantiate(text, &variant).unwrap();
        assert_eq!(
            got,
            "(out: 12, s: \"6 filters, {other}, {}\", m: {\"a\": 1}) // {c}\n"
        );
        assert_eq!(
            neutral(text),
            "(out: 1, s: \"{c} filters, {other}, {}\", m: {\"a\": 1}) // {c}\n"
        );
        let e = instantiate("(\n  a: {d + 1})", &variant).unwrap_err();
        assert_eq!(
            e,
            VariantError::UnknownVariable {
                line: 2,
                column: 6,
                name: "d".into()
            }
        );
    }

    #[test]
    fn draws_are_stable_and_honour_constraints() {
        let v = vars(&[
            (
                "a",
                Domain::Range {
                    min: 1,
                    max: 20,
                    step: 1,
                },
            ),
            ("b", Domain::Choice(vec![3, 5, 7])),
        ]);
        let c = vec!["a % b == 0".to_string()];
        let mut seen = std::collections::BTreeSet::new();
        for n in 0..200 {
            let x = draw(&v, &c, n).unwrap();
            assert_eq!(x, draw(&v, &c, n).unwrap());
            assert_eq!(x.values["a"] % x.values["b"], 0);
            seen.insert((x.values["a"], x.values["b"]));
        }
        // a % b == 0 with a in 1..=20: 6 multiples of 3, 4 of 5, 2 of 7 = 12 pairs.
        assert!(seen.len() >= 10, "{seen:?}");
        assert_eq!(
            draw(&v, &["a > 100".to_string()], 1),
            Err(VariantError::Unsatisfiable)
        );
        assert!(matches!(
            draw(&v, &["z > 1".to_string()], 1),
            Err(VariantError::BadConstraint(_))
        ));
        assert_eq!(
            draw(
                &vars(&[(
                    "e",
                    Domain::Range {
                        min: 5,
                        max: 1,
                        step: 1
                    }
                )]),
                &[],
                0
            ),
            Err(VariantError::EmptyDomain("e".into()))
        );
    }

    #[test]
    fn variant_numbers_are_validated_in_one_place() {
        assert_eq!(parse_number("17"), Ok(17));
        assert_eq!(parse_number(" 999_999 "), Ok(999_999));
        assert_eq!(
            parse_number("1000000"),
            Err(VariantError::OutOfRange(1_000_000))
        );
        assert_eq!(
            parse_number("99999999999999999999999"),
            Err(VariantError::OutOfRange(u64::MAX))
        );
        assert!(matches!(
            parse_number("-1"),
            Err(VariantError::NotANumber(_))
        ));
        assert!(matches!(parse_number(""), Err(VariantError::NotANumber(_))));
        assert!(matches!(
            parse_number("3.5"),
            Err(VariantError::NotANumber(_))
        ));
        assert_eq!(check_number(0), Ok(0));
        assert!(draw(&BTreeMap::new(), &[], VARIANTS).is_err());
    }

    #[test]
    fn a_student_keeps_a_variant_and_students_differ() {
        let a = student_variant("enm", "Ada Lovelace");
        assert_eq!(a, student_variant("enm", "Ada Lovelace "));
        assert!(a < VARIANTS);
        let others: std::collections::BTreeSet<u64> = (0..50)
            .map(|i| student_variant("enm", &format!("student {i}")))
            .collect();
        assert!(others.len() >= 49);
    }
}
