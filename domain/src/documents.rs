//! The content of an inspection's printable documents (standards.md §5): the 现场检查记录
//! (inspection record) and the 安全隐患整改通知书 (rectification notice): fields, rows and
//! wording, computed once for both the field app (from its local data) and the supervisor
//! console (from `GET /api/inspections/{id}`). The screens only lay them out for A4 and draw
//! the signature images their own way.
//!
//! The documents are always in Chinese: they are handed to the site and filed.

use chrono::{DateTime, Utc};

use crate::{
    hazard::Severity,
    inspection::{
        Inspection, RepresentativeSignature, Verdict,
        finding::{Finding, Rectification},
    },
    photo::Sha256Hex,
    shanghai,
    site::Site,
    template::Template,
};

/// 现场检查记录.
pub const RECORD_TITLE: &str = "现场检查记录";
/// 安全隐患整改通知书.
pub const NOTICE_TITLE: &str = "安全隐患整改通知书";

/// The record's checklist table: 编号, 检查内容, 结果, 说明.
pub const RECORD_COLUMNS: [&str; 4] = ["编号", "检查内容", "结果", "说明"];
/// The record's list of findings.
pub const FINDINGS_HEADING: &str = "发现的隐患";
/// The notice's table: 序号, 隐患内容, 等级, 整改要求, 整改期限.
pub const NOTICE_COLUMNS: [&str; 5] = ["序号", "隐患内容", "等级", "整改要求", "整改期限"];
/// The notice's list of problems fixed on the spot.
pub const FIXED_HEADING: &str = "已当场整改的问题";

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// 现场检查记录.
    Record,
    /// 安全隐患整改通知书.
    Notice,
}

impl DocumentKind {
    /// The path segment (`record`, `notice`).
    pub fn segment(self) -> &'static str {
        match self {
            DocumentKind::Record => "record",
            DocumentKind::Notice => "notice",
        }
    }

    /// The document named by a path segment; anything else is the record.
    pub fn from_segment(segment: &str) -> DocumentKind {
        if segment == "notice" {
            DocumentKind::Notice
        } else {
            DocumentKind::Record
        }
    }

    /// The document's title.
    pub fn title(self) -> &'static str {
        match self {
            DocumentKind::Record => RECORD_TITLE,
            DocumentKind::Notice => NOTICE_TITLE,
        }
    }
}

/// A time as the documents write it (Shanghai): `2026年11月23日 09:30`.
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai::offset())
        .format("%Y年%m月%d日 %H:%M")
        .to_string()
}

/// 符合 / 不符合 / 不适用 / 未检查.
pub fn verdict_zh(verdict: Option<Verdict>) -> &'static str {
    match verdict {
        Some(Verdict::Pass) => "符合",
        Some(Verdict::Fail) => "不符合",
        Some(Verdict::NotApplicable) => "不适用",
        None => "未检查",
    }
}

/// 当场整改, or the deadline.
pub fn deadline_zh(finding: &Finding) -> String {
    match &finding.rectification {
        Rectification::OnTheSpot { .. } => "当场整改".to_owned(),
        Rectification::ByDeadline { deadline } => {
            format!("{} 前完成整改", deadline.format("%Y年%m月%d日"))
        }
    }
}

/// A label and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
}

fn field(label: &'static str, value: impl Into<String>) -> Field {
    Field {
        label,
        value: value.into(),
    }
}

/// A signature: the line of text, the image (if signed) and the time line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureBlock {
    /// E.g. `检查人员：张三`, or the refusal and its reason.
    pub text: String,
    /// The signature image.
    pub image: Option<Sha256Hex>,
    /// The image's alternative text.
    pub image_alt: &'static str,
    /// When signed or recorded.
    pub time: Option<String>,
}

/// The site block: 被检查单位, 地址, 统一社会信用代码, 负责人.
pub fn site_fields(site: &Site) -> Vec<Field> {
    vec![
        field("被检查单位", site.name().as_str()),
        field("地址", site.address().as_str()),
        field(
            "统一社会信用代码",
            site.credit_code()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_else(|| "—".into()),
        ),
        field(
            "负责人",
            site.responsible()
                .map(|c| {
                    format!(
                        "{} {}",
                        c.name.as_str(),
                        c.phone.as_ref().map(|p| p.as_str()).unwrap_or(""),
                    )
                })
                .unwrap_or_else(|| "—".into()),
        ),
    ]
}

