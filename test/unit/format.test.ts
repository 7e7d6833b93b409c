import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDuration, formatSignedPercent, formatUsd, MINUS } from '../../src/core/format';
import { Decimal } from '../../src/core/pricing/decimal';

describe('formatUsd: one money format for every surface', () => {
  it('three significant digits below $1, so close figures stay apart (issue 13, edge 2)', () => {
    assert.equal(formatUsd('0.012252'), '$0.0123'); // was "$0.01" beside "$0.00818"
    assert.equal(formatUsd('0.00818'), '$0.00818');
    assert.equal(formatUsd('0.000197'), '$0.000197');
    assert.equal(formatUsd('0.00000015'), '$0.00000015');
    assert.equal(formatUsd('0.0000001666'), '$0.000000167');
    assert.equal(formatUsd('0.5'), '$0.50');
    assert.equal(formatUsd('0.012'), '$0.012');
    assert.equal(formatUsd('0.1'), '$0.10');
    // Rounded amounts keep three significant digits, zeros included: never "$0.01" beside "$0.00242".
    assert.equal(formatUsd('0.0100339'), '$0.0100');
    assert.equal(formatUsd('0.30000004'), '$0.300');
  });
  it('cents with grouping from $1 on; monthly figures round the same way everywhere', () => {
    assert.equal(formatUsd('196.2'), '$196.20');
    assert.equal(formatUsd('14.715'), '$14.72');
    assert.equal(formatUsd('1234.5678'), '$1,234.57');
    assert.equal(formatUsd('1'), '$1.00');
    assert.equal(formatUsd('1000000'), '$1,000,000.00');
  });
  it('rounds half away from zero on the exact text, also across the $1 boundary', () => {
    assert.equal(formatUsd('0.0012345'), '$0.00123');
    assert.equal(formatUsd('0.0012355'), '$0.00124');
    assert.equal(formatUsd('0.9996'), '$1.00');
    assert.equal(formatUsd('0.99949'), '$0.999');
    assert.equal(formatUsd('9.995'), '$10.00');
    assert.equal(formatUsd('0.000999999'), '$0.00100');
  });
  it('zero, negative, approximate, Decimal input, odd text', () => {
    assert.equal(formatUsd('0'), '$0');
    assert.equal(formatUsd('0.000'), '$0');
    assert.equal(formatUsd('-0.5'), `${MINUS}$0.50`);
    assert.equal(formatUsd('0.0031', true), '≈$0.0031');
    assert.equal(formatUsd(Decimal.parse('0.00001665')), '$0.0000167');
    assert.equal(formatUsd('abc'), '$abc');
  });
  it('property: within half a unit of the last shown digit of the exact value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.integer({ min: 0, max: 12 }), (digits, scale) => {
        const text = digits.toString().padStart(scale + 1, '0');
        const exact = Decimal.parse(scale ? `${text.slice(0, -scale)}.${text.slice(-scale)}` : text);
        const shown = formatUsd(exact.toString());
        const parsed = Decimal.parse(shown.replace(/[$,]/g, ''));
        const places = (shown.split('.')[1] ?? '').length;
        const err = Math.abs(parsed.minus(exact).toNumber());
        assert.ok(err <= 0.5 * 10 ** -places + 1e-18, `${exact} → ${shown}`);
        if (exact.toNumber() < 1 && parsed.toNumber() < 1) {
          const sig = shown.replace(/^\$0\.0*/, '').replace(/0+$/, '');
          assert.ok(sig.length <= 3, `${exact} → ${shown}: at most 3 significant digits`);
        }
      }),
    );
  });
});

describe('formatSignedPercent', () => {
  it('one minus sign (U+2212), plus, ±0', () => {
    assert.equal(formatSignedPercent(12.46), '+12.5 %');
    assert.equal(formatSignedPercent(-3), `${MINUS}3.0 %`);
    assert.equal(formatSignedPercent(0.04), '±0 %');
    assert.equal(formatSignedPercent(undefined), '');
    assert.equal(formatSignedPercent(Infinity), '');
  });
});

describe('formatDuration', () => {
  it('seconds with one decimal under a minute, then minutes and hours', () => {
    assert.equal(formatDuration(412), '0.4 s');
    assert.equal(formatDuration(14_200), '14.2 s');
    assert.equal(formatDuration(59_949), '59.9 s');
    assert.equal(formatDuration(59_950), '1 min 00 s');
    assert.equal(formatDuration(1_896_400), '31 min 36 s'); // the example nightly report (was "1896.4 s")
    assert.equal(formatDuration(7_500_000), '2 h 05 min');
    assert.equal(formatDuration(-1), '');
  });
});
