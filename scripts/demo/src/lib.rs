//! The Farthing story: the three optimized contracts (`artifacts/*.wasm`) played on
//! cosmwasm-vm 2.3.5 through `farthing-vm`, which routes every transaction as wasmd does
//! (sub-messages, replies, atomic rollback) and estimates its SDK gas with wasmd's
//! constants.
//!
//! 1. A compliance officer lists everyone in one batch (`data/onboarding.csv`).
//! 2. The issuer mints; users pay each other; the token refuses a payment to a blocked
//!    jurisdiction and one over a tier limit, and its dry run explains a refusal in advance.
//! 3. A reader pays 1,000 articles through one payment channel with signed vouchers; the
//!    publisher settles them in one claim and pays the revenue into a royalty split whose
//!    recipients each claim their share.
//! 4. A milestone escrow in the token: a release, a release the token refuses (held by the
//!    escrow's reply), a dispute ruled by the arbiter while the payee's KYC has lapsed
//!    (held at once), the renewal, and the payee collecting what was held.
//! 5. What it cost.
//!
//! [`play`] is the one code path: the binary prints it, the test (`tests/story.rs`) runs
//! it. After every step it compares the FAR balance of every party, the token's supply, the
//! escrow's holdings and what it holds for each party with the story's own bookkeeping
//! ([`book::Book`]), and fails on the first difference.

mod acts;
pub mod book;
pub mod gateway;
pub mod layout;

use std::io::Write;

use anyhow::{anyhow, bail, ensure, Context, Result};
use cosmwasm_std::Addr;
use farthing_types::{escrow, token};
use farthing_vm::{CallError, Executed, Vm};
use serde::Serialize;

use book::{Book, ESCROW};
use layout::{n, pad_gas, step_line, wrap, DETAIL_INDENT};

/// What a step cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gas {
    /// A transaction (succeeded or refused: a refused one is charged too), in SDK gas.
    Tx(u64),
    /// A query: free, no transaction.
    Query,
    /// Done off chain.
    OffChain,
}

impl Gas {
    fn column(self) -> String {
        match self {
            Gas::Tx(g) => n(g),
            Gas::Query => "query".into(),
            Gas::OffChain => "off chain".into(),
        }
    }

    /// The SDK gas of a transaction.
    pub fn sdk(self) -> Option<u64> {
        match self {
            Gas::Tx(g) => Some(g),
            Gas::Query | Gas::OffChain => None,
        }
    }
}

/// One step of the story, as printed.
#[derive(Clone, Debug)]
pub struct Step {
    pub act: u8,
    /// A stable name for tests (`"pay_blocked"`, `"release_frozen"`, ...).
    pub key: &'static str,
    pub who: String,
    pub what: String,
    pub result: String,
    pub gas: Gas,
    /// The `[code=...]` of a refusal, or of a dry run's denial.
    pub code: Option<String>,
    /// Replies the transaction ran.
    pub replies: usize,
    /// The row of the cost table this step counts in.
    pub op: Option<&'static str>,
    /// A line of explanation printed under the step.
    pub detail: Option<String>,
}

impl Step {
    fn new(key: &'static str, who: &str, what: impl Into<String>) -> Step {
        Step {
            act: 0,
            key,
            who: who.to_string(),
            what: what.into(),
            result: "ok".into(),
            gas: Gas::OffChain,
            code: None,
            replies: 0,
            op: None,
            detail: None,
        }
    }

    fn result(mut self, result: impl Into<String>) -> Step {
        self.result = result.into();
        self
    }

    /// A transaction that went through, counted in the cost table as `op`.
    fn tx(mut self, done: &Executed, op: &'static str) -> Step {
        self.gas = Gas::Tx(done.sdk_gas());
        self.replies = done.replies;
        self.op = Some(op);
        self
    }

    /// A refused transaction, counted in the cost table as `op`.
    fn refused(mut self, refusal: &Refusal, op: &'static str) -> Step {
        self.gas = Gas::Tx(refusal.gas);
        self.code = Some(refusal.code.clone());
        self.result = "refused".into();
        self.op = Some(op);
        self.detail = Some(format!("[{}] {}", refusal.code, refusal.message));
        self
    }

    fn gas(mut self, gas: Gas) -> Step {
        self.gas = gas;
        self
    }

