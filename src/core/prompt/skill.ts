// Agent skills (`SKILL.md`): an agent loads only each skill's `name` and `description` (front matter)
// into every request, and reads the body when it uses the skill (agentskills.io specification,
// "Progressive disclosure"; code.visualstudio.com/docs/copilot/customization/agent-skills). So a skill
// has two figures: always loaded (name + description) and on use (the body).
import type { PromptDocument } from './document';

export interface SkillParts {
  /** `name` and `description` as the agent lists them: one line each. */
  alwaysLoaded: string;
}

export interface SkillFigures {
  /** Tokens of the name and description, sent with every request while the skill is installed. */
  alwaysLoadedTokens: number;
  /** Tokens of the body, added to the context when the skill is used. */
  onUseTokens: number;
  /** The encoding (the primary model's) both are counted in. */
  encoding: string;
}

export function isSkillFile(fileName: string): boolean {
  return /(^|[\\/])skill\.md$/i.test(fileName);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The always-loaded part of a `SKILL.md` from its front matter (empty when it names neither). */
export function skillParts(data: unknown): SkillParts {
  const m = isMap(data) ? data : {};
  const lines = [m.name, m.description].filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
  return { alwaysLoaded: lines.join('\n') };
}

/** Both figures, counted with `count` (the primary model's encoding `encoding`). */
export function skillFigures(doc: PromptDocument, count: (text: string) => number, encoding: string): SkillFigures | undefined {
  if (!doc.skill) return undefined;
  let onUse = 0;
  for (const m of doc.messages) if (m.content) onUse += count(m.content);
  return { alwaysLoadedTokens: doc.skill.alwaysLoaded ? count(doc.skill.alwaysLoaded) : 0, onUseTokens: onUse, encoding };
}

/** `skill: 42 tokens always loaded · 1,370 on use` — the CodeLens, hover and CLI line. */
export function skillText(f: SkillFigures, approximate = false): string {
  const n = (x: number) => `${approximate ? '≈' : ''}${x.toLocaleString('en-US')}`;
  return `skill: ${n(f.alwaysLoadedTokens)} tokens always loaded (name + description) · ${n(f.onUseTokens)} on use (the body)`;
}
