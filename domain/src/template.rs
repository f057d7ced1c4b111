//! Checklist templates: the data an inspection is answered against.
//!
//! Templates are data, not code: they are written in TOML (see `domain/templates/README.md`),
//! parsed and validated by [`crate::templates::parse_template`], embedded in the app as the
//! offline default ([`crate::templates::builtin`]) and served by the server as JSON, which is
//! the serde form of [`Template`].

mod ids;

use std::fmt;

pub use ids::{CombinedClause, IdError, ItemId, TemplateId};

use crate::{
    site::Area,
    tagged::{MissingField, required},
};

/// A checklist template for one area, at one version.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Template {
    /// Stable id, for example `gas`.
    pub id: TemplateId,
    /// The area the template covers.
    pub area: Area,
    /// Version, increased whenever an item changes; inspections record it.
    pub version: u32,
    /// Title.
    pub title: Bilingual,
    /// Notes for inspectors and editors (validity dates, open verification work).
    pub notes: Bilingual,
    /// Departments a finding is referred to unless the item says otherwise.
    pub refer_to: Vec<Department>,
    /// Sections in display order.
    pub sections: Vec<Section>,
}

impl Template {
    /// The id and version, as recorded by an inspection.
    pub fn reference(&self) -> TemplateRef {
        TemplateRef {
            id: self.id.clone(),
            version: self.version,
        }
    }

    /// All items in display order.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    /// The item with this id.
    pub fn item(&self, id: &ItemId) -> Option<&Item> {
        self.items().find(|item| item.id == *id)
    }

    /// The departments a finding on `item` is referred to.
    pub fn departments_for<'a>(&'a self, item: &'a Item) -> &'a [Department] {
        if item.refer_to.is_empty() {
            &self.refer_to
        } else {
            &item.refer_to
        }
    }
}

/// Which template, at which version.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct TemplateRef {
    /// Template id.
    pub id: TemplateId,
    /// Template version.
    pub version: u32,
}

impl fmt::Display for TemplateRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.id, self.version)
    }
}

/// Chinese and English text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Bilingual {
    /// Chinese (the authoritative text).
    pub zh: String,
    /// English.
    pub en: String,
}

/// A group of items.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Section {
    /// Id, unique within the template (`[a-z][a-z0-9_]*`).
    pub id: String,
    /// Title.
    pub title: Bilingual,
    /// Items in display order.
    pub items: Vec<Item>,
}

/// One checklist item: a question the inspector answers on site.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Item {
    /// Stable id such as `G01`.
    pub id: ItemId,
    /// The question (Chinese phrased as a question to the inspector).
    pub text: Bilingual,
    /// How it is answered.
    pub answer: AnswerSpec,
    /// Default severity of a failure.
    pub severity: DefaultSeverity,
    /// How standards.md states the severity, for example `重大(指向供气方)`.
    pub severity_note: Option<String>,
    /// When the case is major instead (a human decides and records the reason).
    pub major_when: Option<String>,
    /// GB 35181-2017 chapter 7 combined elements this item can establish (only for
    /// [`DefaultSeverity::Combined`]).
    pub combined: Vec<CombinedClause>,
    /// Legal basis: document and clause, each with its verification status.
    pub basis: Vec<LegalBasis>,
    /// Verification status of the item as a whole (standards.md's last column).
    pub source_status: SourceStatus,
    /// What to look at.
    pub guidance: String,
    /// What to photograph.
    pub photo_hint: String,
    /// Suggested rectification text.
    pub rectification: String,
    /// Default rectification deadline in days; 0 means immediately (立即/当场).
    pub deadline_days: u16,
    /// Departments a finding is referred to; empty means the template's default.
    pub refer_to: Vec<Department>,
}

