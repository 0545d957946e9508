//! Signs and verifies Farthing payment-channel vouchers from the command line.
//!
//! ```sh
//! farthing-voucher pubkey --key-type ed25519 --secret <64 hex>
//! farthing-voucher sign   --key-type ed25519 --secret <64 hex> --chain-id farthing-1 \
//!     --token <token address> --channel 7 --payee <address> --cumulative 1500
//! farthing-voucher verify --key-type ed25519 --public-key <hex> --signature <hex> \
//!     --chain-id farthing-1 --token <address> --channel 7 --payee <address> --cumulative 1500
//! ```

use clap::{Args, Parser, Subcommand};
use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{HexBinary, Uint128};
use farthing_voucher::{public_key, sign, verify, KeyType, SignerKey, Voucher};

#[derive(Parser)]
#[command(
    name = "farthing-voucher",
    about = "Sign and verify Farthing payment-channel vouchers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct VoucherArgs {
    #[arg(long)]
    chain_id: String,
    #[arg(long)]
    token: String,
    #[arg(long)]
    channel: u64,
    #[arg(long)]
    payee: String,
    #[arg(long)]
    cumulative: u128,
}

impl VoucherArgs {
    fn voucher(&self) -> Voucher {
        Voucher {
            chain_id: self.chain_id.clone(),
            token: self.token.clone(),
            channel_id: self.channel,
            payee: self.payee.clone(),
            cumulative: Uint128::new(self.cumulative),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Print the public key of a 32-byte secret (hex).
    Pubkey {
        #[arg(long)]
        key_type: KeyType,
        #[arg(long)]
        secret: String,
    },
    /// Sign a voucher; prints JSON with the encoding, digest, signer and signature.
    Sign {
        #[arg(long)]
        key_type: KeyType,
        #[arg(long)]
        secret: String,
        #[command(flatten)]
        voucher: VoucherArgs,
    },
    /// Verify a voucher signature; exits 1 when it does not verify.
    Verify {
        #[arg(long)]
        key_type: KeyType,
        #[arg(long)]
        public_key: String,
        #[arg(long)]
        signature: String,
        #[command(flatten)]
        voucher: VoucherArgs,
    },
}

fn secret(hex: &str) -> Result<[u8; 32], String> {
    let bytes = HexBinary::from_hex(hex).map_err(|e| format!("secret: {e}"))?;
    bytes
        .to_array::<32>()
        .map_err(|_| "secret: expected 32 bytes (64 hex digits)".to_string())
}

fn run() -> Result<(), String> {
    match Cli::parse().command {
        Command::Pubkey {
            key_type,
            secret: s,
        } => {
            let key = public_key(key_type, &secret(&s)?).map_err(|e| e.to_string())?;
            println!(
                "{}",
                serde_json::to_string(&key).map_err(|e| e.to_string())?
            );
        }
        Command::Sign {
            key_type,
            secret: s,
            voucher,
        } => {
            let secret = secret(&s)?;
            let v = voucher.voucher();
            let signature = sign(key_type, &secret, &v).map_err(|e| e.to_string())?;
            let out = serde_json::json!({
                "voucher": v,
                "encoding": HexBinary::from(v.encode().map_err(|e| e.to_string())?),
                "digest": HexBinary::from(v.digest().map_err(|e| e.to_string())?.as_slice()),
                "signer": public_key(key_type, &secret).map_err(|e| e.to_string())?,
                "signature": signature,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
            );
        }
        Command::Verify {
            key_type,
            public_key: pk,
            signature,
            voucher,
        } => {
            let pk = HexBinary::from_hex(&pk).map_err(|e| format!("public key: {e}"))?;
            let key = match key_type {
                KeyType::Secp256k1 => SignerKey::Secp256k1(pk),
                KeyType::Ed25519 => SignerKey::Ed25519(pk),
            };
            let sig = HexBinary::from_hex(&signature).map_err(|e| format!("signature: {e}"))?;
            verify(&MockApi::default(), &voucher.voucher(), &sig, &key)
                .map_err(|e| e.to_string())?;
            println!("valid");
        }
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
