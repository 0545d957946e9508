//! 0.2.0: channel deadlines move by the time the token is paused and the time the issuer
//! keeps a channel's payer frozen.
//!
//! Layouts of 0.1.0 and how 0.2.0 reads them:
//! - `Config` (`"c"`): `{"r": registry, "p": paused}`; the pause clock fields `"a"` (when
//!   the current pause began) and `"s"` (seconds of ended pauses) default to none and 0.
//! - `Account` (`"b"` + canonical address): the compact array `[balance, frozen_amount,
//!   frozen, window_start, window_used]` (trailing zeros dropped); the freeze clock fields
//!   `frozen_at` and `frozen_seconds` (positions 5 and 6) default to 0.
//! - `Channel` (`"ch"` + id): no `travel_rule_ref` (none) and no `stop_mark` (0).
//!
//! So existing data reads as it is, and most of it needs no write. Two stops in progress at
//! the migration do: without a start time, their clock would not run for the rest of the
//! stop, and it would eat the life of the channels it should protect (a payee cannot claim
//! while the token is paused or the payer frozen). Both clocks start at the migration:
//! - a token paused under 0.1.0 gets `paused_at`;
//! - a payer of an open channel, frozen under 0.1.0, gets `frozen_at`. Other frozen
//!   accounts pay no open channel, so their clock would move nothing; they are left as they
//!   are (a lost wallet frozen by a 0.1.0 recovery that still pays an open channel is
//!   indistinguishable from an issuer freeze, and is treated as one: its channels' deadlines
//!   then move while it stays frozen, and its payee can still close at any time).
//!
//! Cost: one read per channel ever opened and one account read per distinct payer of an
//! open channel, once.

use std::collections::BTreeSet;

use cosmwasm_std::{Addr, DepsMut, Env, Order, StdResult};

use crate::ledger;
use crate::state::{CHANNELS_PRIMARY, CONFIG};
use crate::ContractResult;

