//! A Moodle bank to a pack, and a pack to a Moodle bank.
//!
//! **Bank → pack** keeps every Moodle kind: multiple choice (with each answer's weight as
//! the option's `credit`), true/false (a choice of two options, "True" and "False" in the
//! pack's language, each with its feedback), short answer, numerical (the first full-credit
//! answer as the target, the others with their credits), matching, essay (an open
//! question whose reference is the general feedback) and description. The category
//! becomes the question's `category`; the question's name its `title` (and its `id`, made
//! unique); the general feedback its `correction`. What a pack cannot say is listed
//! ([`Note`]): HTML text is kept as written (tags and all), a question the reader did not
//! know is listed with its position.
//!
//! **Pack → bank** freezes each computed question with the value computed for the pack
//! (or the variant) given: a parameter count becomes a numerical question, an output
//! shape or an input shape a short answer in the usual written forms, the parameter-free
//! operations a multiple choice. The model's PyTorch code is added to the text (Markdown).
//! An order question becomes a matching of positions to steps. Hints, labs, evidence
//! panels, tags, units and key points have no place in Moodle's formats: each is listed.

use super::{Accept, Bank, Body, FormatError, Item, NumericalAnswer, Pair, TextFormat, Weighted};
use crate::core::grade::{computed_answer, ComputedAnswer, Facts};
use crate::core::i18n::Lang;
use crate::core::pack::{
    Accepted, Ask, ChoiceOption, Kind, MatchPair, Meta, NumericTarget, Pack, Question,
    WeightedTarget, PACK_VERSION,
};
use crate::tr;

/// Where a question of a missing-word GIFT question had its answers, in a pack statement.
pub const BLANK: &str = "_____";

/// Something a format could not say, listed to the teacher.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The question's id (pack) or name (bank); empty for the file as a whole.
    pub question: String,
    pub what: Loss,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Loss {
    /// A question the reader could not read, left out.
    Skipped(FormatError),
    /// HTML kept as text: the tags show as written.
    HtmlAsText,
    /// No answer earned full credit: the best one is the pack's target at 100 %.
    BestRaised {
        fraction: f64,
    },
    /// Not a loss but a step left to the teacher: an essay without general feedback has
    /// an empty reference, which `check` refuses until one is written.
    NoReference,
    /// Export: hints, lab, evidence panel, tags, unit: not in Moodle's formats.
    Hints(usize),
    Lab,
    Evidence,
    Tags,
    Unit(String),
    /// Key points written into the general feedback.
    KeyPoints,
    /// A relative tolerance turned into an absolute one.
    RelativeTolerance {
        tolerance: f64,
    },
    /// An order question written as a matching of positions to steps.
    OrderAsMatching,
    /// A computed question frozen with its value for this pack or variant.
    Frozen {
        value: String,
    },
    /// Any input that runs is right in mltutor; Moodle accepts the model's own input only.
    InputShapeOwnOnly,
    /// The model's PyTorch code added to the text, as Markdown.
    CodeAdded,
    /// A computed question whose model did not run: left out.
    NotComputed(String),
    /// An option credit, or a need, that Moodle's weights express only approximately.
    Weights,
}

