import fixtures from './fixtures/requires.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
