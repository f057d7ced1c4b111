//! The hazard ledger's projection and export rows: what the `hazards` table's ledger columns
//! hold for a hazard ([`LedgerColumns::of`]), and one export row per hazard with the Chinese
//! headers of standards.md §4 ([`EXPORT_HEADERS`], [`export_row`]). Pure: the store writes the
//! columns, the export routes write the rows.

use anxun_domain::{
    api::ledger::{LedgerItem, LedgerRow},
    hazard::{DeterminationMethod, Hazard, HazardState, ItemRef},
    photo::Sha256Hex,
    shanghai,
};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Version of the projection: rows with a smaller `ledger_v` are rebuilt at start.
pub const LEDGER_VERSION: i64 = 1;

/// The ledger columns of one hazard.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerColumns {
    pub source: &'static str,
    pub reporter: uuid::Uuid,
    pub inspection: Option<uuid::Uuid>,
    pub number: Option<String>,
    pub site_name: String,
    pub item_id: Option<String>,
    pub item_title: Option<String>,
    pub description: String,
    pub listed: bool,
    pub closed_at: Option<DateTime<Utc>>,
    pub status_rank: i64,
    pub search: String,
}

impl LedgerColumns {
    /// The columns for `hazard` as it is now.
    pub fn of(hazard: &Hazard) -> LedgerColumns {
        let details = hazard.details();
        let item_title = details.item.as_ref().and_then(item_title);
        let number = details.number.as_ref().map(|n| n.to_string());
        let search = [
            Some(details.site_name.as_str()),
            details.address.as_ref().map(|a| a.as_str()),
            Some(details.description.as_str()),
            item_title.as_deref(),
            number.as_deref(),
            details.category.as_ref().map(|c| c.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
        LedgerColumns {
            source: details.source.code(),
            reporter: hazard.reported_by().user.as_uuid(),
            inspection: details.inspection.map(|i| i.as_uuid()),
            number,
            site_name: details.site_name.as_str().to_owned(),
            item_id: details.item.as_ref().map(|i| i.item.as_str().to_owned()),
            item_title,
            description: details.description.as_str().to_owned(),
            listed: hazard.supervision().is_some(),
            closed_at: hazard.closure().map(|c| c.at),
            status_rank: status_rank(hazard.state()),
            search,
        }
    }
}

/// The state's position in the lifecycle, for sorting by status.
pub fn status_rank(state: HazardState) -> i64 {
    HazardState::ALL
        .iter()
        .position(|s| *s == state)
        .and_then(|p| i64::try_from(p).ok())
        .unwrap_or(0)
}

/// The title (Chinese) of a checklist item of the built-in templates; an item of an older
/// template version that is no longer shipped falls back to the same item id of the current
/// version.
pub fn item_title(item: &ItemRef) -> Option<String> {
    type Key = (String, u32, String);
    static TITLES: std::sync::OnceLock<HashMap<Key, String>> = std::sync::OnceLock::new();
    let titles = TITLES.get_or_init(|| {
        let mut map = HashMap::new();
        for template in anxun_domain::templates::builtin() {
            for it in template.items() {
                map.insert(
                    (
                        template.id.as_str().to_owned(),
                        template.version,
                        it.id.as_str().to_owned(),
                    ),
                    it.text.zh.clone(),
                );
            }
        }
        map
    });
    let id = item.template.id.as_str().to_owned();
    titles
        .get(&(
            id.clone(),
            item.template.version,
            item.item.as_str().to_owned(),
        ))
        .or_else(|| {
            titles
                .iter()
                .find(|((t, _, i), _)| *t == id && i == item.item.as_str())
                .map(|(_, title)| title)
        })
        .cloned()
}

/// The item of a ledger row from its columns.
pub fn ledger_item(item_id: Option<String>, item_title: Option<String>) -> Option<LedgerItem> {
    let id = anxun_domain::template::ItemId::parse(&item_id?).ok()?;
    Some(LedgerItem {
        id,
        title: item_title.unwrap_or_default(),
    })
}

/// One cell of an export row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An instant, shown as Shanghai local date and time.
    Time(DateTime<Utc>),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }
    fn time(t: Option<DateTime<Utc>>) -> Cell {
        t.map_or(Cell::Empty, Cell::Time)
    }

    /// The cell as CSV text (times as `YYYY-MM-DD HH:MM` in Shanghai).
    pub fn to_csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Time(t) => local_minutes(*t),
        }
    }
}

/// `YYYY-MM-DD HH:MM`, Shanghai time.
pub fn local_minutes(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai::offset())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The export's columns (standards.md §4), in order.
pub const EXPORT_HEADERS: [&str; 34] = [
    "隐患编号",
    "来源",
    "关联检查记录",
    "模板项编号",
    "检查项",
    "单位名称",
    "统一社会信用代码",
    "地址",
    "区",
    "街镇",
    "网格",
    "领域",
    "类别",
    "现状描述",
    "具体部位",
    "等级",
    "判定方式",
    "状态",
    "上报人",
    "上报时间",
    "整改责任单位/责任人",
    "整改要求",
    "整改期限",
    "是否逾期",
    "挂牌督办单位",
    "督办文号",
    "督办期限",
    "整改措施",
    "复查时间",
    "复查结论",
    "退回次数",
    "销号时间",
    "整改前照片",
    "整改后照片",
];

