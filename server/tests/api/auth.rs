//! Signing in and out: tokens, sessions, wrong credentials, expiry, rate limiting.

use crate::{
    helpers::{Backend, Options, TestApp, spawn},
    on_both_backends,
};
use anxun_domain::{
    api::{LOGIN_PATH, LOGOUT_PATH, LoginResponse, ME_PATH, SignedInUser},
    ids::UserId,
    region::{RegionCode, Scope},
    role::Role,
};
use anxun_server::{
    accounts::{Username, create_user},
    auth::token::SessionToken,
    store::{Db, sessions::NewSession},
};
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const PASSWORD: &str = "inspector-password-1";

/// A fresh application with one inspector, `li-inspector`, scoped to a district.
async fn app_with_inspector(backend: &Backend) -> (TestApp, UserId) {
    let app = spawn(backend, Options::default()).await;
    let id = create_user(
        &app.db,
        &Username::parse("li-inspector").unwrap(),
        "李网格员",
        Role::Inspector,
        &Scope::District {
            district: RegionCode::parse("310104").unwrap(),
        },
        PASSWORD,
        false,
    )
    .await
    .unwrap();
    (app, id)
}

async fn login(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.post_json(
        LOGIN_PATH,
        &json!({"username": username, "password": password}),
    )
    .await
}

