import {
  ChannelSession, MicropayTokenClient, createdIds, explainVerdict, parseError,
  suggestedFee, type ISigningCosmWasmClient, type SessionKeyStore,
} from "@farthing/sdk";

export async function payAndOpenChannel(
  client: ISigningCosmWasmClient, store: SessionKeyStore, token: string, me: string, shop: string,
) {
  const far = new MicropayTokenClient(client, me, token);
  const refusal = explainVerdict(await far.canTransfer({ from: me, to: shop, amount: "250" }));
  if (refusal) return { refusal }; // e.g. { code: "not_listed", role: "recipient", party: shop }
  await far.pay({ recipient: shop, amount: "250", reference: "inv-42" }, suggestedFee("pay", 0.025, "ufar")).catch((e) => {
    throw parseError(e) ?? e; // { code, role?, party?, message }: the same codes as the dry run
  });
  const session = await ChannelSession.create(store, { chainId: "farthing-1", token, payee: shop, deposit: "1000" });
  const expiresAt = String(BigInt(Date.now() + 31 * 86_400_000) * 1_000_000n); // in 31 days
  const opened = await far.openChannel({ payee: shop, amount: "1000", expiresAt, signer: session.signerKey() });
  await session.attach(createdIds(opened.events).channels[0]);
  return { voucher: await session.pay("1") }; // { channel, cumulative, signature }: send it with the request
}
