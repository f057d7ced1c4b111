//! Inspections (现场检查记录, standards.md §5): one visit to a site, answering one template.
//!
//! An inspection starts as a draft ([`Inspection::start`]), collects an answer per item
//! ([`Inspection::answer`], checked against the item), and is completed with
//! [`Inspection::complete`] once [`Inspection::check_complete`] finds nothing missing. Failed
//! items become hazards through [`Inspection::findings`].

pub mod finding;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::{
    docno::DocNumber,
    gb35181::{self, CombinedAssessment},
    geo::GeoPoint,
    hazard::{DeterminationMethod, HazardSource, ItemRef, NewHazard, RectificationMode, Severity},
    ids::{HazardId, InspectionId, SiteId, UserId},
    photo::Sha256Hex,
    site::{Area, FireClass, Site},
    tagged::{MissingField, required},
    template::{AnswerSpec, CombinedClause, DefaultSeverity, Item, ItemId, Template, TemplateRef},
    text::Text,
};

/// 检查类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 日常巡查.
    RoutinePatrol,
    /// 专项检查.
    SpecialCampaign,
    /// 联合检查.
    Joint,
    /// 复查.
    Reinspection,
    /// 回头看.
    LookBack,
}

impl InspectionKind {
    /// The hazard source a finding of this kind of inspection gets.
    pub fn hazard_source(self) -> HazardSource {
        match self {
            InspectionKind::SpecialCampaign => HazardSource::SpecialCampaign,
            InspectionKind::Joint => HazardSource::JointInspection,
            InspectionKind::RoutinePatrol
            | InspectionKind::Reinspection
            | InspectionKind::LookBack => HazardSource::GridPatrol,
        }
    }
}

/// Draft or completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    /// Being filled in.
    Draft,
    /// Signed and complete; answers can no longer change.
    Completed,
}

/// 符合 / 不符合 / 不适用.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 符合.
    Pass,
    /// 不符合.
    Fail,
    /// 不适用.
    NotApplicable,
}

/// A measured value or a choice, for items that take one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnswerValue {
    /// A number in the item's unit.
    Number(f64),
    /// The code of one of the item's options.
    Choice(String),
}

/// The answer to one item.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct ItemAnswer {
    /// The verdict.
    pub verdict: Verdict,
    /// The value, for number and choice items (required unless not applicable).
    pub value: Option<AnswerValue>,
    /// 备注.
    pub note: Option<Text>,
    /// Photos (SHA-256).
    pub photos: Vec<Sha256Hex>,
    /// For a failed combined-element item: which of its GB 35181 elements apply. Empty means
    /// all of the item's elements.
    #[serde(default)]
    pub combined: Vec<CombinedClause>,
}

/// 检查人员.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct InspectorRef {
    /// The user.
    pub user: UserId,
    /// 姓名.
    pub name: Text,
    /// 单位.
    pub organisation: Option<Text>,
    /// 证件号或执法证号.
    pub badge: Option<Text>,
}

/// A handwritten signature, stored as an image referenced by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Signature {
    /// Who signed.
    pub name: Text,
    /// The signature image.
    pub image: Sha256Hex,
    /// When.
    pub signed_at: DateTime<Utc>,
}

/// The site representative's signature, or the record of a refusal (拒签及原因).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(
    rename_all = "snake_case",
    tag = "kind",
    try_from = "RepresentativeSignatureWire"
)]
pub enum RepresentativeSignature {
    /// 现场负责人签字.
    Signed(Signature),
    /// 拒签: recorded and reported.
    Refused {
        /// The representative's name, if given.
        name: Option<Text>,
        /// 拒签原因.
        reason: Text,
        /// When.
        recorded_at: DateTime<Utc>,
    },
}

