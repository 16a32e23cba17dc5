import fixtures from './fixtures/types-and-operations.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
