//! GIFT, Moodle's plain-text question format, as Moodle's documentation describes it:
//! `::name::[format]text{answers}`, questions separated by blank lines, `//` comments,
//! `$CATEGORY:` lines, `\` escaping `~ = # { } :`.

use super::{
    parse_number, write_number, Accept, Bank, Body, FormatError, FormatProblem, Item,
    NumericalAnswer, Pair, TextFormat, Weighted, MAX_ITEMS,
};

/// One character of the file, with whether a backslash escaped it and where it stood.
#[derive(Debug, Clone, Copy)]
struct Tok {
    c: char,
    escaped: bool,
    line: usize,
    column: usize,
}

fn err(t: Option<&Tok>, problem: FormatProblem) -> FormatError {
    FormatError {
        line: t.map_or(0, |t| t.line),
        column: t.map_or(0, |t| t.column),
        problem,
    }
}

/// Read a GIFT file. Every question must read whole: the first problem is returned with
/// its position, and nothing is skipped.
pub fn parse(text: &str) -> Result<Bank, FormatError> {
    let mut bank = Bank::default();
    let mut category: Option<String> = None;
    let mut chunk: Vec<Tok> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("$CATEGORY:") {
            flush(&mut chunk, &category, &mut bank)?;
            category = Some(rest.trim().to_string());
            continue;
        }
        if trimmed.trim().is_empty() {
            flush(&mut chunk, &category, &mut bank)?;
            continue;
        }
        if !chunk.is_empty() {
            let last = *chunk.last().expect("not empty");
            chunk.push(Tok {
                c: '\n',
                escaped: false,
                line: last.line,
                column: last.column + 1,
            });
        }
        tokenize(raw, line, &mut chunk);
    }
    flush(&mut chunk, &category, &mut bank)?;
    Ok(bank)
}

fn tokenize(raw: &str, line: usize, out: &mut Vec<Tok>) {
    let mut chars = raw.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        let column = i + 1;
        if c == '\\' {
            if let Some(&(_, next)) = chars.peek() {
                if "~=#{}:\\".contains(next) {
                    chars.next();
                    out.push(Tok {
                        c: next,
                        escaped: true,
                        line,
                        column,
                    });
                    continue;
                }
                if next == 'n' {
                    chars.next();
                    out.push(Tok {
                        c: '\n',
                        escaped: true,
                        line,
                        column,
                    });
                    continue;
                }
            }
        }
        out.push(Tok {
            c,
            escaped: false,
            line,
            column,
        });
    }
}

fn flush(
    chunk: &mut Vec<Tok>,
    category: &Option<String>,
    bank: &mut Bank,
) -> Result<(), FormatError> {
    if chunk.is_empty() {
        return Ok(());
    }
    let toks = std::mem::take(chunk);
    if bank.items.len() >= MAX_ITEMS {
        return Err(err(toks.first(), FormatProblem::TooManyItems));
    }
    bank.items.push(item(&toks, category.clone())?);
    Ok(())
}

fn is(t: &Tok, c: char) -> bool {
    t.c == c && !t.escaped
}

fn text_of(toks: &[Tok]) -> String {
    toks.iter().map(|t| t.c).collect()
}

/// The index of the first unescaped `pat` (a sequence of characters) at or after `from`.
fn find(toks: &[Tok], from: usize, pat: &str) -> Option<usize> {
    let pat: Vec<char> = pat.chars().collect();
    (from..toks.len()).find(|&i| {
        i + pat.len() <= toks.len() && pat.iter().enumerate().all(|(k, &c)| is(&toks[i + k], c))
    })
}

fn trim(toks: &[Tok]) -> &[Tok] {
    let start = toks
        .iter()
        .position(|t| !t.c.is_whitespace() || t.escaped)
        .unwrap_or(toks.len());
    let end = toks
        .iter()
        .rposition(|t| !t.c.is_whitespace() || t.escaped)
        .map_or(start, |e| e + 1);
    &toks[start..end.max(start)]
}

