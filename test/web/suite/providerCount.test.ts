// "Count Tokens with Provider…" in VS Code for the Web: the request leaves the browser's web worker through
// fetch, cross-origin, to a loopback server answering as the providers' endpoints do, CORS included
// (test/web/fakeCountServer.mjs, with its sources). Chromium enforces CORS itself: a server that sends no CORS
// headers gets no answer to the page, and the command then says why. Counts are kept in the extension's
// workspace storage (features/countCache.ts), never in the workspace, and feed the estimate as on the desktop.
import * as vscode from 'vscode';
import type { ProviderCountOutcome } from '../../../src/features/providerCount';
import { ProviderCountError, providerCount } from '../../../src/core/providers/countTokens';
import { equal, extensionApi, hoverText, match, ok, readWorkspaceJson, uiQuery, waitFor, workspaceUri } from './support';

interface LogEntry {
  method: string;
  path: string;
  origin?: string;
  requestHeaders?: string;
  optIn?: string;
  keyOk?: boolean;
  status?: number;
  answer?: number;
  body?: { model?: string; messages?: unknown[] };
}

const config = () => vscode.workspace.getConfiguration('promptCost');

describe('VS Code for the Web: provider counts through CORS', () => {
  let server: { url: string; apiKey: string };
  const log = async (): Promise<LogEntry[]> => (await (await fetch(`${server.url}/__log`)).json()) as LogEntry[];
  before(async () => {
    server = await readWorkspaceJson<{ url: string; apiKey: string }>('.pcl-web/count-server.json');
    const api = await extensionApi();
    await api.services.context.secrets.store('promptCost.apiKey.anthropic', server.apiKey);
  });
  after(async () => {
    await config().update('providers.anthropic.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('models', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('counts with Anthropic (opt-in header, preflight), caches in the extension storage, and the hover shows it exact', async () => {
    const api = await extensionApi();
    await config().update('providers.anthropic.baseUrl', server.url, vscode.ConfigurationTarget.Workspace);
    await config().update('models', ['openai:gpt-4o-mini', 'anthropic:claude-sonnet-4-5'], vscode.ConfigurationTarget.Workspace);
    const uri = workspaceUri('prompts', 'support-triage.prompt.md');
    const first = await vscode.commands.executeCommand<ProviderCountOutcome>('promptCost.countWithProvider', uri, {
      model: 'anthropic:claude-sonnet-4-5',
    });
    const posts = (await log()).filter((e) => e.method === 'POST' && e.path === '/v1/messages/count_tokens');
    equal(posts.length, 1, 'one count request');
    const sent = posts[0];
    ok(sent.origin, 'a cross-origin request from the page (it has an Origin)');
    equal(sent.optIn, 'true', 'anthropic-dangerous-direct-browser-access');
    ok(sent.keyOk, 'the key from SecretStorage');
    equal(sent.status, 200, 'the server accepted the request as its spec says');
    equal(sent.body?.model, 'claude-sonnet-4-5', 'model');
    const preflight = (await log()).find((e) => e.method === 'OPTIONS' && e.path === '/v1/messages/count_tokens');
    match(preflight?.requestHeaders ?? '', /anthropic-dangerous-direct-browser-access/, 'the browser preflighted the custom headers');
    equal(
      JSON.stringify(first),
      JSON.stringify({ model: 'anthropic:claude-sonnet-4-5', tokens: sent.answer, source: 'Anthropic count_tokens API', cached: false }),
    );

    const second = await vscode.commands.executeCommand<ProviderCountOutcome>('promptCost.countWithProvider', uri, {
      model: 'anthropic:claude-sonnet-4-5',
    });
    equal(second?.cached, true, 'the second count comes from the cache');
    equal((await log()).filter((e) => e.method === 'POST').length, 1, 'nothing sent for unchanged content');
    const folder = vscode.workspace.workspaceFolders![0];
    const stored = api.services.context.workspaceState.get<Record<string, { tokens: number }>>(`promptCost.providerCounts:${folder.uri}`);
    ok(stored && Object.values(stored).some((e) => e.tokens === sent.answer), `kept in the workspace storage: ${JSON.stringify(stored)}`);
    const inWorkspace = await Promise.resolve(vscode.workspace.fs.stat(workspaceUri('.prompt-cost', 'provider-counts.json'))).then(
      () => true,
      () => false,
    );
    ok(!inWorkspace, 'no cache file written into the workspace');
    // The estimate reads the same storage: the hover's note says the Claude count is exact (core/estimate notes).
    await vscode.window.showTextDocument(uri);
    const md = await waitFor('the exact Claude count in the hover', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(6, 4));
      const text = hoverText(hovers);
      return text.includes('exact, Anthropic count_tokens API') ? text : undefined;
    });
    ok(md.includes(sent.answer!.toLocaleString('en-US')), `the hover shows the count ${sent.answer}: ${md}`);
  });

  it('a base URL whose server sends no CORS headers: the browser blocks it and the command says why', async () => {
    await config().update('providers.anthropic.baseUrl', `${server.url}/nocors`, vscode.ConfigurationTarget.Workspace);
    const before = (await log()).length;
    const out = await vscode.commands.executeCommand<ProviderCountOutcome>(
      'promptCost.countWithProvider',
      workspaceUri('prompts', 'support-triage.prompt.md'),
      { model: 'anthropic:claude-haiku-4-5' }, // another cache key: the request must really be made
    );
    equal(out, undefined, 'no count');
    const asked = (await log()).slice(before);
    ok(
      asked.some((e) => e.path.startsWith('/nocors/')),
      `the browser did ask the server: ${JSON.stringify(asked)}`,
    );
    // The notification the user sees, read from the rendered page: as a toast, or, once the toast has hidden
    // itself (an error without buttons does after 20 s: VS Code's NotificationsToasts.PURGE_TIMEOUT, which a
    // loaded machine can pass before the page is asked), in the notification centre, which keeps it.
    const toast = await waitFor('the error notification', async () => {
      const a = await uiQuery('.notifications-toasts .notification-list-item-message', 'CORS');
      if (a.count > 0) return a.texts.join(' ');
      await vscode.commands.executeCommand('notifications.showList');
      const c = await uiQuery('.notifications-center .notification-list-item-message', 'CORS');
      return c.count > 0 ? c.texts.join(' ') : undefined;
    });
    match(toast, /does not allow requests from a web page \(no CORS headers/, 'the reason, in words');
    await vscode.commands.executeCommand('notifications.hideList');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('Gemini countTokens answers a browser (its origin allowed); without CORS, or Anthropic without the opt-in, the browser refuses', async () => {
    const messages = [
      { role: 'system', content: 'Classify the message.' },
      { role: 'user', content: 'My invoice is wrong.' },
    ];
    const r = await providerCount({
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      messages,
      apiKey: server.apiKey,
      baseUrl: server.url,
      browser: true,
    });
    const gemini = (await log()).filter((e) => e.method === 'POST' && e.path.includes(':countTokens'));
    equal(gemini.length, 1, 'one Gemini request');
    equal(gemini[0].status, 200, 'accepted as the spec says');
    equal(r.tokens, gemini[0].answer, 'totalTokens as answered');
    const refused = async (req: Parameters<typeof providerCount>[0]): Promise<string> => {
      try {
        await providerCount(req);
      } catch (err) {
        ok(err instanceof ProviderCountError, `a ProviderCountError: ${String(err)}`);
        return (err as Error).message;
      }
      throw new Error('the request succeeded');
    };
    const noCors = await refused({
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      messages,
      apiKey: server.apiKey,
      baseUrl: `${server.url}/nocors`,
      browser: true,
    });
    match(noCors, /^Gemini countTokens API: the browser got no answer it may read from http:\/\/127\.0\.0\.1:\d+\/nocors\/v1beta/);
    ok(!noCors.includes(server.apiKey), 'no key in the message');
    // Without the opt-in header Anthropic answers 401 without Access-Control-Allow-Origin: the page gets nothing.
    const before = (await log()).length;
    const noOptIn = await refused({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      messages,
      apiKey: server.apiKey,
      baseUrl: server.url,
      browser: false,
    });
    match(noOptIn, /cannot reach|Failed to fetch/, 'the browser hid the 401');
    const answered = (await log()).slice(before).find((e) => e.method === 'POST');
    equal(answered?.status, 401, 'the server answered 401 (CORS requests must set the header)');
  });
});
