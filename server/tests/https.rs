//! HTTPS served by the server itself, with a certificate `server cert` made: a client that trusts
//! the local authority gets the answers, with HSTS and a `Secure` session cookie; a client that
//! does not trust it gets no answer at all; the plain-HTTP port sends every request to the same
//! path over HTTPS, and refuses a `Host` that is not one. Behind a TLS-terminating proxy, the
//! proxy's `X-Forwarded-Proto: https` gives HSTS and a `Secure` cookie; a client's own does not.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use server::config::Config;
use server::db::users::Role;
use server::startup::Application;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

const HOST: &str = "zs-fair.test";

fn client(ca: Option<&Path>) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(ca) = ca {
        for cert in CertificateDer::pem_file_iter(ca).unwrap() {
            roots.add(cert.unwrap()).unwrap();
        }
    }
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// One HTTP/1.1 request over TLS to `port`, as a browser reaching `HOST` would send it.
async fn over_tls(connector: &tokio_rustls::TlsConnector, port: u16, request: &str) -> std::io::Result<String> {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
    let mut tls = connector.connect(ServerName::try_from(HOST).unwrap(), tcp).await?;
    tls.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    // The server may close without a TLS close_notify once it has answered.
    let _ = tls.read_to_end(&mut answer).await;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

async fn plain(address: SocketAddr, request: &str) -> String {
    let mut tcp = TcpStream::connect(address).await.unwrap();
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tcp.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn the_server_serves_https_with_its_certificate_and_redirects_plain_http() {
    let dir = tempfile::tempdir().unwrap();
    let made = server::cli::make_certificate(&[HOST.into(), "127.0.0.1".into()], &dir.path().join("tls")).unwrap();
    assert!(made.contains("ca.crt"), "{made}");
    let tls = server::tls::TlsFiles { cert: dir.path().join("tls/cert.pem"), key: dir.path().join("tls/key.pem") };
    let database_url = common::fresh_database_url(dir.path()).await;
    let config = Config::from_env()
        .unwrap()
        .with_address(SocketAddr::from(([127, 0, 0, 1], 0)))
        .with_site_root(dir.path().to_str().unwrap())
        .with_database_url(&database_url)
        .with_tls(tls)
        .with_http_redirect(SocketAddr::from(([127, 0, 0, 1], 0)));
    let app = Application::build(config).await.unwrap();
    assert_eq!(app.scheme(), "https");
    let (port, redirect) = (app.port(), app.redirect_address().unwrap());
    tokio::spawn(app.run_until_stopped());

    let trusting = client(Some(&dir.path().join("tls/ca.crt")));
    let health =
        over_tls(&trusting, port, &format!("GET /healthz HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n")).await.unwrap();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.to_ascii_lowercase().contains("strict-transport-security: max-age=31536000"), "{health}");

    // The session cookie a login sets over HTTPS is Secure.
    let db = server::db::Db::connect(&database_url).await.unwrap();
    let token = common::user_with_session(&db, "li.officer", Role::Officer).await;
    let logout = format!("POST /api/v1/logout HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let answer = over_tls(&trusting, port, &logout).await.unwrap();
    let cookie = answer.lines().find(|l| l.to_ascii_lowercase().starts_with("set-cookie:")).expect("a cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");

    // A client that does not trust the local authority is refused in the handshake.
    let stranger = over_tls(&client(None), port, "GET /healthz HTTP/1.1\r\n\r\n").await;
    assert!(stranger.is_err(), "{stranger:?}");

    // Plain HTTP on the redirect port: to the same path, over HTTPS, on the HTTPS port.
    let moved = plain(
        redirect,
        &format!("POST /manage/leads?q=%E6%88%90 HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(moved.starts_with("HTTP/1.1 308"), "{moved}");
    assert!(moved.contains(&format!("location: https://{HOST}:{port}/manage/leads?q=%E6%88%90")), "{moved}");
    let hostile = plain(redirect, "GET / HTTP/1.1\r\nHost: evil.test/@x\r\nConnection: close\r\n\r\n").await;
    assert!(hostile.starts_with("HTTP/1.1 400"), "{hostile}");
}

#[tokio::test]
async fn behind_a_tls_proxy_the_forwarded_scheme_gives_hsts_and_a_secure_cookie() {
    let app = common::spawn_app_behind_proxy().await;
    app.add_user("li.officer", Role::Officer).await;
    let login = |proto: Option<&'static str>| {
        let (client, url) = (app.client.clone(), app.url("/api/v1/login"));
        async move {
            let request = client.post(url).json(&serde_json::json!({ "username": "li.officer", "password": common::PASSWORD }));
            let request = match proto {
                Some(proto) => request.header("x-forwarded-proto", proto),
                None => request,
            };
            request.send().await.unwrap()
        }
    };
    let https = login(Some("https")).await;
    assert_eq!(https.status(), 200);
    assert!(https.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
    assert!(https.headers().contains_key("strict-transport-security"));
    let http = login(None).await;
    assert!(!http.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
    assert!(!http.headers().contains_key("strict-transport-security"));
}