fn item(toks: &[Tok], category: Option<String>) -> Result<Item, FormatError> {
    let mut rest = trim(toks);
    let mut name = String::new();
    if rest.len() >= 2 && is(&rest[0], ':') && is(&rest[1], ':') {
        let end =
            find(rest, 2, "::").ok_or_else(|| err(rest.first(), FormatProblem::Missing("::")))?;
        name = text_of(&rest[2..end]).trim().to_string();
        rest = trim(&rest[end + 2..]);
    }
    let mut format = TextFormat::Moodle;
    if rest.first().is_some_and(|t| t.c == '[') {
        if let Some(close) = rest.iter().position(|t| t.c == ']') {
            let word = text_of(&rest[1..close]);
            format = TextFormat::from_name(word.trim())
                .ok_or_else(|| err(rest.first(), FormatProblem::UnknownFormat(word.clone())))?;
            rest = trim(&rest[close + 1..]);
        }
    }
    let open = rest.iter().position(|t| is(t, '{'));
    let Some(open) = open else {
        if let Some(stray) = rest.iter().find(|t| is(t, '}')) {
            return Err(err(Some(stray), FormatProblem::StrayBrace));
        }
        return Ok(Item {
            category,
            name,
            text: text_of(rest),
            format,
            blank: None,
            general_feedback: String::new(),
            body: Body::Description,
        });
    };
    let close = (open + 1..rest.len())
        .find(|&i| is(&rest[i], '}'))
        .ok_or_else(|| err(Some(&rest[open]), FormatProblem::UnclosedBrace))?;
    if let Some(t) = rest[open + 1..close].iter().find(|t| is(t, '{')) {
        return Err(err(Some(t), FormatProblem::UnclosedBrace));
    }
    let after = trim(&rest[close + 1..]);
    if let Some(t) = after.iter().find(|t| is(t, '{') || is(t, '}')) {
        let problem = if is(t, '{') {
            FormatProblem::TwoBlocks
        } else {
            FormatProblem::StrayBrace
        };
        return Err(err(Some(t), problem));
    }
    let before = text_of(trim(&rest[..open]));
    let (text, blank) = if after.is_empty() {
        (before, None)
    } else {
        let blank = before.len();
        (format!("{before} {}", text_of(after)), Some(blank))
    };
    let block = &rest[open + 1..close];
    let (block, general_feedback) = match find(block, 0, "####") {
        Some(i) => (&block[..i], text_of(trim(&block[i + 4..]))),
        None => (block, String::new()),
    };
    let body = answers(trim(block), &rest[open])?;
    Ok(Item {
        category,
        name,
        text,
        format,
        blank,
        general_feedback,
        body,
    })
}

fn answers(block: &[Tok], brace: &Tok) -> Result<Body, FormatError> {
    if block.is_empty() {
        return Ok(Body::Essay);
    }
    if is(&block[0], '#') {
        return numerical(trim(&block[1..]));
    }
    if let Some(body) = true_false(block) {
        return Ok(body);
    }
    let parts = split_answers(block)?;
    if parts.is_empty() {
        return Err(err(
            Some(brace),
            FormatProblem::ExpectedAnswer(text_of(block)),
        ));
    }
    let pairs = parts.iter().any(|p| find(p.body, 0, "->").is_some());
    if pairs {
        let mut out = Vec::new();
        for p in &parts {
            let arrow = find(p.body, 0, "->");
            let (Some(arrow), '=') = (arrow, p.marker.c) else {
                return Err(err(
                    Some(&p.marker),
                    FormatProblem::BadPair(text_of(p.body)),
                ));
            };
            out.push(Pair {
                question: text_of(trim(&p.body[..arrow])),
                answer: text_of(trim(&p.body[arrow + 2..])),
            });
        }
        return Ok(Body::Matching { pairs: out });
    }
    let any_wrong = parts.iter().any(|p| p.marker.c == '~');
    let any_right = parts.iter().any(|p| p.marker.c == '=');
    let mut weighted = Vec::new();
    for p in &parts {
        let (weight, body) = weight(p.body)?;
        let (text, feedback) = match find(body, 0, "#") {
            Some(i) => (text_of(trim(&body[..i])), text_of(trim(&body[i + 1..]))),
            None => (text_of(trim(body)), String::new()),
        };
        let default = if p.marker.c == '=' { 100.0 } else { 0.0 };
        weighted.push(Weighted {
            text,
            fraction: weight.unwrap_or(default),
            feedback,
        });
    }
    if any_wrong {
        Ok(Body::MultipleChoice {
            single: any_right,
            answers: weighted,
        })
    } else {
        Ok(Body::ShortAnswer {
            answers: weighted,
            case_sensitive: false,
        })
    }
}

