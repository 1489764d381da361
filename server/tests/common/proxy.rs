//! A TCP proxy between test clients and the server that injects network faults, one per
//! connection: drop the response after the server has answered (so after it committed), or cut the
//! request half-way. The clients open a new connection per request, so each fault hits one request.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What happens to the next connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Passed through untouched.
    None,
    /// The request reaches the server; its response never reaches the client.
    DropResponse,
    /// Only the first bytes of the request reach the server, then both sides are closed.
    CutRequest,
}

#[derive(Clone)]
pub struct FaultProxy {
    pub addr: SocketAddr,
    upstream: Arc<Mutex<SocketAddr>>,
    faults: Arc<Mutex<VecDeque<Fault>>>,
}

impl FaultProxy {
    pub async fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = FaultProxy {
            addr: listener.local_addr().unwrap(),
            upstream: Arc::new(Mutex::new(upstream)),
            faults: Arc::new(Mutex::new(VecDeque::new())),
        };
        let this = proxy.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let fault = this.faults.lock().unwrap().pop_front().unwrap_or(Fault::None);
                let upstream = *this.upstream.lock().unwrap();
                tokio::spawn(handle(client, upstream, fault));
            }
        });
        proxy
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Points the proxy at another server (after a restart on a new port).
    pub fn set_upstream(&self, addr: SocketAddr) {
        *self.upstream.lock().unwrap() = addr;
    }

    /// Queues a fault for the next connection.
    pub fn inject(&self, fault: Fault) {
        self.faults.lock().unwrap().push_back(fault);
    }
}

async fn handle(mut client: TcpStream, upstream: SocketAddr, fault: Fault) {
    let Ok(mut server) = TcpStream::connect(upstream).await else { return };
    match fault {
        Fault::None => {
            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
        }
        Fault::CutRequest => {
            let mut buffer = vec![0u8; 64 * 1024];
            if let Ok(n) = client.read(&mut buffer).await {
                let _ = server.write_all(&buffer[..n / 2]).await;
            }
            // Both sides closed with the request half sent.
        }
        Fault::DropResponse => {
            let (mut client_read, _client_write) = client.split();
            let (mut server_read, mut server_write) = server.split();
            let forward = tokio::io::copy(&mut client_read, &mut server_write);
            let swallow = async {
                let mut buffer = vec![0u8; 64 * 1024];
                let mut seen = false;
                loop {
                    match tokio::time::timeout(Duration::from_millis(300), server_read.read(&mut buffer)).await {
                        Ok(Ok(0)) | Ok(Err(_)) => break,
                        Ok(Ok(_)) => seen = true,
                        Err(_) if seen => break, // the whole response has come and gone
                        Err(_) => {}
                    }
                }
            };
            tokio::select! {
                _ = forward => {}
                () = swallow => {}
            }
        }
    }
}
