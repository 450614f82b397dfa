// Checks of the extension manifest (package.json) and the files it points at: the grammar,
// the semantic token legend against the server's, the commands against extension.ts, the
// engine against the typings and the language client, the icon, the licence, the repository.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { EVALUATION_SCHEME } from '../commands';
import { SHOW_COMPUTATION_FLOW_COMMAND, SHOW_EVALUATION_COMMAND } from '../protocol';
import { inRoot } from './paths';

const readJson = (...parts: string[]): any => JSON.parse(readFileSync(inRoot(...parts), 'utf8'));
const pkg = readJson('package.json');

/** A `TUPLE: tuple[str, ...] = ("a", "b")` constant of a Python file, as a list. */
function pythonTuple(source: string, name: string): string[] {
  const match = new RegExp(`^${name}[^=]*=\\s*\\(([^)]*)\\)`, 'm').exec(source);
  assert.ok(match, `${name} is declared`);
  return [...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/** [major, minor, patch] of the lowest version a `^x.y.z` / `~x.y.z` / `x.y.z` range allows. */
function lowest(range: string): number[] {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(range);
  assert.ok(match, `version range ${range}`);
  return match.slice(1).map(Number);
}
const compare = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

describe('manifest: language, grammar and configuration', () => {
  test('the grammar is contributed for rasp with scope source.rasp', () => {
    assert.deepEqual(pkg.contributes.grammars, [
      { language: 'rasp', scopeName: 'source.rasp', path: './grammar/rasp.tmLanguage.json' },
    ]);
    const grammar = readJson('grammar', 'rasp.tmLanguage.json');
    assert.equal(grammar.scopeName, 'source.rasp');
    assert.equal(grammar.name, 'RASP');
  });

  test('the language configuration has pairs, folding markers and indentation', () => {
    const conf = readJson('language-configuration.json');
    assert.deepEqual(conf.surroundingPairs, [['(', ')'], ['[', ']'], ['{', '}'], ['"', '"']]);
    const quote = conf.autoClosingPairs.find((p: any) => p.open === '"');
    assert.deepEqual(quote.notIn, ['string', 'comment']);
    for (const [open, close] of conf.brackets) {
      assert.ok(conf.autoClosingPairs.some((p: any) => p.open === open && p.close === close), `${open} auto-closes`);
    }
    const start = new RegExp(conf.folding.markers.start);
    const end = new RegExp(conf.folding.markers.end);
    assert.ok(start.test('# region helpers') && start.test('  #region'));
    assert.ok(end.test('# endregion') && !start.test('# endregion'));
    const word = new RegExp(`^(?:${conf.wordPattern})$`);
    for (const w of ['tokens_int', 'x1', '_', '12', '3.5']) assert.ok(word.test(w), w);
    for (const w of ['s-op', 'a.b', '"x"']) assert.ok(!word.test(w), w);
    const increase = new RegExp(conf.indentationRules.increaseIndentPattern);
    assert.ok(increase.test('for x in range(3) {'));
    assert.ok(!increase.test('def f(x) { return x; }'));
    const comment = conf.onEnterRules[0];
    assert.ok(new RegExp(comment.beforeText).test('  # a comment'));
    assert.equal(comment.action.appendText, '# ');
  });
});

describe('manifest: semantic tokens', () => {
  const source = readFileSync(inRoot('server', 'rasp', 'features', 'semantic_tokens.py'), 'utf8');
  const legendTypes = pythonTuple(source, 'TOKEN_TYPES');
  const legendModifiers = pythonTuple(source, 'TOKEN_MODIFIERS');
  const scopes: Record<string, string[]> = pkg.contributes.semanticTokenScopes[0].scopes;
  const standardTypes = ['function', 'parameter', 'variable', 'keyword', 'number', 'string', 'operator', 'comment'];

  test("the server's legend is the one this manifest was written for", () => {
    assert.deepEqual(legendTypes, [...standardTypes, 'sop', 'selector']);
    assert.deepEqual(legendModifiers, ['declaration', 'readonly', 'defaultLibrary']);
  });

  test('the custom types sop and selector are declared as kinds of variable', () => {
    const custom = pkg.contributes.semanticTokenTypes;
    assert.deepEqual(custom.map((t: any) => [t.id, t.superType]), [['sop', 'variable'], ['selector', 'variable']]);
    for (const t of custom) assert.ok(t.description.length > 0);
  });

  test('every legend type has RASP scopes, and every selector uses legend names', () => {
    assert.equal(pkg.contributes.semanticTokenScopes[0].language, 'rasp');
    for (const type of legendTypes) assert.ok(scopes[type], `${type} is mapped`);
    for (const [selector, mapped] of Object.entries(scopes)) {
      const [type, ...modifiers] = selector.split('.');
      assert.ok(legendTypes.includes(type), selector);
      for (const m of modifiers) assert.ok(legendModifiers.includes(m), selector);
      assert.ok(mapped.length > 0 && mapped.every((s) => s.endsWith('.rasp')), selector);
    }
  });

  test('library names keep the library colour whether the server says readonly or defaultLibrary', () => {
    for (const type of ['function', 'variable', 'sop', 'selector']) {
      assert.deepEqual(scopes[`${type}.readonly`], scopes[`${type}.defaultLibrary`], type);
      assert.match(scopes[`${type}.defaultLibrary`][0], /^support\./);
    }
  });
});

describe('manifest: commands, client and packaging metadata', () => {
  const extensionSource = readFileSync(inRoot('client', 'src', 'extension.ts'), 'utf8');

  test('every contributed command is registered by the client, and titled RASP: ...', () => {
    assert.equal(SHOW_EVALUATION_COMMAND, 'rasp.showEvaluation');
    for (const { command, title } of pkg.contributes.commands) {
      const literal = extensionSource.includes(`registerCommand('${command}'`);
      const viaConstant = (command === SHOW_EVALUATION_COMMAND && extensionSource.includes('registerCommand(SHOW_EVALUATION_COMMAND'))
        || (command === SHOW_COMPUTATION_FLOW_COMMAND && extensionSource.includes('registerCommand(SHOW_COMPUTATION_FLOW_COMMAND'));
      assert.ok(literal || viaConstant, `${command} is registered`);
      assert.match(title, /^RASP: /);
    }
    assert.deepEqual(pkg.contributes.commands.map((c: any) => c.title).sort(),
      ['RASP: Restart Language Server', 'RASP: Set Example Input', 'RASP: Show Computation Flow', 'RASP: Show Evaluation']);
    const palette = pkg.contributes.menus.commandPalette;
    for (const command of [SHOW_EVALUATION_COMMAND, SHOW_COMPUTATION_FLOW_COMMAND]) {
      assert.deepEqual(palette.find((m: any) => m.command === command), { command, when: 'editorLangId == rasp' }, `${command} in RASP editors`);
    }
    assert.ok(extensionSource.includes('registerTextDocumentContentProvider(EVALUATION_SCHEME'));
    assert.equal(EVALUATION_SCHEME, 'rasp-evaluation');
  });

  test('engines.vscode allows the typings and the language client', () => {
    const engine = lowest(pkg.engines.vscode);
    const typings = lowest(pkg.devDependencies['@types/vscode']);
    assert.ok(compare(engine, typings) >= 0, `engines.vscode ${pkg.engines.vscode} >= @types/vscode ${pkg.devDependencies['@types/vscode']}`);
    const client = readJson('node_modules', 'vscode-languageclient', 'package.json');
    assert.ok(compare(engine, lowest(client.engines.vscode)) >= 0,
      `engines.vscode ${pkg.engines.vscode} >= vscode-languageclient ${client.version}'s ${client.engines.vscode}`);
    assert.equal(lowest(client.version)[0], lowest(pkg.devDependencies['vscode-languageclient'])[0]);
  });

  test('the client is bundled: main is the esbuild output and nothing is needed at run time', () => {
    assert.equal(pkg.main, './client/out/extension.js');
    assert.deepEqual(pkg.dependencies ?? {}, {}, 'everything the client needs is in the bundle');
    const bundle = readFileSync(inRoot(pkg.main), 'utf8');
    assert.ok(!/require\(["']vscode-languageclient/.test(bundle), 'vscode-languageclient is bundled, not required');
    assert.ok(/require\(["']vscode["']\)/.test(bundle), 'vscode stays external');
  });

  test('icon, licence, repository and README are there for vsce', () => {
    const icon = readFileSync(inRoot(pkg.icon));
    assert.equal(pkg.icon, 'images/icon.png');
    assert.deepEqual([...icon.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.equal(icon.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128]);
    assert.equal(pkg.license, 'MIT');
    const license = readFileSync(inRoot('LICENSE'), 'utf8');
    assert.match(license, /^MIT License\n/);
    assert.match(license, /Copyright \(c\) \d{4} RASP language tools contributors/);
    assert.deepEqual(pkg.repository, { type: 'git', url: 'https://github.com/rasp-tools/rasp-language-tools' });
    assert.ok(existsSync(inRoot('README.md')));
    assert.ok(pkg.publisher && pkg.displayName && pkg.description);
  });
});