struct Part<'a> {
    marker: Tok,
    body: &'a [Tok],
}

/// Split `=a ~b ~%50%c#feedback` at its unescaped `=` and `~` markers (an `=` inside `->`
/// pairs or after `#` feedback text still starts a new answer, as Moodle reads it).
fn split_answers(block: &[Tok]) -> Result<Vec<Part<'_>>, FormatError> {
    let starts: Vec<usize> = (0..block.len())
        .filter(|&i| is(&block[i], '=') || is(&block[i], '~'))
        .collect();
    let Some(&first) = starts.first() else {
        return Ok(Vec::new());
    };
    let lead = trim(&block[..first]);
    if !lead.is_empty() {
        return Err(err(
            lead.first(),
            FormatProblem::ExpectedAnswer(text_of(lead)),
        ));
    }
    Ok(starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let end = starts.get(k + 1).copied().unwrap_or(block.len());
            Part {
                marker: block[s],
                body: &block[s + 1..end],
            }
        })
        .collect())
}

/// `%50%` at the start of an answer: the weight in percent, and the rest.
fn weight(body: &[Tok]) -> Result<(Option<f64>, &[Tok]), FormatError> {
    let body = trim(body);
    if body.first().is_some_and(|t| t.c == '%') {
        if let Some(end) = (1..body.len()).find(|&i| body[i].c == '%') {
            let text = text_of(&body[1..end]);
            let w = parse_number(&text)
                .filter(|w| (-100.0..=100.0).contains(w))
                .ok_or_else(|| err(body.first(), FormatProblem::BadWeight(text.clone())))?;
            return Ok((Some(w), &body[end + 1..]));
        }
        return Err(err(body.first(), FormatProblem::BadWeight(text_of(body))));
    }
    Ok((None, body))
}

fn true_false(block: &[Tok]) -> Option<Body> {
    let head_end = find(block, 0, "#").unwrap_or(block.len());
    let head = text_of(trim(&block[..head_end])).to_ascii_uppercase();
    let correct = match head.as_str() {
        "T" | "TRUE" => true,
        "F" | "FALSE" => false,
        _ => return None,
    };
    let mut feedback = Vec::new();
    let mut at = head_end;
    while at < block.len() {
        let next = find(block, at + 1, "#").unwrap_or(block.len());
        feedback.push(text_of(trim(&block[at + 1..next])));
        at = next;
    }
    // Moodle: the first feedback is for a wrong answer, the second for a right one.
    let wrong = feedback.first().cloned().unwrap_or_default();
    let right = feedback.get(1).cloned().unwrap_or_default();
    let (feedback_true, feedback_false) = if correct {
        (right, wrong)
    } else {
        (wrong, right)
    };
    Some(Body::TrueFalse {
        correct,
        feedback_true,
        feedback_false,
    })
}

