//! Prometheus metrics, served on the admin listener's `/metrics`.

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

use crate::ledger::Reject;

pub struct Metrics {
    registry: Registry,
    /// Requests served and charged.
    pub paid: IntCounter,
    /// `402` answers (no payment, or a refused one).
    pub payment_required: IntCounter,
    /// Refused vouchers, by code.
    pub rejected: IntCounterVec,
    /// Charged requests refunded because the upstream failed.
    pub refunded: IntCounter,
    /// Value charged (token units).
    pub charged_value: IntCounter,
    /// Value served but not yet claimed on chain.
    pub unsettled: IntGauge,
    /// Settlement transactions, by outcome (`ok`, `failed`).
    pub settlements: IntCounterVec,
    /// Claims refused by the chain in simulation, set aside, by code.
    pub refused_claims: IntCounterVec,
    /// Gas used by settlement transactions.
    pub settlement_gas: IntCounter,
    /// Value claimed on chain.
    pub settled_value: IntCounter,
    /// Value served that can no longer be claimed (the channel closed first).
    pub lost_value: IntCounter,
    /// Channel reads from the chain.
    pub channel_reads: IntCounter,
    /// Time from a paid request's arrival to its forwarding (verification and commit).
    pub added_seconds: Histogram,
}

fn counter(registry: &Registry, name: &str, help: &str) -> IntCounter {
    let c = IntCounter::new(name, help).expect("a valid metric name");
    registry
        .register(Box::new(c.clone()))
        .expect("registered once");
    c
}

fn counter_vec(registry: &Registry, name: &str, help: &str, label: &str) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), &[label]).expect("a valid metric name");
    registry
        .register(Box::new(c.clone()))
        .expect("registered once");
    c
}

impl Metrics {
    // The names and labels are constants: registering them cannot fail.
    #[allow(clippy::expect_used)]
    pub fn new() -> Metrics {
        let registry =
            Registry::new_custom(Some("farthing_gateway".into()), None).expect("a valid prefix");
        let rejected = counter_vec(
            &registry,
            "rejected_vouchers_total",
            "Refused vouchers, by reason",
            "reason",
        );
        for code in Reject::CODES
            .iter()
            .chain(&["bad_payment", "unknown_channel", "payer_blocked"])
        {
            rejected.with_label_values(&[code]);
        }
        let unsettled = IntGauge::new(
            "unsettled_value",
            "Value served but not yet claimed on chain (token units)",
        )
        .expect("a valid metric name");
        registry
            .register(Box::new(unsettled.clone()))
            .expect("registered once");
        let added_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "added_seconds",
                "Time a paid request spends in the gateway before it is forwarded",
            )
            .buckets(vec![
                0.000_1, 0.000_25, 0.000_5, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1, 1.0,
            ]),
        )
        .expect("a valid metric name");
        registry
            .register(Box::new(added_seconds.clone()))
            .expect("registered once");
        Metrics {
            paid: counter(
                &registry,
                "paid_requests_total",
                "Requests served and charged",
            ),
            payment_required: counter(
                &registry,
                "payment_required_total",
                "402 answers (no payment, or a refused one)",
            ),
            rejected,
            refunded: counter(
                &registry,
                "refunded_requests_total",
                "Charged requests refunded because the upstream failed",
            ),
            charged_value: counter(
                &registry,
                "charged_value_total",
                "Value charged (token units)",
            ),
            unsettled,
            settlements: counter_vec(
                &registry,
                "settlements_total",
                "Settlement transactions, by outcome",
                "outcome",
            ),
            refused_claims: counter_vec(
                &registry,
                "refused_claims_total",
                "Claims the chain refused in simulation, set aside, by code",
                "code",
            ),
            settlement_gas: counter(
                &registry,
                "settlement_gas_total",
                "Gas used by settlement transactions",
            ),
            settled_value: counter(
                &registry,
                "settled_value_total",
                "Value claimed on chain (token units)",
            ),
            lost_value: counter(
                &registry,
                "lost_value_total",
                "Value served that can no longer be claimed (the channel closed first)",
            ),
            channel_reads: counter(
                &registry,
                "channel_reads_total",
                "Channel reads from the chain",
            ),
            added_seconds,
            registry,
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buf = vec![];
        // Encoding gathered families into a Vec cannot fail.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
