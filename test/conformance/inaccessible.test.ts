import fixtures from './fixtures/inaccessible.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
