//! The one compliance gate and the only writer of balances.
//!
//! Every balance movement is described as a [`Movement`], planned by [`plan`] (pause,
//! compliance, freezes, funds, volume window; no writes) and committed by [`commit`].
//! Execute handlers call [`apply`]; the `CanTransfer` query calls [`plan`] alone, so the
//! dry run and the real thing cannot disagree.

use cosmwasm_std::{Addr, Deps, Env, QuerierWrapper, Storage, Timestamp, Uint128};
use farthing_types::kyc::{
    check_recipient, check_sender, evaluate_transfer, DenialCode, GateRecord, KycRegistry,
    PartyRole, Policy,
};

use crate::error::{ContractError, ContractResult};
use crate::state::{holder, Account, Config, ACCOUNTS, CONFIG, TOKEN_INFO};

/// Every way a balance can change.
#[derive(Debug)]
pub enum Movement<'a> {
    /// transfer, send, pay, transfer_from and send_from (with `spender`).
    Transfer {
        from: &'a Addr,
        to: &'a Addr,
        spender: Option<&'a Addr>,
        amount: Uint128,
        /// The transfer carries a travel-rule reference, so the travel-rule tier
        /// requirement is met off chain.
        travel_rule_ref: bool,
    },
    /// batch_transfer: the sender is checked once, each recipient once.
    Batch {
        from: &'a Addr,
        payouts: &'a [(Addr, Uint128)],
    },
    Mint {
        to: &'a Addr,
        amount: Uint128,
    },
    /// burn and burn_from (with `spender`).
    Burn {
        from: &'a Addr,
        spender: Option<&'a Addr>,
        amount: Uint128,
    },
    /// Agent: the sender's compliance is skipped, the recipient's is not.
    Forced {
        from: &'a Addr,
        to: &'a Addr,
        amount: Uint128,
        unfreeze: bool,
    },
    /// Agent: the whole account moves to a new, empty wallet.
    Recover {
        lost: &'a Addr,
        to: &'a Addr,
    },
    /// Payer locks `amount` more of its balance into a payment channel (open or top-up).
    /// The lock is checked as a transfer from the payer to the payee of `exposure`, the
    /// most one claim could pay once the lock is done (deposit minus claimed): sender and
    /// recipient checks, the payer's per-transfer limit, and the travel rule (met by the
    /// channel's travel-rule reference). `amount` counts in the payer's volume window: the
    /// deposit is the payer's commitment, so it counts once, when it is locked.
    ChannelLock {
        payer: &'a Addr,
        payee: &'a Addr,
        amount: Uint128,
        exposure: Uint128,
        travel_rule_ref: bool,
    },
    /// A voucher claim pays the payee out of the channel. The payee passes the recipient
    /// checks. The payer must not be stopped (see [`payer_stopped`]): a sanction stops the
    /// payments, a lapse does not. It counts in no volume window (the payer's counted at
    /// lock; a direct transfer counts in no recipient's window either).
    ChannelPay {
        payer: &'a Addr,
        payee: &'a Addr,
        amount: Uint128,
    },
    /// What a closed channel did not pay returns to its payer. When the payer is stopped,
    /// the refund is held: credited as frozen tokens, for the compliance process.
    ChannelRefund {
        payer: &'a Addr,
        amount: Uint128,
    },
}

/// What a planned movement will write.
#[derive(Debug, Default)]
pub struct Plan {
    accounts: Vec<(Vec<u8>, Account)>,
    minted: Uint128,
    burned: Uint128,
    /// Frozen amount released by a forced transfer with `unfreeze`.
    pub released: Uint128,
    /// Balance and frozen amount moved by a recovery.
    pub recovered: (Uint128, Uint128),
    /// A channel refund was held (credited frozen), with the code of the payer's stop.
    pub refund_held: Option<&'static str>,
    /// Where a channel refund went: the payer, or the wallet a recovery moved it to.
    pub refund_to: Option<Addr>,
}