    fn detail(mut self, detail: impl Into<String>) -> Step {
        self.detail = Some(detail.into());
        self
    }
}

/// A payout the escrow held instead of paying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    /// The step that held it.
    pub step: &'static str,
    pub to: String,
    pub amount: u128,
    /// The `code` of the `escrow_payout_held` event: the registry's denial, or
    /// `transfer_refused` when the token refused the transfer and the reply held it.
    pub code: String,
    /// Replies the holding transaction ran.
    pub replies: usize,
}

/// The payment channel against one transfer per micropayment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelCost {
    pub micropayments: u64,
    /// SDK gas of `OpenChannel`.
    pub open: u64,
    /// SDK gas of the one `Claim` (with `close`) that settles every micropayment.
    pub claim_and_close: u64,
    /// SDK gas of one compliance-checked cw20 `Transfer`.
    pub transfer: u64,
}

impl ChannelCost {
    /// `(open + claim_and_close) / micropayments`, rounded up.
    pub fn per_micropayment(&self) -> u64 {
        (self.open + self.claim_and_close).div_ceil(self.micropayments)
    }
}

/// What the story did, for the test to assert on.
#[derive(Clone, Debug)]
pub struct Summary {
    pub steps: Vec<Step>,
    pub holds: Vec<Hold>,
    /// Collected by the payee with `ClaimHeld` after its renewal.
    pub claimed_held: u128,
    pub channel: ChannelCost,
}

impl Summary {
    /// The step named `key`.
    pub fn step(&self, key: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.key == key)
    }
}

/// Plays the whole story on a new VM, printing it to `out`; checks every balance after
/// every step and fails on the first difference.
pub fn play(out: &mut impl Write) -> Result<Summary> {
    let mut story = Story::new(out)?;
    acts::play(&mut story)
}

/// A refused transaction.
#[derive(Clone, Debug)]
struct Refusal {
    code: String,
    /// The refusal's message, with every known address replaced by its name.
    message: String,
    /// SDK gas of every call the refused transaction made (a chain charges it).
    gas: u64,
}

/// Everyone who appears in the story, in the order balances are shown.
const PEOPLE: [&str; 9] = [
    "alice", "bob", "kim", "gazette", "ada", "ed", "inkwell", "dave", "erin",
];
/// Accounts that act but hold nothing.
const STAFF: [&str; 4] = ["owner", "officer", "issuer", "freezer"];

struct Story<'w, W: Write> {
    vm: Vm,
    out: &'w mut W,
    book: Book,
    /// Every named account and contract.
    names: Vec<(String, Addr)>,
    registry: Addr,
    token: Addr,
    escrow: Addr,
    /// Set once the three contracts are deployed: the checks need them.
    deployed: bool,
    act: u8,
    /// The column names are printed before the act's first step.
    columns_due: bool,
    steps: Vec<Step>,
    holds: Vec<Hold>,
    /// SDK gas of the channel's open and of its claim-and-close.
    channel_gas: Option<(u64, u64)>,
    /// What the payee collected with `ClaimHeld`.
    claimed_held: u128,
}

impl<'w, W: Write> Story<'w, W> {
    fn new(out: &'w mut W) -> Result<Self> {
        let vm = Vm::new().map_err(|e| anyhow!("starting the VM: {e}"))?;
        let mut names: Vec<(String, Addr)> = PEOPLE
            .iter()
            .chain(STAFF.iter())
            .map(|name| (name.to_string(), vm.addr(name)))
            .collect();
        // The VM instantiates a contract at `contract_addr(label)` (32 bytes; accounts 20).
        for label in [ESCROW, "registry", "token"] {
            names.push((label.into(), vm.contract_addr(label)));
        }
        Ok(Story {
            registry: vm.contract_addr("registry"),
            token: vm.contract_addr("token"),
            escrow: vm.contract_addr(ESCROW),
            vm,
            out,
            book: Book::default(),
            names,
            deployed: false,
            act: 0,
            columns_due: false,
            steps: vec![],
            holds: vec![],
            channel_gas: None,
            claimed_held: 0,
        })
    }

