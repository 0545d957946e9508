//! Settlement: claims the vouchers held, in `ClaimMany` batches, on a schedule, above a
//! value threshold, and before any channel's deadline.
//!
//! Idempotent: each channel's on-chain `claimed` is read before it is claimed, so a claim
//! that landed whose answer was lost is not sent again. Isolating: a batch the chain
//! refuses is simulated claim by claim, and only the refused claims wait; a frozen payer
//! or a closed channel never blocks another channel's settlement.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use cosmwasm_std::{HexBinary, Uint128};
use farthing_cli::deploy::execute_msg;
use farthing_cli::node::TxError;
use farthing_types::token::{ChannelClaim, ExecuteMsg, MAX_CLAIMS};

use crate::server::Gateway;
use crate::store::Op;

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pass {
    /// Whether a trigger fired (schedule, threshold, deadline, or forced).
    pub triggered: bool,
    /// Channels claimed, and the value claimed.
    pub claimed: Vec<(u64, u128)>,
    /// Transactions sent, with their gas.
    pub transactions: Vec<(String, u64)>,
    /// Claims set aside, with the chain's reason (retried on the next pass, unless the
    /// channel can no longer be claimed).
    pub refused: Vec<(u64, String)>,
    /// Channels whose vouchers can no longer be claimed (closed, or the settle period
    /// over): value written off.
    pub lost: Vec<(u64, u128)>,
    /// Channels already claimed up to the voucher (a claim whose answer was lost).
    pub already: Vec<u64>,
}

/// A claim to make.
struct Due {
    channel: u64,
    cumulative: u128,
    signature: Vec<u8>,
    /// Claimed on chain before this claim.
    claimed: u128,
}

fn permanent(code: &str) -> bool {
    matches!(
        code,
        "channel_closed" | "settle_period_over" | "channel_not_found"
    )
}

pub struct Settler {
    gw: Arc<Gateway>,
    last: Instant,
}

impl Settler {
    pub fn new(gw: Arc<Gateway>) -> Settler {
        Settler {
            gw,
            last: Instant::now(),
        }
    }

