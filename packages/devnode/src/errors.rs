//! Errors as a Cosmos SDK chain reports them: a codespace, a code and a log, the log being
//! the error's text as `errorsmod` prints a wrapped registered error ("<what>: <description
//! of the registered error>").

use std::fmt::Display;

/// A failed transaction, message or query, as the client sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub codespace: String,
    pub code: u32,
    pub log: String,
}

/// The description of a registered error (cosmos-sdk types/errors/errors.go, wasmd
/// x/wasm/types/errors.go): what `errorsmod.Wrap` appends to the wrapped text.
fn description(codespace: &str, code: u32) -> &'static str {
    match (codespace, code) {
        ("sdk", 2) => "tx parse error",
        ("sdk", 3) => "invalid sequence",
        ("sdk", 4) => "unauthorized",
        ("sdk", 5) => "insufficient funds",
        ("sdk", 6) => "unknown request",
        ("sdk", 7) => "invalid address",
        ("sdk", 8) => "invalid pubkey",
        ("sdk", 9) => "unknown address",
        ("sdk", 10) => "invalid coins",
        ("sdk", 11) => "out of gas",
        ("sdk", 12) => "memo too large",
        ("sdk", 13) => "insufficient fee",
        ("sdk", 15) => "no signatures supplied",
        ("sdk", 18) => "invalid request",
        ("sdk", 26) => "invalid height",
        ("sdk", 32) => "incorrect account sequence",
        ("sdk", 38) => "key not found",
        ("wasm", 2) => "create wasm contract failed",
        ("wasm", 3) => "contract account already exists",
        ("wasm", 4) => "instantiate wasm contract failed",
        ("wasm", 5) => "execute wasm contract failed",
        ("wasm", 8) => "not found",
        ("wasm", 9) => "query wasm contract failed",
        ("wasm", 11) => "migrate wasm contract failed",
        ("wasm", 12) => "empty",
        ("wasm", 13) => "exceeds limit",
        ("wasm", 14) => "invalid",
        ("wasm", 15) => "duplicate",
        ("wasm", 21) => "invalid event",
        ("wasm", 22) => "no such contract",
        ("wasm", 28) => "no such code",
        ("wasm", 29) => "wasmvm error",
        ("wasm", 30) => "max call depth exceeded",
        _ => "error",
    }
}

impl Failure {
    /// `errorsmod.Wrap(<registered error>, what)`: "what: <description>".
    pub fn wrap(codespace: &str, code: u32, what: impl Display) -> Failure {
        let what = what.to_string();
        let desc = description(codespace, code);
        Failure {
            codespace: codespace.into(),
            code,
            log: if what.is_empty() {
                desc.to_string()
            } else {
                format!("{what}: {desc}")
            },
        }
    }

    /// A registered error of the SDK's codespace, wrapped with `what`.
    pub fn sdk(code: u32, what: impl Display) -> Failure {
        Failure::wrap("sdk", code, what)
    }

    /// A registered error of wasmd's codespace, wrapped with `what`.
    pub fn wasm(code: u32, what: impl Display) -> Failure {
        Failure::wrap("wasm", code, what)
    }

    /// An error the SDK did not register (a bech32 decoding error, say): codespace
    /// `undefined`, code 1, its text as it is.
    pub fn undefined(text: impl Display) -> Failure {
        Failure {
            codespace: "undefined".into(),
            code: 1,
            log: text.to_string(),
        }
    }

    /// `errorsmod.Wrap(err, what)`: same code, "what: <log>".
    pub fn context(mut self, what: impl Display) -> Failure {
        self.log = format!("{what}: {}", self.log);
        self
    }
}

impl Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "codespace {} code {}: {}",
            self.codespace, self.code, self.log
        )
    }
}

impl std::error::Error for Failure {}
