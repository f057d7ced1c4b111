//! `cargo xtask xlsx-dump <file>`: prints every sheet of an XLSX file as JSON, for tests that
//! read back an export (the console's Playwright test reads the ledger export with it).
//!
//! Output: `{"sheets": [{"name": "...", "rows": [[cell, ...], ...]}]}`; a cell is `null`
//! (empty), a string, a number, a boolean, `{"datetime": "YYYY-MM-DDTHH:MM:SS"}` for a real
//! date (a number with a date format), or `{"error": "..."}`.

use anyhow::{Context, Result, bail};
use calamine::{Data, Reader, open_workbook_auto};
use serde_json::{Value, json};

pub fn run(args: &[String]) -> Result<()> {
    let [file] = args else {
        bail!("usage: cargo xtask xlsx-dump <file.xlsx>");
    };
    println!("{}", dump(file)?);
    Ok(())
}

/// The workbook at `path` as JSON.
pub fn dump(path: &str) -> Result<Value> {
    let mut workbook = open_workbook_auto(path).with_context(|| format!("opening {path}"))?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .with_context(|| format!("reading sheet {name}"))?;
        let rows: Vec<Value> = range
            .rows()
            .map(|row| Value::Array(row.iter().map(cell).collect()))
            .collect();
        sheets.push(json!({"name": name, "rows": rows}));
    }
    Ok(json!({ "sheets": sheets }))
}

fn cell(data: &Data) -> Value {
    match data {
        Data::Empty => Value::Null,
        Data::String(s) => json!(s),
        Data::Float(f) => json!(f),
        Data::Int(i) => json!(i),
        Data::Bool(b) => json!(b),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) => json!({"datetime": t.format("%Y-%m-%dT%H:%M:%S").to_string()}),
            None => json!({"error": format!("unreadable date {d}")}),
        },
        Data::DateTimeIso(s) => json!({"datetime": s}),
        Data::DurationIso(s) => json!(s),
        Data::Error(e) => json!({"error": e.to_string()}),
    }
}
