//! The five acts. Each step runs one transaction (or a query, or off-chain work), tells
//! the book what it must have done, and is printed and checked by `Story::log`.

use std::io::Write;

use anyhow::{anyhow, bail, ensure, Context, Result};
use cosmwasm_std::{from_json, to_json_binary, HexBinary, Timestamp, Uint128};
use cw20::MinterResponse;
use farthing_types::escrow::{self, Deal, DealStatus, DealTerms, Share, WorkTerms};
use farthing_types::kyc::{self, KycStatus, PartyKind, Policy, RecordInput, TierLimit, TravelRule};
use farthing_types::token::{self, Role, RoleGrant};
use farthing_vm::artifact;
use farthing_voucher::{public_key, sign, verify_many, KeyType, Voucher};

use crate::book::ESCROW;
use crate::layout::n;
use crate::{ChannelCost, Gas, Step, Story, Summary};

const DAY: u64 = 86_400;
const ONBOARDING: &str = include_str!("../data/onboarding.csv");

/// Articles alice reads through the channel, and what each costs.
const ARTICLES: u64 = 1_000;
const ARTICLE_PRICE: u128 = 3;
/// What alice locks in the channel.
const CHANNEL_DEPOSIT: u128 = 5_000;

/// The royalty split of the gazette's work, in basis points.
const SPLIT: [(&str, u16, &str); 3] = [
    ("ada", 6_000, "author"),
    ("ed", 2_500, "editor"),
    ("inkwell", 1_500, "platform"),
];

/// The translation deal: three milestones, and the arbiter's ruling on the last one.
const MILESTONE: u128 = 3_000;
const RULING_TO_PAYEE: u128 = 1_800;

fn policy() -> Policy {
    let tier = |per_transfer: Option<u128>, per_day: Option<u128>| TierLimit {
        max_per_transfer: per_transfer.map(Uint128::new),
        max_volume_per_window: per_day.map(Uint128::new),
        window_seconds: DAY,
    };
    Policy {
        blocked_jurisdictions: vec!["KP".into(), "IR".into()],
        tier_limits: vec![
            tier(Some(500), Some(2_000)),
            tier(Some(5_000), Some(20_000)),
            tier(None, None),
            tier(None, None),
        ],
        travel_rule: Some(TravelRule {
            threshold: Uint128::new(10_000),
            min_tier: 2,
        }),
        expiry_grace_seconds: 7 * DAY,
    }
}

pub fn play<W: Write>(s: &mut Story<'_, W>) -> Result<Summary> {
    s.print("Farthing, the story: compliant micropayments on the real contracts")?;
    s.say(
        "The optimized wasm of the three contracts (artifacts/) runs on cosmwasm-vm 2.3.5, \
         every transaction routed as wasmd routes it. gas = estimated SDK gas of the \
         transaction (wasmd's defaults); a refused transaction is charged too. After every \
         step, every balance is checked against the story's own bookkeeping.",
    )?;
    act1(s)?;
    act2(s)?;
    act3(s)?;
    act4(s)?;
    let channel = act5(s)?;
    Ok(Summary {
        steps: s.steps.clone(),
        holds: s.holds.clone(),
        claimed_held: s.claimed_held,
        channel,
    })
}

// ---- act 1 ----

/// One row of the onboarding file, and the role it plays in the story.
struct Row {
    account: String,
    record: RecordInput,
    days: u64,
    role: String,
}

fn parse_row<W: Write>(s: &Story<'_, W>, line: &str, now: Timestamp) -> Result<Row> {
    let cols: Vec<&str> = line.split(',').map(str::trim).collect();
    let [account, status, tier, kind, jurisdiction, days, reason, role] = cols[..] else {
        bail!("expected 8 columns in {line:?}");
    };
    let status = match status {
        "active" => KycStatus::Active,
        "suspended" => KycStatus::Suspended,
        "revoked" => KycStatus::Revoked,
        other => bail!("unknown status {other:?}"),
    };
    let kind = match kind {
        "individual" => PartyKind::Individual,
        "business" => PartyKind::Business,
        "contract" => PartyKind::Contract,
        other => bail!("unknown kind {other:?}"),
    };
    let days: u64 = days.parse().context("expires_in_days")?;
    Ok(Row {
        account: account.to_string(),
        record: RecordInput {
            address: s.addr(account).to_string(),
            status,
            tier: tier.parse().context("tier")?,
            kind,
            jurisdiction: jurisdiction.to_string(),
            expires_at: now.plus_seconds(days * DAY),
            attestation: attestation(line),
            reason: reason.to_string(),
        },
        days,
        role: role.to_string(),
    })
}

