import fixtures from './fixtures/authorization-cost.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
