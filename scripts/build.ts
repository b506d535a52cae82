// `npm run build`: everything the services need before they run. Node 24 runs the TypeScript
// sources directly, so building means generating code and checking types, not compiling.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildWidgets, generatePrisma, generateProto } from './generate.ts';
import { ROOT } from './services.ts';

generateProto();
generatePrisma();
await buildWidgets();
execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});
