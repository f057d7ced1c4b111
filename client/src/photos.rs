//! A photo's full-size bytes wherever they are: on the device, or, once released (see
//! `db::release`), fetched from the server with the stored session through [`crate::sync::api`]
//! and checked against the photo's SHA-256. Offline, a released photo has only its
//! thumbnail here, and the caller says so.

use crate::{
    db::{Db, DbError, PhotoPlace, StoredPhoto},
    sync::api::{Api, ApiError},
};
use anxun_domain::photo::Sha256Hex;

/// Why a photo's full-size bytes cannot be shown now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FullSizeError {
    /// Released to the server, which cannot be reached now: connect to see it.
    #[error("the photo is on the server; connect to see it full size")]
    Offline,
    /// Released, and no usable session to fetch it with: sign in.
    #[error("the photo is on the server; sign in to see it full size")]
    SignInNeeded,
    /// This device never held the photo.
    #[error("the photo is not on this device")]
    Unknown,
    /// The server refused or sent something else.
    #[error(transparent)]
    Server(ApiError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The photo's full-size bytes: from the device, or from the server once released.
pub async fn full_size(db: &Db, hash: &Sha256Hex) -> Result<StoredPhoto, FullSizeError> {
    if let Some(photo) = db.photo(hash).await? {
        return Ok(photo);
    }
    let PhotoPlace::OnServer {
        mime,
        width,
        height,
    } = db.photo_place(hash).await?
    else {
        // Released between the two reads is impossible to tell from gone; both are "here or
        // nowhere" for a photo that was never released.
        return match db.photo(hash).await? {
            Some(photo) => Ok(photo),
            None => Err(FullSizeError::Unknown),
        };
    };
    let session = match db.session().await? {
        Some(session) if !session.ended => session,
        _ => return Err(FullSizeError::SignInNeeded),
    };
    let bytes = match Api::with_token(&session.token).get_photo(hash).await {
        Ok(bytes) => bytes,
        Err(error) if error.is_transient() => return Err(FullSizeError::Offline),
        Err(ApiError::SessionEnded) => return Err(FullSizeError::SignInNeeded),
        Err(error) => return Err(FullSizeError::Server(error)),
    };
    Ok(StoredPhoto {
        hash: hash.clone(),
        mime,
        width,
        height,
        bytes,
    })
}
