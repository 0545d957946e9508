//! The story's own bookkeeping: what every party must hold after each step, computed from
//! the story's arithmetic alone (never read back from the chain), then compared with what
//! the contracts answer.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

/// Expected FAR balances, channel deposits and escrow holds, by party name.
#[derive(Debug, Default)]
pub struct Book {
    balances: BTreeMap<String, u128>,
    held: BTreeMap<String, u128>,
    /// Minted and not burned.
    pub supply: u128,
    /// Locked in open payment channels (debited from the payer, owed to nobody yet).
    pub locked: u128,
}

/// The name the escrow contract has in the book (and in the onboarding file).
pub const ESCROW: &str = "escrow";

impl Book {
    pub fn balance(&self, name: &str) -> u128 {
        self.balances.get(name).copied().unwrap_or_default()
    }

    pub fn held(&self, name: &str) -> u128 {
        self.held.get(name).copied().unwrap_or_default()
    }

    /// Every balance, for the story's own consistency check.
    pub fn total(&self) -> u128 {
        self.balances.values().sum()
    }

    pub fn total_held(&self) -> u128 {
        self.held.values().sum()
    }

    fn credit(&mut self, name: &str, amount: u128) {
        *self.balances.entry(name.to_string()).or_default() += amount;
    }

    fn debit(&mut self, name: &str, amount: u128) -> Result<()> {
        let have = self.balance(name);
        let Some(left) = have.checked_sub(amount) else {
            bail!("the story spends {amount} of {name}'s {have} FAR: the story itself is wrong");
        };
        self.balances.insert(name.to_string(), left);
        Ok(())
    }

    pub fn mint(&mut self, to: &str, amount: u128) {
        self.supply += amount;
        self.credit(to, amount);
    }

    pub fn transfer(&mut self, from: &str, to: &str, amount: u128) -> Result<()> {
        self.debit(from, amount)?;
        self.credit(to, amount);
        Ok(())
    }

    /// A payment channel's deposit leaves the payer.
    pub fn lock(&mut self, payer: &str, amount: u128) -> Result<()> {
        self.debit(payer, amount)?;
        self.locked += amount;
        Ok(())
    }

    /// A channel pays its payee, or returns the rest to its payer.
    pub fn unlock(&mut self, to: &str, amount: u128) -> Result<()> {
        let Some(left) = self.locked.checked_sub(amount) else {
            bail!("the story unlocks {amount} FAR of {} locked", self.locked);
        };
        self.locked = left;
        self.credit(to, amount);
        Ok(())
    }

    /// The escrow keeps `amount` it owes `to` instead of paying it.
    pub fn hold(&mut self, to: &str, amount: u128) {
        *self.held.entry(to.to_string()).or_default() += amount;
    }

    /// What the escrow held for `to` is paid to `to`.
    pub fn pay_held(&mut self, to: &str, amount: u128) -> Result<()> {
        let have = self.held(to);
        let Some(left) = have.checked_sub(amount) else {
            bail!("the story pays {amount} FAR held for {to}, who has {have} held");
        };
        self.held.insert(to.to_string(), left);
        self.transfer(ESCROW, to, amount)
    }
}
