//! What the fuzz targets share (each target is a binary in `fuzz_targets/`).

pub mod session_cache;
