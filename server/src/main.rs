//! The `anxun-server` binary: settings → logging → build → serve until Ctrl-C or SIGTERM.

use anxun_server::{
    config::Settings,
    demo::{self, Seeded},
    startup::{Announcement, Application},
};
use anyhow::Context;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    let filter = settings
        .log
        .as_deref()
        .map(EnvFilter::try_new)
        .unwrap_or_else(|| {
            EnvFilter::try_from_default_env().or_else(|_| EnvFilter::try_new("info"))
        })
        .context("invalid log filter")?;
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let app = Application::build(&settings).await?;
    let address = app.local_addr()?;
    announce(app.announcements(), &format!("http://{address}"));
    tracing::info!(%address, database = app.db().backend(), "anxun-server listening");
    app.run_until(shutdown_signal()).await?;
    tracing::info!("anxun-server stopped");
    Ok(())
}

/// Prints what the operator must know, once, to standard output (never to the log).
fn announce(announcements: &[Announcement], url: &str) {
    println!("\n安巡 Anxun is running at {url}");
    for announcement in announcements {
        match announcement {
            Announcement::Demo(Seeded::Created {
                password,
                generated,
                sites,
            }) => {
                println!("\n┌─ 演示数据 Demo data (clearly labelled 演示) ──────────────");
                println!(
                    "│ district {}: {sites} sites across gas, factories/warehouses, e-bikes",
                    demo::DISTRICT
                );
                for (username, _, role) in demo::ACCOUNTS {
                    println!("│ {username:<16} {:<11} password: {password}", role.code());
                }
                if *generated {
                    println!("│ (password generated; set ANXUN_DEMO_PASSWORD to choose one)");
                }
                println!("└───────────────────────────────────────────────────────────");
            }
            Announcement::Demo(Seeded::AlreadyPresent) => {
                println!(
                    "Demo data already present: accounts {} keep their password.",
                    demo::ACCOUNTS.map(|(username, _, _)| username).join(", ")
                );
            }
            Announcement::FirstAdmin(admin) => {
                println!("\n┌─ First administrator ─────────────────────────────────────");
                match &admin.generated_password {
                    Some(password) => {
                        println!("│ username: {}   password: {password}", admin.username);
                        println!("│ This password is shown only now. Keep it safe.");
                    }
                    None => println!(
                        "│ username: {} (password from ANXUN_ADMIN_PASSWORD)",
                        admin.username
                    ),
                }
                println!("└───────────────────────────────────────────────────────────");
            }
        }
    }
    println!("\nCtrl-C stops the server.\n");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