/// How an item is answered. Every item takes a verdict (pass / fail / not applicable);
/// some also take a measured number or a choice.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", try_from = "AnswerSpecWire")]
pub enum AnswerSpec {
    /// 符合 / 不符合 / 不适用 only.
    PassFail,
    /// A number as well, for example a hose length or a cylinder count.
    Number {
        /// What is measured.
        label: Bilingual,
        /// Unit, for example `m` or `瓶`.
        unit: String,
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
        /// Values above this suggest a failure.
        fail_above: Option<f64>,
        /// Values below this suggest a failure.
        fail_below: Option<f64>,
    },
    /// One of a list of options as well.
    Choice {
        /// What is chosen.
        label: Bilingual,
        /// The options.
        options: Vec<ChoiceOption>,
    },
}

/// [`AnswerSpec`] as read (see [`crate::tagged`]).
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
struct AnswerSpecWire {
    kind: AnswerKind,
    label: Option<Bilingual>,
    unit: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
    fail_above: Option<f64>,
    fail_below: Option<f64>,
    options: Option<Vec<ChoiceOption>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum AnswerKind {
    PassFail,
    Number,
    Choice,
}

impl TryFrom<AnswerSpecWire> for AnswerSpec {
    type Error = MissingField;
    fn try_from(wire: AnswerSpecWire) -> Result<Self, Self::Error> {
        Ok(match wire.kind {
            AnswerKind::PassFail => AnswerSpec::PassFail,
            AnswerKind::Number => AnswerSpec::Number {
                label: required(wire.label, "label")?,
                unit: required(wire.unit, "unit")?,
                min: required(wire.min, "min")?,
                max: required(wire.max, "max")?,
                fail_above: wire.fail_above,
                fail_below: wire.fail_below,
            },
            AnswerKind::Choice => AnswerSpec::Choice {
                label: required(wire.label, "label")?,
                options: required(wire.options, "options")?,
            },
        })
    }
}

/// One option of a choice item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct ChoiceOption {
    /// Stable code stored in answers.
    pub code: String,
    /// Label.
    pub label: Bilingual,
    /// Whether choosing it suggests a failure.
    pub fails: bool,
}

impl AnswerSpec {
    /// The verdict a measured value suggests, if the spec says anything about it.
    /// The inspector still decides; this only pre-fills the answer.
    pub fn suggest_fail(&self, value: &crate::inspection::AnswerValue) -> Option<bool> {
        use crate::inspection::AnswerValue;
        match (self, value) {
            (
                AnswerSpec::Number {
                    fail_above,
                    fail_below,
                    ..
                },
                AnswerValue::Number(n),
            ) => {
                if fail_above.is_none() && fail_below.is_none() {
                    return None;
                }
                Some(fail_above.is_some_and(|a| *n > a) || fail_below.is_some_and(|b| *n < b))
            }
            (AnswerSpec::Choice { options, .. }, AnswerValue::Choice(code)) => {
                options.iter().find(|o| o.code == *code).map(|o| o.fails)
            }
            _ => None,
        }
    }
}

/// Default severity of a failed item, following standards.md §0.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DefaultSeverity {
    /// 重大: backed by a major-hazard criterion (GB 35181 direct element, 工贸 or 燃气 criteria).
    Major,
    /// 一般.
    General,
    /// 一般(综合要素): a GB 35181 combined element; general alone, counted per site.
    Combined,
    /// 一般*(地方口径): treated as major in many places, without a national clause.
    LocalMajor,
    /// 建议项(非隐患): a failure is a recommendation, not a hazard.
    Advisory,
}

impl DefaultSeverity {
    /// Every value, in a stable order.
    pub const ALL: [DefaultSeverity; 5] = [
        DefaultSeverity::Major,
        DefaultSeverity::General,
        DefaultSeverity::Combined,
        DefaultSeverity::LocalMajor,
        DefaultSeverity::Advisory,
    ];

