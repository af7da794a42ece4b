export function FieldErrors({ messages }: { messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <span className="field-error" role="alert">
      {messages.join(' ')}
    </span>
  );
}
