// The access token, kept for this browser tab only: sessionStorage (so a reload keeps you logged
// in) with memory as the fallback when storage is unavailable. Never a cookie.

const KEY = 'sendook.dashboard.token';
let memory: string | null = null;

export function loadToken(): string | null {
  try {
    return sessionStorage.getItem(KEY) ?? memory;
  } catch {
    return memory;
  }
}

export function saveToken(token: string): void {
  memory = token;
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // Storage disabled: the token stays in memory for as long as the page is open.
  }
}

export function clearToken(): void {
  memory = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}
