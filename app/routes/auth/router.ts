import Router from '@koa/router';
import type { Deps } from '../../container';
import type { Passport } from '../../auth/passport';
import { serializeApiKey, serializeOrganization, serializeUser } from '../../http/serializers';
import { validate } from '../../http/validation';
import { requireUser } from '../../middleware/requireUser';
import { loginBody, registerBody } from './schemas';

/** /auth: register, login (public); user and logout (access token). */
export function authRouter({ accounts, organizations }: Pick<Deps, 'accounts' | 'organizations'>, passport: Passport): Router {
  const router = new Router({ prefix: '/auth' });

  router.post('/register', async (ctx) => {
    const body = validate(registerBody, ctx.request.body);
    const created = await accounts.register({
      email: body.email,
      password: body.password,
      firstName: body.first_name,
      lastName: body.last_name,
    }, ctx.ip);
    ctx.status = 201;
    ctx.body = {
      user: serializeUser(created.user),
      token: created.token,
      organization: serializeOrganization(created.organization),
      apiKey: { ...serializeApiKey(created.apiKey.key), key: created.apiKey.secret },
    };
  });

  router.post('/login', async (ctx) => {
    const body = validate(loginBody, ctx.request.body);
    const { user, token } = await accounts.login(body.email, body.password, ctx.ip);
    ctx.body = { user: serializeUser(user), token };
  });

  router.get('/user', requireUser(passport), async (ctx) => {
    const user = ctx.state.user!;
    const orgs = await organizations.listForMember(user.id, { limit: 100 });
    ctx.body = { ...serializeUser(user), organizations: orgs.map(serializeOrganization) };
  });

  router.post('/logout', requireUser(passport), async (ctx) => {
    await accounts.logout(ctx.state.accessTokenId!);
    ctx.body = { success: true };
  });

  return router;
}
