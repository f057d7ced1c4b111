//! The shipped checklist templates and the parser/validator for template files.
//!
//! ## Entry points
//! - [`builtin`]: the three shipped templates (gas, factories/warehouses, e-bikes), parsed and
//!   validated; the app's offline default and what the server serves unless a district has
//!   installed newer files.
//! - [`parse_template`]: parses and validates one TOML file (the format is documented in
//!   `domain/templates/README.md`); errors name the file, the item and every problem.
//! - [`validate`]: the semantic checks alone, for a [`Template`] received as JSON.
//! - [`check_publish`] and [`current`]: publishing a new version next to the known ones
//!   (versions only grow; a version, once published, never changes), and the newest of each.
//!
//! `GET /api/templates` serves `serde_json::to_value(crate::api::TemplatesResponse { templates })`.

mod error;
mod publish;
#[cfg(feature = "toml")]
mod raw;

use std::collections::BTreeSet;

pub use error::{Location, Problem, TemplateError, TemplateProblem};
pub use publish::{Publish, PublishError, check_publish, current};

#[cfg(feature = "toml")]
use crate::site::Area;
use crate::template::{AnswerSpec, DefaultSeverity, Template};

/// The shipped template files: file name and TOML text.
#[cfg(feature = "toml")]
pub const BUILTIN_FILES: [(&str, &str); 3] = [
    ("gas.toml", include_str!("../templates/gas.toml")),
    (
        "factory_warehouse.toml",
        include_str!("../templates/factory_warehouse.toml"),
    ),
    ("ebike.toml", include_str!("../templates/ebike.toml")),
];

/// The longest default deadline an item may have, in days (督办 deadlines are at most 90 days).
pub const MAX_DEADLINE_DAYS: u16 = 90;

/// The shipped templates, one per area in [`Area::ALL`] order, parsed and validated (once;
/// later calls clone the parsed templates).
///
/// # Panics
///
/// Never for the shipped files: `tests/templates.rs` parses every one of them, so a broken
/// file fails the build's tests rather than the app.
#[cfg(feature = "toml")]
pub fn builtin() -> Vec<Template> {
    static PARSED: std::sync::OnceLock<Vec<Template>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| {
            BUILTIN_FILES
                .iter()
                .map(|(file, text)| {
                    #[allow(clippy::expect_used)]
                    parse_template(file, text)
                        .expect("shipped templates are valid (see tests/templates.rs)")
                })
                .collect()
        })
        .clone()
}

/// The shipped template for `area`.
#[cfg(feature = "toml")]
pub fn builtin_for(area: Area) -> Template {
    let index = Area::ALL.iter().position(|a| *a == area).unwrap_or(0);
    builtin().swap_remove(index)
}

/// Parses a template file and validates it. `file_name` is only used in error messages.
#[cfg(feature = "toml")]
pub fn parse_template(file_name: &str, text: &str) -> Result<Template, TemplateError> {
    let template = raw::parse(file_name, text)?;
    validate(file_name, &template)?;
    Ok(template)
}