/// The hash of the KYC file the compliance team keeps off chain; the story derives a
/// stand-in from the row.
fn attestation(line: &str) -> HexBinary {
    let mut bytes = [0u8; 32];
    for (i, b) in line.bytes().enumerate() {
        bytes[i % 32] ^= b;
    }
    HexBinary::from(bytes.to_vec())
}

fn act1<W: Write>(s: &mut Story<'_, W>) -> Result<()> {
    s.heading(1, "The compliance officer lists everyone")?;
    let mut codes = vec![];
    for name in ["kyc_registry", "micropay_token", "royalty_escrow"] {
        let path = artifact(name).map_err(|e| anyhow!("{}", e.message()))?;
        codes.push(s.vm.store_file(&path)?);
    }
    s.say("The owner uploads the three optimized wasm codes and instantiates them:")?;
    let owner = s.addr("owner");
    let (_, done) = s.vm.instantiate(
        codes[0],
        "registry",
        &owner,
        &kyc::InstantiateMsg {
            owner: None,
            officers: vec![s.addr("officer").to_string()],
            policy: policy(),
        },
        &[],
    )?;
    s.log(
        Step::new("deploy_registry", "owner", "deploys the KYC registry")
            .tx(&done, "instantiate the KYC registry"),
    )?;
    let (_, done) = s.vm.instantiate(
        codes[1],
        "token",
        &owner,
        &token::InstantiateMsg {
            name: "Farthing".into(),
            symbol: "FAR".into(),
            decimals: 0,
            initial_balances: vec![],
            mint: Some(MinterResponse {
                minter: s.addr("issuer").to_string(),
                cap: None,
            }),
            marketing: None,
            owner: None,
            registry: Some(s.registry.to_string()),
            roles: vec![RoleGrant {
                role: Role::Freezer,
                address: s.addr("freezer").to_string(),
            }],
        },
        &[],
    )?;
    s.log(
        Step::new("deploy_token", "owner", "deploys the FAR token (cw20)")
            .tx(&done, "instantiate the FAR token"),
    )?;
    let (_, done) = s.vm.instantiate(
        codes[2],
        ESCROW,
        &owner,
        &escrow::InstantiateMsg {
            owner: None,
            registry: Some(s.registry.to_string()),
            accepted_cw20: vec![s.token.to_string()],
            dispute_timeout_seconds: 14 * DAY,
        },
        &[],
    )?;
    s.deployed = true;
    s.log(
        Step::new("deploy_escrow", "owner", "deploys the royalty escrow")
            .tx(&done, "instantiate the royalty escrow"),
    )?;
    s.say(
        "Policy: KP and IR blocked; tier 0 may send 500 per payment (2,000 a day), tier 1 \
         5,000 (20,000 a day), tiers 2-3 no limit; from 10,000 up both parties need tier 2 \
         (travel rule); an expired KYC may still receive for 7 days.",
    )?;

    let now = s.vm.block().time;
    let rows = ONBOARDING
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| parse_row(s, l, now))
        .collect::<Result<Vec<_>>>()?;
    let records: Vec<RecordInput> = rows.iter().map(|r| r.record.clone()).collect();
    let done = s.exec(
        &s.registry.clone(),
        "officer",
        &kyc::ExecuteMsg::UpsertRecords { records },
    )?;
    let listed = done.events_of("wasm-kyc_record_updated").count();
    ensure!(
        listed == rows.len(),
        "{listed} records updated, not {}",
        rows.len()
    );
    s.log(
        Step::new(
            "onboard",
            "officer",
            format!("lists onboarding.csv ({} rows)", rows.len()),
        )
        .result(format!("{listed} listed"))
        .tx(&done, "UpsertRecords (the onboarding batch)"),
    )?;
    s.print(&format!(
        "    {:<9}{:<6}{:<11}{:<9}{:<10}{}",
        "account", "tier", "kind", "country", "KYC for", "role"
    ))?;
    for r in &rows {
        let line = format!(
            "    {:<9}{:<6}{:<11}{:<9}{:<10}{}",
            r.account,
            r.record.tier,
            r.record.kind.as_str(),
            r.record.jurisdiction,
            format!("{} days", r.days),
            r.role
        );
        s.print(&line)?;
    }
    Ok(())
}

