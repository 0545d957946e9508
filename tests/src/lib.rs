//! Integration tests live in `tests/all.rs` (one test binary).
