// The console's few building blocks, so every page spaces, labels and announces things the same way.
import {
  cloneElement,
  type FormEvent,
  type ReactElement,
  type ReactNode,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';

/** A labelled control with an optional hint: the label names the control, the hint describes it. */
export function Field({ label, hint, children }: { label: string; hint?: string; children: ReactElement }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {cloneElement(children as ReactElement<{ id?: string; 'aria-describedby'?: string }>, {
        id,
        ...(hint ? { 'aria-describedby': `${id}-hint` } : {}),
      })}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

/** A row of buttons with room between them. */
export function Actions({ children }: { children: ReactNode }) {
  return <div className="actions">{children}</div>;
}

/** Copies a value to the clipboard and says so. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={label}
      onClick={async () => {
        await navigator.clipboard.writeText(value);
        setCopied(true);
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/** A secret shown exactly once (a new key or token), with a copy button and a warning. */
export function Secret({
  title,
  value,
  kept = 'only a hash of it is kept',
}: {
  title: string;
  value: string;
  /** How the gateway keeps it: a hash (keys, tokens) or sealed (a webhook's signing secret, which it must use). */
  kept?: string;
}) {
  return (
    <div role="status" className="secret">
      <strong>{title}</strong>
      <p>Copy it now: it is shown once and {kept}.</p>
      <div className="secret-value">
        <code data-testid="secret">{value}</code>
        {/* Keyed by the value: a new secret in the same place starts as not copied. */}
        <CopyButton key={value} value={value} label={`Copy ${title}`} />
      </div>
    </div>
  );
}

/** A modal side panel on the native dialog element (focus trap, Escape to close, inert page behind). */
export function Drawer({
  title,
  open,
  onClose,
  children,
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="drawer" aria-label={title} onClose={onClose}>
      <header className="drawer-head">
        <h2>{title}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {open && children}
    </dialog>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
export const num = (n: number | null | undefined) =>
  n === null || n === undefined ? '—' : n.toLocaleString();
export const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
/** Latencies are recorded with microseconds; a person reads tenths of a millisecond at most. */
export const millis = (n: number | null | undefined) =>
  n === null || n === undefined ? '—' : `${n.toFixed(n < 10 ? 1 : 0)} ms`;

/** A form's submit handler: its data to the mutation, and the form emptied once the mutation succeeds. */
export function resetOnSuccess(m: { mutate: (f: FormData, o: { onSuccess: () => void }) => void }) {
  return (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    m.mutate(new FormData(form), { onSuccess: () => form.reset() });
  };
}

/** A table's header row: one column header per label. */
export function Head({ cols }: { cols: string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
