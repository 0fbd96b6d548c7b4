import type { ComponentChildren } from 'preact';

/** The centred card around the login and registration forms. */
export function AuthFrame({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <main class="auth">
      <div class="auth-brand">Sendook</div>
      <section class="card auth-card" aria-labelledby="auth-title">
        <h1 id="auth-title">{title}</h1>
        {children}
      </section>
    </main>
  );
}