    /// The account, or contract, named `name`.
    fn addr(&self, name: &str) -> Addr {
        match name {
            ESCROW | "registry" | "token" => self.vm.contract_addr(name),
            _ => self.vm.addr(name),
        }
    }

    /// `text` with every known address replaced by its name.
    fn humanize(&self, text: &str) -> String {
        self.names.iter().fold(text.to_string(), |t, (name, addr)| {
            t.replace(addr.as_str(), name)
        })
    }

    // ---- printing ----

    fn print(&mut self, line: &str) -> Result<()> {
        writeln!(self.out, "{line}").context("writing the story")
    }

    /// An act's title; the column names come before its first step.
    fn heading(&mut self, act: u8, title: &str) -> Result<()> {
        self.act = act;
        self.columns_due = true;
        self.print("")?;
        self.print(&format!("Act {act}. {title}"))
    }

    /// A line of narration (no transaction).
    fn say(&mut self, text: &str) -> Result<()> {
        for line in wrap(text, 2) {
            self.print(&line)?;
        }
        Ok(())
    }

    /// Prints a step, then checks every balance against the book.
    fn log(&mut self, mut step: Step) -> Result<()> {
        step.act = self.act;
        if std::mem::take(&mut self.columns_due) {
            let columns = step_line("who", "does what", "result", "gas");
            self.print(&columns)?;
        }
        let line = step_line(&step.who, &step.what, &step.result, &step.gas.column());
        self.print(&line)?;
        if let Some(detail) = &step.detail {
            for line in wrap(detail, DETAIL_INDENT) {
                self.print(&line)?;
            }
        }
        let label = format!("{} {}", step.who, step.what);
        self.steps.push(step);
        self.check(&label)
    }

    /// The FAR balances of everyone who holds some.
    fn balances(&mut self) -> Result<()> {
        let mut parts: Vec<String> = PEOPLE
            .iter()
            .chain([ESCROW].iter())
            .filter(|p| self.book.balance(p) > 0)
            .map(|p| format!("{p} {}", n(self.book.balance(p))))
            .collect();
        if self.book.locked > 0 {
            parts.push(format!("in channels {}", n(self.book.locked)));
        }
        let held: Vec<String> = PEOPLE
            .iter()
            .filter(|p| self.book.held(p) > 0)
            .map(|p| format!("{p} {}", n(self.book.held(p))))
            .collect();
        self.say(&format!("FAR balances: {}.", parts.join(", ")))?;
        if !held.is_empty() {
            self.say(&format!("Held by the escrow for: {}.", held.join(", ")))?;
        }
        Ok(())
    }

    // ---- transactions ----

    /// A transaction that must go through.
    fn exec(&mut self, contract: &Addr, who: &str, msg: &impl Serialize) -> Result<Executed> {
        let sender = self.addr(who);
        self.vm.execute(contract, &sender, msg, &[]).map_err(|e| {
            anyhow!(
                "{who}'s {} was refused: {}",
                serde_json::to_string(msg).unwrap_or_default(),
                self.humanize(&e.to_string())
            )
        })
    }

    /// A transaction that must be refused by a contract, changing nothing.
    fn refuse(&mut self, contract: &Addr, who: &str, msg: &impl Serialize) -> Result<Refusal> {
        let contracts = [&self.registry, &self.token, &self.escrow];
        let before = contracts
            .iter()
            .map(|c| self.vm.dump(c))
            .collect::<Result<Vec<_>, _>>()?;
        let sender = self.addr(who);
        let what = serde_json::to_string(msg).unwrap_or_default();
        let err = match self.vm.execute(contract, &sender, msg, &[]) {
            Ok(_) => bail!("{who}'s {what} went through; the story expects a refusal"),
            Err(e) => e,
        };
        let after = contracts
            .iter()
            .map(|c| self.vm.dump(c))
            .collect::<Result<Vec<_>, _>>()?;
        ensure!(
            before == after,
            "{who}'s refused {what} changed a contract's storage: a refused transaction must \
             change nothing"
        );
        let gas = self.vm.last_calls().iter().map(|c| c.sdk_gas()).sum();
        let Some(tag) = (match &err {
            CallError::Contract(m) => farthing_types::errors::parse(m),
            _ => None,
        }) else {
            bail!("{who}'s {what} failed without a contract's [code=...]: {err}");
        };
        let message = tag
            .message
            .strip_prefix("refused by compliance: ")
            .unwrap_or(&tag.message);
        Ok(Refusal {
            code: tag.code,
            message: self.humanize(message),
            gas,
        })
    }

