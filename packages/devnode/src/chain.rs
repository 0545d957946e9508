//! The chain: the ante handler (CheckTx), the delivery of a transaction as its own block,
//! and its simulation, as a Cosmos SDK 0.50 chain with wasmd makes them.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use cosmrs::proto::cosmos::tx::v1beta1::mode_info::Sum;
use cosmrs::proto::cosmos::tx::v1beta1::{AuthInfo, SignDoc, TxBody, TxRaw};
use cosmrs::proto::prost::{Message, Name};
use cosmwasm_std::{Addr, Coin, Event, Timestamp};
use farthing_vm::gas::GAS_MULTIPLIER;
use farthing_vm::{Vm, DEFAULT_GAS_LIMIT};
use sha2::{Digest, Sha256};

use crate::errors::Failure;
use crate::exec::{Ctx, MsgError};
use crate::gas;
use crate::msgs::{self, coins_string, Msg};
use crate::state::{State, TxRecord, TxResult};
use crate::DevNodeConfig;

/// wasmd's default `SmartQueryGasLimit`: the SDK gas a smart query may use.
pub const QUERY_GAS_LIMIT: u64 = 3_000_000;
/// The SDK's `MaxMemoCharacters` default.
const MAX_MEMO_CHARACTERS: usize = 256;
/// SIGN_MODE_DIRECT.
const SIGN_MODE_DIRECT: i32 = 1;
/// The placeholder key a simulation without a public key uses (the SDK's
/// `simSecp256k1Pubkey`: 0x03 then 32 zero bytes... any 33 bytes serve for the size).
const SIMULATION_PUBKEY: [u8; 33] = [3; 33];

/// How a transaction is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// CheckTx, then delivered as a block: the minimum gas price is checked, the
    /// signature verified, the gas limit enforced.
    Deliver,
    /// The `Simulate` query: no minimum gas price, no signature check (an empty
    /// signature is priced as a real one), no gas limit; nothing is kept.
    Simulate,
}

/// A decoded transaction, its messages checked.
pub struct Decoded {
    pub raw: TxRaw,
    pub body: TxBody,
    pub auth: AuthInfo,
    pub msgs: Vec<Msg>,
    /// The only signer (normalized bech32).
    pub signer: String,
    pub signer_bytes: Vec<u8>,
}

/// What the ante handler decided, before anything is written.
struct AntePlan {
    fee: Vec<Coin>,
    gas_limit: u64,
    gas: u64,
    pubkey: Option<Vec<u8>>,
    events: Vec<Event>,
}

/// What `broadcast_tx_sync` / `broadcast_tx_commit` answer.
pub struct Broadcast {
    pub hash: [u8; 32],
    /// CheckTx: `Err` with its failure and gas, `Ok` with gas wanted.
    pub check: Result<u64, (Failure, u64, u64)>,
    /// The delivered transaction, when CheckTx passed.
    pub delivered: Option<TxRecord>,
}

/// The chain behind the RPC server.
pub struct Chain {
    pub config: DevNodeConfig,
    pub vm: Vm,
    pub state: State,
    pub height: u64,
    /// The latest block's time.
    pub time: Timestamp,
    pub genesis_time: Timestamp,
    /// Seconds the clock was moved forward by [`Chain::advance_seconds`].
    skew: u64,
    pub txs: HashMap<[u8; 32], TxRecord>,
    /// The fee collector module account (`address.Module("fee_collector")`).
    pub fee_collector: String,
    /// Whether to print each transaction to stderr.
    pub verbose: bool,
}

fn wall_clock() -> Timestamp {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Timestamp::from_seconds(now)
}

/// The minimum fee for `gas_limit` at `price`: `ceil(gas_limit * price)`, computed on the
/// price's decimal digits (as the SDK's `Dec` does), not on a binary float.
pub fn required_fee(gas_limit: u64, price: f64) -> u128 {
    if price.is_nan() || price <= 0.0 {
        return 0;
    }
    let text = format!("{price}");
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let digits: u128 = format!("{int}{frac}").parse().unwrap_or(u128::MAX / 2);
    let scale = 10u128.pow(frac.len() as u32);
    (u128::from(gas_limit) * digits).div_ceil(scale)
}

