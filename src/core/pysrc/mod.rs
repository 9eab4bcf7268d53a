//! PyTorch source as a course writes a model, read without Python: imports, `nn.Module`
//! classes with `__init__` and `forward`, and the expressions inside them. What is not
//! understood is an error with its position, never guessed.
//!
//! This module reads the source into a small syntax tree ([`Module`]); turning a class
//! into a model spec is the business of the importer.

pub mod lex;
pub mod model;
pub mod parse;

use crate::core::i18n::Lang;
use crate::tr;
use std::fmt;

pub use parse::{
    parse, Arg, BinOp, ClassDef, Expr, ExprKind, FuncDef, Import, Module, Param, Stmt, StmtKind,
};

/// A 1-based line and column (in characters) of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PyError {
    pub pos: Pos,
    pub problem: PyProblem,
}

impl PyError {
    pub fn new(pos: Pos, problem: PyProblem) -> PyError {
        PyError { pos, problem }
    }

    /// `file:line:col: why`, the source line and a caret under the column.
    pub fn render_at(&self, file: &str, src: &str, lang: Lang) -> String {
        let line = src
            .lines()
            .nth(self.pos.line.saturating_sub(1))
            .unwrap_or("");
        let caret: String = line
            .chars()
            .take(self.pos.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!(
            "{file}:{}:{}: {}\n  {line}\n  {caret}^",
            self.pos.line,
            self.pos.column,
            self.problem.render(lang)
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PyProblem {
    UnexpectedChar(char),
    Unbalanced(char),
    UnclosedString,
    BadNumber(String),
    TooLong,
    /// A construct mltutor does not read (a loop, a conditional, a decorator...).
    Unsupported(String),
    /// A token where another was expected.
    Expected {
        expected: &'static str,
        found: String,
    },
    /// Nesting past what any model needs.
    TooDeep,
    /// `--class` names no class of the file (the file's classes).
    NoClass(String, Vec<String>),
    /// Several `nn.Module` classes (or none): `--class` must say which.
    WhichClass(Vec<String>),
    /// A method or statement the model needs (`__init__`, `forward`, `return`).
    Missing(&'static str),
    /// A layer defined in `__init__` that `forward` never uses (PyTorch would count it).
    Unused(String),
    /// The input shape cannot be read from the code.
    NeedInput,
    /// A value that is not a constant the reader can compute.
    NotConstant,
    /// A constructor parameter without a default.
    NoDefault(String),
    /// A statement the reader does not follow.
    NotRead,
    /// A layer or function the model language does not have.
    UnknownLayer(String),
    /// `self.x` assigned twice.
    Reassigned(String),
    TooManyArgs,
    /// An argument PyTorch's signature does not have (did you mean...).
    UnknownArg(String, Option<String>),
    TwiceArg(String),
    MissingArg(String),
    /// An argument the model language only has at PyTorch's default (name, default).
    OnlyDefault(String, String),
    /// The spec's reader refused the layer.
    Spec(String),
    /// `forward` takes one input, a layer is called on one tensor.
    OneInput,
    /// Tensors combined or reused: a graph, which this reader does not follow yet.
    Graph,
    /// `self.x(...)` where `__init__` defines no `x`.
    NoLayer(String),
    /// One module called twice (shared weights).
    UsedTwice(String),
    /// A `view`/`reshape` other than `x.view(-1, N)` or `x.view(x.size(0), -1)`.
    ViewForm,
    /// A recurrent layer's final state (`h`, `c`) read: not in the model language.
    FinalState(String),
    /// `F.batch_norm(x, None, None)`, `F.group_norm(x, g)`: the channel count is not in the call.
    ChannelsUnknown(String),
    /// `self.attn(...)` other than self-attention read as `x, _ = self.attn(x, x, x)` or
    /// `self.attn(x, x, x)[0]` (the layer's name).
    Attention(AttentionUse, String),
}

/// How a `nn.MultiheadAttention` call is not read.
#[derive(Debug, Clone, PartialEq)]
pub enum AttentionUse {
    /// Its result, a tuple (output, weights), used as a tensor.
    Tuple,
    /// Query, key and value not the same tensor, or a mask.
    NotSelf,
    /// The attention weights read.
    Weights,
}

impl PyProblem {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            PyProblem::UnexpectedChar(c) => tr!(lang, "py-unexpected-char", text = c.to_string()),
            PyProblem::Unbalanced(c) => tr!(lang, "py-unbalanced", text = c.to_string()),
            PyProblem::UnclosedString => tr!(lang, "py-unclosed-string"),
            PyProblem::BadNumber(t) => tr!(lang, "py-bad-number", text = t.as_str()),
            PyProblem::TooLong => tr!(lang, "py-too-long"),
            PyProblem::Unsupported(what) => tr!(lang, "py-unsupported", what = what.as_str()),
            PyProblem::Expected { expected, found } => tr!(
                lang,
                "py-expected",
                expected = *expected,
                found = found.as_str()
            ),
            PyProblem::TooDeep => tr!(lang, "py-too-deep"),
            PyProblem::NoClass(name, all) => tr!(
                lang,
                "py-no-class",
                name = name.as_str(),
                classes = all.join(", ")
            ),
            PyProblem::WhichClass(all) => tr!(lang, "py-which-class", classes = all.join(", ")),
            PyProblem::Missing(what) => tr!(lang, "py-missing", what = *what),
            PyProblem::Unused(n) => tr!(lang, "py-unused", name = n.as_str()),
            PyProblem::NeedInput => tr!(lang, "py-need-input"),
            PyProblem::NotConstant => tr!(lang, "py-not-constant"),
            PyProblem::NoDefault(n) => tr!(lang, "py-no-default", name = n.as_str()),
            PyProblem::NotRead => tr!(lang, "py-not-read"),
            PyProblem::UnknownLayer(n) => tr!(lang, "py-unknown-layer", name = n.as_str()),
            PyProblem::Reassigned(n) => tr!(lang, "py-reassigned", name = n.as_str()),
            PyProblem::TooManyArgs => tr!(lang, "py-too-many-args"),
            PyProblem::UnknownArg(n, Some(s)) => {
                tr!(
                    lang,
                    "py-unknown-arg-suggest",
                    name = n.as_str(),
                    suggestion = s.as_str()
                )
            }
            PyProblem::UnknownArg(n, None) => tr!(lang, "py-unknown-arg", name = n.as_str()),
            PyProblem::TwiceArg(n) => tr!(lang, "py-twice-arg", name = n.as_str()),
            PyProblem::MissingArg(n) => tr!(lang, "py-missing-arg", name = n.as_str()),
            PyProblem::OnlyDefault(n, d) => {
                tr!(
                    lang,
                    "py-only-default",
                    name = n.as_str(),
                    default = d.as_str()
                )
            }
            PyProblem::Spec(why) => tr!(lang, "py-spec", why = why.as_str()),
            PyProblem::OneInput => tr!(lang, "py-one-input"),
            PyProblem::Graph => tr!(lang, "py-graph"),
            PyProblem::NoLayer(n) => tr!(lang, "py-no-layer", name = n.as_str()),
            PyProblem::UsedTwice(n) => tr!(lang, "py-used-twice", name = n.as_str()),
            PyProblem::ViewForm => tr!(lang, "py-view-form"),
            PyProblem::FinalState(n) => tr!(lang, "py-final-state", name = n.as_str()),
            PyProblem::ChannelsUnknown(n) => {
                tr!(lang, "py-channels-unknown", name = n.as_str())
            }
            PyProblem::Attention(AttentionUse::Tuple, n) => {
                tr!(lang, "attention-py-tuple", name = n.as_str())
            }
            PyProblem::Attention(AttentionUse::NotSelf, n) => {
                tr!(lang, "attention-py-not-self", name = n.as_str())
            }
            PyProblem::Attention(AttentionUse::Weights, n) => {
                tr!(lang, "attention-py-weights", name = n.as_str())
            }
        }
    }
}

impl model::Note {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            model::Note::ConventionalImports => tr!(lang, "py-note-conventional-imports"),
            model::Note::InitWithoutUnderscores => tr!(lang, "py-note-init"),
            model::Note::ViewAsFlatten => tr!(lang, "py-note-view-flatten"),
            model::Note::FreeModuleAsFunction(n) => {
                tr!(lang, "py-note-free-module", name = n.as_str())
            }
        }
    }
}

impl fmt::Display for PyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.pos.line,
            self.pos.column,
            self.problem.render(Lang::en())
        )
    }
}

impl std::error::Error for PyError {}