/// [`RepresentativeSignature`] as read (see [`crate::tagged`]).
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
struct RepresentativeSignatureWire {
    kind: RepresentativeSignatureKind,
    name: Option<Text>,
    image: Option<Sha256Hex>,
    signed_at: Option<DateTime<Utc>>,
    reason: Option<Text>,
    recorded_at: Option<DateTime<Utc>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum RepresentativeSignatureKind {
    Signed,
    Refused,
}

impl TryFrom<RepresentativeSignatureWire> for RepresentativeSignature {
    type Error = MissingField;
    fn try_from(wire: RepresentativeSignatureWire) -> Result<Self, Self::Error> {
        Ok(match wire.kind {
            RepresentativeSignatureKind::Signed => RepresentativeSignature::Signed(Signature {
                name: required(wire.name, "name")?,
                image: required(wire.image, "image")?,
                signed_at: required(wire.signed_at, "signed_at")?,
            }),
            RepresentativeSignatureKind::Refused => RepresentativeSignature::Refused {
                name: wire.name,
                reason: required(wire.reason, "reason")?,
                recorded_at: required(wire.recorded_at, "recorded_at")?,
            },
        })
    }
}

/// An inspection record. Fields are public for reading and for building from storage; state
/// changes go through the methods, and the server re-runs [`Inspection::check_complete`] on
/// every completed inspection it receives.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Inspection {
    /// Client-generated id.
    pub id: InspectionId,
    /// 记录编号.
    pub number: Option<DocNumber>,
    /// 检查类型.
    pub kind: InspectionKind,
    /// The site.
    pub site: SiteId,
    /// Template and version used.
    pub template: TemplateRef,
    /// 检查人员.
    pub inspectors: Vec<InspectorRef>,
    /// 检查开始时间.
    pub started_at: DateTime<Utc>,
    /// 检查结束时间.
    pub ended_at: Option<DateTime<Utc>>,
    /// GPS.
    pub location: Option<GeoPoint>,
    /// 检查场所和部位.
    pub place: Option<Text>,
    /// One answer per item id.
    pub answers: BTreeMap<ItemId, ItemAnswer>,
    /// 备注.
    pub notes: Option<Text>,
    /// 现场负责人签字或拒签.
    pub representative: Option<RepresentativeSignature>,
    /// 检查人员签字.
    pub inspector_signature: Option<Signature>,
    /// Draft or completed.
    pub status: InspectionStatus,
    /// Findings recorded so far: one per failed item plus ad hoc ones. They become hazard
    /// reports when the inspection is completed (see [`finding`]).
    #[serde(default)]
    pub findings: Vec<finding::Finding>,
}

/// Why an answer was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswerError {
    /// The inspection is completed.
    #[error("the inspection is completed and can no longer change")]
    Completed,
    /// The template is not the inspection's.
    #[error("template {given} is not the inspection's template {expected}")]
    WrongTemplate {
        /// The inspection's.
        expected: TemplateRef,
        /// The one given.
        given: TemplateRef,
    },
    /// No such item.
    #[error("item {0} is not in the template")]
    UnknownItem(ItemId),
    /// Value of the wrong kind.
    #[error("item {0} does not take this kind of value")]
    WrongValueKind(ItemId),
    /// Number out of range.
    #[error("item {item}: {value} is outside {min}..={max}")]
    OutOfRange {
        /// The item.
        item: ItemId,
        /// The value.
        value: f64,
        /// Minimum.
        min: f64,
        /// Maximum.
        max: f64,
    },
    /// Unknown choice code.
    #[error("item {item}: `{code}` is not one of its options")]
    UnknownChoice {
        /// The item.
        item: ItemId,
        /// The code.
        code: String,
    },
    /// A combined element that the item does not establish.
    #[error("item {item}: element {clause} is not one of the item's combined elements")]
    UnknownClause {
        /// The item.
        item: ItemId,
        /// The clause.
        clause: CombinedClause,
    },
}