impl Chain {
    pub fn new(config: DevNodeConfig) -> anyhow::Result<Chain> {
        let mut vm =
            Vm::with_chain(&config.prefix, &config.chain_id).map_err(|e| anyhow::anyhow!("{e}"))?;
        let genesis_time = wall_clock();
        vm.set_block(1, genesis_time);
        vm.set_gas_limit(QUERY_GAS_LIMIT * GAS_MULTIPLIER);
        let collector = Sha256::digest(b"fee_collector");
        let fee_collector = vm
            .humanize(&collector[..20])
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .to_string();
        let mut chain = Chain {
            config,
            vm,
            state: State::default(),
            height: 1,
            time: genesis_time,
            genesis_time,
            skew: 0,
            txs: HashMap::new(),
            fee_collector,
            verbose: false,
        };
        for (address, amount) in chain.config.genesis.clone() {
            chain.fund(&address, amount)?;
        }
        Ok(chain)
    }

    /// Mints `amount` of the fee denom to `address` (creating its account), outside any
    /// transaction.
    pub fn fund(&mut self, address: &str, amount: u128) -> anyhow::Result<()> {
        let (address, _) = msgs::address(address, &self.config.prefix)
            .map_err(|e| anyhow::anyhow!("cannot fund {address}: {}", e.log))?;
        let who = Addr::unchecked(&address);
        let mut balances = self.vm.balances(&who);
        match balances.iter_mut().find(|c| c.denom == self.config.denom) {
            Some(c) => c.amount += cosmwasm_std::Uint128::new(amount),
            None => balances.push(Coin::new(amount, self.config.denom.clone())),
        }
        balances.sort_by(|a, b| a.denom.cmp(&b.denom));
        self.vm.set_balances(&who, balances);
        self.state.ensure_account(&address);
        Ok(())
    }

    /// Moves the block clock forward by `seconds` (and the height by the blocks that
    /// takes, at least one).
    pub fn advance_seconds(&mut self, seconds: u64) {
        self.skew += seconds;
        self.time = self.time.plus_seconds(seconds);
        let blocks = seconds.div_ceil(self.config.block_seconds.max(1)).max(1);
        self.height += blocks;
        self.vm.set_block(self.height, self.time);
    }

    /// A new block for one transaction: the next height, `block_seconds` later (or the
    /// wall clock, when it is later, as a chain's block time follows it).
    fn next_block(&mut self) {
        self.height += 1;
        let by_blocks = self.time.plus_seconds(self.config.block_seconds);
        let by_clock = wall_clock().plus_seconds(self.skew);
        self.time = by_blocks.max(by_clock);
        self.vm.set_block(self.height, self.time);
    }

