// A prompt's identity in the run history (no imports: the editor computes it for every estimate).

/**
 * A prompt's identity: its workspace-relative file (forward slashes), plus `#name` for one prompt of
 * a file holding several (a promptfoo list entry, a prompt in code). Ordinary edits keep it; the same
 * identity is what `prompt-cost diff` pairs across a change for a prompt file.
 */
export function promptKey(file: string, name?: string): string {
  const norm = file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  return name ? `${norm}#${name}` : norm;
}
