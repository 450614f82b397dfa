// Unit tests (node:test, no VS Code) for client/src/python.ts: finding the interpreter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { choosePython, describeChoice, interpreterFromPythonApi } from '../python';

/** A fake of the Python extension's `environments` API. */
function fakeApi(executable: unknown, activePath: unknown = { id: 'venv', path: '/w/.venv/bin/python' }) {
  const calls: unknown[] = [];
  return {
    calls,
    api: {
      environments: {
        getActiveEnvironmentPath: () => activePath,
        resolveEnvironment: async (env: unknown) => {
          calls.push(env);
          return { executable };
        },
      },
    },
  };
}

describe('interpreterFromPythonApi', () => {
  test('reads executable.uri.fsPath of the resolved active environment', async () => {
    const { api, calls } = fakeApi({ uri: { fsPath: '/w/.venv/bin/python' } });
    assert.equal(await interpreterFromPythonApi(api), '/w/.venv/bin/python');
    assert.deepEqual(calls, [{ id: 'venv', path: '/w/.venv/bin/python' }]);
  });

  test('anything missing, mistyped, throwing or rejecting gives undefined', async () => {
    const cases: unknown[] = [
      undefined, null, 42, 'api', {}, { environments: null }, { environments: {} },
      { environments: { getActiveEnvironmentPath: 1, resolveEnvironment: () => undefined } },
      fakeApi(undefined).api,
      fakeApi({ uri: undefined }).api,
      fakeApi({ uri: { fsPath: 7 } }).api,
      fakeApi({ uri: { fsPath: '  ' } }).api,
      fakeApi({ uri: { fsPath: '/x' } }, null).api,
      { environments: { getActiveEnvironmentPath: () => { throw new Error('boom'); }, resolveEnvironment: async () => ({}) } },
      { environments: { getActiveEnvironmentPath: () => ({}), resolveEnvironment: () => Promise.reject(new Error('no')) } },
      { get environments() { throw new Error('getter'); } },
    ];
    for (const [i, api] of cases.entries()) {
      assert.equal(await interpreterFromPythonApi(api), undefined, `case ${i}`);
    }
  });
});

describe('choosePython', () => {
  const fromExtension = async () => fakeApi({ uri: { fsPath: '/ext/python' } }).api;

  test('the setting wins, and the Python extension is not even asked', async () => {
    let asked = false;
    const choice = await choosePython({ serverPythonPath: ' /opt/py ' }, async () => { asked = true; return undefined; });
    assert.deepEqual(choice, { command: '/opt/py', source: 'setting' });
    assert.equal(asked, false);
  });

  test('then the Python extension interpreter', async () => {
    assert.deepEqual(await choosePython({ serverPythonPath: '' }, fromExtension), { command: '/ext/python', source: 'python-extension' });
  });

  test('then python3, also when the extension is missing or its activation fails', async () => {
    assert.deepEqual(await choosePython({ serverPythonPath: '' }, async () => undefined), { command: 'python3', source: 'fallback' });
    assert.deepEqual(await choosePython({ serverPythonPath: '' }, () => Promise.reject(new Error('activation failed'))),
      { command: 'python3', source: 'fallback' });
  });

  test('the log line names the interpreter and the reason', () => {
    assert.match(describeChoice({ command: '/opt/py', source: 'setting' }), /\/opt\/py .*rasp\.server\.pythonPath/);
    assert.match(describeChoice({ command: '/ext/python', source: 'python-extension' }), /Python extension/);
    assert.match(describeChoice({ command: 'python3', source: 'fallback' }), /^Python: python3 /);
  });
});
