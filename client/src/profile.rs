//! Who is using this device. Until sign-in arrives (the sync issue), the inspector enters a local
//! profile; it has the shape of a real account (a user id, a role and a scope), so signing in
//! later replaces it without changing anything that uses it. The server re-checks every
//! change against the signed-in account when it syncs.

use anxun_domain::{
    ids::UserId,
    inspection::InspectorRef,
    region::Scope,
    role::{Actor, Role},
    text::{Text, TextError},
};
use serde::{Deserialize, Serialize};

/// The inspector on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The user (made on the device for a local profile; the server's after sign-in).
    pub user: UserId,
    /// 姓名.
    pub name: Text,
    /// 单位.
    pub organisation: Option<Text>,
    /// 执法证号/工号.
    pub badge: Option<Text>,
    /// Role held.
    pub role: Role,
    /// Region the user works in. A local profile claims the whole city; the server narrows it
    /// to the account's scope when the device first syncs.
    pub scope: Scope,
    /// Whether this profile came from a sign-in (false: entered on the device).
    #[serde(default)]
    pub signed_in: bool,
}

/// The profile form's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileInput {
    pub name: String,
    pub organisation: String,
    pub badge: String,
}

impl ProfileInput {
    /// Parses the form into a profile, keeping the user id of an existing one.
    pub fn parse(&self, existing: Option<&Profile>) -> Result<Profile, TextError> {
        let optional = |s: &str| {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                Text::parse(s).map(Some)
            }
        };
        Ok(Profile {
            user: existing.map_or_else(UserId::generate, |p| p.user),
            name: Text::parse(&self.name)?,
            organisation: optional(&self.organisation)?,
            badge: optional(&self.badge)?,
            role: existing.map_or(Role::Inspector, |p| p.role),
            scope: existing.map_or(Scope::City, |p| p.scope.clone()),
            signed_in: existing.is_some_and(|p| p.signed_in),
        })
    }

    /// The form filled from a profile.
    pub fn from_profile(profile: &Profile) -> ProfileInput {
        ProfileInput {
            name: profile.name.as_str().to_owned(),
            organisation: profile
                .organisation
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            badge: profile
                .badge
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
        }
    }
}

impl Profile {
    /// The profile of a signed-in account: its id, name, role and scope; the organisation
    /// and badge entered on this device are kept.
    pub fn signed_in(
        user: &anxun_domain::api::SignedInUser,
        previous: Option<&Profile>,
    ) -> Profile {
        let name = Text::parse(&user.display_name)
            .or_else(|_| Text::parse(&user.username))
            .ok()
            .or_else(|| previous.map(|p| p.name.clone()))
            .unwrap_or_else(|| Text::parse("?").expect("a one-letter name is valid"));
        Profile {
            user: user.id,
            name,
            organisation: previous.and_then(|p| p.organisation.clone()),
            badge: previous.and_then(|p| p.badge.clone()),
            role: user.role,
            scope: user.scope.clone(),
            signed_in: true,
        }
    }

    /// As listed on an inspection record.
    pub fn inspector(&self) -> InspectorRef {
        InspectorRef {
            user: self.user,
            name: self.name.clone(),
            organisation: self.organisation.clone(),
            badge: self.badge.clone(),
        }
    }

    /// As recorded on hazard events.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user,
            role: self.role,
            scope: self.scope.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_name_is_required_and_the_user_id_is_kept() {
        let empty = ProfileInput::default();
        assert!(empty.parse(None).is_err());
        let input = ProfileInput {
            name: "李网格".into(),
            organisation: " ".into(),
            badge: "SH-0012".into(),
        };
        let first = input.parse(None).unwrap();
        assert_eq!(first.organisation, None);
        assert_eq!(first.role, Role::Inspector);
        let again = input.parse(Some(&first)).unwrap();
        assert_eq!(again.user, first.user);
        assert_eq!(
            ProfileInput::from_profile(&again),
            ProfileInput {
                organisation: String::new(),
                ..input
            }
        );
    }
}
