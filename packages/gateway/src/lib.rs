//! `farthing-gateway` (issue 14, in progress on branch `gateway`): the acceptance rule of
//! a paid request. The server, the store, the settler and the clients come next.
pub mod ledger;
