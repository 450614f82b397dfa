// Tests of the TextMate grammar (grammar/rasp.tmLanguage.json), run by `npm test`:
//  - the scope assertions in grammar/tests/*.rasp, with vscode-tmgrammar-test;
//  - the grammar and the server's semantic tokens colour the same words alike: for every token
//    the server classifies (server/rasp/features/semantic_tokens.py), the scope that
//    `contributes.semanticTokenScopes` maps it to and the grammar's scope for the same text
//    extend one another (one is a dotted prefix of the other, up to the `.rasp` suffix), so
//    a theme colours them the same. Needs the Python package (.venv, or $RASP_PYTHON); skipped
//    without it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { ROOT, inRoot, npmBin } from './paths';

const GRAMMAR = inRoot('grammar', 'rasp.tmLanguage.json');
const CASES = inRoot('grammar', 'tests');

function runGrammarTests(...files: string[]) {
  return spawnSync(npmBin('vscode-tmgrammar-test'), ['-g', GRAMMAR, ...files], { cwd: ROOT, encoding: 'utf8' });
}

describe('grammar test cases (vscode-tmgrammar-test)', () => {
  const files = readdirSync(CASES).filter((f) => f.endsWith('.rasp')).sort();

  test('cover comments, strings, numbers, operators, keywords, builtins, library names and directives', () => {
    assert.deepEqual(files, ['comments-strings.rasp', 'directives.rasp', 'keywords-library.rasp', 'numbers-operators.rasp']);
    const all = files.map((f) => readFileSync(path.join(CASES, f), 'utf8')).join('\n');
    for (const scope of [
      'comment.line.number-sign.rasp', 'string.quoted.double.rasp', 'constant.numeric.integer.rasp',
      'constant.numeric.float.rasp', 'keyword.control.flow.rasp', 'keyword.control.logical.rasp',
      'keyword.control.directive.rasp', 'support.function.builtin.rasp', 'support.function.library.rasp',
      'support.variable.sop.rasp', 'support.variable.selector.rasp', 'keyword.operator.comparison.rasp',
      'keyword.operator.arithmetic.rasp', 'variable.parameter.rasp', 'entity.name.function.rasp',
    ]) {
      assert.ok(all.includes(` ${scope}`), `some case asserts ${scope}`);
    }
  });

  for (const file of files) {
    test(file, () => {
      const run = runGrammarTests(path.join('grammar', 'tests', file));
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /run successfuly|successfully/);
    });
  }

  test('a wrong assertion fails (the harness really checks)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rasp-grammar-'));
    try {
      const file = path.join(dir, 'wrong.rasp');
      writeFileSync(file, '# SYNTAX TEST "source.rasp" "wrong"\nx = 1;\n#   ^ string.quoted.double.rasp\n');
      const run = runGrammarTests(file);
      assert.notEqual(run.status, 0, run.stdout);
      assert.match(run.stdout, /missing required scopes: string\.quoted\.double\.rasp/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- agreement with the server's semantic tokens -------------------------------------------

interface Token { line: number; start: number; end: number; scopes: string[] }

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.rasp' ? textmate.parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
  });
  const grammar = await registry.loadGrammar('source.rasp');
  assert.ok(grammar, 'grammar loads');
  return grammar;
}

function tokenize(grammar: textmate.IGrammar, text: string): Token[] {
  const out: Token[] = [];
  let stack = textmate.INITIAL;
  text.split(/\r?\n/).forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, stack);
    for (const t of result.tokens) out.push({ line, start: t.startIndex, end: t.endIndex, scopes: t.scopes });
    stack = result.ruleStack;
  });
  return out;
}

/** A Python that can import the server package, or undefined. */
function serverPython(): string | undefined {
  const candidates = [process.env.RASP_PYTHON, inRoot('.venv', 'bin', 'python'), inRoot('.venv', 'Scripts', 'python.exe')];
  for (const python of candidates) {
    if (python && existsSync(python) && spawnSync(python, ['-c', 'import rasp.features.semantic_tokens']).status === 0) {
      return python;
    }
  }
  return undefined;
}

type SemanticToken = [start: number, length: number, type: string, modifiers: string[]];

const SEMANTIC_TOKENS_SCRIPT = `
import json, sys
from rasp.program import Session
from rasp.features.semantic_tokens import tokens
out = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out[path] = [[t.start, t.length, t.type, list(t.modifiers)] for t in tokens(Session(text))]
print(json.dumps(out))
`;

/** The scopes `contributes.semanticTokenScopes` gives a token: the most specific matching selector. */
export function mappedScope(scopes: Record<string, string[]>, type: string, modifiers: readonly string[]): string | undefined {
  let best: { scope: string; specificity: number } | undefined;
  for (const [selector, mapped] of Object.entries(scopes)) {
    const [selType, ...selModifiers] = selector.split('.');
    if (selType !== type || !selModifiers.every((m) => modifiers.includes(m))) continue;
    if (best === undefined || selModifiers.length > best.specificity) best = { scope: mapped[0], specificity: selModifiers.length };
  }
  return best?.scope;
}

