// Builds the unchanged upstream TypeScript SDK (packages/core of the Owostack repository) into
// node_modules/owostack when the npm registry in reach does not carry the `owostack` package:
// the source is compiled as it is (types erased, nothing else changed), next to the upstream
// package.json. Usage: node build_upstream_sdk.mjs <upstream packages/core dir> <out dir>
import { mkdirSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const [core, out] = process.argv.slice(2);
if (!core || !out) {
  console.error("usage: node build_upstream_sdk.mjs <packages/core> <node_modules/owostack>");
  process.exit(2);
}
mkdirSync(join(out, "dist"), { recursive: true });
// A whole-program emit (what the upstream build's bundler does): it knows which re-exports are
// types only (MeteredHandle is an interface) and drops them. @owostack/types is imported for
// types only and needs no resolving; its absence is no error for the emitted JavaScript.
const program = ts.createProgram([join(core, "src", "index.ts")], {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  outDir: join(out, "dist"),
  rootDir: join(core, "src"),
  noEmitOnError: false,
  skipLibCheck: true,
  types: [],
});
const result = program.emit();
if (result.emitSkipped) {
  console.error("the upstream SDK could not be emitted");
  process.exit(1);
}
copyFileSync(join(core, "package.json"), join(out, "package.json"));
console.log(`built the upstream TypeScript SDK from ${core} into ${out}`);
