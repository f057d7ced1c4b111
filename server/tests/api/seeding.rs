use crate::{
    helpers::{Backend, Options, spawn},
    on_both_backends,
};
use anxun_domain::site::Area;
use anxun_server::accounts::verify_password;

async fn demo_is_seeded_once(backend: Backend) {
    let options = Options {
        demo: true,
        demo_password: Some("demo-password-1".into()),
        ..Options::default()
    };
    let first = spawn(&backend, options.clone()).await;
    assert_eq!(first.announcements.len(), 1, "{:?}", first.announcements);
    assert!(first.announcements[0].starts_with("demo:Created"));
    assert_eq!(
        first.db.user_count().await.unwrap(),
        3,
        "only the demo accounts"
    );
    assert_eq!(first.db.site_count(None).await.unwrap(), 20);
    for area in Area::ALL {
        assert!(
            first.db.site_count(Some(area)).await.unwrap() >= 5,
            "{area}"
        );
    }
    let sites = first.db.sites().await.unwrap();
    assert!(
        sites
            .iter()
            .all(|site| site.name().as_str().contains("演示"))
    );
    for username in ["demo-inspector", "demo-supervisor", "demo-admin"] {
        let user = first.db.user_by_username(username).await.unwrap().unwrap();
        assert!(
            verify_password("demo-password-1", &user.password_hash),
            "{username}"
        );
    }
    let inspector = first
        .db
        .user_by_username("demo-inspector")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(inspector.role.code(), "inspector");

    // A second start on the same database changes nothing.
    let again = spawn(
        &backend,
        Options {
            data_dir: Some(first.data_dir.path().join("data")),
            ..options
        },
    )
    .await;
    assert_eq!(again.announcements, ["demo:AlreadyPresent"]);
    assert_eq!(again.db.user_count().await.unwrap(), 3);
    assert_eq!(again.db.site_count(None).await.unwrap(), 20);
}
on_both_backends!(demo_seeding, demo_is_seeded_once);

async fn first_admin_only_without_demo(backend: Backend) {
    let options = Options {
        admin_password: Some("admin-password-1".into()),
        ..Options::default()
    };
    let first = spawn(&backend, options.clone()).await;
    assert_eq!(first.announcements, ["first_admin"]);
    assert_eq!(first.db.user_count().await.unwrap(), 1);
    assert_eq!(first.db.site_count(None).await.unwrap(), 0);
    let admin = first.db.user_by_username("admin").await.unwrap().unwrap();
    assert_eq!(admin.role.code(), "admin");
    assert!(admin.password_hash.starts_with("$argon2id$"));
    assert!(verify_password("admin-password-1", &admin.password_hash));

    let again = spawn(
        &backend,
        Options {
            data_dir: Some(first.data_dir.path().join("data")),
            ..options
        },
    )
    .await;
    assert!(again.announcements.is_empty());
    assert_eq!(again.db.user_count().await.unwrap(), 1);
}
on_both_backends!(first_admin, first_admin_only_without_demo);
