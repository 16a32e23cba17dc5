import fixtures from './fixtures/public-benchmark.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
