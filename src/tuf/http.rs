//! A repository over HTTP(S): names appended to a metadata and a targets base URL, the byte
//! cap enforced while the body arrives (an endless response is cut off, not buffered), timeouts
//! on connecting and on every read, 403 and 404 as "not there".

use std::io::Read as _;
use std::time::Duration;

use super::transport::{Area, FetchError, Transport};
use crate::files;

/// Connect, first byte and whole-body limits for one fetch.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// The whole request, body included: a server that trickles bytes is cut off too.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(10),
            total: Duration::from_secs(60),
        }
    }
}

/// ureq's resolver, except that an address written as an IP literal (a loopback test server, a
/// mirror given by address) is used as it is: with a timeout set, ureq's own resolver starts a
/// thread for every lookup, even of `127.0.0.1`.
#[derive(Debug, Default)]
struct LiteralFirst(ureq::unversioned::resolver::DefaultResolver);

impl ureq::unversioned::resolver::Resolver for LiteralFirst {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let literal = uri.host().and_then(|host| {
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .ok()
        });
        let default_port = match uri.scheme_str() {
            Some("https") => 443,
            _ => 80,
        };
        match literal {
            Some(ip) => {
                let mut addresses = self.empty();
                addresses.push(std::net::SocketAddr::new(
                    ip,
                    uri.port_u16().unwrap_or(default_port),
                ));
                Ok(addresses)
            }
            None => self.0.resolve(uri, config, timeout),
        }
    }
}

pub struct HttpTransport {
    agent: ureq::Agent,
    metadata_base: String,
    targets_base: String,
}

fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    }
}

/// Characters a URL path may hold as they are; everything else is `%XX` (a target path goes
/// into the URL as written, as python-tuf puts it, so a space must still be escaped).
fn escape_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl HttpTransport {
    pub fn new(metadata_url: &str, targets_url: &str, timeouts: Timeouts) -> HttpTransport {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(timeouts.connect))
            .timeout_global(Some(timeouts.total))
            .http_status_as_error(false)
            .max_redirects(5)
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            LiteralFirst::default(),
        );
        HttpTransport {
            agent,
            metadata_base: with_slash(metadata_url),
            targets_base: with_slash(targets_url),
        }
    }

    /// A repository at `url`: metadata under `url/metadata/` unless `url` itself serves
    /// `timestamp.json`; targets under `url/targets/` unless `targets_url` says otherwise.
    pub fn open(url: &str, targets_url: Option<&str>, timeouts: Timeouts) -> HttpTransport {
        let base = with_slash(url);
        let probe = HttpTransport::new(&base, &base, timeouts);
        let serves_metadata = probe
            .fetch(Area::Metadata, "timestamp.json", 16_384)
            .is_ok();
        let (metadata, root_targets) = if serves_metadata {
            (base.clone(), format!("{base}../targets/"))
        } else {
            (format!("{base}metadata/"), format!("{base}targets/"))
        };
        HttpTransport::new(&metadata, targets_url.unwrap_or(&root_targets), timeouts)
    }

    fn url(&self, area: Area, name: &str) -> String {
        let base = match area {
            Area::Metadata => &self.metadata_base,
            Area::Targets => &self.targets_base,
        };
        format!("{base}{}", escape_path(name))
    }
}

impl Transport for HttpTransport {
    fn fetch(&self, area: Area, name: &str, max_length: u64) -> Result<Vec<u8>, FetchError> {
        let decoded = files::percent_decode(name).unwrap_or_else(|| name.to_owned());
        files::check_relative(&decoded)?;
        let location = self.url(area, name);
        let io = |message: String| FetchError::Io {
            location: location.clone(),
            message,
        };
        let described = |e: ureq::Error| match e {
            ureq::Error::Timeout(_) => {
                "timed out: the server did not answer within the time allowed".to_owned()
            }
            other => other.to_string(),
        };
        let response = self
            .agent
            .get(&location)
            .call()
            .map_err(|e| io(described(e)))?;
        let status = response.status().as_u16();
        if status == 403 || status == 404 {
            return Err(FetchError::NotFound { location });
        }
        if !(200..300).contains(&status) {
            return Err(io(format!("the server answered HTTP {status}")));
        }
        let mut bytes = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(max_length + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                let text = crate::report::chain(&e);
                match e
                    .into_inner()
                    .and_then(|inner| inner.downcast::<ureq::Error>().ok())
                {
                    Some(inner) => io(described(*inner)),
                    None => io(text),
                }
            })?;
        if bytes.len() as u64 > max_length {
            return Err(FetchError::TooLarge {
                location,
                limit: max_length,
            });
        }
        Ok(bytes)
    }

    fn location(&self, area: Area, name: &str) -> String {
        self.url(area, name)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_are_escaped_as_urls_need() {
        assert_eq!(super::escape_path("a b/c%2Fd.tgz"), "a%20b/c%2Fd.tgz");
        assert_eq!(super::escape_path("ü"), "%C3%BC");
    }

    #[test]
    fn ip_literals_are_used_as_written_and_names_are_looked_up() {
        use ureq::unversioned::resolver::Resolver as _;
        let resolver = super::LiteralFirst::default();
        let config = ureq::config::Config::default();
        let resolve = |url: &str| {
            let uri: ureq::http::Uri = url.parse().unwrap();
            resolver
                .resolve(
                    &uri,
                    &config,
                    ureq::unversioned::transport::NextTimeout::default(),
                )
                .map(|addresses| addresses.iter().map(|a| a.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(
            resolve("http://127.0.0.1:8080/m/").unwrap(),
            ["127.0.0.1:8080"]
        );
        assert_eq!(resolve("https://[::1]/m/").unwrap(), ["[::1]:443"]);
        assert_eq!(resolve("http://10.1.2.3/").unwrap(), ["10.1.2.3:80"]);
        let local = resolve("http://localhost:9/").unwrap();
        assert!(
            local.iter().all(|a| a.ends_with(":9")) && !local.is_empty(),
            "{local:?}"
        );
    }
}
