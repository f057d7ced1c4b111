//! One sync: push the outbox (photos first, round by round), then pull until the server has
//! nothing more. Every step is stored before the next starts, so an interrupted sync (closed
//! page, dropped connection, crash) continues where it stopped; confirmed photos are never
//! sent again. Photos go up one `PUT` at a time while the next one is read from the device
//! (and checked with a `HEAD` only if an earlier upload of it was interrupted). After the
//! pull, photos the server now holds for good are released (`Db::release_photos`). [`attempt`] is how the page and the service worker start one.

use super::{
    LOCK,
    api::{Api, ApiError},
    lock::with_lock,
};
use crate::db::{Db, DbError, ROUND, StoredPhoto};
use anxun_domain::{
    api::{PullQuery, PushRequest},
    photo::Sha256Hex,
    sync::{PROTOCOL_VERSION, engine},
};
use futures_util::future::join;

/// What a running sync reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Changes the server has settled in this sync.
    pub records: u32,
    /// Photo being uploaded (1-based) and how many this round needs.
    pub photo: Option<(u32, u32)>,
    /// Photo bytes sent in this sync.
    pub bytes: u64,
    /// Whether the push is done and the device is receiving.
    pub pulling: bool,
}

/// What a finished sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    pub pushed: u32,
    pub refused: u32,
    pub photos: u32,
    pub bytes: u64,
    pub pulled: u32,
    /// Photos whose full-size bytes left the device (the server holds them).
    pub released: u32,
}

/// Why a sync stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Db(#[from] DbError),
    /// A photo an entry needs is not on the device any more.
    #[error("photo {0} is needed but no longer on this device")]
    PhotoGone(String),
    #[error(transparent)]
    Settle(#[from] engine::SettleError),
    /// The server made no progress on a round (a bug on one side): stop instead of looping.
    #[error("the server settled nothing in this round")]
    Stuck,
}

impl SyncError {
    /// Whether waiting and retrying can help.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Api(error) => error.is_transient(),
            SyncError::Db(DbError::ConnectionLost(_)) => true,
            _ => false,
        }
    }
}

/// How an [`attempt`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// No session on this device: nothing is sent (work is kept until sign-in).
    SignedOut,
    /// The session ended (now, or before): sync waits for a new sign-in, nothing is dropped.
    SignInNeeded,
    /// Another tab or the service worker is syncing right now.
    Busy,
    /// The sync ran to the end.
    Done(Report),
    /// The sync stopped at an error (what was settled before it is kept).
    Failed(SyncError),
}

/// Runs one sync with the stored session, holding the Web Lock [`LOCK`] so that no other tab
/// and not the service worker sync at the same time. A session the server says has ended is
/// marked ended. `progress` is first called once the sync has started.
pub async fn attempt(db: &Db, progress: &dyn Fn(Progress)) -> Attempt {
    let session = match db.session().await {
        Ok(Some(session)) => session,
        Ok(None) => return Attempt::SignedOut,
        Err(error) => return Attempt::Failed(SyncError::Db(error)),
    };
    if session.ended {
        return Attempt::SignInNeeded;
    }
    let api = Api::with_token(&session.token);
    let run = async {
        progress(Progress::default());
        sync(db, &api, progress).await
    };
    match with_lock(LOCK, run).await {
        None => Attempt::Busy,
        Some(Ok(report)) => Attempt::Done(report),
        Some(Err(SyncError::Api(ApiError::SessionEnded))) => {
            // Not marked (storage failed): the next attempt asks the server and learns it again.
            let _ = db.end_session().await;
            Attempt::SignInNeeded
        }
        Some(Err(error)) => Attempt::Failed(error),
    }
}

