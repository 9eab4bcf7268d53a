//! The syntax tree of a model's source, from the logical lines of [`super::lex`].
//!
//! Blocks are found from `class` and `def` headers: a line indented deeper than its
//! header belongs to it. So a listing copied from a PDF, whose body lines are indented by
//! 7 or 8 columns at random, still reads as Python would have read the original. Nested
//! blocks (`if`, `for`, `with`...) are not read: they are kept as [`StmtKind::Unsupported`]
//! with their position, for the importer to refuse when a model uses them.

use super::lex::{lines, Line, Tok, Token};
use super::{Pos, PyError, PyProblem};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    pub imports: Vec<Import>,
    pub classes: Vec<ClassDef>,
    pub functions: Vec<FuncDef>,
    /// Top-level assignments (`NUM_CLASSES = 10`).
    pub assignments: Vec<Stmt>,
    /// Top-level statements not read (`if __name__ == "__main__":`, `print(model)`), with
    /// their position: they do not define a model.
    pub skipped: Vec<(Pos, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    /// `torch.nn` in `import torch.nn as nn` or `from torch import nn`.
    pub module: String,
    /// The name imported from the module (`nn` in `from torch import nn`), if any.
    pub name: Option<String>,
    /// The name it is bound to in the file.
    pub alias: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClassDef {
    pub name: String,
    pub bases: Vec<Expr>,
    pub methods: Vec<FuncDef>,
    /// Class-level assignments.
    pub attributes: Vec<Stmt>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FuncDef {
    pub name: String,
    pub params: Vec<Param>,
    pub body: Vec<Stmt>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub default: Option<Expr>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `a = b = value`, `out, (h, c) = self.lstm(x)`.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    /// `x += y`.
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    Expr(Expr),
    Return(Option<Expr>),
    Pass,
    /// A statement mltutor does not read, named (`for`, `if`, `with`...).
    Unsupported(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    Ellipsis,
    Attr(Box<Expr>, String),
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
    },
    /// `x[...]`: one index, or several separated by commas.
    Index(Box<Expr>, Vec<Expr>),
    /// `a:b:c` inside an index.
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// `Some` for `name=value`.
    pub keyword: Option<String>,
    pub value: Expr,
    /// Where the argument starts: its keyword, else its value.
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    MatMul,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

const MAX_DEPTH: usize = 100;

/// Read a source file into its syntax tree.
pub fn parse(src: &str) -> Result<Module, PyError> {
    let lines = lines(src)?;
    let mut module = Module::default();
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let end = block_end(&lines, i);
        let first = &line.tokens[0];
        match &first.tok {
            Tok::Name(w) if w == "import" || w == "from" => {
                module.imports.extend(import(line)?);
                i += 1;
            }
            Tok::Name(w) if w == "class" => {
                module.classes.push(class(&lines[i..end])?);
                i = end;
            }
            Tok::Name(w) if w == "def" => {
                module.functions.push(function(&lines[i..end])?);
                i = end;
            }
            Tok::Op("@") => {
                module.skipped.push((first.pos, "@".into()));
                i += 1;
            }
            _ => {
                for s in statements(line)? {
                    match &s.kind {
                        StmtKind::Assign { .. } => module.assignments.push(s),
                        other => module.skipped.push((s.pos, describe(other))),
                    }
                }
                i = end.max(i + 1);
            }
        }
    }
    Ok(module)
}

fn describe(kind: &StmtKind) -> String {
    match kind {
        StmtKind::Unsupported(w) => w.clone(),
        StmtKind::Return(_) => "return".into(),
        StmtKind::Pass => "pass".into(),
        StmtKind::Assign { .. } | StmtKind::AugAssign { .. } => "=".into(),
        StmtKind::Expr(_) => "expression".into(),
    }
}

/// The index after the last line indented deeper than line `i` (its block).
fn block_end(lines: &[Line], i: usize) -> usize {
    let indent = lines[i].indent;
    let mut j = i + 1;
    while j < lines.len() && lines[j].indent > indent {
        j += 1;
    }
    j
}

fn found(t: Option<&Token>) -> String {
    match t.map(|t| &t.tok) {
        None => "end of line".into(),
        Some(Tok::Name(n)) => n.clone(),
        Some(Tok::Int(v)) => v.to_string(),
        Some(Tok::Float(v)) => v.to_string(),
        Some(Tok::Str(s)) => format!("{s:?}"),
        Some(Tok::Op(o)) => (*o).to_string(),
    }
}

fn import(line: &Line) -> Result<Vec<Import>, PyError> {
    let mut c = Cursor::new(&line.tokens, line_pos(line));
    let pos = c.pos();
    let mut out = Vec::new();
    if c.eat_name("from") {
        let module = c.dotted()?;
        c.expect_name("import")?;
        let paren = c.eat_op("(");
        loop {
            let name = c.name()?;
            let alias = if c.eat_name("as") {
                c.name()?
            } else {
                name.clone()
            };
            out.push(Import {
                module: module.clone(),
                name: Some(name),
                alias,
                pos,
            });
            if !c.eat_op(",") {
                break;
            }
            if paren && c.peek_op(")") {
                break;
            }
        }
        if paren {
            c.expect_op(")")?;
        }
    } else {
        c.expect_name("import")?;
        loop {
            let module = c.dotted()?;
            let alias = if c.eat_name("as") {
                c.name()?
            } else {
                module.split('.').next().unwrap_or_default().to_string()
            };
            out.push(Import {
                module,
                name: None,
                alias,
                pos,
            });
            if !c.eat_op(",") {
                break;
            }
        }
    }
    c.end()?;
    Ok(out)
}

fn line_pos(line: &Line) -> Pos {
    line.tokens.last().map(|t| t.pos).unwrap_or_default()
}

fn class(lines: &[Line]) -> Result<ClassDef, PyError> {
    let head = &lines[0];
    let mut c = Cursor::new(&head.tokens, line_pos(head));
    let pos = c.pos();
    c.expect_name("class")?;
    let name = c.name()?;
    let mut bases = Vec::new();
    if c.eat_op("(") {
        while !c.peek_op(")") {
            bases.push(c.expr()?);
            if !c.eat_op(",") {
                break;
            }
        }
        c.expect_op(")")?;
    }
    c.expect_op(":")?;
    let mut class = ClassDef {
        name,
        bases,
        methods: Vec::new(),
        attributes: Vec::new(),
        pos,
    };
    // A one-line body after the colon (`class A(nn.Module): pass`).
    if !c.at_end() {
        let rest = Line {
            indent: head.indent + 1,
            tokens: head.tokens[c.at..].to_vec(),
        };
        class.attributes.extend(statements(&rest)?);
    }
    let mut i = 1;
    while i < lines.len() {
        let end = i + block_end(&lines[i..], 0);
        let first = &lines[i].tokens[0];
        match &first.tok {
            Tok::Name(w) if w == "def" => class.methods.push(function(&lines[i..end])?),
            Tok::Op("@") => class.attributes.push(Stmt {
                kind: StmtKind::Unsupported("@".into()),
                pos: first.pos,
            }),
            _ => {
                for s in statements(&lines[i])? {
                    // A docstring is not an attribute.
                    if !matches!(
                        &s.kind,
                        StmtKind::Expr(Expr {
                            kind: ExprKind::Str(_),
                            ..
                        })
                    ) {
                        class.attributes.push(s);
                    }
                }
            }
        }
        i = end;
    }
    Ok(class)
}

fn function(lines: &[Line]) -> Result<FuncDef, PyError> {
    let head = &lines[0];
    let mut c = Cursor::new(&head.tokens, line_pos(head));
    let pos = c.pos();
    c.expect_name("def")?;
    let name = c.name()?;
    c.expect_op("(")?;
    let mut params = Vec::new();
    while !c.peek_op(")") {
        let ppos = c.pos();
        if c.peek_op("*") || c.peek_op("**") || c.peek_op("/") {
            return Err(PyError::new(ppos, PyProblem::Unsupported("*args".into())));
        }
        let pname = c.name()?;
        if c.eat_op(":") {
            c.expr()?; // An annotation says nothing about the model.
        }
        let default = if c.eat_op("=") { Some(c.expr()?) } else { None };
        params.push(Param {
            name: pname,
            default,
            pos: ppos,
        });
        if !c.eat_op(",") {
            break;
        }
    }
    c.expect_op(")")?;
    if c.eat_op("->") {
        c.expr()?;
    }
    c.expect_op(":")?;
    let mut body = Vec::new();
    if !c.at_end() {
        let rest = Line {
            indent: head.indent + 1,
            tokens: head.tokens[c.at..].to_vec(),
        };
        body.extend(statements(&rest)?);
    }
    for line in &lines[1..] {
        for s in statements(line)? {
            if !matches!(
                &s.kind,
                StmtKind::Expr(Expr {
                    kind: ExprKind::Str(_),
                    ..
                })
            ) {
                body.push(s);
            }
        }
    }
    Ok(FuncDef {
        name,
        params,
        body,
        pos,
    })
}

const COMPOUND: [&str; 14] = [
    "if", "elif", "else", "for", "while", "with", "try", "except", "finally", "def", "class",
    "async", "match", "lambda",
];
const SIMPLE_UNSUPPORTED: [&str; 8] = [
    "global", "nonlocal", "del", "assert", "raise", "yield", "import", "from",
];

/// The statements of one logical line (`;` separates several).
fn statements(line: &Line) -> Result<Vec<Stmt>, PyError> {
    let mut out = Vec::new();
    for part in line.tokens.split(|t| t.tok == Tok::Op(";")) {
        if part.is_empty() {
            continue;
        }
        out.push(statement(part, line_pos(line))?);
    }
    Ok(out)
}

fn statement(tokens: &[Token], end: Pos) -> Result<Stmt, PyError> {
    let pos = tokens[0].pos;
    if let Tok::Name(w) = &tokens[0].tok {
        if COMPOUND.contains(&w.as_str()) || SIMPLE_UNSUPPORTED.contains(&w.as_str()) {
            return Ok(Stmt {
                kind: StmtKind::Unsupported(w.clone()),
                pos,
            });
        }
        if w == "pass" && tokens.len() == 1 {
            return Ok(Stmt {
                kind: StmtKind::Pass,
                pos,
            });
        }
        if w == "return" {
            let mut c = Cursor::new(&tokens[1..], end);
            let value = if c.at_end() {
                None
            } else {
                Some(c.tuple_expr()?)
            };
            c.end()?;
            return Ok(Stmt {
                kind: StmtKind::Return(value),
                pos,
            });
        }
    }
    let mut c = Cursor::new(tokens, end);
    let first = c.tuple_expr()?;
    // Annotated assignment: `x: int = 3`.
    if c.eat_op(":") {
        c.expr()?;
        if c.at_end() {
            return Ok(Stmt {
                kind: StmtKind::Pass,
                pos,
            });
        }
    }
    for (op, bin) in [
        ("+=", BinOp::Add),
        ("-=", BinOp::Sub),
        ("*=", BinOp::Mul),
        ("/=", BinOp::Div),
        ("//=", BinOp::FloorDiv),
        ("%=", BinOp::Mod),
        ("**=", BinOp::Pow),
    ] {
        if c.eat_op(op) {
            let value = c.tuple_expr()?;
            c.end()?;
            return Ok(Stmt {
                kind: StmtKind::AugAssign {
                    target: first,
                    op: bin,
                    value,
                },
                pos,
            });
        }
    }
    let mut targets = vec![first];
    while c.eat_op("=") {
        targets.push(c.tuple_expr()?);
    }
    c.end()?;
    let value = targets.pop().expect("one at least");
    let kind = if targets.is_empty() {
        StmtKind::Expr(value)
    } else {
        StmtKind::Assign { targets, value }
    };
    Ok(Stmt { kind, pos })
}

struct Cursor<'a> {
    t: &'a [Token],
    at: usize,
    end: Pos,
    depth: usize,
}

impl<'a> Cursor<'a> {
    fn new(t: &'a [Token], end: Pos) -> Cursor<'a> {
        Cursor {
            t,
            at: 0,
            end,
            depth: 0,
        }
    }

    fn pos(&self) -> Pos {
        self.t.get(self.at).map_or(self.end, |t| t.pos)
    }

    fn at_end(&self) -> bool {
        self.at >= self.t.len()
    }

    fn peek(&self) -> Option<&'a Token> {
        self.t.get(self.at)
    }

    fn peek_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Op(o), .. }) if *o == op)
    }

    fn peek_name(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Name(n), .. }) if n == w)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let yes = self.peek_op(op);
        self.at += usize::from(yes);
        yes
    }

    fn eat_name(&mut self, w: &str) -> bool {
        let yes = self.peek_name(w);
        self.at += usize::from(yes);
        yes
    }

    fn fail(&self, expected: &'static str) -> PyError {
        PyError::new(
            self.pos(),
            PyProblem::Expected {
                expected,
                found: found(self.peek()),
            },
        )
    }

    fn expect_op(&mut self, op: &'static str) -> Result<(), PyError> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.fail(op))
        }
    }

    fn expect_name(&mut self, w: &'static str) -> Result<(), PyError> {
        if self.eat_name(w) {
            Ok(())
        } else {
            Err(self.fail(w))
        }
    }

    fn end(&self) -> Result<(), PyError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.fail("end of line"))
        }
    }

    fn name(&mut self) -> Result<String, PyError> {
        match self.peek() {
            Some(Token {
                tok: Tok::Name(n), ..
            }) => {
                self.at += 1;
                Ok(n.clone())
            }
            _ => Err(self.fail("a name")),
        }
    }

    fn dotted(&mut self) -> Result<String, PyError> {
        let mut s = self.name()?;
        while self.eat_op(".") {
            s.push('.');
            s.push_str(&self.name()?);
        }
        Ok(s)
    }

    fn deeper(&mut self) -> Result<(), PyError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PyError::new(self.pos(), PyProblem::TooDeep));
        }
        Ok(())
    }

    /// `a, b` as a tuple (statements, returns), or one expression.
    fn tuple_expr(&mut self) -> Result<Expr, PyError> {
        let pos = self.pos();
        let first = self.expr()?;
        if !self.peek_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_end() || self.peek_op("=") || self.peek_op(")") {
                break;
            }
            items.push(self.expr()?);
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            pos,
        })
    }

    fn expr(&mut self) -> Result<Expr, PyError> {
        self.deeper()?;
        let e = self.or()?;
        if self.peek_name("if") {
            return Err(PyError::new(
                self.pos(),
                PyProblem::Unsupported("if … else".into()),
            ));
        }
        if self.peek_name("for") {
            return Err(PyError::new(
                self.pos(),
                PyProblem::Unsupported("for (a comprehension)".into()),
            ));
        }
        self.depth -= 1;
        Ok(e)
    }

    fn binary(
        &mut self,
        ops: &[(&str, BinOp)],
        next: fn(&mut Self) -> Result<Expr, PyError>,
        words: bool,
    ) -> Result<Expr, PyError> {
        let mut left = next(self)?;
        loop {
            let found = ops.iter().find(|(s, _)| {
                if words {
                    self.peek_name(s)
                } else {
                    self.peek_op(s)
                }
            });
            let Some(&(_, op)) = found else {
                return Ok(left);
            };
            let pos = self.pos();
            self.at += 1;
            let right = next(self)?;
            left = Expr {
                kind: ExprKind::Bin(op, Box::new(left), Box::new(right)),
                pos,
            };
        }
    }

    fn or(&mut self) -> Result<Expr, PyError> {
        self.binary(&[("or", BinOp::Or)], Self::and, true)
    }

    fn and(&mut self) -> Result<Expr, PyError> {
        self.binary(&[("and", BinOp::And)], Self::not, true)
    }

    fn not(&mut self) -> Result<Expr, PyError> {
        let pos = self.pos();
        if self.eat_name("not") {
            self.deeper()?;
            let e = self.not()?;
            self.depth -= 1;
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(e)),
                pos,
            });
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr, PyError> {
        if self.peek_name("in") || self.peek_name("is") {
            return Err(PyError::new(
                self.pos(),
                PyProblem::Unsupported("in / is".into()),
            ));
        }
        self.binary(
            &[
                ("==", BinOp::Eq),
                ("!=", BinOp::Ne),
                ("<=", BinOp::Le),
                (">=", BinOp::Ge),
                ("<", BinOp::Lt),
                (">", BinOp::Gt),
            ],
            Self::sum,
            false,
        )
    }

    fn sum(&mut self) -> Result<Expr, PyError> {
        self.binary(&[("+", BinOp::Add), ("-", BinOp::Sub)], Self::term, false)
    }

    fn term(&mut self) -> Result<Expr, PyError> {
        self.binary(
            &[
                ("*", BinOp::Mul),
                ("/", BinOp::Div),
                ("//", BinOp::FloorDiv),
                ("%", BinOp::Mod),
                ("@", BinOp::MatMul),
            ],
            Self::unary,
            false,
        )
    }

    fn unary(&mut self) -> Result<Expr, PyError> {
        let pos = self.pos();
        if self.eat_op("-") {
            self.deeper()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(e)),
                pos,
            });
        }
        if self.eat_op("+") {
            return self.unary();
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, PyError> {
        let base = self.primary()?;
        if self.peek_op("**") {
            let pos = self.pos();
            self.at += 1;
            self.deeper()?;
            let exp = self.unary()?;
            self.depth -= 1;
            return Ok(Expr {
                kind: ExprKind::Bin(BinOp::Pow, Box::new(base), Box::new(exp)),
                pos,
            });
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, PyError> {
        let mut e = self.atom()?;
        loop {
            let pos = self.pos();
            if self.eat_op(".") {
                let name = self.name()?;
                e = Expr {
                    kind: ExprKind::Attr(Box::new(e), name),
                    pos,
                };
            } else if self.eat_op("(") {
                let args = self.args()?;
                e = Expr {
                    kind: ExprKind::Call {
                        func: Box::new(e),
                        args,
                    },
                    pos,
                };
            } else if self.eat_op("[") {
                let mut items = Vec::new();
                while !self.peek_op("]") {
                    items.push(self.subscript()?);
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_op("]")?;
                e = Expr {
                    kind: ExprKind::Index(Box::new(e), items),
                    pos,
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn args(&mut self) -> Result<Vec<Arg>, PyError> {
        let mut args = Vec::new();
        while !self.peek_op(")") {
            if self.peek_op("*") || self.peek_op("**") {
                return Err(PyError::new(
                    self.pos(),
                    PyProblem::Unsupported("*args".into()),
                ));
            }
            let pos = self.pos();
            let keyword = match (self.t.get(self.at), self.t.get(self.at + 1)) {
                (
                    Some(Token {
                        tok: Tok::Name(n), ..
                    }),
                    Some(Token {
                        tok: Tok::Op("="), ..
                    }),
                ) => {
                    self.at += 2;
                    Some(n.clone())
                }
                _ => None,
            };
            let value = self.expr()?;
            args.push(Arg {
                keyword,
                value,
                pos,
            });
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(")")?;
        Ok(args)
    }

    fn opt_expr(&mut self) -> Result<Option<Box<Expr>>, PyError> {
        if self.peek_op(":") || self.peek_op(",") || self.peek_op("]") {
            Ok(None)
        } else {
            Ok(Some(Box::new(self.expr()?)))
        }
    }

    fn subscript(&mut self) -> Result<Expr, PyError> {
        let pos = self.pos();
        let lo = self.opt_expr()?;
        if !self.eat_op(":") {
            return lo.map(|b| *b).ok_or_else(|| self.fail("an index"));
        }
        let hi = self.opt_expr()?;
        let step = if self.eat_op(":") {
            self.opt_expr()?
        } else {
            None
        };
        Ok(Expr {
            kind: ExprKind::Slice(lo, hi, step),
            pos,
        })
    }

    fn atom(&mut self) -> Result<Expr, PyError> {
        let pos = self.pos();
        let Some(t) = self.peek() else {
            return Err(self.fail("an expression"));
        };
        self.at += 1;
        let kind = match &t.tok {
            Tok::Int(v) => ExprKind::Int(*v),
            Tok::Float(v) => ExprKind::Float(*v),
            Tok::Str(s) => {
                let mut s = s.clone();
                while let Some(Token {
                    tok: Tok::Str(more),
                    ..
                }) = self.peek()
                {
                    s.push_str(more);
                    self.at += 1;
                }
                ExprKind::Str(s)
            }
            Tok::Name(n) => match n.as_str() {
                "True" => ExprKind::Bool(true),
                "False" => ExprKind::Bool(false),
                "None" => ExprKind::None,
                "lambda" | "yield" | "await" => {
                    return Err(PyError::new(pos, PyProblem::Unsupported(n.clone())))
                }
                _ => ExprKind::Name(n.clone()),
            },
            Tok::Op(".") if self.peek_op(".") => {
                self.at += 1;
                self.expect_op(".")?;
                ExprKind::Ellipsis
            }
            Tok::Op("(") => {
                if self.eat_op(")") {
                    ExprKind::Tuple(Vec::new())
                } else {
                    self.deeper()?;
                    let e = self.tuple_expr()?;
                    self.depth -= 1;
                    let trailing = self.t.get(self.at.saturating_sub(1)).map(|t| &t.tok)
                        == Some(&Tok::Op(","));
                    self.expect_op(")")?;
                    match e.kind {
                        ExprKind::Tuple(_) => e.kind,
                        _ if trailing => ExprKind::Tuple(vec![e]),
                        _ => return Ok(e),
                    }
                }
            }
            Tok::Op("[") => {
                let mut items = Vec::new();
                while !self.peek_op("]") {
                    self.deeper()?;
                    items.push(self.expr()?);
                    self.depth -= 1;
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_op("]")?;
                ExprKind::List(items)
            }
            Tok::Op("{") => return Err(PyError::new(pos, PyProblem::Unsupported("{…}".into()))),
            Tok::Op(_) => {
                self.at -= 1;
                return Err(self.fail("an expression"));
            }
        };
        Ok(Expr { kind, pos })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exam's listing exactly as the correction prints it: `def init (self)` and body
    /// lines indented by 7 or 8 columns.
    const EXAM: &str = "class CNN(nn.Module):
    def init (self):
        super(CNN, self).__init__()
        self.conv1 = nn.Conv2d(3, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 10, kernel_size=5, padding=2)
        self.fc1 = nn.Linear(1000, 50, bias=False)
        self.fc2 = nn.Linear(50, 10)
    def forward(self, x):
       x = self.conv1(x)
       x = F.relu(x)
       x = F.max_pool2d(x, 2)
       x = self.conv2(x)
       x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = x.view(-1, 1000)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return x
";

    #[test]
    fn the_exam_listing_reads_with_its_ragged_indentation() {
        let m = parse(EXAM).unwrap();
        assert_eq!(m.classes.len(), 1);
        let c = &m.classes[0];
        assert_eq!(c.name, "CNN");
        let names: Vec<_> = c.methods.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["init", "forward"]);
        assert_eq!(c.methods[0].body.len(), 5);
        assert_eq!(c.methods[1].body.len(), 10);
        let StmtKind::Assign { targets, value } = &c.methods[0].body[3].kind else {
            panic!()
        };
        assert!(matches!(&targets[0].kind, ExprKind::Attr(_, n) if n == "fc1"));
        let ExprKind::Call { args, .. } = &value.kind else {
            panic!()
        };
        assert_eq!(args[2].keyword.as_deref(), Some("bias"));
        assert_eq!(args[2].value.kind, ExprKind::Bool(false));
        // Line 15 is `x = x.view(-1, 1000)`, its `x` at column 9.
        assert_eq!(
            c.methods[1].body[6].pos,
            Pos {
                line: 15,
                column: 9
            }
        );
    }

    #[test]
    fn imports_unpacking_indexing_and_slices() {
        let src = "import torch\nimport torch.nn as nn\nfrom torch.nn import functional as F, Linear\n\nclass M(nn.Module):\n    \"\"\"Doc.\"\"\"\n    def __init__(self, vocab=100, hidden: int = 16):\n        super().__init__()\n        self.fc = nn.Linear(hidden * 2, 10)\n    def forward(self, x):\n        out, (h, c) = self.lstm(x)\n        y = out[:, -1, :] + h[-1]\n        return torch.cat([y, x[..., 0]], dim=1)\n\nif __name__ == '__main__':\n    print(M())\n";
        let m = parse(src).unwrap();
        let aliases: Vec<_> = m.imports.iter().map(|i| i.alias.as_str()).collect();
        assert_eq!(aliases, ["torch", "nn", "F", "Linear"]);
        assert_eq!(m.imports[2].module, "torch.nn");
        let c = &m.classes[0];
        assert_eq!(c.methods[0].params.len(), 3);
        assert!(c.methods[0].params[1].default.is_some());
        let StmtKind::Assign { targets, .. } = &c.methods[1].body[0].kind else {
            panic!()
        };
        let ExprKind::Tuple(items) = &targets[0].kind else {
            panic!()
        };
        assert!(matches!(items[1].kind, ExprKind::Tuple(_)));
        let StmtKind::Assign { value, .. } = &c.methods[1].body[1].kind else {
            panic!()
        };
        let ExprKind::Bin(BinOp::Add, left, _) = &value.kind else {
            panic!()
        };
        let ExprKind::Index(_, idx) = &left.kind else {
            panic!()
        };
        assert_eq!(idx.len(), 3);
        assert!(matches!(idx[1].kind, ExprKind::Neg(_)));
        assert!(matches!(idx[0].kind, ExprKind::Slice(None, None, None)));
        // The `if __name__` block is one skipped statement, its body with it.
        assert_eq!(m.skipped.len(), 1, "{:?}", m.skipped);
    }

    #[test]
    fn what_is_not_read_has_a_position() {
        let src = "class M(nn.Module):\n    def forward(self, x):\n        for i in range(3):\n            x = self.f(x)\n        return x\n";
        let m = parse(src).unwrap();
        let body = &m.classes[0].methods[0].body;
        assert_eq!(body[0].kind, StmtKind::Unsupported("for".into()));
        assert_eq!(body[0].pos, Pos { line: 3, column: 9 });
        let e = parse("x = [f(i) for i in y]\n").unwrap_err();
        assert_eq!(
            e.pos,
            Pos {
                line: 1,
                column: 11
            }
        );
        assert!(matches!(e.problem, PyProblem::Unsupported(_)));
        let e = parse("x = (1, 2\n").unwrap_err();
        assert_eq!(e.problem, PyProblem::Unbalanced('('));
        let e = parse("x = f'a'\n").unwrap_err();
        assert!(matches!(e.problem, PyProblem::Unsupported(_)));
        let e = parse(&format!("x = {}1{}\n", "(".repeat(500), ")".repeat(500))).unwrap_err();
        assert_eq!(e.problem, PyProblem::TooDeep);
    }
}