    /// A block hash for the status (the node keeps no blocks: a hash of the height).
    pub fn block_hash(&self, height: u64) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.config.chain_id.as_bytes());
        h.update(height.to_be_bytes());
        h.finalize().into()
    }

    // ---- transactions ----

    /// `broadcast_tx_sync`: CheckTx; when it passes, the transaction is delivered at once
    /// as its own block.
    pub fn broadcast(&mut self, tx: &[u8]) -> Broadcast {
        let hash: [u8; 32] = Sha256::digest(tx).into();
        let checked = self
            .decode(tx)
            .map_err(|f| (f, 0))
            .and_then(|d| self.ante(&d, tx.len(), Mode::Deliver).map(|plan| (d, plan)));
        let (decoded, plan) = match checked {
            Ok(ok) => ok,
            Err((failure, gas_used)) => {
                let gas_wanted = self.gas_wanted(tx);
                if self.verbose {
                    eprintln!("checktx {}: {failure}", hex::encode_upper(hash));
                }
                return Broadcast {
                    hash,
                    check: Err((failure, gas_wanted, gas_used)),
                    delivered: None,
                };
            }
        };
        let gas_limit = plan.gas_limit;
        self.next_block();
        let result = self.deliver(&decoded, plan, Mode::Deliver);
        if self.verbose {
            eprintln!(
                "block {} tx {}: code {} gas {}/{} {}",
                self.height,
                hex::encode_upper(hash),
                result.code,
                result.gas_used,
                result.gas_wanted,
                result.log
            );
        }
        let record = TxRecord {
            height: self.height,
            index: 0,
            tx: tx.to_vec(),
            result,
        };
        self.txs.insert(hash, record.clone());
        Broadcast {
            hash,
            check: Ok(gas_limit),
            delivered: Some(record),
        }
    }

    fn gas_wanted(&self, tx: &[u8]) -> u64 {
        TxRaw::decode(tx)
            .ok()
            .and_then(|raw| AuthInfo::decode(raw.auth_info_bytes.as_slice()).ok())
            .and_then(|a| a.fee)
            .map_or(0, |f| f.gas_limit)
    }

    /// The `Simulate` service: the transaction run as delivery would run it, on the
    /// current state, which is restored afterwards.
    pub fn simulate(&mut self, tx: &[u8]) -> Result<TxResult, (Failure, u64)> {
        let decoded = self.decode(tx).map_err(|f| (f, 0))?;
        let vm_before = self.vm.snapshot();
        let state_before = self.state.clone();
        let ran = self
            .ante(&decoded, tx.len(), Mode::Simulate)
            .map(|plan| self.deliver(&decoded, plan, Mode::Simulate));
        self.vm.restore(vm_before);
        self.state = state_before;
        match ran {
            Ok(result) if result.code == 0 => Ok(result),
            Ok(result) => Err((
                Failure {
                    codespace: result.codespace,
                    code: result.code,
                    log: result.log,
                },
                result.gas_used,
            )),
            Err(e) => Err(e),
        }
    }

    /// Decodes the transaction and checks its messages (baseapp's `validateBasicTxMsgs`).
    pub fn decode(&self, tx: &[u8]) -> Result<Decoded, Failure> {
        let raw = TxRaw::decode(tx).map_err(|e| Failure::sdk(2, e))?;
        let body = TxBody::decode(raw.body_bytes.as_slice()).map_err(|e| Failure::sdk(2, e))?;
        let auth =
            AuthInfo::decode(raw.auth_info_bytes.as_slice()).map_err(|e| Failure::sdk(2, e))?;
        let msgs = body
            .messages
            .iter()
            .map(Msg::from_any)
            .collect::<Result<Vec<_>, _>>()?;
        if msgs.is_empty() {
            return Err(Failure::sdk(18, "must contain at least one message"));
        }
        for m in &msgs {
            m.validate_basic(&self.config.prefix)?;
        }
        // The signers, in order of first appearance (the fee payer, when set, too).
        let mut signers: Vec<(String, Vec<u8>)> = vec![];
        let payer = auth
            .fee
            .as_ref()
            .map(|f| f.payer.clone())
            .unwrap_or_default();
        let named = msgs
            .iter()
            .map(|m| m.signer().to_string())
            .chain((!payer.is_empty()).then_some(payer));
        for s in named {
            let signer = msgs::address(&s, &self.config.prefix)?;
            if !signers.contains(&signer) {
                signers.push(signer);
            }
        }
        if raw.signatures.is_empty() {
            return Err(Failure::sdk(15, ""));
        }
        if signers.len() != raw.signatures.len() {
            return Err(Failure::sdk(
                4,
                format!(
                    "wrong number of signers; expected {}, got {}",
                    signers.len(),
                    raw.signatures.len()
                ),
            ));
        }
        if signers.len() != 1 {
            return Err(Failure::sdk(
                18,
                format!(
                    "farthing-devnode accepts transactions of one signer, not {}",
                    signers.len()
                ),
            ));
        }
        let (signer, signer_bytes) = signers.remove(0);
        Ok(Decoded {
            raw,
            body,
            auth,
            msgs,
            signer,
            signer_bytes,
        })
    }

    /// The ante handler's checks, in the SDK's order (wasmd's app/ante.go); nothing is
    /// written. The error carries the gas used so far.
    fn ante(&self, d: &Decoded, tx_len: usize, mode: Mode) -> Result<AntePlan, (Failure, u64)> {
        let simulate = mode == Mode::Simulate;
        let fee = d.auth.fee.clone().unwrap_or_default();
        let gas_limit = fee.gas_limit;
        // ValidateBasic: the fee, the signer infos, the gas limit.
        if gas_limit > i64::MAX as u64 {
            return Err((
                Failure::sdk(
                    18,
                    format!("invalid gas supplied; {gas_limit} > {}", i64::MAX),
                ),
                0,
            ));
        }
        // The fee's coins: zero amounts are allowed (and pay nothing), as the SDK only
        // refuses negative ones.
        let mut fee_coins = vec![];
        for c in &fee.amount {
            let amount: u128 = c.amount.parse().map_err(|_| {
                (
                    Failure::sdk(13, format!("invalid fee provided: {}{}", c.amount, c.denom)),
                    0,
                )
            })?;
            fee_coins.push(Coin::new(amount, c.denom.clone()));
        }
        if d.auth.signer_infos.len() != d.raw.signatures.len() {
            return Err((
                Failure::sdk(
                    4,
                    format!(
                        "invalid number of signer;  expected: {}, got {}",
                        d.raw.signatures.len(),
                        d.auth.signer_infos.len()
                    ),
                ),
                0,
            ));
        }
        if !d.body.extension_options.is_empty() {
            return Err((Failure::sdk(31, ""), 0));
        }
        // TxTimeoutHeightDecorator: the transaction goes in the next block.
        let timeout = d.body.timeout_height;
        if timeout > 0 && self.height + 1 > timeout {
            return Err((
                Failure::sdk(
                    30,
                    format!(
                        "block height: {}, timeout height: {timeout}",
                        self.height + 1
                    ),
                ),
                0,
            ));
        }
        // ValidateMemoDecorator.
        let memo_chars = d.body.memo.chars().count();
        if memo_chars > MAX_MEMO_CHARACTERS {
            return Err((
                Failure::sdk(
                    12,
                    format!(
                        "maximum number of characters is {MAX_MEMO_CHARACTERS} but received \
                         {memo_chars} characters"
                    ),
                ),
                0,
            ));
        }
        let signature = &d.raw.signatures[0];
        let info = &d.auth.signer_infos[0];
        let simulated_signature = simulate && signature.is_empty();
        // ConsumeGasForTxSizeDecorator.
        let mut used = gas::TX_SIZE_COST_PER_BYTE * tx_len as u64;
        if simulated_signature {
            used += gas::TX_SIZE_COST_PER_BYTE * gas::SIMULATED_SIGNATURE_BYTES;
        }
        let out_of_gas = |location: &str, used: u64| {
            Failure::sdk(
                11,
                format!(
                    "out of gas in location: {location}; gasWanted: {gas_limit}, gasUsed: {used}"
                ),
            )
        };
        if !simulate && used > gas_limit {
            return Err((out_of_gas("txSize", used), used));
        }
        // DeductFeeDecorator: the minimum gas price (CheckTx only), the fee payer's account
        // and its funds.
        if !simulate && self.config.min_gas_price > 0.0 {
            let required = required_fee(gas_limit, self.config.min_gas_price);
            let paid = fee_coins
                .iter()
                .find(|c| c.denom == self.config.denom)
                .map_or(0, |c| c.amount.u128());
            if required > 0 && paid < required {
                return Err((
                    Failure::sdk(
                        13,
                        format!(
                            "insufficient fees; got: {} required: {required}{}",
                            coins_string(&fee_coins),
                            self.config.denom
                        ),
                    ),
                    used,
                ));
            }
        }
        if !fee.granter.is_empty() {
            return Err((Failure::sdk(18, "fee grants are not enabled"), used));
        }
        let Some(account) = self.state.accounts.get(&d.signer) else {
            return Err((
                Failure::sdk(9, format!("fee payer address: {} does not exist", d.signer)),
                used,
            ));
        };
        let payer = Addr::unchecked(&d.signer);
        let balances = self.vm.balances(&payer);
        let collector = Addr::unchecked(&self.fee_collector);
        let collector_balances = self.vm.balances(&collector);
        let mut events = vec![];
        let fee_event = coins_string(&fee_coins);
        fee_coins.retain(|c| !c.amount.is_zero());
        if !fee_coins.is_empty() {
            let mut moves = vec![];
            for coin in &fee_coins {
                let have = balance_of(&balances, &coin.denom);
                if have < coin.amount.u128() {
                    let have = Coin::new(have, coin.denom.clone());
                    let inner = Failure::sdk(
                        5,
                        format!("spendable balance {have} is smaller than {coin}"),
                    );
                    return Err((Failure::sdk(5, inner.log), used));
                }
                let to = balance_of(&collector_balances, &coin.denom);
                moves.push((
                    coin.denom.as_str(),
                    have,
                    have - coin.amount.u128(),
                    to,
                    to + coin.amount.u128(),
                ));
            }
            used += gas::bank_move(20, 20, &moves);
            events.extend(transfer_events(&d.signer, &self.fee_collector, &fee_coins));
        }
        events.push(
            Event::new("tx")
                .add_attribute("fee", fee_event)
                .add_attribute("fee_payer", &d.signer),
        );
        // SetPubKeyDecorator.
        let pubkey = match &info.public_key {
            None if simulate => Some(
                account
                    .pubkey
                    .clone()
                    .unwrap_or_else(|| SIMULATION_PUBKEY.to_vec()),
            ),
            None => None,
            Some(any) => {
                if any.type_url != PubKey::type_url() {
                    return Err((
                        Failure::sdk(
                            8,
                            format!(
                                "farthing-devnode verifies secp256k1 keys only, not {}",
                                any.type_url
                            ),
                        ),
                        used,
                    ));
                }
                let key = PubKey::decode(any.value.as_slice())
                    .map_err(|e| (Failure::sdk(2, e), used))?
                    .key;
                if !simulate && key_address(&key) != Some(d.signer_bytes.clone()) {
                    return Err((
                        Failure::sdk(
                            8,
                            format!(
                                "pubKey does not match signer address {} with signer index: 0",
                                d.signer
                            ),
                        ),
                        used,
                    ));
                }
                Some(key)
            }
        };
        let sets_pubkey = account.pubkey.is_none() && pubkey.is_some();
        events.push(
            Event::new("tx").add_attribute("acc_seq", format!("{}/{}", d.signer, info.sequence)),
        );
        if !signature.is_empty() {
            use base64::Engine;
            events.push(Event::new("tx").add_attribute(
                "signature",
                base64::engine::general_purpose::STANDARD.encode(signature),
            ));
        }
        // SigGasConsumeDecorator, the account reads and writes of the decorators.
        let mut stored = account.clone();
        if sets_pubkey {
            stored.pubkey = pubkey.clone();
        }
        used += gas::ante(0, false, stored.stored_bytes(&d.signer), sets_pubkey);
        if !simulate && used > gas_limit {
            return Err((out_of_gas("ReadFlat", used), used));
        }
        // SigVerificationDecorator.
        let key = pubkey.clone().or_else(|| account.pubkey.clone());
        let Some(key) = key else {
            return Err((Failure::sdk(8, "pubkey on account is not set"), used));
        };
        if info.sequence != account.sequence {
            return Err((
                Failure::sdk(
                    32,
                    format!(
                        "account sequence mismatch, expected {}, got {}",
                        account.sequence, info.sequence
                    ),
                ),
                used,
            ));
        }
        if !simulate {
            let mode = info.mode_info.as_ref().and_then(|m| m.sum.as_ref());
            if !matches!(mode, Some(Sum::Single(s)) if s.mode == SIGN_MODE_DIRECT) {
                return Err((
                    Failure::sdk(
                        4,
                        format!(
                            "farthing-devnode verifies SIGN_MODE_DIRECT signatures only, not \
                             {mode:?}"
                        ),
                    ),
                    used,
                ));
            }
            let sign_doc = SignDoc {
                body_bytes: d.raw.body_bytes.clone(),
                auth_info_bytes: d.raw.auth_info_bytes.clone(),
                chain_id: self.config.chain_id.clone(),
                account_number: account.number,
            };
            if !verify(&key, &sign_doc.encode_to_vec(), signature) {
                return Err((
                    Failure::sdk(
                        4,
                        format!(
                            "signature verification failed; please verify account number ({}), \
                             sequence ({}) and chain-id ({})",
                            account.number, account.sequence, self.config.chain_id
                        ),
                    ),
                    used,
                ));
            }
        }
        // (The tx-size part was counted above: `gas::ante` got 0 bytes.)
        Ok(AntePlan {
            fee: fee_coins,
            gas_limit,
            gas: used,
            pubkey: if sets_pubkey { pubkey } else { None },
            events,
        })
    }

    /// Writes what the ante handler decided (the fee, the public key, the sequence), then
    /// runs the messages, all or none; the fee and the sequence stay whatever the messages
    /// do, as in the SDK.
    fn deliver(&mut self, d: &Decoded, plan: AntePlan, mode: Mode) -> TxResult {
        // The ante handler's writes.
        if !plan.fee.is_empty() {
            let payer = Addr::unchecked(&d.signer);
            let collector = Addr::unchecked(&self.fee_collector);
            // Checked by the ante handler: the payer has the fee.
            let _ = self.vm.bank_send(&payer, &collector, &plan.fee);
        }
        if let Some(account) = self.state.accounts.get_mut(&d.signer) {
            if let Some(key) = plan.pubkey {
                account.pubkey = Some(key);
            }
            account.sequence += 1;
        }
        let limited = mode == Mode::Deliver;
        let gas_limit = plan.gas_limit;
        let mut result = TxResult {
            gas_wanted: if limited { gas_limit } else { u64::MAX },
            gas_used: plan.gas,
            events: plan.events,
            ..TxResult::default()
        };
        let state_before = self.state.clone();
        let prefix = self.config.prefix.clone();
        let height = self.height;
        let signer = d.signer.clone();
        let fee_collector = self.fee_collector.clone();
        let state = &mut self.state;
        let mut used = plan.gas;
        let ran = self.vm.atomic(|vm| {
            let mut done = vec![];
            for (i, msg) in d.msgs.iter().enumerate() {
                let remaining = gas_limit.saturating_sub(used);
                vm.set_gas_limit(if limited {
                    remaining
                        .saturating_mul(GAS_MULTIPLIER)
                        .min(DEFAULT_GAS_LIMIT)
                } else {
                    DEFAULT_GAS_LIMIT
                });
                let mut ctx = Ctx {
                    vm,
                    state,
                    prefix: &prefix,
                    height,
                    signer: &signer,
                    fee_collector: &fee_collector,
                };
                let (outcome, gas) = match ctx.run(msg) {
                    Ok(ok) => {
                        let gas = ok.gas;
                        (Ok(ok), gas)
                    }
                    Err((e, gas)) => (Err(e), gas),
                };
                used += gas;
                // Past the limit (or out of the VM's share of it), the gas meter panics
                // whatever the message did: out of gas, not a message failure.
                let vm_out_of_gas = matches!(outcome, Err(MsgError::OutOfGas));
                if vm_out_of_gas {
                    used = used.max(gas_limit);
                }
                let out_of_gas = vm_out_of_gas || (limited && used > gas_limit);
                match outcome {
                    Ok(ok) if !out_of_gas => done.push((msg, ok)),
                    Err(MsgError::Failed(f)) if !out_of_gas => {
                        return Err(
                            f.context(format!("failed to execute message; message index: {i}"))
                        );
                    }
                    _ => {
                        let location = match msg {
                            Msg::Send(_) => "WriteFlat",
                            _ => "wasm contract",
                        };
                        return Err(Failure::sdk(
                            11,
                            format!(
                                "out of gas in location: {location}; gasWanted: {gas_limit}, \
                                 gasUsed: {used}"
                            ),
                        ));
                    }
                }
            }
            Ok(done)
        });
        self.vm.set_gas_limit(QUERY_GAS_LIMIT * GAS_MULTIPLIER);
        result.gas_used = used;
        match ran {
            Ok(done) => {
                let mut responses = vec![];
                for (i, (msg, ok)) in done.into_iter().enumerate() {
                    let index = i.to_string();
                    let mut message = Event::new("message")
                        .add_attribute("action", msg.type_url())
                        .add_attribute("sender", &d.signer)
                        .add_attribute("module", msg.module());
                    message = message.add_attribute("msg_index", &index);
                    result.events.push(message);
                    for e in ok.events {
                        result.events.push(e.add_attribute("msg_index", &index));
                    }
                    responses.push(ok.response);
                }
                result.data = TxMsgData {
                    #[allow(deprecated)]
                    data: vec![],
                    msg_responses: responses.clone(),
                }
                .encode_to_vec();
                result.msg_responses = responses;
            }
            Err(failure) => {
                self.state = state_before;
                result.code = failure.code;
                result.codespace = failure.codespace;
                result.log = failure.log;
            }
        }
        result
    }
}