// ---- act 2 ----

fn act2<W: Write>(s: &mut Story<'_, W>) -> Result<()> {
    s.heading(2, "The issuer mints; users pay each other")?;
    let token = s.token.clone();
    for (to, amount) in [("alice", 20_000u128), ("bob", 1_000), ("gazette", 12_000)] {
        let done = s.exec(
            &token,
            "issuer",
            &token::ExecuteMsg::Mint {
                recipient: s.addr(to).to_string(),
                amount: amount.into(),
            },
        )?;
        s.book.mint(to, amount);
        s.log(
            Step::new("mint", "issuer", format!("mints {} FAR to {to}", n(amount)))
                .tx(&done, "Mint"),
        )?;
    }

    let done = s.exec(
        &token,
        "alice",
        &token::ExecuteMsg::Transfer {
            recipient: s.addr("bob").to_string(),
            amount: 250u128.into(),
        },
    )?;
    s.book.transfer("alice", "bob", 250)?;
    s.log(
        Step::new("transfer", "alice", "pays bob 250 (cw20 Transfer)")
            .tx(&done, "Transfer (cw20, compliance-checked)"),
    )?;

    let refusal = s.refuse(
        &token,
        "alice",
        &token::ExecuteMsg::Transfer {
            recipient: s.addr("kim").to_string(),
            amount: 100u128.into(),
        },
    )?;
    s.log(
        Step::new("pay_blocked", "alice", "pays kim 100")
            .refused(&refusal, "a refused transfer (charged too)"),
    )?;

    let dry: token::CanTransferResponse = s.vm.query(
        &token,
        &token::QueryMsg::CanTransfer {
            from: s.addr("bob").to_string(),
            to: s.addr("alice").to_string(),
            amount: 800u128.into(),
        },
    )?;
    let denial = dry
        .verdict
        .denial
        .ok_or_else(|| anyhow!("CanTransfer allows bob to pay alice 800"))?;
    let mut step = Step::new("can_transfer", "bob", "asks CanTransfer: alice 800?")
        .result("would be refused")
        .gas(Gas::Query)
        .detail(format!(
            "[{}] {}",
            denial.code.as_str(),
            s.humanize(&denial.message)
        ));
    step.code = Some(denial.code.as_str().to_string());
    s.log(step)?;

    let refusal = s.refuse(
        &token,
        "bob",
        &token::ExecuteMsg::Transfer {
            recipient: s.addr("alice").to_string(),
            amount: 800u128.into(),
        },
    )?;
    s.log(
        Step::new("pay_over_limit", "bob", "pays alice 800 anyway")
            .refused(&refusal, "a refused transfer (charged too)"),
    )?;

    let done = s.exec(
        &token,
        "bob",
        &token::ExecuteMsg::Pay {
            recipient: s.addr("alice").to_string(),
            amount: 500u128.into(),
            reference: "invoice-0042".into(),
            travel_rule_ref: None,
        },
    )?;
    s.book.transfer("bob", "alice", 500)?;
    s.log(
        Step::new("pay", "bob", "pays alice 500, ref invoice-0042")
            .tx(&done, "Pay (a transfer with an invoice reference)"),
    )?;
    s.balances()
}

// ---- act 3 ----

