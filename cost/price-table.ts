/** The price table (cost/prices.json): what each meter costs, where it was read, and when. */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";

const priceSchema = z.strictObject({
  key: z.string().min(1),
  /** The region it is billed in, or "global" (CloudFront, WAF for CloudFront, account-wide quotas). */
  region: z.string().min(1),
  unit: z.string().min(1),
  /** USD per unit; null until read from the Price List API. */
  usd: z.number().min(0).nullable(),
  /** Units a month that cost nothing (the price list's zero-price tier); null when there are none or it is not read yet. */
  freePerMonth: z.number().min(0).nullable(),
  /** The Price List API product this price is read from: GetProducts with these TERM_MATCH filters must find exactly one. */
  product: z.strictObject({ serviceCode: z.string().min(1), filters: z.record(z.string(), z.string()) }),
  sku: z.string().nullable(),
  /** The date it was read (YYYY-MM-DD). */
  read: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  note: z.string().optional(),
});
export type Price = z.infer<typeof priceSchema>;

export const priceTableSchema = z.strictObject({
  $comment: z.string().optional(),
  inrPerUsd: z.strictObject({ rate: z.number().positive().nullable(), source: z.string(), read: z.string().nullable() }),
  prices: z.array(priceSchema),
});
export type PriceTable = z.infer<typeof priceTableSchema>;

export const PRICES_FILE = path.resolve(__dirname, "prices.json");

export function readPriceTable(file = PRICES_FILE): PriceTable {
  return priceTableSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
}

export const priceId = (key: string, region: string) => `${key}@${region}`;

/** The table by `key@region`; a key with two entries for one region is a mistake in the table. */
export function indexPrices(table: PriceTable): Map<string, Price> {
  const index = new Map<string, Price>();
  for (const price of table.prices) {
    const id = priceId(price.key, price.region);
    if (index.has(id)) throw new Error(`cost/prices.json lists ${id} twice`);
    index.set(id, price);
  }
  return index;
}
