//! The inspection being edited: one signal holding it, and every edit going through
//! [`Editor::edit`], which checks it with the domain, keeps the findings in step with the
//! answers and stores the result (with any new photos) in one change.

use crate::{
    db::{Change, NewPhoto},
    i18n::Locale,
    intake::{self, Stamp},
    messages,
    state::DbState,
};
use anxun_domain::{
    ids::HazardId,
    inspection::{Inspection, InspectionStatus},
    shanghai,
    site::Site,
    template::Template,
};
use chrono::Utc;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// Where saving stands, shown to the inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    Saving,
    Failed(String),
}

/// Where photo processing stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoState {
    Idle,
    Processing { done: usize, total: usize },
    Failed(String),
}

/// The inspection screen's state, shared by its parts.
#[derive(Debug, Clone, Copy)]
pub struct Editor {
    pub current: RwSignal<Inspection>,
    pub template: StoredValue<Template>,
    pub site: StoredValue<Option<Site>>,
    pub save_state: RwSignal<SaveState>,
    pub photo_state: RwSignal<PhotoState>,
    pub db: DbState,
    pub i18n: I18nContext<Locale>,
}

impl Editor {
    pub fn new(
        inspection: Inspection,
        template: Template,
        site: Option<Site>,
        db: DbState,
        i18n: I18nContext<Locale>,
    ) -> Self {
        Editor {
            current: RwSignal::new(inspection),
            template: StoredValue::new(template),
            site: StoredValue::new(site),
            save_state: RwSignal::new(SaveState::Saved),
            photo_state: RwSignal::new(PhotoState::Idle),
            db,
            i18n,
        }
    }

    /// Whether the inspection can no longer change.
    pub fn locked(&self) -> Signal<bool> {
        let current = self.current;
        Signal::derive(move || current.read().status == InspectionStatus::Completed)
    }

    /// The site's name, for watermarks and headings.
    pub fn site_name(&self) -> String {
        self.site.with_value(|site| {
            site.as_ref()
                .map(|s| s.name().as_str().to_owned())
                .unwrap_or_default()
        })
    }

    /// Applies `edit` to the current inspection; on success keeps the findings in step with
    /// the failed items and stores the result together with `photos`. An edit the domain
    /// refuses changes nothing and is shown.
    pub fn edit<E: std::fmt::Display>(
        &self,
        photos: Vec<NewPhoto>,
        edit: impl FnOnce(&mut Inspection, &Template) -> Result<(), E>,
    ) {
        let mut next = self.current.get_untracked();
        if let Err(error) = self
            .template
            .with_value(|template| edit(&mut next, template))
        {
            self.save_state.set(SaveState::Failed(error.to_string()));
            return;
        }
        self.template.with_value(|template| {
            self.site.with_value(|site| {
                if let Some(site) = site {
                    let today = shanghai::date(Utc::now());
                    next.sync_findings(template, site, today, HazardId::generate);
                }
            })
        });
        self.store(next, photos);
    }

    /// Shows `next` at once and stores it with `photos`.
    pub fn store(&self, next: Inspection, photos: Vec<NewPhoto>) {
        self.current.set(next.clone());
        let Some(db) = self.db.db() else { return };
        let save_state = self.save_state;
        let state = self.db;
        let i18n = self.i18n;
        save_state.set(SaveState::Saving);
        let change = if photos.is_empty() {
            Change::Inspection(next)
        } else {
            Change::InspectionWithPhotos(next, photos)
        };
        leptos::task::spawn_local(async move {
            match db.apply(change).await {
                Ok(_) => {
                    save_state.set(SaveState::Saved);
                    state.changed();
                }
                Err(error) => save_state.set(SaveState::Failed(messages::db_error(i18n, &error))),
            }
        });
    }

    /// What the watermark of a photo taken now says.
    fn stamp(&self) -> Stamp {
        Stamp {
            site: self.site_name(),
            inspector: self
                .db
                .profile()
                .map(|p| p.name.as_str().to_owned())
                .unwrap_or_default(),
            gps: self.current.with_untracked(|i| i.location),
        }
    }

    /// Processes picked files and, when all are done, stores them with the edit that
    /// references them (`attach` gets their hashes).
    pub fn add_photos(
        &self,
        files: Vec<web_sys::File>,
        attach: impl FnOnce(&mut Inspection, Vec<anxun_domain::photo::Sha256Hex>) -> Result<(), String>
        + 'static,
    ) {
        if files.is_empty() {
            return;
        }
        let editor = *self;
        leptos::task::spawn_local(async move {
            editor.photo_state.set(PhotoState::Processing {
                done: 0,
                total: files.len(),
            });
            let photo_state = editor.photo_state;
            let progress = |done, total| photo_state.set(PhotoState::Processing { done, total });
            match intake::take_in(editor.i18n, &files, &editor.stamp(), progress).await {
                Ok(photos) => {
                    let hashes = photos.iter().map(|p| p.hash.clone()).collect();
                    editor.edit(photos, move |inspection, _| attach(inspection, hashes));
                    editor.photo_state.set(PhotoState::Idle);
                }
                Err(error) => editor.photo_state.set(PhotoState::Failed(error)),
            }
        });
    }
}