fn act3<W: Write>(s: &mut Story<'_, W>) -> Result<()> {
    s.heading(3, "1,000 articles through one channel; royalties")?;
    let (token, escrow) = (s.token.clone(), s.escrow.clone());
    let far = s.far();

    let recipients = SPLIT
        .iter()
        .map(|(name, bps, _)| Share {
            address: s.addr(name).to_string(),
            bps: *bps,
        })
        .collect();
    let done = s.exec(
        &escrow,
        "gazette",
        &escrow::ExecuteMsg::RegisterWork(WorkTerms {
            name: "The Daily Farthing".into(),
            recipients,
            accepted: vec![far.clone()],
        }),
    )?;
    let work: escrow::RegisterWorkResponse =
        from_json(done.data.as_ref().context("RegisterWork answers its id")?)?;
    let work_id = work.work_id;
    s.log(
        Step::new("register_work", "gazette", "registers its work: ada 60%,")
            .result(format!("work {work_id}"))
            .tx(&done, "RegisterWork (3 recipients)")
            .detail("ed 25%, inkwell 15% (author, editor, platform), paid in FAR"),
    )?;

    // alice's reader app holds a session key; vouchers are signed with it.
    let session_key = [0x5a_u8; 32];
    let signer = public_key(KeyType::Ed25519, &session_key)?;
    let expires_at = s.vm.block().time.plus_seconds(30 * DAY);
    let done = s.exec(
        &token,
        "alice",
        &token::ExecuteMsg::OpenChannel {
            payee: s.addr("gazette").to_string(),
            amount: CHANNEL_DEPOSIT.into(),
            expires_at,
            signer: signer.clone(),
            travel_rule_ref: None,
        },
    )?;
    let opened: token::OpenChannelResponse =
        from_json(done.data.as_ref().context("OpenChannel answers its id")?)?;
    let channel = opened.channel;
    let open_gas = done.sdk_gas();
    s.book.lock("alice", CHANNEL_DEPOSIT)?;
    s.log(
        Step::new(
            "open_channel",
            "alice",
            format!("opens a channel to gazette: {}", n(CHANNEL_DEPOSIT)),
        )
        .result(format!("channel {channel}"))
        .tx(&done, "OpenChannel"),
    )?;

    // Off chain: one voucher per article, each for the running total.
    let voucher = |cumulative: u128| Voucher {
        chain_id: s.vm.block().chain_id.clone(),
        token: token.to_string(),
        channel_id: channel,
        payee: s.addr("gazette").to_string(),
        cumulative: cumulative.into(),
    };
    let vouchers = (1..=u128::from(ARTICLES))
        .map(|read| {
            let v = voucher(read * ARTICLE_PRICE);
            let sig = sign(KeyType::Ed25519, &session_key, &v)?;
            Ok((v, sig))
        })
        .collect::<Result<Vec<_>>>()?;
    s.log(
        Step::new(
            "sign_vouchers",
            "alice",
            format!("reads {} articles at {ARTICLE_PRICE} FAR", n(ARTICLES)),
        )
        .result(format!("{} vouchers", n(ARTICLES)))
        .detail(format!(
            "each read signs a voucher for the running total (ed25519, session key): \
             {ARTICLE_PRICE}, {}, ... {} FAR",
            2 * ARTICLE_PRICE,
            n(u128::from(ARTICLES) * ARTICLE_PRICE)
        )),
    )?;
    // The gazette checks the vouchers off chain, with the verification the token runs
    // (one ed25519 batch, as `ClaimMany` does).
    let api = cosmwasm_std::testing::MockApi::default();
    let items: Vec<_> = vouchers
        .iter()
        .map(|(v, sig)| (v, sig.as_slice(), &signer))
        .collect();
    verify_many(&api, &items).map_err(|(i, e)| anyhow!("voucher {}: {e}", i + 1))?;
    s.log(
        Step::new(
            "verify_vouchers",
            "gazette",
            format!("verifies the {} signatures", n(ARTICLES)),
        )
        .result("all valid"),
    )?;

    let (last, signature) = vouchers.last().context("no voucher")?.clone();
    let earned = last.cumulative.u128();
    let done = s.exec(
        &token,
        "gazette",
        &token::ExecuteMsg::Claim {
            channel,
            cumulative: last.cumulative,
            signature,
            close: Some(true),
        },
    )?;
    let claim_gas = done.sdk_gas();
    s.book.unlock("gazette", earned)?;
    s.book.unlock("alice", CHANNEL_DEPOSIT - earned)?;
    s.log(
        Step::new("claim_close", "gazette", "claims the last voucher, closes")
            .result(format!(
                "+{}, {} back",
                n(earned),
                n(CHANNEL_DEPOSIT - earned)
            ))
            .tx(&done, "Claim + close (settles all 1,000 vouchers)"),
    )?;
    let ch: token::Channel = s.vm.query(&token, &token::QueryMsg::Channel { channel })?;
    ensure!(
        ch.closed && ch.claimed.u128() == earned && ch.deposit.u128() == CHANNEL_DEPOSIT,
        "channel {channel} after the claim: {ch:?}"
    );

    let done = s.exec(
        &token,
        "gazette",
        &token::ExecuteMsg::Send {
            contract: escrow.to_string(),
            amount: earned.into(),
            msg: to_json_binary(&escrow::ReceiveMsg::Pay { work_id })?,
        },
    )?;
    s.book.transfer("gazette", ESCROW, earned)?;
    s.log(
        Step::new(
            "royalty_pay",
            "gazette",
            format!("pays the {} into work {work_id}", n(earned)),
        )
        .result("split 60/25/15")
        .tx(&done, "Send + Pay (royalty revenue, cw20 hook)"),
    )?;

    for (name, bps, role) in SPLIT {
        let share = earned * u128::from(bps) / 10_000;
        let claimable: escrow::ClaimableResponse = s.vm.query(
            &escrow,
            &escrow::QueryMsg::Claimable {
                work_id,
                epoch: None,
                asset: far.clone(),
                address: s.addr(name).to_string(),
            },
        )?;
        ensure!(
            claimable.amount.u128() == share && claimable.claimed.is_zero(),
            "{name} may claim {} of work {work_id}, the story expects {share}",
            claimable.amount
        );
        let done = s.exec(
            &escrow,
            name,
            &escrow::ExecuteMsg::Claim {
                work_id,
                epoch: None,
                asset: far.clone(),
                amount: None,
            },
        )?;
        s.book.transfer(ESCROW, name, share)?;
        s.log(
            Step::new(
                "royalty_claim",
                name,
                format!("claims the {role}'s {}%", bps / 100),
            )
            .result(format!("+{}", n(share)))
            .tx(&done, "Claim (a royalty share)"),
        )?;
    }
    s.balances()?;
    s.channel_gas = Some((open_gas, claim_gas));
    Ok(())
}

