import type { ComponentChildren } from 'preact';
import { navigate } from '../router';

interface Props {
  href: string;
  class?: string;
  children: ComponentChildren;
  'aria-current'?: 'page';
  'aria-label'?: string;
}

/**
 * A link inside the dashboard: a real <a href> (a new tab, a copied link and a reload all work),
 * followed in place by the router on a plain click.
 */
export function Link({ href, children, ...rest }: Props) {
  return (
    <a
      href={href}
      {...rest}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
