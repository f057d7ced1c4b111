//! Findings (隐患) recorded during an inspection.
//!
//! While the inspection is a draft its findings are plain, editable records inside it
//! ([`Finding`]): one per failed checklist item, pre-filled from the item when the item is
//! answered 不符合 ([`Inspection::sync_findings`]), plus any ad hoc findings. Nothing about a
//! draft finding is final. Completing the inspection turns each finding into hazard events
//! ([`Inspection::hazard_events`]): the report (上账), and either the on-the-spot
//! rectification (当场整改) or, for a general hazard with a deadline, the notice (交办/告知).
//! Major hazards stay reported: a supervisor assigns them (see [`crate::hazard::lifecycle`]).

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone};

use super::{Incomplete, Inspection, InspectionStatus, Verdict};
use crate::{
    docno::DocNumber,
    geo::GeoPoint,
    hazard::{
        HazardAction, HazardEvent, InterimMeasure, NewHazard, RectificationMode, ResponsibleParty,
        Severity,
    },
    ids::{EventId, HazardId},
    photo::Sha256Hex,
    role::Actor,
    shanghai,
    site::Site,
    tagged::{MissingField, required},
    template::{DefaultSeverity, ItemId, Template},
    text::Text,
};
use chrono::Utc;

/// How a finding is to be fixed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(
    rename_all = "snake_case",
    tag = "mode",
    try_from = "RectificationWire"
)]
pub enum Rectification {
    /// 当场整改: fixed while the inspector is there.
    OnTheSpot {
        /// What was done.
        measures: Option<Text>,
        /// 整改后照片.
        after_photos: Vec<Sha256Hex>,
    },
    /// 限期整改: fixed by a date (Shanghai calendar; the end of that day).
    ByDeadline {
        /// 整改期限.
        deadline: NaiveDate,
    },
}

/// [`Rectification`] as read (see [`crate::tagged`]).
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
struct RectificationWire {
    mode: RectificationMode,
    measures: Option<Text>,
    after_photos: Option<Vec<Sha256Hex>>,
    deadline: Option<NaiveDate>,
}

impl TryFrom<RectificationWire> for Rectification {
    type Error = MissingField;
    fn try_from(wire: RectificationWire) -> Result<Self, Self::Error> {
        Ok(match wire.mode {
            RectificationMode::OnTheSpot => Rectification::OnTheSpot {
                measures: wire.measures,
                after_photos: required(wire.after_photos, "after_photos")?,
            },
            RectificationMode::ByDeadline => Rectification::ByDeadline {
                deadline: required(wire.deadline, "deadline")?,
            },
        })
    }
}

/// A finding being recorded: from a failed item (`item` set) or ad hoc.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Finding {
    /// The id the hazard will have (made on the device when the finding is created).
    pub hazard: HazardId,
    /// The failed item, or `None` for an ad hoc finding.
    pub item: Option<ItemId>,
    /// 现状描述.
    pub description: Text,
    /// 等级.
    pub severity: Severity,
    /// The item's level, when the finding comes from an item.
    pub default_severity: Option<Severity>,
    /// Why the level differs from the item's.
    pub override_reason: Option<Text>,
    /// 具体部位.
    pub location_detail: Option<Text>,
    /// Photos of this finding besides its item's (all of them for an ad hoc finding).
    pub photos: Vec<Sha256Hex>,
    /// Where it was recorded.
    pub gps: Option<GeoPoint>,
    /// 整改要求.
    pub requirement: Option<Text>,
    /// 当场整改 or 限期整改.
    pub rectification: Rectification,
    /// 临时措施.
    #[serde(default)]
    pub interim_measures: Vec<InterimMeasure>,
}

/// Why a finding could not be changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindingError {
    /// The inspection is completed.
    #[error("the inspection is completed and its findings can no longer change")]
    Completed,
    /// No finding with this id.
    #[error("no finding {0} in this inspection")]
    Unknown(HazardId),
    /// A finding of a failed item goes away only when the answer changes.
    #[error("a finding of a failed item is removed by changing the item's answer")]
    FromItem,
    /// The item the finding names is not failed (or not in the template).
    #[error("item {0} is not answered 不符合")]
    ItemNotFailed(ItemId),
    /// A combined-element item cannot be reported major by the inspector (GB 35181 needs a
    /// collective determination).
    #[error(
        "a GB 35181 combined element cannot be reported as 重大 on site; it is reported for determination"
    )]
    CombinedNotMajor,
}

impl Finding {
    /// What is still missing before this finding can be reported.
    pub fn missing(&self) -> Vec<Incomplete> {
        let mut missing = Vec::new();
        if self.default_severity.is_some_and(|d| d != self.severity)
            && self.override_reason.is_none()
        {
            missing.push(Incomplete::OverrideReason(self.hazard));
        }
        if self.item.is_none() && self.photos.is_empty() {
            missing.push(Incomplete::FindingWithoutPhoto(self.hazard));
        }
        if let Rectification::OnTheSpot {
            measures,
            after_photos,
        } = &self.rectification
            && (measures.is_none() || after_photos.is_empty())
        {
            missing.push(Incomplete::OnTheSpotEvidence(self.hazard));
        }
        missing
    }

