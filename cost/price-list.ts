/**
 * Reading cost/prices.json's prices from the AWS Price List Query API: for
 * each entry, GetProducts with its TERM_MATCH filters must find exactly one
 * product, whose on-demand term gives the price (the first paid tier) and the
 * free units (a zero-price first tier). Nothing is guessed: an entry whose
 * product is not found, or is ambiguous, is left as it was and reported.
 */
import { GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import { Price, PriceTable, priceId } from "./price-table";

interface PriceDimension {
  beginRange: string;
  endRange: string;
  unit: string;
  pricePerUnit: { USD?: string };
}
interface Product {
  product: { sku: string; attributes: Record<string, string> };
  terms: { OnDemand?: Record<string, { priceDimensions: Record<string, PriceDimension> }> };
}

export interface PriceRead {
  id: string;
  outcome: "read" | "unchanged" | "not found" | "ambiguous" | "no on-demand price";
  detail?: string;
}

/** One product's on-demand price per unit and its free units a month. */
export function onDemandPrice(product: Product): { usd: number; freePerMonth: number | null } | undefined {
  const terms = Object.values(product.terms.OnDemand ?? {});
  if (terms.length !== 1) return undefined;
  const tiers = Object.values(terms[0].priceDimensions).sort((a, b) => Number(a.beginRange) - Number(b.beginRange));
  const price = (t: PriceDimension) => Number(t.pricePerUnit.USD);
  const paid = tiers.find((t) => price(t) > 0);
  if (!paid) return undefined;
  const free = tiers[0] !== paid && price(tiers[0]) === 0 && Number(tiers[0].beginRange) === 0 ? Number(tiers[0].endRange) : NaN;
  return { usd: price(paid), freePerMonth: Number.isFinite(free) ? free : null };
}

async function productsMatching(client: PricingClient, price: Price): Promise<Product[]> {
  const products: Product[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetProductsCommand({
        ServiceCode: price.product.serviceCode,
        Filters: Object.entries(price.product.filters).map(([Field, Value]) => ({ Type: "TERM_MATCH", Field, Value })),
        FormatVersion: "aws_v1",
        MaxResults: 100,
        NextToken: token,
      }),
    );
    products.push(...(page.PriceList ?? []).map((item: unknown) => JSON.parse(String(item)) as Product));
    token = page.NextToken;
  } while (token);
  return products;
}

/** Reads every entry's price; returns the updated table (a copy) and what happened to each entry. */
export async function readPrices(
  table: PriceTable,
  client: PricingClient,
  today: string,
  onProgress?: (done: number, of: number) => void,
): Promise<{ table: PriceTable; reads: PriceRead[] }> {
  const updated: PriceTable = JSON.parse(JSON.stringify(table));
  const reads: PriceRead[] = [];
  for (const [i, price] of updated.prices.entries()) {
    const id = priceId(price.key, price.region);
    const products = await productsMatching(client, price);
    onProgress?.(i + 1, updated.prices.length);
    if (products.length !== 1) {
      reads.push({ id, outcome: products.length === 0 ? "not found" : "ambiguous", detail: `${products.length} products match` });
      continue;
    }
    const read = onDemandPrice(products[0]);
    if (!read) {
      reads.push({ id, outcome: "no on-demand price", detail: products[0].product.sku });
      continue;
    }
    const changed = price.usd !== read.usd || price.freePerMonth !== read.freePerMonth || price.sku !== products[0].product.sku;
    Object.assign(price, { usd: read.usd, freePerMonth: read.freePerMonth, sku: products[0].product.sku, read: today });
    reads.push({ id, outcome: changed ? "read" : "unchanged" });
  }
  return { table: updated, reads };
}
