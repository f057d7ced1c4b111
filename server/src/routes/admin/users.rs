//! Accounts: `GET /api/admin/users` (list), `POST /api/admin/users` (create).

pub mod create;
pub mod list;

use crate::store::accounts::StoredUser;
use anxun_domain::api::UserSummary;
use chrono::{DateTime, Utc};

/// An account as administrators see it.
fn summary(user: StoredUser, created_at: DateTime<Utc>) -> UserSummary {
    UserSummary {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        scope: user.scope,
        disabled: user.disabled,
        created_at,
    }
}