// ---- act 4 ----

fn act4<W: Write>(s: &mut Story<'_, W>) -> Result<()> {
    s.heading(4, "A milestone escrow, a freeze, a lapse, a dispute")?;
    let (token, escrow, registry) = (s.token.clone(), s.escrow.clone(), s.registry.clone());
    let far = s.far();
    let deposit = 3 * MILESTONE;

    let done = s.exec(
        &token,
        "gazette",
        &token::ExecuteMsg::Send {
            contract: escrow.to_string(),
            amount: deposit.into(),
            msg: to_json_binary(&escrow::ReceiveMsg::CreateDeal(DealTerms {
                payee: s.addr("dave").to_string(),
                arbiter: Some(s.addr("erin").to_string()),
                milestones: vec![MILESTONE.into(); 3],
                expires_at: s.vm.block().time.plus_seconds(90 * DAY),
            }))?,
        },
    )?;
    s.book.transfer("gazette", ESCROW, deposit)?;
    let deal_id = 1;
    s.log(
        Step::new(
            "create_deal",
            "gazette",
            format!("hires dave: 3 x {}, arbiter erin", n(MILESTONE)),
        )
        .result(format!("deal {deal_id}"))
        .tx(&done, "Send + CreateDeal (3 milestones, cw20 hook)")
        .detail(
            "a translation, paid in FAR through the escrow: every payout passes the token's gate",
        ),
    )?;
    let deal: Deal = s.vm.query(&escrow, &escrow::QueryMsg::Deal { deal_id })?;
    ensure!(
        deal.payee == s.addr("dave") && deal.deposited.u128() == deposit && deal.asset == far,
        "deal {deal_id}: {deal:?}"
    );

    let release = |milestone: u32| escrow::ExecuteMsg::Release {
        deal_id,
        milestone: Some(milestone),
    };
    let done = s.exec(&escrow, "gazette", &release(0))?;
    ensure!(
        done.replies == 0,
        "a paid release ran {} replies",
        done.replies
    );
    s.book.transfer(ESCROW, "dave", MILESTONE)?;
    s.log(
        Step::new("release_paid", "gazette", "releases milestone 1")
            .result(format!("dave +{}", n(MILESTONE)))
            .tx(&done, "Release (paid)"),
    )?;

    let freeze = token::ExecuteMsg::Freeze {
        address: s.addr("dave").to_string(),
        reason: "court_order_17".into(),
    };
    let done = s.exec(&token, "freezer", &freeze)?;
    s.log(
        Step::new("freeze", "freezer", "freezes dave's FAR (court order)")
            .tx(&done, "Freeze / Unfreeze (issuer)"),
    )?;

    let done = s.exec(&escrow, "gazette", &release(1))?;
    let holds = s.holds_in(&done, "release_frozen")?;
    let [hold] = &holds[..] else {
        bail!("the release to frozen dave held {holds:?}");
    };
    ensure!(
        hold.to == "dave" && hold.amount == MILESTONE,
        "the release to frozen dave held {hold:?}"
    );
    s.book.hold("dave", MILESTONE);
    let mut step = Step::new("release_frozen", "gazette", "releases milestone 2")
        .result("held for dave")
        .tx(&done, "Release (refused by the token, held by reply)")
        .detail(format!(
            "the registry clears dave, so the escrow sends; the token refuses (frozen); \
             the escrow's reply ({} reply) holds {} FAR for him [{}]",
            done.replies,
            n(hold.amount),
            hold.code
        ));
    step.code = Some(hold.code.clone());
    s.holds.extend(holds);
    s.log(step)?;

    let done = s.exec(
        &token,
        "freezer",
        &token::ExecuteMsg::Unfreeze {
            address: s.addr("dave").to_string(),
            reason: "order_lifted".into(),
        },
    )?;
    s.log(
        Step::new("unfreeze", "freezer", "unfreezes dave (order lifted)")
            .tx(&done, "Freeze / Unfreeze (issuer)"),
    )?;

    s.vm.advance_seconds(40 * DAY);
    s.say(
        "40 days pass. dave's KYC was due on day 30; the 7-day grace is over: the registry \
         now refuses him, even as a recipient.",
    )?;

    let done = s.exec(
        &escrow,
        "gazette",
        &escrow::ExecuteMsg::OpenDispute { deal_id },
    )?;
    s.log(
        Step::new("dispute", "gazette", "disputes the last milestone")
            .result("disputed")
            .tx(&done, "OpenDispute"),
    )?;
    let deal: Deal = s.vm.query(&escrow, &escrow::QueryMsg::Deal { deal_id })?;
    ensure!(
        matches!(deal.status, DealStatus::Disputed { .. }),
        "deal {deal_id} after the dispute: {:?}",
        deal.status
    );

    let refund = MILESTONE - RULING_TO_PAYEE;
    let done = s.exec(
        &escrow,
        "erin",
        &escrow::ExecuteMsg::Resolve {
            deal_id,
            to_payee: RULING_TO_PAYEE.into(),
        },
    )?;
    let holds = s.holds_in(&done, "resolve")?;
    let [hold] = &holds[..] else {
        bail!("the ruling held {holds:?}");
    };
    ensure!(
        hold.to == "dave" && hold.amount == RULING_TO_PAYEE,
        "the ruling held {hold:?}"
    );
    s.book.hold("dave", RULING_TO_PAYEE);
    s.book.transfer(ESCROW, "gazette", refund)?;
    let mut step = Step::new(
        "resolve",
        "erin",
        format!("rules {} dave, {} gazette", n(RULING_TO_PAYEE), n(refund)),
    )
    .result("dave's share held")
    .tx(&done, "Resolve (payee's share held, payer refunded)")
    .detail(format!(
        "the registry refuses dave [{}]: the escrow holds his {} FAR without sending ({} \
         replies); gazette gets {} back",
        hold.code,
        n(hold.amount),
        done.replies,
        n(refund)
    ));
    step.code = Some(hold.code.clone());
    s.holds.extend(holds);
    s.log(step)?;

    let claim_held = escrow::ExecuteMsg::ClaimHeld {
        asset: far.clone(),
        amount: None,
    };
    let refusal = s.refuse(&escrow, "dave", &claim_held)?;
    s.log(
        Step::new("claim_held_lapsed", "dave", "asks for what is held")
            .refused(&refusal, "ClaimHeld refused (KYC lapsed)"),
    )?;

    let now = s.vm.block().time;
    let line = ONBOARDING
        .lines()
        .find(|l| l.starts_with("dave,"))
        .context("dave's row")?;
    let mut renewal = parse_row(s, line, now)?.record;
    renewal.expires_at = now.plus_seconds(365 * DAY);
    renewal.reason = "kyc_renewal".into();
    renewal.attestation = attestation(&format!("{line},renewed"));
    let done = s.exec(
        &registry,
        "officer",
        &kyc::ExecuteMsg::UpsertRecords {
            records: vec![renewal],
        },
    )?;
    s.log(
        Step::new("renew", "officer", "renews dave's KYC for a year")
            .tx(&done, "UpsertRecords: 1 record (renewal)"),
    )?;

    let held = s.book.held("dave");
    let done = s.exec(&escrow, "dave", &claim_held)?;
    s.book.pay_held("dave", held)?;
    s.claimed_held = held;
    s.log(
        Step::new("claim_held", "dave", "collects what the escrow held")
            .result(format!("dave +{}", n(held)))
            .tx(&done, "ClaimHeld"),
    )?;
    s.balances()
}

