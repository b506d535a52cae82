// The stack plus an in-process GitHub emulator whose OAuth app calls back to this stack's gateway,
// plus a tap on every domain event the stack publishes (for leak checks and audit accounting).
import {
  DEFAULT_OAUTH_APP,
  type EmulatorOptions,
  type RunningGitHubEmulator,
  startGitHubEmulator,
} from '@gatehouse/github-emulator';
import { freePort } from '@gatehouse/testing/ports';
import { connect, type NatsConnection } from 'nats';
import { OAuthClient } from './oauth-client.ts';
import { type Stack, type StackOptions, startStack } from './stack.ts';

export interface ProofStackOptions extends Omit<StackOptions, 'githubUrl' | 'port'> {
  emulator?: EmulatorOptions;
}

export interface ProofStack extends Stack {
  emulator: RunningGitHubEmulator;
  client: OAuthClient;
  /** Raw payloads of every `evt.>` message published under this stack's prefix since start. */
  events: { subject: string; payload: string }[];
}

export async function startProofStack(options: ProofStackOptions): Promise<ProofStack> {
  const port = await freePort();
  const emulator = await startGitHubEmulator({
    apps: [{ ...DEFAULT_OAUTH_APP, callbackUrl: `http://127.0.0.1:${port}/oauth/callback/github` }],
    ...options.emulator,
  });
  const events: ProofStack['events'] = [];
  let nats: NatsConnection | undefined;
  try {
    nats = await connect({ servers: options.natsUrl });
    const subscription = nats.subscribe(`${options.natsPrefix}.evt.>`);
    void (async () => {
      for await (const message of subscription) {
        events.push({ subject: message.subject, payload: Buffer.from(message.data).toString('latin1') });
      }
    })();
    const stack = await startStack({ ...options, githubUrl: emulator.url, port });
    return {
      ...stack,
      emulator,
      client: new OAuthClient(stack.publicUrl),
      events,
      stop: async () => {
        await stack.stop();
        await nats?.close();
        await emulator.close();
      },
    };
  } catch (error) {
    await nats?.close();
    await emulator.close();
    throw error;
  }
}
