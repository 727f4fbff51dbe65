// Runs tasks 0..n-1 with at most `limit` at a time. After the first failure no
// new task starts; the ones running are awaited (so nothing is still writing
// when the caller cleans up), then the first error is thrown.
export async function runPool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (e) {
        failure ??= { error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  if (failure) throw failure.error;
}