    /// The deadline as an instant: the end of the day in Shanghai.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        match &self.rectification {
            Rectification::ByDeadline { deadline } => Some(end_of_day(*deadline)),
            Rectification::OnTheSpot { .. } => None,
        }
    }
}

/// 23:59:59 Shanghai time on `date`.
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default();
    shanghai::offset()
        .from_local_datetime(&date.and_time(time))
        .single()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|| date.and_time(time).and_utc())
}

impl Inspection {
    /// Keeps one finding per failed item: adds a pre-filled finding for each failed item that
    /// has none (advisory items excepted), and drops the findings of items no longer failed.
    /// Returns whether anything changed. `today` dates the default deadline.
    pub fn sync_findings(
        &mut self,
        template: &Template,
        site: &Site,
        today: NaiveDate,
        mut new_id: impl FnMut() -> HazardId,
    ) -> bool {
        if self.status == InspectionStatus::Completed {
            return false;
        }
        let before = self.findings.len();
        let failed: Vec<ItemId> = self
            .answers
            .iter()
            .filter(|(_, answer)| answer.verdict == Verdict::Fail)
            .map(|(item, _)| item.clone())
            .collect();
        self.findings
            .retain(|f| f.item.as_ref().is_none_or(|item| failed.contains(item)));
        let mut changed = self.findings.len() != before;
        let drafts = self.findings(template, site);
        for item in template.items() {
            if !failed.contains(&item.id)
                || self
                    .findings
                    .iter()
                    .any(|f| f.item.as_ref() == Some(&item.id))
            {
                continue;
            }
            let Some(draft) = drafts
                .iter()
                .find(|d| d.item.as_ref().is_some_and(|r| r.item == item.id))
            else {
                continue;
            };
            let days = i64::from(item.deadline_days.max(1));
            let rectification = match draft.rectification {
                RectificationMode::OnTheSpot => Rectification::OnTheSpot {
                    measures: None,
                    after_photos: Vec::new(),
                },
                RectificationMode::ByDeadline => Rectification::ByDeadline {
                    deadline: today + chrono::Duration::days(days),
                },
            };
            self.findings.push(Finding {
                hazard: new_id(),
                item: Some(item.id.clone()),
                description: draft.description.clone(),
                severity: draft.severity,
                default_severity: draft.default_severity,
                override_reason: None,
                location_detail: None,
                photos: Vec::new(),
                gps: None,
                requirement: draft.suggested_rectification.clone(),
                rectification,
                interim_measures: Vec::new(),
            });
            changed = true;
        }
        changed
    }

    /// A new ad hoc finding (not tied to an item), general by default with a 7-day deadline.
    pub fn add_finding(
        &mut self,
        hazard: HazardId,
        description: Text,
        today: NaiveDate,
    ) -> Result<(), FindingError> {
        if self.status == InspectionStatus::Completed {
            return Err(FindingError::Completed);
        }
        self.findings.push(Finding {
            hazard,
            item: None,
            description,
            severity: Severity::General,
            default_severity: None,
            override_reason: None,
            location_detail: None,
            photos: Vec::new(),
            // Its own fix, when the device gives one; the inspection's position otherwise.
            gps: None,
            requirement: None,
            rectification: Rectification::ByDeadline {
                deadline: today + chrono::Duration::days(7),
            },
            interim_measures: Vec::new(),
        });
        Ok(())
    }

    /// Replaces a finding (matched by its hazard id) with an edited one.
    pub fn edit_finding(
        &mut self,
        template: &Template,
        finding: Finding,
    ) -> Result<(), FindingError> {
        if self.status == InspectionStatus::Completed {
            return Err(FindingError::Completed);
        }
        let index = self
            .findings
            .iter()
            .position(|f| f.hazard == finding.hazard)
            .ok_or(FindingError::Unknown(finding.hazard))?;
        let previous = &self.findings[index];
        // The item and the item's default level are not the inspector's to change.
        let finding = Finding {
            item: previous.item.clone(),
            default_severity: previous.default_severity,
            ..finding
        };
        if let Some(item) = &finding.item {
            let spec = template
                .item(item)
                .ok_or_else(|| FindingError::ItemNotFailed(item.clone()))?;
            if spec.severity == DefaultSeverity::Combined && finding.severity == Severity::Major {
                return Err(FindingError::CombinedNotMajor);
            }
        }
        self.findings[index] = finding;
        Ok(())
    }

    /// Removes an ad hoc finding.
    pub fn remove_finding(&mut self, hazard: HazardId) -> Result<(), FindingError> {
        if self.status == InspectionStatus::Completed {
            return Err(FindingError::Completed);
        }
        let index = self
            .findings
            .iter()
            .position(|f| f.hazard == hazard)
            .ok_or(FindingError::Unknown(hazard))?;
        if self.findings[index].item.is_some() {
            return Err(FindingError::FromItem);
        }
        self.findings.remove(index);
        Ok(())
    }