fn numerical(block: &[Tok]) -> Result<Body, FormatError> {
    let multiple = block.first().is_some_and(|t| is(t, '=') || is(t, '~'));
    if !multiple {
        let (spec, feedback) = match find(block, 0, "#") {
            Some(i) => (&block[..i], text_of(trim(&block[i + 1..]))),
            None => (block, String::new()),
        };
        return Ok(Body::Numerical {
            answers: vec![NumericalAnswer {
                accept: accept(trim(spec))?,
                fraction: 100.0,
                feedback,
            }],
        });
    }
    let mut answers = Vec::new();
    for p in split_answers(block)? {
        let (weight, body) = weight(p.body)?;
        let (spec, feedback) = match find(body, 0, "#") {
            Some(i) => (&body[..i], text_of(trim(&body[i + 1..]))),
            None => (body, String::new()),
        };
        let default = if p.marker.c == '=' { 100.0 } else { 0.0 };
        answers.push(NumericalAnswer {
            accept: accept(trim(spec))?,
            fraction: weight.unwrap_or(default),
            feedback,
        });
    }
    Ok(Body::Numerical { answers })
}

fn accept(spec: &[Tok]) -> Result<Accept, FormatError> {
    let text = text_of(spec);
    let bad = || err(spec.first(), FormatProblem::BadNumber(text.clone()));
    if let Some((a, b)) = text.split_once("..") {
        let (min, max) = (
            parse_number(a).ok_or_else(bad)?,
            parse_number(b).ok_or_else(bad)?,
        );
        if min > max {
            return Err(bad());
        }
        return Ok(Accept::Range { min, max });
    }
    let (value, tolerance) = match text.split_once(':') {
        Some((v, t)) => (
            parse_number(v).ok_or_else(bad)?,
            parse_number(t).ok_or_else(bad)?,
        ),
        None => (parse_number(&text).ok_or_else(bad)?, 0.0),
    };
    if tolerance < 0.0 {
        return Err(bad());
    }
    Ok(Accept::Value { value, tolerance })
}

/// Escape GIFT's special characters in text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '~' | '=' | '#' | '{' | '}' | ':' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

fn weight_prefix(fraction: f64) -> String {
    format!("%{}%", write_number(fraction))
}

fn feedback(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!("#{}", escape(text))
    }
}

/// Write a bank as GIFT. [`parse`] reads it back to the same bank.
pub fn write(bank: &Bank) -> String {
    let mut out = String::new();
    let mut category: Option<&str> = None;
    for item in &bank.items {
        if item.category.as_deref() != category {
            if let Some(c) = &item.category {
                out.push_str(&format!("$CATEGORY: {c}\n\n"));
            }
            category = item.category.as_deref();
        }
        if !item.name.is_empty() {
            out.push_str(&format!("::{}::", escape(&item.name)));
        }
        if item.format != TextFormat::Moodle {
            out.push_str(&format!("[{}]", item.format.gift_name()));
        }
        let block = block(item);
        match (&item.body, item.blank) {
            (Body::Description, _) => out.push_str(&escape(&item.text)),
            (_, Some(at)) if at <= item.text.len() && item.text.is_char_boundary(at) => {
                let (before, after) = item.text.split_at(at);
                out.push_str(&format!(
                    "{} {block} {}",
                    escape(before),
                    escape(after.trim_start())
                ));
            }
            _ => out.push_str(&format!("{} {block}", escape(&item.text))),
        }
        out.push_str("\n\n");
    }
    out
}