const stripLanguage = (scope: string) => scope.replace(/\.rasp$/, '');
const dottedPrefix = (a: string, b: string) => b === a || b.startsWith(`${a}.`);

/** A theme colours the two alike when one scope extends the other. */
export function scopesAgree(mapped: string, grammarScopes: readonly string[]): boolean {
  const m = stripLanguage(mapped);
  return grammarScopes.some((s) => s !== 'source.rasp' && (dottedPrefix(stripLanguage(s), m) || dottedPrefix(m, stripLanguage(s))));
}

/**
 * What a grammar cannot know without resolving names: the uses of a parameter inside its
 * function and a function named without a call read as plain variables, and a call of an
 * undefined name reads as a function call.
 */
function knownLimit(type: string, modifiers: readonly string[], grammarScopes: readonly string[]): boolean {
  if (modifiers.includes('declaration')) return false;
  if (grammarScopes.includes('variable.other.rasp')) return type === 'parameter' || type === 'function';
  return type === 'variable' && grammarScopes.includes('entity.name.function.rasp');
}

/** Code-point offsets of `text` as (line, UTF-16 column). */
function positions(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let line = 0;
  let column = 0;
  for (const ch of text) {
    out.push([line, column]);
    if (ch === '\n') {
      line += 1;
      column = 0;
    } else {
      column += ch.length;
    }
  }
  out.push([line, column]);
  return out;
}

describe('grammar and semantic tokens agree', () => {
  const python = serverPython();
  const files = [
    ...readdirSync(CASES).filter((f) => f.endsWith('.rasp')).map((f) => path.join('grammar', 'tests', f)),
    ...readdirSync(inRoot('examples')).filter((f) => f.endsWith('.rasp')).map((f) => path.join('examples', f)),
    path.join('server', 'rasp', 'library.rasp'),
  ].filter((f) => existsSync(inRoot(f)));

  test('mappedScope picks the most specific selector', () => {
    const scopes = { sop: ['variable.other.sop.rasp'], 'sop.defaultLibrary': ['support.variable.sop.rasp'] };
    assert.equal(mappedScope(scopes, 'sop', ['readonly', 'defaultLibrary']), 'support.variable.sop.rasp');
    assert.equal(mappedScope(scopes, 'sop', ['declaration']), 'variable.other.sop.rasp');
    assert.equal(mappedScope(scopes, 'selector', []), undefined);
    assert.ok(scopesAgree('keyword.control.rasp', ['source.rasp', 'keyword.control.flow.rasp']));
    assert.ok(scopesAgree('variable.other.sop.rasp', ['source.rasp', 'variable.other.rasp']));
    assert.ok(!scopesAgree('keyword.operator.rasp', ['source.rasp', 'keyword.control.flow.rasp']));
    assert.ok(!scopesAgree('variable.parameter.rasp', ['source.rasp', 'variable.other.rasp']));
    assert.ok(!scopesAgree('variable.other.rasp', ['source.rasp']));
  });

  test(`on the grammar cases, the examples and the standard library`, { skip: python === undefined && 'no Python with the rasp package (.venv or $RASP_PYTHON)' }, async () => {
    const manifest = JSON.parse(readFileSync(inRoot('package.json'), 'utf8'));
    const scopes: Record<string, string[]> = manifest.contributes.semanticTokenScopes[0].scopes;
    const run = spawnSync(python!, ['-c', SEMANTIC_TOKENS_SCRIPT, ...files], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(run.status, 0, run.stderr);
    const semantic: Record<string, SemanticToken[]> = JSON.parse(run.stdout);
    const grammar = await loadGrammar();
    const problems: string[] = [];
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(inRoot(file), 'utf8');
      const at = positions(text);
      const tm = tokenize(grammar, text);
      for (const [start, length, type, modifiers] of semantic[file]) {
        const mapped = mappedScope(scopes, type, modifiers);
        if (mapped === undefined) {
          problems.push(`${file}: no semanticTokenScopes entry for ${type}`);
          continue;
        }
        const [line, from] = at[start];
        const to = at[start + length][1];
        const word = text.slice(start, start + length); // ASCII in these files where it matters
        for (const t of tm.filter((k) => k.line === line && k.start < to && k.end > from)) {
          checked += 1;
          if (!scopesAgree(mapped, t.scopes) && !knownLimit(type, modifiers, t.scopes)) {
            problems.push(`${file}:${line + 1}:${t.start + 1} ${JSON.stringify(word)} ${[type, ...modifiers].join('.')} -> ${mapped}, grammar: ${t.scopes.join(' ')}`);
          }
        }
      }
    }
    assert.ok(checked > 1000, `compared ${checked} tokens`);
    assert.deepEqual(problems, []);
  });
});
