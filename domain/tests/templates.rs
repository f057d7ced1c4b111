//! The shipped templates are valid and complete; the validator rejects broken ones with
//! messages naming the file, the item and the problem.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use anxun_domain::{
    site::Area,
    template::{AnswerSpec, DefaultSeverity},
    templates::{self, Location, Problem, TemplateError},
};

#[test]
fn shipped_templates_parse_and_validate() {
    for (file, text) in templates::BUILTIN_FILES {
        if let Err(e) = templates::parse_template(file, text) {
            panic!("{e}");
        }
    }
    let builtin = templates::builtin();
    let areas: Vec<Area> = builtin.iter().map(|t| t.area).collect();
    assert_eq!(areas, Area::ALL);
    for t in &builtin {
        assert!(t.items().count() >= 20, "{} has too few items", t.id);
        assert!(t.sections.len() >= 3, "{} needs sections", t.id);
        assert_eq!(t.version, 1);
    }
}

#[test]
fn shipped_templates_cover_standards_md_items() {
    let expect = [
        (Area::Gas, 'G', 28),
        (Area::FactoryWarehouse, 'F', 30),
        (Area::Ebike, 'E', 22),
    ];
    for (area, prefix, count) in expect {
        let t = templates::builtin_for(area);
        let mut ids: Vec<String> = t.items().map(|i| i.id.to_string()).collect();
        ids.sort();
        let wanted: Vec<String> = (1..=count).map(|n| format!("{prefix}{n:02}")).collect();
        assert_eq!(ids, wanted, "{}", t.id);
    }
}

#[test]
fn severities_follow_standards_md() {
    let gas = templates::builtin_for(Area::Gas);
    let factory = templates::builtin_for(Area::FactoryWarehouse);
    let ebike = templates::builtin_for(Area::Ebike);
    let sev = |t: &anxun_domain::template::Template, id: &str| {
        t.items().find(|i| i.id.as_str() == id).unwrap().severity
    };
    for id in ["G01", "G02", "G11", "G13", "G14", "G25"] {
        assert_eq!(sev(&gas, id), DefaultSeverity::Major, "{id}");
    }
    for id in ["G04", "G12"] {
        assert_eq!(sev(&gas, id), DefaultSeverity::LocalMajor, "{id}");
    }
    for id in [
        "F02", "F03", "F04", "F17", "F22", "F23", "F24", "F25", "F26", "F28",
    ] {
        assert_eq!(sev(&factory, id), DefaultSeverity::Major, "{id}");
    }
    for id in ["F01", "F06", "F07", "F08", "F09", "F10", "F11", "F14"] {
        assert_eq!(sev(&factory, id), DefaultSeverity::Combined, "{id}");
    }
    assert_eq!(sev(&ebike, "E22"), DefaultSeverity::Advisory);
    assert!(ebike.items().all(|i| i.severity != DefaultSeverity::Major));
    // Number answers where standards.md has a count or a measure.
    for id in ["G03", "G05", "G06", "G17"] {
        let item = gas.items().find(|i| i.id.as_str() == id).unwrap();
        assert!(matches!(item.answer, AnswerSpec::Number { .. }), "{id}");
    }
}

const GOOD: &str = r#"
[template]
id = "gas"
area = "gas"
version = 2
title_zh = "测试"
title_en = "Test"

[[section]]
id = "s"
title_zh = "节"
title_en = "Section"

[[section.item]]
id = "G01"
zh = "是否合格?"
en = "Is it compliant?"
severity = "general"
guidance = "看"
photo_hint = "拍"
rectification = "改"
deadline_days = 7
source_status = "verified"
basis = [{ document = "文件", clause = "第1条", status = "verified" }]
"#;

fn broken(from: &str, to: &str) -> TemplateError {
    assert!(GOOD.contains(from), "fixture lacks {from}");
    templates::parse_template("district.toml", &GOOD.replacen(from, to, 1)).unwrap_err()
}

fn problems(e: &TemplateError) -> Vec<(Location, Problem)> {
    e.problems
        .iter()
        .map(|p| (p.at.clone(), p.problem.clone()))
        .collect()
}

fn item(id: &str) -> Location {
    Location::Item(id.to_owned())
}

#[test]
fn fixture_is_valid() {
    let t = templates::parse_template("district.toml", GOOD).unwrap();
    assert_eq!(t.version, 2);
}

