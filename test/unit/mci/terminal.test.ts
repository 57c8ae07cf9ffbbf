import { expect } from 'chai';
import { toEventViews } from '../../../src/cli/mci/status.ts';
import { colourWanted, humanDuration, makeStyle, renderTable } from '../../../src/cli/mci/terminal.ts';

describe('kubectl mci: terminal conventions', () => {
  it('colours only on a terminal, never with NO_COLOR set (no-color.org: an empty one does not count) or a dumb terminal', () => {
    expect(colourWanted(true, {})).to.equal(true);
    expect(colourWanted(false, {})).to.equal(false);
    expect(colourWanted(true, { NO_COLOR: '1' })).to.equal(false);
    expect(colourWanted(true, { NO_COLOR: '' })).to.equal(true);
    expect(colourWanted(true, { TERM: 'dumb' })).to.equal(false);
    expect(makeStyle(false).bad('x')).to.equal('x');
    expect(makeStyle(true).bad('x')).to.equal('\u001b[31mx\u001b[0m');
  });

  it('prints ages as kubectl does', () => {
    const s = 1000;
    const cases: [number, string][] = [
      [-5 * s, '0s'],
      [59 * s, '59s'],
      [119 * s, '119s'],
      [125 * s, '2m5s'],
      [600 * s, '10m'],
      [179 * 60 * s, '179m'],
      [3 * 3600 * s, '3h'],
      [(3 * 3600 + 120) * s, '3h2m'],
      [47 * 3600 * s, '47h'],
      [(3 * 24 + 5) * 3600 * s, '3d5h'],
      [400 * 24 * 3600 * s, '400d'],
      [(3 * 365 + 10) * 24 * 3600 * s, '3y10d'],
    ];
    for (const [ms, want] of cases) expect(humanDuration(ms), `${ms} ms`).to.equal(want);
  });

  it('aligns table columns three spaces apart and leaves the last column unpadded', () => {
    expect(
      renderTable(
        ['A', 'LONGER'],
        [
          ['xyz', 'b'],
          ['', 'c  '],
        ],
        '  ',
      ),
    ).to.equal('  A     LONGER\n  xyz   b\n        c\n');
  });

  it('shows the last Events of this Ingress, oldest first, without those of an earlier one of the same name', () => {
    const event = (reason: string, at: string, uid = 'u1', count?: number) => ({
      metadata: {},
      involvedObject: { uid },
      reason,
      type: 'Normal',
      message: `${reason}\nsecond line`,
      lastTimestamp: new Date(at),
      ...(count !== undefined ? { count } : {}),
    });
    const views = toEventViews(
      [
        event('C', '2025-03-01T12:00:03Z'),
        event('A', '2025-03-01T12:00:01Z'),
        event('Old', '2025-03-01T12:00:02Z', 'u0'),
        event('B', '2025-03-01T12:00:02Z', 'u1', 4),
      ],
      'u1',
      2,
    );
    expect(views).to.deep.equal([
      {
        type: 'Normal',
        reason: 'B',
        message: 'B; second line',
        count: 4,
        lastSeen: '2025-03-01T12:00:02.000Z',
      },
      {
        type: 'Normal',
        reason: 'C',
        message: 'C; second line',
        count: 1,
        lastSeen: '2025-03-01T12:00:03.000Z',
      },
    ]);
  });
});
