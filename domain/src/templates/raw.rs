//! The TOML file format, read in two phases: first into loose "raw" structures that accept
//! any strings, then into [`Template`], so that every problem can be reported with the item
//! it belongs to.

use serde::Deserialize;

use super::error::{Location, Problem, TemplateError, TemplateProblem};
use crate::{
    site::Area,
    template::{
        AnswerSpec, Bilingual, ChoiceOption, CombinedClause, DefaultSeverity, Department, Item,
        ItemId, LegalBasis, Section, SourceStatus, Template, TemplateId,
    },
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    template: Option<RawHeader>,
    #[serde(default)]
    section: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Option<String>,
    area: Option<String>,
    version: Option<i64>,
    title_zh: Option<String>,
    title_en: Option<String>,
    notes_zh: Option<String>,
    notes_en: Option<String>,
    #[serde(default)]
    refer_to: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Option<String>,
    title_zh: Option<String>,
    title_en: Option<String>,
    #[serde(default)]
    item: Vec<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Option<String>,
    zh: Option<String>,
    en: Option<String>,
    answer: Option<RawAnswer>,
    severity: Option<String>,
    severity_note: Option<String>,
    major_when: Option<String>,
    #[serde(default)]
    combined: Vec<String>,
    #[serde(default)]
    basis: Vec<RawBasis>,
    source_status: Option<String>,
    guidance: Option<String>,
    photo_hint: Option<String>,
    rectification: Option<String>,
    deadline_days: Option<i64>,
    #[serde(default)]
    refer_to: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    kind: String,
    label_zh: Option<String>,
    label_en: Option<String>,
    unit: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
    fail_above: Option<f64>,
    fail_below: Option<f64>,
    #[serde(default)]
    options: Vec<RawOption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    code: String,
    zh: String,
    en: String,
    #[serde(default)]
    fails: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBasis {
    document: Option<String>,
    clause: Option<String>,
    status: Option<String>,
    note: Option<String>,
}

struct Problems(Vec<TemplateProblem>);

impl Problems {
    fn push(&mut self, at: &Location, problem: Problem) {
        self.0.push(TemplateProblem {
            at: at.clone(),
            problem,
        });
    }

    fn required(&mut self, at: &Location, name: &'static str, value: Option<String>) -> String {
        match value {
            Some(v) => v,
            None => {
                self.push(at, Problem::Missing(name));
                String::new()
            }
        }
    }

    fn departments(&mut self, at: &Location, codes: &[String]) -> Vec<Department> {
        codes
            .iter()
            .filter_map(|code| {
                let d = Department::parse(code);
                if d.is_none() {
                    self.push(at, Problem::UnknownDepartment(code.clone()));
                }
                d
            })
            .collect()
    }
}

/// Parses the TOML text into a template; semantic checks are left to `validate`.
pub(super) fn parse(file: &str, text: &str) -> Result<Template, TemplateError> {
    let fail = |problems: Vec<TemplateProblem>| TemplateError {
        file: file.to_owned(),
        problems,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        fail(vec![TemplateProblem {
            at: Location::File,
            problem: Problem::Syntax(e.to_string().trim_end().to_owned()),
        }])
    })?;
    let mut p = Problems(Vec::new());

    let at = Location::Template;
    let header = match raw.template {
        Some(h) => h,
        None => {
            p.push(&at, Problem::Missing("template"));
            return Err(fail(p.0));
        }
    };
    let id_text = p.required(&at, "id", header.id);
    let id = TemplateId::parse(&id_text).map_err(|_| Problem::BadTemplateId(id_text.clone()));
    let area_text = p.required(&at, "area", header.area);
    let area = Area::parse(&area_text).map_err(|_| Problem::UnknownArea(area_text.clone()));
    let version = match header.version {
        Some(v) => u32::try_from(v).ok().filter(|v| *v > 0),
        None => {
            p.push(&at, Problem::Missing("version"));
            Some(1)
        }
    };
    if version.is_none() {
        p.push(&at, Problem::BadVersion);
    }
    let title = Bilingual {
        zh: p.required(&at, "title_zh", header.title_zh),
        en: p.required(&at, "title_en", header.title_en),
    };
    let notes = Bilingual {
        zh: header.notes_zh.unwrap_or_default(),
        en: header.notes_en.unwrap_or_default(),
    };
    let refer_to = p.departments(&at, &header.refer_to);
    let id = id.map_err(|e| p.push(&at, e)).ok();
    let area = area.map_err(|e| p.push(&at, e)).ok();

    let mut sections = Vec::new();
    for (s_index, raw_section) in raw.section.into_iter().enumerate() {
        let section_id = raw_section.id.clone().unwrap_or_default();
        let at = Location::Section(if section_id.is_empty() {
            format!("#{}", s_index + 1)
        } else {
            section_id.clone()
        });
        let section_id = p.required(&at, "id", raw_section.id);
        let title = Bilingual {
            zh: p.required(&at, "title_zh", raw_section.title_zh),
            en: p.required(&at, "title_en", raw_section.title_en),
        };
        let mut items = Vec::new();
        for (i_index, table) in raw_section.item.into_iter().enumerate() {
            let label = table
                .get("id")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| format!("#{} in section `{}`", i_index + 1, section_id));
            let at = Location::Item(label);
            match toml::Value::Table(table).try_into::<RawItem>() {
                Ok(raw_item) => {
                    if let Some(item) = item(&mut p, &at, raw_item) {
                        items.push(item);
                    }
                }
                Err(e) => p.push(&at, Problem::Syntax(e.to_string().trim_end().to_owned())),
            }
        }
        sections.push(Section {
            id: section_id,
            title,
            items,
        });
    }

    match (id, area, version) {
        (Some(id), Some(area), Some(version)) if p.0.is_empty() => Ok(Template {
            id,
            area,
            version,
            title,
            notes,
            refer_to,
            sections,
        }),
        _ => Err(fail(p.0)),
    }
}

