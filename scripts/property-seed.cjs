// Preloaded (`--require`) into every node:test process by scripts/test-all.mjs: when PCL_FC_SEED is a number,
// fast-check's properties start from that seed instead of a random one. test-all derives it from the commit under
// test, so a CI run of a commit repeats exactly what an earlier run of the same commit checked, while every new
// commit still explores new inputs. A failure prints the seed; PCL_FC_SEED=<it> repeats it, =random draws afresh.
const seed = Number(process.env.PCL_FC_SEED);
if (process.env.PCL_FC_SEED && Number.isSafeInteger(seed)) require('fast-check').configureGlobal({ seed });
