import fixtures from './fixtures/shareable-external-provides.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
