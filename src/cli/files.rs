//! `chainscope inspect` and `chainscope cjson`.

use std::io::Write as _;
use std::path::Path;

use chainscope::cjson;
use chainscope::inspect::{self, inspect_file};

use super::{Failure, Format};

pub fn run_inspect(file: &Path, format: Format) -> Result<u8, Failure> {
    let report = inspect_file(file).map_err(|e| {
        Failure::new(format!("cannot inspect {}", e.path.display())).cause(e.source)
    })?;
    match format {
        Format::Text => out!("{}", report.render_text()),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
        ),
    }
    Ok(if report.signatures_ok() == Some(false) {
        1
    } else {
        0
    })
}

pub fn run_cjson(file: &Path, signed: bool) -> Result<u8, Failure> {
    let read_failure = |cause: &(dyn std::error::Error + 'static)| {
        Failure::new(format!("cannot read {}", file.display())).cause_ref(cause)
    };
    let bytes =
        inspect::read_bounded(file, inspect::MAX_METADATA_BYTES).map_err(|e| read_failure(&e))?;
    let value = cjson::parse(&bytes).map_err(|e| read_failure(&e))?;
    let output = if signed {
        let envelope =
            chainscope::crypto::Envelope::from_value(&value).map_err(|e| read_failure(&e))?;
        envelope.signed_bytes().map_err(|e| read_failure(&e))?
    } else {
        cjson::encode(&value).map_err(|e| read_failure(&e))?
    };
    std::io::stdout()
        .write_all(&output)
        .map_err(|e| Failure::new("cannot write to standard output").cause(e))?;
    Ok(0)
}
