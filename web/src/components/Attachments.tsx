// Files on a ticket or comment, and the file picker for new ones.
import type { Attachment } from '../api/types'

/** 1536 → "1.5 KB": sizes as people read them. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

export function AttachmentList({ attachments, label }: { attachments: Attachment[]; label: string }) {
  if (attachments.length === 0) return null
  return (
    <ul class="attachments" aria-label={label}>
      {attachments.map((a) => (
        <li key={a.id} class="attachment">
          {/* The server sends it as a download (Content-Disposition: attachment), never shown inline. */}
          <a href={`/api/attachments/${encodeURIComponent(a.id)}`} download={a.filename}>
            {a.filename}
          </a>{' '}
          <span class="muted">({formatSize(a.size)})</span>
        </li>
      ))}
    </ul>
  )
}

/** A labelled multiple-file input; `files` is what it holds now. */
export function FilePicker(props: {
  id: string
  label: string
  files: File[]
  onChange: (files: File[]) => void
  disabled?: boolean
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="file"
        multiple
        disabled={props.disabled}
        aria-describedby={`${props.id}-hint`}
        onChange={(e) => props.onChange([...((e.currentTarget as HTMLInputElement).files ?? [])])}
      />
      <p id={`${props.id}-hint`} class="field-hint">
        {props.files.length > 0
          ? `${props.files.length} file${props.files.length === 1 ? '' : 's'} selected (${formatSize(
              props.files.reduce((sum, f) => sum + f.size, 0),
            )})`
          : 'Optional. Screenshots, logs or documents.'}
      </p>
    </div>
  )
}