fn item(p: &mut Problems, at: &Location, raw: RawItem) -> Option<Item> {
    let before = p.0.len();
    let id_text = p.required(at, "id", raw.id);
    let id = ItemId::parse(&id_text)
        .map_err(|_| p.push(at, Problem::BadItemId))
        .ok();
    let text = Bilingual {
        zh: p.required(at, "zh", raw.zh),
        en: p.required(at, "en", raw.en),
    };
    let severity_text = p.required(at, "severity", raw.severity);
    let severity = DefaultSeverity::parse(&severity_text);
    if severity.is_none() && !severity_text.is_empty() {
        p.push(at, Problem::UnknownSeverity(severity_text));
    }
    let combined: Vec<CombinedClause> = raw
        .combined
        .iter()
        .filter_map(|c| {
            CombinedClause::parse(c)
                .map_err(|_| p.push(at, Problem::BadClause(c.clone())))
                .ok()
        })
        .collect();
    let mut basis = Vec::new();
    for b in raw.basis {
        let status_text = p.required(at, "basis.status", b.status);
        let status = SourceStatus::parse(&status_text);
        if status.is_none() && !status_text.is_empty() {
            p.push(at, Problem::UnknownStatus(status_text));
        }
        let document = p.required(at, "basis.document", b.document);
        if let Some(status) = status {
            basis.push(LegalBasis {
                document,
                clause: b.clause,
                status,
                note: b.note,
            });
        }
    }
    let status_text = p.required(at, "source_status", raw.source_status);
    let source_status = SourceStatus::parse(&status_text);
    if source_status.is_none() && !status_text.is_empty() {
        p.push(at, Problem::UnknownStatus(status_text));
    }
    let answer = match raw.answer {
        None => Some(AnswerSpec::PassFail),
        Some(a) => answer(p, at, a),
    };
    let deadline_days = match raw.deadline_days {
        None => {
            p.push(at, Problem::Missing("deadline_days"));
            None
        }
        Some(d) => match u16::try_from(d) {
            Ok(d) => Some(d),
            Err(_) => {
                p.push(at, Problem::DeadlineTooLong(u16::MAX));
                None
            }
        },
    };
    let item = Item {
        id: id?,
        text,
        answer: answer?,
        severity: severity?,
        severity_note: raw.severity_note,
        major_when: raw.major_when,
        combined,
        basis,
        source_status: source_status?,
        guidance: p.required(at, "guidance", raw.guidance),
        photo_hint: p.required(at, "photo_hint", raw.photo_hint),
        rectification: p.required(at, "rectification", raw.rectification),
        deadline_days: deadline_days?,
        refer_to: p.departments(at, &raw.refer_to),
    };
    (p.0.len() == before).then_some(item)
}

fn answer(p: &mut Problems, at: &Location, raw: RawAnswer) -> Option<AnswerSpec> {
    let label = |p: &mut Problems, zh: Option<String>, en: Option<String>| Bilingual {
        zh: p.required(at, "answer.label_zh", zh),
        en: p.required(at, "answer.label_en", en),
    };
    match raw.kind.as_str() {
        "pass_fail" => Some(AnswerSpec::PassFail),
        "number" => {
            let label = label(p, raw.label_zh, raw.label_en);
            let unit = p.required(at, "answer.unit", raw.unit);
            let (min, max) = match (raw.min, raw.max) {
                (Some(min), Some(max)) => (min, max),
                (None, _) => {
                    p.push(at, Problem::Missing("answer.min"));
                    return None;
                }
                (_, None) => {
                    p.push(at, Problem::Missing("answer.max"));
                    return None;
                }
            };
            Some(AnswerSpec::Number {
                label,
                unit,
                min,
                max,
                fail_above: raw.fail_above,
                fail_below: raw.fail_below,
            })
        }
        "choice" => Some(AnswerSpec::Choice {
            label: label(p, raw.label_zh, raw.label_en),
            options: raw
                .options
                .into_iter()
                .map(|o| ChoiceOption {
                    code: o.code,
                    label: Bilingual { zh: o.zh, en: o.en },
                    fails: o.fails,
                })
                .collect(),
        }),
        other => {
            p.push(at, Problem::UnknownAnswerKind(other.to_owned()));
            None
        }
    }
}