/// Compliance context for one movement: the registry's policy, read once.
struct Gate<'a> {
    registry: KycRegistry,
    policy: Policy,
    querier: QuerierWrapper<'a>,
    now: Timestamp,
}

impl Gate<'_> {
    fn record(&self, addr: &Addr) -> ContractResult<Option<GateRecord>> {
        Ok(self.registry.record(&self.querier, addr)?)
    }

    fn check_out(&self, addr: &Addr, role: PartyRole) -> ContractResult<GateRecord> {
        let rec = self.record(addr)?;
        Ok(check_sender(&self.policy, self.now, addr, rec.as_ref(), role)?.clone())
    }

    fn check_in(&self, addr: &Addr) -> ContractResult<()> {
        let rec = self.record(addr)?;
        check_recipient(&self.policy, self.now, addr, rec.as_ref())?;
        Ok(())
    }

    /// Full transfer verdict; returns the sender's record.
    fn check_transfer(
        &self,
        from: &Addr,
        from_rec: Option<&GateRecord>,
        to: &Addr,
        amount: Uint128,
        travel_rule_ref: bool,
    ) -> ContractResult<()> {
        let to_rec = self.record(to)?;
        match evaluate_transfer(
            &self.policy,
            self.now,
            from,
            from_rec,
            to,
            to_rec.as_ref(),
            amount,
        ) {
            Ok(()) => Ok(()),
            // The travel rule is the last check: every other rule passed.
            Err(d) if d.code == DenialCode::TravelRule && travel_rule_ref => Ok(()),
            Err(d) => Err(d.into()),
        }
    }

    /// The sender's volume limit: (max per window, window seconds). None for a listed
    /// contract-kind party (a pass-through: its end parties are held to their own limits).
    fn window_limit(&self, record: &GateRecord) -> Option<(Uint128, u64)> {
        self.policy
            .sender_limits(record)
            .and_then(|l| l.max_volume_per_window.map(|m| (m, l.window_seconds)))
    }
}

/// Why `payer` may not pay out of a channel now, if it may not: frozen by the issuer, or
/// refused by the registry as a sender for any reason but an expired KYC. A lapse does not
/// void vouchers for a deposit committed while the payer was compliant (and a payer cannot
/// grief its payee by letting its KYC expire); a sanction (freeze, revocation, blocked
/// jurisdiction), a suspension or a removal stops the payments.
fn payer_stopped(
    gate: Option<&Gate>,
    ledger: &Ledger,
    payer: &Addr,
) -> ContractResult<Option<ContractError>> {
    if ledger.is_frozen(payer)? {
        let holder = holder(ledger.deps.storage, payer)?;
        if holder != *payer {
            // A recovered wallet: the new wallet's standing decides.
            return payer_stopped(gate, ledger, &holder);
        }
        return Ok(Some(ContractError::AccountFrozen {
            address: payer.to_string(),
        }));
    }
    if let Some(g) = gate {
        let rec = g.record(payer)?;
        if let Err(d) = check_sender(&g.policy, g.now, payer, rec.as_ref(), PartyRole::Sender) {
            if d.code != DenialCode::Expired {
                return Ok(Some(d.into()));
            }
        }
    }
    Ok(None)
}

/// Accounts touched by a plan, loaded once and written back by `commit`.
struct Ledger<'a> {
    deps: Deps<'a>,
    accounts: Vec<(Vec<u8>, Account)>,
}

impl<'a> Ledger<'a> {
    fn new(deps: Deps<'a>) -> Self {
        Ledger {
            deps,
            accounts: Vec::with_capacity(2),
        }
    }

