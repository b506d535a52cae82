import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { widgetToolMeta } from '../widgets/resources.ts';
import type { ToolDefinition } from './tool.ts';

/** ChatGPT's per-tool auth declaration (Apps SDK "securitySchemes"). */
export function securitySchemesOf(tool: ToolDefinition): Array<{ type: 'oauth2'; scopes: string[] }> {
  return [{ type: 'oauth2', scopes: tool.scope ? [tool.scope] : [] }];
}

/**
 * A tool as tools/list shows it. `securitySchemes` sits at the top level (where the Apps SDK
 * reads it) and is mirrored in `_meta` (its back-compat location); the SDK's own listing has no
 * place for the top-level field, which is why the gateway lists tools itself. The JSON Schemas
 * are converted the way the SDK converts them (zod v4, draft-07), from the same zod schemas the
 * SDK validates arguments and results with.
 */
export function toolDescriptor(tool: ToolDefinition): Tool & { securitySchemes: unknown } {
  const securitySchemes = securitySchemesOf(tool);
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: z.toJSONSchema(tool.input, { target: 'draft-7', io: 'input' }) as Tool['inputSchema'],
    outputSchema: z.toJSONSchema(tool.output, { target: 'draft-7', io: 'output' }) as Tool['outputSchema'],
    annotations: { title: tool.title, ...tool.annotations },
    securitySchemes,
    _meta: {
      securitySchemes,
      ...(tool.widget ? widgetToolMeta(tool.widget) : {}),
      'openai/toolInvocation/invoking': tool.invoking,
      'openai/toolInvocation/invoked': tool.invoked,
    },
  };
}
