//! GB 35181 combined elements (综合判定要素): counting them per site and per inspection and
//! flagging a suspected major fire hazard (疑似重大火灾隐患) when the rule's threshold is reached.
//!
//! **The domain never labels such a case 重大 by itself.** Whether it is a major fire hazard is
//! decided by the fire and rescue authority after collective discussion or expert review;
//! the app only shows "疑似重大火灾隐患,需提交消防救援机构判定" and lets a supervisor record the
//! determination later ([`crate::hazard::HazardAction::ChangeSeverity`]).
//!
//! The rule (GB 35181-2017, chapter 7; standards.md marks it ⚠记忆 and it must be checked
//! against GB 35181-2025 before release):
//! - 人员密集场所: 3 or more of 7.3.1–7.3.9, 7.5, 7.9.3;
//! - 易燃易爆危险品场所: 3 or more of 7.1.1–7.1.3, 7.4.5, 7.4.6, 7.9.2;
//! - 人员密集 or 易燃易爆 site: any 4 or more chapter 7 elements;
//! - any other site: any 6 or more chapter 7 elements.

use std::collections::BTreeSet;

use crate::{site::FireClass, template::CombinedClause};

/// Which branch of the rule was met.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CombinedRule {
    /// 人员密集场所: ≥ 3 of 7.3.1–7.3.9, 7.5, 7.9.3.
    CrowdedListed,
    /// 易燃易爆危险品场所: ≥ 3 of 7.1.1–7.1.3, 7.4.5, 7.4.6, 7.9.2.
    FlammableListed,
    /// 人员密集 or 易燃易爆 site: ≥ 4 of any chapter 7 element.
    CrowdedOrFlammableAny,
    /// Other sites: ≥ 6 of any chapter 7 element.
    OtherAny,
}

impl CombinedRule {
    /// How many elements the branch needs.
    pub fn threshold(self) -> usize {
        match self {
            CombinedRule::CrowdedListed | CombinedRule::FlammableListed => 3,
            CombinedRule::CrowdedOrFlammableAny => 4,
            CombinedRule::OtherAny => 6,
        }
    }
}

/// The outcome of counting combined elements.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct CombinedAssessment {
    /// The distinct elements found.
    pub clauses: BTreeSet<CombinedClause>,
    /// The branches whose threshold was reached (empty: no suspicion).
    pub triggered: Vec<CombinedRule>,
}

impl CombinedAssessment {
    /// Whether to flag 疑似重大火灾隐患 and report the site for determination.
    pub fn suspected_major(&self) -> bool {
        !self.triggered.is_empty()
    }

    /// The message shown when [`suspected_major`](Self::suspected_major) holds.
    pub const MESSAGE_ZH: &'static str = "疑似重大火灾隐患,需提交消防救援机构判定";
}

/// Counts the distinct elements and applies the rule for a site of class `class`.
pub fn assess(
    class: FireClass,
    clauses: impl IntoIterator<Item = CombinedClause>,
) -> CombinedAssessment {
    let clauses: BTreeSet<CombinedClause> = clauses.into_iter().collect();
    let count_where = |f: fn(&CombinedClause) -> bool| clauses.iter().filter(|c| f(c)).count();
    let mut triggered = Vec::new();
    if class.crowded && count_where(crowded_listed) >= CombinedRule::CrowdedListed.threshold() {
        triggered.push(CombinedRule::CrowdedListed);
    }
    if class.flammable && count_where(flammable_listed) >= CombinedRule::FlammableListed.threshold()
    {
        triggered.push(CombinedRule::FlammableListed);
    }
    if (class.crowded || class.flammable)
        && clauses.len() >= CombinedRule::CrowdedOrFlammableAny.threshold()
    {
        triggered.push(CombinedRule::CrowdedOrFlammableAny);
    }
    if !class.crowded && !class.flammable && clauses.len() >= CombinedRule::OtherAny.threshold() {
        triggered.push(CombinedRule::OtherAny);
    }
    CombinedAssessment { clauses, triggered }
}

/// 7.3.1–7.3.9, 7.5 (and its sub-clauses), 7.9.3.
fn crowded_listed(c: &CombinedClause) -> bool {
    match (c.section(), c.clause()) {
        (3, Some(n)) => (1..=9).contains(&n),
        (5, _) => true,
        (9, Some(3)) => true,
        _ => false,
    }
}

/// 7.1.1–7.1.3, 7.4.5, 7.4.6, 7.9.2.
fn flammable_listed(c: &CombinedClause) -> bool {
    matches!(
        (c.section(), c.clause()),
        (1, Some(1..=3)) | (4, Some(5 | 6)) | (9, Some(2))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clauses(list: &[&str]) -> Vec<CombinedClause> {
        list.iter()
            .map(|c| CombinedClause::parse(c).unwrap())
            .collect()
    }

    const CROWDED: FireClass = FireClass {
        crowded: true,
        flammable: false,
    };
    const FLAMMABLE: FireClass = FireClass {
        crowded: false,
        flammable: true,
    };

    #[test]
    fn crowded_sites_need_three_listed_elements() {
        let a = assess(CROWDED, clauses(&["7.3.3", "7.3.6", "7.1.1"]));
        assert!(!a.suspected_major());
        let a = assess(CROWDED, clauses(&["7.3.3", "7.3.6", "7.3.9"]));
        assert_eq!(a.triggered, vec![CombinedRule::CrowdedListed]);
        // 7.3.10 is not in the listed set, but four of anything is enough.
        let a = assess(CROWDED, clauses(&["7.3.3", "7.3.10", "7.1.1", "7.2.2"]));
        assert_eq!(a.triggered, vec![CombinedRule::CrowdedOrFlammableAny]);
    }

    #[test]
    fn flammable_sites_need_three_listed_elements() {
        let a = assess(FLAMMABLE, clauses(&["7.1.1", "7.1.3", "7.4.6"]));
        assert_eq!(a.triggered, vec![CombinedRule::FlammableListed]);
        assert!(!assess(FLAMMABLE, clauses(&["7.1.1", "7.3.3", "7.4.6"])).suspected_major());
    }

    #[test]
    fn other_sites_need_six_and_duplicates_count_once() {
        let five = clauses(&["7.1.1", "7.1.2", "7.1.3", "7.2.1", "7.2.2", "7.2.2"]);
        assert!(!assess(FireClass::default(), five.clone()).suspected_major());
        let mut six = five;
        six.extend(clauses(&["7.3.3"]));
        assert_eq!(
            assess(FireClass::default(), six).triggered,
            vec![CombinedRule::OtherAny]
        );
    }
}
