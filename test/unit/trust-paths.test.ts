// Paths chosen by a repository (flujo.toml `state_uri`) as Flujo resolves them, and what an untrusted
// workspace may read. Expectations from Flujo 0.6.11, aandresalvarez/flujo flujo/state/sqlite_uri.py
// (`normalize_sqlite_path`, Python urlparse semantics) and flujo/cli/config.py (non-sqlite schemes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sqlitePathFromStateUri } from '../../src/core/history/flujo';
import { stateDbAccess } from '../../src/core/history/stateAccess';
import { isInsideFolder, resolvePhysical } from '../../src/core/confine';
import { tempDir } from '../support/tempDir';

test('state_uri resolves as flujo/state/sqlite_uri.py normalize_sqlite_path (config_dir = the flujo.toml folder)', () => {
  const cfg = path.resolve('/proj/app');
  const cases: [string, string | undefined][] = [
    ['sqlite:///flujo_ops.db', '/proj/app/flujo_ops.db'], // "Relative: sqlite:///foo.db → <base_dir>/foo.db"
    ['sqlite:///.flujo/state.db', '/proj/app/.flujo/state.db'], // what `flujo init` writes (cli/helpers_project.py)
    ['sqlite:///../../etc/state.db', '/etc/state.db'], // `..` resolved (Path.resolve)
    ['sqlite:////var/lib/state.db', '/var/lib/state.db'], // "Absolute: sqlite:////abs/path.db"
    ['sqlite://data/state.db', '/proj/app/data/state.db'], // netloc form: netloc + path, relative
    ['sqlite://state.db', '/proj/app/state.db'],
    ['sqlite:state.db', '/proj/app/state.db'], // no netloc, path without a slash
    ['sqlite:/state.db', '/proj/app/state.db'], // one leading slash is stripped: relative
    ['sqlite+aiosqlite:///x.db', '/proj/app/x.db'], // scheme.startswith("sqlite")
    ['SQLITE:///x.db', '/proj/app/x.db'], // urlparse lower-cases the scheme
    ['sqlite:///x.db?mode=ro#frag', '/proj/app/x.db'], // query and fragment are not part of the path
    ['  sqlite:///x.db  ', '/proj/app/x.db'],
    ['sqlite://', undefined], // "Malformed SQLite URI: empty path"
    ['sqlite:///', '/proj/app'], // path '/' is not empty: base_dir itself (SQLite then fails to open a folder)
    ['postgresql://host/db', undefined], // Postgres backend, no file
    ['memory://', undefined], // in-memory backend
    ['state.db', undefined], // no scheme: "Unsupported backend URI"
    ['/etc/passwd', undefined],
  ];
  for (const [uri, expected] of cases)
    assert.equal(sqlitePathFromStateUri(uri, cfg), expected === undefined ? undefined : path.resolve(expected), uri);
});

test('isInsideFolder follows symbolic links and `..`; a missing path is judged by its existing ancestor', () => {
  const ws = fs.realpathSync(tempDir('pcl-confine-'));
  const outside = fs.realpathSync(tempDir('pcl-outside-'));
  fs.mkdirSync(path.join(ws, 'sub'));
  fs.symlinkSync(outside, path.join(ws, 'link'));
  assert.equal(isInsideFolder(ws, path.join(ws, 'sub', 'a.db')), true);
  assert.equal(isInsideFolder(ws, path.join(ws, 'not', 'yet', 'there.db')), true);
  assert.equal(isInsideFolder(ws, ws), true);
  assert.equal(isInsideFolder(ws, path.join(ws, 'sub', '..', '..', 'x.db')), false);
  assert.equal(isInsideFolder(ws, path.join(ws, 'link', 'state.db')), false); // a link out of the workspace
  assert.equal(isInsideFolder(ws, `${ws}-sibling/x.db`), false); // a name prefix is not containment
  assert.equal(resolvePhysical(path.join(ws, 'link', 'new.db')), path.join(outside, 'new.db'));
});

test('untrusted workspace: state_uri is not followed, defaults only inside the folder, and the view is told why', () => {
  const ws = fs.realpathSync(tempDir('pcl-trust-'));
  const outside = fs.realpathSync(tempDir('pcl-trust-out-'));
  const stateUri = `sqlite:///${path.relative(ws, path.join(outside, 'secret.db'))}`;
  const trusted = stateDbAccess({ configDir: ws, stateUri, workspaceDir: ws, trusted: true });
  assert.equal(trusted.candidates[0], path.join(outside, 'secret.db')); // trusted: as Flujo opens it
  assert.equal(trusted.notice, undefined);
  const untrusted = stateDbAccess({
    configDir: ws,
    stateUri,
    env: { FLUJO_STATE_URI: `sqlite:////${outside}/env.db` },
    workspaceDir: ws,
    trusted: false,
  });
  assert.deepEqual(untrusted.candidates, [path.join(ws, 'flujo_ops.db'), path.join(ws, '.flujo', 'state.db')]);
  assert.match(untrusted.notice ?? '', /state_uri in flujo\.toml .* is not read because this workspace is not trusted/);
  // a PostgreSQL state_uri is named without its password (the Runs view shows the notice)
  const pg = stateDbAccess({ configDir: ws, stateUri: 'postgresql://team:s3cr%40t@db:5432/flujo', workspaceDir: ws, trusted: false });
  assert.match(pg.notice ?? '', /\(postgresql:\/\/team:\*\*\*@db:5432\/flujo\) is not read/);
  assert.doesNotMatch(pg.notice ?? '', /s3cr/);
  // what `flujo init` writes names a default location inside the folder: nothing is withheld
  const init = stateDbAccess({ configDir: ws, stateUri: 'sqlite:///.flujo/state.db', workspaceDir: ws, trusted: false });
  assert.equal(init.notice, undefined);
  // a flujo.toml found in a parent of the workspace (Flujo's lookup walks up): its defaults are outside too
  const parentCfg = stateDbAccess({ configDir: path.dirname(ws), workspaceDir: ws, trusted: false });
  assert.deepEqual(parentCfg.candidates, []);
  // a default location that is a symlink out of the workspace is not read either
  fs.symlinkSync(outside, path.join(ws, '.flujo'));
  assert.deepEqual(stateDbAccess({ configDir: ws, workspaceDir: ws, trusted: false }).candidates, [path.join(ws, 'flujo_ops.db')]);
});
