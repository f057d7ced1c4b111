//! Device benchmarks in headless Chromium, run by `cargo xtask bench` (feature `bench`), never
//! by the test suite: they print `BENCH <name> <value> <unit>` lines and assert nothing about
//! time. Budgets (issue 4): a 12 MP photo to stored image + thumbnail + hash, median ≤ 1.5 s,
//! peak heap growth ≤ 150 MB, no lasting growth over 30 photos; a finding with 3 photos ≤ 150
//! ms to durable commit; search over 5,000 sites and the hazard list over 5,000 findings
//! ≤ 100 ms to results.

#![cfg(feature = "bench")]
#![allow(clippy::unwrap_used)]

#[path = "../../domain/tests/support/fixtures.rs"]
mod fixtures;

use anxun_app::{
    db::{Change, Db, NewPhoto},
    photo::{self, PhotoOptions, Watermark},
};
use anxun_domain::{
    hazard::{Severity, worklist::rebuild},
    ids::{HazardId, SiteId},
    site::{Area, Site, SiteFilter},
};
use chrono::{Duration, Utc};
use fixtures::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The 12 MP sample photo (`cargo xtask fixtures` writes it; `cargo xtask bench` runs that).
const PHOTO_12MP: &[u8] = include_bytes!("../../tests/fixtures/photos/photo-12mp.jpg");

fn now_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

fn report(name: &str, value: f64, unit: &str) {
    web_sys::console::log_1(&JsValue::from_str(&format!(
        "BENCH {name} {value:.1} {unit}"
    )));
}

/// Used JS heap and WebAssembly memory, in MB (Chromium; precise with
/// `--enable-precise-memory-info`, see webdriver.json).
fn heap_mb() -> f64 {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let memory = js_sys::Reflect::get(&performance, &"memory".into()).unwrap_or_default();
    let used = js_sys::Reflect::get(&memory, &"usedJSHeapSize".into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    used / 1_048_576.0
}

fn wasm_mb() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().into();
    buffer.byte_length() as f64 / 1_048_576.0
}

