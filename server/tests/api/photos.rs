//! `HEAD`/`PUT`/`GET /api/photos/{sha256}`: content-addressed, idempotent uploads, checked
//! before anything is stored; never a 500 for bad input.

use crate::{
    helpers::{
        Backend, Options, Photos, S3_ACCESS_KEY_ID, S3_REGION, S3_SECRET_ACCESS_KEY, TestApp, spawn,
    },
    on_every_store,
};
use anxun_domain::{api::MAX_PHOTO_BYTES, photo::Sha256Hex, region::Scope};
use object_store::ObjectStore;
use serde_json::Value;

/// A running app and a signed-in user's token.
async fn signed_in(backend: &Backend, photos: &Photos) -> (TestApp, String) {
    let options = Options {
        photos: photos.clone(),
        ..Options::default()
    };
    let app = spawn(backend, options).await;
    let (_, token) = app
        .signed_in_inspector("zhang-photos", "张网格员", &Scope::City)
        .await;
    (app, token)
}

/// The bytes of a (tiny, not decodable but correctly tagged) JPEG.
fn jpeg(content: &str) -> Vec<u8> {
    let mut bytes = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    bytes.extend_from_slice(content.as_bytes());
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend_from_slice(&[0; 17]);
    bytes
}

fn hash(bytes: &[u8]) -> String {
    Sha256Hex::digest(bytes).to_string()
}

async fn code(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body["code"].as_str().unwrap().to_owned()
}

/// Nothing is left in the staging directory.
fn staging_is_empty(app: &TestApp) {
    let staging = app.data_dir.path().join("data").join("tmp");
    let left: Vec<_> = std::fs::read_dir(&staging).unwrap().collect();
    assert!(left.is_empty(), "left in {}: {left:?}", staging.display());
}

/// The bytes stored under `ab/cd/<name>`, read from the store itself (not through the API).
async fn stored(app: &TestApp, photos: &Photos, name: &str) -> Vec<u8> {
    let key = format!("{}/{}/{name}", &name[..2], &name[2..4]);
    match photos {
        Photos::Files => std::fs::read(app.data_dir.path().join("data/photos").join(key)).unwrap(),
        Photos::S3(s3) => {
            let bucket = object_store::aws::AmazonS3Builder::new()
                .with_endpoint(&s3.endpoint)
                .with_allow_http(true)
                .with_bucket_name(&s3.bucket)
                .with_region(S3_REGION)
                .with_access_key_id(S3_ACCESS_KEY_ID)
                .with_secret_access_key(S3_SECRET_ACCESS_KEY)
                .build()
                .unwrap();
            let key = object_store::path::Path::from(format!("{}/{key}", s3.prefix));
            let object = bucket.get(&key).await.unwrap();
            object.bytes().await.unwrap().to_vec()
        }
    }
}

async fn an_uploaded_photo_can_be_checked_and_read(backend: Backend, photos: Photos) {
    let (app, token) = signed_in(&backend, &photos).await;
    let bytes = jpeg("现场照片");
    let name = hash(&bytes);
    assert_eq!(app.head_photo(&token, &name).await.status(), 404);

    let response = app
        .put_photo(Some(&token), &name, "image/jpeg", bytes.clone())
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(app.head_photo(&token, &name).await.status(), 200);
    // Upper case names the same photo.
    assert_eq!(
        app.head_photo(&token, &name.to_uppercase()).await.status(),
        200
    );

    let response = app
        .get_signed_in(&format!("/api/photos/{name}"), &token)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert_eq!(
        response.headers()["cache-control"],
        "private, max-age=31536000, immutable"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), bytes.as_slice());

    // Stored under ab/cd/<hash> in <data-dir>/photos or under the bucket's prefix.
    assert_eq!(stored(&app, &photos, &name).await, bytes);
    staging_is_empty(&app);

    // PNG too, served with its own type.
    let png = png();
    let png_name = hash(&png);
    let response = app
        .put_photo(Some(&token), &png_name, "image/png", png.clone())
        .await;
    assert_eq!(response.status(), 201);
    let response = app
        .get_signed_in(&format!("/api/photos/{png_name}"), &token)
        .await;
    assert_eq!(response.headers()["content-type"], "image/png");
}
on_every_store!(upload_check_read, an_uploaded_photo_can_be_checked_and_read);

async fn uploading_again_is_harmless(backend: Backend, photos: Photos) {
    let (app, token) = signed_in(&backend, &photos).await;
    let bytes = jpeg("twice");
    let name = hash(&bytes);
    let first = app
        .put_photo(Some(&token), &name, "image/jpeg", bytes.clone())
        .await;
    assert_eq!(first.status(), 201);
    let again = app
        .put_photo(Some(&token), &name, "image/jpeg", bytes.clone())
        .await;
    assert_eq!(again.status(), 200);
    let response = app
        .get_signed_in(&format!("/api/photos/{name}"), &token)
        .await;
    assert_eq!(response.bytes().await.unwrap().as_ref(), bytes.as_slice());
    staging_is_empty(&app);
}
on_every_store!(idempotent, uploading_again_is_harmless);

