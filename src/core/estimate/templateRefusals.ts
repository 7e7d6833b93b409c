// A conversation an open model's chat template refuses (its own `raise_exception`, e.g. Gemma's "Conversation
// roles must alternate user/assistant/user/assistant/..."): a located warning at the message the template
// objects to (issue 30 item 3). The count for that model is then approximate (contents only), which the
// estimate already says; this tells the author where and why, in the template's own words.
import type { PromptDocument, PromptDiagnostic } from '../prompt';
import { shortModel } from './display';
import { PromptEstimate, summaryKeyFor } from './index';

export const TEMPLATE_REFUSED_CODE = 'chat-template-refused';

/** One warning per (message, template error), naming every model whose template refuses it there. */
export function templateRefusals(doc: PromptDocument, estimate: Pick<PromptEstimate, 'models' | 'summaries'>): PromptDiagnostic[] {
  const byPlace = new Map<string, { at: number | undefined; error: string; models: string[] }>();
  for (const m of estimate.models) {
    if (m.providerCount) continue; // an exact provider count: the template did not decide it
    const s = estimate.summaries.get(summaryKeyFor(m.model));
    if (s?.templateError === undefined) continue;
    const key = `${s.templateErrorMessage ?? ''}\u0000${s.templateError}`;
    const place = byPlace.get(key) ?? { at: s.templateErrorMessage, error: s.templateError, models: [] };
    place.models.push(m.model);
    byPlace.set(key, place);
  }
  const out: PromptDiagnostic[] = [];
  for (const { at, error, models } of byPlace.values()) {
    const message = doc.messages[at ?? 0];
    if (!message) continue;
    const where = at === undefined ? 'this conversation' : `this ${message.role} message`;
    const names = models.map(shortModel).join(', ');
    out.push({
      severity: 'warning',
      code: TEMPLATE_REFUSED_CODE,
      message:
        `The chat template of ${names} refuses ${where}: "${error}" (its own check: the template's raise_exception, mistral-common's validator for Mistral; ` +
        `the server would reject the request). Its count is ≈: message contents only, without the framing.`,
      range: message.headerRange ?? message.range,
    });
  }
  return out;
}