/// Something that keeps an inspection from being completed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Incomplete {
    /// The template is not the inspection's.
    #[error("the template given is not the one the inspection uses")]
    WrongTemplate,
    /// No inspector listed.
    #[error("no inspector is listed")]
    NoInspector,
    /// An item has no answer.
    #[error("item {0} is not answered")]
    Unanswered(ItemId),
    /// A number or choice item has no value.
    #[error("item {0} needs a value")]
    MissingValue(ItemId),
    /// A failed item has neither a photo nor a note explaining why there is none.
    #[error("item {0} failed without a photo or a note")]
    FailWithoutEvidence(ItemId),
    /// End time missing or before the start.
    #[error("the end time is missing or before the start time")]
    BadTimes,
    /// Inspector signature missing.
    #[error("the inspector has not signed")]
    NoInspectorSignature,
    /// Representative neither signed nor refused.
    #[error("the site representative's signature or recorded refusal is missing")]
    NoRepresentative,
    /// A finding's level differs from its item's without a reason.
    #[error("finding {0}: the level differs from the item's and needs a reason")]
    OverrideReason(HazardId),
    /// An ad hoc finding without a photo.
    #[error("finding {0} has no photo")]
    FindingWithoutPhoto(HazardId),
    /// A finding fixed on the spot without the measures taken or an after-photo.
    #[error("finding {0} was fixed on the spot but the measures or the after-photo are missing")]
    OnTheSpotEvidence(HazardId),
}

impl Inspection {
    /// A new draft.
    pub fn start(
        id: InspectionId,
        kind: InspectionKind,
        site: SiteId,
        template: &Template,
        inspectors: Vec<InspectorRef>,
        started_at: DateTime<Utc>,
    ) -> Inspection {
        Inspection {
            id,
            number: None,
            kind,
            site,
            template: template.reference(),
            inspectors,
            started_at,
            ended_at: None,
            location: None,
            place: None,
            answers: BTreeMap::new(),
            notes: None,
            representative: None,
            inspector_signature: None,
            status: InspectionStatus::Draft,
            findings: Vec::new(),
        }
    }

    /// Records (or replaces) the answer to an item after checking it against the item.
    pub fn answer(
        &mut self,
        template: &Template,
        item: &ItemId,
        answer: ItemAnswer,
    ) -> Result<(), AnswerError> {
        if self.status == InspectionStatus::Completed {
            return Err(AnswerError::Completed);
        }
        if template.reference() != self.template {
            return Err(AnswerError::WrongTemplate {
                expected: self.template.clone(),
                given: template.reference(),
            });
        }
        let spec = template
            .item(item)
            .ok_or_else(|| AnswerError::UnknownItem(item.clone()))?;
        check_value(spec, answer.value.as_ref())?;
        if let Some(clause) = answer.combined.iter().find(|c| !spec.combined.contains(c)) {
            return Err(AnswerError::UnknownClause {
                item: item.clone(),
                clause: *clause,
            });
        }
        self.answers.insert(item.clone(), answer);
        Ok(())
    }

    /// How far the checklist is: answered, failed and total items, overall and per section
    /// (in template order).
    pub fn progress(&self, template: &Template) -> Progress {
        let sections = template
            .sections
            .iter()
            .map(|section| {
                let mut counts = Counts::default();
                for item in &section.items {
                    counts.total += 1;
                    if let Some(answer) = self.answers.get(&item.id) {
                        counts.answered += 1;
                        if answer.verdict == Verdict::Fail {
                            counts.failed += 1;
                        }
                    }
                }
                counts
            })
            .collect::<Vec<_>>();
        let overall = sections.iter().fold(Counts::default(), |sum, c| Counts {
            answered: sum.answered + c.answered,
            failed: sum.failed + c.failed,
            total: sum.total + c.total,
        });
        Progress { overall, sections }
    }

