//! What the inspector reads when something goes wrong: the errors of the device database and
//! the photo pipeline in the interface language. (Their `Display` texts are for logs.)

use crate::{
    db::DbError,
    i18n::{Locale, t_string},
    photo::{MAX_ORIGINAL_BYTES, PhotoError},
};
use anxun_client::photos::FullSizeError;
use leptos_i18n::I18nContext;

/// A database error, for people.
pub fn db_error(i18n: I18nContext<Locale>, error: &DbError) -> String {
    match error {
        DbError::Unavailable(_) => t_string!(i18n, errors.unavailable).to_owned(),
        DbError::QuotaExceeded => t_string!(i18n, errors.quota).to_owned(),
        DbError::ConnectionLost(_) => t_string!(i18n, errors.connection_lost).to_owned(),
        DbError::Duplicate => t_string!(i18n, errors.duplicate).to_owned(),
        DbError::Rejected(detail) => format!("{}（{detail}）", t_string!(i18n, errors.rejected)),
        DbError::Corrupt(detail) | DbError::Other(detail) => {
            format!("{}（{detail}）", t_string!(i18n, errors.other))
        }
    }
}

/// A photo error, for people.
pub fn photo_error(i18n: I18nContext<Locale>, error: &PhotoError) -> String {
    match error {
        PhotoError::NotAnImage => t_string!(i18n, errors.not_an_image).to_owned(),
        PhotoError::Unreadable => t_string!(i18n, errors.unreadable).to_owned(),
        PhotoError::TooLarge { bytes } => format!(
            "{}（{} MB > {} MB）",
            t_string!(i18n, errors.too_large),
            bytes.div_ceil(1024 * 1024),
            MAX_ORIGINAL_BYTES / (1024 * 1024)
        ),
        PhotoError::TooManyPixels { width, height } => format!(
            "{}（{width}×{height}）",
            t_string!(i18n, errors.too_many_pixels)
        ),
        PhotoError::Unsupported(detail) if detail.contains("HEIC") => {
            t_string!(i18n, errors.heic).to_owned()
        }
        PhotoError::Decode(detail)
        | PhotoError::Encode(detail)
        | PhotoError::Unsupported(detail) => {
            format!("{}（{detail}）", t_string!(i18n, errors.photo_failed))
        }
    }
}

/// Why a photo's full-size image is not shown (released to the server and out of reach).
pub fn full_size_error(i18n: I18nContext<Locale>, error: &FullSizeError) -> String {
    match error {
        FullSizeError::Offline => t_string!(i18n, photos.on_server_offline).to_owned(),
        FullSizeError::SignInNeeded => t_string!(i18n, photos.on_server_sign_in).to_owned(),
        FullSizeError::Db(error) => {
            format!(
                "{}{}",
                t_string!(i18n, photos.load_failed),
                db_error(i18n, error)
            )
        }
        other => format!("{}{other}", t_string!(i18n, photos.load_failed)),
    }
}