/// A photo of a round made ready to upload: its bytes, or `None` when the server holds it
/// already. Only a photo whose upload was attempted before (and not confirmed: the answer
/// was lost) is checked with a `HEAD`; any other goes straight to the `PUT`, which is
/// idempotent and checked against the hash on the server.
async fn ready(db: &Db, api: &Api, hash: &Sha256Hex) -> Result<Option<StoredPhoto>, SyncError> {
    if db.was_upload_attempted(hash).await? && api.has_photo(hash).await? {
        return Ok(None);
    }
    let photo = db
        .photo(hash)
        .await?
        .ok_or_else(|| SyncError::PhotoGone(hash.to_string()))?;
    Ok(Some(photo))
}

/// Uploads a photo made [`ready`] (the attempt stored first) and records that the server
/// holds it; the bytes sent.
async fn upload(
    db: &Db,
    api: &Api,
    hash: &Sha256Hex,
    photo: Option<&StoredPhoto>,
) -> Result<u64, SyncError> {
    let mut sent = 0;
    if let Some(photo) = photo {
        db.upload_attempted(hash).await?;
        api.put_photo(hash, &photo.bytes, &photo.mime).await?;
        sent = photo.bytes.len() as u64;
    }
    db.photo_confirmed(hash).await?;
    Ok(sent)
}

/// Runs one sync to the end or the first error.
pub async fn sync(db: &Db, api: &Api, progress: &dyn Fn(Progress)) -> Result<Report, SyncError> {
    let device = db.device_id().await?;
    let mut report = Report::default();
    let mut now = Progress::default();
    let mut idle_rounds = 0;
    while let Some(round) = db.prepare_round(ROUND).await? {
        let total = round.photos.len() as u32;
        // At most two requests in flight: the current photo's PUT, and the next photo's read
        // from the device (and its HEAD when an earlier upload of it was interrupted).
        let mut queue = round.photos.iter().enumerate();
        let mut current = match queue.next() {
            Some((n, hash)) => Some((n, hash, ready(db, api, hash).await?)),
            None => None,
        };
        while let Some((n, hash, photo)) = current.take() {
            now.photo = Some((n as u32 + 1, total));
            progress(now);
            let next = async {
                match queue.next() {
                    Some((n, hash)) => Some(ready(db, api, hash).await.map(|p| (n, hash, p))),
                    None => None,
                }
            };
            let (sent, next) = join(upload(db, api, hash, photo.as_ref()), next).await;
            let bytes = sent?;
            if bytes > 0 {
                now.bytes += bytes;
                report.photos += 1;
                report.bytes += bytes;
            }
            current = next.transpose()?;
        }
        now.photo = None;
        progress(now);
        let request = PushRequest {
            proto_v: PROTOCOL_VERSION,
            device,
            entries: round.entries.clone(),
        };
        let response = api.push(&request).await?;
        let settlement = engine::settle(&round.entries, &response)?;
        db.settle(&round.entries, &settlement).await?;
        let settled = (settlement.done.len() + settlement.refused.len()) as u32;
        report.pushed += settlement.done.len() as u32;
        report.refused += settlement.refused.len() as u32;
        now.records += settled;
        progress(now);
        // A round that settles nothing may still upload missing photos; twice in a row is a bug.
        idle_rounds = if settled == 0 { idle_rounds + 1 } else { 0 };
        if idle_rounds > 2 {
            return Err(SyncError::Stuck);
        }
    }
    now.pulling = true;
    progress(now);
    loop {
        let cursor = db.pull_cursor().await?;
        let page = api
            .pull(PullQuery {
                cursor,
                limit: None,
            })
            .await?;
        report.pulled +=
            (page.sites.len() + page.deleted_sites.len() + page.hazard_events.len()) as u32;
        db.apply_pull(&page).await?;
        if !page.more || page.cursor <= cursor {
            break;
        }
    }
    // What the server now holds for good may leave the device (outside the kept window).
    report.released = db.release_photos(chrono::Utc::now()).await?.photos;
    db.set_last_sync(chrono::Utc::now()).await?;
    Ok(report)
}