    /// The code used in template files.
    pub fn code(self) -> &'static str {
        match self {
            DefaultSeverity::Major => "major",
            DefaultSeverity::General => "general",
            DefaultSeverity::Combined => "combined",
            DefaultSeverity::LocalMajor => "local_major",
            DefaultSeverity::Advisory => "advisory",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<DefaultSeverity> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The label used in the ledger.
    pub fn label_zh(self) -> &'static str {
        match self {
            DefaultSeverity::Major => "重大",
            DefaultSeverity::General => "一般",
            DefaultSeverity::Combined => "一般(综合要素)",
            DefaultSeverity::LocalMajor => "一般*(地方口径)",
            DefaultSeverity::Advisory => "建议项(非隐患)",
        }
    }

    /// The severity of the hazard a failure creates, or `None` for advisory items.
    /// Combined elements and local-practice items are general: the domain never makes a
    /// hazard major on its own.
    pub fn hazard_severity(self) -> Option<crate::hazard::Severity> {
        use crate::hazard::Severity;
        match self {
            DefaultSeverity::Major => Some(Severity::Major),
            DefaultSeverity::General | DefaultSeverity::Combined | DefaultSeverity::LocalMajor => {
                Some(Severity::General)
            }
            DefaultSeverity::Advisory => None,
        }
    }
}

/// A legal basis: a document and, where known, the clause.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct LegalBasis {
    /// The document, as standards.md names it.
    pub document: String,
    /// The clause, as standards.md gives it.
    pub clause: Option<String>,
    /// How well the citation is verified.
    pub status: SourceStatus,
    /// Remarks on the citation (for example which part is unverified).
    pub note: Option<String>,
}

/// Verification status of a citation (standards.md §0).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    /// ✅已核: the text or a reliable paraphrase was found.
    Verified,
    /// ◐部分核: the document and requirement were found; clause numbers or values are from memory.
    PartlyVerified,
    /// ⚠记忆: from memory, unverified; must be checked before release.
    Unverified,
}

impl SourceStatus {
    /// Every value, in a stable order.
    pub const ALL: [SourceStatus; 3] = [
        SourceStatus::Verified,
        SourceStatus::PartlyVerified,
        SourceStatus::Unverified,
    ];

    /// The code used in template files.
    pub fn code(self) -> &'static str {
        match self {
            SourceStatus::Verified => "verified",
            SourceStatus::PartlyVerified => "partly_verified",
            SourceStatus::Unverified => "unverified",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<SourceStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The marker used in standards.md.
    pub fn marker(self) -> &'static str {
        match self {
            SourceStatus::Verified => "✅已核",
            SourceStatus::PartlyVerified => "◐部分核",
            SourceStatus::Unverified => "⚠记忆",
        }
    }
}

/// A department a finding is referred to (行业部门, standards.md §6).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Department {
    /// 区住建(燃气主管部门).
    Housing,
    /// 供气企业.
    GasSupplier,
    /// 消防救援支队和站.
    FireRescue,
    /// 应急管理局(工贸、有限空间、粉尘).
    EmergencyManagement,
    /// 城管执法(飞线充电、电梯等).
    UrbanManagement,
    /// 市场监管(车辆电池质量、"拼加改"经营).
    MarketRegulation,
    /// 公安派出所(日常消防监督).
    Police,
}

impl Department {
    /// Every value, in a stable order.
    pub const ALL: [Department; 7] = [
        Department::Housing,
        Department::GasSupplier,
        Department::FireRescue,
        Department::EmergencyManagement,
        Department::UrbanManagement,
        Department::MarketRegulation,
        Department::Police,
    ];

    /// The code used in template files.
    pub fn code(self) -> &'static str {
        match self {
            Department::Housing => "housing",
            Department::GasSupplier => "gas_supplier",
            Department::FireRescue => "fire_rescue",
            Department::EmergencyManagement => "emergency_management",
            Department::UrbanManagement => "urban_management",
            Department::MarketRegulation => "market_regulation",
            Department::Police => "police",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<Department> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }
}
