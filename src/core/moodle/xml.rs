//! Moodle XML, the format of Moodle's question bank export: `<quiz>` holding `<question
//! type="...">` elements, `type="category"` ones setting the category of those after them.

use super::{
    parse_number, write_number, Accept, Bank, Body, FormatError, FormatProblem, Item,
    NumericalAnswer, Pair, TextFormat, Weighted, MAX_ITEMS,
};
use roxmltree::{Document, Node};

/// Read a Moodle XML file. Questions of a type this reader does not know are listed in
/// [`Bank::skipped`] with their line, never dropped without a word; anything malformed in a
/// known type is an error.
pub fn parse(text: &str) -> Result<Bank, FormatError> {
    let doc = Document::parse(text).map_err(|e| {
        let pos = e.pos();
        FormatError {
            line: pos.row as usize,
            column: pos.col as usize,
            problem: FormatProblem::Xml(e.to_string()),
        }
    })?;
    let quiz = doc.root_element();
    if !quiz.has_tag_name("quiz") {
        return Err(at(&doc, quiz, FormatProblem::Missing("<quiz>")));
    }
    let mut bank = Bank::default();
    let mut category: Option<String> = None;
    for q in quiz.children().filter(|n| n.has_tag_name("question")) {
        let kind = q.attribute("type").unwrap_or_default();
        if kind == "category" {
            category = child(q, "category").map(|c| text_child(c).trim().to_string());
            continue;
        }
        if bank.items.len() >= MAX_ITEMS {
            return Err(at(&doc, q, FormatProblem::TooManyItems));
        }
        let body = match kind {
            "multichoice" => Body::MultipleChoice {
                single: child(q, "single").is_none_or(|s| truthy(&text_of(s))),
                answers: weighted(&doc, q)?,
            },
            "truefalse" => true_false(&doc, q)?,
            "shortanswer" => Body::ShortAnswer {
                answers: weighted(&doc, q)?,
                case_sensitive: child(q, "usecase").is_some_and(|s| truthy(&text_of(s))),
            },
            "numerical" => numerical(&doc, q)?,
            "matching" => Body::Matching {
                pairs: q
                    .children()
                    .filter(|n| n.has_tag_name("subquestion"))
                    .map(|s| Pair {
                        question: text_child(s),
                        answer: child(s, "answer").map(text_child).unwrap_or_default(),
                    })
                    .collect(),
            },
            "essay" => Body::Essay,
            "description" => Body::Description,
            other => {
                bank.skipped
                    .push(at(&doc, q, FormatProblem::UnknownType(other.to_string())));
                continue;
            }
        };
        let questiontext = child(q, "questiontext");
        let format = questiontext
            .and_then(|t| t.attribute("format"))
            .map_or(Some(TextFormat::Moodle), TextFormat::from_name)
            .ok_or_else(|| {
                let f = questiontext
                    .and_then(|t| t.attribute("format"))
                    .unwrap_or("");
                at(&doc, q, FormatProblem::UnknownFormat(f.to_string()))
            })?;
        bank.items.push(Item {
            category: category.clone(),
            name: child(q, "name").map(text_child).unwrap_or_default(),
            text: questiontext.map(text_child).unwrap_or_default(),
            format,
            blank: None,
            general_feedback: child(q, "generalfeedback")
                .map(text_child)
                .unwrap_or_default(),
            body,
        });
    }
    Ok(bank)
}

fn at(doc: &Document, node: Node, problem: FormatProblem) -> FormatError {
    let pos = doc.text_pos_at(node.range().start);
    FormatError {
        line: pos.row as usize,
        column: pos.col as usize,
        problem,
    }
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name(name))
}

