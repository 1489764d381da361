//! HTTPS. A tablet installs the offline shell (the service worker) only from a secure origin:
//! `https://`, or `http://localhost`. So a server reached by a name or a LAN address serves TLS
//! itself (`ZS_TLS_CERT`, `ZS_TLS_KEY`: PEM files) or sits behind a reverse proxy that does.
//!
//! For a LAN box at a fair, with no public name to get a certificate for, `server cert --host
//! NAME` makes a small local certificate authority (`ca.crt`, installed once on each tablet as a
//! trusted CA) and a server certificate it signs for the names and addresses given. The authority's
//! key stays beside it (`ca.key`, readable by its owner only), so a new certificate for a new
//! address is signed by the authority the tablets already trust.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls;

/// Where the certificate and its key are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("the TLS certificate and key do not fit together: {0}")]
    Config(String),
    #[error("cannot make the certificate: {0}")]
    Make(String),
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
}

/// The TLS configuration of the server: HTTP/2 and HTTP/1.1 offered.
pub fn server_config(files: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let read_error = |path: &Path, e: &dyn std::fmt::Display| TlsError::Read { path: path.display().to_string(), message: e.to_string() };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| read_error(&files.cert, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| read_error(&files.cert, &e))?;
    if certs.is_empty() {
        return Err(read_error(&files.cert, &"no certificate in the file"));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| read_error(&files.key, &e))?;
    // ring, not aws-lc-rs: it builds with the C compiler alone. rustls marks it deprecated for
    // lacking post-quantum key exchange, which a fair's LAN box does without.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The files `server cert` writes into its directory.
pub const CA_CERT: &str = "ca.crt";
pub const CA_KEY: &str = "ca.key";
pub const CERT: &str = "cert.pem";
pub const KEY: &str = "key.pem";

/// The local authority's fixed parameters: a certificate it signs names it by these, so the same
/// key signs for the same authority every time.
fn authority_params() -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.distinguished_name.push(DnType::CommonName, "Zhaoshang Field local CA");
    params.distinguished_name.push(DnType::OrganizationName, "招商外勤");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(3650);
    Ok(params)
}

fn write(path: &Path, contents: &str, private: bool) -> Result<(), TlsError> {
    let error = |source| TlsError::Write { path: path.display().to_string(), source };
    std::fs::write(path, contents).map_err(error)?;
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(error)?;
    }
    #[cfg(not(unix))]
    let _ = private;
    Ok(())
}

/// What `server cert` made.
#[derive(Debug)]
pub struct Made {
    pub files: TlsFiles,
    pub ca_cert: PathBuf,
    /// Whether the authority was made now (else the one in the directory signed).
    pub new_authority: bool,
}

/// Makes, in `dir`, a server certificate for `hosts` (names or IP addresses) signed by the local
/// authority kept there, making the authority first when there is none. Valid 825 days (the
/// longest a tablet accepts from an authority a person installed).
pub fn make_certificate(dir: &Path, hosts: &[String]) -> Result<Made, TlsError> {
    let make = |e: rcgen::Error| TlsError::Make(e.to_string());
    std::fs::create_dir_all(dir).map_err(|source| TlsError::Write { path: dir.display().to_string(), source })?;
    let (ca_cert, ca_key) = (dir.join(CA_CERT), dir.join(CA_KEY));
    let new_authority = !(ca_cert.exists() && ca_key.exists());
    let authority_key = if new_authority {
        let key = KeyPair::generate().map_err(make)?;
        let cert = authority_params().map_err(make)?.self_signed(&key).map_err(make)?;
        write(&ca_key, &key.serialize_pem(), true)?;
        write(&ca_cert, &cert.pem(), false)?;
        key
    } else {
        let pem =
            std::fs::read_to_string(&ca_key).map_err(|e| TlsError::Read { path: ca_key.display().to_string(), message: e.to_string() })?;
        KeyPair::from_pem(&pem).map_err(make)?
    };
    let issuer = Issuer::new(authority_params().map_err(make)?, authority_key);

    let mut params = CertificateParams::new(hosts.to_vec()).map_err(make)?;
    params.distinguished_name.push(DnType::CommonName, hosts.first().cloned().unwrap_or_default());
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.use_authority_key_identifier_extension = true;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(825);
    let key = KeyPair::generate().map_err(make)?;
    let cert = params.signed_by(&key, &issuer).map_err(make)?;
    let files = TlsFiles { cert: dir.join(CERT), key: dir.join(KEY) };
    // The chain: the server's certificate, then the authority's.
    let authority_pem =
        std::fs::read_to_string(&ca_cert).map_err(|e| TlsError::Read { path: ca_cert.display().to_string(), message: e.to_string() })?;
    write(&files.cert, &format!("{}{authority_pem}", cert.pem()), false)?;
    write(&files.key, &key.serialize_pem(), true)?;
    Ok(Made { files, ca_cert, new_authority })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_certificate_serves_and_a_second_one_is_signed_by_the_same_authority() {
        let dir = tempfile::tempdir().unwrap();
        let first = make_certificate(dir.path(), &["zs-fair.test".into(), "192.168.1.10".into()]).unwrap();
        assert!(first.new_authority);
        server_config(&first.files).expect("the certificate and key fit");
        let authority = std::fs::read_to_string(&first.ca_cert).unwrap();
        let second = make_certificate(dir.path(), &["192.168.1.11".into()]).unwrap();
        assert!(!second.new_authority, "the authority the tablets trust signs again");
        assert_eq!(std::fs::read_to_string(&second.ca_cert).unwrap(), authority);
        server_config(&second.files).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(CA_KEY)).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the authority's key is its owner's only");
        }
    }

    #[test]
    fn a_missing_or_mismatched_key_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let made = make_certificate(dir.path(), &["a.test".into()]).unwrap();
        let wrong = TlsFiles { cert: made.files.cert.clone(), key: dir.path().join(CA_KEY) };
        assert!(matches!(server_config(&wrong), Err(TlsError::Config(_))));
        let missing = TlsFiles { cert: dir.path().join("nope.pem"), key: made.files.key };
        assert!(server_config(&missing).unwrap_err().to_string().contains("nope.pem"));
    }
}
