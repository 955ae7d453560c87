//! chainscope's core: everything the desktop app and the CLI share. No egui in here (the `app`
//! module sits behind the `gui` feature), no clock read deep inside, no commands run unasked.

pub mod attacks;
pub mod attest;
pub mod checks;
pub mod cjson;
pub mod crypto;
pub mod edit;
pub mod evidence;
pub mod files;
pub mod fnmatch;
#[doc(hidden)]
pub mod fuzzing;
pub mod gitignore;
pub mod graph;
pub mod inspect;
pub mod intoto;
pub mod ite2;
pub mod keyring;
pub mod memory;
pub mod model;
pub mod parallel;
pub mod process;
pub mod replay;
pub mod report;
pub mod samples;
pub mod shown;
pub mod sigstore;
#[cfg(test)]
mod test_rng;
pub mod time;
pub mod trace;
pub mod tuf;
pub mod workspace;

#[cfg(feature = "gui")]
pub mod app;
