pub mod admin;
pub mod deals;
pub mod royalty;
