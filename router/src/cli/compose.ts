import { writeFileSync } from 'node:fs';
import { CompositionError, SUPERGRAPH_FILE, composeSupergraph } from '../compose.ts';

try {
  writeFileSync(SUPERGRAPH_FILE, composeSupergraph());
  console.log(`composed ${SUPERGRAPH_FILE}`);
} catch (error) {
  if (error instanceof CompositionError) {
    console.error(`composition failed:\n${error.message}`);
    process.exit(1);
  }
  throw error;
}