impl Note {
    pub fn render(&self, lang: Lang) -> String {
        let what = match &self.what {
            Loss::Skipped(e) => tr!(lang, "moodle-note-skipped", why = e.render(lang)),
            Loss::HtmlAsText => tr!(lang, "moodle-note-html"),
            Loss::BestRaised { fraction } => tr!(
                lang,
                "moodle-note-best-raised",
                fraction = lang.percent(*fraction, 0)
            ),
            Loss::NoReference => tr!(lang, "moodle-note-no-reference"),
            Loss::Hints(n) => tr!(lang, "moodle-note-hints", n = *n),
            Loss::Lab => tr!(lang, "moodle-note-lab"),
            Loss::Evidence => tr!(lang, "moodle-note-evidence"),
            Loss::Tags => tr!(lang, "moodle-note-tags"),
            Loss::Unit(u) => tr!(lang, "moodle-note-unit", unit = u.as_str()),
            Loss::KeyPoints => tr!(lang, "moodle-note-key-points"),
            Loss::RelativeTolerance { tolerance } => tr!(
                lang,
                "moodle-note-relative",
                tolerance = lang.real(*tolerance)
            ),
            Loss::OrderAsMatching => tr!(lang, "moodle-note-order"),
            Loss::Frozen { value } => tr!(lang, "moodle-note-frozen", value = value.as_str()),
            Loss::InputShapeOwnOnly => tr!(lang, "moodle-note-input-shape"),
            Loss::CodeAdded => tr!(lang, "moodle-note-code"),
            Loss::NotComputed(why) => tr!(lang, "moodle-note-not-computed", why = why.as_str()),
            Loss::Weights => tr!(lang, "moodle-note-weights"),
        };
        if self.question.is_empty() {
            what
        } else {
            tr!(
                lang,
                "moodle-note-of",
                question = self.question.as_str(),
                what = what
            )
        }
    }
}

/// The labels of a true/false question's two options in `lang`.
fn true_false(lang: Lang) -> (String, String) {
    (tr!(lang, "moodle-true"), tr!(lang, "moodle-false"))
}