fn balance_of(balances: &[Coin], denom: &str) -> u128 {
    balances
        .iter()
        .find(|c| c.denom == denom)
        .map_or(0, |c| c.amount.u128())
}

/// The bank's events of a transfer (x/bank SendCoins).
pub fn transfer_events(from: &str, to: &str, coins: &[Coin]) -> Vec<Event> {
    let amount = coins_string(coins);
    vec![
        Event::new("coin_spent")
            .add_attribute("spender", from)
            .add_attribute("amount", &amount),
        Event::new("coin_received")
            .add_attribute("receiver", to)
            .add_attribute("amount", &amount),
        Event::new("transfer")
            .add_attribute("recipient", to)
            .add_attribute("sender", from)
            .add_attribute("amount", &amount),
        Event::new("message").add_attribute("sender", from),
    ]
}

/// The account address of a compressed secp256k1 key: ripemd160(sha256(key)).
fn key_address(key: &[u8]) -> Option<Vec<u8>> {
    let key = cosmrs::tendermint::PublicKey::from_raw_secp256k1(key)?;
    let key = cosmrs::crypto::PublicKey::from(key);
    key.account_id("x").ok().map(|id| id.to_bytes())
}

/// The SDK's secp256k1 `VerifySignature`: a 64-byte (r, s) signature in low-S form over
/// the sha256 of the message.
fn verify(key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    use k256::ecdsa::signature::Verifier;
    use k256::ecdsa::{Signature, VerifyingKey};
    let Ok(key) = VerifyingKey::from_sec1_bytes(key) else {
        return false;
    };
    let Ok(signature) = Signature::from_slice(signature) else {
        return false;
    };
    // The SDK refuses a malleable (high-S) signature.
    if signature.normalize_s().is_some() {
        return false;
    }
    key.verify(message, &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimum_fee_is_the_ceiling_of_decimal_arithmetic() {
        assert_eq!(required_fee(200_000, 0.025), 5_000);
        assert_eq!(required_fee(200_001, 0.025), 5_001);
        assert_eq!(required_fee(1, 0.025), 1);
        assert_eq!(required_fee(100, 0.0), 0);
        assert_eq!(required_fee(3, 1.5), 5);
        assert_eq!(required_fee(10, 2.0), 20);
    }

    #[test]
    fn a_high_s_signature_is_refused() {
        use k256::ecdsa::signature::Signer;
        use k256::ecdsa::{Signature, SigningKey};
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let public = key.verifying_key().to_sec1_bytes();
        let sig: Signature = key.sign(b"message");
        let low = sig.normalize_s().unwrap_or(sig);
        assert!(verify(&public, b"message", &low.to_bytes()));
        let (r, s) = low.split_scalars();
        let high = Signature::from_scalars(r, -*s).unwrap();
        assert!(!verify(&public, b"message", &high.to_bytes()));
        assert!(!verify(&public, b"other", &low.to_bytes()));
    }
}