fn text_of(node: Node) -> String {
    node.children()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// The `<text>` inside an element.
fn text_child(node: Node) -> String {
    child(node, "text").map(text_of).unwrap_or_default()
}

fn truthy(s: &str) -> bool {
    matches!(s.trim(), "true" | "1")
}

fn fraction(doc: &Document, answer: Node) -> Result<f64, FormatError> {
    let raw = answer.attribute("fraction").unwrap_or("0");
    parse_number(raw)
        .filter(|f| (-100.0..=100.0).contains(f))
        .ok_or_else(|| at(doc, answer, FormatProblem::BadWeight(raw.to_string())))
}

fn weighted(doc: &Document, q: Node) -> Result<Vec<Weighted>, FormatError> {
    q.children()
        .filter(|n| n.has_tag_name("answer"))
        .map(|a| {
            Ok(Weighted {
                text: text_child(a),
                fraction: fraction(doc, a)?,
                feedback: child(a, "feedback").map(text_child).unwrap_or_default(),
            })
        })
        .collect()
}

fn true_false(doc: &Document, q: Node) -> Result<Body, FormatError> {
    let mut correct = None;
    let (mut feedback_true, mut feedback_false) = (String::new(), String::new());
    for a in q.children().filter(|n| n.has_tag_name("answer")) {
        let says_true = text_child(a).trim().eq_ignore_ascii_case("true");
        let fb = child(a, "feedback").map(text_child).unwrap_or_default();
        if says_true {
            feedback_true = fb;
        } else {
            feedback_false = fb;
        }
        if fraction(doc, a)? == 100.0 {
            correct = Some(says_true);
        }
    }
    let correct =
        correct.ok_or_else(|| at(doc, q, FormatProblem::Missing("answer fraction=\"100\"")))?;
    Ok(Body::TrueFalse {
        correct,
        feedback_true,
        feedback_false,
    })
}

fn numerical(doc: &Document, q: Node) -> Result<Body, FormatError> {
    let mut answers = Vec::new();
    for a in q.children().filter(|n| n.has_tag_name("answer")) {
        let raw = text_child(a);
        let value =
            parse_number(&raw).ok_or_else(|| at(doc, a, FormatProblem::BadNumber(raw.clone())))?;
        let tolerance = match child(a, "tolerance") {
            Some(t) => {
                let raw = text_of(t);
                parse_number(&raw)
                    .filter(|t| *t >= 0.0)
                    .ok_or_else(|| at(doc, t, FormatProblem::BadNumber(raw.clone())))?
            }
            None => 0.0,
        };
        answers.push(NumericalAnswer {
            accept: Accept::Value { value, tolerance },
            fraction: fraction(doc, a)?,
            feedback: child(a, "feedback").map(text_child).unwrap_or_default(),
        });
    }
    Ok(Body::Numerical { answers })
}

/// Escape text for an XML element or attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

fn text_element(tag: &str, format: Option<TextFormat>, text: &str) -> String {
    let f = format.map_or(String::new(), |f| format!(" format=\"{}\"", f.name()));
    format!("<{tag}{f}><text>{}</text></{tag}>", escape(text))
}

fn answer(
    fraction: f64,
    format: Option<TextFormat>,
    text: &str,
    feedback: &str,
    extra: &str,
) -> String {
    let f = format.map_or(String::new(), |f| format!(" format=\"{}\"", f.name()));
    format!(
        "      <answer fraction=\"{}\"{f}><text>{}</text>{extra}{}</answer>\n",
        write_number(fraction),
        escape(text),
        text_element("feedback", format, feedback)
    )
}

/// Write a bank as Moodle XML. A numerical range is written as its middle with a
/// tolerance of half its width, the only form Moodle XML has.
pub fn write(bank: &Bank) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut category: Option<&str> = None;
    for item in &bank.items {
        if item.category.as_deref() != category {
            if let Some(c) = &item.category {
                out.push_str(&format!(
                    "  <question type=\"category\">\n    <category><text>{}</text></category>\n  </question>\n",
                    escape(c)
                ));
            }
            category = item.category.as_deref();
        }
        let kind = match item.body {
            Body::MultipleChoice { .. } => "multichoice",
            Body::TrueFalse { .. } => "truefalse",
            Body::ShortAnswer { .. } => "shortanswer",
            Body::Numerical { .. } => "numerical",
            Body::Matching { .. } => "matching",
            Body::Essay => "essay",
            Body::Description => "description",
        };
        let fmt = Some(item.format);
        out.push_str(&format!("  <question type=\"{kind}\">\n"));
        out.push_str(&format!("    {}\n", text_element("name", None, &item.name)));
        out.push_str(&format!(
            "    {}\n",
            text_element("questiontext", fmt, &item.text)
        ));
        out.push_str(&format!(
            "    {}\n",
            text_element("generalfeedback", fmt, &item.general_feedback)
        ));
        match &item.body {
            Body::MultipleChoice { single, answers } => {
                out.push_str(&format!("    <single>{single}</single>\n    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n"));
                for a in answers {
                    out.push_str(&answer(a.fraction, fmt, &a.text, &a.feedback, ""));
                }
            }
            Body::TrueFalse {
                correct,
                feedback_true,
                feedback_false,
            } => {
                let (t, f) = if *correct { (100.0, 0.0) } else { (0.0, 100.0) };
                out.push_str(&answer(t, Some(TextFormat::Moodle), "true", feedback_true, ""));
                out.push_str(&answer(f, Some(TextFormat::Moodle), "false", feedback_false, ""));
            }
            Body::ShortAnswer {
                answers,
                case_sensitive,
            } => {
                out.push_str(&format!("    <usecase>{}</usecase>\n", u8::from(*case_sensitive)));
                for a in answers {
                    out.push_str(&answer(a.fraction, Some(TextFormat::Moodle), &a.text, &a.feedback, ""));
                }
            }
            Body::Numerical { answers } => {
                for a in answers {
                    let (value, tolerance) = match a.accept {
                        Accept::Value { value, tolerance } => (value, tolerance),
                        Accept::Range { min, max } => ((min + max) / 2.0, (max - min) / 2.0),
                    };
                    let extra = format!("<tolerance>{}</tolerance>", write_number(tolerance));
                    out.push_str(&answer(
                        a.fraction,
                        Some(TextFormat::Moodle),
                        &write_number(value),
                        &a.feedback,
                        &extra,
                    ));
                }
            }
            Body::Matching { pairs } => {
                out.push_str("    <shuffleanswers>true</shuffleanswers>\n");
                for p in pairs {
                    out.push_str(&format!(
                        "      <subquestion format=\"{}\"><text>{}</text><answer><text>{}</text></answer></subquestion>\n",
                        item.format.name(),
                        escape(&p.question),
                        escape(&p.answer)
                    ));
                }
            }
            Body::Essay => out.push_str(
                "    <responseformat>editor</responseformat>\n    <responserequired>1</responserequired>\n    <responsefieldlines>15</responsefieldlines>\n",
            ),
            Body::Description => {}
        }
        out.push_str("  </question>\n");
    }
    out.push_str("</quiz>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shaped as Moodle's documentation shows its XML format.
    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
        <text>$course$/top/Default for ML</text>
    </category>
  </question>
  <question type="multichoice">
    <name><text>Grant's tomb</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Who is buried in Grant's tomb?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html">
      <text>No one</text>
      <feedback format="html"><text>Correct: nobody is buried, they lie above ground.</text></feedback>
    </answer>
    <answer fraction="0" format="html">
      <text>Grant</text>
      <feedback format="html"><text></text></feedback>
    </answer>
  </question>
  <question type="truefalse">
    <name><text>Sun</text></name>
    <questiontext format="moodle_auto_format"><text>The sun rises in the east.</text></questiontext>
    <answer fraction="100"><text>true</text><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>No.</text></feedback></answer>
  </question>
  <question type="numerical">
    <name><text>Born</text></name>
    <questiontext format="html"><text>When was Grant born?</text></questiontext>
    <answer fraction="100"><text>1822</text><tolerance>0</tolerance><feedback><text/></feedback></answer>
    <answer fraction="50"><text>1822</text><tolerance>2</tolerance><feedback><text>Close</text></feedback></answer>
  </question>
  <question type="matching">
    <name><text>Capitals</text></name>
    <questiontext format="html"><text>Match</text></questiontext>
    <subquestion format="html"><text>Canada</text><answer><text>Ottawa</text></answer></subquestion>
    <subquestion format="html"><text>Italy</text><answer><text>Rome</text></answer></subquestion>
  </question>
  <question type="calculated">
    <name><text>Formula</text></name>
  </question>
</quiz>"#;

    #[test]
    fn reads_moodle_documentation_shapes() {
        let bank = parse(SAMPLE).unwrap();
        assert_eq!(bank.items.len(), 4);
        let q = &bank.items[0];
        assert_eq!(q.category.as_deref(), Some("$course$/top/Default for ML"));
        assert_eq!(q.text, "<p>Who is buried in Grant's tomb?</p>");
        assert_eq!(q.format, TextFormat::Html);
        let Body::MultipleChoice { single, answers } = &q.body else {
            panic!()
        };
        assert!(*single);
        assert_eq!(answers[0].fraction, 100.0);
        assert!(answers[0].feedback.starts_with("Correct"));
        assert!(matches!(
            bank.items[1].body,
            Body::TrueFalse { correct: true, .. }
        ));
        let Body::Numerical { answers } = &bank.items[2].body else {
            panic!()
        };
        assert_eq!(answers[1].fraction, 50.0);
        assert_eq!(
            answers[1].accept,
            Accept::Value {
                value: 1822.0,
                tolerance: 2.0
            }
        );
        let Body::Matching { pairs } = &bank.items[3].body else {
            panic!()
        };
        assert_eq!(pairs[1].answer, "Rome");
        // The calculated question is listed, with its line, not dropped silently.
        assert_eq!(bank.skipped.len(), 1);
        assert_eq!(
            bank.skipped[0].problem,
            FormatProblem::UnknownType("calculated".into())
        );
        assert_eq!(
            bank.skipped[0].line,
            SAMPLE
                .lines()
                .position(|l| l.contains("calculated"))
                .unwrap()
                + 1
        );
    }

    #[test]
    fn written_xml_reads_back_the_same() {
        let bank = parse(SAMPLE).unwrap();
        let again = parse(&write(&bank)).unwrap();
        assert_eq!(bank.items, again.items);
    }

    #[test]
    fn malformed_xml_has_a_position() {
        let e = parse("<quiz>\n<question type=\"essay\">\n</quiz>").unwrap_err();
        assert!(matches!(e.problem, FormatProblem::Xml(_)));
        assert_eq!(e.line, 3);
        let e = parse("<quiz><question type=\"multichoice\"><answer fraction=\"abc\"><text>a</text></answer></question></quiz>")
            .unwrap_err();
        assert_eq!(e.problem, FormatProblem::BadWeight("abc".into()));
    }
}