pub fn migrate(mut deps: DepsMut, env: &Env) -> ContractResult<()> {
    let now = env.block.time.seconds();
    let mut config = CONFIG.load(deps.storage)?;
    if config.paused && config.paused_at.is_none() {
        config.paused_at = Some(now);
        CONFIG.save(deps.storage, &config)?;
    }
    let payers = CHANNELS_PRIMARY
        .range(deps.storage, None, None, Order::Ascending)
        .filter_map(|item| match item {
            Ok((_, ch)) if ch.closed => None,
            Ok((_, ch)) => Some(Ok(ch.payer)),
            Err(e) => Some(Err(e)),
        })
        .collect::<StdResult<BTreeSet<Addr>>>()?;
    for payer in payers {
        let account = ledger::load_account(deps.as_ref(), &payer)?;
        if account.frozen && account.frozen_at == 0 {
            ledger::update_account(deps.branch(), &payer, |acc| {
                acc.frozen_at = now;
                Ok(())
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::{mock_dependencies, mock_env, MockApi};
    use cosmwasm_std::{Storage, Timestamp, Uint128};

    use super::*;
    use crate::state::{channels, Account, ACCOUNTS};

    fn account_key(name: &str) -> (Addr, Vec<u8>) {
        let api = MockApi::default();
        let addr = api.addr_make(name);
        let canonical = cosmwasm_std::Api::addr_canonicalize(&api, addr.as_str()).unwrap();
        let mut key = vec![0, 1, b'b'];
        key.extend_from_slice(canonical.as_slice());
        (addr, key)
    }

    /// A channel as 0.1.0 stored it (no `travel_rule_ref`, no `stop_mark`).
    fn channel_010(id: u64, payer: &Addr, payee: &Addr, closed: bool) -> String {
        format!(
            r#"{{"id":{id},"payer":"{payer}","payee":"{payee}","signer":{{"ed25519":"{}"}},"deposit":"1000","claimed":"100","expires_at":"1700864000000000000","closing_at":null,"closed":{closed}}}"#,
            "11".repeat(32)
        )
    }

    fn put(storage: &mut dyn Storage, key: &[u8], value: &str) {
        storage.set(key, value.as_bytes());
    }

    #[test]
    fn the_0_1_0_layouts_read_as_they_are_and_stops_in_progress_start_their_clocks() {
        let mut deps = mock_dependencies();
        let env = mock_env();
        let now = env.block.time.seconds();
        let registry = MockApi::default().addr_make("registry");
        put(
            &mut deps.storage,
            b"c",
            &format!(r#"{{"r":"{registry}","p":true}}"#),
        );
        // Frozen payer of an open channel; frozen payer of a closed channel only; a frozen
        // holder; a payer with a volume window (all five 0.1.0 fields), not frozen.
        let (open_payer, k1) = account_key("open_payer");
        let (closed_payer, k2) = account_key("closed_payer");
        let (_, k3) = account_key("holder");
        let (busy, k4) = account_key("busy");
        let (payee, _) = account_key("payee");
        put(&mut deps.storage, &k1, "[900,0,1]");
        put(&mut deps.storage, &k2, "[50,0,1]");
        put(&mut deps.storage, &k3, "[7,3,1]");
        put(&mut deps.storage, &k4, "[1000,20,0,1699999000,400]");
        for (id, payer, closed) in [
            (1u64, &open_payer, false),
            (2, &closed_payer, true),
            (3, &busy, false),
            (4, &open_payer, false),
        ] {
            let key = CHANNELS_PRIMARY.key(id);
            put(
                &mut deps.storage,
                &key,
                &channel_010(id, payer, &payee, closed),
            );
        }

        migrate(deps.as_mut(), &env).unwrap();

        let config = CONFIG.load(&deps.storage).unwrap();
        assert_eq!(
            (
                config.registry,
                config.paused,
                config.paused_at,
                config.paused_seconds
            ),
            (Some(registry.clone()), true, Some(now), 0)
        );
        let raw = |k: &[u8]| String::from_utf8(deps.storage.get(k).unwrap()).unwrap();
        assert_eq!(
            raw(b"c"),
            format!(r#"{{"r":"{registry}","p":true,"a":{now}}}"#)
        );
        // Only the frozen payer of an open channel gets a freeze clock.
        assert_eq!(raw(&k1), format!("[900,0,1,0,0,{now}]"));
        assert_eq!(raw(&k2), "[50,0,1]");
        assert_eq!(raw(&k3), "[7,3,1]");
        assert_eq!(raw(&k4), "[1000,20,0,1699999000,400]");
        let busy_account = ACCOUNTS.load(&deps.storage, &k4[3..]).unwrap();
        assert_eq!(
            busy_account,
            Account {
                balance: Uint128::new(1000),
                frozen_amount: Uint128::new(20),
                frozen: false,
                window_start: 1_699_999_000,
                window_used: Uint128::new(400),
                frozen_at: 0,
                frozen_seconds: 0,
            }
        );
        let ch = channels().load(&deps.storage, 1).unwrap();
        assert_eq!((ch.travel_rule_ref, ch.stop_mark), (None, 0));
        assert_eq!(
            (ch.deposit, ch.claimed, ch.expires_at, ch.closed),
            (
                Uint128::new(1000),
                Uint128::new(100),
                Timestamp::from_seconds(1_700_864_000),
                false
            )
        );
        // The freeze clock runs from the migration.
        let frozen = ACCOUNTS.load(&deps.storage, &k1[3..]).unwrap();
        assert_eq!(frozen.frozen_until(env.block.time.plus_seconds(60)), 60);
    }

    #[test]
    fn an_unpaused_token_without_frozen_payers_is_left_byte_for_byte() {
        let mut deps = mock_dependencies();
        let registry = MockApi::default().addr_make("registry");
        let config = format!(r#"{{"r":"{registry}","p":false}}"#);
        put(&mut deps.storage, b"c", &config);
        let (payer, k) = account_key("payer");
        let (payee, _) = account_key("payee");
        put(&mut deps.storage, &k, "[5]");
        let key = CHANNELS_PRIMARY.key(1);
        let channel = channel_010(1, &payer, &payee, false);
        put(&mut deps.storage, &key, &channel);

        migrate(deps.as_mut(), &mock_env()).unwrap();

        assert_eq!(deps.storage.get(b"c").unwrap(), config.as_bytes());
        assert_eq!(deps.storage.get(&k).unwrap(), b"[5]");
        assert_eq!(deps.storage.get(&key).unwrap(), channel.as_bytes());
    }
}
