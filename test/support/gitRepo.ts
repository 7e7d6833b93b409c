// Real temporary git repositories for tests: init, write, commit, rename, delete, all through git itself.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './tempDir';

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  write(rel: string, text: string): void;
  remove(rel: string): void;
  commit(message: string): string;
}

export function gitRepo(prefix = 'pcl-git-'): TestRepo {
  const dir = fs.realpathSync(tempDir(prefix));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' },
    });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.invalid');
  git('config', 'user.name', 'Test');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    write(rel, text) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    },
    remove(rel) {
      fs.rmSync(path.join(dir, rel));
    },
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD').trim();
    },
  };
}
