// Shows a failed request's problem detail to the person, announced to screen readers.
export function Problem({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error instanceof Error ? error.message : 'Something went wrong.'}
    </p>
  );
}