async fn logout(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(format!("{}{LOGOUT_PATH}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Asserts an error response's status and code, and returns its message.
async fn error(response: reqwest::Response, status: u16, code: &str) -> String {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    body["message"].as_str().unwrap().to_owned()
}

async fn signs_in_and_the_token_works(backend: Backend) {
    let (app, id) = app_with_inspector(&backend).await;
    let before = Utc::now();
    // Phones capitalise the first letter: usernames ignore case and surrounding spaces.
    let response = login(&app, " Li-Inspector ", PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    let user = json!({
        "id": id.to_string(),
        "username": "li-inspector",
        "display_name": "李网格员",
        "role": "inspector",
        "scope": {"level": "district", "district": "310104"},
    });
    assert_eq!(body["user"], user);
    let signed_in: LoginResponse = serde_json::from_value(body).unwrap();
    let token = signed_in.token;
    assert_eq!(token.len(), 43, "256 bits in URL-safe base64");
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let lifetime = signed_in.expires_at - before;
    assert!(
        lifetime >= TimeDelta::days(30) && lifetime < TimeDelta::days(30) + TimeDelta::minutes(1),
        "{lifetime}"
    );

    let me = app.get_signed_in(ME_PATH, &token).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me, user);
    let me: SignedInUser = serde_json::from_value(me).unwrap();
    assert_eq!(me.role, Role::Inspector);

    // Each sign-in is its own session.
    let again: LoginResponse = login(&app, "li-inspector", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(again.token, token);
}
on_both_backends!(login_success, signs_in_and_the_token_works);

async fn wrong_password_is_refused(backend: Backend) {
    let (app, _) = app_with_inspector(&backend).await;
    let response = login(&app, "li-inspector", "wrong-password").await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let message = error(response, 401, "bad_credentials").await;
    assert_eq!(message, "wrong username or password");
    let message = error(
        login(&app, "li-inspector", "").await,
        401,
        "bad_credentials",
    )
    .await;
    assert_eq!(message, "wrong username or password");
}
on_both_backends!(login_wrong_password, wrong_password_is_refused);

async fn unknown_user_is_refused_like_a_wrong_password(backend: Backend) {
    let (app, _) = app_with_inspector(&backend).await;
    let unknown = error(
        login(&app, "nobody-here", PASSWORD).await,
        401,
        "bad_credentials",
    )
    .await;
    let wrong = error(
        login(&app, "li-inspector", "wrong").await,
        401,
        "bad_credentials",
    )
    .await;
    assert_eq!(unknown, wrong);
    // Not even a possible username.
    let odd = error(login(&app, "", PASSWORD).await, 401, "bad_credentials").await;
    assert_eq!(odd, wrong);
}
on_both_backends!(
    login_unknown_user,
    unknown_user_is_refused_like_a_wrong_password
);

async fn disabled_users_cannot_sign_in_and_lose_their_sessions(backend: Backend) {
    let (app, id) = app_with_inspector(&backend).await;
    let signed_in: LoginResponse = login(&app, "li-inspector", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    app.db.set_user_disabled(id, true).await.unwrap();

    let message = error(
        login(&app, "li-inspector", PASSWORD).await,
        401,
        "bad_credentials",
    )
    .await;
    assert_eq!(message, "wrong username or password");
    error(
        app.get_signed_in(ME_PATH, &signed_in.token).await,
        401,
        "unauthorized",
    )
    .await;

    app.db.set_user_disabled(id, false).await.unwrap();
    assert_eq!(login(&app, "li-inspector", PASSWORD).await.status(), 200);
}
on_both_backends!(
    login_disabled_user,
    disabled_users_cannot_sign_in_and_lose_their_sessions
);

async fn malformed_bodies_are_4xx(backend: Backend) {
    let (app, _) = app_with_inspector(&backend).await;
    let url = format!("{}{LOGIN_PATH}", app.address);
    let cases = [
        ("application/json", "{\"username\": \"li-inspector\""),
        ("application/json", "{\"username\": \"li-inspector\"}"),
        ("application/json", "{\"username\": 7, \"password\": \"x\"}"),
        ("application/json", "[]"),
        ("application/json", ""),
        ("text/plain", "{\"username\": \"a\", \"password\": \"b\"}"),
    ];
    for (content_type, body) in cases {
        let response = app
            .client
            .post(&url)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(status.is_client_error(), "{body}: {status}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "bad_json");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
}
on_both_backends!(login_malformed_json, malformed_bodies_are_4xx);

async fn logout_revokes_the_session(backend: Backend) {
    let (app, _) = app_with_inspector(&backend).await;
    let first: LoginResponse = login(&app, "li-inspector", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let second: LoginResponse = login(&app, "li-inspector", PASSWORD)
        .await
        .json()
        .await
        .unwrap();

    let response = logout(&app, &first.token).await;
    assert_eq!(response.status(), 204);
    error(
        app.get_signed_in(ME_PATH, &first.token).await,
        401,
        "unauthorized",
    )
    .await;
    error(logout(&app, &first.token).await, 401, "unauthorized").await;
    // Only that session: the other one still works.
    assert_eq!(
        app.get_signed_in(ME_PATH, &second.token).await.status(),
        200
    );
}
on_both_backends!(logout_revokes, logout_revokes_the_session);

async fn tokens_that_are_missing_unknown_or_expired_are_told_apart(backend: Backend) {
    let (app, id) = app_with_inspector(&backend).await;

    let response = app.get(ME_PATH).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    error(response, 401, "unauthorized").await;
    for token in [
        "not-a-token".to_owned(),
        SessionToken::generate().as_str().to_owned(),
    ] {
        error(
            app.get_signed_in(ME_PATH, &token).await,
            401,
            "unauthorized",
        )
        .await;
    }
    let basic = app
        .client
        .get(format!("{}{ME_PATH}", app.address))
        .basic_auth("li-inspector", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    error(basic, 401, "unauthorized").await;

    // A session that ended a minute ago.
    let token = SessionToken::generate();
    let now = Utc::now();
    app.db
        .insert_session(&NewSession {
            token_hash: token.hash().as_str(),
            user_id: id,
            created_at: now - TimeDelta::days(30),
            expires_at: now - TimeDelta::minutes(1),
        })
        .await
        .unwrap();
    let message = error(
        app.get_signed_in(ME_PATH, token.as_str()).await,
        401,
        "session_expired",
    )
    .await;
    assert!(message.contains("sign in again"), "{message}");
    error(logout(&app, token.as_str()).await, 401, "session_expired").await;

    // Revoked wins over expired: the app must not offer to resume a session signed out of.
    app.db
        .revoke_session(token.hash().as_str(), now)
        .await
        .unwrap();
    error(
        app.get_signed_in(ME_PATH, token.as_str()).await,
        401,
        "unauthorized",
    )
    .await;
}
on_both_backends!(
    session_expired,
    tokens_that_are_missing_unknown_or_expired_are_told_apart
);

async fn failed_sign_ins_are_rate_limited(backend: Backend) {
    let (app, _) = app_with_inspector(&backend).await;
    for attempt in 1..=5 {
        let response = login(&app, "li-inspector", "guess").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    for password in ["guess", PASSWORD] {
        let response = login(&app, "LI-INSPECTOR", password).await;
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
        let message = error(response, 429, "too_many_attempts").await;
        assert!(message.contains("try again"), "{message}");
    }
    // Other accounts from the same address are not locked out.
    let response = login(&app, "admin", "guess").await;
    error(response, 401, "bad_credentials").await;
}
on_both_backends!(login_rate_limited, failed_sign_ins_are_rate_limited);

async fn a_success_clears_the_failures(backend: Backend) {
    let (app, _) = app_with_inspector(&backend).await;
    for _ in 0..4 {
        assert_eq!(login(&app, "li-inspector", "guess").await.status(), 401);
    }
    assert_eq!(login(&app, "li-inspector", PASSWORD).await.status(), 200);
    for _ in 0..4 {
        assert_eq!(login(&app, "li-inspector", "guess").await.status(), 401);
    }
    assert_eq!(login(&app, "li-inspector", PASSWORD).await.status(), 200);
}
on_both_backends!(login_success_clears_failures, a_success_clears_the_failures);

async fn only_the_hash_of_a_token_is_stored(backend: Backend) {
    let (app, id) = app_with_inspector(&backend).await;
    let signed_in: LoginResponse = login(&app, "li-inspector", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    const QUERY: &str = "SELECT token_hash, user_id, revoked_at IS NULL FROM sessions";
    let rows: Vec<(String, uuid::Uuid, bool)> = match &app.db {
        Db::Sqlite(pool) => sqlx::query_as(QUERY).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_as(QUERY).fetch_all(pool).await.unwrap(),
    };
    assert_eq!(rows.len(), 1);
    let (stored, user, live) = &rows[0];
    assert_ne!(stored, &signed_in.token);
    assert!(!stored.contains(&signed_in.token));
    assert_eq!(
        stored,
        &format!("{:x}", Sha256::digest(signed_in.token.as_bytes()))
    );
    assert_eq!(*user, id.as_uuid());
    assert!(live);
}
on_both_backends!(
    session_token_stored_hashed,
    only_the_hash_of_a_token_is_stored
);
