// Loads one pipeline with the built language layer and prints its errors as JSON.
// It also prints how many bytes the process read meanwhile: rchar of
// /proc/self/io on Linux, or null where that file does not exist.
// Usage: node --max-old-space-size=256 load-pipeline-child.mjs PIPELINE_FILE
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadPipeline } from '../../../dist/language/pipeline/load-pipeline.js';

function bytesReadSoFar() {
  try {
    const match = readFileSync('/proc/self/io', 'utf8').match(/^rchar:\s*(\d+)$/m);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

const file = process.argv[2];
const before = bytesReadSoFar();
const loaded = await loadPipeline(file, { displayPath: 'azure-pipelines.yml', repositoryRoot: dirname(file) });
const after = bytesReadSoFar();

const errors = loaded.diagnostics
  .filter((diagnostic) => diagnostic.severity === 'error')
  .map(({ code, message, location }) => ({ code, message, file: location?.file, line: location?.line, column: location?.column }));
process.stdout.write(JSON.stringify({ errors, bytesRead: before === null || after === null ? null : after - before }) + '\n');
