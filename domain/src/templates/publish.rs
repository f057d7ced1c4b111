//! Publishing a new template version: which versions a server may add to the ones it has
//! (the shipped ones and those published before), and which one of each template is current.
//!
//! A template keeps its id and area for good, an area has one template, and versions only
//! grow: an inspection records the id and version it was made with, so a published version
//! is never replaced (publishing the identical template again changes nothing).

use crate::{
    site::Area,
    template::{Template, TemplateId},
};

/// What publishing a valid template would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publish {
    /// Adds a new version.
    New,
    /// The identical template is already there: nothing to do.
    AlreadyPublished,
}

/// Why a template cannot be published next to the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// This id and version exist with other content.
    #[error("template {id} version {version} is already published with other content")]
    VersionTaken {
        /// The template.
        id: TemplateId,
        /// The version.
        version: u32,
    },
    /// Versions only grow.
    #[error("template {id} version {version} is not newer than version {latest}")]
    NotNewer {
        /// The template.
        id: TemplateId,
        /// The version sent.
        version: u32,
        /// The newest version known.
        latest: u32,
    },
    /// A template keeps its area.
    #[error("template {id} covers {known:?}, not {sent:?}")]
    AreaChanged {
        /// The template.
        id: TemplateId,
        /// Its area.
        known: Area,
        /// The area sent.
        sent: Area,
    },
    /// An area has one template.
    #[error("area {area:?} already has template {existing}")]
    AreaTaken {
        /// The area.
        area: Area,
        /// Its template.
        existing: TemplateId,
    },
}

impl PublishError {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            PublishError::VersionTaken { .. } => "version_taken",
            PublishError::NotNewer { .. } => "version_not_newer",
            PublishError::AreaChanged { .. } => "area_changed",
            PublishError::AreaTaken { .. } => "area_taken",
        }
    }
}

/// Whether `new` (already [`super::validate`]d) may join `known`.
pub fn check_publish(known: &[Template], new: &Template) -> Result<Publish, PublishError> {
    if let Some(same) = known
        .iter()
        .find(|t| t.id == new.id && t.version == new.version)
    {
        return if same == new {
            Ok(Publish::AlreadyPublished)
        } else {
            Err(PublishError::VersionTaken {
                id: new.id.clone(),
                version: new.version,
            })
        };
    }
    if let Some(other) = known.iter().find(|t| t.area == new.area && t.id != new.id) {
        return Err(PublishError::AreaTaken {
            area: new.area,
            existing: other.id.clone(),
        });
    }
    let versions = known.iter().filter(|t| t.id == new.id);
    if let Some(first) = versions.clone().next()
        && first.area != new.area
    {
        return Err(PublishError::AreaChanged {
            id: new.id.clone(),
            known: first.area,
            sent: new.area,
        });
    }
    match versions.map(|t| t.version).max() {
        Some(latest) if latest > new.version => Err(PublishError::NotNewer {
            id: new.id.clone(),
            version: new.version,
            latest,
        }),
        _ => Ok(Publish::New),
    }
}

/// The newest version of each template, in [`Area::ALL`] order.
pub fn current(all: &[Template]) -> Vec<Template> {
    let mut newest: Vec<&Template> = Vec::new();
    for template in all {
        match newest.iter_mut().find(|t| t.id == template.id) {
            Some(slot) if slot.version < template.version => *slot = template,
            Some(_) => {}
            None => newest.push(template),
        }
    }
    newest.sort_by_key(|t| Area::ALL.iter().position(|a| *a == t.area));
    newest.into_iter().cloned().collect()
}
