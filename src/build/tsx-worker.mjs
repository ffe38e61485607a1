// A worker thread's entry when the sources run through tsx: a worker takes no --import, so this
// registers tsx in the thread first, then loads the TypeScript entry named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
