// The scenario of scripts/ts_peer.sh, TypeScript side, with the unchanged upstream SDK
// (`owostack`, packages/core): the catalog declared with its helpers and synced twice, a
// customer on the metered plan, a card saved through wallet.setup, usage tracked through the
// bound feature handles, billing.usage / invoice / invoices / pay, addon, wallet.remove.
// Prints the results as JSON in the shape examples/parity_scenario.cpp prints the C++ SDK's.
//
// Environment: OWOSTACK_SECRET_KEY, OWOSTACK_API_URL (NODE_EXTRA_CA_CERTS: owostack-local's CA).
import { Owostack, metered, entity, boolean, creditSystem, creditPack, plan } from "owostack";

const calls = metered("p-calls", { name: "API calls" });
const tokens = metered("p-tokens");
const storage = metered("p-storage");
const compute = metered("p-compute");
const seats = entity("p-seats");
const sso = boolean("p-sso");
const credits = creditSystem("p-credits", { name: "Credits", features: [{ feature: "p-images", creditCost: 5 }] });
const pack = creditPack("p-50-credits", {
  name: "50 credits", credits: 50, price: 500, currency: "USD", creditSystem: "p-credits",
});
const meteredPlan = plan("p-metered", {
  name: "Metered", price: 0, currency: "USD", interval: "monthly",
  features: [
    calls.limit(100, { overage: "charge", overagePrice: 20, billingUnits: 10 }),
    tokens.perUnit(3),
    storage.graduated([{ upTo: 10, unitPrice: 5 }, { upTo: 20, unitPrice: 3, flatFee: 100 }, { upTo: null, unitPrice: 1 }]),
    compute.volume([{ upTo: 10, unitPrice: 5 }, { upTo: null, unitPrice: 2, flatFee: 50 }]),
    credits.credits(100), seats.limit(3), sso.on(),
  ],
});
const scalePlan = plan("p-scale", {
  name: "Scale", price: 9900, currency: "USD", interval: "monthly",
  features: [calls.unlimited(), seats.unlimited(), sso.on()],
});

const owo = new Owostack({
  secretKey: process.env.OWOSTACK_SECRET_KEY,
  apiUrl: process.env.OWOSTACK_API_URL,
  catalog: [meteredPlan, scalePlan, credits, pack],
});

const sorted = (a) => [...(a ?? [])].sort();
const changes = (c) => ({ created: sorted(c.created), updated: sorted(c.updated), unchanged: sorted(c.unchanged) });
const syncJson = (r) => ({
  features: changes(r.features), creditSystems: changes(r.creditSystems), creditPacks: changes(r.creditPacks),
  plans: changes(r.plans), warnings: sorted(r.warnings),
});
const walletJson = (w) => ({
  hasCard: w.hasCard,
  methods: w.methods.map((m) => ({
    type: m.type, provider: m.provider, isDefault: m.isDefault, isValid: m.isValid,
    card: m.card ? { last4: m.card.last4, brand: m.card.brand, provider: m.card.provider } : null,
  })),
});
const tiersJson = (t) => (t ?? []).map((x) => ({
  tier: x.tier, units: x.units, unitPrice: x.unitPrice, flatFee: x.flatFee ?? null, amount: x.amount,
}));
const usageJson = (u) => ({
  totalEstimated: u.totalEstimated, currency: u.currency,
  features: [...u.features].sort((a, b) => (a.featureSlug < b.featureSlug ? -1 : 1)).map((f) => ({
    featureSlug: f.featureSlug ?? "", usage: f.usage, included: f.included ?? null, billableQuantity: f.billableQuantity,
    estimatedAmount: f.estimatedAmount, usageModel: f.usageModel, ratingModel: f.ratingModel ?? "",
    tierBreakdown: tiersJson(f.tierBreakdown),
  })),
});
// generateInvoice answers `items` (the TypeScript type says `lineItems`).
const invoiceJson = (i) => ({
  status: i.status, currency: i.currency, total: i.total,
  items: [...(i.items ?? i.lineItems ?? [])].sort((a, b) => (a.description < b.description ? -1 : 1)).map((x) => ({
    description: x.description, quantity: x.quantity, unitPrice: x.unitPrice, amount: x.amount,
  })),
});
const summaryJson = (i) => ({ status: i.status, currency: i.currency, total: i.total });

const out = {};
out.sync = syncJson(await owo.sync());
out.syncAgain = syncJson(await owo.sync());

const email = "peer@example.com";
await owo.customer({ email });
await owo.attach({ customer: email, product: "p-metered" });

out.walletBefore = walletJson(await owo.wallet(email));
const flow = await owo.wallet.setup(email, { callbackUrl: "https://app.example.com/card" });
out.setupCheckoutStatus = (await fetch(flow.url)).status;   // the sandbox checkout page saves a card
const withCard = await owo.wallet.list(email);
out.walletAfter = walletJson(withCard);

out.tracked = [
  (await calls.track(email, 125)).allowed,
  (await tokens.track(email, 7)).allowed,
  (await storage.track(email, 25)).allowed,
  (await compute.track(email, 30)).allowed,
];

out.usage = usageJson(await owo.billing.usage({ customer: email }));
const generated = await owo.billing.invoice({ customer: email });
out.invoice = invoiceJson(generated.invoice);
out.invoices = (await owo.billing.invoices({ customer: email })).invoices.map(summaryJson);
// generateInvoice names the id `invoiceId` (the TypeScript type says `id`).
const paid = await owo.billing.pay({ invoiceId: generated.invoice.id ?? generated.invoice.invoiceId });
out.pay = { paid: paid.paid, invoice: summaryJson(paid.invoice) };

const bought = await owo.addon({ customer: email, pack: "p-50-credits", quantity: 2 });
out.addon = { requiresCheckout: bought.requiresCheckout, quantity: bought.quantity ?? 0, credits: bought.credits ?? 0, message: bought.message ?? "" };

out.walletRemove = { success: (await owo.wallet.remove(email, withCard.methods[0].id)).success };
out.walletEnd = walletJson(await owo.wallet(email));
console.log(JSON.stringify(out));
