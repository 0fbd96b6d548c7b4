import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Message } from './mailApi';
import { prepareMailHtml } from './mailHtml';

/**
 * A message's body: its HTML in a sandboxed frame (no scripts, its own opaque origin, popups
 * only for links, which open outside the sandbox), else its text as text.
 */
export function MailBody({ message }: { message: Message }) {
  if (message.html) return <MailFrame key={message.id} html={message.html} subject={message.subject} />;
  if (message.text) return <pre class="mail-text">{message.text}</pre>;
  return <p class="empty">This message has no body.</p>;
}

function MailFrame({ html, subject }: { html: string; subject: string }) {
  const [showImages, setShowImages] = useState(false);
  const prepared = useMemo(() => prepareMailHtml(html, showImages), [html, showImages]);
  const frame = useRef<HTMLIFrameElement>(null);
  // Set as a property, not through JSX: srcdoc takes the Trusted Types value as it is.
  useEffect(() => {
    if (frame.current) (frame.current as unknown as { srcdoc: unknown }).srcdoc = prepared.srcdoc;
  }, [prepared]);
  return (
    <div class="mail-html">
      {prepared.blockedImages > 0 && (
        <div class="images-bar" role="status">
          <span>
            {prepared.blockedImages === 1 ? '1 remote image is' : `${prepared.blockedImages} remote images are`} hidden: loading them tells the sender you
            opened this message.
          </span>
          <button type="button" class="button button-small" onClick={() => setShowImages(true)}>
            Show images
          </button>
        </div>
      )}
      <iframe
        ref={frame}
        class="mail-frame"
        title={`Message: ${subject}`}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerpolicy="no-referrer"
      />
    </div>
  );
}
