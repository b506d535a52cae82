import type { Account, User } from '../../state/model.ts';
import { nodeId, type RenderContext } from './context.ts';

/** The "simple user" object GitHub embeds as owner, user, assignee and so on. */
export function renderSimpleUser(ctx: RenderContext, account: Account) {
  // Organizations too are addressed under /users/ in these links, as on api.github.com.
  const users = `${ctx.api}/users/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.kind, account.id),
    avatar_url: `${ctx.web}/avatars/u/${account.id}?v=4`,
    gravatar_id: '',
    url: users,
    html_url: `${ctx.web}/${account.login}`,
    followers_url: `${users}/followers`,
    following_url: `${users}/following{/other_user}`,
    gists_url: `${users}/gists{/gist_id}`,
    starred_url: `${users}/starred{/owner}{/repo}`,
    subscriptions_url: `${users}/subscriptions`,
    organizations_url: `${users}/orgs`,
    repos_url: `${users}/repos`,
    events_url: `${users}/events{/privacy}`,
    received_events_url: `${users}/received_events`,
    type: account.kind,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** A simple user by login; seeds are validated, so a login without an account is a bug. */
export function renderLogin(ctx: RenderContext, login: string) {
  const account = ctx.store.account(login);
  if (!account) throw new Error(`no account for login ${login}`);
  return renderSimpleUser(ctx, account);
}

/** The public profile (GET /users/{username}); with `self`, the private fields GET /user adds. */
export function renderUser(ctx: RenderContext, user: User, self: boolean) {
  const owned = ctx.store.repos().filter((repo) => repo.owner.toLowerCase() === user.login.toLowerCase());
  const privateOwned = owned.filter((repo) => repo.private).length;
  return {
    ...renderSimpleUser(ctx, user),
    name: user.name,
    company: user.company,
    blog: user.blog,
    location: user.location,
    email: user.email,
    hireable: null,
    bio: user.bio,
    twitter_username: user.twitterUsername,
    public_repos: owned.length - privateOwned,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: user.createdAt,
    updated_at: user.createdAt,
    ...(self
      ? {
          private_gists: 0,
          total_private_repos: privateOwned,
          owned_private_repos: privateOwned,
          disk_usage: 0,
          collaborators: 0,
          two_factor_authentication: true,
          plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
        }
      : {}),
  };
}
