//! The CLI signs a voucher and verifies it; a forged amount fails with exit code 1.

#![cfg(feature = "cli")]

use std::process::Command;

fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_farthing-voucher"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn sign_then_verify_from_the_command_line() {
    let voucher = [
        "--chain-id",
        "farthing-1",
        "--token",
        "cosmwasm1token",
        "--channel",
        "7",
        "--payee",
        "cosmwasm1payee",
    ];
    for key_type in ["secp256k1", "ed25519"] {
        let secret = "33".repeat(32);
        let mut args = vec!["sign", "--key-type", key_type, "--secret", &secret];
        args.extend(voucher);
        args.extend(["--cumulative", "1500"]);
        let (ok, out) = run(&args);
        assert!(ok, "{out}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let signature = json["signature"].as_str().unwrap().to_string();
        let public_key = json["signer"][key_type].as_str().unwrap().to_string();
        let verify = |amount: &str| {
            let mut args = vec![
                "verify",
                "--key-type",
                key_type,
                "--public-key",
                &public_key,
                "--signature",
                &signature,
            ];
            args.extend(voucher);
            args.extend(["--cumulative", amount]);
            run(&args)
        };
        assert_eq!(verify("1500"), (true, "valid\n".to_string()));
        assert!(!verify("1501").0);
    }
}
