//! Generates the typed translation module from `locales/*.json` (leptos_i18n), and embeds the
//! shipped checklist templates parsed and validated, as JSON (the app then needs no TOML parser).

use leptos_i18n_build::{Config, TranslationsInfos};
use std::{error::Error, path::PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let config = Config::new("zh-CN")?.add_locale("en")?;
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out_dir.join("i18n"))?;

    println!("cargo::rerun-if-changed=../domain/templates");
    let templates = anxun_domain::templates::builtin();
    std::fs::write(
        out_dir.join("templates.json"),
        serde_json::to_string(&templates)?,
    )?;
    Ok(())
}
