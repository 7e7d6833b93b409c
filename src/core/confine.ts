// Is a path inside a folder, as the file system will resolve it? Symbolic links are followed (a link
// inside the workspace that points to /etc is outside), `..` is resolved, and a path that does not
// exist yet is judged by its longest existing ancestor.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `realpath` of `p`, or of its longest existing ancestor with the rest appended. */
export function resolvePhysical(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/** True when `p` is `folder` or inside it once both are resolved physically. */
export function isInsideFolder(folder: string, p: string): boolean {
  const rel = path.relative(resolvePhysical(folder), resolvePhysical(p));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
