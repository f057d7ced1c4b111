//! Photos: content-addressed blobs in an object store (the `object_store` crate), local files
//! by default (`<data-dir>/photos`), an S3-compatible bucket when configured.
//!
//! A photo is stored under the SHA-256 of its bytes, key `ab/cd/<hash>` (the first two bytes
//! fan the keys out into directories). Its type is not stored: it is read again from the
//! magic bytes when the photo is served.
//!
//! An upload ([`PhotoStore::put`]) is streamed to a temporary file in `<data-dir>/tmp` while
//! it is hashed and counted; only when it is complete, within [`MAX_PHOTO_BYTES`], an image of
//! the declared type and its hash equals the name is it put into the object store, in one
//! put that only creates (`PutMode::Create`): the local store writes a staging file beside the
//! target and links it into place only if the target does not exist; S3 gets one `PutObject`
//! (visible only once complete) with `If-None-Match: *`, so an existing object is never
//! rewritten (a store that ignores the header rewrites the same bytes, since the key is their
//! hash). A half-written or refused upload never becomes visible, and its temporary file is
//! removed whatever happens. Photos are never changed or deleted, so a photo once seen stays.

use crate::config::PhotoStoreUrl;
use anxun_domain::{
    api::MAX_PHOTO_BYTES,
    photo::{ImageType, Sha256Hex},
};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload, path::Path as Key};
use sha2::{Digest, Sha256};
use std::{
    path::{Path, PathBuf},
    sync::Arc,
};
use tokio::io::AsyncWriteExt;

/// The photo store.
#[derive(Debug, Clone)]
pub struct PhotoStore {
    store: Arc<dyn ObjectStore>,
    /// Where uploads are staged (always local).
    staging: PathBuf,
}

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// The photo is new.
    Created,
    /// The store already had it: nothing was written.
    AlreadyPresent,
}

/// A stored photo.
#[derive(Debug, Clone)]
pub struct Photo {
    pub bytes: Bytes,
    pub image_type: ImageType,
}