/// The representative's signature (or refusal) and the inspector's.
pub fn signatures(inspection: &Inspection) -> Vec<SignatureBlock> {
    let representative = match &inspection.representative {
        Some(RepresentativeSignature::Signed(signature)) => SignatureBlock {
            text: format!("被检查单位现场负责人：{}", signature.name.as_str()),
            image: Some(signature.image.clone()),
            image_alt: "现场负责人签名",
            time: Some(local_time(signature.signed_at)),
        },
        Some(RepresentativeSignature::Refused {
            name,
            reason,
            recorded_at,
        }) => SignatureBlock {
            text: format!(
                "被检查单位现场负责人{}拒绝签字。拒签原因：{}",
                name.as_ref()
                    .map(|n| format!("（{}）", n.as_str()))
                    .unwrap_or_default(),
                reason.as_str()
            ),
            image: None,
            image_alt: "",
            time: Some(format!("记录时间：{}", local_time(*recorded_at))),
        },
        None => SignatureBlock {
            text: "被检查单位现场负责人：（未签字）".to_owned(),
            image: None,
            image_alt: "",
            time: None,
        },
    };
    let mut blocks = vec![representative];
    if let Some(signature) = &inspection.inspector_signature {
        blocks.push(SignatureBlock {
            text: format!("检查人员：{}", signature.name.as_str()),
            image: Some(signature.image.clone()),
            image_alt: "检查人员签名",
            time: Some(local_time(signature.signed_at)),
        });
    }
    blocks
}

/// One checklist item in the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    /// 编号 (the item id).
    pub item: String,
    /// 检查内容.
    pub text: String,
    /// 结果.
    pub verdict: &'static str,
    /// 说明.
    pub note: String,
    /// Not compliant (highlighted).
    pub failed: bool,
}

/// 现场检查记录.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionRecord {
    /// `编号：…` or `（草稿）`.
    pub number: String,
    /// The site block.
    pub site: Vec<Field>,
    /// 检查表, 检查时间, 检查人员, 位置.
    pub fields: Vec<Field>,
    /// One row per item of the template, in its order.
    pub rows: Vec<RecordRow>,
    /// 发现的隐患, numbered.
    pub findings: Vec<String>,
    /// 备注.
    pub notes: Option<String>,
    pub signatures: Vec<SignatureBlock>,
}

impl InspectionRecord {
    /// The record of `inspection` at `site`, answering `template` (the inspection's).
    pub fn new(inspection: &Inspection, site: &Site, template: &Template) -> InspectionRecord {
        let inspectors = inspection
            .inspectors
            .iter()
            .map(|i| {
                let mut s = i.name.as_str().to_owned();
                if let Some(badge) = &i.badge {
                    s.push_str(&format!("（{}）", badge.as_str()));
                }
                s
            })
            .collect::<Vec<_>>()
            .join("、");
        let rows = template
            .items()
            .map(|item| {
                let answer = inspection.answers.get(&item.id);
                let verdict = answer.map(|a| a.verdict);
                RecordRow {
                    item: item.id.to_string(),
                    text: item.text.zh.clone(),
                    verdict: verdict_zh(verdict),
                    note: answer
                        .and_then(|a| a.note.as_ref())
                        .map(|n| n.as_str().to_owned())
                        .unwrap_or_default(),
                    failed: verdict == Some(Verdict::Fail),
                }
            })
            .collect();
        let findings = inspection
            .findings
            .iter()
            .enumerate()
            .map(|(index, finding)| {
                format!(
                    "{}. {}{}（{}隐患；{}）",
                    index + 1,
                    finding
                        .item
                        .as_ref()
                        .map(|i| format!("[{i}] "))
                        .unwrap_or_default(),
                    finding.description.as_str(),
                    finding.severity.label_zh(),
                    deadline_zh(finding)
                )
            })
            .collect();
        let time = format!(
            "{}{}",
            local_time(inspection.started_at),
            inspection
                .ended_at
                .map(|end| format!(" 至 {}", local_time(end)))
                .unwrap_or_default()
        );
        InspectionRecord {
            number: format!(
                "编号：{}",
                inspection
                    .number
                    .as_ref()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "（草稿）".into())
            ),
            site: site_fields(site),
            fields: vec![
                field(
                    "检查表",
                    format!("{}（第 {} 版）", template.title.zh, template.version),
                ),
                field("检查时间", time),
                field("检查人员", inspectors),
                field(
                    "位置",
                    inspection
                        .location
                        .map(|p| format!("{:.5}, {:.5}", p.lat(), p.lon()))
                        .unwrap_or_else(|| "未取得定位".into()),
                ),
            ],
            rows,
            findings,
            notes: inspection
                .notes
                .as_ref()
                .map(|n| format!("备注：{}", n.as_str())),
            signatures: signatures(inspection),
        }
    }
}

