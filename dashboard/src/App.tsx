import { useEffect, useState } from 'preact/hooks';
import { api, isSessionLost, type NewApiKey, type Organization, type UserWithOrganizations } from './api';
import { ErrorNotice, InfoNotice } from './components/ErrorNotice';
import { Layout } from './components/Layout';
import { describeError } from './describeError';
import { ApiKeyPage } from './pages/ApiKeyPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { LoginPage } from './pages/LoginPage';
import { LogsPage } from './pages/LogsPage';
import { RegisterPage } from './pages/RegisterPage';
import { UsagePage } from './pages/UsagePage';
import { navigate, orgIdOf, paths, useRoute } from './router';
import { sectionPage } from './sections';
import { clearToken, loadToken, saveToken } from './session';

interface Session {
  token: string;
  user: UserWithOrganizations;
}

export function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(null);
  const [booting, setBooting] = useState(() => loadToken() !== null);
  const [bootError, setBootError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [registrationKey, setRegistrationKey] = useState<NewApiKey | null>(null);

  async function startSession(token: string) {
    const user = await api.currentUser(token);
    saveToken(token);
    setSession({ token, user });
    setNotice(null);
    return user;
  }

  function endSession(message: string | null) {
    clearToken();
    setSession(null);
    setRegistrationKey(null);
    setNotice(message);
    navigate(paths.login(), { replace: true });
  }

  const onSessionLost = (err: unknown) => endSession(describeError(err).message);

  // A reload keeps the tab signed in: the token from sessionStorage, checked against /auth/user.
  function resume() {
    const token = loadToken();
    if (!token) return setBooting(false);
    setBooting(true);
    setBootError(null);
    startSession(token)
      .catch((err: unknown) => (isSessionLost(err) ? onSessionLost(err) : setBootError(err)))
      .finally(() => setBooting(false));
  }
  useEffect(resume, []);

  // Pages that need (or must not have) a session redirect once the session state is known.
  const signedIn = session !== null;
  const firstOrgId = session?.user.organizations[0]?.id ?? null;
  useEffect(() => {
    if (booting || bootError) return;
    const authPage = route.page === 'login' || route.page === 'register';
    if (!signedIn && !authPage) navigate(paths.login(), { replace: true });
    else if (signedIn && (authPage || route.page === 'home') && firstOrgId) navigate(paths.apiKeys(firstOrgId), { replace: true });
  }, [booting, bootError, signedIn, route, firstOrgId]);

  if (booting) return <p class="loading">Loading…</p>;
  if (bootError) {
    return (
      <main class="auth">
        <ErrorNotice error={bootError} />
        <button type="button" class="button" onClick={resume}>
          Try again
        </button>
      </main>
    );
  }

  if (!session) {
    if (route.page === 'register') {
      return (
        <RegisterPage
          onRegistered={async (token, organization, apiKey) => {
            await startSession(token);
            setRegistrationKey(apiKey);
            navigate(paths.apiKeys(organization.id));
          }}
        />
      );
    }
    return (
      <LoginPage
        notice={notice}
        onLoggedIn={async (token) => {
          const user = await startSession(token);
          const first = user.organizations[0];
          if (first) navigate(paths.apiKeys(first.id));
        }}
      />
    );
  }

  const orgId = orgIdOf(route);
  const organization = session.user.organizations.find((o) => o.id === orgId);

  async function organizationCreated(org: Organization) {
    if (!session) return;
    try {
      await startSession(session.token);
    } catch (err) {
      if (isSessionLost(err)) return onSessionLost(err);
    }
    navigate(paths.apiKeys(org.id));
  }

  async function logout() {
    if (!session) return;
    // Revoke the token on the server; forget it here even if that request fails.
    await api.logout(session.token).catch(() => undefined);
    endSession('You have logged out.');
  }

  return (
    <Layout
      user={session.user}
      token={session.token}
      currentOrgId={organization?.id ?? null}
      currentPage={route.page}
      onOrganizationCreated={(org) => void organizationCreated(org)}
      onSessionLost={onSessionLost}
      onLogout={() => void logout()}
    >
      {organization ? (
        (sectionPage(route, session.token, organization, onSessionLost) ??
        (route.page === 'usage' ? (
          <UsagePage token={session.token} organization={organization} onSessionLost={onSessionLost} />
        ) : route.page === 'logs' ? (
          <LogsPage token={session.token} organization={organization} onSessionLost={onSessionLost} />
        ) : route.page === 'apiKey' ? (
          <ApiKeyPage token={session.token} organization={organization} keyId={route.keyId} onSessionLost={onSessionLost} />
        ) : (
          <ApiKeysPage
            token={session.token}
            organization={organization}
            initialNewKey={registrationKey}
            onInitialNewKeyTaken={() => setRegistrationKey(null)}
            onSessionLost={onSessionLost}
          />
        )))
      ) : (
        orgId && <InfoNotice>This organization does not exist or you are not a member of it. Pick one above.</InfoNotice>
      )}
    </Layout>
  );
}
