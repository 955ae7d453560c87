//! A Fulcio signing certificate in words: who signed (the subject alternative name), which
//! OIDC issuer vouched for them, and the claims Fulcio copied from the token into its
//! extensions (`1.3.6.1.4.1.57264.1.*`, Fulcio's `docs/oid-info.md`): the workflow, repository,
//! ref, trigger and runner of a CI signer. Read for display; the chain, validity and log
//! checks belong to the Sigstore verification.

use x509_cert::Certificate;
use x509_cert::der::Decode as _;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

/// Why a certificate could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the certificate is not DER X.509 chainscope can read: {0}")]
pub struct CertificateError(String);

/// What a signing certificate says, labelled as Fulcio's documentation labels it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The subject alternative names: an email, or a URI (a CI workflow's identity).
    pub identity: Vec<String>,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// (label, value) of each Fulcio extension present, in the order of the table below.
    pub fulcio: Vec<(&'static str, String)>,
}

/// Fulcio's extensions by the last arc of `1.3.6.1.4.1.57264.1`: the deprecated first six
/// hold raw bytes, the later ones a DER UTF8String.
const FULCIO: [(u32, &str); 21] = [
    (1, "OIDC issuer"),
    (8, "OIDC issuer"),
    (2, "workflow trigger"),
    (3, "workflow commit"),
    (4, "workflow name"),
    (5, "workflow repository"),
    (6, "workflow ref"),
    (9, "build signer"),
    (10, "build signer digest"),
    (11, "runner"),
    (12, "source repository"),
    (13, "source commit"),
    (14, "source ref"),
    (15, "source repository id"),
    (16, "source owner"),
    (17, "source owner id"),
    (18, "build config"),
    (19, "build config digest"),
    (20, "build trigger"),
    (21, "run"),
    (22, "source visibility"),
];

const FULCIO_ARC: &str = "1.3.6.1.4.1.57264.1.";

/// Reads a DER certificate's identity and Fulcio claims.
pub fn claims(der: &[u8]) -> Result<Claims, CertificateError> {
    let certificate = Certificate::from_der(der).map_err(|e| CertificateError(e.to_string()))?;
    let tbs = certificate.tbs_certificate();
    let identity = match tbs.get_extension::<SubjectAltName>() {
        Ok(Some((_, names))) => names
            .0
            .iter()
            .filter_map(|name| match name {
                GeneralName::Rfc822Name(email) => Some(email.to_string()),
                GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
                GeneralName::DnsName(dns) => Some(dns.to_string()),
                _ => None,
            })
            .collect(),
        Ok(None) => Vec::new(),
        Err(e) => return Err(CertificateError(e.to_string())),
    };
    let mut found: Vec<(u32, String)> = Vec::new();
    for extension in tbs.extensions().into_iter().flatten() {
        let oid = extension.extn_id.to_string();
        let Some(arc) = oid
            .strip_prefix(FULCIO_ARC)
            .and_then(|rest| rest.parse::<u32>().ok())
        else {
            continue;
        };
        let bytes = extension.extn_value.as_bytes();
        let value = if arc <= 6 {
            String::from_utf8_lossy(bytes).into_owned()
        } else {
            match x509_cert::der::asn1::Utf8StringRef::from_der(bytes) {
                Ok(text) => text.as_str().to_owned(),
                Err(_) => String::from_utf8_lossy(bytes).into_owned(),
            }
        };
        found.push((arc, value));
    }
    let mut fulcio = Vec::new();
    for (arc, label) in FULCIO {
        if let Some((_, value)) = found.iter().find(|(a, _)| *a == arc) {
            // The V2 issuer repeats the deprecated one: once is enough.
            if !fulcio.iter().any(|(l, v)| *l == label && v == value) {
                fulcio.push((label, value.clone()));
            }
        }
    }
    let validity = tbs.validity();
    Ok(Claims {
        identity,
        issuer: tbs.issuer().to_string(),
        not_before: validity.not_before.to_string(),
        not_after: validity.not_after.to_string(),
        fulcio,
    })
}