/// One hazard to rectify by a deadline, in the notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    /// 序号.
    pub index: usize,
    /// 隐患内容 (with the place, if recorded).
    pub description: String,
    /// 等级.
    pub severity: &'static str,
    /// 整改要求.
    pub requirement: String,
    /// 整改期限.
    pub deadline: String,
}

/// What the notice says when a major hazard is among those to rectify.
pub const MAJOR_NOTE: &str = "其中重大事故隐患由主管部门挂牌督办或另行交办，整改期限以其书面通知为准；整改前无法保证安全的，应当从危险区域内撤出作业人员，暂时停产停业或者停止使用相关设施、设备。";

/// 安全隐患整改通知书.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RectificationNotice {
    /// `检查记录编号：…`.
    pub number: String,
    /// The site, addressed: `老王面馆：`.
    pub addressee: String,
    /// The order to rectify.
    pub body: String,
    /// The hazards to rectify by a deadline.
    pub rows: Vec<NoticeRow>,
    /// [`MAJOR_NOTE`] when a finding is major.
    pub major_note: Option<&'static str>,
    /// 已当场整改的问题.
    pub fixed: Vec<String>,
    /// The site block.
    pub site: Vec<Field>,
    pub signatures: Vec<SignatureBlock>,
}

impl RectificationNotice {
    /// The notice for `inspection` at `site`.
    pub fn new(inspection: &Inspection, site: &Site) -> RectificationNotice {
        let rows = inspection
            .findings
            .iter()
            .filter(|f| matches!(f.rectification, Rectification::ByDeadline { .. }))
            .enumerate()
            .map(|(index, finding)| NoticeRow {
                index: index + 1,
                description: format!(
                    "{}{}",
                    finding.description.as_str(),
                    finding
                        .location_detail
                        .as_ref()
                        .map(|l| format!("（{}）", l.as_str()))
                        .unwrap_or_default()
                ),
                severity: finding.severity.label_zh(),
                requirement: finding
                    .requirement
                    .as_ref()
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default(),
                deadline: deadline_zh(finding),
            })
            .collect();
        let fixed = inspection
            .findings
            .iter()
            .filter(|f| matches!(f.rectification, Rectification::OnTheSpot { .. }))
            .map(|f| format!("{}（已当场整改）", f.description.as_str()))
            .collect();
        let has_major = inspection
            .findings
            .iter()
            .any(|f| f.severity == Severity::Major);
        RectificationNotice {
            number: format!(
                "检查记录编号：{}",
                inspection
                    .number
                    .as_ref()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ),
            addressee: format!("{}：", site.name().as_str()),
            body: format!(
                "经 {} 现场检查，你单位存在下列安全隐患，依据相关法律法规和标准，现责令你单位在规定期限内完成整改，整改期间应采取有效措施确保安全。整改完成后请及时报告，我们将进行复查。",
                local_time(inspection.started_at),
            ),
            rows,
            major_note: has_major.then_some(MAJOR_NOTE),
            fixed,
            site: site_fields(site),
            signatures: signatures(inspection),
        }
    }
}
