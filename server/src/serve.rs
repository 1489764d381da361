//! Serving connections, with the limits a server on a fair's network needs: a client that sends
//! its request headers slowly is cut off ([`Limits::header_read`]), a request that takes too long
//! is answered 503 ([`Limits::request`]), at most [`Limits::connections`] connections are served
//! at once (the next ones wait to be accepted), and a shutdown waits for the requests in flight
//! at most [`Limits::shutdown`]. (`axum::serve` offers none of these.) With a TLS configuration
//! (`crate::tls`) every connection is TLS, its handshake within [`Limits::header_read`].
//! [`redirect_to_https`] is the router of the plain-HTTP port beside it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The limits on connections and requests.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Time to send a request's headers, from its first byte (HTTP/1).
    pub header_read: Duration,
    /// Time to answer a request, body included.
    pub request: Duration,
    /// Connections served at once.
    pub connections: usize,
    /// Time the requests in flight get to finish after a shutdown signal.
    pub shutdown: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            // A sync of 500 leads waits its turn behind other tablets' batches: seconds at worst.
            request: Duration::from_secs(60),
            connections: 1024,
            shutdown: Duration::from_secs(20),
        }
    }
}

/// Answers 503 when the request is not answered within `limit` (the API's JSON, or plain text
/// elsewhere), and drops its work.
pub async fn request_timeout(limit: Duration, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) if api => crate::error::ApiError::Timeout.into_response(),
        Err(_) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "the server took too long; try again").into_response(),
    }
}

/// Serves `router` on `listener` (over TLS with `tls`) until `shutdown` completes, then lets the
/// requests in flight finish within `limits.shutdown`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read);
    builder.http2().timer(TokioTimer::new());
    let builder = Arc::new(builder);
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(limits.connections));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, a connection reset before it was accepted: go on.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = router.clone().map_request(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            request.map(axum::body::Body::new)
        });
        let service = TowerToHyperService::new(service);
        match acceptor.clone() {
            None => {
                let connection = graceful.watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned());
                tokio::spawn(async move {
                    let _ = connection.await;
                    drop(permit);
                });
            }
            Some(acceptor) => {
                let (builder, watcher) = (builder.clone(), graceful.watcher());
                tokio::spawn(async move {
                    // A client that does not finish its handshake in time is let go, as one that
                    // sends its headers slowly is.
                    match tokio::time::timeout(limits.header_read, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => {
                            let _ = watcher.watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned()).await;
                        }
                        Ok(Err(error)) => tracing::debug!(%error, %peer, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                    drop(permit);
                });
            }
        }
    }
    drop(listener);
    tracing::info!("shutdown signal received, finishing requests in flight");
    if tokio::time::timeout(limits.shutdown, graceful.shutdown()).await.is_err() {
        tracing::warn!(deadline_s = limits.shutdown.as_secs(), "requests still in flight at the shutdown deadline were cut off");
    }
    Ok(())
}

/// The plain-HTTP side of a server that serves HTTPS: every request is sent, with its path and
/// query, to the same host on `https_port` (308, so a form's POST stays a POST). A request whose
/// `Host` is not a host name or address is refused (400).
pub fn redirect_to_https(https_port: u16) -> Router {
    Router::new().fallback(move |headers: axum::http::HeaderMap, uri: axum::http::Uri| async move {
        let host = headers.get(axum::http::header::HOST).and_then(|v| v.to_str().ok()).and_then(host_of);
        let Some(host) = host else {
            return (axum::http::StatusCode::BAD_REQUEST, "no valid Host header").into_response();
        };
        let port = if https_port == 443 { String::new() } else { format!(":{https_port}") };
        let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        axum::response::Redirect::permanent(&format!("https://{host}{port}{path}")).into_response()
    })
}

/// The host of a `Host` header (`name`, `name:port`, `[v6]:port`), if it is one.
fn host_of(header: &str) -> Option<&str> {
    let host = match header.strip_prefix('[') {
        Some(rest) => &header[..rest.find(']')? + 2],
        None => header.split(':').next()?,
    };
    let valid = !host.is_empty()
        && host.len() <= 253
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b))
        && (host.starts_with('[') || !host.contains(':'));
    valid.then_some(host)
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn the_redirect_keeps_only_a_real_host() {
        assert_eq!(host_of("zs-fair.test:8080"), Some("zs-fair.test"));
        assert_eq!(host_of("192.168.1.10"), Some("192.168.1.10"));
        assert_eq!(host_of("[fe80::1]:80"), Some("[fe80::1]"));
        for bad in ["", "evil.test/@x", "a b", "x\\y", "[fe80::1"] {
            assert_eq!(host_of(bad), None, "{bad}");
        }
    }
}
