import fixtures from './fixtures/operations.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