    /// Runs passes every `tick_seconds` until the task is dropped.
    pub fn spawn(mut self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let tick = Duration::from_secs(self.gw.config.settle.tick_seconds);
            loop {
                tokio::time::sleep(tick).await;
                if let Err(e) = self.pass(false).await {
                    tracing::warn!(error = %e, "settlement pass failed");
                }
            }
        })
    }

    /// One pass: reads the channels with unsettled value, decides whether to claim, and
    /// claims (everything unsettled, when any trigger fires). `force` claims now.
    pub async fn pass(&mut self, force: bool) -> Result<Pass> {
        let gw = self.gw.clone();
        let cfg = &gw.config.settle;
        let watch = Duration::from_secs(gw.config.payment.cache_seconds.max(cfg.tick_seconds));
        let mut pass = Pass::default();
        // Channels with something to claim: a voucher held above what was claimed. The
        // best voucher is claimed whole: what it holds above the value served is the
        // payer's credit (a refunded request, or value signed ahead), used by its next
        // requests or, if it never comes back, kept as paid.
        let mut candidates = vec![];
        let mut unsettled: u128 = 0;
        let mut urgent = false;
        for (id, slot) in gw.slots() {
            let mut s = slot.lock().await;
            let limit = s.books.accepted;
            if limit <= s.settled {
                continue;
            }
            if s.fetched.as_ref().map_or(true, |f| f.at.elapsed() >= watch) {
                if let Err(e) = gw.refresh_slot(id, &mut s).await {
                    tracing::warn!(channel = id, error = %e, "channel read failed");
                }
            }
            if let Some(f) = &s.fetched {
                let now = f.now();
                if f.view.closing
                    || f.view.closed
                    || f.deadline().saturating_sub(now) <= cfg.claim_before_seconds
                {
                    urgent = true;
                }
            }
            if limit <= s.settled {
                continue;
            }
            unsettled = unsettled.saturating_add(limit - s.settled);
            candidates.push((id, limit));
        }
        gw.metrics
            .unsettled
            .set(i64::try_from(unsettled).unwrap_or(i64::MAX));
        if candidates.is_empty() {
            return Ok(pass);
        }
        let due_now = force
            || urgent
            || unsettled >= cfg.threshold.u128()
            || self.last.elapsed() >= Duration::from_secs(cfg.interval_seconds);
        if !due_now {
            return Ok(pass);
        }
        pass.triggered = true;
        self.last = Instant::now();
        // The vouchers to claim: per channel the highest held.
        let mut wanted = vec![];
        {
            let reader = gw.store.reader()?;
            for (id, limit) in candidates {
                if let Some((cumulative, signature)) = reader.best_at_most(id, limit)? {
                    wanted.push((id, cumulative, signature));
                }
            }
        }
        // Against the chain as it is now.
        let mut dues = vec![];
        let mut ops = vec![];
        for (id, cumulative, signature) in wanted {
            let slot = gw.slot(id);
            let mut s = slot.lock().await;
            match gw.refresh_slot(id, &mut s).await {
                Ok(true) => {}
                Ok(false) => {
                    pass.lost.push((id, cumulative.saturating_sub(s.settled)));
                    continue;
                }
                Err(e) => {
                    tracing::warn!(channel = id, error = %e, "channel read failed");
                    continue;
                }
            }
            let Some(f) = s.fetched.clone() else { continue };
            let claimed = f.view.claimed;
            if claimed >= cumulative {
                pass.already.push(id);
                ops.push(Op::Settled {
                    channel: id,
                    claimed,
                });
                continue;
            }
            let over = f.closing_at.is_some_and(|c| f.now() >= c);
            if f.view.closed || over {
                let lost = cumulative.saturating_sub(claimed);
                tracing::error!(channel = id, lost, "channel can no longer be claimed");
                pass.lost.push((id, lost));
                // Written off: not retried.
                s.settled = s.settled.max(cumulative);
                ops.push(Op::Settled {
                    channel: id,
                    claimed: cumulative,
                });
                continue;
            }
            dues.push(Due {
                channel: id,
                cumulative,
                signature,
                claimed,
            });
        }
        if !ops.is_empty() {
            gw.store.write(std::mem::take(&mut ops)).await?;
        }
        for batch in dues.chunks(MAX_CLAIMS) {
            self.claim(batch, &mut pass).await?;
        }
        for (_, lost) in &pass.lost {
            gw.metrics
                .lost_value
                .inc_by(u64::try_from(*lost).unwrap_or(u64::MAX));
        }
        gw.update_unsettled().await;
        Ok(pass)
    }

    /// Claims `batch` in one transaction, after setting aside the claims the chain refuses.
    async fn claim(&self, batch: &[Due], pass: &mut Pass) -> Result<()> {
        let gw = &self.gw;
        let sender = gw.node.sender()?;
        let msg_of = |dues: &[&Due]| {
            execute_msg(
                &sender,
                &gw.terms.token,
                &ExecuteMsg::ClaimMany {
                    claims: dues
                        .iter()
                        .map(|d| ChannelClaim {
                            channel: d.channel,
                            cumulative: Uint128::new(d.cumulative),
                            signature: HexBinary::from(d.signature.clone()),
                        })
                        .collect(),
                },
            )
        };
        let all: Vec<&Due> = batch.iter().collect();
        let mut good = all.clone();
        if let Err(e) = gw.node.simulate(&[msg_of(&all)?.any], "").await {
            if e.downcast_ref::<TxError>().is_none() {
                return Err(e);
            }
            good.clear();
            for d in &all {
                match gw.node.simulate(&[msg_of(&[d])?.any], "").await {
                    Ok(_) => good.push(d),
                    Err(e) => {
                        let Some(t) = e.downcast_ref::<TxError>() else {
                            return Err(e);
                        };
                        let code = t.contract_code().unwrap_or("refused").to_string();
                        tracing::warn!(channel = d.channel, code, "claim refused; set aside");
                        gw.metrics
                            .refused_claims
                            .with_label_values(&[code.as_str()])
                            .inc();
                        if permanent(&code) {
                            let lost = d.cumulative.saturating_sub(d.claimed);
                            pass.lost.push((d.channel, lost));
                            gw.store
                                .write(vec![Op::Settled {
                                    channel: d.channel,
                                    claimed: d.cumulative,
                                }])
                                .await?;
                            let slot = gw.slot(d.channel);
                            let mut s = slot.lock().await;
                            s.settled = s.settled.max(d.cumulative);
                        }
                        pass.refused.push((d.channel, code));
                    }
                }
            }
        }
        if good.is_empty() {
            return Ok(());
        }
        let planned = msg_of(&good)?;
        let value = good.iter().fold(0u128, |a, d| {
            a.saturating_add(d.cumulative.saturating_sub(d.claimed))
        });
        match gw
            .node
            .send(&[planned.any], "farthing-gateway settlement", |_| Ok(()))
            .await
        {
            Ok(outcome) => {
                let mut ops: Vec<Op> = good
                    .iter()
                    .map(|d| Op::Settled {
                        channel: d.channel,
                        claimed: d.cumulative,
                    })
                    .collect();
                ops.push(Op::Settlement {
                    hash: outcome.hash.clone(),
                    at: std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs()),
                    claims: good.len() as u32,
                    value,
                    gas: outcome.gas_used,
                    outcome: "ok".into(),
                });
                gw.store.write(ops).await?;
                for d in &good {
                    let slot = gw.slot(d.channel);
                    let mut s = slot.lock().await;
                    s.settled = s.settled.max(d.cumulative);
                    pass.claimed
                        .push((d.channel, d.cumulative.saturating_sub(d.claimed)));
                }
                gw.metrics.settlements.with_label_values(&["ok"]).inc();
                gw.metrics.settlement_gas.inc_by(outcome.gas_used);
                gw.metrics
                    .settled_value
                    .inc_by(u64::try_from(value).unwrap_or(u64::MAX));
                tracing::info!(
                    hash = outcome.hash,
                    claims = good.len(),
                    value,
                    gas = outcome.gas_used,
                    "settled"
                );
                pass.transactions.push((outcome.hash, outcome.gas_used));
            }
            Err(e) => {
                // Landed or not, the next pass reads each channel's claimed first.
                gw.metrics.settlements.with_label_values(&["failed"]).inc();
                tracing::warn!(error = %e, claims = good.len(), "settlement not confirmed");
            }
        }
        Ok(())
    }
}
