// fast-check generators for the differential and property tests.
import fc from 'fast-check';
import { WHITESPACE_AND_FORMAT } from './corpus';

const SPECIAL_UNITS = [
  ...WHITESPACE_AND_FORMAT,
  "'",
  's',
  'S',
  't',
  're',
  'RE',
  'll',
  'd',
  'm',
  've',
  '\u017f',
  '/',
  '!',
  '.',
  ',',
  '-',
  '_',
  '0',
  '1',
  '9',
  '١',
  '½',
  'a',
  'A',
  'é',
  'É',
  'ǅ',
  'ʰ',
  '中',
  'あ',
  'ק',
  'ب',
  'ि',
  '\u0301',
  '\u0308',
  '👍',
  '🏽',
  '\u200d',
  '👩',
  '🇩',
  '🇪',
  '\ufe0f',
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\ud800',
  '\udfff',
  '\ufffd',
  '<|endoftext|>',
  '\r\n',
];

/** One UTF-16 unit anywhere in 0..FFFF, lone surrogates included. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/** One code point anywhere in Unicode (astral included). */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const ascii = fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c));

export const unit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_UNITS) },
  { weight: 3, arbitrary: ascii },
  { weight: 2, arbitrary: anyCodePoint },
  { weight: 1, arbitrary: anyUnit },
);

/** Strings mixing the special classes, ASCII and all of Unicode (lone surrogates included). */
export const mixedText = (maxLength = 40) => fc.string({ unit, maxLength });

/** Random strings drawn uniformly from all code points / all UTF-16 units. */
export const unicodeText = (maxLength = 30) =>
  fc.oneof(fc.string({ unit: anyCodePoint, maxLength }), fc.string({ unit: anyUnit, maxLength }));

/** Long runs of one class (digits, whitespace, punctuation, letters) inside text. */
export const runs = fc
  .array(
    fc.tuple(
      fc.constantFrom('7', ' ', '\t', '\n', '\r\n', '!', '.', 'a', 'Z', 'é', '中', '\u3000', '\u0085', "'s"),
      fc.integer({ min: 1, max: 200 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.map(([s, n]) => s.repeat(n)).join(''));
