/**
 * The one seeded pseudo-random generator of tests, fuzzers and benchmarks (mulberry32: 32 bits of state,
 * fast, good enough for workloads and fuzz cases, not for anything secret). The same seed gives the same
 * sequence on every run and machine, so a failing fuzz case or a benchmark fixture can be reproduced from
 * its seed. Engine code never draws from it: ids and time come from the injected generator and clock.
 */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