/// Why an upload was refused, or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("the photo is larger than {} MB", MAX_PHOTO_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("the body is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the body is {actual} but Content-Type says {declared}")]
    WrongType {
        declared: &'static str,
        actual: &'static str,
    },
    #[error("the bytes hash to {actual}, not to {expected}")]
    HashMismatch {
        expected: Sha256Hex,
        actual: Sha256Hex,
    },
    #[error("the upload was interrupted: {0}")]
    Body(String),
    #[error("cannot stage the upload: {0}")]
    Staging(#[source] std::io::Error),
    #[error("the photo store failed: {0}")]
    Store(#[from] object_store::Error),
    #[error("the stored photo {0} is not an image")]
    Corrupt(Sha256Hex),
}

impl PhotoStore {
    /// Opens the configured store; uploads are staged in `<data_dir>/tmp`.
    pub fn open(url: &PhotoStoreUrl, data_dir: &Path) -> Result<PhotoStore, PhotoError> {
        let store: Arc<dyn ObjectStore> = match url {
            PhotoStoreUrl::File(root) => {
                std::fs::create_dir_all(root).map_err(PhotoError::Staging)?;
                Arc::new(object_store::local::LocalFileSystem::new_with_prefix(root)?)
            }
            PhotoStoreUrl::S3(s3) => {
                // Path-style requests (`<endpoint>/<bucket>/<key>`): what S3-compatible
                // servers on a plain host:port (MinIO, Ceph, moto) understand.
                let mut builder = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region)
                    .with_virtual_hosted_style_request(false);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"));
                }
                if let Some(key) = &s3.access_key_id {
                    builder = builder.with_access_key_id(key);
                }
                if let Some(secret) = &s3.secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                let bucket = builder.build()?;
                if s3.prefix.is_empty() {
                    Arc::new(bucket)
                } else {
                    Arc::new(object_store::prefix::PrefixStore::new(
                        bucket,
                        s3.prefix.as_str(),
                    ))
                }
            }
        };
        let staging = data_dir.join("tmp");
        std::fs::create_dir_all(&staging).map_err(PhotoError::Staging)?;
        Ok(PhotoStore { store, staging })
    }

    /// The object key of a photo: `ab/cd/<hash>`.
    fn key(hash: &Sha256Hex) -> Key {
        let hex = hash.as_str();
        Key::from(format!("{}/{}/{hex}", &hex[..2], &hex[2..4]))
    }

    /// Whether the store holds the photo.
    pub async fn contains(&self, hash: &Sha256Hex) -> Result<bool, PhotoError> {
        match self.store.head(&Self::key(hash)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Those of `hashes` the store does not hold, in order.
    pub async fn missing(&self, hashes: &[Sha256Hex]) -> Result<Vec<Sha256Hex>, PhotoError> {
        let mut missing = Vec::new();
        for hash in hashes {
            if !self.contains(hash).await? {
                missing.push(hash.clone());
            }
        }
        Ok(missing)
    }

    /// The photo, if stored.
    pub async fn get(&self, hash: &Sha256Hex) -> Result<Option<Photo>, PhotoError> {
        let bytes = match self.store.get(&Self::key(hash)).await {
            Ok(result) => result.bytes().await?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let image_type =
            ImageType::sniff(&bytes).ok_or_else(|| PhotoError::Corrupt(hash.clone()))?;
        Ok(Some(Photo { bytes, image_type }))
    }

    /// Stores the upload `body`, declared as `declared`, under `hash` once it is checked (see
    /// the module documentation). Idempotent: a photo already stored is not written again.
    pub async fn put<E: std::fmt::Display>(
        &self,
        hash: &Sha256Hex,
        declared: ImageType,
        body: impl Stream<Item = Result<Bytes, E>>,
    ) -> Result<Stored, PhotoError> {
        if self.contains(hash).await? {
            return Ok(Stored::AlreadyPresent);
        }
        let staged = Staged::new(&self.staging);
        let mut file = tokio::fs::File::create(&staged.path)
            .await
            .map_err(PhotoError::Staging)?;
        let mut hasher = Sha256::new();
        let mut head = Vec::with_capacity(12);
        let mut size = 0usize;
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| PhotoError::Body(e.to_string()))?;
            size += chunk.len();
            if size > MAX_PHOTO_BYTES {
                return Err(PhotoError::TooLarge);
            }
            if head.len() < 12 {
                let take = (12 - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(PhotoError::Staging)?;
        }
        file.flush().await.map_err(PhotoError::Staging)?;
        drop(file);
        let actual = ImageType::sniff(&head).ok_or(PhotoError::NotAnImage)?;
        if actual != declared {
            return Err(PhotoError::WrongType {
                declared: declared.mime(),
                actual: actual.mime(),
            });
        }
        let digest = Sha256Hex::parse(&hex::encode(hasher.finalize()))
            .map_err(|e| PhotoError::Body(e.to_string()))?;
        if &digest != hash {
            return Err(PhotoError::HashMismatch {
                expected: hash.clone(),
                actual: digest,
            });
        }
        let bytes = tokio::fs::read(&staged.path)
            .await
            .map_err(PhotoError::Staging)?;
        let create = PutOptions::from(PutMode::Create);
        match self
            .store
            .put_opts(&Self::key(hash), PutPayload::from(bytes), create)
            .await
        {
            Ok(_) => Ok(Stored::Created),
            // Another upload of the same photo finished first: the same bytes are stored.
            Err(object_store::Error::AlreadyExists { .. }) => Ok(Stored::AlreadyPresent),
            Err(error) => Err(error.into()),
        }
    }
}

/// A staging file, removed when dropped (whether the upload succeeded, failed or was
/// abandoned half-way).
struct Staged {
    path: PathBuf,
}

impl Staged {
    fn new(dir: &Path) -> Staged {
        Staged {
            path: dir.join(format!("upload-{}.part", uuid::Uuid::new_v4().simple())),
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_file(&self.path)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %self.path.display(), %error, "cannot remove a staged upload");
        }
    }
}