/// Checks the rules a parsed template must meet:
/// - item ids unique across the template and starting with the area's letter (G, F, E);
/// - section ids unique, every section has items;
/// - question (Chinese, containing `?`/`?`, `是否`, `有没有` or `能否`), English text, guidance,
///   photo hint and rectification text are not empty;
/// - at least one legal basis, each naming a document;
/// - `combined` clauses present exactly when the severity is `combined`;
/// - number ranges are ordered and thresholds lie inside them; choices have at least two
///   distinct options;
/// - the default deadline is at most [`MAX_DEADLINE_DAYS`].
pub fn validate(file_name: &str, template: &Template) -> Result<(), TemplateError> {
    let mut problems = Vec::new();
    let mut push = |at: Location, problem: Problem| problems.push(TemplateProblem { at, problem });

    if template.version == 0 {
        push(Location::Template, Problem::BadVersion);
    }
    if template.title.zh.trim().is_empty() || template.title.en.trim().is_empty() {
        push(Location::Template, Problem::Empty("title"));
    }
    if template.sections.is_empty() {
        push(Location::Template, Problem::NoSections);
    }

    let mut section_ids = BTreeSet::new();
    let mut item_ids = BTreeSet::new();
    let prefix = template.area.item_prefix();
    for section in &template.sections {
        let at = Location::Section(section.id.clone());
        if !section_ids.insert(section.id.as_str()) {
            push(at.clone(), Problem::DuplicateSection);
        }
        if !is_slug(&section.id) {
            push(at.clone(), Problem::BadSectionId);
        }
        if section.title.zh.trim().is_empty() || section.title.en.trim().is_empty() {
            push(at.clone(), Problem::Empty("title"));
        }
        if section.items.is_empty() {
            push(at.clone(), Problem::EmptySection);
        }
        for item in &section.items {
            let at = Location::Item(item.id.to_string());
            if !item_ids.insert(item.id.clone()) {
                push(at.clone(), Problem::DuplicateItem);
            }
            if item.id.prefix() != prefix {
                push(
                    at.clone(),
                    Problem::WrongPrefix {
                        expected: prefix,
                        area: template.area,
                    },
                );
            }
            for (name, value) in [
                ("zh", &item.text.zh),
                ("en", &item.text.en),
                ("guidance", &item.guidance),
                ("photo_hint", &item.photo_hint),
                ("rectification", &item.rectification),
            ] {
                if value.trim().is_empty() {
                    push(at.clone(), Problem::Empty(name));
                }
            }
            let zh = &item.text.zh;
            if !zh.trim().is_empty()
                && !["?", "?", "是否", "有没有", "能否"]
                    .iter()
                    .any(|q| zh.contains(q))
            {
                push(at.clone(), Problem::NotAQuestion);
            }
            if item.basis.is_empty() {
                push(at.clone(), Problem::MissingBasis);
            }
            if item.basis.iter().any(|b| b.document.trim().is_empty()) {
                push(at.clone(), Problem::Empty("basis.document"));
            }
            match (item.severity, item.combined.is_empty()) {
                (DefaultSeverity::Combined, true) => {
                    push(at.clone(), Problem::CombinedWithoutClause)
                }
                (s, false) if s != DefaultSeverity::Combined => {
                    push(at.clone(), Problem::ClauseWithoutCombined)
                }
                _ => {}
            }
            if item.deadline_days > MAX_DEADLINE_DAYS {
                push(at.clone(), Problem::DeadlineTooLong(item.deadline_days));
            }
            match &item.answer {
                AnswerSpec::PassFail => {}
                AnswerSpec::Number {
                    label,
                    unit,
                    min,
                    max,
                    fail_above,
                    fail_below,
                } => {
                    if label.zh.trim().is_empty() || label.en.trim().is_empty() {
                        push(at.clone(), Problem::Empty("answer.label"));
                    }
                    if unit.trim().is_empty() {
                        push(at.clone(), Problem::Empty("answer.unit"));
                    }
                    let finite = [Some(*min), Some(*max), *fail_above, *fail_below]
                        .into_iter()
                        .flatten()
                        .all(f64::is_finite);
                    let inside = |t: &Option<f64>| t.is_none_or(|t| (*min..=*max).contains(&t));
                    if !finite || min >= max || !inside(fail_above) || !inside(fail_below) {
                        push(at.clone(), Problem::BadRange);
                    }
                }
                AnswerSpec::Choice { label, options } => {
                    if label.zh.trim().is_empty() || label.en.trim().is_empty() {
                        push(at.clone(), Problem::Empty("answer.label"));
                    }
                    let codes: BTreeSet<&str> = options.iter().map(|o| o.code.as_str()).collect();
                    if options.len() < 2
                        || codes.len() != options.len()
                        || options
                            .iter()
                            .any(|o| !is_slug(&o.code) || o.label.zh.trim().is_empty())
                    {
                        push(at.clone(), Problem::BadChoices);
                    }
                }
            }
        }
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(TemplateError {
            file: file_name.to_owned(),
            problems,
        })
    }
}

fn is_slug(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
