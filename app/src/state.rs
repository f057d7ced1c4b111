//! App-wide state: the device database, opened once at start, and a counter that screens key
//! their reads on so that they refresh after a local change.

use crate::{
    db::{Db, DbError},
    profile::Profile,
};
use leptos::prelude::*;

/// Where opening the device database stands.
#[derive(Debug, Clone)]
pub enum DbStatus {
    Opening,
    Ready(Db),
    Failed(DbError),
}

/// The database and the change counter, provided to every screen.
#[derive(Debug, Clone, Copy)]
pub struct DbState {
    status: RwSignal<DbStatus, LocalStorage>,
    changes: RwSignal<u64>,
    profile: RwSignal<Option<Profile>>,
}

impl DbState {
    /// The database once it is open.
    pub fn db(&self) -> Option<Db> {
        match self.status.get() {
            DbStatus::Ready(db) => Some(db),
            _ => None,
        }
    }

    /// The database once it is open, without subscribing (for tasks).
    pub fn db_untracked(&self) -> Option<Db> {
        match self.status.get_untracked() {
            DbStatus::Ready(db) => Some(db),
            _ => None,
        }
    }

    /// Records the profile after a sign-in.
    pub fn signed_in(&self, profile: Profile) {
        self.profile.set(Some(profile));
        self.changed();
    }

    /// Where opening stands.
    pub fn status(&self) -> DbStatus {
        self.status.get()
    }

    /// Read this in a resource to refetch after local changes.
    pub fn changes(&self) -> u64 {
        self.changes.get()
    }

    /// The inspector using this device, once loaded (`None` until one is set).
    pub fn profile(&self) -> Option<Profile> {
        self.profile.get()
    }

    /// Records a newly saved profile.
    pub fn set_profile(&self, profile: Profile) {
        self.profile.set(Some(profile));
    }

    /// Tells the screens that local data changed.
    pub fn changed(&self) {
        self.changes.update(|n| *n += 1);
    }
}

/// Opens the database in the background and provides [`DbState`].
pub fn provide_db() {
    let status = RwSignal::new_local(DbStatus::Opening);
    let profile = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        match Db::open().await {
            Ok(db) => {
                // A profile that cannot be read is treated as none: the inspector re-enters it.
                profile.set(db.profile().await.ok().flatten());
                crate::templates::load_received(&db).await;
                status.set(DbStatus::Ready(db));
            }
            Err(error) => status.set(DbStatus::Failed(error)),
        }
    });
    provide_context(DbState {
        status,
        changes: RwSignal::new(0),
        profile,
    });
}

/// The database state provided by [`provide_db`].
pub fn use_db() -> DbState {
    expect_context::<DbState>()
}
