// VS Code for the Web, said plainly (docs/user/browser.md). A prompt in a github.dev repository (scheme
// vscode-vfs) gets its token lens, the cost change vs HEAD read through the GitHub Repositories extension's API
// (features/changes/browserBase.ts), and no ▶ Run. The repository is the harness's stand-in for that extension
// (test/web/fakeRemoteHub/: working copy under vscode-vfs:, committed files under github:, RemoteHub's API as
// GitLens and VS Code type it); the suite writes both versions through vscode.workspace.fs. The token figures
// are tiktoken's, computed by the harness (test/web/expectations.mjs).
import * as vscode from 'vscode';
import { baseUnavailableLens } from '../../../src/features/changes/browserBase';
import { fetchPullRequestBase } from '../../../src/features/changes/pullRequestBase';
import { codeLensTitles, equal, extensionApi, hoverText, match, ok, readWorkspaceJson, uiQuery, waitFor, workspaceUri } from './support';

interface Expected {
  supportTriageTokens: number;
  supportTriageEditedTokens: number;
  remoteAddition: string;
}

const REPO = 'vscode-vfs://github/acme/agents';
const grouped = (n: number) => n.toLocaleString('en-US');

/** "+13 tokens · +$0.70/month vs HEAD" (core/diff/format.ts deltaSummary) for a token Δ the suite knows. */
function changeTitle(prefix: string, tokens: number): RegExp {
  return new RegExp(`^${prefix}\\+${grouped(tokens)} tokens · \\+\\$[0-9.,]+/month vs HEAD$`);
}

