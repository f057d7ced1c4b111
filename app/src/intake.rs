//! Photos the inspector picks, made ready to store: the bytes copied at once, room on the
//! device checked, then each photo resized, watermarked and hashed in turn. Used by every
//! screen that takes photos (inspection, re-inspection).

use crate::{
    db::{DbError, NewPhoto, storage},
    i18n::Locale,
    messages,
    photo::{self, PhotoOptions, ProcessedPhoto, Watermark},
};
use anxun_domain::geo::GeoPoint;
use chrono::Utc;
use leptos_i18n::I18nContext;

/// Room to ask for per photo before processing it: the evidence, the thumbnail and the
/// browser's overhead stay well under this.
const BYTES_PER_PHOTO: u64 = 3 * 1024 * 1024;

impl From<ProcessedPhoto> for NewPhoto {
    fn from(photo: ProcessedPhoto) -> NewPhoto {
        NewPhoto {
            hash: photo.sha256,
            mime: photo.mime.to_owned(),
            width: photo.width,
            height: photo.height,
            evidence: photo.evidence,
            thumbnail: photo.thumbnail,
        }
    }
}

/// What goes into the watermark.
#[derive(Debug, Clone, Default)]
pub struct Stamp {
    pub site: String,
    pub inspector: String,
    pub gps: Option<GeoPoint>,
}

/// Takes in picked files; `progress(done, total)` is called before each photo. The error is
/// the message for the inspector; nothing is stored here.
pub async fn take_in(
    i18n: I18nContext<Locale>,
    files: &[web_sys::File],
    stamp: &Stamp,
    progress: impl Fn(usize, usize),
) -> Result<Vec<NewPhoto>, String> {
    let mut originals = Vec::with_capacity(files.len());
    for file in files {
        originals.push(
            photo::read_file(file)
                .await
                .map_err(|e| messages::photo_error(i18n, &e))?,
        );
    }
    if let Some(estimate) = storage::estimate().await
        && !estimate.has_room_for(BYTES_PER_PHOTO * originals.len() as u64)
    {
        return Err(messages::db_error(i18n, &DbError::QuotaExceeded));
    }
    let gps = stamp
        .gps
        .map(|p| (p.lat(), p.lon(), p.accuracy_m().unwrap_or(0.0)));
    let total = originals.len();
    let mut photos = Vec::with_capacity(total);
    for (done, bytes) in originals.into_iter().enumerate() {
        progress(done, total);
        let watermark = Watermark::new(Utc::now(), gps, &stamp.site, &stamp.inspector);
        let processed = photo::process(&bytes, &PhotoOptions::default(), &watermark)
            .await
            .map_err(|e| messages::photo_error(i18n, &e))?;
        photos.push(processed.into());
    }
    Ok(photos)
}
