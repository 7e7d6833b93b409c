// An in-memory CliIO for running `prompt-cost` commands in-process: captures stdout and stderr.
import { CliIO } from '../../src/cli/io';

export type CapturedIO = CliIO & { out: string; err: string };

export function fakeIO(cwd: string, env: Record<string, string> = {}, stdin = ''): CapturedIO {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    readStdin: async () => Buffer.from(stdin),
    cwd,
    env,
  };
  return io;
}
