//! The identity of the app build being served. The service worker names its cache after it, so
//! tablets drop a cached app as soon as the server serves another one, and never mix the HTML of
//! one build with the WebAssembly of another.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use leptos::config::LeptosOptions;

/// What the service worker needs to know about the build.
#[derive(Clone, Debug)]
pub struct BuildInfo {
    /// A hash of the app's compiled files and of this server binary's version.
    pub id: String,
    /// The URLs the service worker stores for offline use.
    pub precache: Vec<String>,
    /// The URLs it stores the first time the app asks for them (the QR code reader, the card
    /// reader), in groups, each kept in the next build's cache too once a tablet has used it.
    pub lazy: Vec<Vec<String>>,
}

/// Files loaded only when first used, not with the capture screen, in groups the service worker
/// keeps across upgrades each on its own: the QR code reader, loaded when the officer first taps
/// "扫码", and the business-card reader (its OCR models and runtime, ~30 MB), loaded when a card
/// is first photographed. A group's first file tells whether a tablet has used it.
pub const LAZY_ASSETS: [&[&str]; 2] = [
    &["/scan.js", "/scan-worker.js", "/scanner/scanner.js", "/scanner/scanner_bg.wasm"],
    &[
        "/ocr-worker.js",
        "/ocr/ort.wasm.min.js",
        "/ocr/ort-wasm-simd-threaded.mjs",
        "/ocr/ort-wasm-simd-threaded.wasm",
        "/ocr/det.onnx",
        "/ocr/rec.onnx",
        "/ocr/keys.txt",
        // The extractor that places the text in fields runs in the QR reader's module.
        "/scanner/scanner.js",
        "/scanner/scanner_bg.wasm",
    ],
];

impl BuildInfo {
    /// Reads the built site's files once, at start-up.
    pub fn from_site(options: &LeptosOptions) -> Self {
        let name = &options.output_name;
        let pkg = format!("/{}", options.site_pkg_dir);
        let assets = [
            format!("{pkg}/{name}.js"),
            format!("{pkg}/{name}.wasm"),
            format!("{pkg}/{name}.css"),
            "/journal.js".to_owned(),
            // Small (~4 KB gzip), loaded by the page only when a photo is taken or shown, but kept
            // from the start so that the first card photo works offline too.
            "/photos.js".to_owned(),
            "/manifest.webmanifest".to_owned(),
            "/icons/icon-192.png".to_owned(),
            "/icons/icon-512.png".to_owned(),
        ];
        let mut hasher = DefaultHasher::new();
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        for asset in assets.iter().map(String::as_str).chain(LAZY_ASSETS.into_iter().flatten().copied()) {
            let path = Path::new(options.site_root.as_ref()).join(asset.trim_start_matches('/'));
            // A missing file (a server started without a built site) hashes as empty.
            std::fs::read(path).unwrap_or_default().hash(&mut hasher);
        }
        let precache = app::OFFLINE_ROUTES.iter().map(|r| r.to_string()).chain(assets).collect();
        let lazy = LAZY_ASSETS.iter().map(|group| group.iter().map(|a| a.to_string()).collect()).collect();
        BuildInfo { id: format!("{:016x}", hasher.finish()), precache, lazy }
    }
}
