import {
  MicropayTokenClient, PayFetchError, WebStoragePayStore, paymentReceipt, payingFetch, tokenOpener,
  type ISigningCosmWasmClient,
} from "@farthing/sdk";

export async function quote(client: ISigningCosmWasmClient, me: string, token: string) {
  const paid = payingFetch({
    network: "cosmos:farthing-1",
    asset: token,
    budget: "5000000", // never lock more than this into channels, over the store's life
    opener: tokenOpener(new MicropayTokenClient(client, me, token)), // the wallet signs Open/TopUp/Extend
    store: new WebStoragePayStore(), // localStorage; new FilePayStore(path) in Node
  });
  try {
    const res = await paid("https://api.example.com/v1/quote/ATOM"); // 402, channel, voucher, 200
    return { quote: await res.json(), receipt: paymentReceipt(res) }; // receipt: { channelId, amount, spent, ... }
  } catch (e) {
    if (e instanceof PayFetchError) return { refused: e.code, gateway: e.gatewayCode }; // e.g. budget_exceeded
    throw e;
  }
}
