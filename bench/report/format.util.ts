/** 1,000,000 → 1M, 31,600 → 31.6k: for labels of data sizes. */
export const compactCount = (n: number) => (n >= 1e6 ? `${+(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}k` : `${n}`);
