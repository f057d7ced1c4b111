//! Checklist template versions the server published (received with pulled pages). The
//! shipped versions are not stored: the app has them built in.

use super::{Db, DbError, changes::json, read::parse, schema::TEMPLATES};
use anxun_domain::template::Template;
use serde::{Deserialize, Serialize};

/// A row of `templates`: one version of one template, keyed `{id}@{version}` (a version never
/// changes, so storing it again is harmless).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct TemplateRow {
    pub key: String,
    pub doc: String,
}

impl TemplateRow {
    pub(super) fn new(template: &Template) -> Result<TemplateRow, DbError> {
        Ok(TemplateRow {
            key: format!("{}@{}", template.id.as_str(), template.version),
            doc: json(template)?,
        })
    }
}

impl Db {
    /// Every template version received from the server.
    pub async fn received_templates(&self) -> Result<Vec<Template>, DbError> {
        let rows: Vec<TemplateRow> = self.all(TEMPLATES).await?;
        rows.iter().map(|row| parse(&row.doc)).collect()
    }
}