// ---- act 5 ----

fn act5<W: Write>(s: &mut Story<'_, W>) -> Result<ChannelCost> {
    s.act = 5;
    s.print("")?;
    s.print("Act 5. What it cost (estimated SDK gas, wasmd's defaults)")?;
    s.cost_line("operation", "runs", "gas")?;
    let mut ops: Vec<(&'static str, Vec<u64>)> = vec![];
    for step in &s.steps {
        let (Some(op), Some(gas)) = (step.op, step.gas.sdk()) else {
            continue;
        };
        match ops.iter_mut().find(|(o, _)| *o == op) {
            Some((_, gases)) => gases.push(gas),
            None => ops.push((op, vec![gas])),
        }
    }
    for (op, gases) in &ops {
        let (min, max) = (gases.iter().min(), gases.iter().max());
        let gas = match (min, max) {
            (Some(min), Some(max)) if min == max => n(*min),
            (Some(min), Some(max)) => format!("{}-{}", n(*min), n(*max)),
            _ => continue,
        };
        s.cost_line(op, &gases.len().to_string(), &gas)?;
    }

    let (open, claim_and_close) = s.channel_gas.context("the channel was not played")?;
    let transfer = s
        .steps
        .iter()
        .find(|st| st.key == "transfer")
        .and_then(|st| st.gas.sdk())
        .context("no transfer was played")?;
    let cost = ChannelCost {
        micropayments: ARTICLES,
        open,
        claim_and_close,
        transfer,
    };
    let per = cost.per_micropayment();
    s.print("")?;
    s.print(&format!(
        "  {} micropayments of {ARTICLE_PRICE} FAR through one channel:",
        n(ARTICLES)
    ))?;
    s.cost_line("  open", "", &n(open))?;
    s.cost_line(
        "  claim the last voucher and close",
        "",
        &n(claim_and_close),
    )?;
    s.cost_line(
        &format!("  per micropayment: (open + claim) / {}", n(ARTICLES)),
        "",
        &n(per),
    )?;
    s.cost_line(
        "  one on-chain transfer per micropayment instead",
        "",
        &n(transfer),
    )?;
    s.say(&format!(
        "The channel costs {} gas per micropayment, {}x less than a transfer each ({} \
         against {} gas for the 1,000).",
        n(per),
        transfer / per.max(1),
        n(open + claim_and_close),
        n(transfer * ARTICLES)
    ))?;
    Ok(cost)
}