    /// Everything that keeps the inspection from being completed (empty when complete).
    ///
    /// Rules: the template matches; at least one inspector; every item answered; number and
    /// choice items have a value unless not applicable; every failed item has a photo or a
    /// note; an end time not before the start; the inspector's signature; the site
    /// representative's signature or a recorded refusal with reason.
    pub fn check_complete(&self, template: &Template) -> Vec<Incomplete> {
        let mut missing = Vec::new();
        if template.reference() != self.template {
            missing.push(Incomplete::WrongTemplate);
            return missing;
        }
        if self.inspectors.is_empty() {
            missing.push(Incomplete::NoInspector);
        }
        for item in template.items() {
            match self.answers.get(&item.id) {
                None => missing.push(Incomplete::Unanswered(item.id.clone())),
                Some(answer) => {
                    if answer.verdict != Verdict::NotApplicable
                        && !matches!(item.answer, AnswerSpec::PassFail)
                        && answer.value.is_none()
                    {
                        missing.push(Incomplete::MissingValue(item.id.clone()));
                    }
                    if answer.verdict == Verdict::Fail
                        && answer.photos.is_empty()
                        && answer.note.is_none()
                    {
                        missing.push(Incomplete::FailWithoutEvidence(item.id.clone()));
                    }
                }
            }
        }
        for finding in &self.findings {
            missing.extend(finding.missing());
        }
        if self.ended_at.is_none_or(|end| end < self.started_at) {
            missing.push(Incomplete::BadTimes);
        }
        if self.inspector_signature.is_none() {
            missing.push(Incomplete::NoInspectorSignature);
        }
        if self.representative.is_none() {
            missing.push(Incomplete::NoRepresentative);
        }
        missing
    }

    /// Completes the inspection at `ended_at` if nothing is missing.
    pub fn complete(
        &mut self,
        template: &Template,
        ended_at: DateTime<Utc>,
    ) -> Result<(), Vec<Incomplete>> {
        let previous = self.ended_at;
        self.ended_at = Some(ended_at);
        let missing = self.check_complete(template);
        if missing.is_empty() {
            self.status = InspectionStatus::Completed;
            Ok(())
        } else {
            self.ended_at = previous;
            Err(missing)
        }
    }

    /// The failed items, in template order.
    pub fn failed_items<'t>(&self, template: &'t Template) -> Vec<&'t Item> {
        template
            .items()
            .filter(|item| {
                self.answers
                    .get(&item.id)
                    .is_some_and(|a| a.verdict == Verdict::Fail)
            })
            .collect()
    }

    /// The GB 35181 combined elements this inspection found (from failed combined items).
    pub fn combined_clauses(&self, template: &Template) -> Vec<CombinedClause> {
        self.failed_items(template)
            .into_iter()
            .filter(|item| item.severity == DefaultSeverity::Combined)
            .flat_map(|item| {
                let chosen = self
                    .answers
                    .get(&item.id)
                    .map(|a| a.combined.clone())
                    .unwrap_or_default();
                if chosen.is_empty() {
                    item.combined.clone()
                } else {
                    chosen
                }
            })
            .collect()
    }

    /// Counts this inspection's combined elements for a site of class `class` (see
    /// [`crate::gb35181`]). For the count per site across inspections, pass the open hazards'
    /// elements to [`gb35181::assess`] instead.
    pub fn combined_assessment(&self, template: &Template, class: FireClass) -> CombinedAssessment {
        gb35181::assess(class, self.combined_clauses(template))
    }

    /// One hazard report per failed item, advisory items excluded, with the item's default
    /// level, legal basis, combined elements, suggested rectification and departments. The
    /// caller assigns ids and numbers and may edit the drafts (description, level with an
    /// override reason, on-the-spot rectification) before reporting them.
    pub fn findings(&self, template: &Template, site: &Site) -> Vec<NewHazard> {
        self.failed_items(template)
            .into_iter()
            .filter_map(|item| {
                let severity = item.severity.hazard_severity()?;
                let answer = self.answers.get(&item.id)?;
                let combined = if item.severity != DefaultSeverity::Combined {
                    Vec::new()
                } else if answer.combined.is_empty() {
                    item.combined.clone()
                } else {
                    answer.combined.clone()
                };
                let description = answer
                    .note
                    .clone()
                    .or_else(|| Text::parse(&item.text.zh).ok())?;
                Some(NewHazard {
                    number: None,
                    source: self.kind.hazard_source(),
                    inspection: Some(self.id),
                    item: Some(ItemRef {
                        template: self.template.clone(),
                        item: item.id.clone(),
                    }),
                    site: site.id(),
                    site_name: site.name().clone(),
                    credit_code: site.credit_code().cloned(),
                    address: Some(site.address().clone()),
                    region: site.region().clone(),
                    area: template.area,
                    category: None,
                    description,
                    location_detail: self.place.clone(),
                    gps: self.location,
                    severity,
                    default_severity: Some(severity),
                    override_reason: None,
                    determination: determination_of(template.area, item),
                    basis: item.basis.clone(),
                    combined,
                    photos_before: answer.photos.clone(),
                    interim_measures: Vec::new(),
                    // Immediate general items are fixed on the spot; major ones always get a
                    // formal notice and deadline.
                    rectification: if item.deadline_days == 0 && severity == Severity::General {
                        RectificationMode::OnTheSpot
                    } else {
                        RectificationMode::ByDeadline
                    },
                    suggested_rectification: Text::parse(&item.rectification).ok(),
                    refer_to: template.departments_for(item).to_vec(),
                })
            })
            .collect()
    }

    /// The figures statistics need, given the template's area and the site's region.
    pub fn summary(&self, area: Area, site: &Site) -> crate::stats::InspectionSummary {
        crate::stats::InspectionSummary {
            area,
            region: site.region().clone(),
            at: self.ended_at.unwrap_or(self.started_at),
            completed: self.status == InspectionStatus::Completed,
        }
    }
}

