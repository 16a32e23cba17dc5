import fixtures from './fixtures/keys.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
