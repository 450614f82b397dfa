// Bundles the VS Code client (client/src/extension.ts and everything it imports, including
// vscode-languageclient) into one file, client/out/extension.js: the manifest's `main`.
//   node esbuild.mjs               development build, with a source map
//   node esbuild.mjs --production  minified, no source map (run by `vscode:prepublish`)
//   node esbuild.mjs --watch       rebuild on change, with the "[watch]" lines of $esbuild-watch
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints the lines VS Code's `$esbuild-watch` problem matcher looks for. */
const watchReporter = {
  name: 'watch-reporter',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const options = {
  entryPoints: ['client/src/extension.ts'],
  outfile: 'client/out/extension.js',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: watch ? 'silent' : 'warning',
  plugins: watch ? [watchReporter] : [],
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  if (production) rmSync('client/out/extension.js.map', { force: true }); // no stale map beside a minified bundle
  await esbuild.build(options);
}
