import { DEFAULT_OAUTH_APP, type EmulatorOptions } from './options.ts';
import { startGitHubEmulator } from './server.ts';

/** Standalone emulator for the demo and manual testing; configured from GITHUB_EMULATOR_* variables. */
function optionsFromEnv(env: NodeJS.ProcessEnv): EmulatorOptions {
  const port = Number(env.GITHUB_EMULATOR_PORT ?? 9090);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error('GITHUB_EMULATOR_PORT must be a port');
  return {
    port,
    host: env.GITHUB_EMULATOR_HOST || '127.0.0.1',
    // Unset: sign straight in as octocat. Set but empty: show the sign-in page.
    autoApprove:
      env.GITHUB_EMULATOR_AUTO_APPROVE === undefined ? 'octocat' : env.GITHUB_EMULATOR_AUTO_APPROVE || null,
    expiringTokens: /^(true|1|yes)$/i.test(env.GITHUB_EMULATOR_EXPIRING_TOKENS ?? ''),
    apps: [
      {
        clientId: env.GITHUB_EMULATOR_CLIENT_ID || DEFAULT_OAUTH_APP.clientId,
        clientSecret: env.GITHUB_EMULATOR_CLIENT_SECRET || DEFAULT_OAUTH_APP.clientSecret,
        callbackUrl: env.GITHUB_EMULATOR_CALLBACK_URL || DEFAULT_OAUTH_APP.callbackUrl,
        name: DEFAULT_OAUTH_APP.name,
      },
    ],
  };
}

const options = optionsFromEnv(process.env);
const emulator = await startGitHubEmulator(options);
console.error(
  `GitHub emulator listening on ${emulator.url} (client_id ${options.apps?.[0]?.clientId}, ` +
    `auto-approve ${options.autoApprove ?? 'off'}, expiring tokens ${options.expiringTokens ? 'on' : 'off'})`,
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    emulator.close().then(() => process.exit(0));
  });
}
