//! The signed-in supervisor: the session token and user, kept in `localStorage` so that a
//! reload or a second tab stays signed in, and shared with every screen as a context.

use crate::storage;
use anxun_domain::api::{LoginResponse, SignedInUser};
use leptos::prelude::*;

const STORAGE_KEY: &str = "anxun.console.session";

/// A session: the bearer token and who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub token: String,
    pub user: SignedInUser,
}

/// The session, or none (then every screen shows the sign-in form).
#[derive(Debug, Clone, Copy)]
pub struct SessionState(RwSignal<Option<Session>>);

impl SessionState {
    pub fn get(self) -> Option<Session> {
        self.0.get()
    }

    pub fn token(self) -> Option<String> {
        self.0
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
    }

    pub fn user(self) -> Option<SignedInUser> {
        self.0.with(|s| s.as_ref().map(|s| s.user.clone()))
    }

    /// Keeps a new session (the console only signs in supervisors and administrators).
    pub fn start(self, login: LoginResponse) {
        let session = Session {
            token: login.token,
            user: login.user,
        };
        if let Ok(json) = serde_json::to_string(&session) {
            storage::set(STORAGE_KEY, &json);
        }
        self.0.set(Some(session));
    }

    /// Forgets the session (signed out, or the server ended it).
    pub fn end(self) {
        storage::remove(STORAGE_KEY);
        self.0.set(None);
    }
}

/// Reads the stored session and provides it to every screen.
pub fn provide_session() -> SessionState {
    let stored = storage::get(STORAGE_KEY).and_then(|json| serde_json::from_str(&json).ok());
    let state = SessionState(RwSignal::new(stored));
    provide_context(state);
    state
}

pub fn use_session() -> SessionState {
    expect_context::<SessionState>()
}