    fn account(&mut self, addr: &Addr) -> ContractResult<&mut Account> {
        let key = self.deps.api.addr_canonicalize(addr.as_str())?.to_vec();
        let idx = match self.accounts.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let acc = ACCOUNTS
                    .may_load(self.deps.storage, &key)?
                    .unwrap_or_default();
                self.accounts.push((key, acc));
                self.accounts.len() - 1
            }
        };
        Ok(&mut self.accounts[idx].1)
    }

    /// Takes `amount` out of `addr`'s available balance, counting it in the sender's
    /// volume window when `window` is set.
    fn debit(
        &mut self,
        addr: &Addr,
        amount: Uint128,
        window: Option<(Uint128, u64)>,
        now: Timestamp,
    ) -> ContractResult<()> {
        let acc = self.account(addr)?;
        if acc.frozen {
            return Err(ContractError::AccountFrozen {
                address: addr.to_string(),
            });
        }
        let available = acc.available();
        if amount > available {
            return Err(ContractError::InsufficientFunds {
                address: addr.to_string(),
                available,
                needed: amount,
            });
        }
        acc.balance = acc.balance.checked_sub(amount)?;
        self.count_window(addr, amount, window, now)
    }

    /// Counts `amount` in `addr`'s volume window, refusing what would exceed it.
    fn count_window(
        &mut self,
        addr: &Addr,
        amount: Uint128,
        window: Option<(Uint128, u64)>,
        now: Timestamp,
    ) -> ContractResult<()> {
        let Some((limit, seconds)) = window else {
            return Ok(());
        };
        let acc = self.account(addr)?;
        roll_window(acc, seconds, now);
        let remaining = limit.saturating_sub(acc.window_used);
        if amount > remaining {
            return Err(ContractError::VolumeWindowExceeded {
                address: addr.to_string(),
                limit,
                remaining,
                needed: amount,
            });
        }
        acc.window_used = acc.window_used.checked_add(amount)?;
        Ok(())
    }

    fn credit(&mut self, addr: &Addr, amount: Uint128) -> ContractResult<()> {
        let acc = self.account(addr)?;
        if acc.frozen {
            return Err(ContractError::AccountFrozen {
                address: addr.to_string(),
            });
        }
        acc.balance = acc.balance.checked_add(amount)?;
        Ok(())
    }

    /// Whether the issuer froze `addr`, without adding its account to what `commit` writes
    /// (a spender or a payer that only has to be checked is not written back).
    fn is_frozen(&self, addr: &Addr) -> ContractResult<bool> {
        let key = self.deps.api.addr_canonicalize(addr.as_str())?.to_vec();
        if let Some((_, acc)) = self.accounts.iter().find(|(k, _)| *k == key) {
            return Ok(acc.frozen);
        }
        Ok(ACCOUNTS
            .may_load(self.deps.storage, &key)?
            .is_some_and(|acc| acc.frozen))
    }

    /// Refuses an address the issuer froze: it may neither send, receive nor spend.
    fn ensure_not_frozen(&self, addr: &Addr) -> ContractResult<()> {
        if self.is_frozen(addr)? {
            return Err(ContractError::AccountFrozen {
                address: addr.to_string(),
            });
        }
        Ok(())
    }
}

/// Opens a new window when none is open or the current one has closed.
pub fn roll_window(acc: &mut Account, seconds: u64, now: Timestamp) {
    let closes = acc.window_start.saturating_add(seconds);
    if acc.window_start == 0 || now.seconds() >= closes {
        acc.window_start = now.seconds();
        acc.window_used = Uint128::zero();
    }
}

fn load_config(deps: Deps) -> ContractResult<Config> {
    let config = CONFIG.load(deps.storage)?;
    if config.paused {
        return Err(ContractError::Paused);
    }
    Ok(config)
}

fn gate<'a>(deps: Deps<'a>, env: &Env, config: Config) -> ContractResult<Option<Gate<'a>>> {
    let Some(addr) = config.registry else {
        return Ok(None);
    };
    let registry = KycRegistry(addr);
    let policy = registry.policy(&deps.querier)?;
    Ok(Some(Gate {
        registry,
        policy,
        querier: deps.querier,
        now: env.block.time,
    }))
}

fn nonzero(amount: Uint128) -> ContractResult<()> {
    if amount.is_zero() {
        Err(ContractError::ZeroAmount)
    } else {
        Ok(())
    }
}