/// An id made of the name's letters and digits (`Capital of France` → `capital-of-france`).
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.chars().count() >= 40 {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A title for a question Moodle would name by its text: its first words.
fn title_of(item: &Item) -> String {
    if !item.name.trim().is_empty() {
        return item.name.clone();
    }
    let line = item.text.lines().next().unwrap_or("").trim();
    let mut t: String = line.chars().take(40).collect();
    if line.chars().count() > 40 {
        t = t.trim_end().to_string();
    }
    t
}

/// A bank as a pack: `id` and `title` for its meta, texts of true/false in `lang`.
pub fn bank_to_pack(bank: &Bank, id: &str, title: &str, lang: Lang) -> (Pack, Vec<Note>) {
    let mut notes: Vec<Note> = bank
        .skipped
        .iter()
        .map(|e| Note {
            question: String::new(),
            what: Loss::Skipped(e.clone()),
        })
        .collect();
    let mut questions: Vec<Question> = Vec::new();
    for (i, item) in bank.items.iter().enumerate() {
        let title = title_of(item);
        let base = match slug(&title) {
            s if s.is_empty() => format!("q{}", i + 1),
            s => s,
        };
        let mut id = base.clone();
        let mut k = 2;
        while questions.iter().any(|q| q.id == id) {
            id = format!("{base}-{k}");
            k += 1;
        }
        let note = |what: Loss| Note {
            question: id.clone(),
            what,
        };
        if item.format == TextFormat::Html {
            notes.push(note(Loss::HtmlAsText));
        }
        let statement = match item.blank {
            Some(at) if at <= item.text.len() && item.text.is_char_boundary(at) => {
                let (a, b) = item.text.split_at(at);
                format!("{} {BLANK} {}", a.trim_end(), b.trim_start())
                    .trim()
                    .to_string()
            }
            _ => item.text.clone(),
        };
        let mut correction = item.general_feedback.clone();
        let kind = match &item.body {
            Body::MultipleChoice { single, answers } => Kind::Choice {
                multiple: !single,
                options: answers
                    .iter()
                    .map(|a| {
                        let correct = a.fraction > 0.0;
                        let default = if correct && *single { 100.0 } else { 0.0 };
                        ChoiceOption {
                            text: a.text.clone(),
                            correct,
                            feedback: a.feedback.clone(),
                            credit: (a.fraction != default || !single).then_some(a.fraction),
                        }
                    })
                    .collect(),
                need: None,
            },
            Body::TrueFalse {
                correct,
                feedback_true,
                feedback_false,
            } => {
                let (t, f) = true_false(lang);
                Kind::Choice {
                    multiple: false,
                    options: vec![
                        ChoiceOption {
                            text: t,
                            correct: *correct,
                            feedback: feedback_true.clone(),
                            credit: None,
                        },
                        ChoiceOption {
                            text: f,
                            correct: !*correct,
                            feedback: feedback_false.clone(),
                            credit: None,
                        },
                    ],
                    need: None,
                }
            }
            Body::ShortAnswer {
                answers,
                case_sensitive,
            } => Kind::ShortAnswer {
                answers: answers
                    .iter()
                    .map(|a| Accepted {
                        text: a.text.clone(),
                        credit: a.fraction,
                        feedback: a.feedback.clone(),
                    })
                    .collect(),
                case_sensitive: *case_sensitive,
            },
            Body::Numerical { answers } => {
                let target_of = |a: &Accept| match *a {
                    Accept::Value { value, tolerance } => NumericTarget::Value {
                        value,
                        abs: tolerance,
                        rel: 0.0,
                    },
                    Accept::Range { min, max } => NumericTarget::Range { min, max },
                };
                // The first answer with the best fraction is the target.
                let best = answers
                    .iter()
                    .map(|a| a.fraction)
                    .fold(f64::NEG_INFINITY, f64::max);
                let main = answers.iter().position(|a| a.fraction == best);
                match main {
                    None => Kind::Numeric {
                        target: NumericTarget::Range {
                            min: f64::MIN,
                            max: f64::MAX,
                        },
                        unit: String::new(),
                        feedback: String::new(),
                        others: Vec::new(),
                    },
                    Some(m) => {
                        if best < 100.0 {
                            notes.push(note(Loss::BestRaised { fraction: best }));
                        }
                        Kind::Numeric {
                            target: target_of(&answers[m].accept),
                            unit: String::new(),
                            feedback: answers[m].feedback.clone(),
                            others: answers
                                .iter()
                                .enumerate()
                                .filter(|(j, _)| *j != m)
                                .map(|(_, a)| WeightedTarget {
                                    target: target_of(&a.accept),
                                    credit: a.fraction,
                                    feedback: a.feedback.clone(),
                                })
                                .collect(),
                        }
                    }
                }
            }
            Body::Matching { pairs } => Kind::Matching {
                pairs: pairs
                    .iter()
                    .map(|p| MatchPair {
                        left: p.question.clone(),
                        right: p.answer.clone(),
                    })
                    .collect(),
            },
            Body::Essay => {
                if item.general_feedback.trim().is_empty() {
                    notes.push(note(Loss::NoReference));
                }
                correction = String::new();
                Kind::Open {
                    reference: item.general_feedback.clone(),
                    key_points: Vec::new(),
                }
            }
            Body::Description => Kind::Description,
        };
        questions.push(Question {
            id: id.clone(),
            number: (i + 1).to_string(),
            title,
            statement,
            code: None,
            hints: Vec::new(),
            correction,
            evidence: None,
            lab: None,
            category: item.category.clone().unwrap_or_default(),
            tags: Vec::new(),
            kind,
        });
    }
    let pack = Pack {
        version: PACK_VERSION,
        meta: Meta {
            id: id.to_string(),
            title: title.to_string(),
            course: String::new(),
            author: String::new(),
            language: lang.code().to_string(),
            licence: String::new(),
        },
        builtin_models: Vec::new(),
        models: Vec::new(),
        questions,
        memory_budget_mib: None,
        variables: Default::default(),
        constraints: Vec::new(),
        draws: Vec::new(),
        source_hash: String::new(),
        variant: None,
    };
    (pack, notes)
}

/// A pack as RON text a teacher can edit.
pub fn pack_to_ron(pack: &Pack) -> String {
    let pretty = ron::ser::PrettyConfig::new()
        .depth_limit(8)
        .struct_names(false)
        .separate_tuple_members(false);
    ron::ser::to_string_pretty(pack, pretty).unwrap_or_default()
}

/// Moodle's weight for `share` of the mark, in percent, as Moodle's weights are written
/// (five decimals: 33.33333).
fn weight(share: f64) -> f64 {
    (share * 100_000.0).round() / 100_000.0
}

/// A shape in the forms a student writes it: `16x5x5`, `(16, 5, 5)`, `16, 5, 5`, …
fn shape_forms(dims: &[usize]) -> Vec<String> {
    let parts: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
    let mut forms = vec![
        parts.join("x"),
        format!("({})", parts.join(", ")),
        parts.join(", "),
        format!("[{}]", parts.join(", ")),
        format!("({})", parts.join(",")),
        parts.join(" x "),
        parts.join("×"),
    ];
    if dims.len() == 1 {
        forms.push(format!("({},)", parts[0]));
    }
    forms.dedup();
    forms
}

/// Options for the export of one pack (or one variant of it).
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Written as `… (variant n)` in the name, and under `category/variant n`: the
    /// computed questions, and every question when `label_all`.
    pub variant: Option<u64>,
    pub label_all: bool,
    /// Which questions are written: those computed from a model, the others.
    pub computed: bool,
    pub plain: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            variant: None,
            label_all: false,
            computed: true,
            plain: true,
        }
    }
}

