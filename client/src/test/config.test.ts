// Unit tests (node:test, no VS Code) for client/src/config.ts, plus checks that the
// manifest (package.json) and language-configuration.json agree with it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './paths';
import {
  DEFAULT_SETTINGS, RaspSettings, SETTING_KEYS, probeArgs, readSettings, resolvePythonCommand,
  serverArgs, startFailureMessage,
} from '../config';

const readJson = (name: string): any => JSON.parse(readFileSync(path.join(ROOT, name), 'utf8'));

/** Which RaspSettings field each `rasp.*` setting key fills. */
const FIELD: Record<(typeof SETTING_KEYS)[number], keyof RaspSettings> = {
  'server.pythonPath': 'serverPythonPath',
  examples: 'examples',
  'evaluation.timeoutMs': 'evaluationTimeoutMs',
  'evaluation.maxLength': 'evaluationMaxLength',
  'inlayHints.enable': 'inlayHintsEnable',
  'tracr.enable': 'tracrEnable',
  'trace.server': 'traceServer',
};

const EXPECTED_DEFAULTS: RaspSettings = {
  serverPythonPath: '',
  examples: [],
  evaluationTimeoutMs: 2000,
  evaluationMaxLength: 256,
  inlayHintsEnable: false,
  tracrEnable: false,
  traceServer: 'off',
};

describe('readSettings', () => {
  test('non-object input yields the documented defaults', () => {
    for (const raw of [undefined, null, 0, 'rasp', true, [], [1, 2], () => 1]) {
      assert.deepEqual(readSettings(raw), EXPECTED_DEFAULTS, `input ${String(raw)}`);
    }
    assert.deepEqual(readSettings({}), EXPECTED_DEFAULTS);
    assert.deepEqual(readSettings(Object.create(null)), EXPECTED_DEFAULTS);
  });

  test('valid flat (dotted) settings are taken as given', () => {
    const s = readSettings({
      'server.pythonPath': '/opt/venv/bin/python',
      examples: ['a b c', 'hello'],
      'evaluation.timeoutMs': 500,
      'evaluation.maxLength': 64,
      'inlayHints.enable': true,
      'tracr.enable': true,
      'trace.server': 'verbose',
    });
    assert.deepEqual(s, {
      serverPythonPath: '/opt/venv/bin/python',
      examples: ['a b c', 'hello'],
      evaluationTimeoutMs: 500,
      evaluationMaxLength: 64,
      inlayHintsEnable: true,
      tracrEnable: true,
      traceServer: 'verbose',
    });
  });

  test('valid nested settings are read the same way', () => {
    const s = readSettings({
      server: { pythonPath: 'py' },
      evaluation: { timeoutMs: 10, maxLength: 3 },
      inlayHints: { enable: true },
      tracr: { enable: false },
      trace: { server: 'messages' },
    });
    assert.equal(s.serverPythonPath, 'py');
    assert.equal(s.evaluationTimeoutMs, 10);
    assert.equal(s.evaluationMaxLength, 3);
    assert.equal(s.inlayHintsEnable, true);
    assert.equal(s.tracrEnable, false);
    assert.equal(s.traceServer, 'messages');
  });

  test('a flat dotted key wins over the nested form', () => {
    assert.equal(readSettings({ 'trace.server': 'verbose', trace: { server: 'messages' } }).traceServer, 'verbose');
  });

  test('wrongly typed values fall back to each default independently', () => {
    const s = readSettings({
      'server.pythonPath': 42,
      examples: 'abc',
      'evaluation.timeoutMs': '3000',
      'evaluation.maxLength': null,
      'inlayHints.enable': 'true',
      'tracr.enable': 1,
      'trace.server': 'loud',
    });
    assert.deepEqual(s, EXPECTED_DEFAULTS);
    // One bad value does not discard the good ones next to it.
    const mixed = readSettings({ 'evaluation.timeoutMs': 'soon', 'evaluation.maxLength': 8 });
    assert.equal(mixed.evaluationTimeoutMs, 2000);
    assert.equal(mixed.evaluationMaxLength, 8);
  });

  test('numbers must be positive finite integers', () => {
    for (const bad of [0, -5, 1.5, NaN, Infinity, -Infinity]) {
      const s = readSettings({ 'evaluation.timeoutMs': bad, 'evaluation.maxLength': bad });
      assert.equal(s.evaluationTimeoutMs, 2000, `timeoutMs ${bad}`);
      assert.equal(s.evaluationMaxLength, 256, `maxLength ${bad}`);
    }
    assert.equal(readSettings({ 'evaluation.timeoutMs': 1 }).evaluationTimeoutMs, 1);
  });

  test('trace level is case-sensitive and limited to off/messages/verbose', () => {
    assert.equal(readSettings({ 'trace.server': 'VERBOSE' }).traceServer, 'off');
    assert.equal(readSettings({ 'trace.server': 'messages' }).traceServer, 'messages');
  });

  test('examples keep only strings, in order', () => {
    const s = readSettings({ examples: ['x', 1, null, 'y', ['z'], ''] });
    assert.deepEqual(s.examples, ['x', 'y', '']);
  });

  test('pythonPath is trimmed', () => {
    assert.equal(readSettings({ 'server.pythonPath': '  /usr/bin/python3 \n' }).serverPythonPath, '/usr/bin/python3');
  });

  test('never throws on hostile input, and keeps the readable settings', () => {
    const hostile = {
      get 'server.pythonPath'(): string {
        throw new Error('boom');
      },
      'tracr.enable': true,
    };
    const s = readSettings(hostile);
    assert.equal(s.serverPythonPath, '');
    assert.equal(s.tracrEnable, true);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    assert.deepEqual(readSettings(proxy), EXPECTED_DEFAULTS);
  });

  test('results do not share state with the defaults', () => {
    const s = readSettings(undefined);
    s.examples.push('mutated');
    assert.deepEqual(readSettings(undefined).examples, []);
    assert.deepEqual(DEFAULT_SETTINGS.examples, []);
  });
});

