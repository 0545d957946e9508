//! Act 6 of the story, run as a test: 1,000 paid requests through the gateway, settled.

use farthing_demo::gateway::{play, GatewayAct, PRICE, REQUESTS};

#[test]
fn act_6_serves_a_thousand_paid_requests_and_settles_them_exactly() {
    let mut out = Vec::new();
    let act: GatewayAct = match play(&mut out) {
        Ok(a) => a,
        Err(e) => panic!("{}\nact 6 stopped: {e:#}", String::from_utf8_lossy(&out)),
    };
    assert_eq!(act.served, REQUESTS);
    assert_eq!(act.claimed, REQUESTS * PRICE);
    assert_eq!(act.publisher_gain, REQUESTS * PRICE);
    // 1,200 requests' deposit: 200 back to the reader.
    assert_eq!(act.payer_refund, 200 * PRICE);
    // One 402 per new path (four symbols), then paid up front.
    assert_eq!(act.payment_required, 4);
    assert!(act.settle_gas > 0 && act.close_gas > 0);
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.contains("Act 6. A paid API"), "{text}");
}