/// Whether a question's answer is computed from a model.
pub fn is_computed(q: &Question) -> bool {
    matches!(q.kind, Kind::Computed { .. })
}

/// A pack as a Moodle bank, computed answers frozen with `facts` (the pack's, or its
/// variant's).
pub fn pack_to_bank(pack: &Pack, facts: &Facts, opts: &ExportOptions) -> (Bank, Vec<Note>) {
    let lang = crate::core::report::pack_lang(pack);
    let mut bank = Bank::default();
    let mut notes = Vec::new();
    for q in &pack.questions {
        if !(if is_computed(q) {
            opts.computed
        } else {
            opts.plain
        }) {
            continue;
        }
        let variant = opts.variant.filter(|_| opts.label_all || is_computed(q));
        let label = match variant {
            Some(v) => format!("{} [{v}]", q.id),
            None => q.id.clone(),
        };
        let note = |what: Loss| Note {
            question: label.clone(),
            what,
        };
        if !q.hints.is_empty() {
            notes.push(note(Loss::Hints(q.hints.len())));
        }
        if q.lab.is_some() {
            notes.push(note(Loss::Lab));
        }
        if q.evidence.is_some() {
            notes.push(note(Loss::Evidence));
        }
        if !q.tags.is_empty() {
            notes.push(note(Loss::Tags));
        }
        // A blank stays `_____` in the text: both formats read it back as written.
        let mut text = q.statement.clone();
        let mut format = TextFormat::Moodle;
        let model_of = match &q.kind {
            Kind::Computed { model, .. } => Some(model.as_str()),
            Kind::Open { .. }
            | Kind::Choice { .. }
            | Kind::Numeric { .. }
            | Kind::Order { .. }
            | Kind::ShortAnswer { .. }
            | Kind::Matching { .. }
            | Kind::Description => None,
        };
        if let Some(spec) = q.code.as_deref().or(model_of).and_then(|m| pack.model(m)) {
            let code = crate::core::codegen::pytorch_code(spec);
            text.push_str("\n\n");
            for line in code.lines() {
                text.push_str("    ");
                text.push_str(line);
                text.push('\n');
            }
            text = text.trim_end().to_string();
            format = TextFormat::Markdown;
            notes.push(note(Loss::CodeAdded));
        }
        let mut general = q.correction.clone();
        let body = match &q.kind {
            Kind::Open {
                reference,
                key_points,
            } => {
                let mut parts: Vec<String> = Vec::new();
                if !reference.is_empty() {
                    parts.push(reference.clone());
                }
                if !q.correction.is_empty() && q.correction != *reference {
                    parts.push(q.correction.clone());
                }
                if !key_points.is_empty() {
                    notes.push(note(Loss::KeyPoints));
                    parts.push(
                        key_points
                            .iter()
                            .map(|k| format!("• {k}"))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    );
                }
                general = parts.join("\n\n");
                Body::Essay
            }
            Kind::Choice {
                multiple,
                options,
                need,
            } => {
                let (t, f) = true_false(lang);
                let plain = options.iter().all(|o| o.credit.is_none());
                if !multiple
                    && plain
                    && options.len() == 2
                    && options[0].text == t
                    && options[1].text == f
                {
                    Body::TrueFalse {
                        correct: options[0].correct,
                        feedback_true: options[0].feedback.clone(),
                        feedback_false: options[1].feedback.clone(),
                    }
                } else {
                    let n = need
                        .unwrap_or_else(|| options.iter().filter(|o| o.correct).count())
                        .max(1) as f64;
                    if need.is_some() {
                        notes.push(note(Loss::Weights));
                    }
                    Body::MultipleChoice {
                        single: !multiple,
                        answers: options
                            .iter()
                            .map(|o| Weighted {
                                text: o.text.clone(),
                                fraction: match (o.credit, multiple) {
                                    (Some(c), _) => c,
                                    (None, false) => o.credit_percent(),
                                    // mltutor: each right pick 1/n, each wrong one -1/n.
                                    (None, true) if o.correct => weight(100.0 / n),
                                    (None, true) => weight(-100.0 / n),
                                },
                                feedback: o.feedback.clone(),
                            })
                            .collect(),
                    }
                }
            }
            Kind::Numeric {
                target,
                unit,
                feedback,
                others,
            } => {
                if !unit.is_empty() {
                    notes.push(note(Loss::Unit(unit.clone())));
                }
                let mut accept = |t: &NumericTarget| match *t {
                    NumericTarget::Value { value, abs, rel } => {
                        let tolerance = abs.max(rel * value.abs());
                        if rel > 0.0 && rel * value.abs() > abs {
                            notes.push(note(Loss::RelativeTolerance { tolerance }));
                        }
                        Accept::Value { value, tolerance }
                    }
                    NumericTarget::Range { min, max } => Accept::Range { min, max },
                };
                let mut answers = vec![NumericalAnswer {
                    accept: accept(target),
                    fraction: 100.0,
                    feedback: feedback.clone(),
                }];
                for o in others {
                    answers.push(NumericalAnswer {
                        accept: accept(&o.target),
                        fraction: o.credit,
                        feedback: o.feedback.clone(),
                    });
                }
                Body::Numerical { answers }
            }
            Kind::Order { steps } => {
                notes.push(note(Loss::OrderAsMatching));
                Body::Matching {
                    pairs: steps
                        .iter()
                        .enumerate()
                        .map(|(i, s)| Pair {
                            question: (i + 1).to_string(),
                            answer: s.clone(),
                        })
                        .collect(),
                }
            }
            Kind::ShortAnswer {
                answers,
                case_sensitive,
            } => Body::ShortAnswer {
                answers: answers
                    .iter()
                    .map(|a| Weighted {
                        text: a.text.clone(),
                        fraction: a.credit,
                        feedback: a.feedback.clone(),
                    })
                    .collect(),
                case_sensitive: *case_sensitive,
            },
            Kind::Matching { pairs } => Body::Matching {
                pairs: pairs
                    .iter()
                    .map(|p| Pair {
                        question: p.left.clone(),
                        answer: p.right.clone(),
                    })
                    .collect(),
            },
            Kind::Description => Body::Description,
            Kind::Computed { model, ask, .. } => {
                let computed = facts
                    .models
                    .get(model)
                    .ok_or_else(|| model.clone())
                    .and_then(|(spec, s)| {
                        computed_answer(spec, s, ask).map_err(|e| e.render(Lang::en()))
                    });
                let computed = match computed {
                    Ok(c) => c,
                    Err(why) => {
                        notes.push(note(Loss::NotComputed(why)));
                        continue;
                    }
                };
                let short = |forms: Vec<String>| Body::ShortAnswer {
                    answers: forms
                        .into_iter()
                        .map(|text| Weighted {
                            text,
                            fraction: 100.0,
                            feedback: String::new(),
                        })
                        .collect(),
                    case_sensitive: false,
                };
                match (computed, ask) {
                    (ComputedAnswer::Count { total, .. }, _) => {
                        notes.push(note(Loss::Frozen {
                            value: lang.num(total),
                        }));
                        Body::Numerical {
                            answers: vec![NumericalAnswer {
                                accept: Accept::Value {
                                    value: total as f64,
                                    tolerance: 0.0,
                                },
                                fraction: 100.0,
                                feedback: String::new(),
                            }],
                        }
                    }
                    (ComputedAnswer::Shape(s, _) | ComputedAnswer::Input(s), ask) => {
                        if matches!(ask, Ask::InputShape) {
                            notes.push(note(Loss::InputShapeOwnOnly));
                        }
                        notes.push(note(Loss::Frozen {
                            value: s.to_string(),
                        }));
                        short(shape_forms(s.dims()))
                    }
                    (ComputedAnswer::Free { options, free }, _) => {
                        let n = free.iter().filter(|f| **f).count().max(1) as f64;
                        let names: Vec<&str> = options
                            .iter()
                            .zip(&free)
                            .filter(|(_, f)| **f)
                            .map(|(o, _)| o.as_str())
                            .collect();
                        notes.push(note(Loss::Frozen {
                            value: names.join(", "),
                        }));
                        Body::MultipleChoice {
                            single: false,
                            answers: options
                                .iter()
                                .zip(&free)
                                .map(|(o, f)| Weighted {
                                    text: o.clone(),
                                    fraction: weight(if *f { 100.0 } else { -100.0 } / n),
                                    feedback: String::new(),
                                })
                                .collect(),
                        }
                    }
                }
            }
        };
        let mut category = (!q.category.is_empty()).then(|| q.category.clone());
        let mut name = q.title.clone();
        if name.is_empty() {
            name = q.id.clone();
        }
        if let Some(v) = variant {
            name = tr!(
                lang,
                "moodle-variant-name",
                name = name.as_str(),
                variant = v
            );
            let base = category.unwrap_or_else(|| pack.meta.id.clone());
            category = Some(tr!(
                lang,
                "moodle-variant-category",
                category = base.as_str(),
                variant = v
            ));
        }
        bank.items.push(Item {
            category,
            name,
            text,
            format,
            blank: None,
            general_feedback: general,
            body,
        });
    }
    (bank, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang() -> Lang {
        Lang::en()
    }

    #[test]
    fn slugs_and_titles() {
        assert_eq!(slug("Capital of France?"), "capital-of-france");
        assert_eq!(slug("  "), "");
        assert_eq!(slug("Été 2024"), "été-2024");
    }

    #[test]
    fn shapes_are_written_in_the_usual_forms() {
        let f = shape_forms(&[16, 5, 5]);
        assert!(f.contains(&"16x5x5".to_string()));
        assert!(f.contains(&"(16, 5, 5)".to_string()));
        assert!(f.contains(&"[16, 5, 5]".to_string()));
    }

    #[test]
    fn true_false_becomes_two_options_and_back() {
        let bank = crate::core::moodle::gift::parse("::TF:: The sky is blue. {T#no#yes}").unwrap();
        let (pack, notes) = bank_to_pack(&bank, "p", "P", lang());
        assert!(notes.is_empty(), "{notes:?}");
        let Kind::Choice {
            multiple, options, ..
        } = &pack.questions[0].kind
        else {
            panic!("{:?}", pack.questions[0].kind)
        };
        assert!(!multiple);
        assert_eq!(options[0].text, "True");
        assert!(options[0].correct);
        // Moodle's GIFT: the wrong answer's feedback first.
        assert_eq!(options[0].feedback, "yes");
        assert_eq!(options[1].feedback, "no");
    }
}