    /// The `escrow_payout_held` events of a transaction, as holds.
    fn holds_in(&self, done: &Executed, step: &'static str) -> Result<Vec<Hold>> {
        done.events_of("wasm-escrow_payout_held")
            .map(|e| {
                let attr = |key: &str| {
                    e.attributes
                        .iter()
                        .find(|a| a.key == key)
                        .map(|a| a.value.clone())
                        .ok_or_else(|| anyhow!("escrow_payout_held has no {key}"))
                };
                Ok(Hold {
                    step,
                    to: self.humanize(&attr("to")?),
                    amount: attr("amount")?.parse().context("held amount")?,
                    code: attr("code")?,
                    replies: done.replies,
                })
            })
            .collect()
    }

    // ---- the checks ----

    fn far(&self) -> escrow::AssetInfo {
        escrow::AssetInfo::Cw20 {
            address: self.token.clone(),
        }
    }

    /// Every party's FAR balance and held amount, the supply and the escrow's holdings
    /// against the book.
    fn check(&self, after: &str) -> Result<()> {
        if !self.deployed {
            return Ok(());
        }
        let fail = |what: String| anyhow!("after \"{after}\": {what}");
        ensure!(
            self.book.total() + self.book.locked == self.book.supply,
            fail("the story's own book does not add up".into())
        );
        let far = self.far();
        for (name, addr) in &self.names {
            let got: cw20::BalanceResponse = self.vm.query(
                &self.token,
                &token::QueryMsg::Balance {
                    address: addr.to_string(),
                },
            )?;
            let want = self.book.balance(name);
            if got.balance.u128() != want {
                return Err(fail(format!(
                    "{name} holds {} FAR, the story expects {}",
                    n(got.balance.u128()),
                    n(want)
                )));
            }
            let held: escrow::HeldResponse = self.vm.query(
                &self.escrow,
                &escrow::QueryMsg::Held {
                    address: addr.to_string(),
                    start_after: None,
                    limit: None,
                },
            )?;
            let got_held: u128 = held
                .held
                .iter()
                .map(|h| {
                    ensure!(h.asset == far, "the escrow holds {} for {name}", h.asset);
                    Ok(h.amount.u128())
                })
                .sum::<Result<u128>>()
                .map_err(|e| fail(e.to_string()))?;
            if got_held != self.book.held(name) {
                return Err(fail(format!(
                    "the escrow holds {} FAR for {name}, the story expects {}",
                    n(got_held),
                    n(self.book.held(name))
                )));
            }
            let native = self.vm.balances(addr);
            ensure!(
                native.is_empty(),
                fail(format!(
                    "{name} holds native coins {native:?}; none move here"
                ))
            );
        }
        let info: cw20::TokenInfoResponse =
            self.vm.query(&self.token, &token::QueryMsg::TokenInfo {})?;
        ensure!(
            info.total_supply.u128() == self.book.supply,
            fail(format!(
                "the FAR supply is {}, the story expects {}",
                n(info.total_supply.u128()),
                n(self.book.supply)
            ))
        );
        let owed: escrow::OwedResponse = self
            .vm
            .query(&self.escrow, &escrow::QueryMsg::Owed { asset: far })?;
        let holds = self.book.balance(ESCROW);
        let want = escrow::OwedResponse {
            owed: holds.into(),
            holdings: holds.into(),
            stray: 0u128.into(),
        };
        ensure!(
            owed == want,
            fail(format!(
                "the escrow owes {} and holds {} FAR (stray {}); the story expects it to owe and \
                 hold {}",
                owed.owed,
                owed.holdings,
                owed.stray,
                n(holds)
            ))
        );
        ensure!(
            self.book.total_held() <= holds,
            fail("the story holds more than the escrow has".into())
        );
        Ok(())
    }

    /// A line of the cost table.
    fn cost_line(&mut self, label: &str, runs: &str, gas: &str) -> Result<()> {
        let line = pad_gas(&format!("  {label:<50} {runs:>4}"), gas);
        self.print(&line)
    }
}