describe('resolvePythonCommand', () => {
  const withPath = (p: string) => ({ serverPythonPath: p });

  test('the rasp.server.pythonPath setting wins', () => {
    assert.equal(resolvePythonCommand(withPath('/venv/bin/python'), '/usr/bin/python3.11'), '/venv/bin/python');
  });

  test('the Python extension interpreter is used when the setting is empty or blank', () => {
    assert.equal(resolvePythonCommand(withPath(''), '/usr/bin/python3.11'), '/usr/bin/python3.11');
    assert.equal(resolvePythonCommand(withPath('   '), '/usr/bin/python3.11'), '/usr/bin/python3.11');
  });

  test('falls back to python3', () => {
    assert.equal(resolvePythonCommand(withPath(''), undefined), 'python3');
    assert.equal(resolvePythonCommand(withPath(''), ''), 'python3');
    assert.equal(resolvePythonCommand(withPath(''), '  '), 'python3');
  });

  test('works on the output of readSettings', () => {
    assert.equal(resolvePythonCommand(readSettings({ 'server.pythonPath': 7 }), undefined), 'python3');
    assert.equal(resolvePythonCommand(readSettings({ server: { pythonPath: ' py ' } }), 'other'), 'py');
  });
});

describe('server launch', () => {
  test('serverArgs runs the rasp.lsp module, as a fresh array each time', () => {
    assert.deepEqual(serverArgs(), ['-m', 'rasp.lsp']);
    serverArgs().push('--oops');
    assert.deepEqual(serverArgs(), ['-m', 'rasp.lsp']);
  });

  test('probeArgs imports the same module', () => {
    assert.deepEqual(probeArgs(), ['-c', 'import rasp.lsp']);
  });

  test('the failure message names the interpreter, the pip package and the setting', () => {
    const msg = startFailureMessage('/opt/py/bin/python');
    assert.match(msg, /"\/opt\/py\/bin\/python"/);
    assert.ok(msg.includes('/opt/py/bin/python -m pip install rasp-language-tools'), msg);
    assert.ok(msg.includes('rasp.server.pythonPath'), msg);
    assert.ok(startFailureMessage('C:\\Program Files\\Python\\python.exe').includes(
      '"C:\\Program Files\\Python\\python.exe" -m pip install rasp-language-tools'));
  });

  test('a missing interpreter gets a message about the interpreter, not about pip on it', () => {
    const msg = startFailureMessage('/nope/python', true);
    assert.match(msg, /"\/nope\/python" was not found/);
    assert.ok(!msg.includes('/nope/python -m pip'), msg);
    assert.ok(msg.includes('rasp.server.pythonPath') && msg.includes('pip install rasp-language-tools'), msg);
    assert.notEqual(msg, startFailureMessage('/nope/python'));
  });
});

describe('manifest', () => {
  const pkg = readJson('package.json');
  const props: Record<string, { default: unknown; description?: string }> = pkg.contributes.configuration.properties;

  test('declares exactly the settings config.ts reads, with matching defaults', () => {
    assert.deepEqual(Object.keys(props).sort(), SETTING_KEYS.map((k) => `rasp.${k}`).sort());
    for (const key of SETTING_KEYS) {
      const prop = props[`rasp.${key}`];
      assert.deepEqual(prop.default, EXPECTED_DEFAULTS[FIELD[key]], key);
      assert.ok(typeof prop.description === 'string' && prop.description.length > 0, `${key} description`);
    }
    const fromManifest = Object.fromEntries(SETTING_KEYS.map((k) => [k, props[`rasp.${k}`].default]));
    assert.deepEqual(readSettings(fromManifest), EXPECTED_DEFAULTS);
    assert.deepEqual(DEFAULT_SETTINGS, EXPECTED_DEFAULTS);
  });

  test('contributes the language, commands and an entry point that was built', () => {
    assert.deepEqual(pkg.activationEvents, ['onLanguage:rasp']);
    assert.deepEqual(pkg.contributes.languages.map((l: any) => [l.id, l.extensions]), [['rasp', ['.rasp']]]);
    assert.deepEqual(pkg.contributes.commands.map((c: any) => c.command).sort(),
      ['rasp.restartServer', 'rasp.setExampleInput', 'rasp.showComputationFlow', 'rasp.showEvaluation']);
    assert.ok(existsSync(path.join(ROOT, pkg.main)), `${pkg.main} should exist after the build`);
  });

  test('language configuration uses # comments and the three bracket pairs', () => {
    const conf = readJson(pkg.contributes.languages[0].configuration);
    assert.equal(conf.comments.lineComment, '#');
    assert.deepEqual(conf.brackets, [['(', ')'], ['[', ']'], ['{', '}']]);
    assert.ok(conf.autoClosingPairs.some((p: any) => p.open === '"' && p.close === '"'));
    const increase = new RegExp(conf.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(conf.indentationRules.decreaseIndentPattern);
    assert.ok(increase.test('def f(x) {'));
    assert.ok(!increase.test('x = {1, 2}'));
    assert.ok(decrease.test('  }'));
    assert.ok(!decrease.test('x = 1'));
  });
});