async fn bad_uploads_are_refused_and_nothing_is_stored(backend: Backend, photos: Photos) {
    let (app, token) = signed_in(&backend, &photos).await;
    let bytes = jpeg("original");
    let other = hash(&jpeg("something else"));

    // The bytes do not hash to the name.
    let response = app
        .put_photo(Some(&token), &other, "image/jpeg", bytes.clone())
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(code(response).await, "hash_mismatch");
    assert_eq!(app.head_photo(&token, &other).await.status(), 404);
    assert_eq!(app.head_photo(&token, &hash(&bytes)).await.status(), 404);

    // Not a SHA-256.
    for bad in ["abc", "not-a-hash", &"g".repeat(64)] {
        let response = app
            .put_photo(Some(&token), bad, "image/jpeg", bytes.clone())
            .await;
        assert_eq!(response.status(), 400, "{bad}");
        assert_eq!(code(response).await, "bad_hash");
    }
    let response = app.get_signed_in("/api/photos/abc", &token).await;
    assert_eq!(code(response).await, "bad_hash");

    // Not an image, whatever the type says.
    let text = b"just some text, not a photo".to_vec();
    let response = app
        .put_photo(Some(&token), &hash(&text), "image/jpeg", text.clone())
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(code(response).await, "not_an_image");
    assert_eq!(app.head_photo(&token, &hash(&text)).await.status(), 404);

    // Not an image type, or not the type of the bytes.
    let name = hash(&bytes);
    for content_type in [
        "text/plain",
        "image/gif",
        "application/octet-stream",
        "image/png",
    ] {
        let response = app
            .put_photo(Some(&token), &name, content_type, bytes.clone())
            .await;
        assert_eq!(response.status(), 415, "{content_type}");
        assert_eq!(code(response).await, "unsupported_media_type");
    }
    assert_eq!(app.head_photo(&token, &name).await.status(), 404);

    // Unknown photos are a JSON 404.
    let response = app
        .get_signed_in(&format!("/api/photos/{name}"), &token)
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(code(response).await, "photo_not_found");
    staging_is_empty(&app);
}
on_every_store!(bad_uploads, bad_uploads_are_refused_and_nothing_is_stored);

async fn photos_larger_than_25_mb_are_refused(backend: Backend, photos: Photos) {
    let (app, token) = signed_in(&backend, &photos).await;
    let mut bytes = jpeg("");
    bytes.resize(MAX_PHOTO_BYTES + 1, 0x42);
    let name = hash(&bytes);
    let response = app
        .put_photo(Some(&token), &name, "image/jpeg", bytes.clone())
        .await;
    assert_eq!(response.status(), 413);
    assert_eq!(code(response).await, "photo_too_large");
    assert_eq!(app.head_photo(&token, &name).await.status(), 404);

    // Without a Content-Length, the limit holds while streaming.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(1024 * 1024).map(|c| Ok(c.to_vec())).collect();
    let response = app
        .client
        .put(format!("{}/api/photos/{name}", app.address))
        .bearer_auth(&token)
        .header("content-type", "image/jpeg")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(code(response).await, "photo_too_large");
    assert_eq!(app.head_photo(&token, &name).await.status(), 404);
    staging_is_empty(&app);

    // Exactly 25 MB is fine.
    bytes.truncate(MAX_PHOTO_BYTES);
    let name = hash(&bytes);
    let response = app
        .put_photo(Some(&token), &name, "image/jpeg", bytes)
        .await;
    assert_eq!(response.status(), 201);
}
on_every_store!(too_large, photos_larger_than_25_mb_are_refused);

async fn photos_need_a_session(backend: Backend, photos: Photos) {
    let (app, token) = signed_in(&backend, &photos).await;
    let bytes = jpeg("secret");
    let name = hash(&bytes);
    let response = app
        .put_photo(None, &name, "image/jpeg", bytes.clone())
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(code(response).await, "unauthorized");
    let response = app
        .put_photo(Some("not-a-token"), &name, "image/jpeg", bytes.clone())
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(app.head_photo(&token, &name).await.status(), 404);

    app.put_photo(Some(&token), &name, "image/jpeg", bytes)
        .await
        .error_for_status()
        .unwrap();
    let response = app.get(&format!("/api/photos/{name}")).await;
    assert_eq!(response.status(), 401);
    assert_eq!(code(response).await, "unauthorized");
    let response = app
        .client
        .head(format!("{}/api/photos/{name}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
on_every_store!(need_a_session, photos_need_a_session);

async fn concurrent_uploads_of_one_photo_store_it_once(backend: Backend, photos: Photos) {
    let (app, token) = signed_in(&backend, &photos).await;
    let bytes = jpeg("上传了好几次");
    let name = hash(&bytes);
    let uploads = (0..6).map(|_| app.put_photo(Some(&token), &name, "image/jpeg", bytes.clone()));
    let statuses: Vec<u16> = futures_util::future::join_all(uploads)
        .await
        .iter()
        .map(|response| response.status().as_u16())
        .collect();
    assert!(
        statuses.iter().all(|status| [200, 201].contains(status)),
        "{statuses:?}"
    );
    assert!(statuses.contains(&201), "{statuses:?}");
    assert_eq!(stored(&app, &photos, &name).await, bytes);
    staging_is_empty(&app);
}
on_every_store!(concurrent, concurrent_uploads_of_one_photo_store_it_once);
