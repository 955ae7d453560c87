//! One file per panel. Panels read [`super::AppState`] and push [`super::Command`]s; they never
//! change data themselves.

pub mod inspector;
pub mod open_bar;
pub mod status_bar;
