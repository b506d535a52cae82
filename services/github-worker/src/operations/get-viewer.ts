import type { MessageInitShape } from '@bufbuild/protobuf';
import type { github } from '@gatehouse/proto';
import { scopesOf, toViewer } from '../github/map.ts';
import type { Operation } from './operation.ts';

/** GET /user: who the person is on GitHub, the scopes their token carries, and a masked token. */
export const getViewer: Operation<
  github.GetViewerRequest,
  Record<string, never>,
  MessageInitShape<typeof github.ViewerSchema>
> = {
  action: 'reading your GitHub account',
  idempotent: true,
  parse: () => ({}),
  subject: () => 'Your GitHub account',
  async run({ github, upstream }) {
    const response = await github.rest.users.getAuthenticated();
    return toViewer(response.data, { ...upstream, scopes: scopesOf(response.headers['x-oauth-scopes']) });
  },
};
