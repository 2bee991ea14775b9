/**
 * Wall-clock time that the local runtime's fake timers cannot touch.
 *
 * With skipped time, the testing SDK replaces the global clocks, `performance.now` included;
 * a reference taken at import, before it does, keeps measuring real time.
 */
export const realNow: () => number = performance.now.bind(performance);
