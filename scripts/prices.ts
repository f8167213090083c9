/**
 * npm run prices -- [--update] [--inr <rupees per USD> --inr-source <where it was read>]
 *
 * Without --update: lists cost/prices.json's entries and which are read.
 * With --update: reads every price from the AWS Price List Query API
 * (pricing:GetProducts, in ap-south-1; needs AWS credentials) and writes the
 * table, each entry with its product's SKU and today's date. Exit status: 0
 * every price read, 1 some could not be (the report says which), 2 bad
 * arguments.
 */
import * as fs from "fs";
import { PricingClient } from "@aws-sdk/client-pricing";
import { readPrices } from "../cost/price-list";
import { PRICES_FILE, priceId, readPriceTable } from "../cost/price-table";
import { CommandIo, fail, parseOptions, run } from "./local/cli";

const USAGE = "usage: npm run prices -- [--update] [--inr <rupees per USD> --inr-source <where it was read>]";

async function main(io: CommandIo): Promise<number> {
  const values = parseOptions({ update: { type: "boolean", default: false }, inr: { type: "string" }, "inr-source": { type: "string" } }, USAGE, io.args);
  let table = readPriceTable();
  const today = new Date().toISOString().slice(0, 10);
  if (values.inr !== undefined) {
    const rate = Number(values.inr);
    if (!(rate > 0) || !values["inr-source"]) fail(2, `--inr needs a positive rate and --inr-source\n${USAGE}`);
    table = { ...table, inrPerUsd: { rate, source: values["inr-source"]!, read: today } };
  }
  let missing = 0;
  if (values.update) {
    const { table: updated, reads } = await readPrices(table, new PricingClient({ region: "ap-south-1" }), today, (done, of) =>
      io.err(`\rreading prices ${done}/${of}`),
    );
    io.err("\n");
    table = updated;
    for (const r of reads) io.out(`${r.outcome.padEnd(18)} ${r.id}${r.detail ? ` (${r.detail})` : ""}\n`);
    missing = reads.filter((r) => r.outcome !== "read" && r.outcome !== "unchanged").length;
  } else {
    for (const p of table.prices)
      io.out(
        `${p.usd === null ? "not read".padEnd(12) : `$${p.usd}`.padEnd(12)} ${priceId(p.key, p.region)} per ${p.unit}${p.read ? ` (read ${p.read})` : ""}\n`,
      );
  }
  if (values.update || values.inr !== undefined) fs.writeFileSync(PRICES_FILE, `${JSON.stringify(table, null, 2)}\n`);
  return missing > 0 ? 1 : 0;
}

run({ main });
