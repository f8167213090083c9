/**
 * GitHub's own parsers for workflows, actions and expressions
 * (@actions/workflow-parser and @actions/expressions, what the Actions VS Code
 * extension validates with), for checking .github/ offline.
 *
 * Both ship only as ES modules that import JSON without import attributes,
 * which Node refuses and a bundler accepts; so they are bundled into CommonJS
 * with esbuild on first use, in memory.
 */
import type * as Expressions from "@actions/expressions";
import type * as Workflows from "@actions/workflow-parser";
import type { parseAction as ParseAction } from "@actions/workflow-parser/actions/action-parser";
import { buildSync } from "esbuild";
import Module from "module";
import * as fs from "fs";
import * as path from "path";

interface Parsers {
  parseWorkflow: typeof Workflows.parseWorkflow;
  convertWorkflowTemplate: typeof Workflows.convertWorkflowTemplate;
  NoOperationTraceWriter: typeof Workflows.NoOperationTraceWriter;
  parseAction: typeof ParseAction;
  Lexer: typeof Expressions.Lexer;
  Parser: typeof Expressions.Parser;
  Evaluator: typeof Expressions.Evaluator;
  data: typeof Expressions.data;
}

const root = path.resolve(__dirname, "..");
let parsers: Parsers | undefined;

function load(): Parsers {
  if (parsers) return parsers;
  const { outputFiles } = buildSync({
    stdin: {
      contents: [
        'export { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from "@actions/workflow-parser";',
        'export { parseAction } from "@actions/workflow-parser/actions/action-parser";',
        'export { Lexer, Parser, Evaluator, data } from "@actions/expressions";',
      ].join("\n"),
      resolveDir: root,
    },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "silent",
  });
  const filename = path.join(root, "node_modules", ".github-actions-parsers.js");
  const bundle = new Module(filename);
  bundle.filename = filename;
  (bundle as unknown as { _compile(code: string, file: string): void })._compile(outputFiles[0].text, filename);
  parsers = bundle.exports as Parsers;
  return parsers;
}

/** The errors GitHub would report for a workflow, with local reusable workflows (`uses: ./.github/workflows/x.yml`) read from `repoRoot` and their inputs checked. */
export async function workflowErrors(name: string, content: string, repoRoot = root): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = load();
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (parsed.value === undefined) return parsed.context.errors.getErrors().map((e) => e.message);
  const files = {
    getFileContent: async (ref: { path?: string }) => {
      if (!ref.path) throw new Error("only local reusable workflows are read offline");
      return { name: ref.path, content: fs.readFileSync(path.join(repoRoot, ref.path), "utf8") };
    },
  };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, files as never, { fetchReusableWorkflowDepth: 1 });
  return [...new Set([...parsed.context.errors.getErrors().map((e) => e.message), ...(template.errors ?? []).map((e) => e.Message)])];
}

/** The errors GitHub would report for an action's `action.yml`. */
export function actionErrors(name: string, content: string): string[] {
  const { parseAction, NoOperationTraceWriter } = load();
  return parseAction({ name, content }, new NoOperationTraceWriter())
    .context.errors.getErrors()
    .map((e) => e.message);
}

/**
 * Evaluates an expression the way the runner does, with the given contexts:
 * a value written `${{ ... }}`, or an `if:` condition, which may be written bare.
 */
export function evaluateExpression(written: unknown, contexts: Record<string, unknown>): unknown {
  const { Lexer, Parser, Evaluator, data } = load();
  const text = String(written);
  const lexed = new Lexer(/^\s*\$\{\{(.*)\}\}\s*$/s.exec(text)?.[1] ?? text).lex();
  const parsed = new Parser(lexed.tokens, Object.keys(contexts), []).parse();
  const result = new Evaluator(parsed, JSON.parse(JSON.stringify(contexts), data.reviver)).evaluate();
  return JSON.parse(JSON.stringify(result, data.replacer));
}
