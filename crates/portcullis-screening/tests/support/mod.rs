//! Helpers shared by the integration tests.
pub mod labelled;
pub mod synth;