fn block(item: &Item) -> String {
    let general = if item.general_feedback.is_empty() {
        String::new()
    } else {
        format!("\n####{}", escape(&item.general_feedback))
    };
    let lines: Vec<String> = match &item.body {
        Body::Description => return String::new(),
        Body::Essay => Vec::new(),
        Body::MultipleChoice { single, answers } => answers
            .iter()
            .map(|a| {
                let head = if *single && a.fraction == 100.0 {
                    "=".to_string()
                } else if *single && a.fraction == 0.0 {
                    "~".to_string()
                } else {
                    format!("~{}", weight_prefix(a.fraction))
                };
                format!("{head}{}{}", escape(&a.text), feedback(&a.feedback))
            })
            .collect(),
        Body::ShortAnswer { answers, .. } => answers
            .iter()
            .map(|a| {
                let w = if a.fraction == 100.0 {
                    String::new()
                } else {
                    weight_prefix(a.fraction)
                };
                format!("={w}{}{}", escape(&a.text), feedback(&a.feedback))
            })
            .collect(),
        Body::TrueFalse {
            correct,
            feedback_true,
            feedback_false,
        } => {
            // Moodle: the wrong answer's feedback first, then the right one's.
            let (word, wrong, right) = if *correct {
                ("TRUE", feedback_false, feedback_true)
            } else {
                ("FALSE", feedback_true, feedback_false)
            };
            let fb = if wrong.is_empty() && right.is_empty() {
                String::new()
            } else {
                format!("#{}#{}", escape(wrong), escape(right))
            };
            return format!("{{{word}{fb}{general}}}");
        }
        Body::Numerical { answers } => {
            let spec = |a: &Accept| match a {
                Accept::Value { value, tolerance } => {
                    format!("{}:{}", write_number(*value), write_number(*tolerance))
                }
                Accept::Range { min, max } => {
                    format!("{}..{}", write_number(*min), write_number(*max))
                }
            };
            let lines: Vec<String> = answers
                .iter()
                .map(|a| {
                    format!(
                        "={}{}{}",
                        weight_prefix(a.fraction),
                        spec(&a.accept),
                        feedback(&a.feedback)
                    )
                })
                .collect();
            return format!("{{#\n{}{general}\n}}", lines.join("\n"));
        }
        Body::Matching { pairs } => pairs
            .iter()
            .map(|p| format!("={} -> {}", escape(&p.question), escape(&p.answer)))
            .collect(),
    };
    if lines.is_empty() {
        return format!("{{{general}}}");
    }
    format!("{{\n{}{general}\n}}", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Item {
        let bank = parse(text).expect("parses");
        assert_eq!(bank.items.len(), 1, "{bank:?}");
        bank.items.into_iter().next().unwrap()
    }

    // The examples of Moodle's GIFT documentation, one per question type.
    #[test]
    fn multiple_choice_from_the_documentation() {
        let q = one("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}");
        assert_eq!(q.text, "Who's buried in Grant's tomb?");
        let Body::MultipleChoice { single, answers } = q.body else {
            panic!("{:?}", q.body)
        };
        assert!(single);
        let texts: Vec<_> = answers.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["Grant", "Jefferson", "no one"]);
        let fractions: Vec<_> = answers.iter().map(|a| a.fraction).collect();
        assert_eq!(fractions, [0.0, 0.0, 100.0]);
    }

    #[test]
    fn multiple_answers_with_weights_and_feedback() {
        let q = one("What two people are entombed in Grant's tomb? {\n~%-100%No one\n~%50%Grant\n~%50%Grant's wife#Right\n~%-100%Grant's father\n}");
        let Body::MultipleChoice { single, answers } = q.body else {
            panic!()
        };
        assert!(!single);
        assert_eq!(answers[2].fraction, 50.0);
        assert_eq!(answers[2].feedback, "Right");
        assert_eq!(answers[3].text, "Grant's father");
        assert_eq!(answers[3].fraction, -100.0);
    }

    #[test]
    fn true_false_short_answer_essay_description() {
        let q = one("::Q1:: Grant was buried in a tomb in New York City.{T}");
        assert_eq!(q.name, "Q1");
        assert!(matches!(q.body, Body::TrueFalse { correct: true, .. }));
        let q = one("The sun rises in the West.{FALSE#No, in the East.#Yes.}");
        let Body::TrueFalse {
            correct,
            feedback_true,
            feedback_false,
        } = q.body
        else {
            panic!()
        };
        assert!(!correct);
        assert_eq!(feedback_true, "No, in the East.");
        assert_eq!(feedback_false, "Yes.");
        let q = one("Two plus two equals {=four =4}.");
        let Body::ShortAnswer { answers, .. } = &q.body else {
            panic!()
        };
        assert_eq!(answers.len(), 2);
        assert_eq!(q.text, "Two plus two equals .");
        assert_eq!(q.blank, Some("Two plus two equals".len()));
        assert_eq!(
            one("Write a short biography of Dag Hammarskjöld. {}").body,
            Body::Essay
        );
        assert_eq!(one("::Intro:: Read carefully.").body, Body::Description);
    }

    // Moodle's documented example asks for pi to three places: its figures are the point.
    #[allow(clippy::approx_constant)]
    #[test]
    fn matching_and_numerical() {
        let q = one("Match the following countries with their capitals. {\n=Canada -> Ottawa\n=Italy -> Rome\n=Japan -> Tokyo\n}");
        let Body::Matching { pairs } = q.body else {
            panic!()
        };
        assert_eq!(pairs[1].question, "Italy");
        assert_eq!(pairs[1].answer, "Rome");
        let q = one("When was Ulysses S. Grant born? {#1822:5}");
        assert_eq!(
            q.body,
            Body::Numerical {
                answers: vec![NumericalAnswer {
                    accept: Accept::Value {
                        value: 1822.0,
                        tolerance: 5.0
                    },
                    fraction: 100.0,
                    feedback: String::new()
                }]
            }
        );
        let q = one("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.");
        let Body::Numerical { answers } = q.body else {
            panic!()
        };
        assert_eq!(
            answers[0].accept,
            Accept::Range {
                min: 3.141,
                max: 3.142
            }
        );
        let q =
            one("When was Ulysses S. Grant born? {#\n=1822:0 #Correct!\n=%50%1822:2 #Close.\n}");
        let Body::Numerical { answers } = q.body else {
            panic!()
        };
        assert_eq!(answers[1].fraction, 50.0);
        assert_eq!(answers[1].feedback, "Close.");
    }

    #[test]
    fn categories_comments_escapes_formats() {
        let bank = parse(
            "// a comment\n$CATEGORY: $course$/top/Week 1\n\n::a\\:b::[markdown]Is 1 \\= 1?{T}\n\n// another\n::c::x {=y}\n",
        )
        .unwrap();
        assert_eq!(bank.items.len(), 2);
        assert_eq!(bank.items[0].name, "a:b");
        assert_eq!(bank.items[0].text, "Is 1 = 1?");
        assert_eq!(bank.items[0].format, TextFormat::Markdown);
        assert_eq!(
            bank.items[1].category.as_deref(),
            Some("$course$/top/Week 1")
        );
    }

    #[test]
    fn problems_have_their_position() {
        let e = parse("ok {T}\n\nWhat? {=a ~b\n").unwrap_err();
        assert_eq!(
            (e.line, e.column, &e.problem),
            (3, 7, &FormatProblem::UnclosedBrace)
        );
        let e = parse("x {~%150%a =b}").unwrap_err();
        assert_eq!(e.problem, FormatProblem::BadWeight("150".into()));
        let e = parse("x {#abc}").unwrap_err();
        assert_eq!(e.problem, FormatProblem::BadNumber("abc".into()));
        let e = parse("x {=a -> b ~c}").unwrap_err();
        assert!(matches!(e.problem, FormatProblem::BadPair(_)));
        let e = parse("x } y").unwrap_err();
        assert_eq!((e.line, e.column), (1, 3));
    }

    #[test]
    fn written_gift_reads_back_the_same() {
        let text = "$CATEGORY: top/ML\n\n::q1::[html]Pick {=a#yes ~b#no ~%50%c}\n\n::q2::Say {=%50%x =y}\n\n::q3::Born? {#\n=1822:0#Right\n=%50%1820..1824\n}\n\n::q4::Pairs {=a -> 1 =b -> 2}\n\n::q5::Sun east?{TRUE#wrong#right}\n\n::q6::Essay {####general}\n\n::q7:: The {=cat} sat.\n\nJust text\\: \\{braces\\}\n";
        let bank = parse(text).unwrap();
        let again = parse(&write(&bank)).unwrap();
        assert_eq!(bank, again);
        assert_eq!(bank.items.len(), 8);
    }
}