fn determination_of(area: Area, item: &Item) -> DeterminationMethod {
    match item.severity {
        DefaultSeverity::Major => {
            let gb35181 = item
                .basis
                .iter()
                .any(|b| b.document.starts_with("GB 35181"));
            if area == Area::FactoryWarehouse && gb35181 {
                DeterminationMethod::Direct
            } else {
                DeterminationMethod::IndustryStandard
            }
        }
        DefaultSeverity::Combined => DeterminationMethod::CombinedCount,
        DefaultSeverity::LocalMajor => DeterminationMethod::LocalPractice,
        DefaultSeverity::General | DefaultSeverity::Advisory => DeterminationMethod::Regulation,
    }
}

fn check_value(item: &Item, value: Option<&AnswerValue>) -> Result<(), AnswerError> {
    let id = || item.id.clone();
    match (&item.answer, value) {
        (_, None) => Ok(()),
        (AnswerSpec::PassFail, Some(_)) => Err(AnswerError::WrongValueKind(id())),
        (AnswerSpec::Number { min, max, .. }, Some(AnswerValue::Number(n))) => {
            if n.is_finite() && (*min..=*max).contains(n) {
                Ok(())
            } else {
                Err(AnswerError::OutOfRange {
                    item: id(),
                    value: *n,
                    min: *min,
                    max: *max,
                })
            }
        }
        (AnswerSpec::Choice { options, .. }, Some(AnswerValue::Choice(code))) => {
            if options.iter().any(|o| o.code == *code) {
                Ok(())
            } else {
                Err(AnswerError::UnknownChoice {
                    item: id(),
                    code: code.clone(),
                })
            }
        }
        _ => Err(AnswerError::WrongValueKind(id())),
    }
}

/// Answered, failed and total items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Items with an answer.
    pub answered: usize,
    /// Items answered 不符合.
    pub failed: usize,
    /// Items in the template.
    pub total: usize,
}

impl Counts {
    /// Whether every item is answered.
    pub fn is_done(&self) -> bool {
        self.answered == self.total
    }
}

/// Checklist progress, overall and per section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// All items.
    pub overall: Counts,
    /// One entry per template section, in order.
    pub sections: Vec<Counts>,
}