/// 判定方式, as the ledger writes it.
pub fn determination_label(method: DeterminationMethod) -> &'static str {
    match method {
        DeterminationMethod::Direct => "直接判定",
        DeterminationMethod::CombinedCount => "综合要素计数",
        DeterminationMethod::IndustryStandard => "行业判定标准",
        DeterminationMethod::LocalPractice => "地方口径",
        DeterminationMethod::Regulation => "一般违法违规情形",
    }
}

/// One export row: the ledger row (with the reporter's name) and the hazard rebuilt from its
/// events; photo links are absolute (`base` is `scheme://host`).
pub fn export_row(row: &LedgerRow, hazard: &Hazard, base: &str, now: DateTime<Utc>) -> Vec<Cell> {
    let details = hazard.details();
    let links = |photos: &mut dyn Iterator<Item = &Sha256Hex>| {
        let mut seen: Vec<&Sha256Hex> = Vec::new();
        for p in photos {
            if !seen.contains(&p) {
                seen.push(p);
            }
        }
        let text = seen
            .iter()
            .map(|p| format!("{base}{}", anxun_domain::api::photo_path(p)))
            .collect::<Vec<_>>()
            .join("\n");
        if text.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text)
        }
    };
    let assignment = hazard.assignment();
    let supervision = hazard.supervision();
    let last_reinspection = hazard.reinspections().last();
    let returned = u32::try_from(hazard.send_backs().len())
        .unwrap_or(u32::MAX)
        .saturating_add(hazard.reinspection_failures());
    vec![
        Cell::text(
            row.number
                .as_ref()
                .map_or_else(|| row.id.to_string(), |n| n.to_string()),
        ),
        Cell::text(details.source.label_zh()),
        Cell::opt(details.inspection.map(|i| i.to_string())),
        Cell::opt(row.item.as_ref().map(|i| i.id.as_str().to_owned())),
        Cell::opt(row.item.as_ref().map(|i| i.title.clone())),
        Cell::text(row.site_name.clone()),
        Cell::opt(details.credit_code.as_ref().map(|c| c.as_str().to_owned())),
        Cell::opt(details.address.as_ref().map(|a| a.as_str().to_owned())),
        Cell::text(row.region.district.as_str()),
        Cell::text(row.region.street.as_str()),
        Cell::text(row.region.grid.as_str()),
        Cell::text(row.area.name_zh()),
        Cell::opt(details.category.as_ref().map(|c| c.as_str().to_owned())),
        Cell::text(row.description.clone()),
        Cell::opt(
            details
                .location_detail
                .as_ref()
                .map(|c| c.as_str().to_owned()),
        ),
        Cell::text(hazard.severity().label_zh()),
        Cell::text(determination_label(hazard.determination())),
        Cell::text(hazard.status_label_zh(now)),
        Cell::text(row.reporter.name.clone()),
        Cell::Time(row.reported_at),
        Cell::opt(assignment.map(|a| a.responsible.name.as_str().to_owned())),
        Cell::opt(assignment.and_then(|a| a.requirement.as_ref().map(|r| r.as_str().to_owned()))),
        Cell::time(hazard.deadline()),
        Cell::text(if row.overdue { "是" } else { "否" }),
        Cell::opt(supervision.map(|s| s.authority.as_str().to_owned())),
        Cell::opt(supervision.map(|s| s.document.as_str().to_owned())),
        Cell::time(supervision.map(|s| s.deadline)),
        Cell::opt(
            hazard
                .submissions()
                .last()
                .map(|s| s.measures.as_str().to_owned()),
        ),
        Cell::time(last_reinspection.map(|r| r.at)),
        Cell::opt(last_reinspection.map(|r| if r.passed { "合格" } else { "不合格" })),
        Cell::Number(f64::from(returned)),
        Cell::time(hazard.closure().map(|c| c.at)),
        links(&mut details.photos_before.iter()),
        links(
            &mut hazard
                .submissions()
                .iter()
                .flat_map(|s| s.after_photos.iter())
                .chain(hazard.reinspections().iter().flat_map(|r| r.photos.iter())),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_ranks_follow_the_lifecycle() {
        let ranks: Vec<i64> = HazardState::ALL.iter().map(|s| status_rank(*s)).collect();
        assert_eq!(ranks, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn items_of_the_builtin_templates_have_titles() {
        let template = anxun_domain::templates::builtin_for(anxun_domain::site::Area::Gas);
        let item = template.items().next().unwrap();
        let reference = ItemRef {
            template: template.reference(),
            item: item.id.clone(),
        };
        assert_eq!(
            item_title(&reference).as_deref(),
            Some(item.text.zh.as_str())
        );
    }

    #[test]
    fn times_are_written_in_shanghai() {
        let t = DateTime::parse_from_rfc3339("2026-03-01T15:59:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(local_minutes(t), "2026-03-01 23:59");
        assert_eq!(Cell::Time(t).to_csv(), "2026-03-01 23:59");
    }
}
