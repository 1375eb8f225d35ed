import { seededRandom } from '../../src/shared/seeded-random';

describe('seededRandom (the one mulberry32 of tests and benchmarks)', () => {
  it('gives the sequence the fuzzers and benchmarks were tuned on, so their fixtures do not change', () => {
    const random = seededRandom(7);
    expect([random(), random(), random()]).toEqual([
      0.011704753153026104, 0.06195825757458806, 0.97690763277933,
    ]);
  });

  it('repeats a sequence from its seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 50 }, () => random());
    };
    expect(draw(20230601)).toEqual(draw(20230601));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('stays in [0, 1) for negative and large seeds', () => {
    for (const seed of [-5, 0, 2 ** 31 - 1, 1_000_003 * 99_999]) {
      const random = seededRandom(seed);
      for (let i = 0; i < 1000; i++) {
        const value = random();
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(1);
      }
    }
  });
});
