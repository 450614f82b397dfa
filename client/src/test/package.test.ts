// What the .vsix holds: `vsce ls` (the file list `vsce package` would pack, read from
// .vscodeignore) must list the manifest, the bundled client, the grammar, the language
// configuration, README, LICENSE and the icon, and nothing else: no node_modules, no Python
// server, no tests, no TypeScript sources. Runs offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ROOT, npmBin } from './paths';

const EXPECTED = [
  'LICENSE',
  'README.md',
  'client/out/extension.js',
  'grammar/rasp.tmLanguage.json',
  'images/icon.png',
  'language-configuration.json',
  'package.json',
];

test('vsce ls lists exactly what the extension needs', () => {
  const run = spawnSync(npmBin('vsce'), ['ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const files = run.stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').sort();
  for (const needed of EXPECTED) assert.ok(files.includes(needed), `${needed} is packed`);
  for (const file of files) {
    assert.ok(!/(^|\/)node_modules\//.test(file), `no node_modules: ${file}`);
    assert.ok(!file.startsWith('server/') && !file.startsWith('tests/') && !file.includes('/test/'), `no server or tests: ${file}`);
    assert.ok(!/\.ts$/.test(file) && !/\.map$/.test(file), `no TypeScript sources or maps: ${file}`);
  }
  assert.deepEqual(files, EXPECTED);
});
