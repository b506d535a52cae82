// The tool call's floor: the gateway → NATS → worker → GitHub shape with none of Gatehouse's code
// (bench/floor/server.ts). An Express front with the gateway's middleware parses the JSON-RPC body
// and sends it in one NATS request; the back fetches the page of repositories with undici and
// passes back, unread, as many of its bytes as the gateway's answer holds, which the front returns
// as they came. The direct side makes
// the same fetch with the same client, so what the via side adds is the shape alone: the least
// any tool call through this architecture can add on this machine, measured as the tool call
// scenario measures (bench/scenarios/tool-call.ts).
import { Agent, request } from 'undici';
import { type FloorProcess, startFloorProcess } from '../floor/process.ts';
import { type EmulatorProcess, mintGitHubToken } from '../harness/emulator-process.ts';
import type { ResultRow } from './context.ts';
import { compareCalls } from './tool-call.ts';

export async function toolCallFloorScenario(
  emulator: EmulatorProcess,
  natsUrl: string,
  seconds: number,
): Promise<ResultRow[]> {
  const token = await mintGitHubToken(emulator);
  const page = `${emulator.url}/user/repos?per_page=30&sort=updated`;
  const env = { FLOOR_SUBJECT: `floortool${Date.now()}`, FLOOR_NATS_URL: natsUrl };
  const started: FloorProcess[] = [];
  const dispatcher = new Agent({ connections: 64 });
  const call = async (url: string, options: Parameters<typeof request>[1]) => {
    const answer = await request(url, { ...options, dispatcher });
    await answer.body.arrayBuffer();
    return answer.statusCode === 200;
  };
  try {
    const back = await startFloorProcess('back', {
      ...env,
      FLOOR_GITHUB_URL: page,
      FLOOR_GITHUB_TOKEN: token,
    });
    started.push(back);
    const front = await startFloorProcess('front', { ...env, FLOOR_EXPRESS: '1', FLOOR_FORWARD: '1' });
    started.push(front);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'list_repositories', arguments: {} },
    });
    const viaFloor = () =>
      call(`http://127.0.0.1:${front.port}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
      });
    const direct = () => call(page, { headers: { authorization: `token ${token}`, 'user-agent': 'bench' } });
    const processes = new Map([
      ['front', front.process.pid ?? 0],
      ['back', back.process.pid ?? 0],
      ['emulator', emulator.process.pid ?? 0],
    ]);
    return await compareCalls(
      {
        via: 'the floor',
        direct: 'undici',
        scenario: 'tool call floor (same shape, no Gatehouse code)',
        judged: false,
        processes,
      },
      viaFloor,
      direct,
      seconds,
    );
  } finally {
    await dispatcher.close();
    for (const floor of started) floor.process.kill();
  }
}