    /// Every photo the inspection references: answers, findings and after-photos.
    pub fn photos(&self) -> Vec<Sha256Hex> {
        let mut all: Vec<Sha256Hex> = Vec::new();
        let mut push = |hash: &Sha256Hex| {
            if !all.contains(hash) {
                all.push(hash.clone());
            }
        };
        self.answers
            .values()
            .flat_map(|a| &a.photos)
            .for_each(&mut push);
        for finding in &self.findings {
            finding.photos.iter().for_each(&mut push);
            if let Rectification::OnTheSpot { after_photos, .. } = &finding.rectification {
                after_photos.iter().for_each(&mut push);
            }
        }
        all
    }

    /// The hazard report for a finding, as it will be put on the ledger.
    pub fn new_hazard(
        &self,
        template: &Template,
        site: &Site,
        finding: &Finding,
        number: Option<DocNumber>,
    ) -> NewHazard {
        let from_item = finding.item.as_ref().and_then(|item| {
            self.findings(template, site)
                .into_iter()
                .find(|d| d.item.as_ref().is_some_and(|r| &r.item == item))
        });
        let mut photos_before = finding
            .item
            .as_ref()
            .and_then(|item| self.answers.get(item))
            .map(|answer| answer.photos.clone())
            .unwrap_or_default();
        photos_before.extend(finding.photos.iter().cloned());
        let rectification = match finding.rectification {
            Rectification::OnTheSpot { .. } => RectificationMode::OnTheSpot,
            Rectification::ByDeadline { .. } => RectificationMode::ByDeadline,
        };
        match from_item {
            Some(draft) => NewHazard {
                number,
                description: finding.description.clone(),
                location_detail: finding.location_detail.clone().or(draft.location_detail),
                gps: finding.gps.or(draft.gps),
                severity: finding.severity,
                override_reason: finding.override_reason.clone(),
                photos_before,
                interim_measures: finding.interim_measures.clone(),
                rectification,
                suggested_rectification: finding.requirement.clone(),
                ..draft
            },
            None => NewHazard {
                number,
                source: self.kind.hazard_source(),
                inspection: Some(self.id),
                item: None,
                site: site.id(),
                site_name: site.name().clone(),
                credit_code: site.credit_code().cloned(),
                address: Some(site.address().clone()),
                region: site.region().clone(),
                area: template.area,
                category: None,
                description: finding.description.clone(),
                location_detail: finding.location_detail.clone().or(self.place.clone()),
                gps: finding.gps.or(self.location),
                severity: finding.severity,
                default_severity: None,
                override_reason: finding.override_reason.clone(),
                determination: crate::hazard::DeterminationMethod::Regulation,
                basis: Vec::new(),
                combined: Vec::new(),
                photos_before,
                interim_measures: finding.interim_measures.clone(),
                rectification,
                suggested_rectification: finding.requirement.clone(),
                refer_to: Vec::new(),
            },
        }
    }

    /// The events that put the completed inspection's findings on the ledger, in order: for
    /// each finding its report, then its on-the-spot rectification, or (general hazards with
    /// a deadline) the notice to the site's responsible person. `numbers` gives each finding
    /// its hazard number and notice number.
    pub fn hazard_events(
        &self,
        template: &Template,
        site: &Site,
        actor: &Actor,
        at: DateTime<Utc>,
        mut numbers: impl FnMut(&Finding) -> (Option<DocNumber>, Option<DocNumber>),
    ) -> Vec<HazardEvent> {
        let responsible = ResponsibleParty {
            name: site
                .responsible()
                .map(|c| c.name.clone())
                .unwrap_or_else(|| site.name().clone()),
            contact: site.responsible().cloned(),
        };
        let mut events = Vec::new();
        for finding in &self.findings {
            let (number, notice) = numbers(finding);
            let event = |action: HazardAction| HazardEvent {
                id: EventId::generate(),
                hazard: finding.hazard,
                at,
                actor: actor.clone(),
                reason: None,
                action,
            };
            let report = self.new_hazard(template, site, finding, number);
            events.push(event(HazardAction::Report(Box::new(report))));
            match &finding.rectification {
                Rectification::OnTheSpot {
                    measures: Some(measures),
                    after_photos,
                } if !after_photos.is_empty() => {
                    events.push(event(HazardAction::RectifyOnSpot {
                        measures: measures.clone(),
                        after_photos: after_photos.clone(),
                    }));
                }
                Rectification::OnTheSpot { .. } => {}
                Rectification::ByDeadline { deadline } => {
                    if finding.severity == Severity::General {
                        events.push(event(HazardAction::Assign {
                            responsible: responsible.clone(),
                            requirement: finding.requirement.clone(),
                            deadline: end_of_day(*deadline).max(at),
                            notice,
                            department: None,
                        }));
                    }
                }
            }
        }
        events
    }
}
