// Node CommonJS: require('weightinit') (an ES module package, loaded through require(esm)).
'use strict';
const api = require('weightinit');
const { smoke } = require('./smoke.mjs');

smoke(api).then(
  (result) => console.log(`WEIGHTINIT_SMOKE ${JSON.stringify(result)}`),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
