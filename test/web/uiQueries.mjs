// The web suites run in a web worker and cannot see the page they run in. For what only the rendered
// workbench shows (which menu items are there), a suite writes a query into the workspace and the harness,
// which drives the page with playwright, answers it: .pcl-web/ui/<id>.query.json {selector, hasText?} →
// <id>.answer.json {count, texts, attributes?} (attributes: the query's `attribute` of each match). Answers are written whole (a temp file renamed), so the suite never reads
// half an answer through vscode.workspace.fs.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Answers the suite's UI queries until the returned function is called. */
export function answerUiQueries(page, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const answered = new Set();
  const answer = async (name) => {
    const file = path.join(dir, name);
    if (answered.has(name)) return;
    let q;
    try {
      q = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return; // not there yet, or written half: its next change event comes
    }
    answered.add(name);
    let reply;
    try {
      const locator = page.locator(q.selector, q.hasText ? { hasText: q.hasText } : undefined);
      reply = { count: await locator.count(), texts: await locator.allInnerTexts() };
      // an attribute of each match (a CodeLens's tooltip is its link's `title`)
      if (q.attribute) reply.attributes = await locator.evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), q.attribute);
    } catch (err) {
      reply = { error: String(err?.message ?? err) };
    }
    const out = path.join(dir, name.replace(/\.query\.json$/, '.answer.json'));
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(reply));
    fs.renameSync(`${out}.tmp`, out);
  };
  const watcher = fs.watch(dir, (_event, name) => {
    if (name && name.endsWith('.query.json')) void answer(name).catch(() => undefined);
  });
  return () => watcher.close();
}
