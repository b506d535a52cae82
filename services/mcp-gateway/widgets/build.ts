// Builds each widget (src/<name>.html + src/<name>.ts) into one self-contained HTML file,
// dist/<name>.html: script and styles inlined, no external requests, which is what an MCP Apps /
// Apps SDK host loads into its sandboxed frame. The gateway reads these files at start.
//
//   node services/mcp-gateway/widgets/build.ts
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

const HERE = new URL('.', import.meta.url).pathname;
const SOURCE = join(HERE, 'src');
export const DIST = join(HERE, 'dist');
export const WIDGET_FILES = ['repositories', 'issues', 'created', 'connect'] as const;

/**
 * Builds into a scratch directory, then moves each file into `outDir` (a rename: atomic), so a
 * gateway starting meanwhile, or another build, never reads a half-written widget.
 */
export async function buildWidgets(options: { outDir?: string; quiet?: boolean } = {}): Promise<string> {
  const outDir = options.outDir ?? DIST;
  await mkdir(outDir, { recursive: true });
  // Beside the output, so the final renames stay on one filesystem.
  const scratch = await mkdtemp(join(dirname(outDir), '.widgets-build-'));
  // One build per widget: the single-file plugin inlines one entry at a time.
  for (const name of WIDGET_FILES) {
    await build({
      configFile: false,
      root: SOURCE,
      base: './',
      logLevel: options.quiet ? 'silent' : 'warn',
      plugins: [viteSingleFile({ removeViteModuleLoader: true })],
      build: {
        outDir: scratch,
        emptyOutDir: false,
        target: 'es2022',
        minify: true,
        reportCompressedSize: false,
        rollupOptions: { input: join(SOURCE, `${name}.html`) },
      },
    });
  }
  for (const name of WIDGET_FILES) await rename(join(scratch, `${name}.html`), join(outDir, `${name}.html`));
  await rm(scratch, { recursive: true, force: true });
  return outDir;
}

if (import.meta.main) {
  const started = performance.now();
  const outDir = await buildWidgets();
  console.error(`widgets built into ${outDir} in ${Math.round(performance.now() - started)} ms`);
}