#[test]
fn rejects_unknown_severity_naming_file_and_item() {
    let e = broken(r#"severity = "general""#, r#"severity = "huge""#);
    assert_eq!(
        problems(&e),
        vec![(item("G01"), Problem::UnknownSeverity("huge".into()))]
    );
    assert_eq!(
        e.to_string(),
        "district.toml: item G01: unknown severity `huge` (expected major, general, combined, local_major or advisory)"
    );
}

#[test]
fn rejects_missing_basis() {
    let e = broken(
        r#"basis = [{ document = "文件", clause = "第1条", status = "verified" }]"#,
        "",
    );
    assert_eq!(problems(&e), vec![(item("G01"), Problem::MissingBasis)]);
    assert!(
        e.to_string()
            .contains("district.toml: item G01: missing basis")
    );
}

#[test]
fn rejects_duplicate_ids() {
    let extra = GOOD.split("[[section.item]]").nth(1).unwrap();
    let text = format!("{GOOD}\n[[section.item]]{extra}");
    let e = templates::parse_template("district.toml", &text).unwrap_err();
    assert_eq!(problems(&e), vec![(item("G01"), Problem::DuplicateItem)]);
    assert_eq!(e.to_string(), "district.toml: item G01: duplicate id");
}

#[test]
fn rejects_unknown_status_and_missing_field() {
    let e = broken(r#"status = "verified""#, r#"status = "sure""#);
    assert_eq!(
        problems(&e),
        vec![(item("G01"), Problem::UnknownStatus("sure".into()))]
    );
    let e = broken("guidance = \"看\"\n", "");
    assert_eq!(
        problems(&e),
        vec![(item("G01"), Problem::Missing("guidance"))]
    );
}

#[test]
fn rejects_unknown_field_with_item_id() {
    let e = broken("guidance =", "guidanse =");
    let found = problems(&e);
    let [(at, Problem::Syntax(message))] = found.as_slice() else {
        panic!("{e}");
    };
    assert_eq!(*at, item("G01"));
    assert!(message.contains("guidanse"), "{message}");
}

#[test]
fn rejects_wrong_prefix_bad_id_and_non_question() {
    let e = broken(r#"id = "G01""#, r#"id = "F01""#);
    assert_eq!(
        problems(&e),
        vec![(
            item("F01"),
            Problem::WrongPrefix {
                expected: 'G',
                area: Area::Gas
            }
        )]
    );
    let e = broken(r#"id = "G01""#, r#"id = "G1""#);
    assert_eq!(problems(&e), vec![(item("G1"), Problem::BadItemId)]);
    let e = broken("是否合格?", "合格。");
    assert_eq!(problems(&e), vec![(item("G01"), Problem::NotAQuestion)]);
}

#[test]
fn rejects_combined_rules() {
    let e = broken(r#"severity = "general""#, r#"severity = "combined""#);
    assert_eq!(
        problems(&e),
        vec![(item("G01"), Problem::CombinedWithoutClause)]
    );
    let e = broken(
        r#"severity = "general""#,
        "severity = \"general\"\ncombined = [\"7.1.1\"]",
    );
    assert_eq!(
        problems(&e),
        vec![(item("G01"), Problem::ClauseWithoutCombined)]
    );
    let e = broken(
        r#"severity = "general""#,
        "severity = \"combined\"\ncombined = [\"6.2\"]",
    );
    assert!(problems(&e).contains(&(item("G01"), Problem::BadClause("6.2".into()))));
}

#[test]
fn rejects_bad_answers_and_deadlines() {
    let e = broken("deadline_days = 7", "deadline_days = 120");
    assert_eq!(
        problems(&e),
        vec![(item("G01"), Problem::DeadlineTooLong(120))]
    );
    let e = broken(
        "deadline_days = 7",
        "deadline_days = 7\nanswer = { kind = \"number\", unit = \"m\", min = 5, max = 1, label_zh = \"长\", label_en = \"Length\" }",
    );
    assert_eq!(problems(&e), vec![(item("G01"), Problem::BadRange)]);
    let e = broken(
        "deadline_days = 7",
        "deadline_days = 7\nanswer = { kind = \"slider\" }",
    );
    assert_eq!(
        problems(&e),
        vec![(item("G01"), Problem::UnknownAnswerKind("slider".into()))]
    );
    let e = broken(
        "deadline_days = 7",
        "deadline_days = 7\nanswer = { kind = \"choice\", label_zh = \"类\", label_en = \"Kind\", options = [{ code = \"a\", zh = \"甲\", en = \"A\" }] }",
    );
    assert_eq!(problems(&e), vec![(item("G01"), Problem::BadChoices)]);
    let ok = GOOD.replacen(
        "deadline_days = 7",
        "deadline_days = 7\nanswer = { kind = \"choice\", label_zh = \"类\", label_en = \"Kind\", options = [{ code = \"steel\", zh = \"波纹管\", en = \"Corrugated\" }, { code = \"rubber\", zh = \"胶管\", en = \"Rubber\", fails = true }] }",
        1,
    );
    assert!(templates::parse_template("district.toml", &ok).is_ok());
}

#[test]
fn rejects_template_level_problems_and_reports_them_all() {
    let text = GOOD
        .replacen(r#"area = "gas""#, r#"area = "water""#, 1)
        .replacen("version = 2", "version = 0", 1);
    let e = templates::parse_template("district.toml", &text).unwrap_err();
    assert_eq!(
        problems(&e),
        vec![
            (Location::Template, Problem::BadVersion),
            (Location::Template, Problem::UnknownArea("water".into())),
        ]
    );
    assert_eq!(e.to_string().lines().count(), 2);
}

#[test]
fn reports_syntax_errors_with_a_line() {
    let e = templates::parse_template("district.toml", "[template\nid = 1").unwrap_err();
    assert_eq!(e.problems.len(), 1);
    assert_eq!(e.problems[0].at, Location::File);
    assert!(e.to_string().starts_with("district.toml: file: "), "{e}");
    assert!(e.to_string().contains("line 1"), "{e}");
}

#[test]
fn problems_in_several_items_are_all_reported() {
    let extra = GOOD
        .split("[[section.item]]")
        .nth(1)
        .unwrap()
        .replacen(r#"id = "G01""#, r#"id = "G02""#, 1)
        .replacen(r#"severity = "general""#, r#"severity = "huge""#, 1);
    let text = format!(
        "{}\n[[section.item]]{extra}",
        GOOD.replacen("deadline_days = 7", "", 1)
    );
    let e = templates::parse_template("district.toml", &text).unwrap_err();
    assert_eq!(
        problems(&e),
        vec![
            (item("G01"), Problem::Missing("deadline_days")),
            (item("G02"), Problem::UnknownSeverity("huge".into())),
        ]
    );
}

mod publishing {
    use anxun_domain::{
        site::Area,
        templates::{Publish, PublishError, builtin, builtin_for, check_publish, current},
    };

    fn next_version(area: Area) -> anxun_domain::template::Template {
        let mut template = builtin_for(area);
        template.version += 1;
        template.title.zh.push_str("(修订)");
        template
    }

    #[test]
    fn a_newer_version_is_published_once() {
        let known = builtin();
        let next = next_version(Area::Gas);
        assert_eq!(check_publish(&known, &next), Ok(Publish::New));
        let mut known = known;
        known.push(next.clone());
        assert_eq!(check_publish(&known, &next), Ok(Publish::AlreadyPublished));
        let current = current(&known);
        assert_eq!(current.len(), 3);
        assert_eq!(current[0], next, "the newest gas template is current");
        assert_eq!(current[1], builtin_for(Area::FactoryWarehouse));
    }

    #[test]
    fn a_published_version_never_changes_and_versions_only_grow() {
        let mut known = builtin();
        let next = next_version(Area::Ebike);
        known.push(next.clone());

        let mut changed = next.clone();
        changed.title.en.push_str(" (edited)");
        assert_eq!(
            check_publish(&known, &changed).map_err(|e| e.code()),
            Err("version_taken")
        );

        let old = builtin_for(Area::Ebike);
        let mut older = old.clone();
        older.title.zh.push('!');
        assert!(matches!(
            check_publish(&known, &older),
            Err(PublishError::VersionTaken { .. })
        ));
        let mut between = next.clone();
        between.version = old.version;
        between.title.zh.push('?');
        assert!(check_publish(&known, &between).is_err());
        let mut skip = next.clone();
        skip.version += 5;
        assert_eq!(check_publish(&known, &skip), Ok(Publish::New));
        let mut stale = next;
        stale.version = 0;
        assert!(matches!(
            check_publish(&known, &stale),
            Err(PublishError::NotNewer { latest, .. }) if latest == old.version + 1
        ));
    }

    #[test]
    fn a_template_keeps_its_area_and_an_area_its_template() {
        let known = builtin();
        let mut moved = next_version(Area::Gas);
        moved.area = Area::Ebike;
        let err = check_publish(&known, &moved).unwrap_err();
        assert_eq!(err.code(), "area_taken", "{err}");

        let mut renamed = next_version(Area::Gas);
        renamed.id = anxun_domain::template::TemplateId::parse("gas_2027").unwrap();
        assert_eq!(
            check_publish(&known, &renamed).unwrap_err().code(),
            "area_taken"
        );

        let only_gas: Vec<_> = known.into_iter().take(1).collect();
        let mut gas_as_ebike = next_version(Area::Gas);
        gas_as_ebike.area = Area::Ebike;
        assert_eq!(
            check_publish(&only_gas, &gas_as_ebike).unwrap_err().code(),
            "area_changed"
        );
    }
}
