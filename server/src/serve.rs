//! Serving connections, with the limits a server on a fair's network needs: a client that sends
//! its request headers slowly is cut off ([`Limits::header_read`]), a request that takes too long
//! is answered 503 ([`Limits::request`]), at most [`Limits::connections`] connections are served
//! at once (the next ones wait to be accepted), and a shutdown waits for the requests in flight
//! at most [`Limits::shutdown`]. (`axum::serve` offers none of these.)

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

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish within `limits.shutdown`.
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read);
    builder.http2().timer(TokioTimer::new());
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
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service)).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("shutdown signal received, finishing requests in flight");
    if tokio::time::timeout(limits.shutdown, graceful.shutdown()).await.is_err() {
        tracing::warn!(deadline_s = limits.shutdown.as_secs(), "requests still in flight at the shutdown deadline were cut off");
    }
    Ok(())
}
