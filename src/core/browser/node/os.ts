// `node:os` for the browser bundle (scripts/build.mjs aliases it here): a web extension host has no
// home folder, user or network interfaces; the answers below make the callers take their "none" path.
export const EOL = '\n';
export const homedir = (): string => '/';
export const tmpdir = (): string => '/tmp';
export const platform = (): string => 'browser';
export const userInfo = (): { username: string; homedir: string } => ({ username: '', homedir: '/' });
export const networkInterfaces = (): Record<string, never> => ({});
export default { EOL, homedir, tmpdir, platform, userInfo, networkInterfaces };