/// Runs every check of `mv` and computes the accounts it will write. Writes nothing.
pub fn plan(deps: Deps, env: &Env, mv: &Movement) -> ContractResult<Plan> {
    let gate = gate(deps, env, load_config(deps)?)?;
    let now = env.block.time;
    let mut ledger = Ledger::new(deps);
    let mut plan = Plan::default();
    match *mv {
        Movement::Transfer {
            from,
            to,
            spender,
            amount,
            travel_rule_ref,
        } => {
            nonzero(amount)?;
            let mut window = None;
            if let Some(g) = &gate {
                if let Some(spender) = spender {
                    g.check_out(spender, PartyRole::Spender)?;
                }
                let from_rec = g.record(from)?;
                g.check_transfer(from, from_rec.as_ref(), to, amount, travel_rule_ref)?;
                window = from_rec.and_then(|r| g.window_limit(&r));
            }
            if let Some(spender) = spender {
                ledger.ensure_not_frozen(spender)?;
            }
            ledger.debit(from, amount, window, now)?;
            ledger.credit(to, amount)?;
        }
        Movement::Batch { from, payouts } => {
            let mut total = Uint128::zero();
            for (_, amount) in payouts {
                nonzero(*amount)?;
                total = total.checked_add(*amount)?;
            }
            let mut window = None;
            if let Some(g) = &gate {
                let from_rec = g.check_out(from, PartyRole::Sender)?;
                for (to, amount) in payouts {
                    g.check_transfer(from, Some(&from_rec), to, *amount, false)?;
                }
                window = g.window_limit(&from_rec);
            }
            ledger.debit(from, total, window, now)?;
            for (to, amount) in payouts {
                ledger.credit(to, *amount)?;
            }
        }
        Movement::Mint { to, amount } => {
            nonzero(amount)?;
            let info = TOKEN_INFO.load(deps.storage)?;
            if let Some(cap) = info.get_cap() {
                if info.total_supply.checked_add(amount)? > cap {
                    return Err(ContractError::CannotExceedCap {});
                }
            }
            if let Some(g) = &gate {
                g.check_in(to)?;
            }
            ledger.credit(to, amount)?;
            plan.minted = amount;
        }
        Movement::Burn {
            from,
            spender,
            amount,
        } => {
            nonzero(amount)?;
            if let Some(g) = &gate {
                if let Some(spender) = spender {
                    g.check_out(spender, PartyRole::Spender)?;
                }
                g.check_out(from, PartyRole::Sender)?;
            }
            if let Some(spender) = spender {
                ledger.ensure_not_frozen(spender)?;
            }
            ledger.debit(from, amount, None, now)?;
            plan.burned = amount;
        }
        Movement::Forced {
            from,
            to,
            amount,
            unfreeze,
        } => {
            nonzero(amount)?;
            if let Some(g) = &gate {
                g.check_in(to)?;
            }
            let acc = ledger.account(from)?;
            if unfreeze {
                if amount > acc.balance {
                    return Err(ContractError::InsufficientFunds {
                        address: from.to_string(),
                        available: acc.balance,
                        needed: amount,
                    });
                }
                // Release exactly the frozen part the transfer needs; an address freeze
                // does not stop the agent (the flag stays for what arrives later).
                let unfrozen = acc.balance.checked_sub(acc.frozen_amount)?;
                plan.released = amount.saturating_sub(unfrozen);
                acc.frozen_amount = acc.frozen_amount.checked_sub(plan.released)?;
                acc.balance = acc.balance.checked_sub(amount)?;
            } else {
                ledger.debit(from, amount, None, now)?;
            }
            ledger.credit(to, amount)?;
        }
        Movement::Recover { lost, to } => {
            if let Some(g) = &gate {
                g.check_in(to)?;
            }
            if !ledger.account(to)?.is_pristine() {
                return Err(ContractError::RecoveryTargetNotEmpty {
                    address: to.to_string(),
                });
            }
            let old = std::mem::take(ledger.account(lost)?);
            plan.recovered = (old.balance, old.frozen_amount);
            // The lost wallet's freeze clock stops where it is; it never turns back, or its
            // channels would lose stop time already counted.
            let clock = old.frozen_until(now);
            // The lost wallet stays frozen so nothing is sent to it by mistake. That freeze
            // stops nobody (its freeze clock does not run): its channels pay their payees,
            // and what they return goes to the new wallet (`state::RECOVERED`).
            let dead = ledger.account(lost)?;
            dead.frozen = true;
            dead.frozen_at = 0;
            dead.frozen_seconds = clock;
            *ledger.account(to)? = Account {
                window_start: 0,
                window_used: Uint128::zero(),
                ..old
            };
        }
        Movement::ChannelLock {
            payer,
            payee,
            amount,
            exposure,
            travel_rule_ref,
        } => {
            nonzero(amount)?;
            let mut window = None;
            if let Some(g) = &gate {
                let payer_rec = g.record(payer)?;
                g.check_transfer(payer, payer_rec.as_ref(), payee, exposure, travel_rule_ref)?;
                window = payer_rec.and_then(|r| g.window_limit(&r));
            }
            ledger.debit(payer, amount, window, now)?;
            ledger.ensure_not_frozen(payee)?;
        }
        Movement::ChannelPay {
            payer,
            payee,
            amount,
        } => {
            nonzero(amount)?;
            if let Some(g) = &gate {
                g.check_in(payee)?;
            }
            if let Some(stop) = payer_stopped(gate.as_ref(), &ledger, payer)? {
                return Err(stop);
            }
            ledger.credit(payee, amount)?;
        }
        Movement::ChannelRefund { payer, amount } => {
            let held = payer_stopped(gate.as_ref(), &ledger, payer)?.map(|stop| match stop {
                ContractError::Denied(d) => d.code.as_str(),
                _ => DenialCode::Frozen.as_str(),
            });
            // A recovered payer's refund goes to the wallet its account was moved to.
            let to = holder(deps.storage, payer)?;
            plan.refund_to = Some(to.clone());
            let acc = ledger.account(&to)?;
            acc.balance = acc.balance.checked_add(amount)?;
            if held.is_some() {
                acc.frozen_amount = acc.frozen_amount.checked_add(amount)?;
            }
            plan.refund_held = held;
        }
    }
    plan.accounts = ledger.accounts;
    Ok(plan)
}

