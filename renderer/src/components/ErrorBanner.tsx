export function ErrorBanner({ message, onClose }: { message: string | null; onClose?: () => void }) {
  if (!message) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner">
      <span>{message}</span>
      {onClose && (
        <button type="button" className="link" onClick={onClose} aria-label="关闭">
          ×
        </button>
      )}
    </div>
  );
}
