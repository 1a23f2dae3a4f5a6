import type { ComponentChildren } from 'preact'
import { useEffect, useId, useRef } from 'preact/hooks'
import type { ApiError } from '../api/client'
import { ErrorMessage } from './ErrorMessage'

interface Props {
  open: boolean
  title: string
  children: ComponentChildren
  confirmLabel: string
  busy?: boolean
  error?: ApiError
  onConfirm: () => void
  onCancel: () => void
}

/**
 * A modal confirmation on the native <dialog>: the browser keeps focus inside it and Escape
 * cancels. Focus starts on "Cancel" (the safe choice for a destructive action) and goes back
 * to the control that opened it.
 */
export function ConfirmDialog(props: Props) {
  const dialog = useRef<HTMLDialogElement>(null)
  const cancel = useRef<HTMLButtonElement>(null)
  const opener = useRef<HTMLElement | null>(null)

  useEffect(() => {
    const d = dialog.current
    if (!d) return
    if (props.open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
      d.showModal()
      cancel.current?.focus()
    } else if (!props.open && d.open) {
      d.close()
      if (opener.current?.isConnected) opener.current.focus()
    }
  }, [props.open])

  const titleId = useId()
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: let the owner decide (it closes the dialog by setting open=false).
        event.preventDefault()
        if (!props.busy) props.onCancel()
      }}
    >
      <h2 id={titleId} class="dialog-title">
        {props.title}
      </h2>
      <div class="dialog-body">{props.children}</div>
      <ErrorMessage error={props.error} />
      <div class="dialog-actions">
        <button
          ref={cancel}
          type="button"
          class="button button-secondary"
          onClick={props.onCancel}
          disabled={props.busy}
        >
          Cancel
        </button>
        <button type="button" class="button button-danger" onClick={props.onConfirm} disabled={props.busy}>
          {props.busy ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </dialog>
  )
}
