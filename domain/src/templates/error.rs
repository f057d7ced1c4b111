//! Template errors that name the file, the place and the problem.

use std::fmt;

use crate::site::Area;

/// A template file was rejected. Lists every problem found, not only the first.
///
/// Displayed one problem per line, for example
/// `gas.toml: item G03: unknown severity `huge` (expected major, general, combined, local_major or advisory)`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct TemplateError {
    /// The file name given to the parser.
    pub file: String,
    /// What is wrong, where.
    pub problems: Vec<TemplateProblem>,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}: {}", self.file, p.at, p.problem)?;
        }
        Ok(())
    }
}

/// One problem and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateProblem {
    /// Where.
    pub at: Location,
    /// What.
    pub problem: Problem,
}

/// Where in a template file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (syntax errors).
    File,
    /// The `[template]` table.
    Template,
    /// A section, by id.
    Section(String),
    /// An item, by id (or by position when the id is missing).
    Item(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => f.write_str("file"),
            Location::Template => f.write_str("[template]"),
            Location::Section(id) => write!(f, "section `{id}`"),
            Location::Item(id) => write!(f, "item {id}"),
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// TOML syntax error or a value of the wrong type or an unknown field.
    #[error("{0}")]
    Syntax(String),
    /// A required field is absent.
    #[error("missing field `{0}`")]
    Missing(&'static str),
    /// A required text is empty.
    #[error("`{0}` is empty")]
    Empty(&'static str),
    /// Version must be at least 1.
    #[error("version must be a positive integer")]
    BadVersion,
    /// Unknown area code.
    #[error("unknown area `{0}` (expected gas, factory_warehouse or ebike)")]
    UnknownArea(String),
    /// Malformed template id.
    #[error("bad template id `{0}` (lowercase letters, digits and `_`)")]
    BadTemplateId(String),
    /// No sections.
    #[error("the template has no sections")]
    NoSections,
    /// Section id used twice.
    #[error("duplicate section id")]
    DuplicateSection,
    /// Malformed section id.
    #[error("bad section id (lowercase letters, digits and `_`, starting with a letter)")]
    BadSectionId,
    /// Section without items.
    #[error("the section has no items")]
    EmptySection,
    /// Malformed item id.
    #[error("bad item id (a capital letter and two or three digits, such as G01)")]
    BadItemId,
    /// Item id used twice.
    #[error("duplicate id")]
    DuplicateItem,
    /// Item id does not start with the area's letter.
    #[error("id should start with `{expected}` in a {area} template")]
    WrongPrefix {
        /// The expected letter.
        expected: char,
        /// The template's area.
        area: Area,
    },
    /// The Chinese text is not phrased as a question.
    #[error("`zh` should be phrased as a question (contain ?, 是否, 有没有 or 能否)")]
    NotAQuestion,
    /// No legal basis.
    #[error("missing basis (at least one document is required)")]
    MissingBasis,
    /// Unknown severity code.
    #[error("unknown severity `{0}` (expected major, general, combined, local_major or advisory)")]
    UnknownSeverity(String),
    /// Unknown verification status.
    #[error("unknown status `{0}` (expected verified, partly_verified or unverified)")]
    UnknownStatus(String),
    /// Unknown answer kind.
    #[error("unknown answer kind `{0}` (expected pass_fail, number or choice)")]
    UnknownAnswerKind(String),
    /// Unknown department code.
    #[error(
        "unknown department `{0}` (expected housing, gas_supplier, fire_rescue, emergency_management, urban_management, market_regulation or police)"
    )]
    UnknownDepartment(String),
    /// Malformed GB 35181 clause.
    #[error("bad combined-element clause `{0}` (a GB 35181-2017 chapter 7 clause such as 7.3.9)")]
    BadClause(String),
    /// Severity `combined` without clauses.
    #[error("severity `combined` needs `combined` clauses")]
    CombinedWithoutClause,
    /// Clauses on a non-combined item.
    #[error("`combined` clauses are only allowed with severity `combined`")]
    ClauseWithoutCombined,
    /// Deadline longer than allowed.
    #[error("deadline_days {0} is longer than 90 days")]
    DeadlineTooLong(u16),
    /// Number range inconsistent.
    #[error("number answer needs finite min < max with thresholds inside the range")]
    BadRange,
    /// Choice options inconsistent.
    #[error(
        "choice answer needs at least two options with distinct codes (lowercase letters, digits, `_`) and labels"
    )]
    BadChoices,
}
