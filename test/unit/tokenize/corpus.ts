// Real and hand-picked texts for the differential tests.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PROSE = [
  'The quick brown fox jumps over the lazy dog. It\'s 9:45 — isn\'t it? "Quoted", (parenthesised) and [bracketed].',
  'Falsches Üben von Xylophonmusik quält jeden größeren Zwerg. Straße, Maß, Fußgängerübergänge.',
  "Voix ambiguë d'un cœur qui, au zéphyr, préfère les jattes de kiwis. L'été dernier, j'ai vu l'œuvre.",
  'Съешь же ещё этих мягких французских булок, да выпей чаю. Программирование — это искусство.',
  'Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Ο λόγος είναι σύντομος.',
  'نص حكيم له سر قاطع وذو شأن عظيم مكتوب على ثوب أخضر ومغلف بجلد أزرق.',
  'עטלף אבק נס דרך מזגן שהתפוצץ כי חם.',
  'ऋषियों को सताने वाले दुष्ट राक्षसों के राजा रावण का सर्वनाश करने वाले विष्णुवतार भगवान श्रीराम।',
  '我能吞下玻璃而不伤身体。人工智能正在改变世界，数据是新的石油。',
  'いろはにほへと ちりぬるを わかよたれそ つねならむ。東京は日本の首都です。',
  '다람쥐 헌 쳇바퀴에 타고파. 한국어 형태소 분석기는 어렵습니다.',
  'เป็นมนุษย์สุดประเสริฐเลิศคุณค่า กว่าบรรดาฝูงสัตว์เดรัจฉาน',
  'Tiếng Việt có dấu: Tôi yêu tiếng nước tôi từ khi mới ra đời.',
  'Emoji: 👩‍👩‍👧‍👦 👍🏽 🏳️‍🌈 🇩🇪🇯🇵 ❤️ 1️⃣ 🧑🏿‍💻 and text',
  'Combining: e\u0301 a\u0308 n\u0303 \u0915\u094d\u0937 Z\u0351\u0364\u036b\u0346\u034f\u0355\u0339a\u0338l\u0334g\u0335o\u0336',
];

export const CODE = [
  'function add(a: number, b: number): number {\n  return a + b; // sum\n}\n\nexport const x = add(1, 2);\n',
  'def fib(n):\n    """Return the n-th Fibonacci number."""\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n',
  '#include <stdio.h>\r\nint main(void) {\r\n\tprintf("%d\\n", 42);\r\n\treturn 0;\r\n}\r\n',
  '{"model":"gpt-4o","messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"Hi"}],"temperature":0.2,"n":1}',
  '<html><body><div class="a b" id=\'x\'>&nbsp;&lt;tag&gt;</div></body></html>\n// path/to/file.ts\n/* comment */ a//b\n!\n/x',
  "SELECT id, name FROM users WHERE created_at >= NOW() - INTERVAL '7 days' ORDER BY id DESC LIMIT 100;",
  "const re = /^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+)@example\\.com$/iu;\nlet s = `${a}${b}`;",
];

/** Every Unicode White_Space character plus JavaScript-only `\s` (U+FEFF) and format chars. */
export const WHITESPACE_AND_FORMAT = [
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  ' ',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2001',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
  '\u180e',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2060',
  '\u2061',
  '\u2062',
  '\u2063',
  '\u2064',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u00ad',
  '\u061c',
  '\u06dd',
  '\u070f',
  '\u08e2',
  '\u{110bd}',
  '\ufff9',
  '\ufffa',
  '\ufffb',
  '\u{e0001}',
  '\u{e0020}',
  '\u{e007f}',
];

export const EDGE = [
  '',
  'a',
  ' ',
  '\n',
  '\r\n',
  '\r',
  '0',
  '!',
  "'",
  "'s",
  "'S",
  "'\u017f",
  'é',
  '🙂',
  '\u0000',
  '\ud800',
  '\udc00',
  '\udc00\ud800',
  'a\u0000b\u0001c\u001f\u007f\u0080\u009f',
  'line1\r\nline2\rline3\nline4\n\n\r\r\n\n',
  '1234567890'.repeat(20),
  '   \t\t  '.repeat(30) + 'x',
  '!!!???...,,,;;;'.repeat(20),
  '\n'.repeat(50) + 'x' + '\r\n'.repeat(20),
  ' '.repeat(300),
  'a'.repeat(2000),
  'ab'.repeat(1000),
  '<|endoftext|> <|endofprompt|> <|fim_prefix|>',
  "HE'S THEY'RE I'LL we'VE You'd it'M",
  '  \n  x',
  'a  \nb',
  '!\n/abc',
  'x \u3000\u0085y',
  '١٢٣٤٥ ௧௨௩ Ⅻ ½',
  'ABCdefGHIjkl MixedCASEWords camelCaseIdentifier SCREAMING_SNAKE',
  'ǅǈǋ ᾈᾉ ʰʱ ᴬᴮ',
];

/** Source files of this repository and of TypeScript's lib (real code and prose). */
export function realFiles(root: string, max = 40): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (out.length >= max) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|md|json|toml|mjs)$/.test(e.name) && fs.statSync(p).size < 200_000)
        out.push({ name: path.relative(root, p), text: fs.readFileSync(p, 'utf8') });
    }
  };
  for (const d of ['src', 'examples', 'media']) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  const lib = path.join(root, 'node_modules', 'typescript', 'lib', 'lib.dom.d.ts');
  if (fs.existsSync(lib)) out.push({ name: 'lib.dom.d.ts (first 300k)', text: fs.readFileSync(lib, 'utf8').slice(0, 300_000) });
  const readme = path.join(root, 'node_modules', 'typescript', 'README.md');
  if (fs.existsSync(readme)) out.push({ name: 'typescript/README.md', text: fs.readFileSync(readme, 'utf8') });
  return out;
}
