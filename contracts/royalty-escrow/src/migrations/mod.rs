//! One module per release whose stored data needs converting.

pub mod v0_2_0;