/// Writes a plan: accounts, then the total supply. Every check ran in `plan`.
pub fn commit(storage: &mut dyn Storage, plan: &Plan) -> ContractResult<()> {
    for (key, acc) in &plan.accounts {
        ACCOUNTS.save(storage, key, acc)?;
    }
    if !plan.minted.is_zero() || !plan.burned.is_zero() {
        let mut info = TOKEN_INFO.load(storage)?;
        info.total_supply = info
            .total_supply
            .checked_add(plan.minted)?
            .checked_sub(plan.burned)?;
        TOKEN_INFO.save(storage, &info)?;
    }
    Ok(())
}

/// The gate: plan, then commit.
pub fn apply(deps: cosmwasm_std::DepsMut, env: &Env, mv: Movement) -> ContractResult<Plan> {
    let plan = plan(deps.as_ref(), env, &mv)?;
    commit(deps.storage, &plan)?;
    Ok(plan)
}

/// Issuer state changes that move no balance (freeze flags and frozen amounts).
/// They live here too so that this module stays the only writer of accounts.
pub fn update_account<T>(
    deps: cosmwasm_std::DepsMut,
    addr: &Addr,
    f: impl FnOnce(&mut Account) -> ContractResult<T>,
) -> ContractResult<T> {
    let key = deps.api.addr_canonicalize(addr.as_str())?;
    let mut acc = ACCOUNTS
        .may_load(deps.storage, key.as_slice())?
        .unwrap_or_default();
    let out = f(&mut acc)?;
    ACCOUNTS.save(deps.storage, key.as_slice(), &acc)?;
    Ok(out)
}

pub fn load_account(deps: Deps, addr: &Addr) -> ContractResult<Account> {
    let key = deps.api.addr_canonicalize(addr.as_str())?;
    Ok(ACCOUNTS
        .may_load(deps.storage, key.as_slice())?
        .unwrap_or_default())
}