/// Runs the JS garbage collector where the browser exposes it (`--js-flags=--expose-gc`).
fn collect_garbage() {
    let global = js_sys::global();
    if let Ok(gc) = js_sys::Reflect::get(&global, &"gc".into())
        && let Ok(gc) = wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(gc)
    {
        let _ = gc.call0(&JsValue::NULL);
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn process_one(seq: u32) -> NewPhoto {
    let watermark = Watermark::new(
        Utc::now(),
        Some((31.2, 121.4, 8.0)),
        &format!("基准测试场所 {seq}"),
        "李网格",
    );
    photo::process(PHOTO_12MP, &PhotoOptions::default(), &watermark)
        .await
        .unwrap()
        .into()
}

#[wasm_bindgen_test]
async fn bench_photo_pipeline_12mp() {
    // Warm up once (compiles the code paths, creates the canvases' backing).
    let _ = process_one(0).await;
    collect_garbage();
    let heap_before = heap_mb();
    let wasm_before = wasm_mb();
    let mut peak_heap = heap_before;
    let mut times = Vec::new();
    for seq in 1..=30 {
        let start = now_ms();
        let photo = process_one(seq).await;
        times.push(now_ms() - start);
        drop(photo);
        peak_heap = peak_heap.max(heap_mb());
        if seq % 10 == 0 {
            collect_garbage();
            report(
                &format!("photo_heap_growth_after_{seq}"),
                heap_mb() - heap_before,
                "MB",
            );
        }
    }
    let gc = js_sys::Reflect::has(&js_sys::global(), &"gc".into()).unwrap_or(false);
    report("photo_gc_exposed", if gc { 1.0 } else { 0.0 }, "bool");
    report("photo_12mp_median", median(times.clone()), "ms");
    report(
        "photo_12mp_max",
        times.iter().copied().fold(0.0, f64::max),
        "ms",
    );
    report("photo_heap_peak_growth", peak_heap - heap_before, "MB");
    report(
        "photo_wasm_memory_growth_after_30",
        wasm_mb() - wasm_before,
        "MB",
    );
    report("photo_wasm_memory", wasm_mb(), "MB");
}

#[wasm_bindgen_test]
async fn bench_saving_a_finding_with_three_photos() {
    let name = format!("anxun-bench-{}", uuid::Uuid::new_v4());
    let db = Db::open_named(&name).await.unwrap();
    let photos = vec![
        process_one(1).await,
        process_one(2).await,
        process_one(3).await,
    ];
    let mut times = Vec::new();
    for _ in 0..15 {
        let mut events = Events::new();
        let mut report_event = events.report(&inspector(1), new_hazard(Severity::General));
        report_event.hazard = HazardId::generate();
        report_event.id = anxun_domain::ids::EventId::generate();
        let start = now_ms();
        db.apply(Change::HazardEvent(report_event, photos.clone()))
            .await
            .unwrap();
        times.push(now_ms() - start);
    }
    report("save_finding_3_photos_median", median(times), "ms");
    db.close();
    Db::delete(&name).await.unwrap();
}

fn bench_site(n: u32) -> Site {
    let mut fields = site().into_fields();
    fields.id = SiteId::generate();
    let names = [
        "面馆",
        "仓储有限公司",
        "电动车库",
        "餐厅",
        "五金厂",
        "快递站",
    ];
    fields.name = text(&format!("演示{}号{}", n, names[n as usize % names.len()]));
    fields.address = text(&format!("演示区滨江路{}号", n % 997));
    fields.areas = vec![Area::ALL[n as usize % 3]];
    fields.credit_code = None;
    Site::new(fields).unwrap()
}

#[wasm_bindgen_test]
async fn bench_site_search_over_5000_sites() {
    let name = format!("anxun-bench-{}", uuid::Uuid::new_v4());
    let db = Db::open_named(&name).await.unwrap();
    for n in 0..5000 {
        db.apply(Change::Site(bench_site(n))).await.unwrap();
    }
    let start = now_ms();
    let all = db.sites().await.unwrap();
    report("sites_5000_load", now_ms() - start, "ms");
    assert_eq!(all.len(), 5000);
    let mut times = Vec::new();
    for query in ["面馆", "滨江路 12", "演示4", "不存在", "仓储 有限"] {
        for area in [None, Some(Area::Gas)] {
            let filter = SiteFilter {
                text: query.to_owned(),
                area,
                grid: None,
            };
            let start = now_ms();
            let found = filter.apply(&all);
            times.push(now_ms() - start);
            std::hint::black_box(found);
        }
    }
    report("sites_5000_search_median", median(times.clone()), "ms");
    report(
        "sites_5000_search_max",
        times.iter().copied().fold(0.0, f64::max),
        "ms",
    );
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn bench_hazard_list_over_5000_findings() {
    use anxun_domain::hazard::{HazardAction, HazardEvent};
    let name = format!("anxun-bench-{}", uuid::Uuid::new_v4());
    let db = Db::open_named(&name).await.unwrap();
    let now = Utc::now();
    // 5,000 general hazards, reported and assigned with deadlines from 60 days ago to 60 days
    // ahead: about half need action.
    for n in 0..5000i64 {
        let hazard = HazardId::generate();
        let mut events = Events::new();
        let mut report_event = events.report(&inspector(1), new_hazard(Severity::General));
        report_event.hazard = hazard;
        report_event.id = anxun_domain::ids::EventId::generate();
        report_event.at = now - Duration::days(90);
        let assign = HazardEvent {
            id: anxun_domain::ids::EventId::generate(),
            hazard,
            at: report_event.at + Duration::hours(1),
            actor: inspector(1),
            reason: None,
            action: HazardAction::Assign {
                responsible: responsible(),
                requirement: None,
                deadline: now + Duration::days(n % 120 - 60),
                notice: None,
                department: None,
            },
        };
        db.apply(Change::HazardEvent(report_event, Vec::new()))
            .await
            .unwrap();
        db.apply(Change::HazardEvent(assign, Vec::new()))
            .await
            .unwrap();
    }
    // The screen's default: what needs action, first page (50) and the count.
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = now_ms();
        let (page, total) = db
            .hazards_due(Utc::now() + Duration::days(3), 50)
            .await
            .unwrap();
        times.push(now_ms() - start);
        assert_eq!(page.len(), 50);
        assert!(total > 2000, "{total}");
    }
    report("hazards_5000_needs_action_page_median", median(times), "ms");
    // Every hazard's list item (the \"all\" filter).
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = now_ms();
        let all = db.hazard_list().await.unwrap();
        let mut listed: Vec<_> = all
            .iter()
            .map(|h| (h.attention(now, Duration::days(3)), h.deadline))
            .collect();
        listed.sort();
        times.push(now_ms() - start);
        assert_eq!(all.len(), 5000);
    }
    report("hazards_5000_all_median", median(times), "ms");
    // The full replay, as the first start after the upgrade to schema 3 does once.
    let start = now_ms();
    let (rebuilt, failed) = rebuild(&db.hazard_events().await.unwrap());
    report("hazards_5000_replay_all", now_ms() - start, "ms");
    assert_eq!(rebuilt.len(), 5000);
    assert!(failed.is_empty());
    db.close();
    Db::delete(&name).await.unwrap();
}
