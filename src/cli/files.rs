//! `chainscope inspect` and `chainscope cjson`.

use std::io::Write as _;
use std::path::Path;

use chainscope::cjson;
use chainscope::inspect::{self, inspect_file};

use super::{Failure, Format};

pub fn run_inspect(file: &Path, format: Format) -> Result<u8, Failure> {
    let cannot = |e: inspect::InspectError| {
        Failure::new(format!("cannot inspect {}", e.path.display())).cause(e.source)
    };
    // A JSON Lines file (`.intoto.jsonl`) holds one document per line: each is reported.
    let lines = inspect::is_json_lines(file);
    let reports = if lines {
        inspect::inspect_lines(file).map_err(cannot)?
    } else {
        vec![inspect_file(file).map_err(cannot)?]
    };
    match format {
        Format::Text => {
            for report in &reports {
                out!("{}", report.render_text());
            }
        }
        Format::Json if lines => outln!(
            "{}",
            serde_json::to_string_pretty(&reports.iter().map(|r| r.to_json()).collect::<Vec<_>>())
                .unwrap_or_default()
        ),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&reports[0].to_json()).unwrap_or_default()
        ),
    }
    Ok(
        if reports.iter().any(|r| r.signatures_ok() == Some(false)) {
            1
        } else {
            0
        },
    )
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