/** Writes a file of the stand-in repository: the working copy, and the committed version unless undefined. */
async function seed(rel: string, working: string, committed?: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.parse(`${REPO}/${rel}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(working));
  if (committed !== undefined) await vscode.workspace.fs.writeFile(uri.with({ scheme: 'github' }), new TextEncoder().encode(committed));
  return uri;
}

/** The lenses of a document once one of them satisfies `ready`. */
async function lensesWhen(uri: vscode.Uri, ready: (titles: string[]) => boolean): Promise<vscode.CodeLens[]> {
  return waitFor(`the lenses of ${uri.path}`, async () => {
    const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
    return ready((all ?? []).map((l) => l.command?.title ?? '')) ? all : undefined;
  });
}

describe('VS Code for the Web: what the browser cannot do', () => {
  let expected: Expected;
  let triage: string;
  before(async () => {
    expected = await readWorkspaceJson<Expected>('.pcl-web/expected.json');
    await extensionApi();
    triage = new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri('prompts', 'support-triage.prompt.md')));
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a changed prompt on github.dev shows its Δ vs HEAD as tiktoken counts it, the hover table, and no ▶ Run', async () => {
    const uri = await seed('prompts/support-triage.prompt.md', triage + expected.remoteAddition, triage);
    await vscode.window.showTextDocument(uri);
    const delta = expected.supportTriageEditedTokens - expected.supportTriageTokens;
    ok(delta > 0, 'the edit adds tokens');
    const lenses = await lensesWhen(uri, (t) => t.some((x) => x.endsWith(' out')) && t.some((x) => x.endsWith(' vs HEAD')));
    const titles = await codeLensTitles(uri);
    const change = lenses.find((l) => l.command?.title.endsWith(' vs HEAD'));
    match(change?.command?.title ?? '', changeTitle('', delta), 'the Δ lens');
    ok(change?.range.start.line === 0, 'the Δ lens on the first line');
    // A click opens VS Code's diff of the committed file (RemoteHub's provider URI) and the working copy
    // (vscode.diff comes back through executeCodeLensProvider as the workbench's own _workbench.diff).
    match(change?.command?.command ?? '', /^(vscode|_workbench)\.diff$/, 'the Δ lens opens a diff');
    const left = change?.command?.arguments?.[0] as { scheme?: string } | undefined;
    ok(left?.scheme === 'github', `the left side is the committed file: ${JSON.stringify(left)}`);
    ok(titles.includes(`${grouped(expected.supportTriageEditedTokens)} tokens + 300 out`), `token lens in ${titles.join(' | ')}`);
    ok(!titles.includes('▶ Run'), `no Run lens in the browser: ${titles.join(' | ')}`);
    ok(!titles.includes('Δ vs base: unavailable'), 'the base was read');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(6, 4));
    const md = hoverText(hovers);
    match(md, /Prompt Cost · change vs HEAD/, 'the change hover');
    ok(!md.includes('pull request #'), `a branch is not called a pull request: ${md}`);
    ok(
      md.includes(`${grouped(expected.supportTriageTokens)} → ${grouped(expected.supportTriageEditedTokens)} (+${grouped(delta)})`),
      `the hover's gpt-4o-mini row has tiktoken's before → after: ${md}`,
    );
  });

  it('a pull request on github.dev: the Δ is vs its head, and the tooltip and hover say why not vs its base', async () => {
    // github.dev opens a pull request with the ref in the authority (GitLens src/plus/remotehub.ts
    // GitHubAuthorityMetadata {v: 1, ref: {type: 3 = PullRequest, id}}, hex-encoded JSON after `github+`).
    const authority = (n: number) =>
      'github+' +
      [...new TextEncoder().encode(JSON.stringify({ v: 1, ref: { type: 3, id: String(n) } }))]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join('');
    const delta = expected.supportTriageEditedTokens - expected.supportTriageTokens;
    const seedAt = async (repo: string, n: number) => {
      const uri = vscode.Uri.parse(`vscode-vfs://${authority(n)}/acme/${repo}/prompts/support-triage.prompt.md`);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(triage + expected.remoteAddition));
      await vscode.workspace.fs.writeFile(uri.with({ scheme: 'github' }), new TextEncoder().encode(triage));
      return uri;
    };
    for (const [repo, n, who] of [
      ['agents', 12, '#12 “Tighten the triage prompt”'], // named by GitHub Pull Requests' getRepositoryDescription
      ['no-pr-extension', 7, '#7'], // that extension knows nothing: the authority still names it
    ] as const) {
      const uri = await seedAt(repo, n);
      await vscode.window.showTextDocument(uri);
      const lenses = await lensesWhen(uri, (t) => t.some((x) => x.endsWith(' vs HEAD')));
      const change = lenses.find((l) => l.command?.title.endsWith(' vs HEAD'));
      match(change?.command?.title ?? '', changeTitle('', delta), `the Δ lens of ${repo}`);
      const note = `This is pull request ${who}: HEAD is its head (contributor:tighten-triage @ c0ffee7), so the Δ is your edits, not what the pull request changes.`;
      // The tooltip does not come back through executeCodeLensProvider: read it from the rendered lens.
      const tooltip = await waitFor('the Δ lens drawn', async () => {
        const a = await uiQuery('.editor-group-container.active .codelens-decoration a', ' vs HEAD', 'title');
        return a.attributes?.find((t) => t?.includes('pull request')) ?? undefined;
      });
      ok(tooltip.includes(note), `the lens tooltip says what HEAD is: ${tooltip}`);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(6, 4));
      const md = hoverText(hovers).replace(/\\/g, '');
      ok(md.includes(note), `the hover says what HEAD is (${repo}): ${md}`);
      match(md, /Its base commit is not offered by the GitHub Repositories or GitHub Pull Requests extension APIs/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('Compare with the pull request’s base: GitHub names the merge base once, then the Δ is against that commit', async function () {
    // test/web/fakeGitHubApi.mjs answers as GitHub's REST API (and its CORS) does; the commits are random per run, and
    // the base branch has moved on since the pull request branched: its tip is not the merge base.
    const gh = await readWorkspaceJson<{
      url: string;
      pulls: Record<string, { base: { ref: string; sha: string }; head: { sha: string }; mergeBase: string }>;
    }>('.pcl-web/github-api.json');
    const pull = gh.pulls['acme/agents/12'];
    const { ref, sha: tip } = pull.base;
    const sha = pull.mergeBase;
    await vscode.workspace.getConfiguration('promptCost').update('github.apiUrl', gh.url, vscode.ConfigurationTarget.Global);
    try {
      const hex = (o: unknown) => [...new TextEncoder().encode(JSON.stringify(o))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const rel = 'acme/agents/prompts/triage-v2.prompt.md';
      const uri = vscode.Uri.parse(`vscode-vfs://github+${hex({ v: 1, ref: { type: 3, id: '12' } })}/${rel}`);
      const head = triage + expected.remoteAddition;
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(head)); // no edits of the user's
      await vscode.workspace.fs.writeFile(uri.with({ scheme: 'github' }), new TextEncoder().encode(head)); // the PR head
      // The base commit's file, where RemoteHub serves a commit (GitLens githubGitProvider.ts createProviderUri).
      const atBase = vscode.Uri.parse(`github://github+${hex({ v: 1, ref: { type: 2, id: sha } })}/${rel}`);
      await vscode.workspace.fs.writeFile(atBase, new TextEncoder().encode(triage));
      // The base branch's tip holds the file as the base changed it since (the Δ against it would be another number).
      const atTip = vscode.Uri.parse(`github://github+${hex({ v: 1, ref: { type: 2, id: tip } })}/${rel}`);
      await vscode.workspace.fs.writeFile(atTip, new TextEncoder().encode(`${triage}\nA line the base branch added since.\n`));
      await vscode.window.showTextDocument(uri);
      const offer = (await lensesWhen(uri, (t) => t.includes('Compare with the pull request’s base…'))).find((l) =>
        l.command?.title.startsWith('Compare'),
      );
      equal(offer?.command?.command, 'promptCost.changes.pullRequestBase', 'the lens runs the command');
      const log = async () =>
        (await (await fetch(`${gh.url}/__log`)).json()) as { method: string; path: string; origin?: string; authorization: boolean }[];
      equal((await log()).filter((e) => e.method === 'GET' && e.path.startsWith('/repos/')).length, 0, 'nothing asked before the click');
      const base = await vscode.commands.executeCommand<{ ref: string; sha: string; number: number }>(
        'promptCost.changes.pullRequestBase',
        uri,
      );
      equal(JSON.stringify(base), JSON.stringify({ ref, sha, number: 12 }), 'the merge base GitHub named');
      const asked = (await log()).filter((e) => e.method === 'GET' && e.path.startsWith('/repos/'));
      equal(asked.length, 2, 'two requests');
      equal(asked[0].path, '/repos/acme/agents/pulls/12', 'GET /repos/{owner}/{repo}/pulls/{number}');
      equal(asked[1].path, `/repos/acme/agents/compare/${tip}...${pull.head.sha}?per_page=1`, 'GET …/compare/{base}...{head}');
      ok(
        asked.every((a) => a.origin && !a.authorization),
        'cross-origin requests, without a GitHub session (none was granted)',
      );
      const delta = expected.supportTriageEditedTokens - expected.supportTriageTokens;
      const lenses = await lensesWhen(uri, (t) => t.some((x) => x.endsWith(` vs ${ref}`)));
      const title = lenses.map((l) => l.command?.title ?? '').find((t) => t.endsWith(` vs ${ref}`)) ?? '';
      match(title, new RegExp(`^\\+${grouped(delta)} tokens · \\+\\$[0-9.,]+/month vs ${ref}$`), 'the Δ against the base');
      const md = hoverText(
        await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(6, 4)),
      ).replace(/\\/g, '');
      match(md, new RegExp(`Prompt Cost · change vs ${ref}`), 'the hover');
      ok(md.includes(`#12's base: ${ref} @ ${sha.slice(0, 7)}, the merge base`), `the hover names the merge base: ${md}`);
      // Where GitHub names no merge base, the base branch's tip, and the reason (the hover and a warning say it).
      const gone = await fetchPullRequestBase({ owner: 'acme', name: 'agents' }, 13, { apiUrl: gh.url });
      equal(gone.sha, gh.pulls['acme/agents/13'].base.sha, 'the tip of the base branch');
      match(gone.tipBecause ?? '', /GitHub answered HTTP 404 for the merge base of pull request #13/, 'why');
      // The browser enforces GitHub's CORS: the API-version header is not in its preflight's allowed list.
      const refused = await fetch(`${gh.url}/repos/acme/agents/pulls/12`, { headers: { 'x-github-api-version': '2022-11-28' } }).then(
        () => false,
        () => true,
      );
      ok(refused, 'a request with X-GitHub-Api-Version is refused by the browser (github/docs issue 24706)');
    } finally {
      await vscode.workspace.getConfiguration('promptCost').update('github.apiUrl', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('a new prompt shows its whole cost as the change; an unreadable base says “Δ vs base: unavailable”', async () => {
    const added = await seed('prompts/new-triage.prompt.md', triage);
    await vscode.window.showTextDocument(added);
    const lenses = await lensesWhen(added, (t) => t.some((x) => x.startsWith('new prompt: ')));
    const title = lenses.map((l) => l.command?.title ?? '').find((t) => t.startsWith('new prompt: ')) ?? '';
    match(title, changeTitle('new prompt: ', expected.supportTriageTokens), 'the new prompt lens');
    // The stand-in fails reads of committed files under offline/ as an unreachable GitHub would.
    const offline = await seed('offline/support-triage.prompt.md', triage + expected.remoteAddition, triage);
    await vscode.window.showTextDocument(offline);
    const titles = (await lensesWhen(offline, (t) => t.includes('Δ vs base: unavailable'))).map((l) => l.command?.title ?? '');
    ok(!titles.some((t) => t.endsWith(' vs HEAD')), `no Δ without a base: ${titles.join(' | ')}`);
    ok(
      titles.some((t) => t.endsWith(' out')),
      'the token lens stays',
    );
    // A title-only lens's tooltip does not come back through executeCodeLensProvider: check the lens the
    // provider builds (the same function, bundled into this suite).
    match(
      baseUnavailableLens('GitHub could not be reached').command?.tooltip ?? '',
      /needs its committed version, which cannot be read here: GitHub could not be reached\. Open the change in VS Code desktop/,
    );
  });

  it('the editor title has no ▶ Run button; the palette offers provider counts but not Run Prompt', async () => {
    await extensionApi();
    await vscode.window.showTextDocument(workspaceUri('prompts', 'support-triage.prompt.md'));
    try {
      // The Compare button has the same `promptCost.isPromptFile` condition as Run: once it shows, the title bar
      // is drawn for a prompt file and the extension has set its context keys (package.json menus).
      const title = '.editor-group-container.active .editor-actions';
      await waitFor('the Compare button', async () =>
        (await uiQuery(`${title} [aria-label^="Compare Models for This Prompt"]`)).count === 1 ? true : undefined,
      );
      const run = await uiQuery(`${title} [aria-label^="Run Prompt"]`);
      ok(run.count === 0, `no Run Prompt button in the browser's editor title (found ${run.count})`);
      // The command palette, filtered: what must show (the list is drawn), then what must be absent. Provider
      // counts work in the browser (both endpoints allow CORS: providerCount.test.ts), so the palette offers them.
      for (const [filter, shown, hidden] of [
        ['Run', ['Refresh Runs'], ['Run Prompt…', 'Import Flujo Runs']],
        ['C', ['Compare Models for This Prompt', 'Count Tokens with Provider'], []],
      ] as const) {
        await vscode.commands.executeCommand('workbench.action.quickOpen', `>Prompt Cost: ${filter}`);
        const rows = await waitFor(`the palette listing ${shown.join(', ')}`, async () => {
          const a = await uiQuery('.quick-input-widget .quick-input-list .monaco-list-row');
          return shown.every((s) => a.texts.some((t) => t.includes(s))) ? a.texts : undefined;
        });
        for (const h of hidden as readonly string[])
          ok(!rows.some((t) => t.includes(h)), `the palette hides “${h}” in the browser: ${rows.join(' | ')}`);
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      }
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
