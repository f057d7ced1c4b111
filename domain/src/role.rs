//! Roles and the actor recorded on every event.

use crate::{ids::UserId, region::Scope};

/// What a user may do.
///
/// - 网格员 **Inspector**: finds, photographs and reports hazards, notifies general hazards,
///   re-inspects on site, closes general hazards.
/// - **Supervisor** (街镇城运/网格化中心、安全办 or a district department, limited by
///   [`Scope`]): assigns major hazards, approves extensions, lists hazards for supervision,
///   changes severity after determination, closes major hazards, dismisses reports.
/// - **Admin**: everything a supervisor may do, city-wide.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 网格员/网格长.
    Inspector,
    /// 街镇或区级管理人员.
    Supervisor,
    /// 系统管理员.
    Admin,
}

impl Role {
    /// Supervisors and administrators.
    pub fn is_supervisory(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Inspector => "inspector",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
}

/// Who did something: the user, the role and the scope they held at the time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Actor {
    /// The user.
    pub user: UserId,
    /// Their role when acting.
    pub role: Role,
    /// Their region scope when acting.
    pub scope: Scope,
}
