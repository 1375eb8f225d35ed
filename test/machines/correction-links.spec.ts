import { correctionLinks } from '../../src/machines/correction-links';

const ev = (sequence: number, type: string, payload: Record<string, unknown> = {}) => ({
  sequence,
  type,
  payload,
});

describe('correction links between the events of one item', () => {
  it('links a refused request, an approved one and a pending one to what they correct', () => {
    const links = correctionLinks([
      ev(1, 'REGISTER'),
      ev(2, 'ASSIGN_VERIFICATION'),
      ev(3, 'CONFIRM'),
      ev(4, 'REQUEST_CORRECTION', { corrects: 3, targetState: 'verifying' }),
      ev(5, 'REFUSE_CORRECTION', { reason: '无误' }),
      ev(6, 'REQUEST_CORRECTION', { corrects: 3, targetState: 'confirmed' }),
      ev(7, 'APPROVE_CORRECTION'),
      ev(8, 'RECORD_COMPLAINT'),
      ev(9, 'REQUEST_CORRECTION', { corrects: 2, targetState: 'verifying' }),
    ]);
    expect(Object.fromEntries(links)).toEqual({
      2: { correctionPending: 9 },
      3: { correctedBy: [7] },
      4: { corrects: 3, decidedBy: { sequence: 5, outcome: 'refused' } },
      5: { corrects: 3, request: 4 },
      6: { corrects: 3, decidedBy: { sequence: 7, outcome: 'approved' } },
      7: { corrects: 3, request: 6 },
      9: { corrects: 2 },
    });
  });

  it('an event history without corrections has no links', () => {
    expect(correctionLinks([ev(1, 'REGISTER'), ev(2, 'APPROVE_CORRECTION')]).size).toBe(0);
  });
});
