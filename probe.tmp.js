require('./out/test/unit/tokenize/oracle');
const { ordinaryOracle } = require('./out/test/unit/tokenize/hfOracle');
const { countTokens } = require('./out/src/core/tokenize');
(async () => {
  const fam = process.argv[2] || 'llama3';
  const o = ordinaryOracle(fam);
  const cps = [];
  for (let c = 0x80; c <= 0x10ffff; c++) { if (c >= 0xd800 && c <= 0xdfff) continue; const s = String.fromCodePoint(c); if (/[\p{L}\p{N}]/u.test(s)) cps.push(c); }
  const bad = [];
  for (let i = 0; i < cps.length; i += 2000) {
    const chunk = cps.slice(i, i + 2000);
    const texts = chunk.map((c) => String.fromCodePoint(c) + '.A');
    const enc = await o.encodeBatch(texts, { addSpecialTokens: false });
    enc.forEach((e, j) => { if (e.getIds().length !== countTokens(texts[j], fam)) bad.push(chunk[j]); });
  }
  // ranges
  const ranges = []; for (const c of bad) { const r = ranges.at(-1); if (r && r[1] === c - 1) r[1] = c; else ranges.push([c, c]); }
  console.log(fam, 'letters/numbers', cps.length, 'differ', bad.length);
  console.log(ranges.map(([a, b]) => a.toString(16) + (a === b ? '' : '-' + b.toString(16))).join(' '));
})();
