//! The 检查码 scanner on the sites screen: the rear camera's picture, decoded a few times a
//! second until a site's code is found, which opens the site; a photo of the code where there
//! is no camera. The decoding and what a code means are in `crate::scan`.

use crate::{
    components::photos::picked_files,
    i18n::{t_string, use_i18n},
    routes::paths,
    scan::{CameraError, Decoder, Scanned, sleep, start_camera, stop_camera},
    state::use_db,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

/// How often a camera frame is decoded.
const FRAME_INTERVAL_MS: i32 = 200;

/// What the scanner tells the inspector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notice {
    Camera(CameraNotice),
    NotASite,
    NotOnDevice,
    NoCodeInPhoto,
    DecoderFailed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CameraNotice {
    Denied,
    NoCamera,
    Unsupported,
    Failed,
}

impl From<&CameraError> for CameraNotice {
    fn from(error: &CameraError) -> CameraNotice {
        match error {
            CameraError::Denied => CameraNotice::Denied,
            CameraError::NoCamera => CameraNotice::NoCamera,
            CameraError::Unsupported => CameraNotice::Unsupported,
            CameraError::Other(_) => CameraNotice::Failed,
        }
    }
}

/// The scanner, open until a site is found or `on_close` is called.
#[component]
pub fn Scanner(on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let navigate = use_navigate();
    let video = NodeRef::<leptos::html::Video>::new();
    let notice = RwSignal::new(None::<Notice>);
    let filming = RwSignal::new(false);
    let alive = Arc::new(AtomicBool::new(true));
    let stream = StoredValue::new_local(None::<web_sys::MediaStream>);
    {
        let alive = alive.clone();
        on_cleanup(move || {
            alive.store(false, Ordering::Relaxed);
            if let Some(Some(stream)) = stream.try_get_value() {
                stop_camera(&stream);
            }
        });
    }

    // What a decoded text does: open the site, or say why not. `true` when the site opens.
    let handle = {
        let navigate = navigate.clone();
        move |text: String| {
            let navigate = navigate.clone();
            async move {
                let Some(db) = state.db() else { return false };
                let ids: Vec<_> = db
                    .sites()
                    .await
                    .unwrap_or_default()
                    .iter()
                    .map(|site| site.id())
                    .collect();
                match Scanned::of(&text, &ids) {
                    Scanned::Open(id) => {
                        navigate(&paths::site(id), Default::default());
                        true
                    }
                    Scanned::NotASite => {
                        notice.set(Some(Notice::NotASite));
                        false
                    }
                    Scanned::NotOnDevice(_) => {
                        notice.set(Some(Notice::NotOnDevice));
                        false
                    }
                }
            }
        }
    };

    let started = StoredValue::new(false);
    {
        let handle = handle.clone();
        Effect::new(move || {
            let Some(element) = video.get() else { return };
            if started.get_value() {
                return;
            }
            started.set_value(true);
            let alive = alive.clone();
            let handle = handle.clone();
            spawn_local(async move {
                let camera = match start_camera(&element).await {
                    Ok(camera) => camera,
                    Err(error) => {
                        notice.set(Some(Notice::Camera(CameraNotice::from(&error))));
                        return;
                    }
                };
                if !alive.load(Ordering::Relaxed) {
                    stop_camera(&camera);
                    return;
                }
                stream.set_value(Some(camera));
                filming.set(true);
                let mut decoder = Decoder::new();
                while alive.load(Ordering::Relaxed) {
                    match decoder.video(&element).await {
                        Ok(Some(text)) => {
                            if handle(text).await {
                                break;
                            }
                        }
                        Ok(None) => {}
                        Err(_) => {
                            notice.set(Some(Notice::DecoderFailed));
                            break;
                        }
                    }
                    sleep(FRAME_INTERVAL_MS).await;
                }
            });
        });
    }

    let from_photo = move |event: leptos::ev::Event| {
        let Some(file) = picked_files(&event).into_iter().next() else {
            return;
        };
        let handle = handle.clone();
        spawn_local(async move {
            let mut decoder = Decoder::new();
            match decoder.file(&file).await {
                Ok(Some(text)) => {
                    handle(text).await;
                }
                Ok(None) => notice.set(Some(Notice::NoCodeInPhoto)),
                Err(_) => notice.set(Some(Notice::DecoderFailed)),
            }
        });
    };

    let text = move |notice: Notice| match notice {
        Notice::Camera(CameraNotice::Denied) => t_string!(i18n, scan.denied),
        Notice::Camera(CameraNotice::NoCamera) => t_string!(i18n, scan.no_camera),
        Notice::Camera(CameraNotice::Unsupported) => t_string!(i18n, scan.unsupported),
        Notice::Camera(CameraNotice::Failed) => t_string!(i18n, scan.camera_failed),
        Notice::NotASite => t_string!(i18n, scan.not_a_site),
        Notice::NotOnDevice => t_string!(i18n, scan.not_on_device),
        Notice::NoCodeInPhoto => t_string!(i18n, scan.no_code_in_photo),
        Notice::DecoderFailed => t_string!(i18n, scan.decoder_failed),
    };

    view! {
        <div class="scanner card" role="dialog" aria-modal="true" data-testid="scanner">
            <h2>{move || t_string!(i18n, scan.title)}</h2>
            <video
                node_ref=video
                class="scanner-video"
                class:hidden=move || !filming.get()
                autoplay
                muted
                playsinline
                data-testid="scanner-video"
            ></video>
            <p class="hint" class:hidden=move || !filming.get()>
                {move || t_string!(i18n, scan.hint)}
            </p>
            {move || {
                notice
                    .get()
                    .map(|n| view! { <p class="error" role="status" data-testid="scan-message">{text(n)}</p> })
            }}
            <div class="button-row">
                <label class="button">
                    {move || t_string!(i18n, scan.from_photo)}
                    <input
                        type="file"
                        accept="image/*"
                        capture="environment"
                        class="visually-hidden"
                        data-testid="scan-photo"
                        on:change=from_photo
                    />
                </label>
                <button type="button" data-testid="scan-close" on:click=move |_| on_close.run(())>
                    {move || t_string!(i18n, scan.close)}
                </button>
            </div>
        </div>
    }
}
