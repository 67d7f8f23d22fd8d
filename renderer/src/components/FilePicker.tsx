import { useRef } from 'react';

interface Props {
  /** The button's text, e.g. 选择表格文件… */
  label: string;
  accept?: string;
  multiple?: boolean;
  /** Pick a whole folder (Chromium's webkitdirectory) */
  directory?: boolean;
  disabled?: boolean;
  primary?: boolean;
  title?: string;
  testId: string;
  onFiles: (files: FileList) => void;
}

/**
 * A button that opens the system's file dialog. The browser's own file input draws its button and
 * "no file chosen" in the browser's UI language (English in a browser left in English) and cannot
 * be styled; this one says what to pick in Chinese and is reached with Tab like every other button.
 * The same file can be picked twice in a row (the input is cleared after each pick).
 */
export function FilePicker({ label, accept, multiple, directory, disabled, primary, title, testId, onFiles }: Props) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={primary ? 'primary' : undefined} disabled={disabled} title={title} onClick={() => input.current?.click()} data-testid={testId}>
        {label}
      </button>
      <input
        ref={(el) => {
          input.current = el;
          if (el && directory) el.setAttribute('webkitdirectory', '');
        }}
        type="file"
        hidden
        tabIndex={-1}
        {...(accept ? { accept } : {})}
        multiple={multiple}
        onChange={(e) => {
          const files = e.target.files;
          if (files && files.length) onFiles(files);
          e.target.value = '';
        }}
        data-testid={`${testId}-input`}
      />
    </>
  );
}
