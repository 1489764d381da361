//! The address of the client a request comes from. Behind a reverse proxy every request comes
//! from the proxy: the client's address is then read from `X-Forwarded-For`, but only when the
//! peer is one of the configured trusted proxies (`ZS_TRUSTED_PROXIES`), since anyone can send the
//! header. The chain is read from the right, past every trusted proxy: the first address that is
//! not one is the client (what an address further left says was written by the client itself).

use std::net::IpAddr;

use axum::http::HeaderMap;

/// An address or a network (`10.0.0.0/8`, `::1`), as `ZS_TRUSTED_PROXIES` lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    /// Reads `10.1.2.3`, `10.0.0.0/8`, `::1` or `fd00::/8`.
    pub fn parse(text: &str) -> Option<Network> {
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address.parse::<IpAddr>().ok()?, prefix.parse::<u8>().ok()?),
            None => {
                let address = text.trim().parse::<IpAddr>().ok()?;
                (address, if address.is_ipv4() { 32 } else { 128 })
            }
        };
        let bits = if address.is_ipv4() { 32 } else { 128 };
        (prefix <= bits).then_some(Network { address, prefix })
    }

    /// Whether `address` is in this network.
    pub fn contains(&self, address: IpAddr) -> bool {
        let (network, address, bits) = match (self.address, canonical(address)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => (u128::from(u32::from(n)), u128::from(u32::from(a)), 32),
            (IpAddr::V6(n), IpAddr::V6(a)) => (u128::from(n), u128::from(a), 128),
            _ => return false,
        };
        let shift = bits - u32::from(self.prefix);
        shift >= bits || network >> shift == address >> shift
    }
}

/// An IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`) as the IPv4 address it is.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// Reads `ZS_TRUSTED_PROXIES` (comma-separated addresses or networks); `None` names what is wrong.
pub fn parse_list(text: &str) -> Result<Vec<Network>, String> {
    text.split(',').filter(|t| !t.trim().is_empty()).map(|t| Network::parse(t).ok_or_else(|| t.trim().to_owned())).collect()
}

/// The client's address: the peer's, or when the peer is a trusted proxy, the rightmost address
/// of `X-Forwarded-For` that is not a trusted proxy.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[Network]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |a: IpAddr| trusted.iter().any(|n| n.contains(a));
    if !is_trusted(peer) {
        return peer;
    }
    let forwarded =
        headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect::<Vec<_>>();
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(address) => {
                client = canonical(address);
                if !is_trusted(client) {
                    break;
                }
            }
            // A hop that is no address: nothing left of it can be trusted either.
            Err(_) => break,
        }
    }
    client
}

/// Whether a trusted proxy says the client reached it over HTTPS (`X-Forwarded-Proto: https`,
/// the proxy's own value being the last).
pub fn forwarded_https(peer: IpAddr, headers: &HeaderMap, trusted: &[Network]) -> bool {
    let peer = canonical(peer);
    if !trusted.iter().any(|n| n.contains(peer)) {
        return false;
    }
    let last = headers.get_all("x-forwarded-proto").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).next_back();
    last.is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_trusted_proxy_says_the_client_came_over_https() {
        let trusted = parse_list("10.0.0.0/8").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(forwarded_https("10.1.2.3".parse().unwrap(), &headers, &trusted));
        assert!(!forwarded_https("192.168.1.5".parse().unwrap(), &headers, &trusted), "a client cannot claim it");
        headers.insert("x-forwarded-proto", "https, http".parse().unwrap());
        assert!(!forwarded_https("10.1.2.3".parse().unwrap(), &headers, &trusted), "the proxy's own value is the last");
    }

    fn headers(forwarded: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", forwarded.parse().unwrap());
        headers
    }

    #[test]
    fn the_forwarded_address_counts_only_from_a_trusted_proxy() {
        let proxies = parse_list("127.0.0.1, 10.0.0.0/8").unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // A client sending the header itself is not believed.
        assert_eq!(client_address(ip("203.0.113.9"), &headers("198.51.100.1"), &proxies), ip("203.0.113.9"));
        // Through the proxy: the rightmost address the proxies did not write.
        assert_eq!(client_address(ip("127.0.0.1"), &headers("6.6.6.6, 198.51.100.7, 10.1.2.3"), &proxies), ip("198.51.100.7"));
        assert_eq!(client_address(ip("::ffff:127.0.0.1"), &headers("198.51.100.7"), &proxies), ip("198.51.100.7"));
        // No header, or only garbage: the proxy itself.
        assert_eq!(client_address(ip("127.0.0.1"), &HeaderMap::new(), &proxies), ip("127.0.0.1"));
        assert_eq!(client_address(ip("127.0.0.1"), &headers("unknown"), &proxies), ip("127.0.0.1"));
    }

    #[test]
    fn networks_are_read_and_matched() {
        assert!(Network::parse("10.0.0.0/8").unwrap().contains("10.200.1.1".parse().unwrap()));
        assert!(!Network::parse("10.0.0.0/8").unwrap().contains("11.0.0.1".parse().unwrap()));
        assert!(Network::parse("::1").unwrap().contains("::1".parse().unwrap()));
        assert!(Network::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert_eq!(parse_list("10.0.0.0/33"), Err("10.0.0.0/33".into()));
        assert_eq!(parse_list(""), Ok(vec![]));
    }
}
